//! Whether two trees hold the same content, wherever they are: an object
//! whose document was parsed again (a comment typed in it, a blank line, a
//! value changed and changed back) but reads as before has not changed for
//! the rules of the objects that look it up (they name other objects, never
//! point into their trees: see [`super::Plan`]).

use crate::yaml::{Node, Value};

/// Whether `a` and `b` are the same tree but for their spans: the same
/// values (floats bit for bit) and the same keys, in the same order.
/// Compared for real rather than by a hash, so that a collision can never
/// keep a changed object's lookups unmarked. Without recursion: trees can
/// be deep.
pub fn content(a: &Node, b: &Node) -> bool {
    let mut pending = vec![(a, b)];
    while let Some((a, b)) = pending.pop() {
        let same = match (&a.value, &b.value) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            (Value::Str(x), Value::Str(y)) => x == y,
            (Value::Seq(x), Value::Seq(y)) if x.len() == y.len() => {
                pending.extend(x.iter().zip(y.iter()));
                true
            }
            (Value::Map(x), Value::Map(y)) if x.len() == y.len() => x.iter().zip(y.iter()).all(|(x, y)| {
                pending.push((&x.value, &y.value));
                x.key.as_str() == y.key.as_str()
            }),
            _ => false,
        };
        if !same {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::content;
    use crate::yaml::{parse_stream, Limits, LineIndex, Node};

    fn roots(text: &str) -> Vec<Node> {
        let stream = parse_stream(text.as_bytes(), &LineIndex::new(text.as_bytes()), &Limits::default());
        stream.documents.into_iter().map(|d| d.root.expect("a tree")).collect()
    }

    #[test]
    fn spans_comments_and_styles_do_not_count() {
        let docs = roots("a: 1\nb: [x, 'y']\n---\n# a comment\n\na:   1\nb:\n- x\n- \"y\"\n");
        assert!(content(&docs[0], &docs[1]));
    }

    #[test]
    fn values_keys_order_and_types_count() {
        let base = &roots("a: 1\nb: [x, y]\n")[0];
        for other in [
            "a: 2\nb: [x, y]\n",
            "a: 1\nb: [y, x]\n",
            "b: [x, y]\na: 1\n",
            "a: 1\nc: [x, y]\n",
            "a: '1'\nb: [x, y]\n",
            "a: 1\nb: [x, y, z]\n",
            "a: 1\nb: [x, y]\nc: null\n",
            "a: 1.0\nb: [x, y]\n",
            "a: 1\nb: {x: y}\n",
        ] {
            assert!(!content(base, &roots(other)[0]), "{other}");
        }
        let floats = roots("a: 0.0\n---\na: -0.0\n");
        assert!(!content(&floats[0], &floats[1]));
    }
}

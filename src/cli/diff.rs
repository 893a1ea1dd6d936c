//! Unified diffs of a file before and after its fixes (Myers' algorithm on
//! lines; fixes change few lines, so it is fast on large files).

/// A unified diff with 3 lines of context; empty when the texts are equal.
pub fn unified(label: &str, old: &[u8], new: &[u8]) -> String {
    if old == new {
        return String::new();
    }
    let a = lines(old);
    let b = lines(new);
    let ops = myers(&a, &b);
    let mut out = format!("--- a/{label}\n+++ b/{label}\n");
    // Group into hunks: runs of changes with up to 3 lines of context.
    let changed: Vec<usize> =
        ops.iter().enumerate().filter(|(_, op)| !matches!(op, Op::Same(..))).map(|(i, _)| i).collect();
    let mut i = 0;
    while i < changed.len() {
        let start = changed[i].saturating_sub(3);
        let mut end = changed[i] + 1;
        while i < changed.len() && changed[i] <= end + 6 {
            end = changed[i] + 1;
            i += 1;
        }
        let end = (end + 3).min(ops.len());
        let (mut a_start, mut b_start) = (None, None);
        let (mut a_len, mut b_len) = (0, 0);
        let mut body = String::new();
        for op in &ops[start..end] {
            match *op {
                Op::Same(x, y) => {
                    a_start.get_or_insert(x);
                    b_start.get_or_insert(y);
                    a_len += 1;
                    b_len += 1;
                    push(&mut body, ' ', a[x]);
                }
                Op::Del(x, y) => {
                    a_start.get_or_insert(x);
                    b_start.get_or_insert(y);
                    a_len += 1;
                    push(&mut body, '-', a[x]);
                }
                Op::Ins(x, y) => {
                    a_start.get_or_insert(x);
                    b_start.get_or_insert(y);
                    b_len += 1;
                    push(&mut body, '+', b[y]);
                }
            }
        }
        let at = |s: Option<usize>, len: usize| if len == 0 { s.unwrap_or(0) } else { s.unwrap_or(0) + 1 };
        out.push_str(&format!("@@ -{},{a_len} +{},{b_len} @@\n", at(a_start, a_len), at(b_start, b_len)));
        out.push_str(&body);
    }
    out
}

fn push(out: &mut String, mark: char, line: &[u8]) {
    out.push(mark);
    let text = String::from_utf8_lossy(line);
    match text.strip_suffix('\n') {
        Some(body) => {
            out.push_str(body);
            out.push('\n');
        }
        None => {
            out.push_str(&text);
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

fn lines(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|&b| b == b'\n').collect()
}

/// `Same(old, new)`, `Del(old, new)`, `Ins(old, new)`: line indexes.
#[derive(Clone, Copy, Debug)]
enum Op {
    Same(usize, usize),
    Del(usize, usize),
    Ins(usize, usize),
}

fn myers(a: &[&[u8]], b: &[&[u8]]) -> Vec<Op> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m) as usize;
    let offset = max + 1;
    let mut v = vec![0isize; 2 * max + 3];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    'outer: for d in 0..=max as isize {
        trace.push(v.clone());
        let mut k = -d;
        while k <= d {
            let idx = (k + offset as isize) as usize;
            let mut x = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) { v[idx + 1] } else { v[idx - 1] + 1 };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx] = x;
            if x >= n && y >= m {
                break 'outer;
            }
            k += 2;
        }
    }
    // Walk back through the trace.
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..trace.len() as isize).rev() {
        let v = &trace[d as usize];
        let k = x - y;
        let idx = |k: isize| (k + offset as isize) as usize;
        let prev_k = if k == -d || (k != d && v[idx(k - 1)] < v[idx(k + 1)]) { k + 1 } else { k - 1 };
        let prev_x = if d == 0 { 0 } else { v[idx(prev_k)] };
        let prev_y = prev_x - prev_k;
        while x > prev_x.max(0) && y > prev_y.max(0) && x > 0 && y > 0 && a[(x - 1) as usize] == b[(y - 1) as usize] {
            x -= 1;
            y -= 1;
            ops.push(Op::Same(x as usize, y as usize));
        }
        if d == 0 {
            break;
        }
        if x == prev_x {
            y -= 1;
            ops.push(Op::Ins(x as usize, y as usize));
        } else {
            x -= 1;
            ops.push(Op::Del(x as usize, y as usize));
        }
    }
    ops.reverse();
    ops
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn hunks_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nX\ne\nf\ng\nh\n";
        assert_eq!(
            unified("f.yaml", old.as_bytes(), new.as_bytes()),
            "--- a/f.yaml\n+++ b/f.yaml\n@@ -2,6 +2,7 @@\n b\n c\n d\n+X\n e\n f\n g\n"
        );
        let new = "a\nb\nc\nd\ne\nf\ng\nH\n";
        assert_eq!(
            unified("f", old.as_bytes(), new.as_bytes()),
            "--- a/f\n+++ b/f\n@@ -5,4 +5,4 @@\n e\n f\n g\n-h\n+H\n"
        );
        assert_eq!(
            unified("f", b"a", b"b"),
            "--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
        );
        assert_eq!(unified("f", b"a\n", b"a\n"), "");
    }
}

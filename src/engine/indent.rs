//! An input's indentation step ([`crate::fix::edit::indent_unit`], which
//! fixes' edits depend on), kept up to date through edits: reading the
//! whole text for it after every keystroke was a tenth of a re-check.

use std::ops::Range;

use crate::fix::edit::line_indent;

/// How many lines of the text are indented by each step that can be the
/// unit (1 to 8 spaces); deeper lines never make it.
#[derive(Clone, Debug)]
pub struct Indents([usize; 9]);

impl Indents {
    pub fn new(text: &[u8]) -> Self {
        let mut indents = Indents([0; 9]);
        indents.count(text, 1);
        indents
    }

    /// The step, as `indent_unit` gives it for the whole text.
    pub fn unit(&self) -> usize {
        (1..=8).find(|&step| self.0[step] > 0).unwrap_or(2)
    }

    /// Call before `range` of `text` is replaced by `inserted` bytes: the
    /// lines the edit touches are no longer counted.
    pub fn remove(&mut self, text: &[u8], range: &Range<usize>) {
        self.count(&text[lines_around(text, range.clone())], -1);
    }

    /// Call after `range` of the text was replaced by `inserted` bytes,
    /// now `text`: the lines holding them are counted.
    pub fn add(&mut self, text: &[u8], range: &Range<usize>, inserted: usize) {
        self.count(&text[lines_around(text, range.start..range.start + inserted)], 1);
    }

    fn count(&mut self, lines: &[u8], by: isize) {
        for line in lines.split(|&b| b == b'\n') {
            if let Some(step @ 1..=8) = line_indent(line) {
                self.0[step] = self.0[step].wrapping_add_signed(by);
            }
        }
    }
}

/// From the start of the line holding `range.start` to the end of the line
/// holding `range.end` (without its line break).
fn lines_around(text: &[u8], range: Range<usize>) -> Range<usize> {
    let start = text[..range.start].iter().rposition(|&b| b == b'\n').map_or(0, |n| n + 1);
    let end = text[range.end..].iter().position(|&b| b == b'\n').map_or(text.len(), |n| range.end + n);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::edit::indent_unit;

    #[test]
    fn follows_edits_as_counting_again_does() {
        let mut text = b"a:\n    b: 1\n    c:\n        d: 2\n".to_vec();
        let mut indents = Indents::new(&text);
        assert_eq!(indents.unit(), 4);
        for (range, inserted) in [
            (3..5, &b""[..]),
            (0..0, b"  x: 1\n"),
            (0..9, b""),
            (5..5, b"\n \n"),
            (0..text.len() - 3, b"# only a comment\n   # indented comment"),
        ] {
            let range = range.start.min(text.len())..range.end.min(text.len());
            indents.remove(&text, &range);
            text.splice(range.clone(), inserted.iter().copied());
            indents.add(&text, &range, inserted.len());
            assert_eq!(indents.unit(), indent_unit(&text), "{:?}", String::from_utf8_lossy(&text));
        }
    }
}

//! Byte offset to line and column, for the whole input.

use super::node::Pos;

pub struct LineIndex<'a> {
    text: &'a [u8],
    /// Byte offset where each line starts; lines end at `\n`.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_iter(text).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// Clamps `offset` into the text (and back to a character boundary) and
    /// returns its position.
    pub fn pos(&self, offset: usize) -> Pos {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && offset < self.text.len() && is_continuation(self.text[offset]) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let before = &self.text[self.starts[line]..offset];
        let column = before.iter().filter(|&&b| !is_continuation(b)).count();
        Pos {
            line: line as u32 + 1,
            column: column as u32 + 1,
            offset,
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &'a [u8] {
        let i = (line as usize).saturating_sub(1).min(self.starts.len() - 1);
        let start = self.starts[i];
        let mut end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e - 1);
        if end > start && self.text[end - 1] == b'\r' {
            end -= 1;
        }
        &self.text[start..end]
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

fn memchr_iter(text: &[u8]) -> impl Iterator<Item = usize> + '_ {
    text.iter()
        .enumerate()
        .filter_map(|(i, &b)| (b == b'\n').then_some(i))
}

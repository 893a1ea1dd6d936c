//! Byte offset to line and column, for the whole input.

use std::cell::Cell;

use super::node::Pos;

pub struct LineIndex<'a> {
    text: &'a [u8],
    /// Byte offset where each line starts; lines end at `\n`.
    starts: Vec<usize>,
    /// Columns are byte distances when the text is ASCII.
    ascii: bool,
    /// The line of the last lookup: the parser asks in increasing order.
    last: Cell<usize>,
    /// The last (offset, column) computed, so columns on a long non-ASCII
    /// line are counted onwards rather than from the line's start each time.
    cursor: Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(text.iter().enumerate().filter_map(|(i, &b)| (b == b'\n').then_some(i + 1)));
        LineIndex { text, starts, ascii: text.is_ascii(), last: Cell::new(0), cursor: Cell::new((0, 0)) }
    }

    fn line_of(&self, offset: usize) -> usize {
        let hint = self.last.get();
        let within =
            |line: usize| self.starts[line] <= offset && self.starts.get(line + 1).is_none_or(|&next| offset < next);
        let line = if within(hint) {
            hint
        } else if hint + 1 < self.starts.len() && within(hint + 1) {
            hint + 1
        } else {
            self.starts.partition_point(|&s| s <= offset) - 1
        };
        self.last.set(line);
        line
    }

    /// Clamps `offset` into the text (and back to a character boundary) and
    /// returns its position.
    pub fn pos(&self, offset: usize) -> Pos {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && offset < self.text.len() && is_continuation(self.text[offset]) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.starts[line];
        let column = if self.ascii {
            offset - start
        } else {
            let (from, column) = match self.cursor.get() {
                (at, column) if start <= at && at <= offset => (at, column),
                _ => (start, 0),
            };
            let column = column + self.text[from..offset].iter().filter(|&&b| !is_continuation(b)).count();
            self.cursor.set((offset, column));
            column
        };
        Pos { line: line as u32 + 1, column: column as u32 + 1, offset }
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

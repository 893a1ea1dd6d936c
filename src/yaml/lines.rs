//! Lines of the whole input: byte offset to line and column for the engine,
//! and line ranges and UTF-16 offsets for the playground's editor (a
//! textarea's selection speaks UTF-16 code units). One index serves both.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::ops::Range;

use super::node::{Pos, Region, Span};

/// Where each line starts. It keeps no reference to the text, so the
/// playground can keep it next to its own copy of the text; [`LineIndex`]
/// adds the text and columns on top. Lines end at `\n`.
#[derive(Clone, Debug)]
pub struct LineStarts {
    /// Byte offset where each line starts; never empty. 32 bits, as
    /// every position is (the engine reads at most 4 GiB): a 15 MB input
    /// has 640,000 lines.
    starts: Vec<u32>,
    len: usize,
    ascii: bool,
    /// UTF-16 offset of each line start, computed on first use and only for
    /// non-ASCII text (where it differs from `starts`).
    utf16: OnceCell<Vec<usize>>,
}

impl LineStarts {
    pub fn new(text: &[u8]) -> Self {
        // Counted first, so the list is made once at its size rather than
        // doubled past it.
        let mut starts = Vec::with_capacity(1 + memchr::memchr_iter(b'\n', text).count());
        starts.push(0);
        let ascii = each_break(text, 0, |start| starts.push(start));
        LineStarts { starts, len: text.len(), ascii, utf16: OnceCell::new() }
    }

    /// Brings the index up to date after `range` of the text it was built
    /// from became `inserted` bytes, now `text`: the lines after the edit
    /// move, only the edited bytes are read (and the text, for ASCII, when
    /// the edit may have removed its only other characters). The UTF-16
    /// line starts, if computed, move too: only the edited line is counted.
    pub fn edit(&mut self, text: &[u8], range: Range<usize>, inserted: usize) {
        let shift = inserted as isize - range.len() as isize;
        // A line starts after each line break: those of the replaced bytes
        // go, those of the inserted ones come.
        let from = self.starts.partition_point(|&s| s as usize <= range.start);
        let to = self.starts.partition_point(|&s| s as usize <= range.end);
        for start in &mut self.starts[to..] {
            *start = (*start as usize).wrapping_add_signed(shift) as u32;
        }
        let new = &text[range.start..range.start + inserted];
        let (new_starts, new_ascii) = breaks(new, range.start);
        let added = new_starts.len();
        self.starts.splice(from..to, new_starts);
        self.len = text.len();
        self.ascii = (self.ascii && new_ascii) || text.is_ascii();
        let utf16 = self.utf16.take().filter(|_| !self.ascii).map(|old| {
            // Lines before the edit keep theirs; the new ones are counted
            // from the edited line's start; the old ones after it move by
            // the difference at the first of them.
            let mut utf16 = old[..from].to_vec();
            let (mut units, mut at) = (utf16[from - 1], self.starts[from - 1] as usize);
            for start in self.starts[from..(from + added + 1).min(self.starts.len())].iter().map(|&s| s as usize) {
                units += utf16_units(&text[at.min(start)..start]);
                at = start;
                utf16.push(units);
            }
            if let (Some(&moved), Some(&was)) = (utf16.get(from + added), old.get(to)) {
                utf16.extend(old[to + 1..].iter().map(|&u| u + moved - was));
            }
            utf16
        });
        self.utf16 = utf16.map(OnceCell::from).unwrap_or_default();
    }

    /// The length of the text it indexes.
    pub fn text_len(&self) -> usize {
        self.len
    }

    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of a 0-based line, without its `\n` (the last line for a
    /// line past the end).
    pub fn range(&self, line: usize) -> (usize, usize) {
        let line = line.min(self.starts.len() - 1);
        let end = self.starts.get(line + 1).map_or(self.len, |&next| next as usize - 1);
        (self.starts[line] as usize, end)
    }

    /// The 0-based line holding a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s as usize <= offset).saturating_sub(1)
    }

    /// UTF-16 offset of a byte offset of `text` (the text this was built
    /// from), clamped to the text and to a character boundary. Counts only
    /// within the offset's line.
    pub fn utf16_of(&self, text: &str, byte: usize) -> usize {
        let mut byte = byte.min(text.len());
        if self.ascii {
            return byte;
        }
        while !text.is_char_boundary(byte) {
            byte -= 1;
        }
        let line = self.line_of(byte);
        let start = (self.starts[line] as usize).min(byte);
        self.utf16_starts(text)[line] + utf16_len(&text[start..byte])
    }

    /// Byte offset of a UTF-16 offset of `text`, clamped to the text; an
    /// offset inside a surrogate pair maps to its character's start.
    pub fn byte_of_utf16(&self, text: &str, units: usize) -> usize {
        if self.ascii {
            return units.min(text.len());
        }
        let utf16 = self.utf16_starts(text);
        let line = utf16.partition_point(|&u| u <= units).saturating_sub(1);
        let (start, end) = self.range(line);
        let mut at = utf16[line];
        for (i, c) in text.get(start..end.min(text.len())).unwrap_or("").char_indices() {
            at += c.len_utf16();
            if at > units {
                return start + i;
            }
        }
        end.min(text.len())
    }

    fn utf16_starts(&self, text: &str) -> &[usize] {
        self.utf16.get_or_init(|| {
            let mut units = 0;
            let mut out = Vec::with_capacity(self.starts.len());
            out.push(0);
            for c in text.chars() {
                units += c.len_utf16();
                if c == '\n' {
                    out.push(units);
                }
            }
            // A different text than this was built from must not leave
            // lines without a start.
            out.resize(self.starts.len(), units);
            out
        })
    }
}

/// The offsets after each line break of `bytes`, which start at `base`
/// (within the 32 bits positions hold), and whether every byte is ASCII.
fn breaks(bytes: &[u8], base: usize) -> (Vec<u32>, bool) {
    let mut starts = Vec::new();
    let ascii = each_break(bytes, base, |start| starts.push(start));
    (starts, ascii)
}

/// Calls `found` with the offset after each line break of `bytes`, which
/// start at `base`, and says whether every byte is ASCII. Breaks are found
/// eight bytes at a time: a manifest's lines are short (24 bytes on
/// average), and memchr's search, started again after each break, cost
/// more than a word's test.
fn each_break(bytes: &[u8], base: usize, mut found: impl FnMut(u32)) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut seen = 0;
    let mut at = base + 1;
    let mut word = |word: u64| {
        seen |= word;
        // Exactly the bytes equal to `\n`: the high bit of each byte that
        // is zero once xor-ed with it, with no borrow between bytes.
        let x = word ^ (ONES * u64::from(b'\n'));
        let mut breaks = !(((x & !HIGH) + !HIGH) | x) & HIGH;
        while breaks != 0 {
            found((at + breaks.trailing_zeros() as usize / 8) as u32);
            breaks &= breaks - 1;
        }
        at += 8;
    };
    let mut words = bytes.chunks_exact(8);
    for eight in words.by_ref() {
        word(u64::from_le_bytes(eight.try_into().unwrap_or_default()));
    }
    // The bytes after the last whole word, as one more word padded with
    // spaces.
    let mut last = [b' '; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    word(u64::from_le_bytes(last));
    seen & HIGH == 0
}

/// UTF-16 code units of UTF-8 bytes: one per character, two for those of
/// four bytes.
fn utf16_units(bytes: &[u8]) -> usize {
    bytes.iter().map(|&b| usize::from(!is_continuation(b)) + usize::from(b >= 0xF0)).sum()
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

pub struct LineIndex<'a> {
    text: &'a [u8],
    lines: Cow<'a, LineStarts>,
    /// The line of the last lookup: findings and errors are placed mostly
    /// in the order of the text.
    last: Cell<usize>,
    /// The last (offset, column) computed, so columns on a long non-ASCII
    /// line are counted onwards rather than from the line's start each time.
    cursor: Cell<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        Self::with(text, Cow::Owned(LineStarts::new(text)))
    }

    /// The index of `text` with its line starts, kept from before.
    pub fn with_starts(text: &'a [u8], lines: &'a LineStarts) -> Self {
        Self::with(text, Cow::Borrowed(lines))
    }

    fn with(text: &'a [u8], lines: Cow<'a, LineStarts>) -> Self {
        LineIndex { text, lines, last: Cell::new(0), cursor: Cell::new((0, 0)) }
    }

    /// Where each line starts, in order (the first at 0).
    pub fn starts(&self) -> impl Iterator<Item = usize> + '_ {
        self.lines.starts.iter().map(|&start| start as usize)
    }

    fn line_of(&self, offset: usize) -> usize {
        let starts = &self.lines.starts;
        let hint = self.last.get();
        let within = |line: usize| {
            starts[line] as usize <= offset && starts.get(line + 1).is_none_or(|&next| offset < next as usize)
        };
        let line = if within(hint) {
            hint
        } else if hint + 1 < starts.len() && within(hint + 1) {
            hint + 1
        } else {
            gallop(starts, hint, offset)
        };
        self.last.set(line);
        line
    }

    /// `offset` clamped into the text and back to a character boundary.
    #[inline]
    pub fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.lines.ascii && offset > 0 && offset < self.text.len() && is_continuation(self.text[offset]) {
            offset -= 1;
        }
        offset
    }

    /// Clamps `offset` into the text (and back to a character boundary) and
    /// returns its position.
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let start = self.lines.starts[line] as usize;
        let column = if self.lines.ascii {
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
        Pos { line: line as u32 + 1, column: column as u32 + 1, offset: offset as u32 }
    }

    /// Whether the text is ASCII: a character offset is then a byte offset.
    pub fn is_ascii(&self) -> bool {
        self.lines.ascii
    }

    /// The position of `offset`, at or after `from` (a position this index
    /// gave): counted on from `from` when both are on one line, as the two
    /// ends of most scalars are, without looking the line up again.
    pub fn pos_from(&self, from: Pos, offset: usize) -> Pos {
        let next_line = self.lines.starts.get(from.line as usize).map_or(usize::MAX, |&start| start as usize);
        let on_boundary = self.lines.ascii || self.text.get(offset).is_none_or(|&b| !is_continuation(b));
        if from.at() <= offset && offset < next_line && offset <= self.text.len() && on_boundary {
            let skipped = &self.text[from.at()..offset];
            let columns =
                if self.lines.ascii { skipped.len() } else { skipped.iter().filter(|&&b| !is_continuation(b)).count() };
            return Pos { line: from.line, column: from.column + columns as u32, offset: offset as u32 };
        }
        self.pos(offset)
    }

    /// The positions of both ends of a span: what a finding or an error
    /// reports of a node's span. Asked in the order of the text, as
    /// findings mostly are, a lookup starts from the last line found.
    pub fn region(&self, span: Span) -> Region {
        let start = self.pos(span.start_at());
        // Collection starts and ends are empty: one lookup; most spans end
        // on the line they start on.
        let end = if span.end == span.start { start } else { self.pos_from(start, span.end_at()) };
        Region { start, end }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &'a [u8] {
        let (start, mut end) = self.lines.range((line as usize).saturating_sub(1));
        if end > start && self.text[end - 1] == b'\r' {
            end -= 1;
        }
        &self.text[start..end]
    }
}

/// The line holding `offset`, searched outwards from the line `hint` in
/// doubling steps, then halved: the findings of one object are asked in
/// the order of its rules, not of its text, so most lookups land a few
/// lines from the last, where a search of the whole index took 17 steps.
fn gallop(starts: &[u32], hint: usize, offset: usize) -> usize {
    let before = |line: usize| starts[line] as usize <= offset;
    let (mut low, mut high) = if before(hint) {
        // The answer is at or after `hint`: `low` holds a start at or
        // before `offset`, `high` is past the answer.
        let mut step = 1;
        let mut low = hint;
        loop {
            let next = hint + step;
            if next >= starts.len() {
                break (low, starts.len());
            }
            if !before(next) {
                break (low, next);
            }
            low = next;
            step *= 2;
        }
    } else {
        let mut step = 1;
        let mut high = hint;
        loop {
            let Some(next) = hint.checked_sub(step) else { break (0, high) };
            if before(next) {
                break (next, high);
            }
            high = next;
            step *= 2;
        }
    };
    // `starts[0]` is 0, so some start is at or before every offset.
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if before(mid) {
            low = mid;
        } else {
            high = mid;
        }
    }
    low
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_ranges() {
        let lines = LineStarts::new(b"a: 1\nbb: 2\n");
        assert_eq!(lines.count(), 3);
        assert_eq!(lines.range(1), (5, 10));
        assert_eq!(lines.range(2), (11, 11));
        assert_eq!(lines.range(9), (11, 11));
        assert_eq!((lines.line_of(0), lines.line_of(5), lines.line_of(11)), (0, 1, 2));
    }

    /// Line breaks found a word at a time are every `\n` and nothing else
    /// (`\x0b` and `\x8a` next to one, at each place in a word, and text
    /// that ends inside a word), and non-ASCII text anywhere is noticed.
    #[test]
    fn every_break_and_only_breaks() {
        let bytes = [b'\n', b'\n', 0x0b, 0x8a, b'a', 0x0a ^ 0x80, 0];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..200 {
            let text: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let b = bytes[(seed % bytes.len() as u64) as usize];
                    if len % 3 == 0 {
                        b & 0x7f
                    } else {
                        b
                    }
                })
                .collect();
            let lines = LineStarts::new(&text);
            let expected: Vec<u32> = std::iter::once(0)
                .chain(text.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i as u32 + 1))
                .collect();
            assert_eq!(lines.starts, expected, "{text:?}");
            assert_eq!(lines.ascii, text.is_ascii(), "{text:?}");
        }
    }

    #[test]
    fn a_search_from_any_line_finds_what_a_search_of_the_whole_index_finds() {
        let text = b"a\n\nbbb\ncc\n\n\nd\neeeeee\nf\n\ng";
        let lines = LineStarts::new(text);
        for hint in 0..lines.count() {
            for offset in 0..=text.len() {
                assert_eq!(gallop(&lines.starts, hint, offset), lines.line_of(offset), "from line {hint} to {offset}");
            }
        }
    }

    #[test]
    fn utf16_offsets_round_trip_on_every_line() {
        let text = "é: 😀x\nb: 😀😀y\n\u{202e}z";
        let lines = LineStarts::new(text.as_bytes());
        let mut units = 0;
        for (i, c) in text.char_indices() {
            assert_eq!(lines.utf16_of(text, i), units, "byte {i}");
            assert_eq!(lines.byte_of_utf16(text, units), i, "unit {units}");
            units += c.len_utf16();
        }
        assert_eq!(lines.utf16_of(text, text.len()), units);
        assert_eq!(lines.byte_of_utf16(text, units + 10), text.len());
        // Inside a character: its start, both ways.
        let emoji = text.find('😀').unwrap();
        assert_eq!(lines.utf16_of(text, emoji + 2), lines.utf16_of(text, emoji));
        assert_eq!(lines.byte_of_utf16(text, lines.utf16_of(text, emoji) + 1), emoji);
    }

    #[test]
    fn columns_count_characters() {
        let text = "a: é\nbé: c\r\n";
        let index = LineIndex::new(text.as_bytes());
        let pos = index.pos(text.find('c').unwrap());
        assert_eq!((pos.line, pos.column), (2, 5));
        assert_eq!(index.line_text(2), "bé: c".as_bytes());
    }

    #[test]
    fn a_position_counted_on_from_another_is_the_one_looked_up() {
        for text in ["a: é\nbé: c\r\n😀x\n", "ab: 1\nc: [d, e]\n", "x"] {
            let index = LineIndex::new(text.as_bytes());
            // Every pair of offsets, inside characters and past the end too.
            for from in 0..=text.len() {
                for offset in from..text.len() + 3 {
                    let looked_up = LineIndex::new(text.as_bytes()).pos(offset);
                    assert_eq!(index.pos_from(index.pos(from), offset), looked_up, "{text:?} {from} {offset}");
                }
            }
        }
    }

    #[test]
    fn a_region_is_the_positions_of_its_ends_looked_up() {
        for text in ["a: é\nbé: c\r\n😀x\n", "ab: 1\nc: [d, e]\n", "x"] {
            // One index for every span, asked in and out of order, as
            // findings ask it.
            let index = LineIndex::new(text.as_bytes());
            for start in (0..=text.len() + 1).chain((0..=text.len()).rev()) {
                for end in start..text.len() + 3 {
                    let fresh = LineIndex::new(text.as_bytes());
                    let expected = Region { start: fresh.pos(start), end: fresh.pos(end) };
                    assert_eq!(index.region(Span::of(start, end)), expected, "{text:?} {start}..{end}");
                }
            }
        }
    }

    #[test]
    fn edited_starts_equal_new_ones() {
        let mut text = b"a: 1\nb: 2\n\nc\n".to_vec();
        let mut lines = LineStarts::new(&text);
        for (range, inserted) in
            [(0..0, &b"x\n"[..]), (3..9, b""), (2..2, b"\n\n"), (4..5, "é\n".as_bytes()), (0..3, b"z"), (1..2, b"")]
        {
            let len = inserted.len();
            text.splice(range.clone(), inserted.iter().copied());
            lines.edit(&text, range, len);
            let fresh = LineStarts::new(&text);
            assert_eq!((&lines.starts, lines.len, lines.ascii), (&fresh.starts, fresh.len, fresh.ascii));
        }
    }

    #[test]
    fn edited_utf16_starts_equal_new_ones() {
        let mut text = "é: 1\nb: 😀\n\nc\n".to_string();
        let mut lines = LineStarts::new(text.as_bytes());
        for (range, inserted) in [
            (0..0, "x\n"),
            (3..9, ""),
            (2..2, "\n😀\n"),
            (4..5, "é\n"),
            (0..3, "z"),
            (1..2, ""),
            (7..7, "ab"),
            (0..0, "é"),
        ] {
            let boundary = |mut at: usize| {
                at = at.min(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                at
            };
            let range = boundary(range.start)..boundary(range.end);
            // Computed before the edit, so that the edit moves it.
            lines.utf16_of(&text, text.len());
            text.replace_range(range.clone(), inserted);
            lines.edit(text.as_bytes(), range, inserted.len());
            let fresh = LineStarts::new(text.as_bytes());
            if !fresh.ascii {
                assert_eq!(lines.utf16.get(), Some(fresh.utf16_starts(&text).to_vec()).as_ref(), "{text:?}");
            }
        }
    }
}

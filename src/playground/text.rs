//! Lines and offsets of the editor's text. The engine speaks UTF-8 byte
//! offsets; a textarea's selection speaks UTF-16 code units.

/// Byte offsets where each line starts.
pub struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter_map(|(i, b)| (b == b'\n').then_some(i + 1)));
        Lines { starts, len: text.len() }
    }

    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of a 0-based line, without its `\n`.
    pub fn range(&self, line: usize) -> (usize, usize) {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).map_or(self.len, |next| next - 1);
        (start, end)
    }

    /// The 0-based line holding a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }
}

/// UTF-16 index of a byte offset (clamped to the text).
pub fn utf16_of_byte(text: &str, byte: usize) -> usize {
    let byte = byte.min(text.len());
    if text.is_ascii() {
        return byte;
    }
    text.char_indices().take_while(|(i, _)| *i < byte).map(|(_, c)| c.len_utf16()).sum()
}

/// Byte offset of a UTF-16 index (clamped to the text).
pub fn byte_of_utf16(text: &str, utf16: usize) -> usize {
    if text.is_ascii() {
        return utf16.min(text.len());
    }
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_ranges() {
        let lines = Lines::new("a: 1\nbb: 2\n");
        assert_eq!(lines.count(), 3);
        assert_eq!(lines.range(1), (5, 10));
        assert_eq!(lines.range(2), (11, 11));
        assert_eq!(lines.line_of(0), 0);
        assert_eq!(lines.line_of(5), 1);
        assert_eq!(lines.line_of(11), 2);
    }

    #[test]
    fn utf16_round_trip() {
        let text = "é: 😀x\n";
        assert_eq!(utf16_of_byte(text, text.find('x').unwrap()), 5);
        assert_eq!(byte_of_utf16(text, 5), text.find('x').unwrap());
        assert_eq!(byte_of_utf16(text, 100), text.len());
    }
}

//! Cuts a stream into documents before parsing, so that a syntax error in one
//! document cannot stop the parser from reaching the next.
//!
//! A line starting with `---` or `...` (followed by white space or the end of
//! the line) is a document marker wherever it occurs: YAML forbids both at the
//! start of a line inside any scalar, so cutting there never splits a node.

use std::ops::Range;

/// The byte range of one document's text (including its `---` line).
pub fn documents(text: &[u8]) -> Vec<Range<usize>> {
    // Only the lines that may be markers: the first, and those found by
    // their line break and first two bytes, a vector's width at a time
    // (most lines start with neither marker).
    let dashes = memchr::memmem::find_iter(text, b"\n--").map(|i| i + 1);
    let dots = memchr::memmem::find_iter(text, b"\n..").map(|i| i + 1);
    cut(text, merged(dashes, dots))
}

/// The documents of `text`, cut at the markers among the lines that start
/// at `line_starts` (ascending; the first line is always read).
fn cut(text: &[u8], line_starts: impl Iterator<Item = usize>) -> Vec<Range<usize>> {
    let bom = if text.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let mut chunks = Vec::new();
    let mut start = bom;
    for line_start in std::iter::once(bom).chain(line_starts).take_while(|&at| at < text.len()) {
        let line = &text[line_start..];
        if is_marker(line, b"---") {
            chunks.push(start..line_start);
            start = line_start;
        } else if is_marker(line, b"...") {
            let next = memchr::memchr(b'\n', line).map_or(text.len(), |i| line_start + i + 1);
            chunks.push(start..next);
            start = next;
        }
    }
    chunks.push(start..text.len());
    merge_preambles(text, chunks)
}

/// Two ascending lists of offsets as one.
fn merged(a: impl Iterator<Item = usize>, b: impl Iterator<Item = usize>) -> impl Iterator<Item = usize> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if x > y => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

pub(super) fn is_marker(line: &[u8], marker: &[u8; 3]) -> bool {
    line.starts_with(marker) && line.get(3).is_none_or(|b| b" \t\r\n".contains(b))
}

/// Drops chunks with nothing but blank lines and comments; a chunk holding
/// `%` directives belongs to the document that follows it.
fn merge_preambles(text: &[u8], chunks: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut preamble: Option<usize> = None;
    for chunk in chunks {
        let body = &text[chunk.clone()];
        let explicit = is_marker(body, b"---");
        match classify(body) {
            Kind::Empty if !explicit => {}
            Kind::Directives if !explicit => preamble = preamble.or(Some(chunk.start)),
            _ => out.push(preamble.take().unwrap_or(chunk.start)..chunk.end),
        }
    }
    out
}

enum Kind {
    Empty,
    Directives,
    Content,
}

fn classify(body: &[u8]) -> Kind {
    let mut kind = Kind::Empty;
    for line in body.split(|&b| b == b'\n') {
        let trimmed = line.trim_ascii_start();
        match trimmed.first() {
            None | Some(b'#') => {}
            Some(b'%') if line.first() == Some(&b'%') => kind = Kind::Directives,
            Some(_) if trimmed == b"..." => {}
            Some(_) => return Kind::Content,
        }
    }
    kind
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        documents(s.as_bytes()).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn splits_on_markers_and_keeps_them() {
        assert_eq!(texts("a: 1\n---\nb: 2\n"), ["a: 1\n", "---\nb: 2\n"]);
        assert_eq!(texts("---\na: 1\n--- # c\nb: 2"), ["---\na: 1\n", "--- # c\nb: 2"]);
    }

    #[test]
    fn leading_comments_are_not_a_document_but_empty_explicit_ones_are() {
        assert_eq!(texts("# hi\n\n---\na: 1\n"), ["---\na: 1\n"]);
        assert_eq!(texts("---\n---\na: 1\n"), ["---\n", "---\na: 1\n"]);
        assert!(texts("").is_empty());
        assert!(texts("  \n# only a comment\n").is_empty());
    }

    #[test]
    fn markers_need_a_separator_after_them() {
        assert_eq!(texts("a: |\n  x\n----\n"), ["a: |\n  x\n----\n"]);
        assert_eq!(texts("a: 1\n---\r\nb: 2"), ["a: 1\n", "---\r\nb: 2"]);
    }

    #[test]
    fn document_end_marker_ends_a_bare_document() {
        assert_eq!(texts("a: 1\n...\nb: 2\n"), ["a: 1\n...\n", "b: 2\n"]);
    }

    #[test]
    fn directives_stay_with_their_document() {
        assert_eq!(texts("%YAML 1.1\n---\na: 1\n"), ["%YAML 1.1\n---\na: 1\n"]);
    }

    /// [`documents`] as it read every line before it looked only at those
    /// found by their first bytes.
    fn every_line(text: &[u8]) -> Vec<Range<usize>> {
        cut(text, memchr::memchr_iter(b'\n', text).map(|i| i + 1))
    }

    #[test]
    fn only_lines_that_may_be_markers_are_read() {
        // Lines made of the bytes markers are made of, so that dashes,
        // dots, near misses (`--`, `..x`, `----`) and both markers on
        // neighbouring lines all occur.
        let pieces = ["---", "...", "--", "..", "-", ".", "a: 1", " ", "#", "\n", "\n", "\n", "\r", "x"];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            let len = state % 24;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            for text in [text.clone(), format!("\u{feff}{text}")] {
                assert_eq!(documents(text.as_bytes()), every_line(text.as_bytes()), "{text:?}");
            }
        }
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let s = "\u{feff}a: 1\n";
        assert_eq!(documents(s.as_bytes()), vec![3..s.len()]);
    }
}

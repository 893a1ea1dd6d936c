//! A scanner for the YAML that Kubernetes manifests are written in: block
//! mappings and sequences, plain, quoted and literal scalars, one-line flow
//! collections, comments. It turns one document chunk into the events, with
//! the same spans, that the full parser (saphyr) gives for it, several
//! times faster and without a string per plain scalar, handed to the tree
//! builder as they are read ([`Sink`]: no anchors, tags or scalar styles,
//! which the subset has no use for, and nothing to build or drop per event).
//!
//! It declines (returns false) at the first thing outside that subset:
//! anchors, aliases, tags, directives, `...`, complex keys, folded or kept
//! block scalars, escapes, multi-line plain or quoted scalars and flow
//! collections, tabs, carriage returns and other control characters, odd
//! indentation, and anything that is an error. The chunk then goes to the
//! full parser, which also words every syntax error: this scanner never
//! reports one. What the builder made of the chunk's events so far is then
//! dropped, so declining late costs time, never a different result.
//! `tests/yaml_scanner.rs` holds it to the full parser's output.

use std::borrow::Cow;

/// What ends a plain scalar on its line ([`Scan::plain_end`]).
enum PlainEnd {
    /// A `: `: the scalar is a key.
    Colon,
    /// The line break, or a comment.
    Line,
}

/// Where the scanner's events go as it reads them (the tree builder), each
/// with its byte range in the chunk. No anchors, tags or aliases (the
/// scanner declines them), and a scalar is plain or not (a quoted or
/// literal scalar is a string whatever its text). Events are handed over
/// as they are read, not kept in a list for the builder: when the scanner
/// declines the chunk, what was handed over is dropped.
pub trait Sink<'a> {
    /// A mapping (`map`) or a sequence starts.
    fn open(&mut self, map: bool, start: usize, end: usize);
    /// The innermost open collection ends.
    fn close(&mut self, start: usize, end: usize);
    fn scalar(&mut self, text: Cow<'a, str>, plain: bool, start: usize, end: usize);
}

/// The scanner's buffers, kept from one chunk to the next with their room.
#[derive(Default)]
pub struct Buffers {
    stack: Vec<Open>,
}

/// Deeper nesting goes to the full parser (and its depth limit message).
const MAX_DEPTH: usize = 100;
/// YAML limits an implicit key to 1024 characters; longer is an error.
const MAX_KEY: usize = 1000;

/// Hands the events of a chunk to `sink`; false when the chunk holds
/// anything this scanner leaves to the full parser (and what `sink` was
/// given is to be dropped).
pub fn scan<'a>(text: &'a str, buffers: &mut Buffers, sink: &mut impl Sink<'a>) -> bool {
    if u32::try_from(text.len()).is_err() || !plain_bytes(text.as_bytes()) {
        return false;
    }
    let mut stack = std::mem::take(&mut buffers.stack);
    stack.clear();
    let mut scan = Scan { text, bytes: text.as_bytes(), sink, stack };
    let scanned = scan.document();
    buffers.stack = scan.stack;
    scanned.is_some()
}

/// No control character but the line feed, no byte order mark, no C1
/// control and no Unicode line or paragraph separator: the characters whose
/// handling differs between YAML versions and parsers.
fn plain_bytes(bytes: &[u8]) -> bool {
    // Or-ed over blocks rather than stopping at the first: the loop then
    // runs a vector's width at a time.
    let control = |b: u8| (b < 0x20 && b != b'\n') || b == 0x7f;
    if bytes.chunks(64).any(|block| block.iter().fold(false, |found, &b| found | control(b))) {
        return false;
    }
    if bytes.is_ascii() {
        return true;
    }
    !bytes.windows(3).any(|w| {
        matches!(w, [0xEF, 0xBB, 0xBF] | [0xE2, 0x80, 0xA8 | 0xA9]) || (w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]))
    })
}

/// The offset of the first line break, `:` or `#` at or after `at`: the
/// bytes that may end a plain scalar. Eight bytes at a time (a word's test
/// for each of the three, as `report::escape` finds the bytes to escape):
/// most scalars are a few words long, too short for `memchr3`'s set-up
/// to pay.
fn stop(bytes: &[u8], mut at: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `word` equal to `b`, and perhaps of
    // bytes above one that is: the lowest flagged byte is always a real
    // one, which is all the search needs.
    let equal = |word: u64, b: u8| {
        let x = word ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGH
    };
    while let Some(word) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let found = equal(word, b'\n') | equal(word, b':') | equal(word, b'#');
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes.get(at..)?.iter().position(|&b| matches!(b, b'\n' | b':' | b'#')).map(|i| at + i)
}

#[derive(Clone, Copy, PartialEq)]
enum Block {
    Map,
    Seq,
    /// A sequence whose dashes are at its parent key's column.
    IndentlessSeq,
}

struct Open {
    kind: Block,
    indent: usize,
}

/// What the previous line left open: a key whose value is on later lines,
/// or a `-` whose item is.
#[derive(Clone, Copy)]
enum Pending {
    None,
    Value { colon: usize, key_indent: usize },
    Item { dash_indent: usize },
}

struct Scan<'a, 's, S> {
    text: &'a str,
    bytes: &'a [u8],
    sink: &'s mut S,
    stack: Vec<Open>,
}

impl<'a, S: Sink<'a>> Scan<'a, '_, S> {
    /// A plain scalar: its text is its range.
    fn plain(&mut self, start: usize, end: usize) {
        self.sink.scalar(Cow::Borrowed(&self.text[start..end]), true, start, end);
    }

    fn open(&mut self, kind: Block, indent: usize, at: usize) -> Option<()> {
        if self.stack.len() >= MAX_DEPTH {
            return None;
        }
        self.stack.push(Open { kind, indent });
        self.sink.open(kind == Block::Map, at, at);
        Some(())
    }

    fn close(&mut self, at: usize) {
        self.stack.pop();
        self.sink.close(at, at);
    }

    /// End of the line holding `at` (the offset of its `\n`, or the end).
    fn line_end(&self, at: usize) -> usize {
        // Most values end their line: no search then.
        if self.bytes.get(at) == Some(&b'\n') {
            return at;
        }
        memchr::memchr(b'\n', &self.bytes[at..]).map_or(self.bytes.len(), |i| at + i)
    }

    /// The first byte at or after `at` that is not a space. Eight bytes at
    /// a time, as [`stop`]: every line's indentation is counted here.
    fn skip_spaces(&self, mut at: usize) -> usize {
        while let Some(word) = self.bytes.get(at..at + 8) {
            let other = u64::from_le_bytes(word.try_into().unwrap_or_default()) ^ u64::from_le_bytes([b' '; 8]);
            if other != 0 {
                return at + (other.trailing_zeros() / 8) as usize;
            }
            at += 8;
        }
        while self.bytes.get(at) == Some(&b' ') {
            at += 1;
        }
        at
    }

    fn byte(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(b'\n')
    }

    /// Whether `at` (after a value, past its spaces) ends the line: its end,
    /// or a comment after at least one space.
    fn ends_line(&self, at: usize) -> bool {
        match self.byte(at) {
            b'\n' => true,
            b'#' => self.byte(at.wrapping_sub(1)) == b' ',
            _ => false,
        }
    }

    /// `- ` or a `-` ending the line: a block sequence entry.
    fn is_entry(&self, at: usize) -> bool {
        self.byte(at) == b'-' && matches!(self.byte(at + 1), b' ' | b'\n')
    }

    fn document(&mut self) -> Option<()> {
        let mut line = 0;
        // The `---` line, if any, holds nothing but a comment.
        if self.bytes.starts_with(b"---") {
            let after = self.skip_spaces(3);
            if !self.ends_line(after) {
                return None;
            }
            line = self.line_end(3) + 1;
        }
        let mut pending = Pending::None;
        let mut started = false;
        while line < self.bytes.len() {
            let first = self.skip_spaces(line);
            let indent = first - line;
            match self.byte(first) {
                b'\n' => {
                    line = first + 1;
                    continue;
                }
                b'#' => {
                    line = self.line_end(first) + 1;
                    continue;
                }
                _ => {}
            }
            if indent == 0 && (self.bytes[first..].starts_with(b"---") || self.bytes[first..].starts_with(b"...")) {
                return None;
            }
            if self.stack.is_empty() {
                if started {
                    return None;
                }
                started = true;
                if self.is_entry(first) {
                    self.open(Block::Seq, indent, first)?;
                    (line, pending) = self.item(line, first)?;
                } else {
                    self.open(Block::Map, indent, first)?;
                    (line, pending) = self.key_line(line, first)?;
                }
                continue;
            }
            (line, pending) = self.content_line(line, first, pending)?;
        }
        match pending {
            Pending::Value { colon, .. } => self.plain(colon, colon),
            Pending::Item { .. } => return None,
            Pending::None => {}
        }
        if !started {
            return None;
        }
        let end = self.bytes.len();
        while !self.stack.is_empty() {
            self.close(end);
        }
        Some(())
    }

    /// A line with content at `first`, inside the open collections; returns
    /// where the next line starts and what this one leaves open.
    fn content_line(&mut self, line: usize, first: usize, pending: Pending) -> Option<(usize, Pending)> {
        let indent = first - line;
        match pending {
            Pending::Value { colon, key_indent } => {
                if indent > key_indent {
                    return self.nested(line, first);
                }
                let in_map = self.stack.last().is_some_and(|o| o.kind == Block::Map);
                if indent == key_indent && in_map && self.is_entry(first) {
                    // Its start is where the first item's content is.
                    let after = self.skip_spaces(first + 1);
                    let at = if self.byte(after) == b'#' { self.line_end(after) } else { after };
                    self.open(Block::IndentlessSeq, indent, at)?;
                    return self.item(line, first);
                }
                self.plain(colon, colon);
            }
            Pending::Item { dash_indent } => {
                return if indent > dash_indent { self.nested(line, first) } else { None };
            }
            Pending::None => {}
        }
        while let Some(open) = self.stack.last() {
            let ends = indent < open.indent
                || (indent == open.indent && open.kind == Block::IndentlessSeq && !self.is_entry(first));
            if !ends {
                break;
            }
            self.close(first);
        }
        let open = self.stack.last()?;
        if open.indent != indent {
            return None;
        }
        match (open.kind, self.is_entry(first)) {
            (Block::Map, false) => self.key_line(line, first),
            (Block::Seq | Block::IndentlessSeq, true) => self.item(line, first),
            _ => None,
        }
    }

    /// A collection starting on its own line below a key or a dash.
    fn nested(&mut self, line: usize, first: usize) -> Option<(usize, Pending)> {
        let indent = first - line;
        if self.is_entry(first) {
            self.open(Block::Seq, indent, first)?;
            self.item(line, first)
        } else if let Some(colon) = self.key_end(first) {
            self.open(Block::Map, indent, first)?;
            self.key_value(line, first, colon)
        } else {
            None
        }
    }

    /// A sequence entry whose dash is at `dash`: its item starts on this
    /// line (a scalar, a flow collection, a compact mapping or sequence) or
    /// on the next ones.
    fn item(&mut self, line: usize, mut dash: usize) -> Option<(usize, Pending)> {
        loop {
            let at = self.skip_spaces(dash + 1);
            if self.ends_line(at) {
                return Some((self.line_end(at) + 1, Pending::Item { dash_indent: dash - line }));
            }
            if self.is_entry(at) {
                self.open(Block::Seq, at - line, at)?;
                dash = at;
                continue;
            }
            if let Some(colon) = self.key_end(at) {
                self.open(Block::Map, at - line, at)?;
                return self.key_value(line, at, colon);
            }
            let end = self.value(at)?;
            return Some((end, Pending::None));
        }
    }

    /// Where the key starting at `at` ends (the offset of its `:`), if this
    /// line is a `key: value` line.
    fn key_end(&self, at: usize) -> Option<usize> {
        let colon = match self.byte(at) {
            quote @ (b'"' | b'\'') => {
                let close = self.quoted_close(at, quote)?;
                let colon = self.skip_spaces(close + 1);
                (self.byte(colon) == b':' && matches!(self.byte(colon + 1), b' ' | b'\n')).then_some(colon)?
            }
            // A plain scalar's end is a key's colon only as one.
            _ => match self.plain_end(at)? {
                (colon, PlainEnd::Colon) => colon,
                (_, PlainEnd::Line) => return None,
            },
        };
        (colon - at <= MAX_KEY).then_some(colon)
    }

    /// `key: value`, `key:` (the value follows on later lines, or is null).
    fn key_line(&mut self, line: usize, at: usize) -> Option<(usize, Pending)> {
        let colon = self.key_end(at)?;
        self.key_value(line, at, colon)
    }

    /// [`Self::key_line`] once its key is known to end at `colon` (callers
    /// that had to look for the colon to tell a mapping from a scalar do
    /// not look again).
    fn key_value(&mut self, line: usize, at: usize, colon: usize) -> Option<(usize, Pending)> {
        match self.byte(at) {
            b'"' | b'\'' => {
                self.quoted(at, false)?;
            }
            _ => {
                let end = self.trim_end(at, colon);
                self.plain(at, end);
            }
        }
        let value = self.skip_spaces(colon + 1);
        if self.ends_line(value) {
            return Some((self.line_end(value) + 1, Pending::Value { colon, key_indent: at - line }));
        }
        if self.byte(value) == b'|' {
            return self.literal(value, at - line).map(|next| (next, Pending::None));
        }
        if self.is_entry(value) {
            return None;
        }
        let next = self.value(value)?;
        Some((next, Pending::None))
    }

    /// A scalar or flow collection that ends its line; returns where the
    /// next line starts.
    fn value(&mut self, at: usize) -> Option<usize> {
        let end = match self.byte(at) {
            b'"' | b'\'' => {
                let end = self.quoted(at, false)?;
                if self.byte(end) == b':' {
                    return None;
                }
                end
            }
            b'[' | b'{' => {
                let end = self.flow(at, 0)?;
                let after = self.skip_spaces(end);
                if !self.ends_line(after) {
                    return None;
                }
                after
            }
            _ => {
                let (i, PlainEnd::Line) = self.plain_end(at)? else { return None };
                let end = self.trim_end(at, i);
                self.plain(at, end);
                i
            }
        };
        Some(self.line_end(end) + 1)
    }

    fn trim_end(&self, start: usize, end: usize) -> usize {
        // Most scalars end where their line or key does: one test.
        match self.bytes.get(..end).and_then(|text| text.get(start..)) {
            Some([.., b' ']) => start + self.bytes[start..end].iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1),
            _ => end,
        }
    }

    /// Where the plain scalar at `at` stops on its line: at a `: ` (or a `:`
    /// ending the line) that makes it a key, or at the line break or a
    /// comment. `None` if no plain scalar starts at `at`.
    fn plain_end(&self, at: usize) -> Option<(usize, PlainEnd)> {
        if !self.plain_start(at) {
            return None;
        }
        let mut i = at;
        loop {
            let Some(found) = stop(self.bytes, i) else {
                return Some((self.bytes.len(), PlainEnd::Line));
            };
            i = found;
            match self.bytes[i] {
                b'\n' => return Some((i, PlainEnd::Line)),
                b':' if matches!(self.byte(i + 1), b' ' | b'\n') => return Some((i, PlainEnd::Colon)),
                // Not at `at`: no plain scalar starts with `#`.
                b'#' if self.bytes[i - 1] == b' ' => return Some((i, PlainEnd::Line)),
                _ => i += 1,
            }
        }
    }

    /// Whether a plain scalar may start at `at`: not with an indicator, and
    /// `-` only before a character that cannot make it one. Always inlined
    /// natively (the compiler's choice varied with the code around it, and
    /// a call cost 1 million instructions of the 2 MB slice).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline)]
    fn plain_start(&self, at: usize) -> bool {
        let first = self.byte(at);
        // Letters and digits first: most scalars start with one.
        if first.is_ascii_alphanumeric() {
            return true;
        }
        match first {
            b'-' => !matches!(self.byte(at + 1), b' ' | b'\n' | b'#' | b',' | b'[' | b']' | b'{' | b'}'),
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"'
            | b'%' | b'@' | b'`' | b' ' | b'\n' => false,
            _ => true,
        }
    }

    /// The offset of the quote closing the quoted scalar at `at`, on its
    /// line; `None` past the line, or at an escape in double quotes.
    fn quoted_close(&self, at: usize, quote: u8) -> Option<usize> {
        let mut i = at + 1;
        loop {
            match self.byte(i) {
                b'\n' => return None,
                b'\\' if quote == b'"' => return None,
                b'\'' if quote == b'\'' && self.byte(i + 1) == b'\'' => i += 2,
                b if b == quote => return Some(i),
                _ => i += 1,
            }
        }
    }

    /// A quoted scalar at `at`; returns where its span ends: past the
    /// spaces after it and, in block context, past a comment (as the full
    /// parser has it).
    fn quoted(&mut self, at: usize, flow: bool) -> Option<usize> {
        let quote = self.byte(at);
        let close = self.quoted_close(at, quote)?;
        let after = self.skip_spaces(close + 1);
        let end = match self.byte(after) {
            b'\n' if !flow => after,
            b'#' if !flow && after > close + 1 => self.line_end(after),
            b':' if matches!(self.byte(after + 1), b' ' | b'\n') => after,
            b',' | b']' | b'}' if flow => after,
            _ => return None,
        };
        let inner = &self.text[at + 1..close];
        let text = if quote == b'\'' && inner.contains("''") {
            Cow::Owned(inner.replace("''", "'"))
        } else {
            Cow::Borrowed(inner)
        };
        self.sink.scalar(text, false, at, end);
        Some(end)
    }

    /// A flow collection on one line at `at`; returns the offset after its
    /// closing bracket.
    fn flow(&mut self, at: usize, depth: usize) -> Option<usize> {
        if depth >= 32 || self.stack.len() + depth >= MAX_DEPTH {
            return None;
        }
        let map = self.byte(at) == b'{';
        let close = if map { b'}' } else { b']' };
        self.sink.open(map, at, at + 1);
        let mut i = self.skip_spaces(at + 1);
        if self.byte(i) == close {
            self.sink.close(i, i + 1);
            return Some(i + 1);
        }
        loop {
            if map {
                i = self.flow_node(i, depth, true)?;
                if self.byte(i) != b':' || self.byte(i + 1) != b' ' {
                    return None;
                }
                i = self.skip_spaces(i + 1);
            }
            i = self.flow_node(i, depth, false)?;
            match self.byte(i) {
                b',' => {
                    i = self.skip_spaces(i + 1);
                    if matches!(self.byte(i), b']' | b'}') {
                        return None;
                    }
                }
                b if b == close => {
                    self.sink.close(i, i + 1);
                    return Some(i + 1);
                }
                _ => return None,
            }
        }
    }

    /// A node inside a flow collection; returns the offset after it and
    /// the spaces that follow it.
    fn flow_node(&mut self, at: usize, depth: usize, key: bool) -> Option<usize> {
        match self.byte(at) {
            b'[' | b'{' if !key => {
                let end = self.flow(at, depth + 1)?;
                Some(self.skip_spaces(end))
            }
            b'"' | b'\'' => {
                let end = self.quoted(at, true)?;
                (key || self.byte(end) != b':').then_some(end)
            }
            _ => {
                if !self.plain_start(at) {
                    return None;
                }
                let mut i = at;
                loop {
                    match self.byte(i) {
                        b',' | b']' | b'}' if !key => break,
                        b':' if key && self.byte(i + 1) == b' ' => break,
                        // `:` followed by anything else than a space, a line
                        // break or a flow indicator is text (`unix:///x`).
                        b':' if !matches!(self.byte(i + 1), b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}') => i += 1,
                        b'\n' | b'#' | b'[' | b'{' | b':' | b',' | b']' | b'}' => return None,
                        _ => i += 1,
                    }
                }
                let end = self.trim_end(at, i);
                self.plain(at, end);
                Some(i)
            }
        }
    }

    /// A literal block scalar (`|` or `|-`) at `at`, the value of a key at
    /// column `key_indent`; returns where the next line starts.
    fn literal(&mut self, at: usize, key_indent: usize) -> Option<usize> {
        let strip = self.byte(at + 1) == b'-';
        let header_end = at + 1 + usize::from(strip);
        let after = self.skip_spaces(header_end);
        if !(self.byte(after) == b'\n' || (self.byte(after) == b'#' && after > header_end)) {
            return None;
        }
        let mut line = self.line_end(after) + 1;
        let first = self.skip_spaces(line);
        let indent = first - line;
        if indent <= key_indent || self.byte(first) == b'\n' {
            return None;
        }
        let start = first;
        let mut value = String::new();
        // Line breaks seen since the last content line.
        let mut breaks = 0;
        let end = loop {
            if line >= self.bytes.len() {
                break self.bytes.len();
            }
            let content = self.skip_spaces(line);
            let eol = self.line_end(line);
            if content == eol {
                // Only empty lines: one with spaces is left to the full
                // parser (their indentation rules differ).
                if content != line {
                    return None;
                }
                breaks += 1;
                line = eol + 1;
                continue;
            }
            if content - line < indent {
                break content;
            }
            if eol == self.bytes.len() {
                // The last line has no line break.
                return None;
            }
            for _ in 0..breaks {
                value.push('\n');
            }
            breaks = 1;
            value.push_str(&self.text[line + indent..eol]);
            line = eol + 1;
        };
        if !strip {
            value.push('\n');
        }
        self.sink.scalar(Cow::Owned(value), false, start, end);
        Some(if end == self.bytes.len() { end } else { line })
    }
}

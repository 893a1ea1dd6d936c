//! Writing reports as they are produced: a report with a million findings
//! never exists as one tree or one string.

use std::io::{self, Write};

/// How the JSON formats lay out their text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// Indented, one key per line: for people reading it.
    #[default]
    Pretty,
    /// No indentation or line breaks: the same document in 30 to 45% fewer
    /// bytes, for reports with very many findings.
    Compact,
}

/// Pieces written are collected here and go out in writes of this size.
const SPILL: usize = 1 << 16;

/// What the buffer starts with.
const FIRST_CAPACITY: usize = 1 << 10;

/// A JSON document written as it is produced, laid out byte for byte as
/// serde_json lays out the same values (two spaces a level when pretty).
/// The reports were written with serde before; by hand there is one copy
/// of the writing code (serde's is made again for each type and each
/// writer), and the engine module links no serializer at all.
///
/// It holds its own buffer and writes to `out` (a `dyn Write`, so the code
/// exists once) in large pieces; the first error from `out` is kept, stops
/// further writes, and is returned by [`JsonWriter::finish`]; loops over
/// many items ask [`JsonWriter::failed`] to stop early. Objects' keys are
/// written in the order the caller gives them: each writer says its own
/// (the reports mostly byte order, as the `serde_json::Value` trees they
/// were first built as; the registry and lessons their fields' order).
pub struct JsonWriter<'w> {
    out: &'w mut dyn Write,
    buf: Vec<u8>,
    pretty: bool,
    depth: usize,
    /// Whether the open array or object has a member yet.
    has_value: bool,
    /// A key was just written: the next value is its value, not an item.
    after_key: bool,
    error: Option<io::Error>,
    /// The buffer goes out once it holds this much ([`SPILL`]; never for
    /// the scratch writer a [`Shape`] is recorded with).
    spill_at: usize,
}

impl<'w> JsonWriter<'w> {
    pub fn new(out: &'w mut dyn Write, layout: Layout) -> Self {
        JsonWriter {
            out,
            // Most documents are small (an object, a lesson, a piece of a
            // change): the buffer grows to the spill size only when needed.
            buf: Vec::with_capacity(FIRST_CAPACITY),
            pretty: layout == Layout::Pretty,
            depth: 0,
            has_value: false,
            after_key: false,
            error: None,
            spill_at: SPILL,
        }
    }

    /// Whether `out` has failed: nothing more will be written, so a caller
    /// laying out many items (a closed pipe under a big report) can stop.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// Writes what is left and returns the first error `out` gave.
    pub fn finish(mut self) -> io::Result<()> {
        self.spill(0);
        match self.error.take() {
            Some(error) => Err(error),
            None => self.out.flush(),
        }
    }

    pub fn begin_object(&mut self) {
        self.open(b'{');
    }

    pub fn end_object(&mut self) {
        self.close(b'}');
    }

    pub fn begin_array(&mut self) {
        self.open(b'[');
    }

    pub fn end_array(&mut self) {
        self.close(b']');
    }

    /// An object's key; its value is the next thing written. Keys are the
    /// schema's own names, never input, and need no escape.
    pub fn key(&mut self, key: &'static str) {
        debug_assert!(!key.bytes().any(|b| b < b' ' || b == b'"' || b == b'\\'), "{key:?}");
        self.separate();
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        // Each a copy of a known length, which the compiler writes in place
        // (a choice of two lengths would be a call to memcpy per key).
        if self.pretty {
            self.buf.extend_from_slice(b"\": ");
        } else {
            self.buf.extend_from_slice(b"\":");
        }
        self.after_key = true;
    }

    pub fn string(&mut self, value: &str) {
        self.value_start();
        super::escape::json_string(&mut self.buf, value);
        self.has_value = true;
    }

    /// A value already laid out: a string escaped with its quotes by
    /// [`super::escape::json_string`] (a text written many times, escaped
    /// once).
    pub fn laid_out(&mut self, value: &[u8]) {
        self.value_start();
        self.buf.extend_from_slice(value);
        self.has_value = true;
    }

    pub fn number(&mut self, value: usize) {
        self.value_start();
        digits(&mut self.buf, value);
        self.has_value = true;
    }

    pub fn bool(&mut self, value: bool) {
        self.literal(if value { "true" } else { "false" });
    }

    pub fn null(&mut self) {
        self.literal("null");
    }

    /// `true`, `false` or `null`.
    fn literal(&mut self, text: &str) {
        self.value_start();
        self.buf.extend_from_slice(text.as_bytes());
        self.has_value = true;
    }

    /// `key` and an array of strings.
    pub fn field_strings<'s>(&mut self, key: &'static str, values: impl IntoIterator<Item = &'s str>) {
        self.key(key);
        self.begin_array();
        for value in values {
            self.string(value);
        }
        self.end_array();
    }

    /// `"key": [{"a": .., "b": ..}, ..]`: a list of objects of two string
    /// fields, named by `names` and written in that order (the registry's
    /// references, sources and CIS items, SARIF's sources).
    pub fn field_pairs<'s>(
        &mut self,
        key: &'static str,
        names: [&'static str; 2],
        pairs: impl IntoIterator<Item = [&'s str; 2]>,
    ) {
        self.key(key);
        self.begin_array();
        for [first, second] in pairs {
            self.begin_object();
            self.field(names[0], first);
            self.field(names[1], second);
            self.end_object();
        }
        self.end_array();
    }

    fn open(&mut self, bracket: u8) {
        self.value_start();
        self.buf.push(bracket);
        self.depth += 1;
        self.has_value = false;
    }

    fn close(&mut self, bracket: u8) {
        debug_assert!(self.depth > 0, "close() without open()");
        self.depth = self.depth.saturating_sub(1);
        if self.has_value && self.pretty {
            self.line(true);
        }
        self.buf.push(bracket);
        self.has_value = true;
        // A closed array or object is a good place to let the buffer out.
        self.spill(self.spill_at);
    }

    /// Before a value: an item of an array is separated from the last.
    fn value_start(&mut self) {
        if std::mem::take(&mut self.after_key) {
            return;
        }
        if self.depth > 0 {
            self.separate();
        }
    }

    /// Before an item or a key: a comma unless it is the first, and in the
    /// pretty layout a line break and the indentation, written in one piece.
    fn separate(&mut self) {
        let first = !self.has_value;
        if self.pretty {
            self.line(first);
        } else if !first {
            self.buf.push(b',');
        }
    }

    fn line(&mut self, first: bool) {
        let end = 2 + 2 * self.depth;
        // Up to seven levels deep (every report's findings), sixteen bytes
        // of a constant are copied and the spare ones cut off: a copy of
        // known length, written in place rather than by a call to memcpy.
        const BREAK: &[u8; 16] = b",\n              ";
        const FIRST: &[u8; 16] = b"\n               ";
        // Deeper (SARIF's regions), the rest are spaces added.
        let len = end - usize::from(first);
        let at = self.buf.len();
        self.buf.extend_from_slice(if first { FIRST } else { BREAK });
        self.buf.resize(at + len, b' ');
    }

    /// A writer of this one's layout and depth into `buf`, as after a key,
    /// which never goes out (made with no allocation: a value kept is laid
    /// out in one).
    fn scratch<'s>(&self, out: &'s mut dyn Write, buf: Vec<u8>) -> JsonWriter<'s> {
        JsonWriter {
            out,
            buf,
            pretty: self.pretty,
            depth: self.depth,
            has_value: false,
            // As after a key: the separator before it is not the value's.
            after_key: true,
            error: None,
            spill_at: usize::MAX,
        }
    }

    /// Writes the buffer to `out` once it holds at least `at_least` bytes.
    fn spill(&mut self, at_least: usize) {
        if self.buf.len() < at_least.max(1) {
            return;
        }
        if self.error.is_none() {
            if let Err(error) = self.out.write_all(&self.buf) {
                self.error = Some(error);
            }
        }
        self.buf.clear();
    }
}

/// What a value's parts are written to: the writer itself, or a [`Shape`]
/// being recorded or filled. A value laid out many times (a finding) is
/// written once, against this.
pub trait Sink {
    fn key(&mut self, key: &'static str);
    fn begin_object(&mut self);
    fn end_object(&mut self);
    fn begin_array(&mut self);
    fn end_array(&mut self);
    fn string(&mut self, value: &str);
    fn number(&mut self, value: usize);
    fn null(&mut self);
    /// A value already laid out (see [`JsonWriter::laid_out`]).
    fn laid_out(&mut self, value: &[u8]);
    /// A value whose layout varies from one time to the next (an array of
    /// any length), written by the writer itself.
    fn nested(&mut self, write: impl FnOnce(&mut JsonWriter));

    /// `key` and a string value.
    fn field(&mut self, key: &'static str, value: &str) {
        self.key(key);
        self.string(value);
    }

    /// `key` and a number.
    fn field_number(&mut self, key: &'static str, value: usize) {
        self.key(key);
        self.number(value);
    }

    /// `key` and a string, or `null`.
    fn field_or_null(&mut self, key: &'static str, value: Option<&str>) {
        self.key(key);
        match value {
            Some(value) => self.string(value),
            None => self.null(),
        }
    }
}

impl Sink for JsonWriter<'_> {
    fn key(&mut self, key: &'static str) {
        JsonWriter::key(self, key);
    }
    fn begin_object(&mut self) {
        JsonWriter::begin_object(self);
    }
    fn end_object(&mut self) {
        JsonWriter::end_object(self);
    }
    fn begin_array(&mut self) {
        JsonWriter::begin_array(self);
    }
    fn end_array(&mut self) {
        JsonWriter::end_array(self);
    }
    fn string(&mut self, value: &str) {
        JsonWriter::string(self, value);
    }
    fn number(&mut self, value: usize) {
        JsonWriter::number(self, value);
    }
    fn null(&mut self) {
        JsonWriter::null(self);
    }
    fn laid_out(&mut self, value: &[u8]) {
        JsonWriter::laid_out(self, value);
    }
    fn nested(&mut self, write: impl FnOnce(&mut JsonWriter)) {
        write(self);
    }
}

/// A value that lays itself out (against any [`Sink`]: a [`Kept`] value
/// is laid out through its recorded [`Shape`]).
pub trait Value {
    fn write(&self, json: &mut impl Sink);
}

/// The last value of a kind laid out, copied while the same one comes
/// again at the same depth: a finding's object, the same for each of the
/// object's findings, which come one after another (about three each in
/// the 15 MB stream). A new one is laid out in the layout recorded for the
/// first, into the last one's buffer: its values and the pieces between
/// them, no keys or brackets, no allocation.
pub struct Kept<V> {
    last: Option<(V, usize, Vec<u8>)>,
    /// The layout, and the depth it was recorded at.
    shape: Option<(Shape, usize)>,
}

impl<V> Default for Kept<V> {
    fn default() -> Self {
        Kept { last: None, shape: None }
    }
}

impl<V: PartialEq + Value> Kept<V> {
    pub fn write(&mut self, json: &mut JsonWriter, value: V) {
        let depth = json.depth;
        match self.last.take() {
            Some((last, at, bytes)) if at == depth && last == value => {
                json.laid_out(&bytes);
                self.last = Some((last, at, bytes));
            }
            last => {
                let mut sink = io::sink();
                let mut buf = last.map(|(_, _, buf)| buf).unwrap_or_default();
                buf.clear();
                let mut scratch = json.scratch(&mut sink, buf);
                let shape = match self.shape.take() {
                    Some((shape, at)) if at == depth => shape,
                    _ => Shape::record(&scratch, |sink| value.write(sink)),
                };
                shape.fill(&mut scratch, |sink| value.write(sink));
                self.shape = Some((shape, depth));
                json.laid_out(&scratch.buf);
                self.last = Some((value, depth, scratch.buf));
            }
        }
    }
}

/// Stands for a value in a recorded layout: JSON's layout (keys, brackets,
/// spaces) never holds a NUL byte.
const SLOT: u8 = 0;

/// A value's layout, recorded once by a writer: the bytes between its
/// values (keys, indentation, brackets). Written again with other values of
/// the same kinds (a report's findings), it is a copy of each piece and a
/// value between them, not a key, a separator and a bracket at a time.
pub struct Shape {
    pieces: Box<[Piece]>,
    /// How deep each [`Sink::nested`] value is, below the value's own depth.
    nested: Box<[usize]>,
}

impl Shape {
    /// The layout `write` gives an item written by `json` next (at its depth
    /// and in its layout); the separator before the item is not part of it.
    pub fn record(json: &JsonWriter, write: impl FnOnce(&mut Recording)) -> Shape {
        let mut sink = io::sink();
        let mut recording = Recording { json: json.scratch(&mut sink, Vec::new()), nested: Vec::new() };
        write(&mut recording);
        let laid_out = recording.json.buf;
        Shape {
            pieces: laid_out.split(|&b| b == SLOT).map(Piece::new).collect(),
            nested: recording.nested.into_iter().map(|depth| depth - json.depth).collect(),
        }
    }

    /// Writes an item of `json` in this layout, `write` giving its values in
    /// the order they were recorded.
    pub fn fill(&self, json: &mut JsonWriter, write: impl FnOnce(&mut Filling)) {
        json.value_start();
        let mut filling = Filling { json, pieces: self.pieces.iter(), nested: self.nested.iter() };
        write(&mut filling);
        let Filling { json, mut pieces, .. } = filling;
        debug_assert_eq!(pieces.len(), 1, "a value recorded but not filled");
        if let Some(last) = pieces.next() {
            last.write(&mut json.buf);
        }
        json.has_value = true;
        json.spill(json.spill_at);
    }
}

/// A piece of a [`Shape`]. Most are short (`,\n      "message": `): kept
/// in a block of known size, copied whole and cut to length, which the
/// compiler writes in place rather than as a call to memcpy.
enum Piece {
    Short([u8; 64], usize),
    Long(Box<[u8]>),
}

impl Piece {
    fn new(bytes: &[u8]) -> Piece {
        let mut short = [0; 64];
        match short.get_mut(..bytes.len()) {
            Some(start) => {
                start.copy_from_slice(bytes);
                Piece::Short(short, bytes.len())
            }
            None => Piece::Long(bytes.into()),
        }
    }

    fn write(&self, buf: &mut Vec<u8>) {
        match self {
            Piece::Short(bytes, len) => {
                let at = buf.len();
                buf.extend_from_slice(bytes);
                buf.truncate(at + len);
            }
            Piece::Long(bytes) => buf.extend_from_slice(bytes),
        }
    }
}

/// A [`Sink`] recording a [`Shape`]: every value is a slot.
pub struct Recording<'w> {
    json: JsonWriter<'w>,
    /// The depth of each nested value.
    nested: Vec<usize>,
}

impl Sink for Recording<'_> {
    fn key(&mut self, key: &'static str) {
        self.json.key(key);
    }
    fn begin_object(&mut self) {
        self.json.begin_object();
    }
    fn end_object(&mut self) {
        self.json.end_object();
    }
    fn begin_array(&mut self) {
        self.json.begin_array();
    }
    fn end_array(&mut self) {
        self.json.end_array();
    }
    fn string(&mut self, _: &str) {
        self.json.laid_out(&[SLOT]);
    }
    fn number(&mut self, _: usize) {
        self.json.laid_out(&[SLOT]);
    }
    fn null(&mut self) {
        self.json.laid_out(&[SLOT]);
    }
    fn laid_out(&mut self, _: &[u8]) {
        self.json.laid_out(&[SLOT]);
    }
    fn nested(&mut self, _: impl FnOnce(&mut JsonWriter)) {
        self.nested.push(self.json.depth);
        self.json.laid_out(&[SLOT]);
    }
}

/// A [`Sink`] writing a [`Shape`]'s pieces and the values between them:
/// keys and brackets are in the pieces already.
pub struct Filling<'f, 'w> {
    json: &'f mut JsonWriter<'w>,
    pieces: std::slice::Iter<'f, Piece>,
    nested: std::slice::Iter<'f, usize>,
}

impl Filling<'_, '_> {
    /// The layout up to the next value.
    fn piece(&mut self) -> &mut Vec<u8> {
        let piece = self.pieces.next();
        debug_assert!(piece.is_some(), "more values than the shape recorded");
        if let Some(piece) = piece {
            piece.write(&mut self.json.buf);
        }
        &mut self.json.buf
    }
}

impl Sink for Filling<'_, '_> {
    fn key(&mut self, _: &'static str) {}
    fn begin_object(&mut self) {}
    fn end_object(&mut self) {}
    fn begin_array(&mut self) {}
    fn end_array(&mut self) {}
    fn string(&mut self, value: &str) {
        super::escape::json_string(self.piece(), value);
    }
    fn number(&mut self, value: usize) {
        digits(self.piece(), value);
    }
    fn null(&mut self) {
        self.piece().extend_from_slice(b"null");
    }
    fn laid_out(&mut self, value: &[u8]) {
        self.piece().extend_from_slice(value);
    }
    fn nested(&mut self, write: impl FnOnce(&mut JsonWriter)) {
        self.piece();
        let below = self.nested.next().copied().unwrap_or_default();
        let depth = self.json.depth;
        self.json.depth += below;
        self.json.after_key = true;
        write(self.json);
        self.json.depth = depth;
    }
}

/// Writes a number's digits. Below 10^8 (every offset, line and column,
/// six numbers per finding's span) all eight places are made at once in
/// the bytes of one word (halves, then quarters, then eighths of the
/// number, each a multiply and a shift), the leading zeros shifted out,
/// and the word copied whole and cut to length: no loop, no call to
/// memcpy.
fn digits(buf: &mut Vec<u8>, value: usize) {
    /// Larger numbers, never in a report of an input Posture reads.
    #[cold]
    fn long(buf: &mut Vec<u8>, value: usize) {
        buf.extend_from_slice(value.to_string().as_bytes());
    }

    match u64::try_from(value) {
        Ok(0) => buf.push(b'0'),
        Ok(n) if n < 100_000_000 => {
            // Four digits in each 32-bit half, the first half the higher.
            let fours = (n / 10_000) | ((n % 10_000) << 32);
            // Two in each 16-bit quarter: x / 100 as x * 5243 >> 19 (the
            // other half's product, shifted in too, masked off).
            let hundreds = ((fours * 5243) >> 19) & 0x0000_007F_0000_007F;
            let twos = hundreds | ((fours - hundreds * 100) << 16);
            // One in each byte: x / 10 as x * 103 >> 10.
            let tens = ((twos * 103) >> 10) & 0x000F_000F_000F_000F;
            let ones = tens | ((twos - tens * 10) << 8);
            // The first digit is the lowest byte that is not zero.
            let leading = ones.trailing_zeros() / 8;
            let ascii = (ones + 0x3030_3030_3030_3030) >> (8 * leading);
            let start = buf.len();
            buf.extend_from_slice(&ascii.to_le_bytes());
            buf.truncate(start + 8 - leading as usize);
        }
        _ => long(buf, value),
    }
}

/// What a report writer writes, as a string.
pub fn to_string(write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
    let mut buf = Vec::new();
    // Writing to memory does not fail, and every writer writes UTF-8.
    let _ = write(&mut buf);
    String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// What the text formats have built so far goes out once there is enough
/// of it to be worth a write.
pub fn spill(built: &mut String, out: &mut impl Write) -> io::Result<()> {
    if built.len() >= SPILL {
        out.write_all(built.as_bytes())?;
        built.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes serde_json's value with the writer, as the reports do.
    fn write(json: &mut JsonWriter, value: &serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::Null => json.null(),
            Value::Bool(b) => json.bool(*b),
            Value::Number(n) => json.number(n.as_u64().unwrap() as usize),
            Value::String(s) => json.string(s),
            Value::Array(items) => {
                json.begin_array();
                items.iter().for_each(|item| write(json, item));
                json.end_array();
            }
            Value::Object(members) => {
                json.begin_object();
                for (key, value) in members {
                    json.key(Box::leak(key.clone().into_boxed_str()));
                    write(json, value);
                }
                json.end_object();
            }
        }
    }

    #[test]
    fn numbers_are_their_digits() {
        let mut powers: Vec<usize> = (0..20).map(|e| 10usize.pow(e)).collect();
        powers.push(usize::MAX);
        let around = powers.iter().flat_map(|&p| [p.wrapping_sub(1), p, p.saturating_add(1)]);
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let random = (0..20_000).map(|i| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> (i % 64)) as usize
        });
        for n in around.chain(random).chain(0..100_000) {
            let mut buf = b"x".to_vec();
            digits(&mut buf, n);
            assert_eq!(&buf[1..], n.to_string().as_bytes(), "{n}");
        }
    }

    #[test]
    fn layouts_are_serde_jsons() {
        let value = serde_json::json!({"a": [], "b": {}, "c": [1, {"d": [[2], {"e": null}], "f": "g"}],
            "h": {"i": {"j": [true, false, 0, 7, 10, 42, 99, 100, 101, 999, 1000, 65536, 1234567, 18446744073709551615u64]}}, "k": "\u{1}\u{7f} é \\ \t😀\"\n",
            "l": [[[[[[[[[{"m": [1, {"n": []}]}]]]]]]]]]});
        for (layout, expected) in [
            (Layout::Pretty, serde_json::to_string_pretty(&value).unwrap()),
            (Layout::Compact, serde_json::to_string(&value).unwrap()),
        ] {
            let mut ours = Vec::new();
            let mut json = JsonWriter::new(&mut ours, layout);
            write(&mut json, &value);
            json.finish().unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), expected);
        }
    }

    /// An item with a nested object, a value of varying layout (an array
    /// of `n` numbers) and a string or null.
    fn item(json: &mut impl Sink, n: usize, name: Option<&str>) {
        json.begin_object();
        json.field_number("count", n);
        json.key("list");
        json.nested(|json| {
            json.begin_array();
            (0..n).for_each(|i| json.number(i * 1000));
            json.end_array();
        });
        json.key("object");
        json.begin_object();
        json.field_or_null("name", name);
        json.field("text", "a \"quoted\"\nline");
        json.end_object();
        json.key("raw");
        json.laid_out(b"[true]");
        json.end_object();
    }

    #[test]
    fn a_shape_filled_lays_out_what_the_writer_would() {
        let items = [(0, Some("a")), (3, None), (1, Some("é\u{1}")), (0, None), (12, Some(""))];
        for layout in [Layout::Pretty, Layout::Compact] {
            let (mut direct, mut shaped) = (Vec::new(), Vec::new());
            let mut json = JsonWriter::new(&mut direct, layout);
            json.begin_object();
            json.key("items");
            json.begin_array();
            items.iter().for_each(|&(n, name)| item(&mut json, n, name));
            json.end_array();
            json.end_object();
            json.finish().unwrap();

            let mut json = JsonWriter::new(&mut shaped, layout);
            json.begin_object();
            json.key("items");
            json.begin_array();
            // Recorded once with values of its own, filled with each item's.
            let shape = Shape::record(&json, |sink| item(sink, 5, None));
            items.iter().for_each(|&(n, name)| shape.fill(&mut json, |sink| item(sink, n, name)));
            json.end_array();
            json.end_object();
            json.finish().unwrap();
            assert_eq!(String::from_utf8(shaped).unwrap(), String::from_utf8(direct).unwrap());
        }
    }

    #[test]
    fn a_large_document_goes_out_in_pieces_and_an_error_is_kept() {
        struct Pieces(Vec<usize>);
        impl Write for Pieces {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.push(buf.len());
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut pieces = Pieces(Vec::new());
        let mut json = JsonWriter::new(&mut pieces, Layout::Compact);
        json.begin_array();
        for _ in 0..10_000 {
            json.begin_object();
            json.field("key", "a value of some length");
            json.end_object();
        }
        json.end_array();
        json.finish().unwrap();
        assert!(pieces.0.len() > 3 && pieces.0.iter().all(|&n| n <= SPILL + 4096), "{:?}", pieces.0);

        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut broken = Broken;
        let mut json = JsonWriter::new(&mut broken, Layout::Pretty);
        json.string("x");
        assert_eq!(json.finish().unwrap_err().kind(), io::ErrorKind::BrokenPipe);
    }
}

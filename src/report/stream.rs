//! Writing reports as they are produced: a report with a million findings
//! never exists as one tree or one string.

use std::io::{self, Write};

use serde::{Serialize, Serializer};

/// A sequence serialized straight from an iterator, one item at a time:
/// serde_json writes each item to its writer as it comes, laid out as the
/// same sequence built in memory would be.
pub struct Each<F>(pub F);

impl<F, I> Serialize for Each<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

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

/// JSON into `out` (buffer it: serde_json writes small pieces).
pub fn json(out: &mut impl Write, value: &impl Serialize, layout: Layout) -> io::Result<()> {
    match layout {
        Layout::Pretty => value.serialize(&mut serde_json::Serializer::with_formatter(out, Pretty::default())),
        Layout::Compact => serde_json::to_writer(out, value),
    }
    .map_err(io::Error::from)
}

/// serde_json's pretty layout (two spaces a level), byte for byte, with each
/// line break and its indentation written in one piece: the stock formatter
/// writes indentation two bytes at a time, a seventh of a large SARIF log's
/// instructions.
#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
    /// `,` and a line break, then spaces (grown to the deepest level seen).
    breaks: Vec<u8>,
}

impl Pretty {
    /// A line break (after a comma unless `first`) and the indentation.
    fn line<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        let end = 2 + 2 * self.depth;
        if self.breaks.len() < end {
            if self.breaks.is_empty() {
                self.breaks.extend_from_slice(b",\n");
            }
            self.breaks.resize(end, b' ');
        }
        out.write_all(&self.breaks[usize::from(first)..end])
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out, true)?;
        }
        out.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// What a report writer writes, as a string.
pub fn to_string(write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
    let mut buf = Vec::new();
    write(&mut buf).expect("writing to memory does not fail");
    String::from_utf8(buf).expect("reports are UTF-8")
}

/// What the text formats have built so far goes out once there is enough
/// of it to be worth a write.
pub fn spill(built: &mut String, out: &mut impl Write) -> io::Result<()> {
    if built.len() >= 1 << 16 {
        out.write_all(built.as_bytes())?;
        built.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_is_serde_jsons_layout() {
        let value = serde_json::json!({"a": [], "b": {}, "c": [1, {"d": [[2], {"e": null}], "f": "g"}], "h": {"i": {"j": [true]}}});
        let mut ours = Vec::new();
        json(&mut ours, &value, Layout::Pretty).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string_pretty(&value).unwrap());
    }
}

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
        Layout::Pretty => serde_json::to_writer_pretty(out, value),
        Layout::Compact => serde_json::to_writer(out, value),
    }
    .map_err(io::Error::from)
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

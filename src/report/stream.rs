//! Writing the JSON reports piece by piece, laid out exactly as
//! `serde_json::to_string_pretty` lays out the whole document: a report
//! with a million findings never exists as one tree or one string.

use std::io::{self, Write};

use serde::Serialize;

const SPACES: &[u8] = &[b' '; 64];

/// A writer that indents every line after the first by `level` steps of two
/// spaces, so that a value pretty-printed on its own lands where it would
/// inside the whole document. JSON text breaks lines only between tokens
/// (a newline in a string is written `\n`), so indenting after each line
/// break is exact.
pub struct Indented<'w, W: Write> {
    inner: &'w mut W,
    level: usize,
}

impl<'w, W: Write> Indented<'w, W> {
    pub fn new(inner: &'w mut W) -> Self {
        Indented { inner, level: 0 }
    }

    /// Runs `write` with lines indented `level` steps.
    pub fn level(&mut self, level: usize, write: impl FnOnce(&mut Self) -> io::Result<()>) -> io::Result<()> {
        let outer = std::mem::replace(&mut self.level, level);
        let result = write(self);
        self.level = outer;
        result
    }

    fn indent(&mut self, level: usize) -> io::Result<()> {
        // Reports nest a few levels; deeper would be a bug, not input.
        self.inner.write_all(&SPACES[..(2 * level).min(SPACES.len())])
    }
}

impl<W: Write> Write for Indented<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        if self.level > 0 {
            while let Some(i) = buf.iter().position(|&b| b == b'\n') {
                self.inner.write_all(&buf[..=i])?;
                self.indent(self.level)?;
                buf = &buf[i + 1..];
            }
        }
        self.inner.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// An array whose opening bracket is at `level`, one item at a time.
pub fn array<W: Write, T>(
    out: &mut Indented<W>,
    level: usize,
    items: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut Indented<W>, T) -> io::Result<()>,
) -> io::Result<()> {
    let mut empty = true;
    for item in items {
        out.level(0, |out| out.write_all(if empty { b"[\n" } else { b",\n" }))?;
        out.indent(level + 1)?;
        out.level(level + 1, |out| write(out, item))?;
        empty = false;
    }
    if empty {
        return out.level(0, |out| out.write_all(b"[]"));
    }
    out.level(0, |out| out.write_all(b"\n"))?;
    out.indent(level)?;
    out.level(0, |out| out.write_all(b"]"))
}

/// One value, pretty-printed at the writer's level.
pub fn pretty<W: Write>(out: &mut Indented<W>, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(out, value).map_err(io::Error::from)
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

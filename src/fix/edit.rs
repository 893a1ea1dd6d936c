//! The YAML edit helper: computes the byte edits that set, insert, append
//! or remove one thing in a parsed document, touching nothing else.
//!
//! It works on the span tree and the input's bytes. An inserted key goes
//! under its parent at that mapping's own indentation, after its last
//! entry; missing parents are created; line endings (LF or CRLF), quoting
//! style and sequence style are the file's own. Where an edit cannot be
//! made with certainty it refuses with a reason: anchors, aliases, merge
//! keys and tags on the path, block scalars, multi-line flow collections,
//! and keys that do not start their line.

use super::Edit;
use crate::yaml::{Limits, LineIndex, Node, Span, Value};

/// The edits of one fix, or why none can be made.
pub type Planned = Result<Vec<Edit>, String>;

/// A scalar to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Str(String),
}

impl Scalar {
    pub fn str(s: impl Into<String>) -> Scalar {
        Scalar::Str(s.into())
    }

    /// Whether an existing node already holds this value.
    pub fn matches(&self, node: &Node) -> bool {
        match (self, &node.value) {
            (Scalar::Bool(a), Value::Bool(b)) => a == b,
            (Scalar::Int(a), _) => node.as_i64() == Some(*a),
            (Scalar::Str(a), Value::Str(b)) => **a == **b,
            _ => false,
        }
    }
}

/// A value to insert: a scalar, a list of scalars (written in flow style,
/// `[ALL]`), or a mapping.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Scalar(Scalar),
    Seq(Vec<Scalar>),
    Map(Vec<(String, Val)>),
}

impl From<Scalar> for Val {
    fn from(s: Scalar) -> Val {
        Val::Scalar(s)
    }
}

/// How an existing string scalar is written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quote {
    Plain,
    Single,
    Double,
}

/// Computes edits against one input.
#[derive(Clone, Copy)]
pub struct Editor<'t> {
    text: &'t [u8],
    /// The file's indentation step (see [`indent_unit`]).
    unit: usize,
}

impl<'t> Editor<'t> {
    /// Reads the text once for its indentation step; with many findings
    /// in one text, compute that once and use [`Editor::with_unit`].
    pub fn new(text: &'t [u8]) -> Self {
        Editor { text, unit: indent_unit(text) }
    }

    /// An editor for a text whose [`indent_unit`] is already known.
    pub fn with_unit(text: &'t [u8], unit: usize) -> Self {
        Editor { text, unit }
    }

    /// Whether there is a text to edit (rules run without one in some
    /// probes; then every plan is refused).
    fn ready(&self) -> Result<(), String> {
        if self.text.is_empty() {
            return Err("no source text to edit".into());
        }
        Ok(())
    }

    // ---- operations ----------------------------------------------------

    /// Sets the value at `path` under the mapping `base` to `value`,
    /// creating the missing mappings on the way. No edit when it already
    /// holds that value.
    pub fn set(&self, base: &Node, path: &[&str], value: impl Into<Val>) -> Planned {
        self.ready()?;
        let value = value.into();
        let (first, rest) = path.split_first().ok_or("empty path")?;
        self.check_map(base)?;
        match base.entry(first) {
            None => self.insert(base, first, &chain(rest, value)),
            Some(entry) => {
                self.check_entry(entry)?;
                let node = &entry.value;
                if rest.is_empty() {
                    return match (&value, &node.value) {
                        (Val::Scalar(s), _) if s.matches(node) => Ok(vec![]),
                        (_, Value::Null) => self.replace_empty(entry, &value),
                        (Val::Scalar(s), Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_)) => {
                            self.replace(node, s)
                        }
                        (_, Value::Map(items)) if items.is_empty() => self.replace_empty(entry, &value),
                        (_, Value::Seq(items)) if items.is_empty() => self.replace_empty(entry, &value),
                        _ => Err(text!("{first} holds {}, not the value to set", node.display())),
                    };
                }
                match &node.value {
                    Value::Map(items) if !items.is_empty() => self.set(node, rest, value),
                    Value::Null | Value::Map(_) => self.replace_empty(entry, &chain(rest, value)),
                    _ => Err(text!("{first} is {}, not a mapping", node.display())),
                }
            }
        }
    }

    /// Makes the sequence at `path` under `base` contain `item`, creating
    /// it (`[item]`) when missing.
    pub fn add_item(&self, base: &Node, path: &[&str], item: Scalar) -> Planned {
        self.ready()?;
        let (last, parents) = path.split_last().ok_or("empty path")?;
        let mut map = base;
        for (i, key) in parents.iter().enumerate() {
            self.check_map(map)?;
            match map.entry(key) {
                Some(e) if matches!(&e.value.value, Value::Map(m) if !m.is_empty()) => {
                    self.check_entry(e)?;
                    map = &e.value;
                }
                _ => {
                    return self
                        .set(base, path, Val::Seq(vec![item]))
                        .map_err(|e| e + &text!(" ({})", path[..=i].join(".")))
                }
            }
        }
        self.check_map(map)?;
        match map.entry(last) {
            Some(e) => {
                self.check_entry(e)?;
                match &e.value.value {
                    Value::Seq(items) if items.iter().any(|n| item.matches(n)) => Ok(vec![]),
                    Value::Seq(items) if !items.is_empty() => self.append(&e.value, &item),
                    Value::Seq(_) | Value::Null => self.replace_empty(e, &Val::Seq(vec![item])),
                    _ => Err(text!("{last} is {}, not a list", e.value.display())),
                }
            }
            None => self.set(map, &[last], Val::Seq(vec![item])),
        }
    }

    /// Removes `key` and its value from the block mapping `map`: the
    /// lines they are on.
    pub fn remove(&self, map: &Node, key: &str) -> Planned {
        self.ready()?;
        self.check_map(map)?;
        if self.is_flow(map) {
            return Err("the mapping is in flow style ({...}); edit it by hand".into());
        }
        let entries = map.as_map().ok_or("not a mapping")?;
        let entry = entries.iter().find(|e| e.key == key).ok_or("no such key")?;
        self.check_entry(entry)?;
        if entries.len() < 2 {
            return Err(text!("{key} is the only key of its mapping"));
        }
        let start = self.line_start(entry.key_span.start_at());
        if !self.text[start..entry.key_span.start_at()].iter().all(|&b| b == b' ') {
            return Err(text!("{key} does not start its line"));
        }
        let end = self.after_line(self.last_byte(&entry.value));
        if end == self.text.len() && !self.text.ends_with(b"\n") {
            // The last line has no newline: take the one before it instead.
            let before = start.saturating_sub(self.newline().len());
            return Ok(vec![Edit { start: before, end, text: String::new() }]);
        }
        Ok(vec![Edit { start, end, text: String::new() }])
    }

    /// Replaces a scalar's value, keeping its quoting where the new value
    /// allows it.
    pub fn replace(&self, node: &Node, value: &Scalar) -> Planned {
        self.ready()?;
        if value.matches(node) {
            return Ok(vec![]);
        }
        let quote = self.scalar_style(node)?;
        self.check_props(node.span.start_at())?;
        let text = render(value, quote);
        Ok(vec![Edit { start: node.span.start_at(), end: node.span.end_at(), text }])
    }

    /// Appends an item to a non-empty sequence, in its own style.
    pub fn append(&self, seq: &Node, item: &Scalar) -> Planned {
        self.ready()?;
        let items = seq.as_seq().ok_or("not a list")?;
        let last = items.last().ok_or("empty list")?;
        self.check_inside(seq, last)?;
        if self.is_flow(seq) {
            if self.spans_lines(seq.span) {
                return Err("the list is in flow style over several lines; edit it by hand".into());
            }
            let at = last.span.end_at();
            let mut text = ", ".to_owned();
            write_scalar(&mut text, item, Quote::Plain);
            return Ok(vec![Edit { start: at, end: at, text }]);
        }
        // The dash of the last item, and the item's own style.
        let mut dash = last.span.start_at();
        while dash > 0 && self.text[dash - 1] == b' ' {
            dash -= 1;
        }
        if dash == 0 || self.text[dash - 1] != b'-' {
            return Err("cannot find the list's dashes".into());
        }
        let dash = dash - 1;
        let start = self.line_start(dash);
        if !self.text[start..dash].iter().all(|&b| b == b' ') {
            return Err("the list item does not start its line".into());
        }
        let quote = match &last.value {
            Value::Str(_) => self.scalar_style(last).unwrap_or(Quote::Plain),
            _ => Quote::Plain,
        };
        let mut line = " ".repeat(dash - start);
        line.push_str("- ");
        write_scalar(&mut line, item, quote);
        Ok(self.insert_line_after(self.last_byte(last), line))
    }

    /// Removes one item from a sequence: its line(s) in block style, the
    /// item and one separator in flow style.
    pub fn remove_item(&self, seq: &Node, item: &Node) -> Planned {
        self.ready()?;
        let items = seq.as_seq().ok_or("not a list")?;
        let i = items.iter().position(|n| std::ptr::eq(n, item)).ok_or("not an item of the list")?;
        self.check_inside(seq, item)?;
        if self.is_flow(seq) {
            if self.spans_lines(seq.span) {
                return Err("the list is in flow style over several lines; edit it by hand".into());
            }
            let (start, end) = match (i.checked_sub(1).map(|p| &items[p]), items.get(i + 1)) {
                (_, Some(next)) => (item.span.start_at(), next.span.start_at()),
                (Some(prev), None) => (prev.span.end_at(), item.span.end_at()),
                (None, None) => (seq.span.start_at() + 1, seq.span.end_at() - 1),
            };
            return Ok(vec![Edit { start, end, text: String::new() }]);
        }
        if items.len() < 2 {
            return Err("it is the only item of its list; edit it by hand".into());
        }
        let mut dash = item.span.start_at();
        while dash > 0 && self.text[dash - 1] == b' ' {
            dash -= 1;
        }
        if dash == 0 || self.text[dash - 1] != b'-' {
            return Err("cannot find the list's dashes".into());
        }
        let start = self.line_start(dash - 1);
        if !self.text[start..dash - 1].iter().all(|&b| b == b' ') {
            return Err("the list item does not start its line".into());
        }
        let end = self.after_line(self.last_byte(item));
        if end == self.text.len() && !self.text.ends_with(b"\n") {
            let before = start.saturating_sub(self.newline().len());
            return Ok(vec![Edit { start: before, end, text: String::new() }]);
        }
        Ok(vec![Edit { start, end, text: String::new() }])
    }

    // ---- insertion -----------------------------------------------------

    /// Inserts `key: value` into the mapping `map`, after its last entry.
    fn insert(&self, map: &Node, key: &str, value: &Val) -> Planned {
        let entries = map.as_map().ok_or("not a mapping")?;
        if self.is_flow(map) {
            if self.spans_lines(map.span) {
                return Err("the mapping is in flow style over several lines; edit it by hand".into());
            }
            let mut entry = String::new();
            write_key(&mut entry, key);
            entry.push_str(": ");
            write_flow(&mut entry, value);
            return Ok(match entries.last() {
                Some(last) => {
                    let at = last.value.span.end_at();
                    vec![Edit { start: at, end: at, text: text!(", {entry}") }]
                }
                None => {
                    let at = map.span.start_at() + 1;
                    vec![Edit { start: at, end: at, text: entry }]
                }
            });
        }
        let last = entries.last().ok_or("empty block mapping")?;
        let indent = self.key_indent(&entries[0])?;
        for e in entries {
            if self.key_indent(e).ok() != Some(indent)
                && !self.on_one_line(entries[0].key_span.start_at(), e.key_span.start_at())
            {
                return Err("the mapping's keys are not aligned".into());
            }
        }
        // Room for a typical fix's lines (a key or two, a value): grown a
        // step at a time from nothing, they were reallocated three or four
        // times; a finding keeps its edits shrunk to fit.
        let mut lines = String::with_capacity(128);
        write_block(&mut lines, key, value, indent, self.indent_unit(), self.newline());
        Ok(self.insert_line_after(self.last_byte(&last.value), lines))
    }

    /// Writes `value` as the value of an entry that has none (`key:`,
    /// `key: ~`, `key: {}`, `key: []`).
    fn replace_empty(&self, entry: &crate::yaml::Entry, value: &Val) -> Planned {
        let colon = self.colon(entry)?;
        let end = if entry.value.span.end_at() > colon { entry.value.span.end_at() } else { colon + 1 };
        if !self.text[colon + 1..entry.value.span.start_at().max(colon + 1)].iter().all(|&b| b == b' ') {
            return Err("the value has an anchor, alias or tag; edit it by hand".into());
        }
        let mut text = String::new();
        match value {
            Val::Scalar(_) | Val::Seq(_) => {
                text.push(' ');
                write_flow(&mut text, value);
            }
            Val::Map(items) => {
                let indent = self.key_indent(entry)? + self.indent_unit();
                let nl = self.newline();
                for (k, v) in items {
                    text.push_str(nl);
                    write_block(&mut text, k, v, indent, self.indent_unit(), nl);
                }
            }
        }
        Ok(vec![Edit { start: colon + 1, end, text }])
    }

    /// Inserts whole lines after the line holding byte `at`.
    fn insert_line_after(&self, at: usize, mut lines: String) -> Vec<Edit> {
        let end = self.after_line(at);
        let nl = self.newline();
        if end == self.text.len() && !self.text.ends_with(b"\n") {
            lines.insert_str(0, nl);
        } else {
            lines.push_str(nl);
        }
        vec![Edit { start: end, end, text: lines }]
    }

    // ---- checks --------------------------------------------------------

    /// A mapping that can be edited: block or single-line flow, no merge
    /// key.
    fn check_map(&self, map: &Node) -> Result<(), String> {
        let entries = map.as_map().ok_or("not a mapping")?;
        let text = &self.text[map.span.start_at()..map.span.end_at().min(self.text.len())];
        // Each fix checks every mapping on its path, the pod spec's whole
        // text included: a text without `<<` (almost every one) is passed
        // over by memchr rather than split into lines.
        let merge = |line: &[u8]| {
            let line = line.trim_ascii_start();
            let line = line.strip_prefix(b"- ").unwrap_or(line).trim_ascii_start();
            line.starts_with(b"<<") && line[2..].trim_ascii_start().starts_with(b":")
        };
        let holds_merge = memchr::memchr_iter(b'<', text).any(|at| text.get(at + 1) == Some(&b'<'));
        if holds_merge && text.split(|&b| b == b'\n').any(merge) {
            return Err("the mapping uses a merge key (<<); edit it by hand".into());
        }
        for e in entries {
            self.check_inside(map, &e.value)?;
        }
        Ok(())
    }

    /// A node found where its parent is: not the copy an alias made, nor
    /// an entry a merge key brought in.
    fn check_inside(&self, parent: &Node, child: &Node) -> Result<(), String> {
        if child.span.start < parent.span.start || child.span.end > parent.span.end {
            return Err("the path goes through an alias or merge key; edit it by hand".into());
        }
        Ok(())
    }

    /// An entry whose value is written after its key, with no anchor or
    /// tag.
    fn check_entry(&self, entry: &crate::yaml::Entry) -> Result<(), String> {
        if entry.value.span.start < entry.key_span.end {
            return Err(text!("{} is an alias; edit it by hand", entry.key));
        }
        if matches!(self.text.get(entry.value.span.start_at()), Some(b'&' | b'*' | b'!')) {
            return Err(text!("{} has an anchor, alias or tag; edit it by hand", entry.key));
        }
        if entry.value.span.start > entry.key_span.end {
            let between = &self.text[entry.key_span.end_at()..entry.value.span.start_at()];
            if between.iter().any(|b| matches!(b, b'&' | b'*' | b'!')) {
                return Err(text!("{} has an anchor, alias or tag; edit it by hand", entry.key));
            }
        }
        Ok(())
    }

    /// No tag or anchor right before a node.
    fn check_props(&self, start: usize) -> Result<(), String> {
        let line = self.line_start(start);
        let before = &self.text[line..start];
        let token = before.rsplit(|&b| b == b' ').find(|t| !t.is_empty()).unwrap_or(b"");
        if token.first().is_some_and(|b| matches!(b, b'&' | b'!' | b'*')) {
            return Err("the value has an anchor or tag; edit it by hand".into());
        }
        Ok(())
    }

    fn scalar_style(&self, node: &Node) -> Result<Quote, String> {
        match self.text.get(node.span.start_at()) {
            Some(b'"') => Ok(Quote::Double),
            Some(b'\'') => Ok(Quote::Single),
            Some(b'|' | b'>') => Err("the value is a block scalar; edit it by hand".into()),
            _ if self.spans_lines(node.span) => Err("the value spans several lines; edit it by hand".into()),
            _ => Ok(Quote::Plain),
        }
    }

    // ---- text ----------------------------------------------------------

    fn is_flow(&self, node: &Node) -> bool {
        matches!(self.text.get(node.span.start_at()), Some(b'{' | b'['))
    }

    /// `\r\n` when the input's lines end so.
    fn newline(&self) -> &'static str {
        match self.text.iter().position(|&b| b == b'\n') {
            Some(i) if i > 0 && self.text[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    /// Whether a span's ends are on different lines (the trees hold byte
    /// offsets, not lines).
    fn spans_lines(&self, span: Span) -> bool {
        !self.on_one_line(span.start_at(), span.end_at())
    }

    /// Whether two bytes are on one line: no line break lies between them.
    fn on_one_line(&self, a: usize, b: usize) -> bool {
        let len = self.text.len();
        memchr::memchr(b'\n', &self.text[a.min(b).min(len)..a.max(b).min(len)]).is_none()
    }

    fn line_start(&self, at: usize) -> usize {
        self.text[..at.min(self.text.len())].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
    }

    /// The start of the line after the one holding byte `at` (or the end).
    fn after_line(&self, at: usize) -> usize {
        self.text[at.min(self.text.len())..].iter().position(|&b| b == b'\n').map_or(self.text.len(), |i| at + i + 1)
    }

    /// The last byte of a node's text.
    fn last_byte(&self, node: &Node) -> usize {
        node.span.end_at().saturating_sub(1).max(node.span.start_at())
    }

    /// Columns before a key: the mapping's indentation (a key after `- `
    /// included).
    fn key_indent(&self, entry: &crate::yaml::Entry) -> Result<usize, String> {
        let start = self.line_start(entry.key_span.start_at());
        let before = &self.text[start..entry.key_span.start_at()];
        if !before.iter().all(|&b| b == b' ' || b == b'-') {
            return Err(text!("{} does not start its line", entry.key));
        }
        Ok(before.len())
    }

    /// The `:` after a key.
    fn colon(&self, entry: &crate::yaml::Entry) -> Result<usize, String> {
        let from = entry.key_span.end_at();
        let rest = &self.text[from..];
        let i = rest.iter().position(|&b| b != b' ').ok_or("no colon after the key")?;
        if rest[i] != b':' {
            return Err(text!("{} is not a simple key; edit it by hand", entry.key));
        }
        Ok(from + i)
    }

    fn indent_unit(&self) -> usize {
        self.unit
    }
}

/// The file's indentation step: the smallest indentation of a line that
/// is not a list item continuation (2 when there is none). Reads the
/// whole text: once per input, not once per edit.
pub fn indent_unit(text: &[u8]) -> usize {
    unit_of(least_indent(text, std::iter::once(0).chain(memchr::memchr_iter(b'\n', text).map(|i| i + 1))))
}

/// The step for the least indentation of a text's lines (`usize::MAX`
/// when no line counts).
pub fn unit_of(least: usize) -> usize {
    if least <= 8 {
        least
    } else {
        2
    }
}

/// The least indentation, as [`line_indent`] counts it, of the lines of
/// `text` that start at `starts` (found already), or `usize::MAX`. Only a
/// line indented less than the least so far can lower it: a line is
/// passed after a look at its first bytes, and the search ends at one
/// space, the least there is.
pub fn least_indent(text: &[u8], starts: impl IntoIterator<Item = usize>) -> usize {
    let mut least = usize::MAX;
    for start in starts {
        let line = &text[start..];
        let mut spaces = 0;
        while spaces < least && line.get(spaces) == Some(&b' ') {
            spaces += 1;
        }
        // As `line_indent` reads the line without its break.
        if spaces > 0 && spaces < least && !matches!(line.get(spaces), None | Some(b'#' | b'\r' | b'\n')) {
            least = spaces;
            if least == 1 {
                break;
            }
        }
    }
    least
}

/// A line's indentation as [`indent_unit`] counts it: `None` for a line
/// that is not indented, blank or only a comment.
pub fn line_indent(line: &[u8]) -> Option<usize> {
    let spaces = line.iter().take_while(|&&b| b == b' ').count();
    match line.get(spaces) {
        None | Some(b'#' | b'\r') => None,
        _ => (spaces > 0).then_some(spaces),
    }
}

/// `path` (may be empty) ending in `value`, as nested mappings.
fn chain(path: &[&str], value: Val) -> Val {
    path.iter().rev().fold(value, |v, key| Val::Map(vec![(key.to_string(), v)]))
}

// The writers below append to one buffer: a fix's lines are built in one
// string, not one string per key, value and line joined afterwards.

/// `key: value` as block lines at `indent`, without a final newline.
fn write_block(out: &mut String, key: &str, value: &Val, indent: usize, unit: usize, nl: &str) {
    push_spaces(out, indent);
    write_key(out, key);
    out.push(':');
    match value {
        Val::Map(items) => {
            for (k, v) in items {
                out.push_str(nl);
                write_block(out, k, v, indent + unit, unit, nl);
            }
        }
        _ => {
            out.push(' ');
            write_flow(out, value);
        }
    }
}

/// `count` spaces: an indentation, copied from a run of spaces rather than
/// pushed a character at a time.
fn push_spaces(out: &mut String, mut count: usize) {
    const SPACES: &str = "                                ";
    while count > 0 {
        let run = count.min(SPACES.len());
        out.push_str(&SPACES[..run]);
        count -= run;
    }
}

/// A value in flow style: `false`, `[ALL]`, `{drop: [ALL]}`.
fn write_flow(out: &mut String, value: &Val) {
    match value {
        Val::Scalar(s) => write_scalar(out, s, Quote::Plain),
        Val::Seq(items) => {
            out.push('[');
            for (i, s) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_scalar(out, s, Quote::Plain);
            }
            out.push(']');
        }
        Val::Map(items) => {
            out.push('{');
            for (i, (k, v)) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_key(out, k);
                out.push_str(": ");
                write_flow(out, v);
            }
            out.push('}');
        }
    }
}

/// A key: a plain string where one reads back as itself.
fn write_key(out: &mut String, key: &str) {
    write_str(out, key, Quote::Plain);
}

/// A scalar as YAML text, in `quote` style for strings where that can
/// hold it; a plain string is quoted when a YAML 1.1 reader would take it
/// for something else (`yes`, `0755`, `1e3`, `null`).
pub fn render(value: &Scalar, quote: Quote) -> String {
    let mut out = String::new();
    write_scalar(&mut out, value, quote);
    out
}

/// Appends [`render`]'s text.
fn write_scalar(out: &mut String, value: &Scalar, quote: Quote) {
    use std::fmt::Write;
    match value {
        Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Scalar::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Scalar::Str(s) => write_str(out, s, quote),
    }
}

/// Appends a string scalar in `quote` style where that can hold it.
fn write_str(out: &mut String, s: &str, quote: Quote) {
    match quote {
        Quote::Single if !s.contains(['\n', '\r']) => {
            out.push('\'');
            out.push_str(&s.replace('\'', "''"));
            out.push('\'');
        }
        Quote::Plain if plain_ok(s) => out.push_str(s),
        // Printable ASCII but `"` and `\` (a fix's placeholders, most
        // values) is its own escape: quoted without a second string.
        _ if crate::clip::is_plain(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        _ => out.push_str(&double_quoted(s)),
    }
}

/// `s` as a YAML double-quoted scalar. JSON's escapes are a subset of
/// YAML's, so a JSON string is one, except that JSON leaves raw what YAML
/// does not allow there (DEL, the C1 controls, U+FEFF, U+FFFE, U+FFFF) or
/// what a YAML 1.1 reader folds as a line break (U+0085, U+2028, U+2029):
/// those are escaped as `\xXX` or `\uXXXX`, which every YAML reads back.
fn double_quoted(s: &str) -> String {
    let json = crate::json::quote(s);
    let raw_in_yaml =
        |c: char| matches!(c, '\x7f'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}');
    if !json.contains(raw_in_yaml) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        match c as u32 {
            _ if !raw_in_yaml(c) => out.push(c),
            n @ ..=0xff => out.push_str(&text!("\\x{n:02X}")),
            n => out.push_str(&text!("\\u{n:04X}")),
        }
    }
    out
}

/// Whether `s` written plain reads back as the same string, in flow and
/// block context alike.
fn plain_ok(s: &str) -> bool {
    if is_word(s) {
        return crate::yaml::plain_is_str(s);
    }
    if s.is_empty()
        || s.trim() != s
        || s.contains([',', '[', ']', '{', '}', '#', '\n', '\r', '\t', '"', '\''])
        || s.contains(": ")
        || s.ends_with(':')
    {
        return false;
    }
    reads_back(s)
}

/// A word (an ASCII letter, then letters, digits, `_`, `-`, `.`, `/`) is
/// one plain token wherever it is written, so only the resolve table can
/// make it other than a string. Most keys and values that fixes write are
/// words: answering them without a parse keeps a fix cheap (a million
/// findings render keys a few million times).
fn is_word(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'))
}

/// Whether `k: s` parses back to `s` under `k`.
fn reads_back(s: &str) -> bool {
    let text = text!("k: {s}\n");
    let lines = LineIndex::new(text.as_bytes());
    let stream = crate::yaml::parse_stream(text.as_bytes(), &lines, &Limits::default());
    matches!(stream.documents.as_slice(), [doc] if matches!(&doc.root, Ok(root)
        if root.get("k").and_then(Node::as_str) == Some(s)))
}

#[cfg(test)]
mod tests;

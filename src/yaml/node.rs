//! The parsed tree: JSON-shaped values (what Kubernetes sees after its own
//! YAML-to-JSON step), each carrying where it came from.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// A position in the input: 0-based byte offset, 1-based line, 1-based column
/// counted in Unicode scalar values, as findings and errors report it. The
/// trees hold no positions, only byte offsets ([`Span`]): a position is
/// found from the input's lines ([`super::LineIndex::region`]) for the few
/// spans a finding or an error reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// Where a node is: a half-open range of byte offsets into the input. 32
/// bits each (inputs are read up to [`super::Limits::max_bytes`], far below
/// 4 GiB): every node holds one and every mapping entry two, so a node is
/// 32 bytes and an entry 48. Lines and columns are not kept: the builder
/// would count them for every node, and only the spans a finding or an
/// error reports are ever shown (see [`Region`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

/// A span with the position of both ends, as a finding or an error
/// reports it (`span{start,end}{line,column,offset}`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Region {
    pub start: Pos,
    pub end: Pos,
}

impl Pos {
    /// The offset as an index into the text.
    pub fn at(self) -> usize {
        self.offset as usize
    }
}

impl Span {
    /// The empty span at a byte offset.
    pub fn at(offset: usize) -> Span {
        Span { start: offset as u32, end: offset as u32 }
    }

    /// The span of a range of byte offsets.
    pub fn of(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end as u32 }
    }

    /// Where it starts, as an index into the text.
    pub fn start_at(self) -> usize {
        self.start as usize
    }

    /// Where it ends, as an index into the text.
    pub fn end_at(self) -> usize {
        self.end as usize
    }

    /// Its bytes, as a range of indices into the text.
    pub fn bytes(self) -> std::ops::Range<usize> {
        self.start_at()..self.end_at()
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// A tree is built once and then only read: lists and mappings are boxed
/// slices (two words, not a `Vec`'s three), and a string short enough is
/// held in place ([`Text`]), which keeps a value at three words and every
/// node and mapping entry a word smaller.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Text),
    Seq(Box<[Node]>),
    Map(Box<[Entry]>),
}

// A tree holds a node per value and an entry per mapping key: keep them
// this small. A value holding a `Text` is no larger than one holding a
// number or a boxed slice: the other variants fit beside its tag.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(
    std::mem::size_of::<Value>() == 24 && std::mem::size_of::<Node>() == 32 && std::mem::size_of::<Entry>() == 48
);
#[cfg(target_pointer_width = "32")]
const _: () = assert!(std::mem::size_of::<Value>() == 16);

/// Bytes a [`Text`] holds in place: what fits beside its length and tag in
/// the size a value has anyway (three words on 64-bit targets; on wasm32
/// two words, and at least a number's eight bytes and a tag).
const SHORT: usize = if cfg!(target_pointer_width = "64") { 22 } else { 14 };

/// A string scalar's text: up to [`SHORT`] bytes in place, longer on the
/// heap. Most of a manifest's strings are that short (`TCP`, `Always`,
/// names, label values: five in six of the 15 MB stream's are at most 22), and each would
/// otherwise be an allocation of its own, made and first touched while the
/// tree is built. Reads as a `str`.
#[derive(Clone)]
pub struct Text(Repr);

/// Private, so that a short text is only ever made from a `str` (see
/// [`Text::as_str`]).
#[derive(Clone)]
enum Repr {
    Short { len: u8, bytes: [u8; SHORT] },
    Long(Box<str>),
}

impl Text {
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Short { len, bytes } => {
                let bytes = &bytes[..usize::from(*len)];
                // SAFETY: `bytes[..len]` is a copy of a whole `str` (the one
                // place a `Short` is made is `From<&str>`, below), so it is
                // UTF-8. Checking it again on every read (rules read each
                // string many times) cost more than the allocations saved.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            Repr::Long(text) => text,
        }
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        if text.len() > SHORT {
            return Text(Repr::Long(text.into()));
        }
        let mut bytes = [0; SHORT];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Text(Repr::Short { len: text.len() as u8, bytes })
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        if text.len() > SHORT {
            Text(Repr::Long(text.into_boxed_str()))
        } else {
            Text::from(text.as_str())
        }
    }
}

impl From<std::borrow::Cow<'_, str>> for Text {
    /// Always inlined natively: it runs once per string value the builder
    /// makes, most of them borrowed and short.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn from(text: std::borrow::Cow<'_, str>) -> Text {
        match text {
            std::borrow::Cow::Borrowed(text) => Text::from(text),
            std::borrow::Cow::Owned(text) => Text::from(text),
        }
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        match text.0 {
            Repr::Long(text) => text.into_string(),
            Repr::Short { .. } => text.as_str().to_owned(),
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// One `key: value` pair. Keys are strings, as after Kubernetes' YAML-to-JSON
/// conversion (`1:` becomes `"1"`, `on:` becomes `"true"`).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Key,
    pub key_span: Span,
    pub value: Node,
}

/// A mapping key. Manifests repeat a few hundred keys (`name`, `image`,
/// ...) over and over: each distinct key text is stored once per input and
/// shared (see [`Keys`]), rather than allocated at every use. The shared
/// text is held by a thin pointer (an `Rc<str>` is two words): a 15 MB
/// input has 600,000 entries, and a word less in each is 5 MB.
///
/// Two keys are equal when their texts are, whichever table they come
/// from (an incremental parse mixes trees of several).
#[derive(Clone)]
pub struct Key(Rc<Stored>);

/// A key's text, and its number in its table: the builder finds a
/// mapping's duplicate keys by marking each number once (see
/// [`Key::id`]) rather than comparing every pair of keys.
struct Stored {
    text: Box<str>,
    id: u32,
}

impl Key {
    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// Whether two keys of one input's table ([`Keys`]) are the same: each
    /// text is stored once there, so this compares addresses, not text.
    pub(super) fn is(&self, other: &Key) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Its number in its table: keys of one table are the same exactly
    /// when their numbers are (numbers run from 0 to the table's size).
    pub(super) fn id(&self) -> usize {
        self.0.id as usize
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.is(other) || self.as_str() == other.as_str()
    }
}

impl Eq for Key {}

impl std::hash::Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl std::ops::Deref for Key {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The distinct keys of one input, each stored once (and its text again
/// as the table's own key: a few hundred short strings).
#[derive(Default)]
pub struct Keys(HashMap<Box<str>, Key, BuildHasherDefault<Fnv>>);

impl Keys {
    /// The shared key of this text, copied only the first time it is seen.
    pub fn key_str(&mut self, text: &str) -> Key {
        match self.0.get(text) {
            Some(key) => key.clone(),
            None => self.add(text.into()),
        }
    }

    pub fn key(&mut self, text: String) -> Key {
        match self.0.get(text.as_str()) {
            Some(key) => key.clone(),
            None => self.add(text.into_boxed_str()),
        }
    }

    fn add(&mut self, text: Box<str>) -> Key {
        let key = Key(Rc::new(Stored { text: text.clone(), id: self.0.len() as u32 }));
        self.0.insert(text, key.clone());
        key
    }
}

/// FNV-1a: keys are short, and this table is looked up once per mapping
/// entry, where SipHash's set-up would cost more than the hashing.
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl Entry {
    /// From the start of the key to the end of the value.
    pub fn span(&self) -> Span {
        self.key_span.to(self.value.span)
    }
}

impl Node {
    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// An integer, including floats with no fractional part: Kubernetes
    /// re-encodes `1e3` or `0.0` as JSON numbers an integer field accepts.
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// The value under `key`; an explicit `null` counts as absent, as it does
    /// for Kubernetes' optional fields.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value).filter(|v| !v.is_null())
    }

    /// Follows a path of keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The entry at the end of a path of keys.
    pub fn entry_at(&self, path: &[&str]) -> Option<&Entry> {
        let (last, parents) = path.split_last()?;
        self.at(parents)?.entry(last).filter(|e| !e.value.is_null())
    }

    /// Where a missing field at `path` belongs: the span of the deepest
    /// mapping entry along the path that exists, or of this node.
    pub fn nearest(&self, path: &[&str]) -> Span {
        let mut span = self.span;
        let mut at = self;
        for key in path {
            match at.entry(key) {
                Some(entry) if entry.value.as_map().is_some() => {
                    span = entry.span();
                    at = &entry.value;
                }
                _ => break,
            }
        }
        span
    }

    /// The string items of a sequence under `key` (others skipped).
    pub fn strings(&self, key: &str) -> Vec<&str> {
        self.items(key).iter().filter_map(Node::as_str).collect()
    }

    /// The items of a sequence under `key`, or nothing.
    pub fn items(&self, key: &str) -> &[Node] {
        self.get(key).and_then(Node::as_seq).unwrap_or(&[])
    }

    /// A short rendering of a scalar, for messages.
    /// A scalar as the text a flag or setting would hold (`true`, `10255`,
    /// a string unquoted); `None` for null, a list or a mapping.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.to_string()),
            Value::Bool(_) | Value::Int(_) | Value::Float(_) => Some(self.display()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    pub fn display(&self) -> String {
        match &self.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => super::float::display(*f),
            Value::Str(s) => crate::clip::quoted(s),
            Value::Seq(_) => "a list".into(),
            Value::Map(_) => "a mapping".into(),
        }
    }
}

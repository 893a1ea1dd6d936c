//! Builds span-carrying trees from the parser's events, one document chunk at
//! a time, without recursion: nesting depth, node count and alias expansion
//! are counted as events arrive and stop the document with an error the
//! moment a limit is crossed.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::lines::LineIndex;
use super::node::{Entry, Key, Keys, Node, Span, Value};
use super::scalar::{self, CoreTag};
use super::{block, comments};
use super::{Limits, YamlError};

/// What a chunk holds: its documents (most chunks hold exactly one), and
/// where its comments start.
#[derive(Debug)]
pub struct Chunk {
    pub documents: Vec<Result<Node, YamlError>>,
    pub comments: Vec<usize>,
}

/// Parses one chunk (`text` starts at byte `base` of the input): adds its
/// documents to `documents` (a buffer the caller empties and keeps: most
/// chunks hold one document, and a vector of their own was an allocation
/// per chunk) and returns where its comments start.
pub fn parse_chunk(
    text: &str,
    base: usize,
    lines: &LineIndex,
    limits: &Limits,
    scratch: &mut Scratch,
    documents: &mut Vec<Result<Node, YamlError>>,
) -> Vec<usize> {
    let mut scalars = std::mem::take(&mut scratch.scalars);
    scalars.clear();
    parse_documents(text, base, lines, limits, scratch, &mut scalars, documents);
    let comments = comments::find(text, base, &scalars);
    scratch.scalars = scalars;
    comments
}

/// Adds the documents of a chunk to `docs`; records the byte range of every scalar in
/// `scalars`, so that comments can be told from text. The block scanner
/// reads the chunk when it can, the full parser otherwise.
fn parse_documents(
    text: &str,
    base: usize,
    lines: &LineIndex,
    limits: &Limits,
    scratch: &mut Scratch,
    scalars: &mut Vec<Range<usize>>,
    docs: &mut Vec<Result<Node, YamlError>>,
) {
    let before = docs.len();
    if !parse_block(text, base, lines, limits, scratch, scalars, docs) {
        docs.truncate(before);
        scalars.clear();
        parse_documents_full(text, base, lines, limits, scratch, scalars, docs);
    }
}

/// Adds the documents of a chunk the block scanner takes to `docs`; false
/// if it declines it: then what `docs` and `scalars` received is to be
/// dropped.
fn parse_block(
    text: &str,
    base: usize,
    lines: &LineIndex,
    limits: &Limits,
    scratch: &mut Scratch,
    scalars: &mut Vec<Range<usize>>,
    docs: &mut Vec<Result<Node, YamlError>>,
) -> bool {
    let mut buffers = std::mem::take(&mut scratch.scanner);
    let builder = Builder::new(text, base, lines, limits, scratch);
    let mut fed = Fed { builder, base, docs, scalars, stopped: false };
    let taken = block::scan(text, &mut buffers, &mut fed);
    fed.builder.scratch.scanner = buffers;
    taken
}

/// The tree builder fed by the block scanner as it reads: the first error
/// stops it (the scanner reads on, since the chunk may yet go to the full
/// parser).
struct Fed<'b, 's> {
    builder: Builder<'b>,
    /// Where the chunk starts in the input.
    base: usize,
    docs: &'s mut Vec<Result<Node, YamlError>>,
    /// The quoted and literal scalars only: a plain one the scanner takes
    /// never holds a `#` after a blank (it would end there), so never one
    /// [`comments::find`] could take for a comment.
    scalars: &'s mut Vec<Range<usize>>,
    stopped: bool,
}

impl Fed<'_, '_> {
    /// The span of a range of the chunk's bytes. Not clamped as the full
    /// parser's are ([`Builder::span`]): the scanner's offsets are always
    /// in the chunk and at character boundaries (they are at ASCII bytes
    /// it tested, or at the chunk's end), so clamping changed none of them
    /// and cost 2.6 million instructions of the 2 MB slice's parse.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn span(&self, start: usize, end: usize) -> Span {
        Span::of(self.base + start, self.base + end)
    }
}

impl<'t> block::Sink<'t> for Fed<'_, '_> {
    fn open(&mut self, map: bool, start: usize, end: usize) {
        if !self.stopped {
            let span = self.span(start, end);
            let done = self.builder.open(map, 0, span);
            self.stopped = !self.builder.done(done, self.docs);
        }
    }

    fn close(&mut self, start: usize, end: usize) {
        if !self.stopped {
            let span = self.span(start, end);
            let done = self.builder.close(span);
            self.stopped = !self.builder.done(done, self.docs);
        }
    }

    fn scalar(&mut self, text: Cow<'t, str>, plain: bool, start: usize, end: usize) {
        if !self.stopped {
            let span = self.span(start, end);
            if !plain {
                self.scalars.push(span.bytes());
            }
            let done = self.builder.scalar(text, plain, 0, None, span);
            self.stopped = !self.builder.done(done, self.docs);
        }
    }
}

/// A chunk parsed by the full parser, and by the block scanner if it takes
/// it: the two must be equal (`tests/yaml_scanner.rs`).
pub fn parse_chunk_both(
    text: &str,
    base: usize,
    lines: &LineIndex,
    limits: &Limits,
    scratch: &mut Scratch,
) -> (Chunk, Option<Chunk>) {
    let chunk =
        |documents, scalars: Vec<Range<usize>>| Chunk { documents, comments: comments::find(text, base, &scalars) };
    let (mut scalars, mut docs) = (Vec::new(), Vec::new());
    parse_documents_full(text, base, lines, limits, scratch, &mut scalars, &mut docs);
    let full = chunk(docs, scalars);
    let (mut scalars, mut docs) = (Vec::new(), Vec::new());
    let block = parse_block(text, base, lines, limits, scratch, &mut scalars, &mut docs).then(|| chunk(docs, scalars));
    (full, block)
}

/// [`parse_documents`] with the full parser only.
fn parse_documents_full(
    text: &str,
    base: usize,
    lines: &LineIndex,
    limits: &Limits,
    scratch: &mut Scratch,
    scalars: &mut Vec<Range<usize>>,
    docs: &mut Vec<Result<Node, YamlError>>,
) {
    let mut builder = Builder::new(text, base, lines, limits, scratch);
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = match event {
            Ok(ok) => ok,
            Err(e) => {
                // An error at the very end (an unclosed bracket) is shown on
                // the document's last content, not on the next `---`.
                let end = text.trim_end().chars().count();
                let index = e.marker().index().min(end);
                let at = builder.span_at(index, index);
                docs.push(Err(YamlError::new(syntax_message(e.info(), limits), at)));
                return;
            }
        };
        let span = builder.span_at(span.start.index(), span.end.index());
        if !builder.feed(event, span, docs, scalars) {
            break;
        }
    }
}

fn syntax_message(info: &str, limits: &Limits) -> String {
    // The scanner counts flow nesting in a byte and gives up past 255.
    if info == "recursion limit exceeded" {
        return depth_message(limits);
    }
    format!("YAML syntax error: {info}")
}

fn depth_message(limits: &Limits) -> String {
    format!("nesting deeper than {} levels (limit max_depth)", limits.max_depth)
}

/// What one input's chunks share while they are parsed: the table of its
/// keys, and the tree builder's buffers, emptied after each chunk but kept
/// with their room (most chunks are small documents: growing fresh buffers
/// for each cost more allocations than their trees).
#[derive(Default)]
pub struct Scratch {
    keys: Keys,
    recent: Recent,
    marks: Marks,
    stack: Vec<Frame>,
    items: Vec<Node>,
    entries: Vec<Entry>,
    /// Where the chunk's scalars are (to tell comments from text).
    scalars: Vec<Range<usize>>,
    scanner: block::Buffers,
}

struct Builder<'a> {
    offsets: CharOffsets<'a>,
    lines: &'a LineIndex<'a>,
    limits: &'a Limits,
    scratch: &'a mut Scratch,
    stack: Vec<Frame>,
    /// Anchored nodes with what each holds.
    anchors: HashMap<usize, (Node, Size)>,
    nodes: usize,
    /// What anchors and aliases copied so far.
    alias: Size,
    /// The children of every open collection, innermost last: one buffer
    /// each for the whole document, so a collection's children are moved
    /// once into a vector of their exact size when it closes, rather than
    /// each collection growing (and keeping the slack of) its own.
    items: Vec<Node>,
    entries: Vec<Entry>,
}

/// Gives the buffers back, empty, for the next chunk.
impl Drop for Builder<'_> {
    fn drop(&mut self) {
        self.reset();
        self.scratch.stack = std::mem::take(&mut self.stack);
        self.scratch.items = std::mem::take(&mut self.items);
        self.scratch.entries = std::mem::take(&mut self.entries);
    }
}

/// What a node holds: nodes, and bytes of scalar text. An alias to a long
/// string is one node but copies all of it (and every message quoting it).
#[derive(Clone, Copy, Debug, Default)]
struct Size {
    nodes: usize,
    bytes: usize,
}

impl std::ops::AddAssign for Size {
    fn add_assign(&mut self, other: Size) {
        self.nodes += other.nodes;
        self.bytes += other.bytes;
    }
}

enum Frame {
    /// Its items are `items[first..]` of the builder.
    Seq { start: Span, anchor: usize, first: usize, size: Size },
    /// Its entries are `entries[first..]` of the builder.
    Map { start: Span, anchor: usize, first: usize, key: Option<(Key, Span, bool)>, merges: Vec<Node>, size: Size },
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, base: usize, lines: &'a LineIndex, limits: &'a Limits, scratch: &'a mut Scratch) -> Self {
        Builder {
            offsets: CharOffsets::new(text, base, lines.is_ascii()),
            lines,
            limits,
            stack: std::mem::take(&mut scratch.stack),
            items: std::mem::take(&mut scratch.items),
            entries: std::mem::take(&mut scratch.entries),
            scratch,
            anchors: HashMap::new(),
            nodes: 0,
            alias: Size::default(),
        }
    }

    /// Feeds one of the full parser's events, adding a finished document
    /// (or an error) to `docs`; false once the chunk's parse has to stop
    /// (at an error).
    fn feed(
        &mut self,
        event: Event,
        span: Span,
        docs: &mut Vec<Result<Node, YamlError>>,
        scalars: &mut Vec<Range<usize>>,
    ) -> bool {
        if let Event::Scalar(..) = event {
            scalars.push(span.bytes());
        }
        let done = self.event(event, span);
        self.done(done, docs)
    }

    /// Adds what an event completed (a document, or an error) to `docs`;
    /// false once the chunk's parse has to stop (at an error).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn done(&mut self, done: Result<Option<Node>, YamlError>, docs: &mut Vec<Result<Node, YamlError>>) -> bool {
        match done {
            Ok(Some(root)) => {
                docs.push(Ok(root));
                self.reset();
                true
            }
            Ok(None) => true,
            Err(e) => {
                docs.push(Err(e));
                false
            }
        }
    }

    fn reset(&mut self) {
        self.stack.clear();
        self.items.clear();
        self.entries.clear();
        self.anchors.clear();
        self.nodes = 0;
        self.alias = Size::default();
    }

    /// The span of a range of characters of the chunk (the full parser
    /// counts in characters).
    fn span_at(&self, start_char: usize, end_char: usize) -> Span {
        self.span(self.offsets.byte(start_char), self.offsets.byte(end_char))
    }

    /// The span of a range of bytes of the input, clamped into it (and to
    /// character boundaries), as positions were. Always inlined natively,
    /// like [`Self::done`] and [`Self::complete`]: they run once per event
    /// (or node), and as calls (registers saved, the span, result or node
    /// passed through memory) they cost 11.7 million instructions of the
    /// 2 MB slice's parse of 168 million. Not forced in the wasms, which
    /// are built for size. No line or column is counted here: only the few
    /// spans a finding or an error reports need them
    /// ([`LineIndex::region`]).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    #[cfg_attr(target_arch = "wasm32", inline)]
    fn span(&self, start: usize, end: usize) -> Span {
        Span::of(self.lines.clamp(start), self.lines.clamp(end))
    }

    /// Feeds one of the full parser's events; returns a document's root
    /// when one is complete.
    fn event(&mut self, event: Event, span: Span) -> Result<Option<Node>, YamlError> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(text, style == ScalarStyle::Plain, anchor, core_tag(tag.as_deref()), span)
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id).cloned() else {
                    return Err(YamlError::new("alias to an unknown anchor", span));
                };
                self.expand(size, span)?;
                self.count(size.nodes, span)?;
                self.complete(node, 0, size, false)
            }
            Event::SequenceStart(anchor, _) => self.open(false, anchor, span),
            Event::MappingStart(anchor, _) => self.open(true, anchor, span),
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {
                Ok(None)
            }
        }
    }

    /// A scalar: a mapping's key, or a value. Always inlined natively,
    /// like [`Self::open`] and [`Self::close`]: the block scanner's calls
    /// (no anchor, no tag) then lose the branches for them, and no call
    /// passes the span and result through memory.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn scalar(
        &mut self,
        text: Cow<str>,
        plain: bool,
        anchor: usize,
        tag: Option<CoreTag>,
        span: Span,
    ) -> Result<Option<Node>, YamlError> {
        if anchor == 0 && tag.is_none() && matches!(self.stack.last(), Some(Frame::Map { key: None, .. })) {
            return self.key(&text, plain, span);
        }
        let is_merge = plain && &*text == "<<";
        let value = scalar::resolve(text, plain, tag).map_err(|m| YamlError::new(m, span))?;
        self.count(1, span)?;
        let size = Size { nodes: 1, bytes: scalar_bytes(&value) };
        self.complete(Node { span, value }, anchor, size, is_merge || tag == Some(CoreTag::Merge))
    }

    /// A mapping or sequence starts.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn open(&mut self, map: bool, anchor: usize, span: Span) -> Result<Option<Node>, YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(YamlError::new(depth_message(self.limits), span));
        }
        self.count(1, span)?;
        let size = Size { nodes: 1, bytes: 0 };
        self.stack.push(if map {
            Frame::Map { start: span, anchor, first: self.entries.len(), key: None, merges: Vec::new(), size }
        } else {
            Frame::Seq { start: span, anchor, first: self.items.len(), size }
        });
        Ok(None)
    }

    /// A mapping's next key, untagged and unanchored: what [`Self::complete`]
    /// does with a scalar key, without a copy of its text unless the key is
    /// new to the input (most keys are `name`, `image`, ...).
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn key(&mut self, text: &str, plain: bool, span: Span) -> Result<Option<Node>, YamlError> {
        self.count(1, span)?;
        let probe = Probe::of(text.as_bytes());
        let (key, bytes) = match self.scratch.recent.get(&probe, text) {
            Some(key) => (key, text.len()),
            None => match plain.then(|| scalar::implicit(text)).flatten() {
                None => {
                    let key = self.scratch.keys.key_str(text);
                    if plain {
                        self.scratch.recent.put(probe, &key);
                    }
                    (key, text.len())
                }
                Some(value) => {
                    let bytes = scalar_bytes(&value);
                    (self.scratch.keys.key(scalar::key_string(value).map_err(|m| YamlError::new(m, span))?), bytes)
                }
            },
        };
        if let Some(Frame::Map { key: slot, size, .. }) = self.stack.last_mut() {
            *size += Size { nodes: 1, bytes };
            *slot = Some((key, span, plain && text == "<<"));
        }
        Ok(None)
    }

    /// Counts nodes and bytes copied for anchors and aliases against their
    /// limits.
    fn expand(&mut self, size: Size, span: Span) -> Result<(), YamlError> {
        self.alias += size;
        if self.alias.bytes > self.limits.max_alias_bytes {
            return Err(YamlError::new(
                format!(
                    "anchors and aliases expand to more than {} bytes of text (limit max_alias_bytes): \
                     the document looks like an alias bomb",
                    self.limits.max_alias_bytes
                ),
                span,
            ));
        }
        if self.alias.nodes > self.limits.max_alias_nodes {
            return Err(YamlError::new(
                format!(
                    "anchors and aliases expand to more than {} nodes (limit max_alias_nodes): \
                     the document looks like an alias bomb",
                    self.limits.max_alias_nodes
                ),
                span,
            ));
        }
        Ok(())
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), YamlError> {
        self.nodes += n;
        if self.nodes > self.limits.max_nodes {
            return Err(YamlError::new(
                format!("document has more than {} nodes (limit max_nodes)", self.limits.max_nodes),
                span,
            ));
        }
        Ok(())
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn close(&mut self, end: Span) -> Result<Option<Node>, YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(None);
        };
        match frame {
            Frame::Seq { start, anchor, first, size } => {
                // Moved in one copy into a vector of their exact size (so
                // that boxing it does not reallocate).
                let items = self.items.split_off(first);
                let last = items.last().map_or(start, |n| n.span);
                let span = start.to(self.closing(end, last));
                self.complete(Node { span, value: Value::Seq(items.into_boxed_slice()) }, anchor, size, false)
            }
            Frame::Map { start, anchor, first, merges, size, .. } => {
                let entries = self.entries.split_off(first);
                let last = entries.last().map_or(start, |e| e.value.span);
                let span = start.to(self.closing(end, last));
                let entries = merge(entries, merges, &mut self.scratch.marks, self.lines)?;
                self.complete(Node { span, value: Value::Map(entries.into_boxed_slice()) }, anchor, size, false)
            }
        }
    }

    /// Flow collections end at their closing bracket (the end event's span
    /// also covers trailing blanks and comments); block collections end at
    /// their last child, since their end event is wherever the next token is.
    fn closing(&self, end: Span, last_child: Span) -> Span {
        if end.start < end.end {
            Span { start: end.start, end: self.lines.clamp(end.start_at() + 1) as u32 }
        } else {
            last_child
        }
    }

    /// Hands a finished node to its parent, or returns it as the root.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn complete(
        &mut self,
        node: Node,
        anchor: usize,
        size: Size,
        is_merge_key: bool,
    ) -> Result<Option<Node>, YamlError> {
        if anchor != 0 {
            // Keeping a copy costs as much as expanding an alias to it:
            // nested anchors would otherwise multiply memory unchecked.
            self.expand(size, node.span)?;
            self.anchors.insert(anchor, (node.clone(), size));
        }
        let Some(parent) = self.stack.last_mut() else {
            return Ok(Some(node));
        };
        match parent {
            Frame::Seq { size: total, .. } => {
                *total += size;
                self.items.push(node);
            }
            Frame::Map { key, merges, size: total, .. } => {
                *total += size;
                match key.take() {
                    None => {
                        let span = node.span;
                        let name = scalar::key_string(node.value).map_err(|m| YamlError::new(m, span))?;
                        *key = Some((self.scratch.keys.key(name), span, is_merge_key));
                    }
                    Some((_, _, true)) => merges.push(node),
                    Some((name, key_span, false)) => {
                        self.entries.push(Entry { key: name, key_span, value: node });
                    }
                }
            }
        }
        Ok(None)
    }
}

/// Rejects duplicate keys, as the API server's strict decoding does, then
/// applies `<<` merges: explicit keys win over merged ones, and earlier merge
/// sources win over later ones.
///
/// Inlined natively up to the duplicates' test: most mappings have no merge
/// key, and then that is all.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn merge(
    entries: Vec<Entry>,
    merges: Vec<Node>,
    marks: &mut Marks,
    lines: &LineIndex,
) -> Result<Vec<Entry>, YamlError> {
    if let Some((first, again)) = marks.duplicate(&entries) {
        return Err(duplicate(first, again, lines));
    }
    if merges.is_empty() {
        return Ok(entries);
    }
    merge_sources(entries, merges)
}

fn duplicate(first: &Entry, again: &Entry, lines: &LineIndex) -> YamlError {
    YamlError::new(
        format!(
            "duplicate key {} (first defined at line {}); the API server rejects duplicate fields",
            crate::clip::quoted(&again.key),
            lines.pos(first.key_span.start_at()).line
        ),
        again.key_span,
    )
}

/// Applies `<<` merges to a mapping's own (distinct) entries.
fn merge_sources(mut entries: Vec<Entry>, merges: Vec<Node>) -> Result<Vec<Entry>, YamlError> {
    let mut present: HashSet<Key> = entries.iter().map(|e| e.key.clone()).collect();
    for source in merges {
        let maps: Vec<Node> = match source.value {
            Value::Map(_) => vec![source],
            Value::Seq(items) => items.into_vec(),
            _ => return Err(YamlError::new("a merge key (<<) needs a mapping or a list of mappings", source.span)),
        };
        for map in maps {
            let Value::Map(merged) = map.value else {
                return Err(YamlError::new("a merge key (<<) needs a mapping or a list of mappings", map.span));
            };
            for entry in merged {
                if present.insert(entry.key.clone()) {
                    entries.push(entry);
                }
            }
        }
    }
    Ok(entries)
}

/// Finds a mapping's repeated keys in one pass over its entries: every key
/// of a parse comes from its one table ([`Keys`]), numbered, and each
/// mapping marks the numbers of its keys with a mark of its own, so a key
/// whose number already bears the mapping's mark is a repeat, rather than
/// comparing every pair of keys.
#[derive(Default)]
struct Marks {
    /// The mark last put on each key number.
    marks: Vec<u64>,
    /// The last mapping's mark (0 marks nothing).
    last: u64,
}

impl Marks {
    /// Mappings of up to this many entries compare their keys' addresses
    /// pair by pair instead (at most 28 comparisons): cheaper than the
    /// marks' set-up for most of a manifest's mappings, which are small.
    const PAIRWISE: usize = 8;

    /// The first repeated key of `entries` (all from one table) and the
    /// entry it repeats.
    fn duplicate<'e>(&mut self, entries: &'e [Entry]) -> Option<(&'e Entry, &'e Entry)> {
        if entries.len() < 2 {
            return None;
        }
        if entries.len() <= Self::PAIRWISE {
            // Each key against those before it: the same first repeat and
            // the same entry it repeats as the marks find.
            return entries
                .iter()
                .enumerate()
                .skip(1)
                .find_map(|(i, again)| entries[..i].iter().find(|e| e.key.is(&again.key)).map(|first| (first, again)));
        }
        self.last += 1;
        let mark = self.last;
        let again = entries.iter().find(|e| {
            let id = e.key.id();
            if id >= self.marks.len() {
                self.marks.resize(id + 1, 0);
            }
            std::mem::replace(&mut self.marks[id], mark) == mark
        })?;
        let first = entries.iter().find(|e| e.key.is(&again.key))?;
        Some((first, again))
    }
}

/// The keys last met, found by their text's length and first and last
/// bytes: a mapping key is looked up in the input's table ([`Keys`]) once
/// per entry, and hashing all of its text there cost more than the rest
/// of the entry. A slot holds the last plain key whose text is a string
/// (a quoted key of the same text is the same key; a plain `y` is not a
/// quoted `"y"`, which is why quoted keys are not put here).
#[derive(Default)]
struct Recent {
    /// Made at the first key: a small input does not pay for it.
    slots: Vec<(Probe, Option<Key>)>,
}

/// A key's length and its first and last eight bytes (fewer when it is
/// shorter): all of a text of up to 16 bytes, so equal probes of such
/// texts are equal texts.
#[derive(Clone, Copy, Default, PartialEq)]
struct Probe {
    len: usize,
    head: u64,
    tail: u64,
}

impl Probe {
    fn of(text: &[u8]) -> Probe {
        let len = text.len();
        let word = |at: usize| u64::from_le_bytes(text[at..at + 8].try_into().unwrap_or_default());
        let half = |at: usize| u64::from(u32::from_le_bytes(text[at..at + 4].try_into().unwrap_or_default()));
        let (head, tail) = match len {
            8.. => (word(0), word(len - 8)),
            4..8 => (half(0), half(len - 4)),
            1..4 => (u64::from(text[0]) | u64::from(text[len / 2]) << 8 | u64::from(text[len - 1]) << 16, 0),
            0 => (0, 0),
        };
        Probe { len, head, tail }
    }
}

impl Recent {
    /// Pairs of slots, a power of two: the 2 MB slice of the 15 MB stream
    /// has 131 distinct keys, which one slot per hash missed 10% of the
    /// time (two frequent keys of one slot put each other out), two 0.6%.
    const SETS: usize = 256;

    /// The first of the two slots where `probe`'s key may be.
    fn set(probe: &Probe) -> usize {
        let mixed = (probe.head ^ probe.tail.rotate_left(29) ^ probe.len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        2 * (mixed >> (64 - Self::SETS.trailing_zeros())) as usize
    }

    /// The key of `text` (whose probe is `probe`) if it is in its set: the
    /// last met of the set first. Always inlined natively, as the builder's
    /// calls are: it runs once per mapping entry.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn get(&mut self, probe: &Probe, text: &str) -> Option<Key> {
        let set = Self::set(probe);
        let pair = self.slots.get_mut(set..set + 2)?;
        let holds = |(held, key): &(Probe, Option<Key>)| {
            key.as_ref().filter(|key| held == probe && (probe.len <= 16 || key.as_str() == text)).cloned()
        };
        if let Some(key) = holds(&pair[0]) {
            return Some(key);
        }
        let key = holds(&pair[1])?;
        pair.swap(0, 1);
        Some(key)
    }

    fn put(&mut self, probe: Probe, key: &Key) {
        if self.slots.is_empty() {
            self.slots.resize(2 * Self::SETS, (Probe::default(), None));
        }
        let set = Self::set(&probe);
        self.slots.swap(set, set + 1);
        self.slots[set] = (probe, Some(key.clone()));
    }
}

/// Bytes of text a scalar holds (what an alias to it copies).
fn scalar_bytes(value: &Value) -> usize {
    match value {
        Value::Str(s) => s.len(),
        _ => 8,
    }
}

fn core_tag(tag: Option<&Tag>) -> Option<CoreTag> {
    let tag = tag?;
    Some(if tag.is_yaml_core_schema() { CoreTag::from_suffix(&tag.suffix) } else { CoreTag::Other })
}

/// The parser counts positions in characters; spans are in bytes.
struct CharOffsets<'a> {
    base: usize,
    /// Byte offset of every 64th character; empty when the text is ASCII.
    checkpoints: Vec<usize>,
    text: &'a str,
}

impl<'a> CharOffsets<'a> {
    /// `ascii`: the whole input is (then so is the chunk, without reading
    /// it again).
    fn new(text: &'a str, base: usize, ascii: bool) -> Self {
        let checkpoints = if ascii || text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().step_by(64).map(|(i, _)| i).collect()
        };
        CharOffsets { base, checkpoints, text }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.checkpoints.is_empty() {
            return self.base + char_index;
        }
        let Some(&from) = self.checkpoints.get(char_index / 64) else {
            return self.base + self.text.len();
        };
        let rest = char_index % 64;
        let within = self.text[from..].char_indices().nth(rest).map_or(self.text.len() - from, |(i, _)| i);
        self.base + from + within
    }
}

//! The span-aware YAML layer: a multi-document stream in, one tree or one
//! error per document out, every node carrying its byte range (its line and
//! column are found from the input's [`LineIndex`] when a finding needs them).

mod block;
mod build;
mod comments;
mod float;
mod lines;
mod node;
mod scalar;
mod split;

pub use build::Chunk;
pub use lines::{LineIndex, LineStarts};
pub use node::{Entry, Fnv, Key, Node, Pos, Region, Span, Text, Value};
pub use scalar::plain_is_str;
use std::ops::Range;

/// Explicit bounds on what one input may cost. Crossing one is an error for
/// the document where it happens; documents before it are unaffected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of input read; the document crossing it gets an error. At most
    /// 4 GiB less a byte are read whatever it says (by the parser and the
    /// engine alike, [`Limits::most_bytes`]): positions hold 32-bit offsets.
    pub max_bytes: usize,
    /// Documents per input.
    pub max_documents: usize,
    /// Nesting of mappings and sequences within one document.
    pub max_depth: usize,
    /// Nodes per document, counting those produced by aliases.
    pub max_nodes: usize,
    /// Nodes per document produced by alias expansion (alias bombs).
    pub max_alias_nodes: usize,
    /// Bytes of scalar text per document copied by alias expansion: one
    /// alias to a long string is one node but all of its text.
    pub max_alias_bytes: usize,
}

impl Limits {
    /// Bytes read of an input of `len` bytes.
    fn readable(&self, len: usize) -> usize {
        len.min(self.most_bytes())
    }

    /// `max_bytes`, within what a 32-bit offset can say (one byte past the
    /// last read must still have a position).
    pub fn most_bytes(&self) -> usize {
        self.max_bytes.min(u32::MAX as usize - 1)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 32 * 1024 * 1024,
            max_documents: 50_000,
            max_depth: 200,
            max_nodes: 2_000_000,
            max_alias_nodes: 100_000,
            max_alias_bytes: 4 * 1024 * 1024,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

impl YamlError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        YamlError { message: message.into(), span }
    }
}

/// One document of a stream: its 1-based index and its tree or error.
#[derive(Debug)]
pub struct Document {
    pub index: usize,
    pub root: Result<Node, YamlError>,
}

/// A parsed stream: its documents, and where its comments are.
#[derive(Debug, Default)]
pub struct Stream {
    pub documents: Vec<Document>,
    /// Byte offset of the `#` of every comment, in input order (comments of
    /// documents that are not valid UTF-8 or past a limit are not listed).
    pub comments: Vec<usize>,
}

/// Parses a whole stream. Input that is not UTF-8 is an error for the
/// documents holding the bad bytes only.
pub fn parse_stream(text: &[u8], lines: &LineIndex, limits: &Limits) -> Stream {
    reparse(text, lines, limits, None).stream
}

/// Each document chunk of `text` parsed by the full parser and, where it
/// takes the chunk, by the block scanner; the two must agree (the
/// differential test, `tests/yaml_scanner.rs`, and the fuzz target).
/// Chunks that are not UTF-8 or past the limits are left out.
#[doc(hidden)]
pub fn parse_chunks_both(text: &[u8], limits: &Limits) -> Vec<(build::Chunk, Option<build::Chunk>)> {
    let lines = LineIndex::new(text);
    let mut scratch = build::Scratch::default();
    let readable = limits.readable(text.len());
    split::documents(text)
        .into_iter()
        .take(limits.max_documents)
        .take_while(|chunk| chunk.end <= readable)
        .filter_map(|chunk| {
            let s = std::str::from_utf8(&text[chunk.clone()]).ok()?;
            Some(build::parse_chunk_both(s, chunk.start, &lines, limits, &mut scratch))
        })
        .collect()
}

/// A parsed stream with what it takes to parse it again after an edit
/// while keeping the documents the edit did not touch.
///
/// The trees of a kept document are not moved with its text (that would
/// visit every node after the edit): each chunk's [`Origin::pending`] says
/// how far its spans are behind, and [`Parsed::settle`] moves them when
/// they are read. The stream's comments are always where they are.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The documents (spans behind by their chunk's pending shift) and
    /// comments.
    pub stream: Stream,
    chunks: Vec<ChunkInfo>,
    /// The id the next chunk parsed gets.
    next_id: u64,
    /// A limit stopped the parse before the end of the text.
    cut_short: bool,
}

/// Where a document came from: its chunk (the same id while the chunk's
/// text is kept from one parse to the next), where the chunk starts now,
/// and the document's place in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub chunk: u64,
    pub offset: usize,
    /// Where the chunk ends now.
    pub end: usize,
    pub line: u32,
    pub within: usize,
    /// How far the spans of the chunk's trees are behind its text (zero
    /// once settled).
    pub pending: Shift,
}

impl Parsed {
    /// The origin of each document of the stream, in order.
    pub fn origins(&self) -> Vec<Origin> {
        let mut origins = Vec::with_capacity(self.stream.documents.len());
        for info in &self.chunks {
            origins.extend((0..info.documents).map(|within| info.origin(within)));
        }
        origins
    }

    /// The documents, with their origins, of the chunks whose text
    /// touches `range` (its ends included): those an edit of it parses
    /// again, and perhaps a neighbour.
    pub fn touching<'s>(&'s self, range: &Range<usize>) -> impl Iterator<Item = (Origin, &'s Document)> + 's {
        let (start, end) = (range.start, range.end);
        let mut first = 0;
        (self.chunks.iter())
            .map(move |info| {
                first += info.documents;
                (info, first - info.documents)
            })
            .skip_while(move |(info, _)| info.range.end < start)
            .take_while(move |(info, _)| info.range.start <= end)
            .flat_map(move |(info, first)| {
                (0..info.documents).map(move |within| (info.origin(within), &self.stream.documents[first + within]))
            })
    }

    /// Moves the trees of the chunks `chosen` (by id) to where their text
    /// is now.
    pub fn settle(&mut self, chosen: impl Fn(u64) -> bool) {
        let mut documents = self.stream.documents.iter_mut();
        for info in &mut self.chunks {
            let roots = documents.by_ref().take(info.documents);
            if info.pending.is_zero() || !chosen(info.id) {
                roots.for_each(drop);
                continue;
            }
            for doc in roots {
                match &mut doc.root {
                    Ok(root) => info.pending.node(root),
                    Err(e) => info.pending.span(&mut e.span),
                }
            }
            info.pending = Shift::default();
        }
    }
}

/// Where a chunk's text was, and how many of the stream's documents and
/// comments are its own (they are in chunk order).
#[derive(Debug)]
struct ChunkInfo {
    id: u64,
    range: Range<usize>,
    /// The line its text starts on.
    line: u32,
    documents: usize,
    comments: usize,
    /// Some document of it is an error: its message may name a line, so it
    /// is parsed again if it moves.
    failed: bool,
    /// How far its trees' spans are behind its text.
    pending: Shift,
}

impl ChunkInfo {
    /// The origin of its document `within`.
    fn origin(&self, within: usize) -> Origin {
        Origin {
            chunk: self.id,
            offset: self.range.start,
            end: self.range.end,
            line: self.line,
            within,
            pending: self.pending,
        }
    }
}

/// An edit of a stream: `range` of the old text became `inserted` bytes.
#[derive(Clone, Debug)]
pub struct Edit {
    pub range: Range<usize>,
    pub inserted: usize,
}

/// Parses `text`; with the previous parse of the text before `edit`, the
/// chunks wholly before or after the edited bytes are taken from it (moved,
/// when after) rather than parsed. Every chunk is parsed on its own, so the
/// result is exactly what parsing everything again gives.
pub fn reparse(text: &[u8], lines: &LineIndex, limits: &Limits, previous: Option<(Parsed, &Edit)>) -> Parsed {
    let mut next_id = previous.as_ref().map_or(0, |(parsed, _)| parsed.next_id);
    let cuts = match &previous {
        Some((parsed, edit)) if !parsed.cut_short => resplit(text, &parsed.chunks, edit),
        _ => split::documents(text),
    };
    let mut cut_short = false;
    let mut old = previous.map(|(parsed, edit)| Old::new(parsed, edit));
    let readable = limits.readable(text.len());
    let mut docs: Vec<Document> = Vec::new();
    let mut comments = Vec::new();
    let mut chunks = Vec::new();
    let mut scratch = build::Scratch::default();
    // A chunk's documents, moved into `docs` once it is parsed.
    let mut roots = Vec::new();
    let push = |docs: &mut Vec<Document>, root| docs.push(Document { index: docs.len() + 1, root });
    for chunk in cuts {
        if docs.len() >= limits.max_documents {
            let at = Span::at(lines.clamp(chunk.start));
            let message = format!(
                "more than {} documents (limit max_documents); this one and the rest were not checked",
                limits.max_documents
            );
            push(&mut docs, Err(YamlError::new(message, at)));
            cut_short = true;
            break;
        }
        if chunk.end > readable {
            let at = Span::at(lines.clamp(readable));
            let message = format!(
                "input is larger than {} bytes (limit max_bytes); from here on it was not checked",
                limits.most_bytes()
            );
            push(&mut docs, Err(YamlError::new(message, at)));
            cut_short = true;
            break;
        }
        let (before, after) = (docs.len(), comments.len());
        let mut pending = Shift::default();
        let mut line = None;
        let id = match old.as_mut().and_then(|old| old.take(text, &chunk, lines)) {
            Some((id, roots, found, behind, now)) => {
                comments.extend(found);
                for root in roots {
                    push(&mut docs, root);
                }
                pending = behind;
                line = Some(now);
                id
            }
            None => {
                next_id += 1;
                match std::str::from_utf8(&text[chunk.clone()]) {
                    Ok(s) => {
                        let found = build::parse_chunk(s, chunk.start, lines, limits, &mut scratch, &mut roots);
                        comments.extend(found);
                        for root in roots.drain(..) {
                            push(&mut docs, root);
                        }
                    }
                    Err(e) => {
                        let at = Span::at(lines.clamp(chunk.start + e.valid_up_to()));
                        push(&mut docs, Err(YamlError::new("input is not valid UTF-8", at)));
                    }
                }
                next_id
            }
        };
        chunks.push(ChunkInfo {
            id,
            line: line.unwrap_or_else(|| lines.pos(chunk.start).line),
            range: chunk,
            documents: docs.len() - before,
            comments: comments.len() - after,
            failed: docs[before..].iter().any(|d| d.root.is_err()),
            pending,
        });
    }
    Parsed { stream: Stream { documents: docs, comments }, chunks, next_id, cut_short }
}

/// The documents of `text` after `edit` (see [`split::documents`]), cut
/// again only from the last `---` line before the edited line to the first
/// one after it: the chunks before and after are the old ones (moved).
/// Cutting there starts afresh, as it does at the start of the text.
fn resplit(text: &[u8], old: &[ChunkInfo], edit: &Edit) -> Vec<Range<usize>> {
    let shift = edit.inserted as isize - edit.range.len() as isize;
    let line_start = text[..edit.range.start].iter().rposition(|&b| b == b'\n').map_or(0, |n| n + 1);
    let opens = |at: usize| at > 0 && text.get(at - 1) == Some(&b'\n') && split::is_marker(&text[at..], b"---");
    // The text before the edit is unchanged: old offsets hold there.
    let first = old.iter().rposition(|c| c.range.start < line_start && opens(c.range.start));
    let from = first.map_or(0, |i| old[i].range.start);
    // After the edit, old offsets are moved by `shift`.
    let after =
        old.iter().position(|c| c.range.start > edit.range.end && opens(c.range.start.wrapping_add_signed(shift)));
    let to = after.map_or(text.len(), |i| old[i].range.start.wrapping_add_signed(shift));
    let window = split::documents(&text[from..to]);
    // A `%` directive at the end of the window belongs to the document
    // after it: cut everything again then.
    let tail = window.last().map_or(from, |r| from + r.end);
    if text[tail..to].split(|&b| b == b'\n').any(|line| line.first() == Some(&b'%')) {
        return split::documents(text);
    }
    let mut cuts: Vec<Range<usize>> = old[..first.unwrap_or(0)].iter().map(|c| c.range.clone()).collect();
    cuts.extend(window.into_iter().map(|r| from + r.start..from + r.end));
    if let Some(i) = after {
        let moved = |at: usize| at.wrapping_add_signed(shift);
        cuts.extend(old[i..].iter().map(|c| moved(c.range.start)..moved(c.range.end)));
    }
    cuts
}

/// A chunk taken from the previous parse: its id, documents, comments, how
/// far its trees are behind its text, and the line it now starts on.
type Kept = (u64, Vec<Result<Node, YamlError>>, Vec<usize>, Shift, u32);

/// The previous parse, handed out chunk by chunk in text order.
struct Old {
    chunks: std::vec::IntoIter<ChunkInfo>,
    documents: std::vec::IntoIter<Document>,
    comments: std::vec::IntoIter<usize>,
    /// New text before this offset is the old text, unmoved.
    unchanged_before: usize,
    /// New text from this offset on is the old text, moved by `shift`.
    moved_from: usize,
    shift: isize,
    /// How many lines the edit added (or removed, if negative), found at
    /// the first moved chunk: every moved chunk moved as far.
    lines: Option<i64>,
}

impl Old {
    fn new(parsed: Parsed, edit: &Edit) -> Self {
        Old {
            chunks: parsed.chunks.into_iter(),
            documents: parsed.stream.documents.into_iter(),
            comments: parsed.stream.comments.into_iter(),
            unchanged_before: edit.range.start,
            moved_from: edit.range.start + edit.inserted,
            shift: edit.inserted as isize - edit.range.len() as isize,
            lines: None,
        }
    }

    /// The old documents and comments of the chunk at `range` of the new
    /// text, if its text is untouched: its comments moved to where it now
    /// is, its trees left behind by the pending shift returned.
    fn take(&mut self, text: &[u8], range: &Range<usize>, lines: &LineIndex) -> Option<Kept> {
        let (old_start, moved) = if range.end <= self.unchanged_before {
            (range.start, false)
        } else if range.start >= self.moved_from {
            (range.start.checked_add_signed(-self.shift)?, true)
        } else {
            return None;
        };
        // Skip the old chunks before it (the edit replaced them).
        loop {
            let info = self.chunks.as_slice().first()?;
            if info.range.start >= old_start {
                break;
            }
            self.skip();
        }
        let info = self.chunks.as_slice().first()?;
        let same = info.range.start == old_start && info.range.len() == range.len();
        // A moved chunk keeps its columns only if it starts a line in both
        // texts (the first chunk may start after a byte order mark).
        let starts_line = |start: usize| start > 0 && text.get(start - 1) == Some(&b'\n');
        if !same || (moved && (info.failed || !starts_line(range.start) || old_start == 0)) {
            return None;
        }
        let info = self.chunks.next()?;
        let roots: Vec<Result<Node, YamlError>> =
            self.documents.by_ref().take(info.documents).map(|d| d.root).collect();
        let mut comments: Vec<usize> = self.comments.by_ref().take(info.comments).collect();
        if !moved {
            return Some((info.id, roots, comments, info.pending, info.line));
        }
        // An edit of the same length can still add or remove line breaks.
        let moved_lines =
            *self.lines.get_or_insert_with(|| i64::from(lines.pos(range.start).line) - i64::from(info.line));
        let mut pending = info.pending;
        if self.shift != 0 {
            pending = Shift { bytes: pending.bytes + self.shift };
            for c in &mut comments {
                *c = c.wrapping_add_signed(self.shift);
            }
        }
        Some((info.id, roots, comments, pending, (i64::from(info.line) + moved_lines) as u32))
    }

    /// Drops the next old chunk.
    fn skip(&mut self) {
        if let Some(info) = self.chunks.next() {
            self.documents.by_ref().take(info.documents).for_each(drop);
            self.comments.by_ref().take(info.comments).for_each(drop);
        }
    }
}
/// How far a chunk moved with its text, in bytes: its trees hold byte
/// offsets only, so lines that moved with it move nothing in them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Shift {
    pub bytes: isize,
}

impl Shift {
    pub fn is_zero(&self) -> bool {
        self.bytes == 0
    }

    pub fn span(&self, span: &mut Span) {
        span.start = span.start_at().wrapping_add_signed(self.bytes) as u32;
        span.end = span.end_at().wrapping_add_signed(self.bytes) as u32;
    }

    /// Moves every span of a tree (without recursion: trees can be deep).
    fn node(&self, root: &mut Node) {
        let mut pending = vec![root];
        while let Some(node) = pending.pop() {
            self.span(&mut node.span);
            match &mut node.value {
                Value::Seq(items) => pending.extend(items.iter_mut()),
                Value::Map(entries) => {
                    for entry in entries {
                        self.span(&mut entry.key_span);
                        pending.push(&mut entry.value);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;

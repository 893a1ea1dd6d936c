//! The span-aware YAML layer: a multi-document stream in, one tree or one
//! error per document out, every node carrying its byte range, line and column.

mod build;
mod comments;
mod lines;
mod node;
mod scalar;
mod split;

pub use lines::LineIndex;
use node::Keys;
pub use node::{Entry, Key, Node, Pos, Span, Value};

/// Explicit bounds on what one input may cost. Crossing one is an error for
/// the document where it happens; documents before it are unaffected.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Bytes of input read; the document crossing it gets an error.
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
    let readable = text.len().min(limits.max_bytes);
    let mut docs: Vec<Document> = Vec::new();
    let mut comments = Vec::new();
    let mut keys = Keys::default();
    let push = |docs: &mut Vec<Document>, root| docs.push(Document { index: docs.len() + 1, root });
    for chunk in split::documents(text) {
        if docs.len() >= limits.max_documents {
            let at = lines.pos(chunk.start);
            let message = format!(
                "more than {} documents (limit max_documents); this one and the rest were not checked",
                limits.max_documents
            );
            push(&mut docs, Err(YamlError::new(message, Span { start: at, end: at })));
            break;
        }
        if chunk.end > readable {
            let at = lines.pos(readable);
            let message = format!(
                "input is larger than {} bytes (limit max_bytes); from here on it was not checked",
                limits.max_bytes
            );
            push(&mut docs, Err(YamlError::new(message, Span { start: at, end: at })));
            break;
        }
        match std::str::from_utf8(&text[chunk.clone()]) {
            Ok(s) => {
                let parsed = build::parse_chunk(s, chunk.start, lines, limits, &mut keys);
                comments.extend(parsed.comments);
                for root in parsed.documents {
                    push(&mut docs, root);
                }
            }
            Err(e) => {
                let at = lines.pos(chunk.start + e.valid_up_to());
                push(&mut docs, Err(YamlError::new("input is not valid UTF-8", Span { start: at, end: at })));
            }
        }
    }
    Stream { documents: docs, comments }
}

#[cfg(test)]
mod tests;

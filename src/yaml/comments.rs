//! Where the real comments of a chunk are. A `#` inside a quoted or block
//! scalar is text, not a comment; the parser reports every scalar's span, so
//! a `#` outside all of them that starts a line or follows a blank starts a
//! comment (in an anchor or tag name, a `#` follows a name character).

use std::ops::Range;

/// Byte offsets (in the input) of the `#` of every comment in `text`, which
/// starts at byte `base`. `scalars` are the spans of the chunk's scalars, in
/// input order.
pub fn find(text: &str, base: usize, scalars: &[Range<usize>]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut scalars = scalars.iter().peekable();
    let mut i = 0;
    while let Some(hash) = memchr::memchr(b'#', &bytes[i..]).map(|at| i + at) {
        let at = base + hash;
        while scalars.next_if(|s| s.end <= at).is_some() {}
        let in_scalar = scalars.peek().is_some_and(|s| s.start <= at);
        let after_blank = hash == 0 || matches!(bytes[hash - 1], b' ' | b'\t' | b'\n' | b'\r');
        i = hash + 1;
        if !in_scalar && after_blank {
            found.push(at);
            // The rest of the line is the comment's text.
            i = memchr::memchr(b'\n', &bytes[hash..]).map_or(bytes.len(), |end| hash + end);
        }
    }
    found
}

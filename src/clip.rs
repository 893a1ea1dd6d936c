//! Bounds on text from the input that messages and snippets quote. One
//! 100 KB name, aliased by a thousand containers, would otherwise be copied
//! into every finding about each of them: gigabytes of output from a few
//! kilobytes of YAML. A long value is shown by its start and end, with its
//! length.

use std::borrow::Cow;

/// Characters of one quoted value shown in full.
const VALUE: usize = 64;
/// Characters of a whole message or error shown in full.
pub const MESSAGE: usize = 512;
/// Characters of a fix snippet shown in full.
pub const SNIPPET: usize = 2048;

/// What `text!` (`format!` for texts the rules build) writes: laid out in
/// one buffer kept between calls, then copied out at its length. `format!`
/// starts from a guess at the length (the literal text's, doubled) and
/// grows its string a step at a time when the values are longer, and a
/// finding keeps its texts shrunk to fit: two or three reallocations for
/// each message and snippet, against one allocation here.
pub fn text(args: std::fmt::Arguments) -> String {
    use std::fmt::Write;
    if let Some(literal) = args.as_str() {
        return literal.to_owned();
    }
    thread_local! {
        static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => {
            scratch.clear();
            // Writing to a string fails only if a value's `Display` does,
            // as `format!` would panic then; the text so far is kept.
            let _ = scratch.write_fmt(args);
            String::from(scratch.as_str())
        }
        // A value whose `Display` itself uses `text!`.
        Err(_) => std::fmt::format(args),
    })
}

/// A piece of a [`joined`] text.
pub enum Piece<'a> {
    /// Written as it is (`{}`).
    Plain(&'a str),
    /// Quoted and escaped as `{:?}` writes it.
    Debug(&'a str),
}

/// What `joined!` writes: the pieces end to end, in a string allocated
/// once at their length.
pub fn joined(pieces: &[Piece]) -> String {
    let length = pieces.iter().map(|piece| match piece {
        Piece::Plain(text) => text.len(),
        Piece::Debug(text) => text.len() + 2,
    });
    let mut out = String::with_capacity(length.sum());
    for piece in pieces {
        match piece {
            Piece::Plain(text) => out.push_str(text),
            Piece::Debug(text) => push_debug(&mut out, text),
        }
    }
    out
}

/// Printable ASCII other than `"` and `\`, which `{:?}` (and a JSON or YAML
/// double-quoted string) writes as itself.
pub fn is_plain(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\')
}

/// `text` quoted as `{text:?}` writes it, at the end of `out`: a plain
/// name (almost every one) without the formatter's character walk.
pub fn push_debug(out: &mut String, text: &str) {
    if is_plain(text) {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        use std::fmt::Write;
        // Writing to a `String` cannot fail.
        let _ = write!(out, "{text:?}");
    }
}

/// `text` when it has at most `max` characters; otherwise its start and
/// end around an ellipsis, with its length: `abc…xyz (100000 characters)`.
pub fn clip(text: &str, max: usize) -> Cow<'_, str> {
    // No more bytes than `max` is no more characters: no need to count.
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    let Some((cut, _)) = text.char_indices().nth(max) else { return Cow::Borrowed(text) };
    let chars = max + text[cut..].chars().count();
    let tail_chars = max / 4;
    let head = text.char_indices().nth(max - tail_chars).map_or(cut, |(i, _)| i);
    let tail = text.char_indices().rev().nth(tail_chars.saturating_sub(1)).map_or(text.len(), |(i, _)| i);
    Cow::Owned(text!("{}…{} ({chars} characters)", &text[..head], &text[tail..]))
}

/// A value for a message: short ones as they are, long ones clipped.
pub fn value(text: &str) -> Cow<'_, str> {
    clip(text, VALUE)
}

/// A value in quotes (escaped like a Rust string literal), clipped, with
/// the length after the quotes: `"abc…xyz" (100000 characters)`.
pub fn quoted(text: &str) -> String {
    let mut out = String::new();
    push_quoted(&mut out, text);
    out
}

/// [`quoted`], written at the end of `out`.
pub fn push_quoted(out: &mut String, text: &str) {
    // No more bytes than `VALUE` is no more characters: nothing to clip.
    if text.len() <= VALUE {
        push_debug(out, text);
        return;
    }
    use std::fmt::Write;
    // Written straight into `out` (writing to a `String` cannot fail).
    let _ = match text.char_indices().nth(VALUE) {
        None => {
            push_debug(out, text);
            Ok(())
        }
        Some(_) => {
            let chars = text.chars().count();
            let clipped = clip(text, VALUE);
            let shown = clipped.rsplit_once(" (").map_or(&*clipped, |(shown, _)| shown);
            write!(out, "{shown:?} ({chars} characters)")
        }
    };
}

/// A message or snippet built from input, bounded to `max` characters.
pub fn bound(text: String, max: usize) -> String {
    match clip(&text, max) {
        Cow::Borrowed(_) => text,
        Cow::Owned(clipped) => clipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_untouched_and_long_text_keeps_its_ends_and_length() {
        assert!(matches!(value("app"), Cow::Borrowed("app")));
        assert!(matches!(value(&"x".repeat(VALUE)), Cow::Borrowed(_)));
        let long = format!("start{}end", "é".repeat(100_000));
        let shown = value(&long);
        assert!(shown.starts_with("startééé") && shown.ends_with("éééend (100008 characters)"), "{shown}");
        assert_eq!(shown.chars().count(), VALUE + 1 + " (100008 characters)".len());
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
        // The fast path for plain names agrees with the formatter's escape.
        for name in ["app", "c0-backup", "a b'c", "~!@#$%^&*()_+{}|:<>?", &"x".repeat(VALUE)] {
            assert_eq!(quoted(name), format!("{name:?}"));
        }
        assert!(quoted(&long).ends_with("end\" (100008 characters)"));
        // A joined text agrees with the formatter's, quoted pieces included.
        for name in ["app", "a\"b", "tab\there", "é", "\u{7f}", "", &long] {
            assert_eq!(joined!("name ", ?name, ": ", name), format!("name {name:?}: {name}"));
        }
        assert_eq!(bound("x".repeat(10), 4), "xxx…x (10 characters)");
    }
}

//! Input text made visible and harmless for a terminal or a text view.
//!
//! A manifest is not trusted: an object name holding `ESC ] 0 ;` sets a
//! terminal's title, `ESC [ 2 J` clears the screen (hiding the findings
//! above it), and a right-to-left override makes a line read differently
//! from what it holds. Every such character is written as a visible escape
//! (`\x1b`, `\u{202e}`) instead.

use std::borrow::Cow;
use std::fmt::Write;

/// Control characters (C0, DEL, C1), line and paragraph separators, and the
/// bidirectional formatting characters.
fn is_control(c: char) -> bool {
    matches!(c,
        '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{2028}' | '\u{2029}'
        | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Appends `c`, escaped if it is a control character; returns how many
/// characters were written, so callers can keep columns aligned.
pub fn push(out: &mut String, c: char) -> usize {
    if !is_control(c) {
        out.push(c);
        1
    } else if c.is_ascii() {
        let _ = write!(out, "\\x{:02x}", c as u32);
        4
    } else {
        let before = out.len();
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
        out.len() - before
    }
}

/// `text` with every control character escaped; borrowed when there is none.
pub fn escape(text: &str) -> Cow<'_, str> {
    // Printable ASCII, the common case, is answered a byte at a time.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) || !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        push(&mut out, c);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_and_the_rest_is_untouched() {
        assert_eq!(escape("a\x1b]0;pwned\x07b"), "a\\x1b]0;pwned\\x07b");
        assert_eq!(escape("tab\there\r\n\x7f"), "tab\\x09here\\x0d\\x0a\\x7f");
        assert_eq!(escape("\u{9b}2J \u{202e}txt \u{2028}\u{2067}"), "\\u{9b}2J \\u{202e}txt \\u{2028}\\u{2067}");
        assert!(matches!(escape("héllo wörld ✓ 名前"), Cow::Borrowed(_)));
    }

    #[test]
    fn push_reports_the_width_it_wrote() {
        let mut out = String::new();
        let widths: Vec<usize> = ['a', '\x1b', '\u{202e}', '\u{85}'].iter().map(|&c| push(&mut out, c)).collect();
        assert_eq!(out, "a\\x1b\\u{202e}\\u{85}");
        assert_eq!(widths, [1, 4, 8, 6]);
    }
}

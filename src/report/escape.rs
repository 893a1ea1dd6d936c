//! Input text made visible and harmless for a terminal or a text view.
//!
//! A manifest is not trusted: an object name holding `ESC ] 0 ;` sets a
//! terminal's title, `ESC [ 2 J` clears the screen (hiding the findings
//! above it), and a right-to-left override makes a line read differently
//! from what it holds. Every such character is written as a visible escape
//! (`\x1b`, `\u{202e}`) instead.
//!
//! And strings in JSON reports, escaped as JSON needs ([`json_string`]).

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

/// Appends `s` as a JSON string, escaped as serde_json escapes it: `"`, `\`
/// and the C0 controls (`\n`, `\t`, ... short, the others `\u00XX`); every
/// other character as it is. Text is passed over eight bytes at a time, the
/// run before each byte to escape copied in one piece: a snippet's line
/// breaks are found where they are in their word, not by a look at each
/// byte of it.
pub fn json_string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut plain = 0;
    while let Some(at) = next_escape(bytes, plain) {
        copy_run(out, bytes, plain, at);
        let b = bytes[at];
        match JSON_ESCAPES[usize::from(b)] {
            b'u' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
            }
            short => out.extend_from_slice(&[b'\\', short]),
        }
        plain = at + 1;
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// Appends `bytes[from..to]`. A run between a snippet's line breaks is
/// short: when the text has 32 bytes from `from`, they are copied whole and
/// cut to length (a copy of known length, written in place rather than a
/// call to memcpy, whose choice among lengths costs more than the copy).
fn copy_run(out: &mut Vec<u8>, bytes: &[u8], from: usize, to: usize) {
    match bytes.get(from..from + 32) {
        Some(block) if to - from <= 32 => {
            let at = out.len();
            let block: &[u8; 32] = block.try_into().unwrap_or(&[0; 32]);
            out.extend_from_slice(block);
            out.truncate(at + to - from);
        }
        _ => out.extend_from_slice(&bytes[from..to]),
    }
}

/// Where the first byte at or after `from` that JSON escapes is.
fn next_escape(bytes: &[u8], mut from: usize) -> Option<usize> {
    // Sixteen bytes without one are passed a vector's width at a time: one
    // or-fold per kind of byte (in one fold the compiler makes a table
    // lookup of them, which does not vectorise).
    while let Some(block) = bytes.get(from..from + 16) {
        let block: &[u8; 16] = block.try_into().unwrap_or(&[0; 16]);
        let holds = |test: fn(u8) -> bool| block.iter().fold(false, |found, &b| found | test(b));
        if holds(|b| b < b' ') | holds(|b| b == b'"') | holds(|b| b == b'\\') {
            break;
        }
        from += 16;
    }
    // The word holding it.
    while let Some(eight) = bytes.get(from..from + 8) {
        let found = escapes(u64::from_le_bytes(eight.try_into().unwrap_or_default()));
        if found != 0 {
            return Some(from + found.trailing_zeros() as usize / 8);
        }
        from += 8;
    }
    // The last bytes, fewer than eight.
    let rest = bytes.get(from..)?;
    rest.iter().position(|&b| JSON_ESCAPES[usize::from(b)] != 0).map(|i| from + i)
}

/// The high bit of each byte of `word` that is below 0x20, `"` or `\` (the
/// classic has-zero-byte test, on the word and on it xor each of those
/// bytes), read from the lowest: the lowest bit set is always such a byte
/// (a borrow out of one can mark the byte above it too, never one below).
fn escapes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    below_space | zero(word ^ (ONES * u64::from(b'"'))) | zero(word ^ (ONES * u64::from(b'\\')))
}

/// For each byte, the letter after `\` that stands for it in JSON (`u` for
/// `\u00XX`), or 0 when it is written as it is.
static JSON_ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

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

    #[test]
    fn json_strings_are_escaped_as_serde_json_escapes_them() {
        // Every ASCII character, and the separators and multi-byte text JSON
        // leaves as they are, alone and at each offset in an eight-byte word
        // of a longer string.
        let specials = ['\u{2028}', '\u{2029}', 'é', '😀'];
        for c in (0..=0x7f).filter_map(char::from_u32).chain(specials) {
            for before in 0..8 {
                for s in [c.to_string(), format!("{}{c}{}", "a".repeat(before), "b".repeat(12))] {
                    let mut ours = Vec::new();
                    json_string(&mut ours, &s);
                    assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&s).unwrap(), "{s:?}");
                }
            }
        }
        // Two characters side by side (a borrow out of one byte of the word
        // test can mark the next byte too), at each offset in a word.
        for a in (0..=0x7fu8).map(char::from) {
            for b in (0..=0x7fu8).map(char::from) {
                for before in [0, 3, 6, 7] {
                    let s = format!("{}{a}{b}{}", "a".repeat(before), "z".repeat(9));
                    let mut ours = Vec::new();
                    json_string(&mut ours, &s);
                    assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&s).unwrap(), "{s:?}");
                }
            }
        }
        // Mixed pieces, escapes falling in every place within a word.
        let pieces = ["a", "\"", "\\", "\n", "\u{1}", "\u{1f}", " ", "\u{7f}", "é", "😀", "\t", "abcdefgh"];
        let mut s = String::new();
        for i in 0..400usize {
            s.push_str(pieces[(i * 7 + i / 3) % pieces.len()]);
            let mut ours = Vec::new();
            json_string(&mut ours, &s);
            assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }
}

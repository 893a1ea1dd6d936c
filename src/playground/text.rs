//! The editor's text as the engine and the editor must both see it: line
//! breaks normalised, and characters that hide or reorder text found so the
//! editor can show them. Lines and UTF-16 offsets are the engine's
//! [`LineStarts`](crate::yaml::LineStarts).

use std::borrow::Cow;

/// `\r\n` and a lone `\r` become `\n`, as a textarea does to its value: text
/// that enters the editor from anywhere else (a link, storage) is normalised
/// first, so the engine's offsets are the editor's.
pub fn normalize_line_breaks(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// A character that draws nothing or reorders what follows it on screen, so
/// that what is shown is not what is read: its Unicode name. Joiners are
/// included; they are invisible in YAML as anywhere else.
pub fn hidden_char(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    })
}

/// Whether `hidden_char` names it because it reorders text.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Byte offsets of the hidden characters in `text`.
pub fn hidden_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    // An ASCII text, the usual case, holds none: it is not decoded.
    let text = if text.is_ascii() { "" } else { text };
    text.char_indices().filter(|&(_, c)| hidden_char(c).is_some())
}

/// Where `new` differs from `old`: the common prefix and suffix taken off
/// (on character boundaries), as `(start, end in old, end in new)` byte
/// offsets. An edit is then `old[start..old_end]` replaced by
/// `new[start..new_end]`.
pub fn difference(old: &str, new: &str) -> (usize, usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut start = common_prefix(a, b);
    while !new.is_char_boundary(start) {
        start -= 1;
    }
    let most = a.len().min(b.len()) - start;
    let mut tail = common_suffix(&a[a.len() - most..], &b[b.len() - most..]);
    while !new.is_char_boundary(b.len() - tail) || !old.is_char_boundary(a.len() - tail) {
        tail -= 1;
    }
    (start, a.len() - tail, b.len() - tail)
}

/// Bytes compared at once while looking for where two texts part: a byte at
/// a time took 50 ms over 10 MB in the playground's wasm (on every keystroke
/// while a check runs), and slice equality (`memcmp`, a byte at a time in
/// wasm too) 6 ms; a block is compared as words ([`same`]).
const BLOCK: usize = 4096;

/// Whether two blocks of [`BLOCK`] bytes are equal, eight bytes at a time,
/// without a branch per word.
fn same(a: &[u8], b: &[u8]) -> bool {
    let word = |bytes: &[u8]| u64::from_ne_bytes(bytes.try_into().unwrap_or_default());
    a.len() == b.len()
        && a.chunks_exact(8).zip(b.chunks_exact(8)).fold(0, |differ, (x, y)| differ | (word(x) ^ word(y))) == 0
}

/// How many bytes `a` and `b` start with in common.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let most = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= most && same(&a[at..at + BLOCK], &b[at..at + BLOCK]) {
        at += BLOCK;
    }
    at + a[at..most].iter().zip(&b[at..most]).take_while(|(x, y)| x == y).count()
}

/// How many bytes `a` and `b` end with in common.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let most = a.len().min(b.len());
    let (a, b) = (&a[a.len() - most..], &b[b.len() - most..]);
    let mut kept = 0;
    while kept + BLOCK <= most && same(&a[most - kept - BLOCK..most - kept], &b[most - kept - BLOCK..most - kept]) {
        kept += BLOCK;
    }
    let (a, b) = (&a[..most - kept], &b[..most - kept]);
    kept + a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count()
}

/// The length of `text` in UTF-16 code units, as JavaScript counts it.
pub fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().map(char::len_utf16).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_difference_is_one_edit_on_character_boundaries() {
        for (old, new) in [
            ("abc", "abc"),
            ("abc", "abXc"),
            ("kind: Pod\n", ""),
            ("", "x"),
            ("aé", "aè"),
            ("ééé", "éé"),
            ("a😀b", "a😁b"),
        ] {
            let (start, old_end, new_end) = difference(old, new);
            assert_eq!(format!("{}{}{}", &old[..start], &new[start..new_end], &old[old_end..]), new, "{old} -> {new}");
            assert_eq!(&old[old_end..], &new[new_end..]);
        }
        assert_eq!(difference("abc", "abXc"), (2, 2, 3));
        // Longer than the blocks compared at once, changed in every place.
        let long: String = (0..3 * BLOCK + 7).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        for at in (0..long.len()).step_by(997).chain([0, BLOCK - 1, BLOCK, long.len() - 1]) {
            let mut new = long.clone();
            new.replace_range(at..at + 1, "XY");
            assert_eq!(difference(&long, &new), (at, at + 1, at + 2), "at {at}");
            new.truncate(at);
            assert_eq!(difference(&long, &new), (at, long.len(), at), "cut at {at}");
        }
        // A character of several bytes across a block's edge: one of its
        // bytes differs, and the edit takes the whole character.
        for at in [BLOCK - 3, BLOCK - 2, BLOCK - 1, long.len() - BLOCK - 1, long.len() - BLOCK + 1] {
            let (mut old, mut new) = (long.clone(), long.clone());
            old.replace_range(at..at + 4, "😀");
            new.replace_range(at..at + 4, "😁");
            assert_eq!(difference(&old, &new), (at, at + 4, at + 4), "at {at}");
            new.replace_range(at..at + 4, "éé");
            assert_eq!(difference(&old, &new), (at, at + 4, at + 4), "two characters at {at}");
        }
        assert_eq!(difference("aaa", "aa"), (2, 3, 2));
        assert_eq!(utf16_len("a😀é"), 4);
    }

    #[test]
    fn line_breaks_become_newlines() {
        assert_eq!(normalize_line_breaks("a\r\nb\rc\n\r\n"), "a\nb\nc\n\n");
        assert!(matches!(normalize_line_breaks("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn hidden_characters_are_found_where_they_are() {
        let text = "name: a\u{202E}b\u{200B}\nok: é\u{0301}\n";
        let found: Vec<(usize, char)> = hidden_chars(text).collect();
        assert_eq!(found, [(7, '\u{202E}'), (11, '\u{200B}')]);
        assert!(is_bidi_control('\u{202E}') && !is_bidi_control('\u{200B}'));
        // Combining accents are visible: not reported.
        assert_eq!(hidden_char('\u{0301}'), None);
        assert_eq!(hidden_chars("plain: ascii\n").count(), 0);
    }
}

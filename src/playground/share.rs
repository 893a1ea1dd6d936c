//! Share links: the editor's content and settings, deflated and base64url
//! encoded into the URL fragment, which browsers never send to a server.

use miniz_oxide::inflate::TINFLStatus;

use crate::rules::PssLevel;

#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    pub text: String,
    pub level: PssLevel,
    /// Rule families switched off.
    pub off: Vec<String>,
}

/// The fragment, without the leading `#`.
pub fn encode(shared: &Shared) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(shared.text.as_bytes(), 9);
    let mut fragment = format!("level={}", shared.level.name());
    if !shared.off.is_empty() {
        fragment.push_str(&format!("&off={}", shared.off.join(",")));
    }
    fragment.push_str("&yaml=");
    fragment.push_str(&crate::base64::encode_url(&packed));
    fragment
}

/// What a fragment gave: each part that could be read, and for each part
/// that could not, why. A bad part never costs the good ones.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decoded {
    pub text: Option<String>,
    pub level: Option<PssLevel>,
    pub off: Vec<String>,
    /// One sentence per problem, for the reader of the link.
    pub problems: Vec<String>,
}

/// Reads a fragment (with or without `#`); `None` for an empty one. The
/// content is unpacked to at most `max_text` bytes, so a small link cannot
/// expand into more than the editor holds (a deflate bomb).
pub fn decode(fragment: &str, max_text: usize) -> Option<Decoded> {
    let fragment = fragment.trim_start_matches('#');
    if fragment.is_empty() {
        return None;
    }
    let mut decoded = Decoded::default();
    let mut has_content = false;
    for pair in fragment.split('&').filter(|p| !p.is_empty()) {
        let Some((key, value)) = pair.split_once('=') else {
            decoded.problems.push(format!("“{}” is not a key=value pair", excerpt(pair)));
            continue;
        };
        match key {
            "level" => match PssLevel::parse(value) {
                Some(level) => decoded.level = Some(level),
                None => decoded
                    .problems
                    .push(format!("the level “{}” is neither baseline nor restricted and was ignored", excerpt(value))),
            },
            "off" => decoded.off = value.split(',').filter(|f| !f.is_empty()).map(str::to_owned).collect(),
            "yaml" => {
                has_content = true;
                match unpack(value, max_text) {
                    Ok(text) => decoded.text = Some(text),
                    Err(why) => decoded.problems.push(why),
                }
            }
            // Keys from a later version are not a reason to refuse a link.
            _ => {}
        }
    }
    if !has_content {
        decoded.problems.push("it carries no content (no yaml=…)".to_owned());
    }
    Some(decoded)
}

fn unpack(value: &str, max_text: usize) -> Result<String, String> {
    let packed = crate::base64::decode_url(value)
        .ok_or("its content is not valid base64url: the link was probably cut off or mistyped")?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, max_text).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => format!(
            "its content unpacks to more than {} MB, more than the editor holds (check large files with the command line)",
            max_text / (1024 * 1024)
        ),
        _ => "its content is damaged or cut off: it does not unpack".to_owned(),
    })?;
    String::from_utf8(bytes).map_err(|_| "its content is not UTF-8 text".to_owned())
}

/// A piece of the link quoted in a message, kept short: a link is anyone's.
fn excerpt(text: &str) -> String {
    const MOST: usize = 24;
    match text.char_indices().nth(MOST) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1024 * 1024;

    fn fragment_with(text: &[u8]) -> String {
        format!("level=baseline&yaml={}", crate::base64::encode_url(&miniz_oxide::deflate::compress_to_vec(text, 6)))
    }

    #[test]
    fn round_trips_text_and_settings() {
        for text in ["", "a", "ab", "abc", "kind: Pod\nmetadata:\n  name: é😀\n", "a: 1\r\nb: 2\r"] {
            let shared = Shared { text: text.into(), level: PssLevel::Baseline, off: vec!["pss".into()] };
            let fragment = encode(&shared);
            assert!(fragment.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_=&,".contains(&b)), "{fragment}");
            let decoded = decode(&format!("#{fragment}"), LIMIT).unwrap();
            assert_eq!(decoded.problems, Vec::<String>::new());
            assert_eq!(Shared { text: decoded.text.unwrap(), level: decoded.level.unwrap(), off: decoded.off }, shared);
        }
    }

    #[test]
    fn compresses_repetitive_yaml() {
        let text = "apiVersion: v1\nkind: Pod\n".repeat(500);
        let shared = Shared { text, level: PssLevel::Restricted, off: vec![] };
        assert!(encode(&shared).len() < 400);
    }

    #[test]
    fn a_bad_level_keeps_the_content() {
        let good = fragment_with(b"kind: Pod\n").replace("level=baseline", "level=root");
        let decoded = decode(&good, LIMIT).unwrap();
        assert_eq!(decoded.text.as_deref(), Some("kind: Pod\n"));
        assert_eq!(decoded.level, None);
        assert!(decoded.problems[0].contains("“root” is neither"), "{:?}", decoded.problems);
    }

    #[test]
    fn broken_links_say_why_and_keep_the_rest() {
        let truncated = fragment_with("kind: Pod\n".repeat(50).as_bytes());
        let truncated = &truncated[..truncated.len() - 8];
        let latin1 = fragment_with(b"name: caf\xe9\n");
        let cases: [(&str, &str); 6] = [
            ("yaml=!!!", "not valid base64url"),
            ("level=baseline&junk&yaml=", "“junk” is not a key=value pair"),
            (truncated, "damaged or cut off"),
            (&latin1, "not UTF-8"),
            ("level=baseline", "no content"),
            ("x", "no content"),
        ];
        for (fragment, why) in cases {
            let decoded = decode(fragment, LIMIT).unwrap();
            assert!(decoded.problems.iter().any(|p| p.contains(why)), "{fragment}: {:?}", decoded.problems);
            if fragment.starts_with("level=baseline") {
                assert_eq!(decoded.level, Some(PssLevel::Baseline), "{fragment}");
            }
        }
        assert!(decode("yaml=", LIMIT).unwrap().problems[0].contains("damaged"));
        assert_eq!(decode("", LIMIT), None);
        assert_eq!(decode("#", LIMIT), None);
    }

    #[test]
    fn a_deflate_bomb_stops_at_the_limit() {
        let bomb = fragment_with(&vec![b'a'; 4 * LIMIT]);
        assert!(bomb.len() < 8 * 1024, "{} bytes of link", bomb.len());
        let decoded = decode(&bomb, LIMIT).unwrap();
        assert_eq!(decoded.text, None);
        assert!(decoded.problems[0].contains("more than 1 MB"), "{:?}", decoded.problems);
    }

    #[test]
    fn long_garbage_is_quoted_briefly() {
        let decoded = decode(&"z".repeat(10_000), LIMIT).unwrap();
        assert!(decoded.problems[0].chars().count() < 80, "{}", decoded.problems[0]);
    }
}

//! Share links: the editor's content and settings, deflated and base64url
//! encoded into the URL fragment, which browsers never send to a server.

use crate::rules::PssLevel;

#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    pub text: String,
    pub level: PssLevel,
    /// Rule families switched off.
    pub off: Vec<String>,
}

/// Largest text a link restores, so a crafted link cannot exhaust memory.
const MAX_TEXT: usize = 32 * 1024 * 1024;

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

/// Reads a fragment (with or without `#`); `None` if it holds no content.
pub fn decode(fragment: &str) -> Option<Shared> {
    let mut shared = Shared { text: String::new(), level: PssLevel::Restricted, off: Vec::new() };
    let mut found = false;
    for pair in fragment.trim_start_matches('#').split('&') {
        let (key, value) = pair.split_once('=')?;
        match key {
            "level" => shared.level = PssLevel::parse(value)?,
            "off" => shared.off = value.split(',').filter(|f| !f.is_empty()).map(str::to_owned).collect(),
            "yaml" => {
                let packed = crate::base64::decode_url(value)?;
                let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_TEXT).ok()?;
                shared.text = String::from_utf8(bytes).ok()?;
                found = true;
            }
            _ => {}
        }
    }
    found.then_some(shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_text_and_settings() {
        for text in ["", "a", "ab", "abc", "kind: Pod\nmetadata:\n  name: é😀\n"] {
            let shared = Shared { text: text.into(), level: PssLevel::Baseline, off: vec!["pss".into()] };
            let fragment = encode(&shared);
            assert!(fragment.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_=&,".contains(&b)), "{fragment}");
            assert_eq!(decode(&format!("#{fragment}")), Some(shared));
        }
    }

    #[test]
    fn compresses_repetitive_yaml() {
        let text = "apiVersion: v1\nkind: Pod\n".repeat(500);
        let shared = Shared { text, level: PssLevel::Restricted, off: vec![] };
        assert!(encode(&shared).len() < 400);
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for fragment in ["", "#", "yaml=", "yaml=!!!", "yaml=A", "level=root&yaml=AAAA", "yaml=AAAAAAAA", "x"] {
            let _ = decode(fragment);
        }
        assert!(decode("level=baseline").is_none());
        assert!(decode("yaml=!!").is_none());
    }
}

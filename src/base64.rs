//! Base64 in the two forms Posture meets: the standard alphabet with padding
//! (keys in an EncryptionConfiguration, as Go's `StdEncoding` reads them) and
//! the URL-safe alphabet without padding (share links).

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// URL-safe, unpadded.
pub fn encode_url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(URL_SAFE[(n >> (18 - 6 * i)) as usize & 63] as char);
        }
    }
    out
}

/// URL-safe, unpadded.
pub fn decode_url(text: &str) -> Option<Vec<u8>> {
    decode(text.as_bytes(), URL_SAFE)
}

/// Standard alphabet; padding required, as `base64.StdEncoding` wants.
pub fn decode_standard(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() % 4 != 0 {
        return None;
    }
    let pad = bytes.iter().rev().take_while(|&&c| c == b'=').count();
    if pad > 2 {
        return None;
    }
    decode(&bytes[..bytes.len() - pad], STANDARD)
}

/// Unpadded input in `alphabet`; `None` on any other byte or a lone
/// trailing character.
fn decode(bytes: &[u8], alphabet: &[u8; 64]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= (alphabet.iter().position(|&a| a == c)? as u32) << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_base64_as_go_reads_it() {
        assert_eq!(decode_standard("c2VjcmV0IGlzIHNlY3VyZQ==").unwrap(), b"secret is secure");
        assert_eq!(decode_standard("YWJj").unwrap(), b"abc");
        assert_eq!(decode_standard("YWI=").unwrap(), b"ab");
        for bad in ["YWJ", "YW=j", "!!!!", "", "Y===", "YWJj-_=="] {
            assert!(decode_standard(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn url_safe_round_trip() {
        for data in [&b""[..], b"a", b"ab", b"abc", b"\xff\xfe\xfd\xfc"] {
            assert_eq!(decode_url(&encode_url(data)).unwrap(), data);
        }
        assert!(decode_url("A").is_none());
        assert!(decode_url("A+").is_none());
    }
}

//! JSON read by hand into a tree of values. The playground reads all its
//! JSON through this (reports, the registry and lessons from the engine
//! module, what it keeps in storage): serde's code for each type it read
//! was a tenth of the playground's wasm, and slower to run than this. The
//! reports are written by hand too (`crate::report::JsonWriter`).

use std::borrow::Cow;

/// A JSON value; strings borrow from the text unless they hold escapes.
#[derive(Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// As written: reports only hold whole numbers, read on demand.
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    /// Members in the order written (objects here have a few keys: a
    /// lookup is a short scan).
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

/// Values nested deeper (the outermost is at depth 1) are refused rather
/// than risking the stack.
const MAX_DEPTH: usize = 128;

/// Reads a whole JSON text.
pub fn parse(text: &str) -> Result<Value<'_>, String> {
    let mut reader = Reader { text, at: 0 };
    let value = reader.value(0)?;
    reader.space();
    if reader.at < text.len() {
        return Err(reader.error("text after the value"));
    }
    Ok(value)
}

impl<'a> Value<'a> {
    /// An object's member (`None` for a missing key, or if this is not an
    /// object); of a key written twice, the last, as `JSON.parse` reads it.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A whole number that is not negative.
    pub fn as_usize(&self) -> Option<usize> {
        match self {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value<'a>]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Takes the items out.
    pub fn into_array(self) -> Option<Vec<Value<'a>>> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Takes a string out, owned.
    pub fn into_string(self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.into_owned()),
            _ => None,
        }
    }
}

/// Reading an object's members, each required unless said otherwise, with
/// errors that name the missing or mistyped field.
pub struct Fields<'v, 'a>(pub &'v Value<'a>, pub &'static str);

impl<'v, 'a> Fields<'v, 'a> {
    pub fn of(value: &'v Value<'a>, what: &'static str) -> Result<Self, String> {
        match value {
            Value::Object(_) => Ok(Fields(value, what)),
            _ => Err(format!("{what} is not an object")),
        }
    }

    fn wrong(&self, key: &str, kind: &str) -> String {
        format!("{}: `{key}` is missing or not {kind}", self.1)
    }

    pub fn value(&self, key: &str) -> Result<&'v Value<'a>, String> {
        self.0.get(key).ok_or_else(|| self.wrong(key, "there"))
    }

    pub fn str(&self, key: &str) -> Result<&'v str, String> {
        self.0.get(key).and_then(Value::as_str).ok_or_else(|| self.wrong(key, "a string"))
    }

    pub fn string(&self, key: &str) -> Result<String, String> {
        self.str(key).map(str::to_owned)
    }

    /// A string, or nothing (missing or null).
    pub fn opt_string(&self, key: &str) -> Result<Option<String>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_str().map(|s| Some(s.to_owned())).ok_or_else(|| self.wrong(key, "a string")),
        }
    }

    pub fn usize(&self, key: &str) -> Result<usize, String> {
        self.0.get(key).and_then(Value::as_usize).ok_or_else(|| self.wrong(key, "a whole number"))
    }

    pub fn bool(&self, key: &str) -> Result<bool, String> {
        self.0.get(key).and_then(Value::as_bool).ok_or_else(|| self.wrong(key, "true or false"))
    }

    pub fn array(&self, key: &str) -> Result<&'v [Value<'a>], String> {
        self.0.get(key).and_then(Value::as_array).ok_or_else(|| self.wrong(key, "an array"))
    }

    /// Each member of the array at `key`, read as an object (`what`, in
    /// errors) by `read`.
    pub fn objects<T>(
        &self,
        key: &str,
        what: &'static str,
        mut read: impl FnMut(Fields<'v, 'a>) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        self.array(key)?.iter().map(|v| read(Fields::of(v, what)?)).collect()
    }

    /// An array of strings.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, String> {
        self.array(key)?
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| self.wrong(key, "an array of strings")))
            .collect()
    }

    /// A member that may be missing or null.
    pub fn opt(&self, key: &str) -> Option<&'v Value<'a>> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// A string naming one of `T`'s values, looked up with `parse`.
    pub fn name<T>(&self, key: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T, String> {
        let name = self.str(key)?;
        parse(name).ok_or_else(|| format!("{}: `{key}` has an unknown value “{name}”", self.1))
    }
}

/// JSON text for a string (quotes and escapes), as `JSON.stringify` writes it.
pub fn quote(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    crate::report::json_string(&mut out, s);
    // Escaping keeps UTF-8 whole.
    String::from_utf8(out).unwrap_or_default()
}

struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, what: &str) -> String {
        format!("not valid JSON at byte {}: {what}", self.at)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        self.space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", byte as char)))
        }
    }

    fn word(&mut self, word: &str, value: Value<'a>) -> Result<Value<'a>, String> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value<'a>, String> {
        if depth >= MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.space();
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                self.space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Value::Object(members));
                }
                loop {
                    self.space();
                    let key = self.string()?;
                    self.expect(b':')?;
                    members.push((key, self.value(depth + 1)?));
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Value::Object(members));
                        }
                        _ => return Err(self.error("expected `,` or `}`")),
                    }
                }
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Value::Array(items));
                        }
                        _ => return Err(self.error("expected `,` or `]`")),
                    }
                }
            }
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error("expected a value")),
        }
    }

    fn number(&mut self) -> Result<Value<'a>, String> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        let digits = |at: &mut usize| {
            let from = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at > from
        };
        let mut at = self.at;
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        // JSON's integer part: 0, or digits not starting with 0.
        let leading_zero = bytes.get(at) == Some(&b'0') && bytes.get(at + 1).is_some_and(u8::is_ascii_digit);
        let mut ok = digits(&mut at) && !leading_zero;
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            ok &= digits(&mut at);
        }
        if let Some(b'e' | b'E') = bytes.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = bytes.get(at) {
                at += 1;
            }
            ok &= digits(&mut at);
        }
        if !ok {
            return Err(self.error("a malformed number"));
        }
        self.at = at;
        Ok(Value::Number(&self.text[start..at]))
    }

    /// A string at the reader (its opening quote included).
    fn string(&mut self) -> Result<Cow<'a, str>, String> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string"));
        }
        self.at += 1;
        let bytes = self.text.as_bytes();
        let start = self.at;
        // The usual case: no escapes, borrowed as is.
        while let Some(&b) = bytes.get(self.at) {
            match b {
                b'"' => {
                    self.at += 1;
                    return Ok(Cow::Borrowed(&self.text[start..self.at - 1]));
                }
                b'\\' => break,
                0..=0x1f => return Err(self.error("a control character in a string")),
                _ => self.at += 1,
            }
        }
        let mut out = String::from(&self.text[start..self.at]);
        loop {
            let Some(b) = self.peek() else { return Err(self.error("an unterminated string")) };
            match b {
                b'"' => {
                    self.at += 1;
                    return Ok(Cow::Owned(out));
                }
                b'\\' => {
                    self.at += 1;
                    let escaped = self.peek().ok_or_else(|| self.error("an unterminated string"))?;
                    self.at += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let first = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&first) && self.text[self.at..].starts_with("\\u") {
                                self.at += 2;
                                let second = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&second) {
                                    return Err(self.error("a lone surrogate"));
                                }
                                0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
                            } else {
                                first
                            };
                            out.push(char::from_u32(code).ok_or_else(|| self.error("a lone surrogate"))?);
                        }
                        _ => return Err(self.error("an unknown escape")),
                    }
                }
                0..=0x1f => return Err(self.error("a control character in a string")),
                _ => {
                    // A run of plain characters, copied at once.
                    let from = self.at;
                    while self.peek().is_some_and(|b| b != b'"' && b != b'\\' && b >= 0x20) {
                        self.at += 1;
                    }
                    out.push_str(&self.text[from..self.at]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self.text.get(self.at..self.at + 4).ok_or_else(|| self.error("a short \\u escape"))?;
        // Four hex digits exactly (`from_str_radix` would take a sign too).
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("a bad \\u escape"));
        }
        let code = u32::from_str_radix(digits, 16).map_err(|_| self.error("a bad \\u escape"))?;
        self.at += 4;
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_writes() {
        let text = serde_json::json!({
            "a": [1, -2, 3.5e2, true, false, null],
            "s": "plain",
            "e": "quote \" backslash \\ slash / \n\r\t\u{08}\u{0c} \u{01} é 😀 \u{2028}",
            "o": {},
            "l": []
        });
        for written in [text.to_string(), serde_json::to_string_pretty(&text).unwrap()] {
            let v = parse(&written).unwrap();
            let a = v.get("a").and_then(Value::as_array).unwrap();
            assert_eq!(a[0].as_usize(), Some(1));
            assert_eq!(a[1].as_usize(), None);
            assert_eq!(a[2], Value::Number("350.0"));
            assert_eq!((a[3].as_bool(), a[4].as_bool(), a[5].is_null()), (Some(true), Some(false), true));
            assert!(matches!(v.get("s"), Some(Value::String(Cow::Borrowed("plain")))));
            assert_eq!(v.get("e").and_then(Value::as_str), text["e"].as_str());
            assert_eq!(v.get("o"), Some(&Value::Object(vec![])));
            assert_eq!(v.get("l"), Some(&Value::Array(vec![])));
        }
        assert_eq!(parse(r#""\ud83d\ude00 \u00e9""#).unwrap().as_str(), Some("😀 é"));
    }

    #[test]
    fn quotes_as_json_does() {
        let s = "a \"b\" \\ \n\t\u{01}\u{1f} é 😀";
        assert_eq!(quote(s), serde_json::to_string(s).unwrap());
        assert_eq!(parse(&quote(s)).unwrap().as_str(), Some(s));
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "\"open",
            "\"\\x\"",
            "\"\\ud800\"",
            "tru",
            "1 2",
            "-",
            "1.",
            "\"a\u{01}\"",
            "{\"a\":1,}",
            "01",
            "-007",
            "\"\\u+041\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(&deep).unwrap_err().contains("deeply"));
        assert_eq!(parse("{\"a\":1,\"a\":2}").unwrap().get("a").and_then(Value::as_usize), Some(2));
        assert!(parse("0").is_ok() && parse("-0.5").is_ok() && parse("10").is_ok());
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&fine).is_ok());
    }
}

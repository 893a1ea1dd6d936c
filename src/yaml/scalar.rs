//! What a scalar means to Kubernetes.
//!
//! The API server and kubectl decode YAML with `sigs.k8s.io/yaml`, which uses
//! go-yaml v2 (YAML 1.1 resolution) and then converts the result to JSON. So
//! `yes`, `on` and `Y` are booleans, `0755` is octal, `1e3` is a number, and
//! timestamps stay strings. This module reproduces that `resolve` table.

use std::borrow::Cow;

use super::node::Value;

/// An explicit tag from the core schema (`!!str`, `!!int`, ...). Other tags
/// (`!custom`) leave a scalar a string, as in go-yaml v2.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CoreTag {
    Str,
    Bool,
    Int,
    Float,
    Null,
    Merge,
    /// `!!binary`, `!!timestamp`, and tags that do not constrain a scalar.
    Other,
}

impl CoreTag {
    pub fn from_suffix(suffix: &str) -> CoreTag {
        match suffix {
            "str" => CoreTag::Str,
            "bool" => CoreTag::Bool,
            "int" => CoreTag::Int,
            "float" => CoreTag::Float,
            "null" => CoreTag::Null,
            "merge" => CoreTag::Merge,
            _ => CoreTag::Other,
        }
    }
}

/// Resolves a scalar's text. `plain` is false for quoted and block scalars,
/// which are strings unless a tag says otherwise.
///
/// Inlined up to the tag's test (always, natively): most scalars have none
/// (and the block scanner's never do), and their way is a few tests.
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
#[cfg_attr(target_arch = "wasm32", inline)]
pub fn resolve(text: Cow<str>, plain: bool, tag: Option<CoreTag>) -> Result<Value, String> {
    let Some(tag) = tag else {
        return Ok(match plain.then(|| implicit(&text)).flatten() {
            Some(value) => value,
            None => Value::Str(text.into()),
        });
    };
    tagged(text, tag)
}

/// [`resolve`] with a tag.
fn tagged(text: Cow<str>, tag: CoreTag) -> Result<Value, String> {
    let tag = Some(tag);
    let value = match tag {
        Some(CoreTag::Str | CoreTag::Other) => return Ok(Value::Str(text.into())),
        _ => implicit(&text).unwrap_or_else(|| Value::Str(text.as_ref().into())),
    };
    let fits = matches!(
        (tag, &value),
        (Some(CoreTag::Merge), _)
            | (Some(CoreTag::Bool), Value::Bool(_))
            | (Some(CoreTag::Int), Value::Int(_))
            | (Some(CoreTag::Float), Value::Int(_) | Value::Float(_))
            | (Some(CoreTag::Null), Value::Null)
    );
    if !fits {
        return Err(format!("cannot decode {text:?} as the tagged type {tag:?}"));
    }
    Ok(match (tag, value) {
        (Some(CoreTag::Float), Value::Int(i)) => Value::Float(i as f64),
        (_, value) => value,
    })
}

/// Whether a plain scalar with this text is a string (not a null, boolean
/// or number) under the resolve table.
pub fn plain_is_str(text: &str) -> bool {
    implicit(text).is_none()
}

/// What a plain scalar's text resolves to; `None` for a string (left to the
/// caller, which may not need a copy of the text).
///
/// Inlined in its callers up to the first byte's test: most scalars (keys,
/// names, images) start with a byte that starts no number, or are longer
/// than every word below: strings, told without a call or the comparisons
/// (this runs on every plain key and value).
#[inline]
pub fn implicit(text: &str) -> Option<Value> {
    if let Some(&first) = text.as_bytes().first() {
        let word = matches!(first, b'~' | b'n' | b'N' | b'y' | b'Y' | b't' | b'T' | b'o' | b'O' | b'f' | b'F');
        let number = matches!(first, b'.' | b'+' | b'-' | b'0'..=b'9');
        let may_resolve = number || (word && text.len() <= 5);
        if !may_resolve {
            return None;
        }
    }
    resolve_table(text)
}

/// [`implicit`] past the first byte's test.
#[inline(never)]
fn resolve_table(text: &str) -> Option<Value> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Some(Value::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Some(Value::Bool(false))
        }
        ".nan" | ".NaN" | ".NAN" => return Some(Value::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(Value::Float(f64::INFINITY)),
        "-.inf" | "-.Inf" | "-.INF" => return Some(Value::Float(f64::NEG_INFINITY)),
        _ => {}
    }
    match text.as_bytes()[0] {
        b'.' => leading_dot_float(text),
        b'+' | b'-' | b'0'..=b'9' => number(text),
        _ => None,
    }
}

/// go-yaml's 'D'/'S' branch: Go's `ParseInt(s, 0, 64)` on the text without
/// underscores, then `ParseUint`, then a YAML-style float, then `0b` binary.
fn number(text: &str) -> Option<Value> {
    // Copied only when there is something to take out (rarely).
    let plain: Cow<str> = if text.contains('_') { text.replace('_', "").into() } else { text.into() };
    if let Some(i) = go_parse_int(&plain) {
        return Some(match i64::try_from(i) {
            Ok(i) => Value::Int(i),
            // ParseUint territory: kept as a float, the closest JSON number.
            Err(_) => Value::Float(i as f64),
        });
    }
    if is_yaml_float(&plain) {
        return super::float::parse(&plain).map(Value::Float);
    }
    None
}

/// Go's `strconv.ParseInt(s, 0, 64)` (and `ParseUint` for the positive range
/// beyond it): sign, then `0x`, `0o`, `0b` or a leading `0` for octal.
fn go_parse_int(s: &str) -> Option<i128> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower: Cow<str> =
        if digits.bytes().any(|b| b.is_ascii_uppercase()) { digits.to_ascii_lowercase().into() } else { digits.into() };
    let (radix, body) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, &*lower)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    let fits = if negative { value >= i64::MIN as i128 } else { value <= u64::MAX as i128 };
    fits.then_some(value)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// go-yaml's '.' branch: Go's `ParseFloat` on text such as `.5` or `.5e3`.
fn leading_dot_float(text: &str) -> Option<Value> {
    is_yaml_float(text).then(|| super::float::parse(text)).flatten().map(Value::Float)
}

/// How `sigs.k8s.io/yaml` turns a resolved key into a JSON object key.
pub fn key_string(value: Value) -> Result<String, String> {
    match value {
        Value::Str(s) => Ok(s.into()),
        Value::Int(i) => Ok(i.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Float(f) if f.is_nan() => Ok(".nan".into()),
        Value::Float(f) if f.is_infinite() => Ok(if f > 0.0 { ".inf" } else { "-.inf" }.into()),
        // Go formats float keys with FormatFloat(f, 'g', -1, 32).
        Value::Float(f) => Ok(super::float::display_f32(f as f32)),
        Value::Null => Err("a mapping key cannot be null".into()),
        Value::Seq(_) | Value::Map(_) => Err("a mapping key must be a scalar".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Value {
        resolve(s.into(), true, None).unwrap()
    }

    #[test]
    fn yaml_1_1_booleans_as_kubernetes_reads_them() {
        for t in ["yes", "Yes", "on", "ON", "y", "Y", "true", "True"] {
            assert_eq!(plain(t), Value::Bool(true), "{t}");
        }
        for f in ["no", "off", "N", "n", "FALSE"] {
            assert_eq!(plain(f), Value::Bool(false), "{f}");
        }
        assert_eq!(plain("yES"), Value::Str("yES".into()));
        assert_eq!(resolve("yes".into(), false, None).unwrap(), Value::Str("yes".into()));
    }

    #[test]
    fn integers_in_go_bases() {
        assert_eq!(plain("0"), Value::Int(0));
        assert_eq!(plain("0755"), Value::Int(0o755));
        assert_eq!(plain("0o17"), Value::Int(15));
        assert_eq!(plain("0x1F"), Value::Int(31));
        assert_eq!(plain("-0b101"), Value::Int(-5));
        assert_eq!(plain("1_000"), Value::Int(1000));
        assert_eq!(plain("+7"), Value::Int(7));
        assert_eq!(plain("-0"), Value::Int(0));
    }

    #[test]
    fn floats_and_things_that_only_look_numeric() {
        assert_eq!(plain("1e3"), Value::Float(1000.0));
        assert_eq!(plain("08"), Value::Float(8.0));
        assert_eq!(plain(".5"), Value::Float(0.5));
        assert_eq!(plain("1.2.3"), Value::Str("1.2.3".into()));
        assert_eq!(plain("2001-12-14"), Value::Str("2001-12-14".into()));
        assert_eq!(plain("0x"), Value::Str("0x".into()));
        assert_eq!(plain("-"), Value::Str("-".into()));
    }

    #[test]
    fn nulls() {
        for n in ["", "~", "null", "NULL"] {
            assert_eq!(plain(n), Value::Null);
        }
    }

    #[test]
    fn explicit_tags() {
        assert_eq!(resolve("5".into(), true, Some(CoreTag::Str)).unwrap(), Value::Str("5".into()));
        assert_eq!(resolve("5".into(), false, Some(CoreTag::Int)).unwrap(), Value::Int(5));
        assert_eq!(resolve("yes".into(), false, Some(CoreTag::Bool)).unwrap(), Value::Bool(true));
        assert!(resolve("abc".into(), true, Some(CoreTag::Int)).is_err());
        assert_eq!(resolve("3".into(), true, Some(CoreTag::Other)).unwrap(), Value::Str("3".into()));
    }

    #[test]
    fn keys_become_json_strings() {
        assert_eq!(key_string(plain("on")).unwrap(), "true");
        assert_eq!(key_string(plain("010")).unwrap(), "8");
        assert_eq!(key_string(plain("1.5")).unwrap(), "1.5");
        assert!(key_string(Value::Null).is_err());
    }
}

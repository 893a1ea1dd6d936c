//! The module's `options` object, read into the engine's options. The same
//! choices as the CLI's flags, with the same defaults and limits; anything
//! the CLI would refuse (a bad value, a name that names no rule) and any
//! option the module does not know throws a TypeError naming it.

use js_sys::{Array, Object, Reflect, TypeError};
use posture::rules::kubernetes_version::KubernetesVersion;
use posture::rules::standards::PolicyVersion;
use posture::rules::PssLevel;
use posture::Options;
use wasm_bindgen::{JsCast, JsValue};

/// The engine's options and the name findings carry as their `file`.
pub struct Parsed {
    pub options: Options,
    pub file: String,
}

/// Every option, as `types.d.ts` declares them.
const KNOWN: &str = "pssLevel, pssVersion, kubernetesVersion, select, ignore, allowedRegistries, fileName";

/// Reads `options` (undefined and null mean every default).
pub fn parse(options: Option<&Object>) -> Result<Parsed, JsValue> {
    let mut parsed = Parsed { options: Options::default(), file: "input.yaml".to_owned() };
    let Some(object) = options.filter(|o| !o.is_null() && !o.is_undefined()) else { return Ok(parsed) };
    if !object.is_object() || Array::is_array(object) {
        return Err(type_error("options must be an object"));
    }
    let options = &mut parsed.options;
    for key in Object::keys(object).iter() {
        let name = key.as_string().unwrap_or_default();
        let value = Reflect::get(object, &key)?;
        if value.is_undefined() {
            continue;
        }
        let bad = |expected: &str| type_error(&format!("options.{name} must be {expected}"));
        match name.as_str() {
            "pssLevel" => {
                options.pss_level = value
                    .as_string()
                    .and_then(|s| PssLevel::parse(&s))
                    .ok_or_else(|| bad("'baseline' or 'restricted'"))?
            }
            "pssVersion" => {
                options.pss_version = value.as_string().and_then(|s| PolicyVersion::parse(&s)).ok_or_else(|| {
                    bad(&format!("'latest' or a Pod Security policy version 'v1.0' to 'v1.{}'", PolicyVersion::NEWEST))
                })?
            }
            "kubernetesVersion" => {
                options.kubernetes_version =
                    value.as_string().and_then(|s| KubernetesVersion::parse(&s)).ok_or_else(|| {
                        bad(&format!(
                            "'latest' or a Kubernetes version '1.{}' to '{}'",
                            KubernetesVersion::OLDEST.0,
                            KubernetesVersion::LATEST
                        ))
                    })?
            }
            "select" => options.select = strings(&value).ok_or_else(|| bad("an array of rule ids or families"))?,
            "ignore" => options.ignore = strings(&value).ok_or_else(|| bad("an array of rule ids or families"))?,
            "allowedRegistries" => {
                options.allowed_registries = strings(&value).ok_or_else(|| bad("an array of registries"))?
            }
            "fileName" => parsed.file = value.as_string().ok_or_else(|| bad("a string"))?,
            _ => return Err(type_error(&format!("unknown option {name:?} (the options are {KNOWN})"))),
        }
    }
    // As the CLI refuses them: a name that matches no rule is likely a typo.
    let unknown = options.unknown_names();
    for (option, names) in [("select", &options.select), ("ignore", &options.ignore)] {
        let bad: Vec<&str> = names.iter().map(String::as_str).filter(|n| unknown.contains(n)).collect();
        if !bad.is_empty() {
            return Err(type_error(&format!(
                "options.{option}: {} names no rule or family (a rule is named by its exact id)",
                bad.join(", ")
            )));
        }
    }
    Ok(parsed)
}

fn strings(value: &JsValue) -> Option<Vec<String>> {
    value.dyn_ref::<Array>()?.iter().map(|item| item.as_string()).collect()
}

fn type_error(message: &str) -> JsValue {
    TypeError::new(message).into()
}

//! `fix(text, options, select)`: the engine's verifying apply
//! (`posture::fix::fix_selected`, as `posture fix` uses) on one text, for
//! the playground's "Apply fix" and "Fix all safe". The text changes only
//! when the fixed findings are gone, no finding appeared, and every document
//! still parses and holds the same objects; otherwise `refused` says why.

use js_sys::{Array, Object, Reflect};
use posture::engine::{self, Input};
use posture::fix::{fix_selected, Applicability, Fix, FixState, Mode};
use posture::rules::Severity;
use posture::Finding;
use wasm_bindgen::prelude::*;

use super::options;

/// Applies the fixes `select` names to `text` and returns
/// `{ text, changed, applied, refused }` (see `types.d.ts`).
#[wasm_bindgen(skip_typescript)]
pub fn fix(text: &str, options: Option<Object>, select: Option<Object>) -> Result<JsValue, JsValue> {
    let options::Parsed { options, file } = options::parse(options.as_ref())?;
    let select = select.unwrap_or_default();
    let get = |key: &str| Reflect::get(&select, &key.into()).ok().filter(|v| !v.is_undefined() && !v.is_null());
    let strings = |key: &str| -> Vec<String> {
        get(key).map(|v| Array::from(&v).iter().filter_map(|s| s.as_string()).collect()).unwrap_or_default()
    };
    let input = Input { file: &file, text: text.as_bytes() };
    let result = match get("finding").and_then(|v| v.as_f64()) {
        // One finding of the text's report, picked again in every round by
        // what it is (its rule, object, message and edits), not by place.
        Some(index) => {
            let report = engine::check(&file, text.as_bytes(), &options);
            // The finding the caller saw there, if it says (`rule`, `message`):
            // with other options the same index is another finding.
            let (rule, message) = (get("rule").and_then(|v| v.as_string()), get("message").and_then(|v| v.as_string()));
            let target = (index.fract() == 0.0 && index >= 0.0)
                .then(|| report.findings.get(index as usize))
                .flatten()
                .filter(|t| {
                    rule.as_ref().is_none_or(|r| r == t.rule.id) && message.as_ref().is_none_or(|m| *m == t.message)
                });
            let Some((target, edits)) = target.and_then(|t| match &t.fix {
                Some(FixState::Ready(fix)) => Some((t, fix.edits.clone())),
                _ => None,
            }) else {
                return Ok(outcome(
                    text,
                    false,
                    &[],
                    Some("that finding has no fix (the findings changed; check again)"),
                ));
            };
            fix_selected(&[input], &options, Mode::default(), |f, fix| same_finding(f, target) && fix.edits == edits)
        }
        // Every safe fix of the findings not hidden by severity or family.
        None => {
            let (severities, families) = (strings("hiddenSeverities"), strings("hiddenFamilies"));
            let shown = |f: &Finding| {
                !severities.iter().any(|s| Severity::parse(s) == Some(f.severity))
                    && !families.iter().any(|family| family == f.rule.family.id())
            };
            fix_selected(&[input], &options, Mode::default(), |f, fix: &Fix| {
                fix.applicability == Applicability::Safe && shown(f)
            })
        }
    };
    let Some(result) = result.into_iter().next() else { return Ok(outcome(text, false, &[], Some("nothing to fix"))) };
    let fixed = String::from_utf8(result.text).ok();
    let rules: Vec<&str> = result.applied.iter().map(|item| item.rule).collect();
    Ok(match (&result.refused, fixed) {
        (None, Some(fixed)) => outcome(&fixed, result.changed, &rules, None),
        (Some(reason), _) => outcome(text, false, &[], Some(reason)),
        (None, None) => outcome(text, false, &[], Some("the fixed text would not be valid UTF-8")),
    })
}

fn same_finding(a: &Finding, b: &Finding) -> bool {
    a.rule.id == b.rule.id && a.document == b.document && a.object == b.object && a.message == b.message
}

fn outcome(text: &str, changed: bool, applied: &[&str], refused: Option<&str>) -> JsValue {
    let object = Object::new();
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&object, &key.into(), &value);
    };
    set("text", text.into());
    set("changed", changed.into());
    set("applied", applied.iter().map(|r| JsValue::from_str(r)).collect::<Array>().into());
    set("refused", refused.map_or(JsValue::NULL, JsValue::from_str));
    object.into()
}

//! The playground's own exports besides fixes and lessons: `render` (its
//! downloads) and `Checker.packedChanges` (its page's answers). Only in the
//! `playground` build (js/playground/), not in the public module.

use js_sys::{Object, TypeError, Uint8Array};
use posture::engine;
use posture::playground::packed;
use posture::report;
use wasm_bindgen::prelude::*;

use super::{json_part, options, set, JsChecker};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("playground.d.ts");

/// The report of `text` as a file in `format` (`'json'` or `'sarif'`),
/// exactly as `posture check --format <format>` writes it.
#[wasm_bindgen(skip_typescript)]
pub fn render(text: &str, options: Option<Object>, format: &str) -> Result<String, JsValue> {
    let options::Parsed { options, file } = options::parse(options.as_ref())?;
    let report = engine::check(&file, text.as_bytes(), &options);
    match format {
        "json" => Ok(report::to_json(&report)),
        "sarif" => Ok(report::to_sarif(&report)),
        _ => Err(TypeError::new(&format!("render: unknown format {format:?} (expected 'json' or 'sarif')")).into()),
    }
}

#[wasm_bindgen(js_class = Checker)]
impl JsChecker {
    /// `changes()` for the playground's page, which reads the new findings
    /// packed ([`posture::playground::packed`]) rather than as JSON: the
    /// same `{ hunks, moved, shift }`, with `report` (the report's JSON
    /// without findings) and `findings` (a `Uint8Array` the worker transfers).
    #[wasm_bindgen(js_name = packedChanges)]
    pub fn packed_changes(&mut self) -> JsValue {
        self.answer(|report, added, object| {
            let mut writer = packed::Writer::default();
            for finding in added {
                writer.finding(finding);
            }
            set(object, "report", json_part(report, &[], true));
            set(object, "findings", Uint8Array::from(&writer.finish()[..]).into());
        })
    }
}

//! The engine as a JavaScript module (wasm-bindgen's `web` target): `check`,
//! `rules`, the incremental `Checker`, and `version` (added by the build:
//! `cargo xtask module`); with the `playground` feature, also what only the
//! playground uses (`fix`, `render`, lessons, `Checker.packedChanges`).
//! Reports are the CLI's JSON, written by the same code
//! (`posture::report::write_json`) and parsed by the JavaScript engine, so
//! the module and `posture check --format json` cannot drift apart.
//!
//! The types the bindings return are declared by hand in `types.d.ts`
//! (wasm-bindgen would only say `any`), the playground's in `playground.d.ts`.
#![cfg(target_arch = "wasm32")]

mod options;
// What only the playground uses (the `playground` feature: js/playground/).
#[cfg(feature = "playground")]
mod fix;
#[cfg(feature = "playground")]
mod lesson;
#[cfg(feature = "playground")]
mod playground;

use js_sys::{Array, Object, RangeError, Reflect, JSON};
use posture::engine::{self, Input};
use posture::playground::changes::{self, Shift};
use posture::report::{self, Finding, Layout};
use posture::yaml::LineStarts;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

/// Checks `text` as one input (named by `options.fileName`) and returns the
/// report, exactly as `posture check --format json` prints it.
#[wasm_bindgen(skip_typescript)]
pub fn check(text: &str, options: Option<Object>) -> Result<JsValue, JsValue> {
    let options::Parsed { options, file } = options::parse(options.as_ref())?;
    Ok(to_js(&engine::check(&file, text.as_bytes(), &options)))
}

/// The registry, exactly as `posture rules --format json` prints it.
#[wasm_bindgen(skip_typescript)]
pub fn rules() -> JsValue {
    to_js_from(|out| report::write_rules(Layout::Compact, out))
}

/// One text checked again and again as it is edited: edits use the UTF-16
/// offsets JavaScript strings and textareas use; each `check()` parses again
/// only the documents the edits since the last one touched.
#[wasm_bindgen(js_name = Checker, skip_typescript)]
pub struct JsChecker {
    inner: engine::Checker,
    file: String,
    /// The current text's lines, moved with each edit (rather than found
    /// again in the whole text) to map UTF-16 offsets to bytes.
    lines: LineStarts,
    /// What the last `changes()` answered: its findings (moved with the
    /// text since, as the caller's are), and the text's length in bytes,
    /// its lines and its documents then.
    answered: Vec<Finding>,
    answered_at: (usize, usize, usize),
    /// The engine's last report is the one `changes()` answered last: the
    /// engine can tell the next change itself (see `changes::from_engine`).
    answered_last: bool,
}

/// Findings in each piece of a `changes()` answer: a page reads one piece
/// at a time (about 30 ms each on a fast machine) and yields between them.
const PIECE: usize = 2000;

#[wasm_bindgen(js_class = Checker)]
impl JsChecker {
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<Object>) -> Result<JsChecker, JsValue> {
        let options::Parsed { options, file } = options::parse(options.as_ref())?;
        let mut checker = JsChecker {
            inner: engine::Checker::new(options),
            file,
            lines: LineStarts::new(b""),
            answered: Vec::new(),
            answered_at: (0, 1, 0),
            answered_last: false,
        };
        checker.set_text("");
        Ok(checker)
    }

    /// Replaces the whole text (not checked until `check()`).
    #[wasm_bindgen(js_name = setText)]
    pub fn set_text(&mut self, text: &str) {
        self.inner.set(&[Input { file: &self.file, text: text.as_bytes() }]);
        self.lines = LineStarts::new(text.as_bytes());
        self.answered_last = false;
    }

    /// Replaces the UTF-16 range `start..end` of the current text with
    /// `text` (not checked until `check()`). A range that is not within the
    /// text, or splits a surrogate pair, throws a RangeError and changes nothing.
    pub fn edit(&mut self, start: f64, end: f64, text: &str) -> Result<(), JsValue> {
        let (current, lines) = (self.text(), &self.lines);
        let length = lines.utf16_of(current, current.len());
        let whole = |n: f64| n.fract() == 0.0 && (0.0..=length as f64).contains(&n);
        // The offsets as JavaScript writes numbers (Rust's float formatting
        // would be linked for this message alone: 5 KB of wasm).
        let (start_text, end_text) = (js_number(start), js_number(end));
        if !whole(start) || !whole(end) || start > end {
            let message =
                format!("edit({start_text}, {end_text}): not a range within the text's {length} UTF-16 code units");
            return Err(RangeError::new(&message).into());
        }
        // An offset between the two halves of a surrogate pair has no byte
        // of its own: moving it would change text the caller did not touch.
        let byte =
            |units: usize| Some(lines.byte_of_utf16(current, units)).filter(|&b| lines.utf16_of(current, b) == units);
        let (Some(from), Some(to)) = (byte(start as usize), byte(end as usize)) else {
            let message =
                format!("edit({start_text}, {end_text}): an offset falls inside a surrogate pair (half a character)");
            return Err(RangeError::new(&message).into());
        };
        let range = from..to;
        self.inner.apply_edit(0, range.clone(), text.as_bytes());
        if let Some(edited) = self.inner.text(0) {
            self.lines.edit(edited, range, text.len());
        }
        Ok(())
    }

    /// The report of the current text: exactly `check(text, options)`.
    pub fn check(&mut self) -> JsValue {
        self.answered_last = false;
        to_js(self.inner.report())
    }

    /// The report of the current text as changes since the last
    /// `changes()` (the first: since an empty report), for a caller that
    /// keeps the findings and patches them (see `types.d.ts`):
    /// `{ hunks, moved, shift: { offset, line, document }, reports }`.
    pub fn changes(&mut self) -> JsValue {
        self.answer(|report, added, object| {
            // The first piece carries the rest of the report, even with no findings.
            let reports: Array = std::iter::once(&added[..added.len().min(PIECE)])
                .chain(added.chunks(PIECE).skip(1))
                .enumerate()
                .map(|(i, findings)| json_part(report, findings, i == 0))
                .collect();
            set(object, "reports", reports.into());
        })
    }
}

impl JsChecker {
    /// The change since the last answer, as `{ hunks, moved, shift }` and
    /// what `added` sets (the new findings, in order, and the report), the
    /// findings answered then moved on to the current ones.
    fn answer(&mut self, added: impl FnOnce(&posture::Report, &[&Finding], &Object)) -> JsValue {
        let at = (self.text().len(), self.lines.count());
        let (report, changed) = self.inner.report_and_changed();
        let (bytes, lines, documents) = self.answered_at;
        let shift = Shift {
            offset: at.0 as isize - bytes as isize,
            line: at.1 as i64 - lines as i64,
            document: report.documents as isize - documents as isize,
        };
        // The engine knows which findings it kept since its last report;
        // after any other report, the findings are compared.
        let told = changed.filter(|_| self.answered_last);
        let change = changes::told_or_compared(told, &self.answered, &report.findings, shift);
        let object = Object::new();
        let new: Vec<&Finding> = change.added().flat_map(|r| &report.findings[r]).collect();
        added(report, &new, &object);
        let documents = report.documents;
        // The change was made about these findings (compared with them, or
        // told by the engine about its last report, which they are), so it
        // fits them; if it ever did not, the copy is taken whole.
        if !changes::apply_in_place(&mut self.answered, &change, &report.findings) {
            self.answered = report.findings.clone();
        }
        self.answered_at = (at.0, at.1, documents);
        self.answered_last = true;
        let number = |n: usize| JsValue::from(n as f64);
        let hunks: Array =
            change.hunks.iter().map(|h| Array::of3(&number(h.start), &number(h.end), &number(h.added))).collect();
        let moved = Object::new();
        // The change's shift: the engine's may differ from the text's (after
        // several edits, the findings kept moved as the first edit moved them).
        set(&moved, "offset", (change.shift.offset as f64).into());
        set(&moved, "line", (change.shift.line as f64).into());
        set(&moved, "document", (change.shift.document as f64).into());
        set(&object, "hunks", hunks.into());
        set(&object, "moved", number(change.moved));
        set(&object, "shift", moved.into());
        object.into()
    }

    /// The current text: only whole UTF-8 text is ever put in, and edits
    /// fall on character boundaries. Not validated again: `edit` and every
    /// answer read it, and validating 10 MB took a keystroke about 3 ms each.
    fn text(&self) -> &str {
        let text = self.inner.text(0).unwrap_or_default();
        // SAFETY: the text is only ever set from a `&str` (`set_text`) and
        // edited by `edit`, which replaces a range between two character
        // boundaries (it refuses an offset inside a surrogate pair, and
        // `byte_of_utf16` maps every other offset to a boundary) with a `&str`.
        unsafe { std::str::from_utf8_unchecked(text) }
    }
}

/// The report as a JavaScript object, through the CLI's JSON writer.
fn to_js(report: &posture::Report) -> JsValue {
    to_js_from(|out| report::write_json(report, Layout::Compact, out))
}

/// `findings` as one piece of `report`'s JSON; the first (`whole`) also
/// carries the rest of the report.
fn json_part(report: &posture::Report, findings: &[&Finding], whole: bool) -> JsValue {
    let mut json = Vec::new();
    // Writing to memory does not fail.
    let _ = report::write_json_part(report, findings.iter().copied(), whole, Layout::Compact, &mut json);
    JsValue::from(String::from_utf8_lossy(&json).as_ref())
}

fn set(object: &Object, key: &str, value: JsValue) {
    // Setting a property on a plain new object does not fail.
    let _ = Reflect::set(object, &key.into(), &value);
}

/// `n` as `String(n)` writes it.
fn js_number(n: f64) -> String {
    js_sys::Number::from(n).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

/// What `write` writes to memory, as a JavaScript value.
fn to_js_from(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> JsValue {
    let mut json = Vec::new();
    // Writing to memory does not fail.
    let _ = write(&mut json);
    parse_json(&json)
}

fn parse_json(json: &[u8]) -> JsValue {
    // Our own writer's JSON always parses (and is UTF-8).
    JSON::parse(&String::from_utf8_lossy(json)).unwrap_or(JsValue::NULL)
}

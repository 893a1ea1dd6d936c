//! What the playground's lessons need of the engine besides checks, so that
//! its own wasm reads no YAML: a lesson file read (`readLesson`), and the
//! objects in a text (`objects`, for goals that keep an object). Not part of
//! the module's documented API (see README, "The JavaScript module").

use posture::lessons;
use wasm_bindgen::prelude::*;

use super::parse_json;

/// `{ lesson }` (the lesson, serialized as `posture::lessons::Lesson`), or
/// `{ errors }`: each problem of the file, with where it is.
#[wasm_bindgen(js_name = readLesson, skip_typescript)]
pub fn read_lesson(source: &str) -> JsValue {
    let json = match lessons::parse(source) {
        Ok(lesson) => serde_json::json!({ "lesson": lesson }),
        Err(errors) => serde_json::json!({ "errors": errors.iter().map(ToString::to_string).collect::<Vec<_>>() }),
    };
    parse_json(&json.to_string())
}

/// The objects in `text`, as findings name them.
#[wasm_bindgen(skip_typescript)]
pub fn objects(text: &str) -> JsValue {
    parse_json(&serde_json::to_string(&lessons::objects(text)).unwrap_or_default())
}

//! What the playground's lessons need of the engine besides checks, so that
//! its own wasm reads no YAML: a lesson file read (`readLesson`), and the
//! objects in a text (`objects`, for goals that keep an object). Not part of
//! the module's documented API (see README, "The JavaScript module").

use posture::lessons;
use posture::report::{JsonWriter, Layout};
use wasm_bindgen::prelude::*;

use super::to_js_from;

/// `{ lesson }` (the lesson, as `posture::lessons::Lesson::write_json`
/// writes it), or `{ errors }`: each problem of the file, with where it is.
#[wasm_bindgen(js_name = readLesson, skip_typescript)]
pub fn read_lesson(source: &str) -> JsValue {
    to_js_with(|json: &mut JsonWriter| {
        json.begin_object();
        match lessons::parse(source) {
            Ok(lesson) => {
                json.key("lesson");
                lesson.write_json(json);
            }
            Err(errors) => {
                let errors: Vec<String> = errors.iter().map(ToString::to_string).collect();
                json.field_strings("errors", errors.iter().map(String::as_str));
            }
        }
        json.end_object();
    })
}

/// The objects in `text`, as findings name them.
#[wasm_bindgen(skip_typescript)]
pub fn objects(text: &str) -> JsValue {
    to_js_with(|json: &mut JsonWriter| {
        json.begin_array();
        for object in lessons::objects(text) {
            posture::report::write_object_ref(json, &object);
        }
        json.end_array();
    })
}

/// What `write` writes, as a JavaScript value.
fn to_js_with(write: impl FnOnce(&mut JsonWriter)) -> JsValue {
    to_js_from(|out| {
        let mut writer = JsonWriter::new(out, Layout::Compact);
        write(&mut writer);
        writer.finish()
    })
}

//! Presenter mode (`?present`, or the toggle): large type and high contrast
//! for a projector, findings under the editor, only the controls a demo
//! needs. A class on the page's body, so the stylesheet does the work, and
//! on its root, whose font size the panel's rem-based sizes follow (a
//! `:root:has(body.present)` selector would have the browser look for the
//! class after every change to the page).

use wasm_bindgen::JsValue;

const CLASS: &str = "present";

pub fn on() -> bool {
    gloo::utils::document().body().is_some_and(|b| b.class_list().contains(CLASS))
}

/// On when the page's address asks for it (`?present`).
pub fn from_address() {
    let search = gloo::utils::window().location().search().unwrap_or_default();
    if search.trim_start_matches('?').split('&').any(|p| p == "present" || p.starts_with("present=")) {
        set(true);
    }
}

/// Turns presenter mode on or off, and keeps `?present` in the address so a
/// reload (or the link) keeps it.
pub fn set(present: bool) {
    let document = gloo::utils::document();
    let Some(body) = document.body() else { return };
    for element in [Some(body.into()), document.document_element()].into_iter().flatten() {
        let _ = if present { element.class_list().add_1(CLASS) } else { element.class_list().remove_1(CLASS) };
    }
    let window = gloo::utils::window();
    let location = window.location();
    let here = format!(
        "{}{}{}",
        location.pathname().unwrap_or_default(),
        if present { "?present" } else { "" },
        location.hash().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&here));
    }
    // The editor measures its lines again.
    if let Ok(event) = web_sys::Event::new("resize") {
        let _ = window.dispatch_event(&event);
    }
}

pub fn toggle() {
    set(!on());
}

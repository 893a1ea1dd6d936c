//! What the page opens with, and what it keeps for the next visit, in this
//! browser only: the user's own content, and apart from it the content of
//! the last share link opened, so that a link never overwrites the user's
//! work and the user can always get back to it. Nothing is written until
//! the content changes, and a value that cannot be read or written is
//! reported, never silently replaced.

use std::collections::BTreeSet;

use posture::playground::{share, MAX_KEPT};
use posture::rules::PssLevel;
use web_sys::Storage;

use super::examples::EXAMPLES;
use super::state::{families, Origin, State, Topic};

/// The user's own content.
const OWN: &str = "posture.text";
/// The content of the last share link opened, as edited since.
const LINK: &str = "posture.link";
/// `link` while a link's content is shown, so a reload shows it again.
const SHOWING: &str = "posture.showing";
const LEVEL: &str = "posture.level";

/// Content from a share link, else what was shown on the last visit, else
/// the first example.
pub fn initial_state() -> State {
    let stored_level = read(LEVEL).ok().flatten().and_then(|l| PssLevel::parse(&l)).unwrap_or(PssLevel::Restricted);
    let hash = gloo::utils::window().location().hash().unwrap_or_default();
    let Some(link) = share::decode(&hash, MAX_KEPT) else { return last_visit(stored_level) };
    // Once read, the link has done its work: without the fragment, a reload
    // shows the content as edited since rather than the link's again.
    clear_fragment();
    let level = link.level.unwrap_or(stored_level);
    let mut state = match &link.text {
        Some(text) => {
            let off = families().into_iter().filter(|f| link.off.iter().any(|o| o == f)).collect();
            let mut state = State::new(text, Origin::Link, level, off);
            // Kept at once, under its own key: the fragment is gone.
            state.revision = 1;
            state
        }
        None => State { level, ..last_visit(stored_level) },
    };
    if !link.problems.is_empty() {
        let what = if link.text.is_some() {
            "This share link was read only in part"
        } else {
            "This share link could not be read"
        };
        let kept = if link.text.is_some() { "" } else { " Your content is unchanged." };
        state.notice(Topic::Link, Some(format!("{what}: {}.{kept}", link.problems.join("; "))));
    }
    state
}

fn last_visit(level: PssLevel) -> State {
    if read(SHOWING).ok().flatten().as_deref() == Some("link") {
        if let Ok(Some(text)) = read(LINK) {
            return State::new(&text, Origin::Link, level, BTreeSet::new());
        }
    }
    let (text, notice) = own_content();
    let mut state = State::new(&text, Origin::Own, level, BTreeSet::new());
    state.notice(Topic::Saving, notice);
    state
}

/// Back from a link's content to the user's own, for this visit and the
/// next: the content (as [`own_content`]) and a notice if it cannot be read.
pub fn back_to_own() -> (String, Option<String>) {
    let _ = write(SHOWING, "own");
    own_content()
}

/// The user's own content (the first example if there is none), and a
/// notice if what was saved cannot be read.
fn own_content() -> (String, Option<String>) {
    match read(OWN) {
        Ok(Some(text)) => (text, None),
        Ok(None) => (EXAMPLES[0].yaml.to_owned(), None),
        Err(why) => (
            EXAMPLES[0].yaml.to_owned(),
            Some(format!(
                "Your saved content could not be read ({why}), so an example is shown; what was saved is left as it is until you change the content here."
            )),
        ),
    }
}

/// Keeps what is shown for the next visit; why not, when it cannot be kept.
pub fn save(text: &str, origin: Origin, level: PssLevel) -> Option<String> {
    // Storage has room for two texts of `MAX_KEPT`: what fails below that
    // is a storage full of other things, or off.
    let _ = write(LEVEL, level.name());
    if text.len() > MAX_KEPT {
        return Some(format!(
            "This content ({}) is more than this browser keeps ({}): a reload will show the last content that was kept.",
            megabytes(text.len()),
            megabytes(MAX_KEPT)
        ));
    }
    let (key, showing) = match origin {
        Origin::Own => (OWN, "own"),
        Origin::Link => (LINK, "link"),
    };
    // The content first: a failure leaves the old pair consistent.
    write(key, text).and_then(|()| write(SHOWING, showing)).err().map(|why| {
        format!("This content could not be kept in this browser ({why}): a reload will show the last content that was kept.")
    })
}

/// `1.5 MB`, rounded to tenths (in integers: formatting a float to a
/// precision links code of its own).
pub fn megabytes(bytes: usize) -> String {
    let tenths = (bytes as u64 * 10 + 512 * 1024) / (1024 * 1024);
    format!("{}.{} MB", tenths / 10, tenths % 10)
}

fn storage() -> Result<Storage, String> {
    match gloo::utils::window().local_storage() {
        Ok(Some(storage)) => Ok(storage),
        _ => Err("storage is turned off".to_owned()),
    }
}

/// A stored value (JSON-encoded, as earlier versions wrote it); `Ok(None)`
/// when there is none.
fn read(key: &str) -> Result<Option<String>, String> {
    let Ok(raw) = storage()?.get_item(key) else { return Err("storage is unavailable".to_owned()) };
    let text = |raw: String| posture::json::parse(&raw).ok().and_then(posture::json::Value::into_string);
    raw.map(|raw| text(raw).ok_or_else(|| "it is not text".to_owned())).transpose()
}

fn write(key: &str, value: &str) -> Result<(), String> {
    let json = posture::json::quote(value);
    storage()?.set_item(key, &json).map_err(|e| {
        let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
        if name == "QuotaExceededError" {
            "storage is full".to_owned()
        } else {
            format!("storage refused it: {name}")
        }
    })
}

fn clear_fragment() {
    let window = gloo::utils::window();
    let location = window.location();
    let here = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&here));
    }
}

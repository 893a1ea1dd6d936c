//! Checks in a Web Worker: the engine module's `pkg/worker.js` holds the
//! text and checks it off the main thread, so no check ever blocks typing,
//! scrolling or the panel. The first text (and any change of options) goes
//! as an `open`; after that each change goes as one `edit` (the UTF-16 range
//! that differs from the text last sent), so the incremental engine redoes
//! only the documents touched. Only the answer to the newest request is
//! shown: an older one (superseded while it was checked) is dropped. An error
//! answer, older or not, means the worker holds no text: the newest text goes
//! again whole.
//!
//! The report comes back as the CLI's JSON and is read into a
//! [`posture::Report`] ([`posture::report::from_json`]). Should the worker
//! fail to start, be of another version than the page, answer with a report
//! this build cannot read, or fail again and again, it is stopped and the
//! page checks in-process as before.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use js_sys::{Array, Object, Reflect, JSON};
use posture::playground::text::{difference, utf16_len};
use posture::Options;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::prelude::*;

use super::state::{Action, Checked, State, FILE};

/// What the worker was last told, and the request whose answer is awaited.
struct Sent {
    worker: Worker,
    next_id: u32,
    /// The text the worker holds (after the last request), and the options
    /// it was opened with; `None` until an `open` succeeds.
    text: Option<(Rc<String>, Options)>,
    /// The newest request: its id, the text it leaves, and when it was sent.
    newest: Option<(u32, Rc<String>, f64)>,
    /// The worker could not start, or is not to be relied on: check in the page.
    failed: bool,
    /// Error answers since the last report.
    errors: u32,
    /// Where answers go: the playground's or a lesson's state, whichever
    /// is on the page.
    dispatch: Option<UseReducerDispatcher<State>>,
}

/// The worker and its listeners, one for the page: started with it (so that
/// a page loaded once keeps checking offline), and shared by the playground
/// and the lessons.
struct Link {
    sent: Rc<RefCell<Sent>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

/// Error answers in a row after which the worker is let go: the playground's
/// own requests are always valid, so errors mean a worker that is broken.
const ERRORS_IN_A_ROW: u32 = 3;

thread_local! {
    static LINK: RefCell<Option<Link>> = const { RefCell::new(None) };
    /// The check in the page when there is no worker.
    static IN_PAGE: RefCell<Pending> = RefCell::new(Pending::default());
}

/// Starts the worker; without one, checks run in the page.
pub fn start() {
    if let Ok(link) = Link::start() {
        LINK.with(|l| *l.borrow_mut() = Some(link));
    }
}

/// Checks the state's text with its options after every change of either.
#[hook]
pub fn use_checks(state: &UseReducerHandle<State>) {
    let dispatch = state.dispatcher();
    let text = state.text.clone();
    let options = state.options();
    let key = (Rc::as_ptr(&state.text) as usize, options.clone());
    use_effect_with(key, move |_| {
        let sent = LINK.with(|l| {
            l.borrow()
                .as_ref()
                .filter(|l| !l.sent.borrow().failed)
                .map(|l| l.send(text.clone(), options.clone(), dispatch.clone()))
        });
        if sent.is_none() {
            IN_PAGE.with(|p| p.borrow_mut().check_in_page(text, options, dispatch));
        }
    });
}

/// The check in the page, when there is no worker: on the next frame, and a
/// newer change cancels it.
#[derive(Default)]
struct Pending(Option<Timeout>);

impl Pending {
    fn check_in_page(&mut self, text: Rc<String>, options: Options, dispatch: UseReducerDispatcher<State>) {
        self.0 = Some(Timeout::new(0, move || {
            let started = now();
            let mut checked = Checked::run(text, &options, 0.0);
            checked.millis = now() - started;
            dispatch.dispatch(Action::Checked(Rc::new(checked)));
        }));
    }
}

impl Link {
    fn start() -> Result<Link, JsValue> {
        let base = gloo::utils::document().base_uri()?.unwrap_or_default();
        let url = web_sys::Url::new_with_base("pkg/worker.js", &base)?.href();
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&url, &options)?;
        let sent = Rc::new(RefCell::new(Sent {
            worker: worker.clone(),
            next_id: 1,
            text: None,
            newest: None,
            failed: false,
            errors: 0,
            dispatch: None,
        }));
        let on_message = {
            let sent = sent.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| answer(&sent, &e.data()))
        };
        // A worker that cannot load (no module workers, its script missing):
        // the page checks the newest text itself from now on.
        let on_error = {
            let sent = sent.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| sent.borrow_mut().fall_back())
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Link { sent, _on_message: on_message, _on_error: on_error })
    }

    /// Sends the change to `text` (see [`Sent::post`]).
    fn send(&self, text: Rc<String>, options: Options, dispatch: UseReducerDispatcher<State>) {
        let mut sent = self.sent.borrow_mut();
        sent.dispatch = Some(dispatch.clone());
        if sent.post(text, options).is_err() {
            drop(sent);
            dispatch.dispatch(Action::Status("The check could not be sent to the worker.".into()));
        }
    }
}

impl Sent {
    /// From now on the page checks itself, and the worker is stopped; the
    /// newest text still awaiting its report is checked here.
    fn fall_back(&mut self) {
        self.failed = true;
        self.worker.terminate();
        if let (Some((_, text, _)), Some(dispatch)) = (self.newest.take(), self.dispatch.clone()) {
            let options = self.text.take().map(|(_, o)| o).unwrap_or_default();
            IN_PAGE.with(|p| p.borrow_mut().check_in_page(text, options, dispatch));
        }
    }

    /// Sends the change to `text`: an edit when the worker holds an earlier
    /// text with the same options, else the whole text.
    fn post(&mut self, text: Rc<String>, options: Options) -> Result<(), JsValue> {
        let id = self.next_id;
        self.next_id += 1;
        let message = Object::new();
        set(&message, "id", &id.into());
        match &self.text {
            Some((old, opened)) if *opened == options => {
                let (start, old_end, new_end) = difference(old, &text);
                let from = utf16_len(&old[..start]);
                set(&message, "type", &"edit".into());
                set(&message, "start", &(from as f64).into());
                set(&message, "end", &((from + utf16_len(&old[start..old_end])) as f64).into());
                set(&message, "text", &text[start..new_end].into());
            }
            _ => {
                set(&message, "type", &"open".into());
                set(&message, "text", &text.as_str().into());
                set(&message, "options", &module_options(&options));
            }
        }
        self.worker.post_message(&message)?;
        self.text = Some((text.clone(), options));
        self.newest = Some((id, text, now()));
        Ok(())
    }
}

/// The worker's answer: the newest request's report is shown; an older one
/// is dropped; an error is said, and the next request opens the text again.
/// An older request's error: the worker dropped its text there, so the
/// requests sent since failed too, and the newest text goes again whole.
/// A worker that cannot be relied on (of another version, a report this
/// build cannot read, errors again and again) is let go for the page's own
/// checks.
fn answer(sent: &RefCell<Sent>, data: &JsValue) {
    let get = |key: &str| Reflect::get(data, &key.into()).ok().filter(|v| !v.is_undefined());
    let mut sent = sent.borrow_mut();
    if get("type").and_then(|t| t.as_string()).as_deref() == Some("ready") {
        // A cached pkg/ from another build answers in a schema this one may not read.
        if get("version").and_then(|v| v.as_string()).as_deref() != Some(env!("CARGO_PKG_VERSION")) {
            sent.fall_back();
        }
        return;
    }
    let (Some((newest, text, at)), Some(dispatch)) = (sent.newest.clone(), sent.dispatch.clone()) else { return };
    let error = get("error");
    if error.is_some() {
        sent.errors += 1;
        if sent.errors >= ERRORS_IN_A_ROW {
            sent.fall_back();
            return;
        }
    }
    if get("id").and_then(|v| v.as_f64()) != Some(newest as f64) {
        if let (true, Some((_, options))) = (error.is_some(), sent.text.take()) {
            if sent.post(text, options).is_err() {
                drop(sent);
                dispatch.dispatch(Action::Status("The check could not be sent to the worker.".into()));
            }
        }
        return;
    }
    if let Some(error) = error {
        sent.newest = None;
        sent.text = None;
        drop(sent);
        let why = error.as_string().unwrap_or_else(|| "the worker answered without a report".into());
        dispatch.dispatch(Action::Status(format!("The check failed: {why}")));
        return;
    }
    let read = get("report")
        .filter(|r| r.is_object())
        .and_then(|r| JSON::stringify(&r).ok())
        .and_then(|json| posture::report::from_json(&String::from(json)).ok());
    let Some(report) = read else {
        sent.fall_back();
        return;
    };
    sent.newest = None;
    sent.errors = 0;
    let mut checked = Checked::new(text, report);
    checked.millis = now() - at;
    drop(sent);
    dispatch.dispatch(Action::Checked(Rc::new(checked)));
}

/// The engine module's options for the playground's (see `types.d.ts`).
fn module_options(options: &Options) -> JsValue {
    let object = Object::new();
    let strings = |items: &[String]| items.iter().map(|s| JsValue::from_str(s)).collect::<Array>();
    set(&object, "pssLevel", &options.pss_level.name().into());
    set(&object, "pssVersion", &options.pss_version.to_string().into());
    set(&object, "kubernetesVersion", &options.kubernetes_version.to_string().into());
    set(&object, "select", &strings(&options.select));
    set(&object, "ignore", &strings(&options.ignore));
    set(&object, "allowedRegistries", &strings(&options.allowed_registries));
    set(&object, "fileName", &FILE.into());
    object.into()
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}

fn now() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

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
//! fail to start, the page checks in-process as before.

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
    /// The worker could not start: check in the page.
    failed: bool,
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
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let mut sent = sent.borrow_mut();
                sent.failed = true;
                if let (Some((_, text, _)), Some(dispatch)) = (sent.newest.take(), sent.dispatch.clone()) {
                    let options = sent.text.take().map(|(_, o)| o).unwrap_or_default();
                    IN_PAGE.with(|p| p.borrow_mut().check_in_page(text, options, dispatch));
                }
            })
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
fn answer(sent: &RefCell<Sent>, data: &JsValue) {
    let id = Reflect::get(data, &"id".into()).ok().and_then(|v| v.as_f64());
    let mut sent = sent.borrow_mut();
    let (Some((newest, text, at)), Some(dispatch)) = (sent.newest.clone(), sent.dispatch.clone()) else { return };
    if id != Some(newest as f64) {
        let failed = Reflect::get(data, &"error".into()).is_ok_and(|e| !e.is_undefined());
        if let (true, Some((_, options))) = (failed, sent.text.take()) {
            if sent.post(text, options).is_err() {
                drop(sent);
                dispatch.dispatch(Action::Status("The check could not be sent to the worker.".into()));
            }
        }
        return;
    }
    sent.newest = None;
    let report = Reflect::get(data, &"report".into()).ok().filter(|r| r.is_object());
    let read = match report {
        Some(report) => JSON::stringify(&report)
            .map(String::from)
            .map_err(|_| "the report could not be read".to_owned())
            .and_then(|json| posture::report::from_json(&json)),
        None => Err(Reflect::get(data, &"error".into())
            .ok()
            .and_then(|e| e.as_string())
            .unwrap_or_else(|| "the worker answered without a report".into())),
    };
    match read {
        Ok(report) => {
            let mut checked = Checked::new(text, report);
            checked.millis = now() - at;
            drop(sent);
            dispatch.dispatch(Action::Checked(Rc::new(checked)));
        }
        Err(why) => {
            sent.text = None;
            drop(sent);
            dispatch.dispatch(Action::Status(format!("The check failed: {why}")));
        }
    }
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

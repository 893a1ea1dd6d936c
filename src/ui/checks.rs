//! The engine, for the page: the engine module's protocol (`pkg/worker.js`,
//! README "The JavaScript module") in a Web Worker, so no check ever blocks
//! typing, scrolling or the panel. The playground's own wasm holds no engine:
//! checks, fixes, a lesson's start and report downloads are all requests.
//!
//! Checks: the first text (and any change of options) goes as an `open`;
//! after that each change goes as the editor's own edits (the state's
//! [`Step`]s from the text last sent to the new one; when they are not all
//! known, one `edit` of the UTF-16 range that differs from the text last
//! sent), so the incremental engine redoes only the documents touched. The engine answers with what changed in the report
//! since its last answer ([`posture::playground::changes`]): the page keeps
//! the report of the last answer and patches it, so one keystroke in a text
//! of 40,000 findings reads a few, not all of them. The new findings come
//! packed as bytes ([`posture::playground::packed`], a transferred buffer:
//! rules by id, with the rules of [`super::registry`]; the rest of the
//! report as JSON), read a piece at a time, each in a task of its own, so
//! that reading a whole report never holds the page for long. Every answer
//! is read, in order (the next one changes it), but only the answer to the
//! newest request is shown: an older one (superseded while it was checked)
//! is not. An error answer, older or not, means the engine holds no text:
//! the newest text goes again whole.
//!
//! One-shot requests ([`ask`]: `check`, `fix`, `render`) are answered each
//! on its own; whoever asks decides whether the answer is still wanted.
//!
//! Should the worker fail to start, be of another version than the page,
//! answer with a report this build cannot read, or fail again and again, it
//! is stopped and the same protocol runs in the page (`in_page.js` loads the
//! engine module there), with every request still unanswered sent again.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use js_sys::{Array, ArrayBuffer, Function, Object, Reflect, Uint8Array, JSON};
use posture::playground::changes::{self, Change, Hunk, Shift};
use posture::playground::document::{Edits, Splice};
use posture::playground::packed;
use posture::playground::text::{difference, utf16_len};
use posture::report::Finding;
use posture::{Options, Report};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};
use yew::prelude::*;

use super::state::{Action, Checked, Lines, State, Step, FILE};

#[wasm_bindgen(module = "/src/ui/in_page.js")]
extern "C" {
    /// Starts the protocol in the page; returns the function taking requests.
    #[wasm_bindgen(js_name = startInPage)]
    fn start_in_page(base: &str, answer: &JsValue) -> Function;
}

#[wasm_bindgen(module = "/src/ui/tasks.js")]
extern "C" {
    /// Resolves in a task of its own: the browser draws and takes input first.
    #[wasm_bindgen(js_name = nextTask)]
    pub(crate) fn next_task() -> js_sys::Promise;

    /// Resolves once the browser is idle, after drawing the next frame.
    #[wasm_bindgen(js_name = whenIdle)]
    fn when_idle() -> js_sys::Promise;
}

/// Where requests go.
enum Channel {
    Worker(Worker),
    /// The protocol run in the page: the function taking each request.
    Page(Function),
    /// Neither a worker nor the page could load the engine.
    None,
}

/// What a one-shot request's asker gets: the answer object, or its error.
type Done = Box<dyn FnOnce(Result<JsValue, String>)>;

/// What the engine was last told, and the requests whose answers are awaited.
struct Sent {
    channel: Channel,
    next_id: u32,
    /// The text the engine holds (after the last request), and the options
    /// it was opened with; `None` until an `open` succeeds.
    text: Option<(Rc<String>, Options)>,
    /// The newest check: its id, the text it leaves, and when it was sent.
    newest: Option<(u32, Rc<String>, f64)>,
    /// One-shot requests not yet answered: id, the request, who asked.
    asked: Vec<(u32, Object, Done)>,
    /// Error answers to checks since the last report.
    errors: u32,
    /// The report of the last answer read, and its id: the next answer's
    /// changes apply to it.
    held: Option<(u32, Rc<Report>)>,
    /// Answers with changes, to be read in order; whether they are being read.
    incoming: VecDeque<JsValue>,
    reading: bool,
    /// Answers below this id are dropped unread: the text went whole again
    /// because an answer did not build on the report held, and every answer
    /// already on its way builds on the same lost report.
    reopened: u32,
    /// Bumped by every check sent and every check that failed: a report read
    /// across a task is drawn only if nothing happened meanwhile.
    generation: u64,
    /// Where check answers go: the playground's or a lesson's state,
    /// whichever is on the page.
    dispatch: Option<UseReducerDispatcher<State>>,
    /// The lines of the text last shown: the next text's are found from them.
    lines: Option<Lines>,
    /// Reports replaced by a newer answer, freed once the browser is idle:
    /// freeing 40,000 findings took 13 ms, which the page drawing the newer
    /// report would otherwise wait for (the page's state lets go of the
    /// report shown while it draws the next).
    retired: Vec<Rc<Report>>,
    /// A copy of the findings of a report held (which the page's state
    /// shares, so it cannot be patched), made once the browser is idle: the
    /// next answer patches it where it is, rather than copying 40,000
    /// findings (12 ms) while the person waits.
    spare: Option<(Weak<Report>, Vec<Finding>)>,
    /// Whether [`tidy_when_idle`] is waiting to run.
    tidying: bool,
    /// An edit sent before the editor made it ([`editing`]): its id and
    /// splice, until [`edited`] is given the text it made.
    ahead: Option<(u32, Splice)>,
}

/// Error answers in a row after which the worker is let go: the playground's
/// own requests are always valid, so errors mean a worker that is broken.
const ERRORS_IN_A_ROW: u32 = 3;

thread_local! {
    /// The engine, one for the page: started with it (so that a page loaded
    /// once keeps checking offline), and shared by the playground and the lessons.
    static SENT: RefCell<Option<Rc<RefCell<Sent>>>> = const { RefCell::new(None) };
    /// Checks waiting for a task of their own to be sent (see [`use_checks`]).
    static WAITING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Starts the worker; without one, the engine in the page.
pub fn start() {
    let sent = Rc::new(RefCell::new(Sent {
        channel: Channel::None,
        next_id: 1,
        text: None,
        newest: None,
        asked: Vec::new(),
        errors: 0,
        held: None,
        incoming: VecDeque::new(),
        reading: false,
        reopened: 0,
        generation: 0,
        dispatch: None,
        lines: None,
        retired: Vec::new(),
        spare: None,
        tidying: false,
        ahead: None,
    }));
    let worker = start_worker(&sent);
    let mut inner = sent.borrow_mut();
    match worker {
        Ok(worker) => inner.channel = Channel::Worker(worker),
        Err(_) => inner.fall_back(&sent),
    }
    drop(inner);
    SENT.with(|s| *s.borrow_mut() = Some(sent));
}

fn start_worker(sent: &Rc<RefCell<Sent>>) -> Result<Worker, JsValue> {
    let url = web_sys::Url::new_with_base("pkg/worker.js", &base())?.href();
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(&url, &options)?;
    let on_message = {
        let sent = sent.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| answer(&sent, &e.data()))
    };
    // A worker that cannot load (no module workers, its script missing):
    // the page runs the engine itself from now on.
    let on_error = {
        let sent = sent.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let mut inner = sent.borrow_mut();
            if matches!(inner.channel, Channel::Worker(_)) {
                inner.fall_back(&sent);
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // Both live as long as the page.
    on_message.forget();
    on_error.forget();
    Ok(worker)
}

fn base() -> String {
    gloo::utils::document().base_uri().ok().flatten().unwrap_or_default()
}

/// Checks the state's text with its options after every change of either.
#[hook]
pub fn use_checks(state: &UseReducerHandle<State>) {
    let dispatch = state.dispatcher();
    let text = state.text.clone();
    let steps = state.steps.clone();
    let options = state.options();
    let key = (Rc::as_ptr(&state.text) as usize, options.clone());
    use_effect_with(key, move |_| {
        let Some(sent) = SENT.with(|s| s.borrow().clone()) else { return };
        // Sent already, as the editor made it (see [`edited`]).
        if matches!(&sent.borrow().text, Some((held, opened)) if Rc::ptr_eq(held, &text) && *opened == options) {
            return;
        }
        // From a task of its own: a paste's text crossing to the worker (tens
        // of ms for 10 MB) is not added to the paste's own task. The checks
        // are sent in order: none goes at once (see [`edited`]) while one waits.
        WAITING.set(WAITING.get() + 1);
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(next_task()).await;
            WAITING.set(WAITING.get() - 1);
            let mut sent = sent.borrow_mut();
            sent.dispatch = Some(dispatch.clone());
            if sent.post(text, options, &steps).is_err() {
                drop(sent);
                dispatch.dispatch(Action::Status("The check could not be sent to the engine.".into()));
            }
        });
    });
}

/// A small edit the editor just made (a keystroke, a word; at most
/// [`SMALL_EDIT`] bytes) to the text the engine holds goes at once, from
/// the keystroke's own task before the page draws it, so the engine checks
/// meanwhile (sent from [`use_checks`]' effect, after the page's render, it
/// left 5 to 15 ms later). Anything else goes from the effect. An edit
/// [`editing`] sent before the editor made it is only confirmed here.
pub fn edited(edits: &Edits, text: &Rc<String>) {
    let Some(sent) = SENT.with(|s| s.borrow().clone()) else { return };
    let mut sent = sent.borrow_mut();
    let held = sent.text.as_ref().filter(|(held, _)| Rc::ptr_eq(held, &edits.from)).map(|(_, o)| o.clone());
    if let Some((id, splice)) = sent.ahead.take() {
        // Sent by [`editing`]: the engine holds this text now if the edit
        // made is the one sent (the editor announces the splice it then
        // makes, so it always is); if not, its answer is not shown and the
        // text goes whole.
        let made = held.filter(|_| edits.splices == [splice]);
        sent.newest = made.is_some().then(|| (id, text.clone(), now()));
        sent.text = made.map(|options| (text.clone(), options));
        return;
    }
    let Some(options) = held else { return };
    let small = edits.splices.iter().map(|s| s.text.len()).sum::<usize>() <= SMALL_EDIT;
    if small && WAITING.get() == 0 {
        // Should it fail, the engine's text is unknown and the effect sends
        // the text whole.
        let _ = sent.post_splices(text.clone(), options, edits.splices.iter());
    }
}

/// A small edit about to be made to the text the engine holds (`from`),
/// sent before the editor makes it: copying a shared text of 10 MB (3 to
/// 9 ms) then runs while the engine checks. [`edited`] takes the text made.
pub fn editing(from: &Rc<String>, splice: &Splice) {
    let Some(sent) = SENT.with(|s| s.borrow().clone()) else { return };
    let mut sent = sent.borrow_mut();
    let holds = sent.text.as_ref().is_some_and(|(held, _)| Rc::ptr_eq(held, from));
    if holds && splice.text.len() <= SMALL_EDIT && WAITING.get() == 0 {
        sent.generation += 1;
        sent.ahead = sent.post_edit(splice).ok().map(|id| (id, splice.clone()));
    }
}

/// Sends a one-shot request (`type` and its fields, without an id); `done`
/// gets the answer object (its `report`, `fix` or `output`), or the error.
pub fn ask(kind: &str, fields: &[(&str, JsValue)], done: impl FnOnce(Result<JsValue, String>) + 'static) {
    let request = Object::new();
    set(&request, "type", &kind.into());
    for (key, value) in fields {
        set(&request, key, value);
    }
    let Some(sent) = SENT.with(|s| s.borrow().clone()) else {
        return done(Err("the engine did not start".into()));
    };
    let mut sent = sent.borrow_mut();
    let id = sent.next_id;
    sent.next_id += 1;
    set(&request, "id", &id.into());
    match sent.channel.post(&request) {
        Ok(()) => sent.asked.push((id, request, Box::new(done))),
        Err(why) => {
            drop(sent);
            done(Err(why));
        }
    }
}

/// [`ask`], awaited.
pub async fn request(kind: &str, fields: &[(&str, JsValue)]) -> Result<JsValue, String> {
    let mut settle = None;
    let promise = js_sys::Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let (resolve, reject) = settle.expect("the executor runs at once");
    ask(kind, fields, move |answer| {
        let _ = match answer {
            Ok(value) => resolve.call1(&JsValue::NULL, &value),
            Err(why) => reject.call1(&JsValue::NULL, &why.into()),
        };
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|why| why.as_string().unwrap_or_default())
}

/// Lets the worker go for the engine in the page, as when it cannot be
/// relied on (see [`answer`]); whether there was a worker to let go.
pub fn let_worker_go() -> bool {
    let Some(sent) = SENT.with(|s| s.borrow().clone()) else { return false };
    let mut inner = sent.borrow_mut();
    let in_worker = matches!(inner.channel, Channel::Worker(_));
    if in_worker {
        inner.fall_back(&sent);
    }
    in_worker
}

/// The request fields that name a text and the options to check it with.
pub fn text_and_options(text: &str, options: &Options, file: &str) -> [(&'static str, JsValue); 2] {
    [("text", text.into()), ("options", module_options(options, file))]
}

/// A report in an answer, read back: `None` if it is not one this build reads.
pub fn read_report(report: &JsValue) -> Option<Report> {
    let json = JSON::stringify(report).ok().filter(|_| report.is_object())?;
    posture::report::from_json_with(&String::from(json), super::registry::by_id).ok()
}

impl Channel {
    fn post(&self, request: &JsValue) -> Result<(), String> {
        self.post_transferring(request, None)
    }

    /// [`Channel::post`], with a buffer a worker takes over rather than copies.
    fn post_transferring(&self, request: &JsValue, transfer: Option<ArrayBuffer>) -> Result<(), String> {
        let failed = |e: JsValue| format!("the request could not be sent ({e:?})");
        match self {
            Channel::Worker(worker) => match transfer {
                Some(buffer) => worker.post_message_with_transfer(request, &Array::of1(&buffer)).map_err(failed),
                None => worker.post_message(request).map_err(failed),
            },
            Channel::Page(post) => post.call1(&JsValue::NULL, request).map(drop).map_err(failed),
            Channel::None => Err("the engine could not be loaded".into()),
        }
    }
}

impl Sent {
    /// From now on the engine runs in the page, and the worker is stopped;
    /// the newest text still awaiting its report, and every one-shot
    /// request unanswered, go to it again.
    fn fall_back(&mut self, me: &Rc<RefCell<Sent>>) {
        if let Channel::Worker(worker) = &self.channel {
            worker.terminate();
        }
        let on_answer = {
            let me = me.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |data: JsValue| answer(&me, &data)).into_js_value()
        };
        self.channel = Channel::Page(start_in_page(&base(), &on_answer));
        // The engine in the page answers from an empty report.
        self.incoming.clear();
        let options = self.text.take().map(|(_, o)| o).unwrap_or_default();
        if let Some((_, text, _)) = self.newest.take() {
            let _ = self.post(text, options, &[]);
        }
        for (_, request, _) in &self.asked {
            let _ = self.channel.post(request);
        }
        self.errors = 0;
    }

    /// Whether the spare copy of findings is of `report`.
    fn spare_is_of(&self, report: &Rc<Report>) -> bool {
        self.spare.as_ref().is_some_and(|(of, _)| std::ptr::eq(of.as_ptr(), Rc::as_ptr(report)))
    }

    /// Sends the change to `text`: the edits of `steps` that made it from
    /// the text the engine holds, or the range where they differ, when the
    /// options are the same; else the whole text.
    fn post(&mut self, text: Rc<String>, options: Options, steps: &[Rc<Step>]) -> Result<(), String> {
        let splices = match &self.text {
            Some((old, opened)) if *opened == options => splices_between(steps, old, &text),
            _ => None,
        };
        if let Some(splices) = splices.filter(|s| !s.is_empty()) {
            return self.post_splices(text, options, splices.into_iter());
        }
        self.generation += 1;
        let id = self.next_id;
        self.next_id += 1;
        let message = Object::new();
        set(&message, "id", &id.into());
        let transfer;
        match &self.text {
            Some((old, opened)) if *opened == options => {
                let (start, old_end, new_end) = difference(old, &text);
                let from = utf16_len(&old[..start]);
                set(&message, "type", &"edit".into());
                set(&message, "start", &(from as f64).into());
                set(&message, "end", &((from + utf16_len(&old[start..old_end])) as f64).into());
                transfer = set_text(&message, &text[start..new_end]);
            }
            _ => {
                set(&message, "type", &"open".into());
                transfer = set_text(&message, &text);
                set(&message, "options", &module_options(&options, FILE));
                set(&message, "changes", &"packed".into());
            }
        }
        self.channel.post_transferring(&message, transfer)?;
        self.text = Some((text.clone(), options));
        self.newest = Some((id, text, now()));
        Ok(())
    }

    /// Sends `splices`, which make `text` from the text the engine holds.
    fn post_splices<'a>(
        &mut self,
        text: Rc<String>,
        options: Options,
        splices: impl Iterator<Item = &'a Splice>,
    ) -> Result<(), String> {
        self.generation += 1;
        let mut id = 0;
        for splice in splices {
            id = self.post_edit(splice)?;
        }
        self.text = Some((text.clone(), options));
        self.newest = Some((id, text, now()));
        Ok(())
    }

    /// Sends one `edit`; its id. Should it fail, the engine's text is
    /// unknown (earlier edits may have gone): the next check sends the text whole.
    fn post_edit(&mut self, splice: &Splice) -> Result<u32, String> {
        let id = self.next_id;
        self.next_id += 1;
        let message = Object::new();
        set(&message, "id", &id.into());
        set(&message, "type", &"edit".into());
        set(&message, "start", &(splice.start as f64).into());
        set(&message, "end", &(splice.end as f64).into());
        let transfer = set_text(&message, &splice.text);
        self.channel.post_transferring(&message, transfer).inspect_err(|_| self.text = None)?;
        Ok(id)
    }
}

/// The editor's splices that made `to` from `from`, if `steps` hold every
/// edit between them.
fn splices_between<'a>(steps: &'a [Rc<Step>], from: &Rc<String>, to: &Rc<String>) -> Option<Vec<&'a Splice>> {
    let first = steps.iter().position(|s| std::ptr::eq(s.from.as_ptr(), Rc::as_ptr(from)))?;
    let mut at = Rc::as_ptr(from);
    let mut splices = Vec::new();
    for step in &steps[first..] {
        if !std::ptr::eq(step.from.as_ptr(), at) {
            return None;
        }
        splices.extend(&step.splices);
        at = step.to.as_ptr();
        if std::ptr::eq(at, Rc::as_ptr(to)) {
            return Some(splices);
        }
    }
    None
}

/// The engine's answer. A one-shot request's goes to whoever asked. Of
/// checks, the newest request's report is shown; an older one is dropped;
/// an error is said, and the next request opens the text again. An older
/// request's error: the engine dropped its text there, so the requests sent
/// since failed too, and the newest text goes again whole. A worker that
/// cannot be relied on (of another version, a report this build cannot
/// read, errors again and again) is let go for the engine in the page.
fn answer(me: &Rc<RefCell<Sent>>, data: &JsValue) {
    let get = |key: &str| Reflect::get(data, &key.into()).ok().filter(|v| !v.is_undefined());
    let mut sent = me.borrow_mut();
    let in_worker = matches!(sent.channel, Channel::Worker(_));
    match get("type").and_then(|t| t.as_string()).as_deref() {
        // A cached pkg/ from another build answers in a schema this one may not read.
        Some("ready") => {
            if in_worker && get("version").and_then(|v| v.as_string()).as_deref() != Some(env!("CARGO_PKG_VERSION")) {
                sent.fall_back(me);
            }
            return;
        }
        // The worker could not load the engine: try the page.
        Some("failed") if in_worker => {
            sent.fall_back(me);
            return;
        }
        // The engine could not be loaded in the page either.
        Some("failed") => {
            sent.channel = Channel::None;
            let asked = std::mem::take(&mut sent.asked);
            let dispatch = sent.dispatch.clone();
            drop(sent);
            let why = get("error").and_then(|e| e.as_string()).unwrap_or_default();
            for (_, _, done) in asked {
                done(Err(why.clone()));
            }
            if let Some(dispatch) = dispatch {
                dispatch.dispatch(Action::Status(format!("The engine could not be loaded: {why}")));
            }
            return;
        }
        _ => {}
    }
    let id = get("id").and_then(|v| v.as_f64());
    if let Some(at) = sent.asked.iter().position(|(asked, _, _)| Some(*asked as f64) == id) {
        let (_, _, done) = sent.asked.remove(at);
        drop(sent);
        return done(match get("error") {
            Some(error) => Err(error.as_string().unwrap_or_else(|| "the engine failed".into())),
            None => Ok(data.clone()),
        });
    }
    let Some(error) = get("error") else {
        // Every answer is read, in order (the next one changes it); one
        // without changes is from a worker that is not this build's.
        if get("changes").is_none() {
            if in_worker {
                sent.fall_back(me);
            }
            return;
        }
        sent.incoming.push_back(data.clone());
        if !sent.reading {
            sent.reading = true;
            wasm_bindgen_futures::spawn_local(read_answers(me.clone()));
        }
        return;
    };
    let (Some((newest, text, _)), Some(dispatch)) = (sent.newest.clone(), sent.dispatch.clone()) else { return };
    sent.errors += 1;
    if in_worker && sent.errors >= ERRORS_IN_A_ROW {
        sent.fall_back(me);
        return;
    }
    if id != Some(newest as f64) {
        if let Some((_, options)) = sent.text.take() {
            if sent.post(text, options, &[]).is_err() {
                drop(sent);
                dispatch.dispatch(Action::Status("The check could not be sent to the engine.".into()));
            }
        }
        return;
    }
    sent.newest = None;
    sent.text = None;
    sent.generation += 1;
    drop(sent);
    let why = error.as_string().unwrap_or_else(|| "the engine answered without a report".into());
    dispatch.dispatch(Action::Status(format!("The check failed: {why}")));
}

/// Reads the answers with changes in order, each patching the report held,
/// and shows the newest request's. An answer that cannot be read lets a
/// worker go; one that changes another report than the one held sends the
/// text again whole.
async fn read_answers(me: Rc<RefCell<Sent>>) {
    loop {
        let Some(data) = me.borrow_mut().incoming.pop_front() else { break };
        let (id, report) = match read_changes(&me, &data).await {
            Read::Patched(id, report) => (id, report),
            Read::Unreadable => {
                let mut sent = me.borrow_mut();
                if matches!(sent.channel, Channel::Worker(_)) {
                    sent.fall_back(&me);
                    continue;
                }
                // The engine in the page is this build's own: asking it again
                // would get the same answer. The next edit opens the text whole.
                sent.incoming.clear();
                sent.held = None;
                sent.text = None;
                sent.newest = None;
                sent.generation += 1;
                if let Some(dispatch) = sent.dispatch.clone() {
                    drop(sent);
                    dispatch.dispatch(Action::Status("The check failed: its answer could not be read.".into()));
                }
                continue;
            }
            Read::Elsewhere(id) => {
                let mut sent = me.borrow_mut();
                // Built on the report lost before the text went whole again.
                if id < sent.reopened {
                    continue;
                }
                sent.incoming.clear();
                sent.held = None;
                sent.reopened = sent.next_id;
                let dispatch = sent.dispatch.clone();
                if let (Some((text, options)), Some(dispatch)) = (sent.text.take(), dispatch) {
                    if sent.post(text, options, &[]).is_err() {
                        drop(sent);
                        dispatch.dispatch(Action::Status("The check could not be sent to the engine.".into()));
                    }
                }
                continue;
            }
        };
        // Every answer patches the report held; the newest request's is shown.
        let shown = {
            let mut sent = me.borrow_mut();
            if let Some((_, old)) = sent.held.replace((id, report.clone())) {
                sent.retired.push(old);
            }
            if !sent.tidying {
                sent.tidying = true;
                wasm_bindgen_futures::spawn_local(tidy_when_idle(me.clone()));
            }
            sent.errors = 0;
            match (sent.newest.clone(), sent.dispatch.clone()) {
                (Some((newest, text, at)), Some(dispatch)) if newest == id => {
                    sent.newest = None;
                    Some((text, at, dispatch))
                }
                _ => None,
            }
        };
        let Some((text, at, dispatch)) = shown else { continue };
        let before = me.borrow_mut().lines.take();
        let (lines, read) = match before {
            Some(before) => before.after(text),
            None => (Lines::new(text.clone()), text.len()),
        };
        me.borrow_mut().lines = Some(lines.clone());
        let generation = me.borrow().generation;
        let mut checked = Checked::new(lines, report);
        // Where a large part of the text's lines were found, they are drawn
        // in a task of their own.
        if read > LARGE_TEXT {
            let _ = wasm_bindgen_futures::JsFuture::from(next_task()).await;
            // A newer check sent, or one failed and said so, meanwhile: this
            // one is superseded.
            if me.borrow().generation != generation {
                continue;
            }
        }
        checked.millis = now() - at;
        dispatch.dispatch(Action::Checked(Rc::new(checked)));
    }
    me.borrow_mut().reading = false;
}

/// Once the browser is idle after drawing, frees the reports replaced;
/// then copies the findings of the report held as the spare. Both a piece
/// at a time, each in a task of its own: done at once, they took about 15
/// and 20 ms for 40,000 findings, which a keystroke arriving then waited for.
async fn tidy_when_idle(me: Rc<RefCell<Sent>>) {
    // Between pieces a task of its own, so input comes first, but not an
    // idle callback: asked for from one, the next waits for the next idle
    // period (up to 50 ms), and the spare was not made before the next keystroke.
    let next = || wasm_bindgen_futures::JsFuture::from(next_task());
    let held_is = |held: &Rc<Report>| me.borrow().held.as_ref().is_some_and(|(_, report)| Rc::ptr_eq(report, held));
    let _ = wasm_bindgen_futures::JsFuture::from(when_idle()).await;
    loop {
        let freed = {
            let mut sent = me.borrow_mut();
            match sent.retired.last_mut().map(|report| Rc::get_mut(report).map(|r| &mut r.findings)) {
                None => false,
                Some(Some(findings)) if findings.len() > TIDY_PIECE => {
                    findings.truncate(findings.len() - TIDY_PIECE);
                    true
                }
                // The page's state may still share it: then it is let go whole.
                Some(_) => {
                    drop(sent.retired.pop());
                    true
                }
            }
        };
        if freed {
            let _ = next().await;
            continue;
        }
        let held = me.borrow().held.as_ref().map(|(_, report)| report.clone());
        let Some(held) = held.filter(|held| !me.borrow().spare_is_of(held)) else { break };
        let mut copy = Vec::with_capacity(held.findings.len());
        while copy.len() < held.findings.len() && held_is(&held) {
            let at = copy.len();
            copy.extend_from_slice(&held.findings[at..(at + TIDY_PIECE).min(held.findings.len())]);
            let _ = next().await;
        }
        // Still the report held (else the next round copies the new one).
        if held_is(&held) {
            me.borrow_mut().spare = Some((Rc::downgrade(&held), copy));
        }
    }
    me.borrow_mut().tidying = false;
}

/// Findings freed or copied in one task (a few ms).
const TIDY_PIECE: usize = 5_000;

/// Bytes of text read for its lines above which finding them (for the check
/// shown) and drawing the check are done in separate tasks (each tens of ms
/// for 10 MB).
const LARGE_TEXT: usize = 4 * 1024 * 1024;

/// What came of reading an answer with changes.
enum Read {
    /// Its id, and the report held, patched.
    Patched(u32, Rc<Report>),
    /// Not changes this build reads.
    Unreadable,
    /// Changes (to the answer of this id) to a report that is not the one held.
    Elsewhere(u32),
}

fn shift_of(offset: f64, line: f64, document: f64) -> Shift {
    Shift { offset: offset as isize, line: line as i64, document: document as isize }
}

/// New findings read in one task: about 10 ms on a quiet machine.
const PIECE: usize = 10_000;

/// One answer's changes applied to the report held: the new findings read
/// (packed, see [`posture::playground::packed`]) a piece at a time, each in
/// a task of its own.
async fn read_changes(me: &Rc<RefCell<Sent>>, data: &JsValue) -> Read {
    let get = |from: &JsValue, key: &str| Reflect::get(from, &key.into()).ok().filter(|v| !v.is_undefined());
    let number = |from: &JsValue, key: &str| get(from, key).and_then(|v| v.as_f64());
    let Some(id) = number(data, "id") else { return Read::Unreadable };
    let Some(changes) = get(data, "changes") else { return Read::Unreadable };
    let shift = get(&changes, "shift").unwrap_or_default();
    let (Some(moved), Some(offset), Some(line), Some(document)) =
        (number(&changes, "moved"), number(&shift, "offset"), number(&shift, "line"), number(&shift, "document"))
    else {
        return Read::Unreadable;
    };
    let hunks: Option<Vec<Hunk>> = get(&changes, "hunks")
        .map(|h| Array::from(&h))
        .unwrap_or_default()
        .iter()
        .map(|h| {
            let at = |i: u32| Reflect::get_u32(&h, i).ok().and_then(|v| v.as_f64()).map(|n| n as usize);
            Some(Hunk { start: at(0)?, end: at(1)?, added: at(2)? })
        })
        .collect();
    let Some(hunks) = hunks else { return Read::Unreadable };
    let held = match (number(data, "base"), &me.borrow().held) {
        (None, _) => Rc::new(Report::default()),
        (Some(base), Some((id, held))) if base == *id as f64 => held.clone(),
        _ => return Read::Elsewhere(id as u32),
    };
    let (Some(rest), Some(bytes)) = (
        get(&changes, "report").and_then(|r| r.as_string()),
        get(&changes, "findings").and_then(|f| f.dyn_into::<Uint8Array>().ok()),
    ) else {
        return Read::Unreadable;
    };
    let Ok(first) = posture::report::from_json_with(&rest, super::registry::by_id) else { return Read::Unreadable };
    let bytes = bytes.to_vec();
    let mut reader = packed::Reader::new(&bytes, super::registry::by_id);
    let mut added = Vec::new();
    while !reader.done() {
        // A large answer is read across tasks, so input and drawing go on.
        if !added.is_empty() {
            let _ = wasm_bindgen_futures::JsFuture::from(next_task()).await;
        }
        if reader.read(PIECE, &mut added).is_err() {
            return Read::Unreadable;
        }
    }
    // After a large answer's last piece, the patch and its drawing in a task of their own.
    if added.len() > PIECE {
        let _ = wasm_bindgen_futures::JsFuture::from(next_task()).await;
    }
    // No finding changed or moved (a keystroke in a comment at the end, say)
    // and nothing else did: the report held is the report, not copied.
    let change = Change { hunks, moved: moved as usize, shift: shift_of(offset, line, document) };
    let moves = change.shift != Shift::default() && change.moved < held.findings.len();
    if change.hunks.is_empty() && !moves && changes::same_besides_findings(&held, &first) {
        return Read::Patched(id as u32, held);
    }
    // The report held is shared with the page's state: its spare copy is
    // patched, or if there is none, a new copy.
    let spare = {
        let mut sent = me.borrow_mut();
        sent.spare_is_of(&held).then(|| sent.spare.take()).flatten()
    };
    let copy = spare.map_or_else(|| held.findings.clone(), |(_, findings)| findings);
    let Some(findings) = changes::apply_owned(copy, &change, &mut added) else { return Read::Unreadable };
    Read::Patched(id as u32, Rc::new(Report { findings, ..first }))
}

/// The engine module's options for the playground's (see `types.d.ts`),
/// findings named `file`.
fn module_options(options: &Options, file: &str) -> JsValue {
    let object = Object::new();
    let strings = |items: &[String]| items.iter().map(|s| JsValue::from_str(s)).collect::<Array>();
    set(&object, "pssLevel", &options.pss_level.name().into());
    set(&object, "pssVersion", &options.pss_version.to_string().into());
    set(&object, "kubernetesVersion", &options.kubernetes_version.to_string().into());
    set(&object, "select", &strings(&options.select));
    set(&object, "ignore", &strings(&options.ignore));
    set(&object, "allowedRegistries", &strings(&options.allowed_registries));
    set(&object, "fileName", &file.into());
    object.into()
}

/// Bytes typed or pasted that go to the engine at once (see [`edited`]).
const SMALL_EDIT: usize = 1024;

/// Bytes of text above which a request carries it as UTF-8 `bytes`, a
/// buffer the worker takes over, rather than as a string: turning 10 MB
/// into a JavaScript string took the page 40 ms, copying the bytes 3 ms.
const TEXT_AS_BYTES: usize = 64 * 1024;

/// Sets a request's `text`, or for a long one its `bytes`; the buffer to
/// transfer, if any.
fn set_text(request: &Object, text: &str) -> Option<ArrayBuffer> {
    if text.len() <= TEXT_AS_BYTES {
        set(request, "text", &text.into());
        return None;
    }
    let bytes = Uint8Array::from(text.as_bytes());
    set(request, "bytes", &bytes);
    Some(bytes.buffer())
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}

pub fn now() -> f64 {
    gloo::utils::window().performance().map_or(0.0, |p| p.now())
}

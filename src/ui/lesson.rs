//! Workshops: the lessons index (`#lessons`, or a trainer's sequence
//! `#lessons=a,b,c`) and a lesson (`#lesson=id`): intro, the editor, the
//! goal as a live checklist, hints one at a time, the solution on request.
//! Lessons are fetched once from `lessons/` (so a lesson dropped into
//! dist/lessons/ works without a rebuild) and then work offline; progress
//! is kept in this browser only.

use std::collections::BTreeSet;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use posture::json;
use posture::k8s::ObjectRef;
use posture::lessons::{self, Block, Inline, Lesson};
use posture::rules::PssLevel;
use posture::Report;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{KeyboardEvent, RequestCache, RequestInit, Response};
use yew::prelude::*;

use super::editor::Editor;
use super::findings::FindingsPanel;
use super::state::{Action, Origin, State};

/// Lessons done, on this device.
const DONE: &str = "posture.lessons.done";
/// A lesson's text as last edited.
const TEXT: &str = "posture.lesson.";

/// What the address asks for.
#[derive(Clone, PartialEq)]
pub enum Route {
    /// The index; `Some` for a trainer's sequence.
    Index(Option<Vec<String>>),
    /// A lesson, within a trainer's sequence or not.
    Lesson(String, Option<Vec<String>>),
}

impl Route {
    /// `#lessons`, `#lessons=a,b`, `#lesson=a`, `#lesson=a&lessons=a,b`;
    /// anything else is the playground's.
    pub fn parse(hash: &str) -> Option<Route> {
        let hash = hash.trim_start_matches('#');
        let mut lesson = None;
        let mut sequence = None;
        let mut index = false;
        for pair in hash.split('&') {
            match pair.split_once('=') {
                Some(("lesson", id)) => lesson = Some(id.to_owned()),
                Some(("lessons", ids)) => {
                    sequence = Some(ids.split(',').filter(|i| !i.is_empty()).map(str::to_owned).collect::<Vec<_>>())
                }
                None if pair == "lessons" => index = true,
                _ => {}
            }
        }
        let sequence = sequence.filter(|s| !s.is_empty());
        match lesson {
            Some(id) => Some(Route::Lesson(id, sequence)),
            None if index || sequence.is_some() => Some(Route::Index(sequence)),
            None => None,
        }
    }

    fn sequence(&self) -> Option<&Vec<String>> {
        match self {
            Route::Index(s) | Route::Lesson(_, s) => s.as_ref(),
        }
    }
}

/// The address of a lesson, keeping a trainer's sequence.
fn lesson_href(id: &str, sequence: Option<&Vec<String>>) -> String {
    match sequence {
        Some(ids) => format!("#lesson={id}&lessons={}", ids.join(",")),
        None => format!("#lesson={id}"),
    }
}

fn index_href(sequence: Option<&Vec<String>>) -> String {
    match sequence {
        Some(ids) => format!("#lessons={}", ids.join(",")),
        None => "#lessons".to_owned(),
    }
}

/// One file of the index, read or not.
#[derive(PartialEq)]
pub struct Entry {
    pub file: String,
    pub lesson: Result<Rc<Lesson>, Vec<String>>,
}

#[derive(PartialEq)]
enum Loading {
    Pending,
    Failed(String),
    Done(Rc<Vec<Entry>>),
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoCache);
    let failed = |e: wasm_bindgen::JsValue| format!("{url} could not be fetched ({})", js_message(&e));
    let response = JsFuture::from(gloo::utils::window().fetch_with_str_and_init(url, &init)).await.map_err(failed)?;
    let response: Response = response.dyn_into().map_err(|_| format!("{url}: not a response"))?;
    if !response.ok() {
        return Err(format!("{url} could not be fetched (HTTP {})", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?;
    text.as_string().ok_or_else(|| format!("{url} is not text"))
}

fn js_message(e: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"))
}

/// The index and every lesson it lists, each read or with its errors.
async fn load_all() -> Result<Vec<Entry>, String> {
    let index = fetch_text("lessons/index.json").await?;
    let files = lessons::parse_index(&index)?;
    let mut entries: Vec<Entry> = Vec::new();
    for file in files {
        let lesson = match fetch_text(&format!("lessons/{file}")).await {
            Err(why) => Err(vec![why]),
            Ok(text) => match read_lesson(&text).await {
                Err(errors) => Err(errors),
                Ok(lesson) => match entries.iter().find(|e| e.lesson.as_ref().is_ok_and(|l| l.id == lesson.id)) {
                    Some(other) => Err(vec![format!("`id`: “{}” is already the id of {}", lesson.id, other.file)]),
                    None => Ok(Rc::new(lesson)),
                },
            },
        };
        entries.push(Entry { file, lesson });
    }
    Ok(entries)
}

/// A lesson file, read by the engine module (a `lesson` request): the
/// lesson, or every problem of the file with where it is.
async fn read_lesson(text: &str) -> Result<Lesson, Vec<String>> {
    let answer = super::checks::request("lesson", &[("text", text.into())]).await.map_err(|why| vec![why])?;
    let field = |key: &str| {
        js_sys::Reflect::get(&answer, &key.into())
            .ok()
            .filter(|v| !v.is_undefined())
            .and_then(|v| js_sys::JSON::stringify(&v).ok())
            .map(String::from)
    };
    if let Some(errors) = field("errors") {
        let errors = json::parse(&errors).map_err(|e| vec![e])?;
        let read: Option<Vec<String>> =
            errors.as_array().and_then(|e| e.iter().map(|e| e.as_str().map(str::to_owned)).collect());
        return Err(
            read.unwrap_or_else(|| vec!["the engine's errors for this lesson are not a list of messages".to_owned()])
        );
    }
    let lesson = field("lesson").ok_or_else(|| vec!["the engine answered without the lesson".to_owned()])?;
    json::parse(&lesson).and_then(|l| Lesson::from_json(&l)).map_err(|e| vec![e])
}

/// The objects in `text`, from the engine module (an `objects` request).
async fn objects_in(text: &str) -> Result<Vec<ObjectRef>, String> {
    let answer = super::checks::request("objects", &[("text", text.into())]).await?;
    let objects = js_sys::Reflect::get(&answer, &"objects".into()).ok().filter(js_sys::Array::is_array);
    let json = objects.and_then(|o| js_sys::JSON::stringify(&o).ok()).ok_or("the engine answered without objects")?;
    let json = String::from(json);
    json::parse(&json)?.as_array().unwrap_or_default().iter().map(posture::report::read_object).collect()
}

fn storage() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

fn read_done() -> BTreeSet<String> {
    let raw = storage().and_then(|s| s.get_item(DONE).ok().flatten()).unwrap_or_default();
    let done = json::parse(&raw).ok().and_then(|v| v.into_array());
    done.unwrap_or_default().into_iter().filter_map(json::Value::into_string).collect()
}

fn write_done(done: &BTreeSet<String>) {
    if let Some(s) = storage() {
        let items: Vec<String> = done.iter().map(|id| json::quote(id)).collect();
        let _ = s.set_item(DONE, &format!("[{}]", items.join(",")));
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub route: Route,
}

/// The lessons part of the page: loads the lessons once, then shows the
/// index or a lesson.
#[function_component(Lessons)]
pub fn lessons_page(props: &Props) -> Html {
    let loading = use_state(|| Loading::Pending);
    let done = use_state(read_done);
    {
        let loading = loading.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                loading.set(match load_all().await {
                    Ok(entries) => Loading::Done(Rc::new(entries)),
                    Err(why) => Loading::Failed(why),
                });
            });
        });
    }
    let on_done = {
        let done = done.clone();
        Callback::from(move |id: String| {
            let mut next = read_done();
            if next.insert(id) {
                write_done(&next);
            }
            done.set(next);
        })
    };
    let on_reset_progress = {
        let done = done.clone();
        Callback::from(move |_| {
            if let Some(s) = storage() {
                let _ = s.remove_item(DONE);
                let keys: Vec<String> = (0..s.length().unwrap_or(0)).filter_map(|i| s.key(i).ok().flatten()).collect();
                for key in keys.iter().filter(|k| k.starts_with(TEXT)) {
                    let _ = s.remove_item(key);
                }
            }
            done.set(BTreeSet::new());
        })
    };

    let sequence = props.route.sequence();
    let body = match &*loading {
        Loading::Pending => html! { <p class="lesson-loading">{"Loading lessons…"}</p> },
        Loading::Failed(why) => html! {
            <div class="lesson-errors" data-testid="lesson-error" role="alert">
                <h2>{"The lessons could not be loaded"}</h2>
                <p>{why}</p>
            </div>
        },
        Loading::Done(entries) => {
            // A trainer's sequence: those lessons, in that order.
            let listed: Vec<&Entry> = match sequence {
                Some(ids) => ids
                    .iter()
                    .filter_map(|id| entries.iter().find(|e| e.lesson.as_ref().is_ok_and(|l| &l.id == id)))
                    .collect(),
                None => entries.iter().collect(),
            };
            match &props.route {
                Route::Index(_) => {
                    let missing: Vec<&String> = sequence
                        .map(|ids| {
                            ids.iter()
                                .filter(|id| !entries.iter().any(|e| e.lesson.as_ref().is_ok_and(|l| &&l.id == id)))
                                .collect()
                        })
                        .unwrap_or_default();
                    index_view(&listed, entries, sequence, &done, &missing, on_reset_progress)
                }
                Route::Lesson(id, _) => {
                    let position = listed.iter().position(|e| e.lesson.as_ref().is_ok_and(|l| &l.id == id));
                    match position.map(|i| (i, listed[i])) {
                        Some((i, Entry { lesson: Ok(lesson), .. })) => {
                            let next = listed[i + 1..]
                                .iter()
                                .find_map(|e| e.lesson.as_ref().ok())
                                .map(|l| (lesson_href(&l.id, sequence), l.title.clone()));
                            html! {
                                <LessonView key={lesson.id.clone()} lesson={lesson.clone()} next={next}
                                    index={index_href(sequence)} done={done.contains(&lesson.id)}
                                    on_done={on_done.clone()} />
                            }
                        }
                        _ => html! {
                            <div class="lesson-errors" data-testid="lesson-error" role="alert">
                                <h2>{format!("There is no lesson “{id}” here")}</h2>
                                <p>{"Its file may have errors, or it is not listed in lessons/index.json. "}
                                    <a href={index_href(sequence)}>{"See the lessons"}</a></p>
                            </div>
                        },
                    }
                }
            }
        }
    };
    html! {
        <>
        <header class="bar">
            <h1><a href="#lessons" class="home">{"Posture"}</a>{" lessons"}</h1>
            <p class="tagline">{"Kubernetes security exercises, checked by the engine in your browser."}</p>
            <nav class="lesson-nav">
                <a href={index_href(sequence)} data-testid="lessons-index-link">{"All lessons"}</a>
                <a href="#" data-testid="playground-link">{"Playground"}</a>
                <PresentToggle />
            </nav>
        </header>
        { body }
        </>
    }
}

/// The presenter-mode switch.
#[function_component(PresentToggle)]
pub fn present_toggle() -> Html {
    let on = use_state(super::present::on);
    let onclick = {
        let on = on.clone();
        Callback::from(move |_| {
            super::present::toggle();
            on.set(super::present::on());
        })
    };
    html! {
        <button data-testid="present-toggle" aria-pressed={on.to_string()} {onclick}>{"Presenter mode"}</button>
    }
}

fn index_view(
    listed: &[&Entry],
    all: &[Entry],
    sequence: Option<&Vec<String>>,
    done: &BTreeSet<String>,
    missing: &[&String],
    on_reset: Callback<MouseEvent>,
) -> Html {
    let finished = listed.iter().filter(|e| e.lesson.as_ref().is_ok_and(|l| done.contains(&l.id))).count();
    let total = listed.iter().filter(|e| e.lesson.is_ok()).count();
    // Files with errors are shown in the full index, for the trainer.
    let broken: Vec<&Entry> =
        if sequence.is_none() { all.iter().filter(|e| e.lesson.is_err()).collect() } else { vec![] };
    html! {
        <main class="lessons-index" data-testid="lessons-index">
            <h2>{ if sequence.is_some() { "This workshop's lessons" } else { "Lessons" } }</h2>
            <p class="progress" data-testid="lessons-progress">
                {format!("{finished} of {total} done on this device. ")}
                <button data-testid="lessons-reset-progress" onclick={on_reset}>{"Reset progress"}</button>
            </p>
            if !missing.is_empty() {
                <p class="lesson-errors" role="alert">
                    {format!("This workshop link names lessons that are not here: {}.",
                        missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))}
                </p>
            }
            <ol class="lesson-list">
                { for listed.iter().filter_map(|e| e.lesson.as_ref().ok()).map(|lesson| {
                    let is_done = done.contains(&lesson.id);
                    html! {
                        <li data-testid="lesson-card" data-lesson={lesson.id.clone()} data-done={is_done.to_string()}>
                            <a href={lesson_href(&lesson.id, sequence)}>
                                <span class="lesson-practice">{lesson.practice_title()}</span>
                                <strong>{&lesson.title}</strong>
                            </a>
                            if is_done { <span class="done-mark">{"✓ done"}</span> }
                        </li>
                    }
                }) }
            </ol>
            { for broken.iter().map(|entry| html! {
                <div class="lesson-errors" data-testid="lesson-file-error" data-file={entry.file.clone()} role="alert">
                    <h3>{format!("lessons/{} has errors", entry.file)}</h3>
                    <ul>{ for entry.lesson.as_ref().err().into_iter().flatten().map(|e| html! { <li>{e}</li> }) }</ul>
                </div>
            }) }
        </main>
    }
}

trait PracticeTitle {
    fn practice_title(&self) -> &'static str;
}

impl PracticeTitle for Lesson {
    fn practice_title(&self) -> &'static str {
        self.practice.title()
    }
}

/// How many hints are shown (a reducer, so the F9 listener never reads a
/// stale count).
#[derive(PartialEq)]
struct Hints {
    shown: usize,
    total: usize,
}

impl Reducible for Hints {
    type Action = ();
    fn reduce(self: Rc<Self>, _: ()) -> Rc<Self> {
        Rc::new(Hints { shown: (self.shown + 1).min(self.total), total: self.total })
    }
}

#[derive(Properties, PartialEq)]
pub struct ViewProps {
    pub lesson: Rc<Lesson>,
    /// The next lesson's address and title.
    pub next: Option<(String, String)>,
    pub index: String,
    pub done: bool,
    pub on_done: Callback<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Solution {
    Hidden,
    Confirming,
    Shown,
}

/// One lesson: what to do, the editor, and the goal as it stands.
#[function_component(LessonView)]
pub fn lesson_view(props: &ViewProps) -> Html {
    let lesson = props.lesson.clone();
    let state = {
        let lesson = lesson.clone();
        use_reducer(move || {
            let saved = storage().and_then(|s| s.get_item(&format!("{TEXT}{}", lesson.id)).ok().flatten());
            let text = saved.as_deref().unwrap_or(&lesson.start);
            let mut state =
                State::new(text, Origin::Own, lesson.level.unwrap_or(PssLevel::Restricted), BTreeSet::new());
            state.registries = Rc::new(lesson.registries.clone());
            state
        })
    };
    let hints = {
        let total = lesson.hints.len();
        use_reducer(move || Hints { shown: 0, total })
    };
    let solution = use_state(|| Solution::Hidden);
    // The report on the lesson's start, from the engine (the goal's "no new
    // kind of finding" compares with it); the goal waits for it.
    let start_report = use_state(|| None::<Rc<Report>>);
    {
        let (lesson, start_report) = (lesson.clone(), start_report.clone());
        use_effect_with(lesson.id.clone(), move |_| {
            let fields = super::checks::text_and_options(&lesson.start, &lesson.options(), "lesson.yaml");
            super::checks::ask("check", &fields, move |answer| {
                let report = answer.ok().and_then(|a| js_sys::Reflect::get(&a, &"report".into()).ok());
                if let Some(report) = report.and_then(|r| super::checks::read_report(&r)) {
                    start_report.set(Some(Rc::new(report)));
                }
            });
        });
    }

    // Check after each edit, as the playground does.
    super::checks::use_checks(&state);
    // Keep the lesson's text for the next visit.
    {
        let (text, id) = (state.text.clone(), lesson.id.clone());
        use_effect_with(state.revision, move |&revision| {
            if revision > 0 {
                if let Some(s) = storage() {
                    let _ = s.set_item(&format!("{TEXT}{id}"), &text);
                }
            }
        });
    }
    // The objects in the text as checked, from the engine, when the goal
    // keeps objects: the goal waits for them, and drops those of an older text.
    let present = use_state(|| None::<(Rc<String>, Rc<Vec<ObjectRef>>)>);
    {
        let (text, present, keeps) = (state.checked.text.clone(), present.clone(), !lesson.goal.keep.is_empty());
        use_effect_with(Rc::as_ptr(&state.checked.text) as usize, move |_| {
            if keeps {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(objects) = objects_in(&text).await {
                        present.set(Some((text, Rc::new(objects))));
                    }
                });
            }
        });
    }
    // The goal, for the text in the editor once it is checked.
    let checked = &state.checked;
    let current = checked.number > 0 && Rc::ptr_eq(&checked.text, &state.text);
    let objects = match &*present {
        _ if lesson.goal.keep.is_empty() => Some(&[][..]),
        Some((text, objects)) if Rc::ptr_eq(text, &checked.text) => Some(&objects[..]),
        _ => None,
    };
    let items = match (current, &*start_report, objects) {
        (true, Some(start), Some(objects)) => Some(lesson.evaluate(start, objects, &checked.report)),
        _ => None,
    };
    let met = items.as_ref().is_some_and(|items| items.iter().all(|i| i.met));
    let items = items.unwrap_or_default();
    {
        let (on_done, id) = (props.on_done.clone(), lesson.id.clone());
        use_effect_with(met, move |&met| {
            if met {
                on_done.emit(id);
            }
        });
    }
    // F8 / Shift+F8 through findings; F9 the next hint.
    {
        let dispatch = state.dispatcher();
        let hints = hints.dispatcher();
        use_effect_with((), move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::window(), "keydown", options, move |e| {
                let Some(key) = e.dyn_ref::<KeyboardEvent>() else { return };
                match key.key().as_str() {
                    "F8" => {
                        key.prevent_default();
                        dispatch.dispatch(Action::Step(!key.shift_key()));
                    }
                    "F9" => {
                        key.prevent_default();
                        hints.dispatch(());
                    }
                    _ => {}
                }
            });
            move || drop(listener)
        });
    }

    let on_hint = {
        let hints = hints.dispatcher();
        Callback::from(move |_| hints.dispatch(()))
    };
    let on_reset = {
        let dispatch = state.dispatcher();
        let start = lesson.start.clone();
        Callback::from(move |_| dispatch.dispatch(Action::Load(start.clone())))
    };
    let set_solution = |to: Solution| {
        let solution = solution.clone();
        Callback::from(move |_| solution.set(to))
    };
    let on_use_solution = {
        let dispatch = state.dispatcher();
        let text = lesson.solution.clone();
        Callback::from(move |_| dispatch.dispatch(Action::Load(text.clone())))
    };
    let goal_state = if met { "met" } else { "open" };
    let level = lesson.level.unwrap_or(PssLevel::Restricted).name();
    html! {
        <main class="lesson" data-testid="lesson" data-lesson={lesson.id.clone()}>
            <section class="lesson-brief" aria-label="Lesson">
                <p class="lesson-practice">{lesson.practice.title()}{format!(" · checked at Pod Security level {level}")}
                    if props.done { <span class="done-mark" data-testid="lesson-done">{" · ✓ done"}</span> }
                </p>
                <h2>{&lesson.title}</h2>
                <div class="lesson-intro">{ markdown(&lesson.intro) }</div>
                <div class="goal" data-testid="lesson-goal" data-state={goal_state} aria-live="polite">
                    <h3>{ if met { "Goal met. Well done!" } else { "Goal" } }</h3>
                    <ul>
                        { for items.iter().map(|item| {
                            let state = if item.met { "met" } else { "open" };
                            html! {
                                <li data-testid="goal-item" data-state={state} class={classes!("goal-item", state)}>
                                    <span class="tick" aria-hidden="true">{ if item.met { "✓" } else { "○" } }</span>
                                    {" "}{&item.label}
                                    if let Some(detail) = &item.detail { <span class="detail">{format!(" ({detail})")}</span> }
                                    <span class="visually-hidden">{ if item.met { " (met)" } else { " (not yet)" } }</span>
                                </li>
                            }
                        }) }
                    </ul>
                    if met {
                        if let Some((href, title)) = &props.next {
                            <p class="next-up">{"Next: "}<a href={href.clone()}>{title}</a></p>
                        }
                    }
                </div>
                <div class="lesson-actions">
                    <button data-testid="lesson-hint" onclick={on_hint} disabled={hints.shown >= hints.total}
                        title="Next hint (F9)">
                        {format!("Hint ({} of {})", hints.shown, hints.total)}
                    </button>
                    <button data-testid="lesson-solution" onclick={set_solution(Solution::Confirming)}
                        disabled={*solution != Solution::Hidden}>{"Show solution"}</button>
                    <button data-testid="lesson-reset" onclick={on_reset}>{"Reset"}</button>
                    { match &props.next {
                        Some((href, _)) => html! { <a class="button" data-testid="lesson-next" href={href.clone()}>{"Next lesson"}</a> },
                        None => html! { <a class="button" data-testid="lesson-next" href={props.index.clone()}>{"All lessons"}</a> },
                    } }
                </div>
                if hints.shown > 0 {
                    <ol class="hints" data-testid="hints">
                        { for lesson.hints.iter().take(hints.shown).map(|h| html! { <li data-testid="hint">{ markdown(h) }</li> }) }
                    </ol>
                }
                if *solution == Solution::Confirming {
                    <div class="confirm" role="alertdialog" aria-label="Show the solution?">
                        <p>{"Show the solution? Trying one more hint first is often worth it."}</p>
                        <button data-testid="lesson-solution-confirm" onclick={set_solution(Solution::Shown)}>{"Show it"}</button>
                        {" "}
                        <button onclick={set_solution(Solution::Hidden)}>{"Not yet"}</button>
                    </div>
                }
                if *solution == Solution::Shown {
                    <div class="solution" data-testid="lesson-solution-text">
                        <h3>{"Solution"}</h3>
                        <pre><code>{&lesson.solution}</code></pre>
                        <button data-testid="lesson-use-solution" onclick={on_use_solution}>{"Put it in the editor"}</button>
                    </div>
                }
                if !lesson.references.is_empty() {
                    <ul class="references">
                        { for lesson.references.iter().map(|r| html! {
                            <li><a href={r.url.clone()} rel="noopener noreferrer" target="_blank">{&r.title}</a></li>
                        }) }
                    </ul>
                }
            </section>
            <section class="pane editor-pane" aria-label="Editor">
                <Editor text={state.text.clone()} loaded={state.loaded} checked={state.checked.clone()}
                    marks={state.marks.clone()} select={state.select} dispatch={state.dispatcher()} />
                <p class="status" role="status" aria-live="polite">{state.status.clone().unwrap_or_default()}</p>
            </section>
            <section class="pane findings-pane" aria-label="Findings">
                <FindingsPanel state={state.clone()} />
            </section>
        </main>
    }
}

/// Lesson Markdown as elements (never as HTML).
fn markdown(text: &str) -> Html {
    html! {
        { for lessons::markdown(text).into_iter().map(|block| match block {
            Block::Paragraph(parts) => html! { <p>{ inline(parts) }</p> },
            Block::Heading(parts) => html! { <h4>{ inline(parts) }</h4> },
            Block::List(items) => html! { <ul>{ for items.into_iter().map(|i| html! { <li>{ inline(i) }</li> }) }</ul> },
            Block::Code(code) => html! { <pre><code>{code}</code></pre> },
        }) }
    }
}

fn inline(parts: Vec<Inline>) -> Html {
    html! {
        { for parts.into_iter().map(|part| match part {
            Inline::Text(t) => html! { {t} },
            Inline::Code(c) => html! { <code>{c}</code> },
            Inline::Strong(s) => html! { <strong>{s}</strong> },
            Inline::Link { text, url } => html! { <a href={url} rel="noopener noreferrer" target="_blank">{text}</a> },
        }) }
    }
}

//! The playground (wasm only): paste YAML, see every finding where it is.
//! The engine runs in a Web Worker of the page (see `checks`); the text
//! never leaves the browser.

mod checks;
mod controls;
mod editor;
mod examples;
mod findings;
mod fixes;
mod lesson;
mod notices;
mod present;
mod registry;
mod session;
mod state;

use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use controls::Controls;
use editor::Editor;
use findings::FindingsPanel;
use state::{Action, State, Topic};

#[function_component(App)]
fn app() -> Html {
    let state = use_reducer(session::initial_state);

    checks::use_checks(&state);
    // Keep every change for the next visit (in this browser only), whether
    // or not its check ever finishes; say so when it cannot be kept.
    {
        let dispatch = state.dispatcher();
        let (text, origin, level) = (state.text.clone(), state.origin, state.level);
        let shown = state.notice_on(Topic::Saving).cloned();
        use_effect_with(state.revision, move |&revision| {
            let notice = if revision > 0 { session::save(&text, origin, level) } else { shown.clone() };
            if notice != shown {
                dispatch.dispatch(Action::Notice(Topic::Saving, notice));
            }
        });
    }
    fixes::use_fix_undo(&state);
    // F8 / Shift+F8 step through findings from anywhere on the page.
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::window(), "keydown", options, move |e| {
                let Some(key) = e.dyn_ref::<KeyboardEvent>() else { return };
                if key.key() == "F8" {
                    key.prevent_default();
                    dispatch.dispatch(Action::Step(!key.shift_key()));
                }
            });
            move || drop(listener)
        });
    }

    html! {
        <>
        <header class="bar">
            <h1>{"Posture"}</h1>
            <p class="tagline">{"Kubernetes security posture, checked in your browser. Nothing you paste leaves this page."}</p>
            <a href="#lessons" data-testid="lessons-link">{"Lessons"}</a>
            <lesson::PresentToggle />
            <Controls state={state.clone()} />
        </header>
        <main class="panes">
            <section class="pane editor-pane" aria-label="Editor">
                { notices::view(&state) }
                <Editor text={state.text.clone()} loaded={state.loaded} checked={state.checked.clone()}
                    marks={state.marks.clone()} select={state.select} dispatch={state.dispatcher()} />
                <p class="status" role="status" aria-live="polite">{status_line(&state)}</p>
                { fixes::caret_fix(&state) }
            </section>
            <section class="pane findings-pane" aria-label="Findings">
                <FindingsPanel state={state.clone()} />
            </section>
        </main>
        </>
    }
}

/// A message just sent, else what is under the caret.
/// `12.34` (or `-0.5`): a number to two decimals, formatted as integers
/// (formatting a float links code of its own, about 11 KB of wasm).
fn hundredths(v: f64) -> String {
    let n = (v.abs() * 100.0).round() as u64;
    let sign = if v < 0.0 && n > 0 { "-" } else { "" };
    match n % 100 {
        0 => format!("{sign}{}", n / 100),
        f => format!("{sign}{}.{f:02}", n / 100),
    }
}

/// A length in CSS pixels, for the CSSOM (the CSP forbids style attributes).
fn px(v: f64) -> String {
    format!("{}px", hundredths(v))
}

fn status_line(state: &State) -> String {
    if let Some(status) = &state.status {
        return status.clone();
    }
    let checked = &state.checked;
    if !Rc::ptr_eq(&checked.text, &state.text) || checked.text.is_empty() {
        return String::new();
    }
    let line = checked.lines.line_of(state.cursor);
    let here = state.marks.at(line, state.cursor);
    match here.first().map(|m| m.source) {
        Some(posture::playground::marks::Source::Finding(i)) => {
            let f = &checked.report.findings[i];
            format!("Line {}: {} ({}): {}", line + 1, f.rule.title, f.severity.name(), f.message)
        }
        Some(posture::playground::marks::Source::Error(i)) => {
            format!("Line {}: {}", line + 1, checked.report.errors[i].message)
        }
        None => format!("Line {}. F8 and Shift+F8 step through findings.", line + 1),
    }
}

/// The playground, or the lessons when the address asks for them.
#[function_component(Root)]
fn root() -> Html {
    let route = use_state(current_route);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener =
                EventListener::new(&gloo::utils::window(), "hashchange", move |_| route.set(current_route()));
            move || drop(listener)
        });
    }
    match &*route {
        Some(route) => html! { <lesson::Lessons route={route.clone()} /> },
        None => html! { <App /> },
    }
}

fn current_route() -> Option<lesson::Route> {
    lesson::Route::parse(&gloo::utils::window().location().hash().unwrap_or_default())
}

pub fn start() {
    present::from_address();
    checks::start();
    registry::start();
    yew::Renderer::<Root>::new().render();
}

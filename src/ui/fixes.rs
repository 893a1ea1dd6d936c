//! Applying fixes in the playground: "Apply fix" on a finding (in the
//! panel, or the one under the caret), "Fix all safe", and the undo stack
//! that makes every apply one step of Ctrl+Z / Ctrl+Shift+Z.
//!
//! Fixes go to the engine module (a `fix` request, see [`super::checks`]),
//! whose verifying apply is `posture fix`'s: the text changes only when the
//! fixed findings are gone, no finding appeared, every document still
//! parses and holds the same objects. Otherwise nothing changes and the
//! reason is shown. The answer comes later: one for a text since changed
//! is dropped by the reducer.

use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use js_sys::{Array, Object, Reflect};
use posture::fix::{Applicability, FixState, PLACEHOLDER};
use posture::playground::text::difference;
use posture::Finding;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use super::checks;
use super::state::{Action, State, FILE};

/// Undo steps kept (each holds two whole texts).
const MOST_STEPS: usize = 50;

/// The texts around each fix apply: (before, after).
#[derive(Clone, Default)]
pub struct History {
    undo: Vec<(Rc<String>, Rc<String>)>,
    redo: Vec<(Rc<String>, Rc<String>)>,
}

impl History {
    /// Undo applies when the editor holds exactly what the last apply (or
    /// redo) left; after typing, the browser's own undo comes first, and
    /// once it is back at that text, this takes over.
    pub fn can_undo(&self, current: &str) -> bool {
        self.undo.last().is_some_and(|(_, after)| after.as_str() == current)
    }

    pub fn can_redo(&self, current: &str) -> bool {
        self.redo.last().is_some_and(|(before, _)| before.as_str() == current)
    }
}

/// A change to the text through fixes, for the reducer.
pub enum Step {
    /// A verified fix: the text it was computed on, the fixed text, and
    /// what to say.
    Applied {
        before: Rc<String>,
        after: String,
        status: String,
    },
    Undo,
    Redo,
}

/// Why a fix's answer was dropped.
const CHANGED_MEANWHILE: &str = "Not applied: the text changed meanwhile; try again.";

/// The reducer's part for [`Step`]s.
pub fn reduce(next: &mut State, step: Step) {
    // The editor holds a newer text than the app's: a step would replace
    // it with one made from the app's, and the newer one would be lost.
    if super::editor::holds_untold_text() {
        if matches!(step, Step::Applied { .. }) {
            next.status = Some(CHANGED_MEANWHILE.into());
        }
        return;
    }
    let current = next.text.clone();
    let (text, status) = match step {
        Step::Applied { before, after, status } => {
            if !Rc::ptr_eq(&before, &current) {
                next.status = Some(CHANGED_MEANWHILE.into());
                return;
            }
            let after = Rc::new(after);
            let history = Rc::make_mut(&mut next.history);
            history.undo.push((current.clone(), after.clone()));
            if history.undo.len() > MOST_STEPS {
                history.undo.remove(0);
            }
            history.redo.clear();
            (after, status)
        }
        Step::Undo => {
            if !next.history.can_undo(&current) {
                return;
            }
            let history = Rc::make_mut(&mut next.history);
            let (before, after) = history.undo.pop().expect("checked by can_undo");
            history.redo.push((before.clone(), after));
            (before, "Fix undone (Ctrl+Shift+Z redoes it).".to_owned())
        }
        Step::Redo => {
            if !next.history.can_redo(&current) {
                return;
            }
            let history = Rc::make_mut(&mut next.history);
            let (before, after) = history.redo.pop().expect("checked by can_redo");
            history.undo.push((before, after.clone()));
            (after, "Fix redone (Ctrl+Z undoes it).".to_owned())
        }
    };
    let (start, _, end) = difference(&current, &text);
    let (start, end) = placeholder_in(&text, (start, end));
    next.text = text;
    next.loaded += 1;
    next.revision += 1;
    next.cursor = start;
    next.select = Some((start, end, next.select.map_or(1, |(_, _, n)| n + 1)));
    next.status = Some(status);
    next.notice(super::state::Topic::Share, None);
}

/// Within a changed range, the placeholder a needs-value fix inserted (its
/// quotes included), so that typing replaces it; else the whole range.
fn placeholder_in(text: &str, (start, end): (usize, usize)) -> (usize, usize) {
    let Some(at) = text[start..end].find(PLACEHOLDER).map(|i| start + i) else { return (start, end) };
    let quote = text[..at].chars().next_back().filter(|c| *c == '"' || *c == '\'');
    let from = at - quote.map_or(0, char::len_utf8);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let to = match quote {
        Some(q) => text[at..line_end].find(q).map_or(line_end, |i| at + i + 1),
        None => line_end,
    };
    (from, to)
}

/// What an unsafe fix may break, by rule.
fn risk(rule: &str) -> &'static str {
    match rule {
        "pss/privileged" => "Containers that need device or kernel access (CNI, storage and monitoring agents) stop working without privileged mode.",
        "pss/host-namespaces" => "Processes that use the node's network, PID or IPC namespace lose it: node agents, host-network DNS, services bound to node addresses.",
        "pss/host-ports" => "Clients that reach the pod on the node's port lose it; expose it through a Service instead.",
        "pss/run-as-non-root" => "Images whose user is root (UID 0) no longer start: the kubelet refuses them.",
        "pss/apparmor" | "pss/seccomp-baseline" => "A confining profile blocks system calls and file access some programs use (debuggers, some runtimes and agents).",
        "pss/proc-mount" | "pss/proc-mount-restricted" => "Workloads that need an unmasked /proc (nested containers, some build tools) stop working.",
        "pss/capabilities-restricted" | "pss/capabilities-baseline" => "Dropping capabilities breaks processes that bind ports below 1024, change file ownership, switch users or use raw sockets.",
        "workload/read-only-root-fs" => "Processes that write to the root filesystem (temporary files, caches, PID files) fail unless those paths get a volume such as an emptyDir.",
        "workload/share-process-namespace" => "Sidecars that signal or inspect another container's processes lose sight of them.",
        "controller-manager/bind-address" | "scheduler/bind-address" => "Health checks and metrics scrapers that reach the component on another address lose it.",
        _ => "It may change what the workload is able to do; test it before deploying.",
    }
}

/// Asks the engine to apply the fixes `select` names (see `fix` in
/// `types.d.ts`) to the checked text; the verified result goes to the
/// reducer, which drops it if the text changed meanwhile. `refused` gets
/// why nothing changed, if so.
fn apply(state: &State, dispatch: UseReducerDispatcher<State>, select: Object, refused: impl FnOnce(String) + 'static) {
    let checked = &state.checked;
    if !Rc::ptr_eq(&checked.text, &state.text) || super::editor::holds_untold_text() {
        return refused("the latest edit is still being checked; try again in a moment".into());
    }
    let before = checked.text.clone();
    let mut fields = checks::text_and_options(&before, &state.options(), FILE).to_vec();
    fields.push(("select", select.into()));
    checks::ask("fix", &fields, move |answer| {
        let get = |object: &JsValue, key: &str| Reflect::get(object, &key.into()).unwrap_or_default();
        let fix = match answer {
            Ok(answer) => get(&answer, "fix"),
            Err(why) => return refused(why),
        };
        if let Some(reason) = get(&fix, "refused").as_string() {
            return refused(reason);
        }
        let (Some(after), true) = (get(&fix, "text").as_string(), get(&fix, "changed").is_truthy()) else {
            return refused("no edit applied (the findings changed; check again)".into());
        };
        let applied: Vec<String> = Array::from(&get(&fix, "applied")).iter().filter_map(|r| r.as_string()).collect();
        let status = match applied.as_slice() {
            [rule] => format!("Applied the fix for {rule} (Ctrl+Z undoes it)."),
            _ => format!("Applied {} fixes (Ctrl+Z undoes them).", applied.len()),
        };
        dispatch.dispatch(Action::Fix(Step::Applied { before, after, status }));
    });
}

fn select(entries: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in entries {
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object
}

/// Whether a finding has a safe fix ready ("Fix all safe" counts those of
/// the shown findings: filters apply to it as to the list).
pub fn has_safe_fix(f: &Finding) -> bool {
    matches!(&f.fix, Some(FixState::Ready(fix)) if fix.applicability == Applicability::Safe)
}

/// "Fix all safe": every safe fix of the shown findings (`n`, counted by
/// `Counted` in `findings.rs`), at once.
pub fn fix_all(state: &UseReducerHandle<State>, n: usize) -> Html {
    let onclick = {
        let state = state.clone();
        Callback::from(move |_| {
            let dispatch = state.dispatcher();
            let names = |items: Vec<&str>| items.into_iter().map(JsValue::from_str).collect::<Array>().into();
            let hidden = select(&[
                ("hiddenSeverities", names(state.hidden_severities.iter().map(|s| s.name()).collect())),
                ("hiddenFamilies", names(state.hidden_families.iter().copied().collect())),
            ]);
            let say = dispatch.clone();
            apply(&state, dispatch, hidden, move |reason| {
                say.dispatch(Action::Status(format!("Fix all safe: nothing applied: {reason}.")))
            });
        })
    };
    html! {
        <button class="fix-all" data-testid="fix-all" disabled={n == 0} {onclick}
            title="Applies every safe fix of the findings shown, checked again before the text changes. Ctrl+Z undoes it.">
            {format!("Fix all safe ({n})")}
        </button>
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<State>,
    /// The finding, by index in the checked report.
    pub index: usize,
    /// The button over the editor's corner, for the finding under the caret.
    #[prop_or_default]
    pub caret: bool,
}

#[derive(Clone, PartialEq)]
enum Pending {
    /// An unsafe fix's warning, waiting for "Apply anyway".
    Confirm,
    /// Why the last attempt left the text as it was.
    Refused(String),
}

/// A finding's fix: "Apply fix" (safe), "Apply fix…" with a warning first
/// (unsafe), "Insert placeholder" (needs a value), or why there is none.
#[function_component(FixButton)]
pub fn fix_button(props: &Props) -> Html {
    let state = &props.state;
    // Belongs to one finding of one check: stale once either changes.
    let pending = use_state(|| None::<(u64, usize, Pending)>);
    let Some(f) = state.checked.report.findings.get(props.index) else { return html! {} };
    let here = (state.checked.number, props.index);
    let current = pending.as_ref().filter(|(n, i, _)| (*n, *i) == here).map(|(_, _, p)| p.clone());
    let fix = match &f.fix {
        None => return html! {},
        Some(FixState::Refused(reason)) => {
            return html! {
                <p class="fix-refused" data-testid="fix-refused">{"No automatic fix here: "}<bdi>{reason.clone()}</bdi></p>
            };
        }
        Some(FixState::Ready(fix)) => fix.clone(),
    };
    let applicability = fix.applicability.name();
    let go = {
        let (state, pending) = (state.clone(), pending.clone());
        let index = props.index;
        Callback::from(move |_: MouseEvent| {
            pending.set(None);
            let Some(f) = state.checked.report.findings.get(index) else { return };
            let finding = select(&[
                ("finding", (index as f64).into()),
                ("rule", f.rule.id.into()),
                ("message", f.message.as_str().into()),
            ]);
            let (say, pending, number) = (state.dispatcher(), pending.clone(), state.checked.number);
            apply(&state, state.dispatcher(), finding, move |reason| {
                say.dispatch(Action::Status(format!("Fix not applied: {reason}.")));
                pending.set(Some((number, index, Pending::Refused(reason))));
            });
        })
    };
    let confirm = {
        let pending = pending.clone();
        Callback::from(move |_: MouseEvent| pending.set(Some((here.0, here.1, Pending::Confirm))))
    };
    let cancel = {
        let pending = pending.clone();
        Callback::from(move |_: MouseEvent| pending.set(None))
    };
    let testid = if props.caret { "caret-apply-fix" } else { "apply-fix" };
    let button = match applicability {
        "unsafe" => html! {
            <button class="apply-fix unsafe" data-testid={testid} data-applicability="unsafe" onclick={confirm}
                aria-expanded={(current == Some(Pending::Confirm)).to_string()}
                title="An unsafe fix may break the workload: see what before applying">{"Apply fix…"}</button>
        },
        "needs-value" => html! {
            <button class="apply-fix" data-testid={testid} data-applicability="needs-value" onclick={go.clone()}
                title={format!("Inserts a marked placeholder ({PLACEHOLDER}: …) for a value only you know, selected so you can type it")}>
                {"Insert placeholder"}</button>
        },
        _ => html! {
            <button class="apply-fix" data-testid={testid} data-applicability="safe" onclick={go.clone()}
                title="Applies this fix, checked again before the text changes. Ctrl+Z undoes it.">{"Apply fix"}</button>
        },
    };
    html! {
        <div class="fix">
            {button}
            <span class={classes!("fix-kind", applicability)}>{match applicability {
                "unsafe" => "unsafe: may break the workload",
                "needs-value" => "needs a value",
                _ => "safe",
            }}</span>
            { match current {
                Some(Pending::Confirm) => html! {
                    <div class="fix-warning" role="alert" data-testid="fix-warning">
                        <p><strong>{"This fix may break the workload. "}</strong>{risk(f.rule.id)}</p>
                        <button class="apply-fix" data-testid="confirm-fix" onclick={go}>{"Apply anyway"}</button>
                        {" "}<button onclick={cancel}>{"Cancel"}</button>
                    </div>
                },
                Some(Pending::Refused(reason)) => html! {
                    <p class="fix-refused" data-testid="fix-refused">{"Not applied: "}<bdi>{reason}</bdi></p>
                },
                None => html! {},
            } }
        </div>
    }
}

/// Over the editor's lower corner: the fix of the finding under the caret (click an
/// underline to get there).
pub fn caret_fix(state: &UseReducerHandle<State>) -> Html {
    let checked = &state.checked;
    if !Rc::ptr_eq(&checked.text, &state.text) || checked.text.is_empty() {
        return html! {};
    }
    let line = checked.lines.line_of(state.cursor);
    let found = state.marks.at(line, state.cursor).into_iter().find_map(|m| match m.source {
        posture::playground::marks::Source::Finding(i) if checked.report.findings[i].fix.is_some() => Some(i),
        _ => None,
    });
    match found {
        Some(index) => html! {
            <div class="caret-fix" data-testid="caret-fix">
                <span class="caret-fix-title">{format!("Line {}: {}", line + 1, checked.report.findings[index].rule.title)}</span>
                <FixButton state={state.clone()} {index} caret={true} />
            </div>
        },
        None => html! {},
    }
}

/// Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) in the editor undo and redo fix
/// applies when the editor holds exactly the text around one; any other
/// time they are the browser's own.
#[hook]
pub fn use_fix_undo(state: &UseReducerHandle<State>) {
    // The fixes' history and the whole text (the editor's textarea holds
    // only the text around the caret).
    let current = use_mut_ref(|| (Rc::<History>::default(), Rc::<String>::default()));
    *current.borrow_mut() = (state.history.clone(), state.text.clone());
    let dispatch = state.dispatcher();
    use_effect_with((), move |_| {
        let options = EventListenerOptions::enable_prevent_default();
        let listener = EventListener::new_with_options(&gloo::utils::window(), "keydown", options, move |e| {
            let Some(key) = e.dyn_ref::<KeyboardEvent>() else { return };
            // Taken by the editor's own undo (typing since the fix).
            if key.default_prevented() {
                return;
            }
            if !(key.ctrl_key() || key.meta_key()) || key.alt_key() {
                return;
            }
            // Case-blind by hand: `to_lowercase` links Unicode's case tables.
            let pressed = key.key();
            let redo = if pressed.eq_ignore_ascii_case("z") {
                key.shift_key()
            } else if pressed.eq_ignore_ascii_case("y") && !key.shift_key() {
                true
            } else {
                return;
            };
            let Some(area) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) else { return };
            if area.get_attribute("data-testid").as_deref() != Some("editor") {
                return;
            }
            let (history, value) = &*current.borrow();
            if if redo { history.can_redo(value) } else { history.can_undo(value) } {
                key.prevent_default();
                dispatch.dispatch(Action::Fix(if redo { Step::Redo } else { Step::Undo }));
            }
        });
        move || drop(listener)
    });
}

//! The findings panel: counts by severity, filters, findings grouped by
//! object or by rule, each with its rationale, references and fix.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use posture::report::{Finding, Status};
use posture::rules::Severity;
use web_sys::HtmlElement;
use yew::prelude::*;

use super::hundredths;
use super::state::{families, Action, Group, State};

/// Rows drawn beyond those in view, above and below: enough for a flick
/// of the wheel, few enough that a new report draws about a screenful.
const OVERSCAN: usize = 8;
/// A report of at most this many rows (findings and headings) is drawn
/// whole: every row of a small report is in the page without scrolling.
const WHOLE: usize = 60;
/// A row's height (px) until rows have been drawn and measured.
const ROW_GUESS: f64 = 90.0;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<State>,
}

#[function_component(FindingsPanel)]
pub fn findings_panel(props: &Props) -> Html {
    let state = &props.state;
    let report = &state.checked.report;
    let dispatch = state.dispatcher();

    // Counted and grouped once per report, filter and grouping, not on every
    // draw: the panel is drawn again on every keystroke, and counting and
    // grouping 40,000 findings took it about 6 ms. An answer that changed and
    // moved no finding (a keystroke at the end of the text) keeps the report
    // itself (`checks::read_changes`), so its counts are kept too.
    let counted = {
        let key = (
            Rc::as_ptr(&state.checked.report) as usize,
            state.hidden_severities,
            state.hidden_families.clone(),
            state.group,
        );
        let state = state.clone();
        use_memo(key, move |_| Counted::new(&state))
    };
    let shown = counted.shown;
    html! {
        <div class="findings">
            <p class="summary" aria-live="polite" data-check-ms={hundredths(state.checked.millis)}
                data-check-number={state.checked.number.to_string()}>
                <span data-testid="finding-count" class="count">{report.findings.len()}</span>
                {plural(report.findings.len(), " finding", " findings")}
                {format!(" in {}", plural(report.objects, "1 object", &format!("{} objects", report.objects)))}
                if !report.errors.is_empty() {
                    <span class="error-count">{format!(", {}", plural(report.errors.len(), "1 input error", &format!("{} input errors", report.errors.len())))}</span>
                }
                if shown != report.findings.len() {
                    {format!(" ({shown} shown)")}
                }
            </p>
            { super::fixes::fix_all(state, counted.safe_fixes) }
            <ul class="practices" aria-label="Posture by practice" data-testid="practices">
                { for report.practices.iter().map(|p| html! {
                    <li class={classes!("practice", p.status.name())} data-status={p.status.name()} title={practice_detail(p)}>
                        <span class="practice-status">{match p.status { Status::Fail => "✗", Status::Pass => "✓", Status::NotAssessed => "–" }}</span>
                        {" "}{p.title}
                        if p.findings > 0 { <span class="practice-count">{format!(" {}", p.findings)}</span> }
                    </li>
                }) }
            </ul>
            <div class="filters" role="group" aria-label="Filter findings">
                { for Severity::ALL.iter().rev().map(|&s| severity_chip(state, s, counted.of_severity(s))) }
                <details class="menu family-filters">
                    <summary>{format!("Families shown ({} of {})", families().len() - state.hidden_families.len(), families().len())}</summary>
                    <fieldset class="families">
                        <legend>{"Show findings of"}</legend>
                        { for families().into_iter().map(|f| family_filter(state, f)) }
                    </fieldset>
                </details>
                <label class="group-by">{"Group by "}
                    <select aria-label="Group findings by" onchange={
                        let dispatch = dispatch.clone();
                        Callback::from(move |e: Event| {
                            let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                            dispatch.dispatch(Action::Group(if value == "rule" { Group::Rule } else { Group::Object }));
                        })
                    }>
                        <option value="object" selected={state.group == Group::Object}>{"object"}</option>
                        <option value="rule" selected={state.group == Group::Rule}>{"rule"}</option>
                    </select>
                </label>
            </div>
            <ul class="errors">
                { for report.errors.iter().map(|e| {
                    let span = e.span;
                    let onclick = {
                        let dispatch = dispatch.clone();
                        Callback::from(move |_| if let Some(s) = span { dispatch.dispatch(Action::Select(s.start.at(), s.end.at())) })
                    };
                    html! {
                        <li class="error" data-testid="input-error">
                            <button class="jump" {onclick}>
                                <span class="badge error">{"error"}</span>
                                <span class="where">{span.map(|s| format!(" line {}:{} ", s.start.line, s.start.column)).unwrap_or_default()}</span>
                                <span class="message">{&e.message}</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <FindingList state={state.clone()} groups={counted.groups.clone()} />
            if !report.suppressed.is_empty() {
                <details class="suppressed" data-testid="suppressed">
                    <summary>{format!("{} suppressed (reviewed and accepted)", report.suppressed.len())}</summary>
                    <ul>
                        { for report.suppressed.iter().map(|s| html! {
                            <li><code>{s.finding.rule.id}</code>{format!(" line {}: ", s.finding.span.start.line)}<bdi>{&s.finding.message}</bdi>
                                {format!(" ({}: ", s.suppression.via)}<bdi>{&s.suppression.reason}</bdi>{")"}</li>
                        }) }
                    </ul>
                </details>
            }
            if report.findings.is_empty() && report.errors.is_empty() {
                <p class="clean">{"No findings: nothing here breaks the enabled rules."}</p>
            }
        </div>
    }
}

fn practice_detail(p: &posture::report::PracticeSummary) -> String {
    match p.status {
        Status::Fail => format!("{}: {} finding(s)", p.title, p.findings),
        Status::Pass => format!("{}: {} rule(s) checked {} object(s), nothing found", p.title, p.rules, p.objects),
        Status::NotAssessed => format!("{}: nothing in the input to check", p.title),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_owned()
    } else {
        many.to_owned()
    }
}

/// What the panel counts of a check: findings shown, of each severity, with
/// a safe fix; and the shown findings' groups.
struct Counted {
    shown: usize,
    /// By [`Severity`]'s order (that of [`Severity::ALL`]).
    by_severity: [usize; Severity::ALL.len()],
    safe_fixes: usize,
    groups: Rc<Groups>,
}

impl Counted {
    /// In one pass over the findings: a pass for each count took an answer
    /// of 40,000 findings a few ms each.
    fn new(state: &State) -> Self {
        let findings = &state.checked.report.findings;
        let mut shown = Vec::with_capacity(findings.len());
        let mut by_severity = [0; Severity::ALL.len()];
        let mut safe_fixes = 0;
        for (i, f) in findings.iter().enumerate() {
            by_severity[f.severity as usize] += 1;
            if state.shows(f) {
                shown.push(i);
                safe_fixes += usize::from(super::fixes::has_safe_fix(f));
            }
        }
        let groups = Rc::new(group(state, &shown));
        Counted { shown: shown.len(), by_severity, safe_fixes, groups }
    }

    fn of_severity(&self, severity: Severity) -> usize {
        self.by_severity[severity as usize]
    }
}

/// The shown findings in groups (see [`group`]).
#[derive(Default)]
struct Groups {
    /// Each group's heading and where its findings are in `members`.
    headings: Vec<(String, usize, usize)>,
    /// Indexes in the report, group after group.
    members: Vec<usize>,
}

impl Groups {
    fn iter(&self) -> impl Iterator<Item = (&String, &[usize])> {
        self.headings.iter().map(|(heading, start, end)| (heading, &self.members[*start..*end]))
    }
}

/// Findings in groups: by object (in order of appearance) or by rule (in
/// the order of their headings), each group its heading and the indexes of
/// its findings. An object's heading is left empty, to be named where it is
/// drawn ([`heading`]): naming 10,000 objects took an answer milliseconds.
/// The findings are placed in one list once the groups are known, not in a
/// list per group (20,000 lists for 10 MB of manifests, on every answer).
fn group(state: &State, shown: &[usize]) -> Groups {
    let findings = &state.checked.report.findings;
    // Each group's heading, first finding and size; each finding's group.
    let mut groups: Vec<(String, usize, usize)> = Vec::new();
    let mut of = Vec::with_capacity(shown.len());
    // Groups by the hash of their heading, formatted only where two hashes
    // meet (formatting and hashing a heading for each of 10,000 objects took
    // an answer about 10 ms).
    let mut index: HashMap<u64, usize, BuildHasherDefault<Hashed>> = HashMap::default();
    // Findings come object by object: the previous finding's group, found
    // again without naming its object or rule (a name per finding, for 40,000).
    let mut last: Option<(*const (), usize)> = None;
    for &i in shown {
        let f = &findings[i];
        let same = match state.group {
            Group::Object => Rc::as_ptr(&f.object) as *const (),
            Group::Rule => std::ptr::from_ref(f.rule) as *const (),
        };
        let g = match last.filter(|(p, _)| *p == same) {
            Some((_, g)) => g,
            None => {
                // The heading's text, hashed as it would be written.
                let key = match state.group {
                    Group::Object => {
                        let object = &*f.object;
                        let mut key = fnv(fnv(FNV, &object.kind), " ");
                        if let Some(namespace) = &object.namespace {
                            key = fnv(fnv(key, namespace), "/");
                        }
                        fnv(key, object.name.as_deref().unwrap_or(UNNAMED))
                    }
                    Group::Rule => fnv(FNV, f.rule.id),
                };
                let same_heading = |a: &Finding| match state.group {
                    Group::Object => a.object == f.object || heading(Group::Object, a) == heading(Group::Object, f),
                    Group::Rule => a.rule.id == f.rule.id,
                };
                let found = match index.get(&key) {
                    Some(&g) if same_heading(&findings[groups[g].1]) => Some(g),
                    // Two headings with one hash (never seen): looked for by name.
                    Some(_) => groups.iter().position(|(_, first, _)| same_heading(&findings[*first])),
                    None => None,
                };
                found.unwrap_or_else(|| {
                    index.entry(key).or_insert(groups.len());
                    let named = if state.group == Group::Rule { heading(Group::Rule, f) } else { String::new() };
                    groups.push((named, i, 0));
                    groups.len() - 1
                })
            }
        };
        groups[g].2 += 1;
        of.push(g);
        last = Some((same, g));
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    if state.group == Group::Rule {
        order.sort_by(|&a, &b| groups[a].0.cmp(&groups[b].0));
    }
    // Where each group's findings start, in that order; then each finding placed.
    let mut next = vec![0; groups.len()];
    let mut at = 0;
    let headings = order
        .into_iter()
        .map(|g| {
            next[g] = at;
            at += groups[g].2;
            (std::mem::take(&mut groups[g].0), next[g], at)
        })
        .collect();
    let mut members = vec![0; shown.len()];
    for (&i, &g) in shown.iter().zip(&of) {
        members[next[g]] = i;
        next[g] += 1;
    }
    Groups { headings, members }
}

/// The hasher of [`group`]'s index, whose keys are already hashes
/// ([`fnv`]): they are taken as they are.
#[derive(Default)]
struct Hashed(u64);

impl Hasher for Hashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv(self.0, bytes);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// FNV-1a, 64 bits: `fnv(fnv(FNV, a), b)` hashes `a` and `b` written one
/// after the other.
const FNV: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv(hash: u64, text: impl AsRef<[u8]>) -> u64 {
    text.as_ref().iter().fold(hash, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// How a report names an object without a name (see `ObjectRef`'s `Display`).
const UNNAMED: &str = "<unnamed>";

/// The heading of a group of findings, from one of them: its object, or its rule.
fn heading(group: Group, f: &Finding) -> String {
    match group {
        Group::Object => f.object.to_string(),
        Group::Rule => format!("{}: {}", f.rule.id, f.rule.title),
    }
}

fn severity_chip(state: &UseReducerHandle<State>, severity: Severity, count: usize) -> Html {
    let pressed = !state.hidden_severities.contains(severity);
    let dispatch = state.dispatcher();
    html! {
        <button class={classes!("chip", severity.name())} aria-pressed={pressed.to_string()}
            title={format!("Show {} findings", severity.name())}
            onclick={Callback::from(move |_| dispatch.dispatch(Action::ToggleSeverityFilter(severity)))}>
            {format!("{} {count}", severity.name())}
        </button>
    }
}

fn family_filter(state: &UseReducerHandle<State>, family: &'static str) -> Html {
    let dispatch = state.dispatcher();
    html! {
        <label class="family-filter">
            <input type="checkbox" checked={!state.hidden_families.contains(family)}
                onchange={Callback::from(move |_| dispatch.dispatch(Action::ToggleFamilyFilter(family)))} />
            {format!(" {family}/*")}
        </label>
    }
}

/// A finding's row: what and where (a button that selects it in the
/// editor), its fix, and a closed "why it matters" whose content (rationale,
/// remediation, snippet, references) is built only once it is opened: a
/// report redraws dozens of rows, and few are ever opened.
fn finding(f: &Finding, index: usize, state: &UseReducerHandle<State>, opened: &Opened) -> Html {
    let dispatch = &state.dispatcher();
    let severity = f.severity.name();
    let (start, end) = (f.span.start.at(), f.span.end.at());
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(Action::Select(start, end)))
    };
    let open = opened.is_open(f);
    let ontoggle = {
        let (opened, key) = (opened.clone(), Opened::key(f));
        Callback::from(move |e: Event| {
            let open = e.target_unchecked_into::<web_sys::Element>().has_attribute("open");
            opened.set(key.clone(), open);
        })
    };
    html! {
        <li key={index} class={classes!("finding", severity)} data-testid="finding" data-rule={f.rule.id} data-severity={severity}
            data-line={f.span.start.line.to_string()} data-family={f.rule.family.id()}>
            <button class="jump" {onclick} title="Show in the editor">
                <span class={classes!("badge", severity)}>{severity}</span>
                <span class="title">{f.rule.title}</span>
                <span class="where">{format!("line {}", f.span.start.line)}</span>
                <span class="message">{&f.message}</span>
            </button>
            <super::fixes::FixButton state={state.clone()} {index} />
            <details {open} {ontoggle}>
                <summary>{"Why it matters and how to fix it "}<code class="rule">{f.rule.id}</code></summary>
                if open { {detail(f, dispatch)} }
            </details>
        </li>
    }
}

/// What an opened row shows: rationale, remediation with its snippet (and
/// a Copy button), references.
fn detail(f: &Finding, dispatch: &UseReducerDispatcher<State>) -> Html {
    let on_copy = {
        let snippet = f.snippet.to_string();
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            let _ = gloo::utils::window().navigator().clipboard().write_text(&snippet);
            dispatch.dispatch(Action::Status("Remediation snippet copied".into()));
        })
    };
    html! { <>
        <p>{f.rule.rationale}</p>
        <p><strong>{"Fix: "}</strong>{f.rule.remediation}</p>
        <div class="snippet-box">
            <pre class="snippet"><code>{f.snippet.to_string()}</code></pre>
            <button class="copy" onclick={on_copy} aria-label="Copy the remediation snippet">{"Copy"}</button>
        </div>
        <ul class="refs">
            { for f.rule.references.iter().map(|r| html! {
                <li><a href={r.url} target="_blank" rel="noopener noreferrer">{r.title}</a></li>
            }) }
        </ul>
    </> }
}

/// The rows whose detail is open, by rule and message: a row scrolled out
/// of the window and back, or still there after the next check, stays open.
/// A list: a person opens a few.
#[derive(Clone)]
struct Opened {
    keys: Rc<RefCell<Vec<(&'static str, String)>>>,
    redraw: UseForceUpdateHandle,
}

impl Opened {
    fn key(f: &Finding) -> (&'static str, String) {
        (f.rule.id, f.message.clone())
    }

    fn is_open(&self, f: &Finding) -> bool {
        self.keys.borrow().iter().any(|(rule, message)| *rule == f.rule.id && *message == f.message)
    }

    /// Also told of opens the page itself made (a row drawn open): those
    /// change nothing, and draw nothing again.
    fn set(&self, key: (&'static str, String), open: bool) {
        let mut keys = self.keys.borrow_mut();
        let at = keys.iter().position(|k| *k == key);
        match (at, open) {
            (None, true) => keys.push(key),
            (Some(i), false) => drop(keys.remove(i)),
            _ => return,
        }
        drop(keys);
        self.redraw.force_update();
    }
}

#[derive(Properties)]
struct ListProps {
    state: UseReducerHandle<State>,
    /// Headings (see [`group`]) with the findings under them, by index in the report.
    groups: Rc<Groups>,
}

impl PartialEq for ListProps {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && Rc::ptr_eq(&self.groups, &other.groups)
    }
}

/// The grouped findings, of which only the rows in view (and a few around
/// them) are drawn: every heading and finding is a row, the rows above and
/// below are spacers of their estimated height, so a report of any size
/// costs the page a few dozen rows. The window follows any scroll (the
/// pane's, or the page's on narrow screens) and the focus moving through
/// the rows.
#[function_component(FindingList)]
fn finding_list(props: &ListProps) -> Html {
    let list = use_node_ref();
    let drawn = use_node_ref();
    let (above, below) = (use_node_ref(), use_node_ref());
    // The drawn rows, and the average height of a drawn row.
    let window = use_state_eq(|| (0usize, 2 * OVERSCAN));
    let row = use_mut_ref(|| ROW_GUESS);
    let opened = Opened { keys: use_mut_ref(Vec::new), redraw: use_force_update() };
    let total = props.groups.headings.len() + props.groups.members.len();

    // Which rows are in view: the list's part of the viewport and of the
    // pane that scrolls it.
    let measure = {
        let (list, window, row) = (list.clone(), window.clone(), row.clone());
        move || {
            let Some(el) = list.cast::<HtmlElement>() else { return };
            let top = el.get_bounding_client_rect().top();
            let (mut from, mut to) =
                (0.0_f64, gloo::utils::window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(900.0));
            if let Some(pane) = el.closest(".findings-pane").ok().flatten() {
                let r = pane.get_bounding_client_rect();
                (from, to) = (from.max(r.top()), to.min(r.bottom()));
            }
            let height = *row.borrow();
            let first = ((from - top).max(0.0) / height) as usize;
            let last = ((to - top).max(0.0) / height).ceil() as usize;
            window.set((first.saturating_sub(OVERSCAN), last + OVERSCAN));
        }
    };
    {
        let measure = measure.clone();
        use_effect_with((), move |_| {
            // Scroll events do not bubble: caught on the way down, from any scroller.
            let options = EventListenerOptions::run_in_capture_phase();
            let on_scroll = {
                let measure = measure.clone();
                EventListener::new_with_options(&gloo::utils::window(), "scroll", options, move |_| measure())
            };
            let on_resize = {
                let measure = measure.clone();
                EventListener::new(&gloo::utils::window(), "resize", move |_| measure())
            };
            measure();
            move || drop((on_scroll, on_resize))
        });
    }
    let (first, last) = if total <= WHOLE { (0, total) } else { (window.0.min(total), window.1.min(total)) };
    // After drawing: learn the rows' height, size the spacers, and look
    // again (a new report, a row opened).
    {
        let (drawn, above, below, row) = (drawn.clone(), above.clone(), below.clone(), row.clone());
        use_effect(move || {
            if let Some(el) = drawn.cast::<HtmlElement>() {
                if last > first && el.offset_height() > 0 {
                    let measured = el.offset_height() as f64 / (last - first) as f64;
                    let mut height = row.borrow_mut();
                    if (measured - *height).abs() > *height / 4.0 {
                        *height = measured;
                    }
                }
            }
            let height = *row.borrow();
            for (node, rows) in [(above, first), (below, total - last)] {
                if let Some(el) = node.cast::<HtmlElement>() {
                    let _ = el.style().set_property("height", &format!("{}px", (rows as f64 * height).round() as u64));
                }
            }
            // Measured after the spacers are sized, though that lays the
            // page out again: a spacer that grows moves other rows into
            // view without any scroll event to say so.
            measure();
        });
    }
    // The drawn rows, in their groups.
    let mut sections = Vec::new();
    let mut at = 0;
    for (named, members) in props.groups.iter() {
        let (start, end) = (at, at + members.len() + 1);
        at = end;
        if end <= first || start >= last {
            continue;
        }
        // The heading is row `start`, member k row `start + 1 + k`.
        let from = first.saturating_sub(start + 1).min(members.len());
        let to = last.saturating_sub(start + 1).min(members.len());
        let report = &props.state.checked.report;
        let heading =
            if named.is_empty() { heading(Group::Object, &report.findings[members[0]]) } else { named.clone() };
        sections.push(html! {
            <section class="group" key={heading.clone()}>
                if first <= start {
                    <h3><bdi>{heading}</bdi><span class="group-count">{format!(" {}", members.len())}</span></h3>
                }
                <ol class="list">
                    { for members[from..to].iter().map(|&i| finding(&report.findings[i], i, &props.state, &opened)) }
                </ol>
            </section>
        });
    }
    html! {
        <div class="finding-list" ref={list} data-testid="finding-list" data-rows={total.to_string()}
            data-first={first.to_string()} data-last={last.to_string()}>
            <div class="spacer" ref={above} aria-hidden="true"></div>
            <div ref={drawn}>{ for sections }</div>
            <div class="spacer" ref={below} aria-hidden="true"></div>
        </div>
    }
}

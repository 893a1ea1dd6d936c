//! The findings panel: counts by severity, filters, findings grouped by
//! object or by rule, each with its rationale, references and fix.

use posture::report::{Finding, Status};
use posture::rules::Severity;
use yew::prelude::*;

use super::state::{families, Action, Group, State};

/// Findings drawn before "Show more", and at most: a huge report must not
/// stall the page (the downloads hold every finding).
const FIRST_PAGE: usize = 300;
const MOST: usize = 5_000;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<State>,
}

#[function_component(FindingsPanel)]
pub fn findings_panel(props: &Props) -> Html {
    let state = &props.state;
    let show_all = use_state(|| false);
    let report = &state.checked.report;
    let shown = state.shown_findings();
    let dispatch = state.dispatcher();

    let groups = group(state, &shown);
    let mut budget = if *show_all { MOST } else { FIRST_PAGE };
    let on_show_all = {
        let show_all = show_all.clone();
        Callback::from(move |_| show_all.set(true))
    };
    html! {
        <div class="findings">
            <p class="summary" aria-live="polite" data-check-ms={format!("{:.2}", state.checked.millis)}
                data-check-number={state.checked.number.to_string()}>
                <span data-testid="finding-count" class="count">{report.findings.len()}</span>
                {plural(report.findings.len(), " finding", " findings")}
                {format!(" in {}", plural(report.objects, "1 object", &format!("{} objects", report.objects)))}
                if !report.errors.is_empty() {
                    <span class="error-count">{format!(", {}", plural(report.errors.len(), "1 input error", &format!("{} input errors", report.errors.len())))}</span>
                }
                if shown.len() != report.findings.len() {
                    {format!(" ({} shown)", shown.len())}
                }
            </p>
            { super::fixes::fix_all(state) }
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
                { for Severity::ALL.iter().rev().map(|&s| severity_chip(state, s)) }
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
                        Callback::from(move |_| if let Some(s) = span { dispatch.dispatch(Action::Select(s.start.offset, s.end.offset)) })
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
            { for groups.into_iter().map(|(heading, members)| {
                let take = members.len().min(budget);
                budget -= take;
                html! {
                    if take > 0 {
                        <section class="group">
                            <h3><bdi>{heading}</bdi><span class="group-count">{format!(" {}", members.len())}</span></h3>
                            <ol class="list">
                                { for members[..take].iter().map(|&i| finding(&report.findings[i], i, state)) }
                            </ol>
                        </section>
                    }
                }
            }) }
            if shown.len() > FIRST_PAGE && !*show_all {
                <button class="show-all" onclick={on_show_all}>{format!("Show more ({} of {} shown)", FIRST_PAGE, shown.len())}</button>
            }
            if shown.len() > MOST && *show_all {
                <p class="clean">{format!("The first {MOST} of {} findings are listed; the JSON and SARIF downloads hold all of them.", shown.len())}</p>
            }
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

/// Findings in groups: by object (in order of appearance) or by rule.
fn group(state: &State, shown: &[usize]) -> Vec<(String, Vec<usize>)> {
    let findings = &state.checked.report.findings;
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for &i in shown {
        let f = &findings[i];
        let key = match state.group {
            Group::Object => f.object.to_string(),
            Group::Rule => format!("{}: {}", f.rule.id, f.rule.title),
        };
        match index.get(&key) {
            Some(&g) => groups[g].1.push(i),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, vec![i]));
            }
        }
    }
    if state.group == Group::Rule {
        groups.sort_by(|a, b| a.0.cmp(&b.0));
    }
    groups
}

fn severity_chip(state: &UseReducerHandle<State>, severity: Severity) -> Html {
    let count = state.checked.report.findings.iter().filter(|f| f.severity == severity).count();
    let pressed = !state.hidden_severities.contains(&severity);
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

fn finding(f: &Finding, index: usize, state: &UseReducerHandle<State>) -> Html {
    let dispatch = &state.dispatcher();
    let severity = f.severity.name();
    let (start, end) = (f.span.start.offset, f.span.end.offset);
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(Action::Select(start, end)))
    };
    let on_copy = {
        let snippet = f.snippet.to_string();
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            let _ = gloo::utils::window().navigator().clipboard().write_text(&snippet);
            dispatch.dispatch(Action::Status("Remediation snippet copied".into()));
        })
    };
    html! {
        <li class={classes!("finding", severity)} data-testid="finding" data-rule={f.rule.id} data-severity={severity}
            data-line={f.span.start.line.to_string()} data-family={f.rule.family.id().to_owned()}>
            <button class="jump" {onclick} title="Show in the editor">
                <span class={classes!("badge", severity)}>{severity}</span>
                <span class="title">{f.rule.title}</span>
                <span class="where">{format!("line {}", f.span.start.line)}</span>
                <span class="message">{&f.message}</span>
            </button>
            <super::fixes::FixButton state={state.clone()} {index} />
            <details>
                <summary>{"Why it matters and how to fix it "}<code class="rule">{f.rule.id}</code></summary>
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
            </details>
        </li>
    }
}

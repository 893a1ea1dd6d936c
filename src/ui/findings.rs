//! The findings panel: counts, then each finding with its fix.

use std::rc::Rc;

use posture::report::Finding;
use posture::Report;
use yew::prelude::*;

#[derive(Properties)]
pub struct Props {
    pub report: Rc<Report>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.report, &other.report)
    }
}

#[function_component(FindingList)]
pub fn finding_list(props: &Props) -> Html {
    let report = &props.report;
    html! {
        <div class="findings">
            <p class="summary" aria-live="polite">
                <span data-testid="finding-count" class="count">{report.findings.len()}</span>
                {format!(" finding{} in {} object{}", if report.findings.len() == 1 { "" } else { "s" }, report.objects, if report.objects == 1 { "" } else { "s" })}
                if !report.errors.is_empty() {
                    {format!(", {} input error{}", report.errors.len(), if report.errors.len() == 1 { "" } else { "s" })}
                }
            </p>
            <ul class="errors">
                { for report.errors.iter().map(|e| html! {
                    <li class="error" data-testid="input-error">
                        <span class="where">{e.span.map(|s| format!("line {}:{}", s.start.line, s.start.column)).unwrap_or_default()}</span>
                        {" "}{&e.message}
                    </li>
                }) }
            </ul>
            <ol class="list">
                { for report.findings.iter().map(finding) }
            </ol>
        </div>
    }
}

fn finding(f: &Finding) -> Html {
    let severity = f.severity.name();
    let line = f.span.start.line.to_string();
    let object = format!("{} {}", f.object.kind, f.object.name.as_deref().unwrap_or(""));
    html! {
        <li class={classes!("finding", severity)} data-testid="finding" data-rule={f.rule.id} data-severity={severity} data-line={line.clone()}>
            <div class="head">
                <span class={classes!("badge", severity)}>{severity}</span>
                <code class="rule">{f.rule.id}</code>
                <span class="where">{format!("line {line} · {object}")}</span>
            </div>
            <p class="message">{&f.message}</p>
            <details>
                <summary>{f.rule.title}</summary>
                <p>{f.rule.rationale}</p>
                <p><strong>{"Fix: "}</strong>{f.rule.remediation}</p>
                <pre class="snippet"><code>{&f.snippet}</code></pre>
            </details>
        </li>
    }
}

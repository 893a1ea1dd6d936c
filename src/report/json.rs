//! The JSON report: the CLI contract other tools parse.

use serde::Serialize;
use serde_json::{json, Value};

use super::{Finding, Report};

#[derive(Serialize)]
struct Remediation<'a> {
    text: &'a str,
    snippet: &'a str,
}

fn finding(f: &Finding) -> Value {
    let mut value = json!({
        "rule": f.rule.id,
        "title": f.rule.title,
        "severity": f.severity,
        "message": f.message,
        "file": f.file,
        "document": f.document,
        "object": f.object,
        "span": f.span,
        "remediation": Remediation { text: f.rule.remediation, snippet: &f.snippet },
    });
    // Added fields (see crate::fix): the fix's edits, or why there is none.
    match &f.fix {
        Some(crate::fix::FixState::Ready(fix)) => value["fix"] = json!(fix),
        Some(crate::fix::FixState::Refused(reason)) => value["fixRefused"] = json!(reason),
        None => {}
    }
    if let Some(source) = &f.source {
        value["source"] = json!(source);
    }
    value
}

pub fn to_json(report: &Report) -> String {
    let suppressed: Vec<Value> = report
        .suppressed
        .iter()
        .map(|s| {
            let mut value = finding(&s.finding);
            value["suppression"] = json!(s.suppression);
            value
        })
        .collect();
    let value = json!({
        "findings": report.findings.iter().map(finding).collect::<Vec<_>>(),
        "suppressed": suppressed,
        "errors": report.errors,
        "notes": report.notes,
        "summary": report.summary(),
        "practices": report.practices,
    });
    serde_json::to_string_pretty(&value).expect("a report always serializes")
}

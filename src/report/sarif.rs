//! SARIF 2.1.0, for code-scanning dashboards.

use serde_json::{json, Value};

use super::Report;
use crate::rules::docs::help_markdown;
use crate::rules::{Rule, Severity};
use crate::yaml::Span;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The score GitHub code scanning sorts security results by.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn descriptor(rule: &Rule) -> Value {
    let mut tags = vec!["security".to_owned(), "kubernetes".to_owned(), rule.family.id().to_owned()];
    tags.extend(rule.cis.iter().map(|c| format!("CIS-{}", c.item)));
    tags.extend(rule.sources.iter().map(|s| s.id.to_owned()));
    let mut descriptor = json!({
        "id": rule.id,
        "name": rule.title,
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": rule.rationale },
        "help": { "text": format!("{}\n\n{}", rule.remediation, rule.snippet), "markdown": help_markdown(rule) },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(rule.severity),
            "family": rule.family,
            "kinds": rule.kinds,
            "cis": rule.cis,
            "sources": rule.sources,
        },
    });
    if let Some(first) = rule.references.first() {
        descriptor["helpUri"] = json!(first.url);
    }
    descriptor
}

/// Where a file is, for SARIF: an absolute path becomes a `file://` URI
/// (a relative reference may not start with `/`, SARIF1004), a relative one
/// a reference resolved against `%SRCROOT%`, the root of the analysis.
fn artifact(path: &str) -> Value {
    let path = path.replace('\\', "/");
    match path.strip_prefix('/') {
        Some(absolute) => json!({ "uri": format!("file:///{}", percent_encode(absolute)) }),
        None => json!({ "uri": percent_encode(&path), "uriBaseId": "%SRCROOT%" }),
    }
}

/// Percent-encodes a path's bytes outside the URI's unreserved set and `/`.
fn percent_encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(file: &str, span: Span) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": artifact(file),
            "region": {
                "startLine": span.start.line,
                "startColumn": span.start.column,
                "endLine": span.end.line,
                "endColumn": span.end.column,
                "byteOffset": span.start.offset,
                "byteLength": span.end.offset - span.start.offset,
            }
        }
    })
}

pub fn to_sarif(report: &Report) -> String {
    let rules = report.rules();
    let suppressed = report.suppressed.iter().map(|s| (&s.finding, Some(&s.suppression)));
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| (f, None))
        .chain(suppressed)
        .map(|(f, suppression)| {
            let mut result = json!({
                "ruleId": f.rule.id,
                "ruleIndex": rules.iter().position(|r| r.id == f.rule.id),
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [location(&f.file, f.span)],
                "properties": {
                    "severity": f.severity,
                    "document": f.document,
                    "object": f.object,
                    "remediation": { "text": f.rule.remediation, "snippet": f.snippet },
                },
            });
            if let Some(fix) = f.fix.as_ref().and_then(crate::fix::FixState::fix) {
                result["fixes"] = crate::fix::sarif_fixes(&f.file, fix, artifact(&f.file));
            }
            if let Some(source) = &f.source {
                result["properties"]["source"] = json!(source);
            }
            if let Some(s) = suppression {
                result["suppressions"] = json!([{ "kind": "inSource", "justification": s.reason }]);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            let mut n = json!({ "level": "error", "message": { "text": e.message } });
            if let Some(span) = e.span {
                n["locations"] = json!([location(&e.file, span)]);
            }
            n
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "posture",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| descriptor(r)).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                // Input that could not be checked makes the run incomplete.
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).expect("a SARIF log always serializes")
}

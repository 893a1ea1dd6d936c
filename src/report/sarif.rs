//! SARIF 2.1.0, for code-scanning dashboards.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::{json, Value};

use super::json::Remediation;
use super::stream::{json, Each, Layout};
use super::Report;
use crate::fix::{Applicability, Fix, FixState};
use crate::k8s::ObjectRef;
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
#[derive(Serialize)]
struct Artifact {
    uri: String,
    #[serde(rename = "uriBaseId", skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

impl Artifact {
    fn of(path: &str) -> Self {
        let path = path.replace('\\', "/");
        match path.strip_prefix('/') {
            Some(absolute) => Artifact { uri: format!("file:///{}", percent_encode(absolute)), uri_base_id: None },
            None => Artifact { uri: percent_encode(&path), uri_base_id: Some("%SRCROOT%") },
        }
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

/// The views below list their keys in byte order, the order of the
/// `serde_json::Value` tree the log was first built as.
#[derive(Serialize)]
struct Location {
    #[serde(rename = "physicalLocation")]
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
struct PhysicalLocation {
    #[serde(rename = "artifactLocation")]
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    byte_length: usize,
    byte_offset: usize,
    end_column: u32,
    end_line: u32,
    start_column: u32,
    start_line: u32,
}

fn location(file: &str, span: Span) -> Location {
    Location {
        physical_location: PhysicalLocation {
            artifact_location: Artifact::of(file),
            region: Region {
                byte_length: span.end.at() - span.start.at(),
                byte_offset: span.start.at(),
                end_column: span.end.column,
                end_line: span.end.line,
                start_column: span.start.column,
                start_line: span.start.line,
            },
        },
    }
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

/// A finding's fix as SARIF: one fix with one artifact change whose
/// replacements are byte ranges (`deletedRegion` by `byteOffset` and
/// `byteLength`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    artifact_changes: [ArtifactChange<'a>; 1],
    description: Description,
    properties: FixProperties,
}

impl<'a> SarifFix<'a> {
    fn of(fix: &'a Fix, file: &str) -> Self {
        SarifFix {
            artifact_changes: [ArtifactChange {
                artifact_location: Artifact::of(file),
                replacements: fix
                    .edits
                    .iter()
                    .map(|e| Replacement {
                        deleted_region: DeletedRegion { byte_length: e.end - e.start, byte_offset: e.start },
                        inserted_content: Text { text: &e.text },
                    })
                    .collect(),
            }],
            description: Description { text: format!("{} fix", fix.applicability.name()) },
            properties: FixProperties { applicability: fix.applicability },
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: Artifact,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: DeletedRegion,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeletedRegion {
    byte_length: usize,
    byte_offset: usize,
}

#[derive(Serialize)]
struct Description {
    text: String,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: Applicability,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    /// Added (see crate::fix): the finding's fix as SARIF replacements.
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[SarifFix<'a>; 1]>,
    level: &'static str,
    locations: [Location; 1],
    message: Text<'a>,
    properties: Properties<'a>,
    rule_id: &'a str,
    rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[InSource<'a>; 1]>,
}

#[derive(Serialize)]
struct Properties<'a> {
    document: usize,
    object: &'a ObjectRef,
    remediation: Remediation<'a>,
    severity: Severity,
    /// Added: the template Helm's `# Source:` comment names.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
}

#[derive(Serialize)]
struct InSource<'a> {
    justification: &'a str,
    kind: &'static str,
}

/// Writes the log to `out` (buffer it: the log is written in small pieces).
pub fn write_sarif(report: &Report, layout: Layout, out: &mut impl Write) -> io::Result<()> {
    let rules = report.rules();
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
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
    // Input that could not be checked makes the run incomplete.
    let invocations = json!([{
        "executionSuccessful": report.errors.is_empty(),
        "toolExecutionNotifications": notifications,
    }]);
    let tool = json!({ "driver": {
        "name": "posture",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules.iter().map(|r| descriptor(r)).collect::<Vec<_>>(),
    }});
    let results = || {
        let suppressed = report.suppressed.iter().map(|s| (&s.finding, Some(&s.suppression)));
        report.findings.iter().map(|f| (f, None)).chain(suppressed).map(|(f, suppression)| SarifResult {
            fixes: f.fix.as_ref().and_then(FixState::fix).map(|fix| [SarifFix::of(fix, &f.file)]),
            level: level(f.severity),
            locations: [location(&f.file, f.span)],
            message: Text { text: &f.message },
            properties: Properties {
                document: f.document,
                object: &f.object,
                remediation: Remediation::of(f),
                severity: f.severity,
                source: f.source.as_deref(),
            },
            rule_id: f.rule.id,
            rule_index: index.get(f.rule.id).copied(),
            suppressions: suppression.map(|s| [InSource { justification: &s.reason, kind: "inSource" }]),
        })
    };
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Run<R> {
        column_kind: &'static str,
        invocations: Value,
        results: R,
        tool: Value,
    }
    #[derive(Serialize)]
    struct Log<R> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        runs: [Run<R>; 1],
        version: &'static str,
    }
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run { column_kind: "unicodeCodePoints", invocations, results: Each(results), tool }],
        version: "2.1.0",
    };
    json(out, &log, layout)
}

/// The log as one string (for the playground's download).
pub fn to_sarif(report: &Report) -> String {
    super::stream::to_string(|out| write_sarif(report, Layout::Pretty, out))
}

//! The JSON report: the CLI contract other tools parse.
//!
//! Written as it is produced: each finding is serialized on its own into the
//! writer, so memory does not grow with the number of findings. Keys are in
//! byte order at every level (the order of the `serde_json::Value` tree the
//! report was first built as), which the views below keep.

use std::io::{self, Write};

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use super::stream::{array, pretty, Indented};
use super::{Finding, Report};
use crate::k8s::ObjectRef;
use crate::rules::Severity;
use crate::suppress::Suppression;
use crate::yaml::{Pos, Span};

#[derive(Serialize)]
pub(super) struct Remediation<'a> {
    pub snippet: &'a str,
    pub text: &'a str,
}

impl<'a> Remediation<'a> {
    pub fn of(f: &'a Finding) -> Self {
        Remediation { snippet: &f.snippet, text: f.rule.remediation }
    }
}

/// A span with its keys in byte order (`end` before `start`, `column` before
/// `line`), as every report has printed it.
pub(super) struct SortedSpan(pub Span);

struct SortedPos(Pos);

impl Serialize for SortedSpan {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Span", 2)?;
        s.serialize_field("end", &SortedPos(self.0.end))?;
        s.serialize_field("start", &SortedPos(self.0.start))?;
        s.end()
    }
}

impl Serialize for SortedPos {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Pos", 3)?;
        s.serialize_field("column", &self.0.column)?;
        s.serialize_field("line", &self.0.line)?;
        s.serialize_field("offset", &self.0.offset)?;
        s.end()
    }
}

#[derive(Serialize)]
struct SortedSuppression<'a> {
    reason: &'a str,
    via: &'a str,
}

#[derive(Serialize)]
struct FindingView<'a> {
    document: usize,
    file: &'a str,
    message: &'a str,
    object: &'a ObjectRef,
    remediation: Remediation<'a>,
    rule: &'a str,
    severity: Severity,
    span: SortedSpan,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<SortedSuppression<'a>>,
    title: &'a str,
}

impl<'a> FindingView<'a> {
    fn of(f: &'a Finding, suppression: Option<&'a Suppression>) -> Self {
        FindingView {
            document: f.document,
            file: &f.file,
            message: &f.message,
            object: &f.object,
            remediation: Remediation::of(f),
            rule: f.rule.id,
            severity: f.severity,
            span: SortedSpan(f.span),
            suppression: suppression.map(|s| SortedSuppression { reason: &s.reason, via: s.via }),
            title: f.rule.title,
        }
    }
}

/// Writes the report to `out` (buffer it: the report is written in small
/// pieces).
pub fn write_json(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let mut out = Indented::new(out);
    out.write_all(b"{\n  \"errors\": ")?;
    // Few (one per document at most): each goes through a `Value`, whose
    // keys are sorted.
    array(&mut out, 1, &report.errors, |out, e| pretty(out, &serde_json::to_value(e)?))?;
    out.write_all(b",\n  \"findings\": ")?;
    array(&mut out, 1, &report.findings, |out, f| pretty(out, &FindingView::of(f, None)))?;
    out.write_all(b",\n  \"practices\": ")?;
    array(&mut out, 1, &report.practices, |out, p| pretty(out, &serde_json::to_value(p)?))?;
    out.write_all(b",\n  \"summary\": ")?;
    out.level(1, |out| pretty(out, &serde_json::to_value(report.summary())?))?;
    out.write_all(b",\n  \"suppressed\": ")?;
    array(&mut out, 1, &report.suppressed, |out, s| pretty(out, &FindingView::of(&s.finding, Some(&s.suppression))))?;
    out.write_all(b"\n}")
}

/// The report as one string (for the playground's download).
pub fn to_json(report: &Report) -> String {
    super::stream::to_string(|out| write_json(report, out))
}

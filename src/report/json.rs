//! The JSON report: the CLI contract other tools parse.
//!
//! Written as it is produced: each finding is serialized on its own into the
//! writer, so memory does not grow with the number of findings. Keys are in
//! byte order at every level (the order of the `serde_json::Value` tree the
//! report was first built as), which the views below keep.

use std::io::{self, Write};

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use serde_json::Value;

use super::stream::{json, Each, Layout};
use super::{Finding, Report};
use crate::fix::{Applicability, Edit, Fix, FixState};
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

/// A finding's fix with each edit's keys in byte order (`end`, `start`,
/// `text`), written as it is read rather than built as a JSON tree per
/// finding (the module's wasm then has no tree-building code for fixes).
struct FixView<'a>(&'a Fix);

#[derive(Serialize)]
struct SortedEdit<'a> {
    end: usize,
    start: usize,
    text: &'a str,
}

impl Serialize for FixView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Sorted<E> {
            applicability: Applicability,
            edits: E,
        }
        let edits = || self.0.edits.iter().map(|e: &Edit| SortedEdit { end: e.end, start: e.start, text: &e.text });
        Sorted { applicability: self.0.applicability, edits: Each(edits) }.serialize(serializer)
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
    /// Added fields (see crate::fix): the fix's edits, or why there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixView<'a>>,
    #[serde(rename = "fixRefused", skip_serializing_if = "Option::is_none")]
    fix_refused: Option<&'a str>,
    message: &'a str,
    object: &'a ObjectRef,
    remediation: Remediation<'a>,
    rule: &'a str,
    severity: Severity,
    /// Added: the template Helm's `# Source:` comment names.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    span: SortedSpan,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<SortedSuppression<'a>>,
    title: &'a str,
}

impl<'a> FindingView<'a> {
    fn of(f: &'a Finding, suppression: Option<&'a Suppression>) -> Self {
        let (fix, fix_refused) = match &f.fix {
            Some(FixState::Ready(fix)) => (Some(FixView(fix)), None),
            Some(FixState::Refused(reason)) => (None, Some(reason.as_str())),
            None => (None, None),
        };
        FindingView {
            document: f.document,
            file: &f.file,
            fix,
            fix_refused,
            message: &f.message,
            object: &f.object,
            remediation: Remediation::of(f),
            rule: f.rule.id,
            severity: f.severity,
            source: f.source.as_deref(),
            span: SortedSpan(f.span),
            suppression: suppression.map(|s| SortedSuppression { reason: &s.reason, via: s.via }),
            title: f.rule.title,
        }
    }
}

/// An input error with its keys in byte order.
#[derive(Serialize)]
struct ErrorView<'a> {
    document: Option<usize>,
    file: &'a str,
    message: &'a str,
    span: Option<SortedSpan>,
}

/// Writes the report to `out` (buffer it: the report is written in small
/// pieces).
pub fn write_json(report: &Report, layout: Layout, out: &mut impl Write) -> io::Result<()> {
    write_json_part(report, report.findings.iter(), true, layout, out)
}

/// A report in the same schema with `findings` for its findings and, unless
/// `whole`, no errors, notes, practices or suppressed findings (the summary
/// stays the report's): one piece of a report sent in several, which the
/// reader can take one at a time.
pub fn write_json_part<'a>(
    report: &Report,
    findings: impl Iterator<Item = &'a Finding> + Clone,
    whole: bool,
    layout: Layout,
    out: &mut impl Write,
) -> io::Result<()> {
    let some = |n: usize| if whole { n } else { 0 };
    // The practices and the summary are small: they go through a `Value`,
    // whose keys are sorted.
    let practices = report.practices[..some(report.practices.len())]
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<Value>, _>>()?;
    let summary = serde_json::to_value(report.summary())?;
    let notes = serde_json::to_value(&report.notes[..some(report.notes.len())])?;
    let errors = || {
        report.errors[..some(report.errors.len())].iter().map(|e| ErrorView {
            document: e.document,
            file: &e.file,
            message: &e.message,
            span: e.span.map(SortedSpan),
        })
    };
    #[derive(Serialize)]
    struct Whole<E, F, S> {
        errors: E,
        findings: F,
        notes: Value,
        practices: Vec<Value>,
        summary: Value,
        suppressed: S,
    }
    let whole = Whole {
        errors: Each(errors),
        findings: Each(|| findings.clone().map(|f| FindingView::of(f, None))),
        notes,
        practices,
        summary,
        suppressed: Each(|| {
            report.suppressed[..some(report.suppressed.len())]
                .iter()
                .map(|s| FindingView::of(&s.finding, Some(&s.suppression)))
        }),
    };
    json(out, &whole, layout)
}

/// The report as one string (for the playground's download).
pub fn to_json(report: &Report) -> String {
    super::stream::to_string(|out| write_json(report, Layout::Pretty, out))
}

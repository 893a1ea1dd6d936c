//! SARIF 2.1.0, for code-scanning dashboards.
//!
//! Keys are written in the order the log has always had: byte order where
//! it was built as a `serde_json::Value` (the run's invocations and tool,
//! the notifications) and in a result's fields' order in a result.

use std::collections::HashMap;
use std::io::{self, Write};
use std::rc::Rc;

use super::json::{remediation, Escaped, Texts};
use super::registry::{cis, tool_id};
use super::stream::{JsonWriter, Layout, Shape, Sink};
use super::{Finding, Report};
use crate::fix::{Fix, FixState};
use crate::rules::docs::help_markdown;
use crate::rules::{Rule, Severity};
use crate::suppress::Suppression;
use crate::yaml::Region;

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

/// Writes the log to `out` (buffered by the writer itself).
pub fn write_sarif(report: &Report, layout: Layout, out: &mut dyn Write) -> io::Result<()> {
    let rules = report.rules();
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut artifacts = Artifacts::default();
    let mut texts = Texts::default();
    let mut shapes: [Option<Shape>; VARIANTS] = Default::default();
    let mut json = JsonWriter::new(out, layout);
    json.begin_object();
    json.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    json.key("runs");
    json.begin_array();
    json.begin_object();
    json.field("columnKind", "unicodeCodePoints");
    json.key("invocations");
    json.begin_array();
    json.begin_object();
    // Input that could not be checked makes the run incomplete.
    json.key("executionSuccessful");
    json.bool(report.errors.is_empty());
    json.key("toolExecutionNotifications");
    json.begin_array();
    for e in &report.errors {
        json.begin_object();
        json.field("level", "error");
        if let Some(span) = e.span {
            json.key("locations");
            json.begin_array();
            location(&mut json, &artifacts.of(&e.file), span);
            json.end_array();
        }
        json.key("message");
        text(&mut json, &e.message);
        json.end_object();
    }
    json.end_array();
    json.end_object();
    json.end_array();
    json.key("results");
    json.begin_array();
    let suppressed = report.suppressed.iter().map(|s| (&s.finding, Some(&s.suppression)));
    for (f, suppression) in report.findings.iter().map(|f| (f, None)).chain(suppressed) {
        // A failed write (a closed pipe) stops the work, not only the output.
        if json.failed() {
            break;
        }
        let rule_index = index.get(f.rule.id).copied();
        let artifact = artifacts.of(&f.file);
        let variant = variant(f, suppression, &artifact);
        let found = Found { f, suppression, rule_index, artifact: &artifact };
        let shape =
            shapes[variant].get_or_insert_with(|| Shape::record(&json, |sink| result(sink, &found, &mut texts)));
        shape.fill(&mut json, |sink| result(sink, &found, &mut texts));
    }
    json.end_array();
    json.key("tool");
    json.begin_object();
    json.key("driver");
    json.begin_object();
    json.field("name", "posture");
    json.key("rules");
    json.begin_array();
    for rule in &rules {
        descriptor(&mut json, rule);
    }
    json.end_array();
    json.field("version", env!("CARGO_PKG_VERSION"));
    json.end_object();
    json.end_object();
    json.end_object();
    json.end_array();
    json.field("version", "2.1.0");
    json.end_object();
    json.finish()
}

/// The log as one string (for the playground's download).
pub fn to_sarif(report: &Report) -> String {
    super::stream::to_string(|out| write_sarif(report, Layout::Pretty, out))
}

/// `{ text }`.
fn text(json: &mut impl Sink, text: &str) {
    json.begin_object();
    json.field("text", text);
    json.end_object();
}

fn descriptor(json: &mut JsonWriter, rule: &Rule) {
    json.begin_object();
    json.key("defaultConfiguration");
    json.begin_object();
    json.field("level", level(rule.severity));
    json.end_object();
    json.key("fullDescription");
    text(json, rule.rationale);
    json.key("help");
    json.begin_object();
    json.field("markdown", &help_markdown(rule));
    json.field("text", &format!("{}\n\n{}", rule.remediation, rule.snippet));
    json.end_object();
    if let Some(first) = rule.references.first() {
        json.field("helpUri", first.url);
    }
    json.field("id", rule.id);
    json.field("name", rule.title);
    json.key("properties");
    json.begin_object();
    cis(json, rule);
    json.field("family", rule.family.id());
    json.field_strings("kinds", rule.kinds.iter().copied());
    json.field("security-severity", security_severity(rule.severity));
    // `id, tool`: byte order, as the property bag was built. The registry's
    // sources are `tool, id` (its fields' order): not the same writer.
    json.field_pairs("sources", ["id", "tool"], rule.sources.iter().map(|s| [s.id, tool_id(s.tool)]));
    json.key("tags");
    json.begin_array();
    for tag in ["security", "kubernetes", rule.family.id()] {
        json.string(tag);
    }
    for c in rule.cis {
        json.string(&format!("CIS-{}", c.item));
    }
    for s in rule.sources {
        json.string(s.id);
    }
    json.end_array();
    json.end_object();
    json.key("shortDescription");
    text(json, rule.title);
    json.end_object();
}

/// The optional fields a result has, which make its layout: its fix, its
/// artifact's base, its source, its suppression.
const VARIANTS: usize = 2 * 2 * 2 * 2;

fn variant(f: &Finding, suppression: Option<&Suppression>, artifact: &Artifact) -> usize {
    let fix = f.fix.as_ref().and_then(FixState::fix).is_some();
    usize::from(fix) * 8
        + usize::from(artifact.uri_base_id.is_some()) * 4
        + usize::from(f.source.is_some()) * 2
        + usize::from(suppression.is_some())
}

/// A result's finding, with what the log says of it.
struct Found<'a> {
    f: &'a Finding,
    suppression: Option<&'a Suppression>,
    rule_index: Option<usize>,
    artifact: &'a Artifact,
}

/// A result, written in its variant's layout (a [`Shape`] recorded at the
/// first result that has it).
fn result(json: &mut impl Sink, found: &Found, texts: &mut Texts) {
    let Found { f, suppression, rule_index, artifact } = *found;
    let rule: Rc<Escaped> = texts.of(f.rule);
    json.begin_object();
    // Added (see crate::fix): the finding's fix as SARIF replacements.
    if let Some(fix) = f.fix.as_ref().and_then(FixState::fix) {
        json.key("fixes");
        json.nested(|json| {
            json.begin_array();
            sarif_fix(json, fix, artifact);
            json.end_array();
        });
    }
    json.key("level");
    json.laid_out(texts.name(level(f.severity)));
    json.key("locations");
    json.begin_array();
    location(json, artifact, f.span);
    json.end_array();
    json.key("message");
    text(json, &f.message);
    json.key("properties");
    json.begin_object();
    json.field_number("document", f.document);
    json.key("object");
    texts.object(json, &f.object);
    json.key("remediation");
    remediation(json, f, &rule);
    json.key("severity");
    json.laid_out(texts.name(f.severity.name()));
    // Added: the template Helm's `# Source:` comment names.
    if let Some(source) = &f.source {
        json.field("source", source);
    }
    json.end_object();
    json.key("ruleId");
    json.laid_out(rule.id());
    json.key("ruleIndex");
    match rule_index {
        Some(i) => json.number(i),
        None => json.null(),
    }
    if let Some(s) = suppression {
        json.key("suppressions");
        json.nested(|json| {
            json.begin_array();
            json.begin_object();
            json.field("justification", &s.reason);
            json.field("kind", "inSource");
            json.end_object();
            json.end_array();
        });
    }
    json.end_object();
}

/// A finding's fix as SARIF: one fix with one artifact change whose
/// replacements are byte ranges (`deletedRegion` by `byteOffset` and
/// `byteLength`).
fn sarif_fix(json: &mut JsonWriter, fix: &Fix, artifact: &Artifact) {
    json.begin_object();
    json.key("artifactChanges");
    json.begin_array();
    json.begin_object();
    json.key("artifactLocation");
    artifact_location(json, artifact);
    json.key("replacements");
    json.begin_array();
    for e in &fix.edits {
        json.begin_object();
        json.key("deletedRegion");
        json.begin_object();
        json.field_number("byteLength", e.end - e.start);
        json.field_number("byteOffset", e.start);
        json.end_object();
        json.key("insertedContent");
        text(json, &e.text);
        json.end_object();
    }
    json.end_array();
    json.end_object();
    json.end_array();
    json.key("description");
    text(json, &format!("{} fix", fix.applicability.name()));
    json.key("properties");
    json.begin_object();
    json.field("applicability", fix.applicability.name());
    json.end_object();
    json.end_object();
}

fn location(json: &mut impl Sink, artifact: &Artifact, span: Region) {
    json.begin_object();
    json.key("physicalLocation");
    json.begin_object();
    json.key("artifactLocation");
    artifact_location(json, artifact);
    json.key("region");
    json.begin_object();
    json.field_number("byteLength", span.end.at() - span.start.at());
    json.field_number("byteOffset", span.start.at());
    json.field_number("endColumn", span.end.column as usize);
    json.field_number("endLine", span.end.line as usize);
    json.field_number("startColumn", span.start.column as usize);
    json.field_number("startLine", span.start.line as usize);
    json.end_object();
    json.end_object();
    json.end_object();
}

fn artifact_location(json: &mut impl Sink, artifact: &Artifact) {
    json.begin_object();
    json.field("uri", &artifact.uri);
    if let Some(base) = artifact.uri_base_id {
        json.field("uriBaseId", base);
    }
    json.end_object();
}

/// Where a file is, for SARIF: an absolute path becomes a `file://` URI
/// (a relative reference may not start with `/`, SARIF1004), a relative one
/// a reference resolved against `%SRCROOT%`, the root of the analysis.
#[derive(Clone)]
struct Artifact {
    uri: std::rc::Rc<str>,
    uri_base_id: Option<&'static str>,
}

impl Artifact {
    fn of(path: &str) -> Self {
        let path = path.replace('\\', "/");
        let (uri, uri_base_id) = match path.strip_prefix('/') {
            Some(absolute) => (format!("file:///{}", percent_encode(absolute)), None),
            None => (percent_encode(&path), Some("%SRCROOT%")),
        };
        Artifact { uri: uri.into(), uri_base_id }
    }
}

/// Each file's artifact, made once: a file can have a million results.
#[derive(Default)]
struct Artifacts(HashMap<String, Artifact>);

impl Artifacts {
    fn of(&mut self, file: &str) -> Artifact {
        if let Some(artifact) = self.0.get(file) {
            return artifact.clone();
        }
        let artifact = Artifact::of(file);
        self.0.insert(file.to_owned(), artifact.clone());
        artifact
    }
}

/// Percent-encodes a path's bytes outside the URI's unreserved set and `/`.
fn percent_encode(path: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.extend(['%', HEX[usize::from(b >> 4)] as char, HEX[usize::from(b & 15)] as char]);
        }
    }
    out
}

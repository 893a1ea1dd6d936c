//! The JSON report: the CLI contract other tools parse.
//!
//! Written as it is produced: each finding goes into the writer on its own,
//! so memory does not grow with the number of findings. Keys are in byte
//! order at every level (the order of the `serde_json::Value` tree the
//! report was first built as; an object's fields, `apiVersion`, `kind`,
//! `name`, `namespace`, happen to be in that order too).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::rc::Rc;

use super::stream::{JsonWriter, Kept, Layout, Shape, Sink, Value};
use super::{Finding, InputError, PracticeSummary, Report, Summary};
use crate::fix::{Edit, Fix, FixState};
use crate::k8s::ObjectRef;
use crate::rules::Rule;
use crate::suppress::Suppression;
use crate::yaml::{Pos, Region};

/// Writes the report to `out` (buffered by the writer itself: pieces go out
/// 64 KB at a time).
pub fn write_json(report: &Report, layout: Layout, out: &mut dyn Write) -> io::Result<()> {
    write_json_part(report, report.findings.iter(), true, layout, out)
}

/// A report in the same schema with `findings` for its findings and, unless
/// `whole`, no errors, notes, practices or suppressed findings (the summary
/// stays the report's): one piece of a report sent in several, which the
/// reader can take one at a time.
pub fn write_json_part<'a>(
    report: &Report,
    findings: impl Iterator<Item = &'a Finding>,
    whole: bool,
    layout: Layout,
    out: &mut dyn Write,
) -> io::Result<()> {
    let some = |n: usize| if whole { n } else { 0 };
    let mut repeated = Repeated::default();
    let mut json = JsonWriter::new(out, layout);
    json.begin_object();
    json.key("errors");
    json.begin_array();
    for error in &report.errors[..some(report.errors.len())] {
        input_error(&mut json, error);
    }
    json.end_array();
    json.key("findings");
    json.begin_array();
    // A failed write (a closed pipe) stops the work, not only the output.
    for f in findings {
        if json.failed() {
            break;
        }
        finding(&mut json, f, None, &mut repeated);
    }
    json.end_array();
    json.key("notes");
    json.begin_array();
    for note in &report.notes[..some(report.notes.len())] {
        json.begin_object();
        json.field_number("document", note.document);
        json.field("file", &note.file);
        json.field("message", &note.message);
        json.end_object();
    }
    json.end_array();
    json.key("practices");
    json.begin_array();
    for practice in &report.practices[..some(report.practices.len())] {
        practice_summary(&mut json, practice);
    }
    json.end_array();
    json.key("summary");
    summary(&mut json, &report.summary());
    json.key("suppressed");
    json.begin_array();
    for s in &report.suppressed[..some(report.suppressed.len())] {
        if json.failed() {
            break;
        }
        finding(&mut json, &s.finding, Some(&s.suppression), &mut repeated);
    }
    json.end_array();
    json.end_object();
    json.finish()
}

/// The report as one string (for the playground's download).
pub fn to_json(report: &Report) -> String {
    super::stream::to_string(|out| write_json(report, Layout::Pretty, out))
}

/// What findings repeat, laid out once per report rather than once per
/// finding: each rule's texts (title, remediation text and snippet, id;
/// the 15 MB stream's 66,000 findings repeat a few hundred texts) and
/// the names it writes (severities, a fix's applicability), the file and
/// the object of the last finding written (a file's findings, and an
/// object's, are written one after another), and a finding's layout (its
/// keys, indentation and brackets) for each set of optional fields it has.
#[derive(Default)]
struct Repeated {
    texts: Texts,
    /// By [`variant`].
    shapes: [Option<Shape>; VARIANTS],
}

#[derive(Default)]
pub(super) struct Texts {
    /// By the rules' addresses, in that order: a report's findings come
    /// from a few dozen rules, and a map's hashing code would be linked
    /// into the engine module too.
    rules: Vec<(usize, Rc<Escaped>)>,
    file: Option<(Rc<str>, Box<[u8]>)>,
    /// Names from the code (a severity's, an applicability's), by their
    /// text's address and length: a handful.
    names: Vec<(NameKey, Box<[u8]>)>,
    /// The last finding's object, compared by its fields: each finding
    /// holds an object of its own.
    objects: Kept<Rc<ObjectRef>>,
}

/// A static text's address and length.
type NameKey = (usize, usize);

pub(super) struct Escaped {
    id: Box<[u8]>,
    title: Box<[u8]>,
    remediation: Box<[u8]>,
    snippet: Box<[u8]>,
}

impl Escaped {
    /// The rule's id, as a JSON string.
    pub(super) fn id(&self) -> &[u8] {
        &self.id
    }
}

fn escaped(text: &str) -> Box<[u8]> {
    let mut out = Vec::new();
    super::escape::json_string(&mut out, text);
    out.into_boxed_slice()
}

impl Texts {
    pub(super) fn of(&mut self, rule: &'static Rule) -> Rc<Escaped> {
        let address = rule as *const Rule as usize;
        let at = match self.rules.binary_search_by_key(&address, |&(known, _)| known) {
            Ok(at) => at,
            Err(at) => {
                let texts = Rc::new(Escaped {
                    id: escaped(rule.id),
                    title: escaped(rule.title),
                    remediation: escaped(rule.remediation),
                    snippet: escaped(rule.snippet),
                });
                self.rules.insert(at, (address, texts));
                at
            }
        };
        self.rules[at].1.clone()
    }

    /// A name the code gives (a severity's), as a JSON string.
    pub(super) fn name(&mut self, name: &'static str) -> &[u8] {
        let key = (name.as_ptr() as usize, name.len());
        let at = match self.names.iter().position(|(known, _)| *known == key) {
            Some(at) => at,
            None => {
                self.names.push((key, escaped(name)));
                self.names.len() - 1
            }
        };
        &self.names[at].1
    }

    /// A finding's object, laid out at its first finding.
    pub(super) fn object(&mut self, json: &mut impl Sink, object: &Rc<ObjectRef>) {
        let objects = &mut self.objects;
        json.nested(|json| objects.write(json, object.clone()));
    }

    /// A finding's file, as a JSON string.
    fn file(&mut self, json: &mut impl Sink, file: &Rc<str>) {
        match &self.file {
            Some((last, bytes)) if Rc::ptr_eq(last, file) => json.laid_out(bytes),
            _ => {
                let bytes = escaped(file);
                json.laid_out(&bytes);
                self.file = Some((file.clone(), bytes));
            }
        }
    }
}

/// The optional fields a finding has, which make its layout: its fix (none,
/// one edit, other edits, or the reason there are none), its source, its
/// suppression.
const VARIANTS: usize = 4 * 2 * 2;

fn variant(f: &Finding, suppression: Option<&Suppression>) -> usize {
    let fix = match &f.fix {
        None => 0,
        Some(FixState::Ready(fix)) if fix.edits.len() == 1 => 1,
        Some(FixState::Ready(_)) => 2,
        Some(FixState::Refused(_)) => 3,
    };
    fix * 4 + usize::from(f.source.is_some()) * 2 + usize::from(suppression.is_some())
}

/// Writes a finding in its variant's layout, recorded at the first finding
/// that has it.
fn finding(json: &mut JsonWriter, f: &Finding, suppression: Option<&Suppression>, repeated: &mut Repeated) {
    let Repeated { texts, shapes } = repeated;
    let shape = shapes[variant(f, suppression)]
        .get_or_insert_with(|| Shape::record(json, |sink| finding_fields(sink, f, suppression, texts)));
    shape.fill(json, |sink| finding_fields(sink, f, suppression, texts));
}

fn finding_fields(json: &mut impl Sink, f: &Finding, suppression: Option<&Suppression>, texts: &mut Texts) {
    json.begin_object();
    json.field_number("document", f.document);
    json.key("file");
    texts.file(json, &f.file);
    // Added fields (see crate::fix): the fix's edits, or why there is none.
    match &f.fix {
        Some(FixState::Ready(fix)) => {
            json.key("fix");
            fix_edits(json, fix, texts);
        }
        Some(FixState::Refused(reason)) => json.field("fixRefused", reason),
        None => {}
    }
    json.field("message", &f.message);
    json.key("object");
    texts.object(json, &f.object);
    let rule = texts.of(f.rule);
    json.key("remediation");
    remediation(json, f, &rule);
    json.key("rule");
    json.laid_out(&rule.id);
    json.key("severity");
    json.laid_out(texts.name(f.severity.name()));
    // Added: the template Helm's `# Source:` comment names.
    if let Some(source) = &f.source {
        json.field("source", source);
    }
    json.key("span");
    span(json, f.span);
    if let Some(s) = suppression {
        json.key("suppression");
        json.begin_object();
        json.field("reason", &s.reason);
        json.field("via", s.via);
        json.end_object();
    }
    json.key("title");
    json.laid_out(&rule.title);
    json.end_object();
}

/// `{ applicability, edits: [{ end, start, text }] }`: one edit (most
/// fixes) laid out in the finding's layout, other counts by the writer.
fn fix_edits(json: &mut impl Sink, fix: &Fix, texts: &mut Texts) {
    json.begin_object();
    json.key("applicability");
    json.laid_out(texts.name(fix.applicability.name()));
    json.key("edits");
    match fix.edits.as_slice() {
        [edit] => {
            json.begin_array();
            fix_edit(json, edit);
            json.end_array();
        }
        edits => json.nested(|json| {
            json.begin_array();
            edits.iter().for_each(|edit| fix_edit(json, edit));
            json.end_array();
        }),
    }
    json.end_object();
}

fn fix_edit(json: &mut impl Sink, edit: &Edit) {
    json.begin_object();
    json.field_number("end", edit.end);
    json.field_number("start", edit.start);
    json.field("text", &edit.text);
    json.end_object();
}

impl Value for Rc<ObjectRef> {
    fn write(&self, json: &mut impl Sink) {
        write_object(json, self);
    }
}

/// A finding's object, its keys in its fields' order (byte order too).
pub fn write_object(json: &mut impl Sink, object: &ObjectRef) {
    json.begin_object();
    json.field("apiVersion", &object.api_version);
    json.field("kind", &object.kind);
    json.field_or_null("name", object.name.as_deref());
    json.field_or_null("namespace", object.namespace.as_deref());
    json.end_object();
}

/// `{ snippet, text }`.
pub(super) fn remediation(json: &mut impl Sink, f: &Finding, rule: &Escaped) {
    json.begin_object();
    json.key("snippet");
    match &f.snippet {
        // The rule's own snippet, not one written for this finding.
        Cow::Borrowed(snippet) if std::ptr::eq(*snippet, f.rule.snippet) => json.laid_out(&rule.snippet),
        snippet => json.string(snippet),
    }
    json.key("text");
    json.laid_out(&rule.remediation);
    json.end_object();
}

/// A span with its keys in byte order (`end` before `start`, `column` before
/// `line`), as every report has printed it.
fn span(json: &mut impl Sink, span: Region) {
    fn pos(json: &mut impl Sink, pos: Pos) {
        json.begin_object();
        json.field_number("column", pos.column as usize);
        json.field_number("line", pos.line as usize);
        json.field_number("offset", pos.at());
        json.end_object();
    }
    json.begin_object();
    json.key("end");
    pos(json, span.end);
    json.key("start");
    pos(json, span.start);
    json.end_object();
}

fn input_error(json: &mut JsonWriter, error: &InputError) {
    json.begin_object();
    json.key("document");
    match error.document {
        Some(document) => json.number(document),
        None => json.null(),
    }
    json.field("file", &error.file);
    json.field("message", &error.message);
    json.key("span");
    match error.span {
        Some(s) => span(json, s),
        None => json.null(),
    }
    json.end_object();
}

/// Counts per severity name, every severity present, in byte order (the
/// map's own).
fn by_severity(json: &mut JsonWriter, counts: &BTreeMap<&'static str, usize>) {
    json.begin_object();
    for (&severity, &count) in counts {
        json.field_number(severity, count);
    }
    json.end_object();
}

fn practice_summary(json: &mut JsonWriter, p: &PracticeSummary) {
    json.begin_object();
    json.key("bySeverity");
    by_severity(json, &p.by_severity);
    json.field_number("findings", p.findings);
    json.field_number("objects", p.objects);
    json.field("practice", p.practice.id());
    json.field_number("rules", p.rules);
    json.field("status", p.status.name());
    json.field("title", p.title);
    json.end_object();
}

fn summary(json: &mut JsonWriter, summary: &Summary) {
    json.begin_object();
    json.key("bySeverity");
    by_severity(json, &summary.by_severity);
    json.field_number("documents", summary.documents);
    json.field_number("errors", summary.errors);
    json.field_number("files", summary.files);
    json.field_number("findings", summary.findings);
    json.field_number("objects", summary.objects);
    json.field_number("skippedDocuments", summary.skipped_documents);
    json.field_number("suppressed", summary.suppressed);
    json.end_object();
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::io::{self, Write};

    use super::super::stream::Layout;
    use crate::engine::{check, Options};

    /// Takes `room` bytes, then fails as a closed pipe does.
    struct ClosesAfter {
        room: usize,
    }

    impl Write for ClosesAfter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_stops_asking_for_findings() {
        let pod =
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n";
        let text = vec![pod; 2000].join("---\n");
        let report = check("big.yaml", text.as_bytes(), &Options::default());
        assert!(report.findings.len() > 10_000, "{}", report.findings.len());

        let yielded = Cell::new(0);
        let counted = report.findings.iter().inspect(|_| yielded.set(yielded.get() + 1));
        let mut out = ClosesAfter { room: 100 };
        let error = super::write_json_part(&report, counted, true, Layout::Pretty, &mut out).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
        // The first spill (64 KB) fails; the findings after it are never laid out.
        assert!(yielded.get() < report.findings.len() / 10, "{} of {}", yielded.get(), report.findings.len());

        let mut out = ClosesAfter { room: 100 };
        let error = super::super::write_sarif(&report, Layout::Pretty, &mut out).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}

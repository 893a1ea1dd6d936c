//! The JSON report read back into a [`Report`]: the playground gets its
//! reports from the engine module in a Web Worker, as the CLI's JSON, and
//! shows, fixes and downloads them as it does a report of its own. Rules and
//! practices are the registry's, looked up by id; a report from another
//! version of the engine that names a rule this one lacks is refused.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use super::{Finding, InputError, Note, PracticeSummary, Report, Status, Suppressed};
use crate::fix::{Applicability, Edit, Fix, FixState};
use crate::json::{self, Fields, Value};
use crate::k8s::ObjectRef;
use crate::rules::{self, Practice, Rule, Severity};
use crate::suppress::Suppression;
use crate::yaml::{Pos, Region};

/// Reads a report as `posture check --format json` writes it (the engine
/// module's reports are the same JSON).
pub fn from_json(json: &str) -> Result<Report, String> {
    let registry: HashMap<&str, &'static Rule> = rules::all().iter().map(|r| (r.id, *r)).collect();
    from_json_with(json, |id| registry.get(id).copied())
}

/// [`from_json`], with rules looked up by `rule` (the playground's registry,
/// read from the engine module: linking this one's would bring every rule's
/// check code along). Read with [`crate::json`], not serde: this is the
/// playground's largest read, of thousands of findings.
pub fn from_json_with(json: &str, rule: impl Fn(&str) -> Option<&'static Rule>) -> Result<Report, String> {
    let not = |e: String| format!("not a Posture report: {e}");
    let whole = json::parse(json).map_err(not)?;
    let whole = Fields::of(&whole, "the report").map_err(not)?;
    let mut reader = FindingReader { rule, files: HashMap::new(), last_object: None };
    let findings =
        whole.array("findings")?.iter().map(|f| Ok(reader.finding(f)?.0)).collect::<Result<Vec<_>, String>>()?;
    let suppressed = whole
        .array("suppressed")?
        .iter()
        .map(|f| {
            let (finding, suppression) = reader.finding(f)?;
            let s = Fields::of(suppression.ok_or("a suppressed finding without its suppression")?, "a suppression")?;
            let via = match s.str("via")? {
                "annotation" => "annotation",
                "comment" => "comment",
                other => return Err(format!("unknown suppression {other}")),
            };
            Ok(Suppressed { finding, suppression: Suppression { via, reason: s.string("reason")? } })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let practices = whole.objects("practices", "a practice", |p| {
        let practice = p.name("practice", |id| Practice::ALL.into_iter().find(|x| x.id() == id))?;
        let by_severity = Fields::of(p.value("bySeverity")?, "bySeverity")?;
        Ok(PracticeSummary {
            practice,
            title: practice.title(),
            status: p.name("status", |name| Status::ALL.into_iter().find(|s| s.name() == name))?,
            rules: p.usize("rules")?,
            objects: p.usize("objects")?,
            findings: p.usize("findings")?,
            by_severity: Severity::ALL
                .iter()
                .map(|s| (s.name(), by_severity.opt(s.name()).and_then(Value::as_usize).unwrap_or(0)))
                .collect(),
        })
    })?;
    let errors = whole.objects("errors", "an input error", |e| {
        Ok(InputError {
            file: e.string("file")?,
            document: e
                .opt("document")
                .map(|d| d.as_usize().ok_or("an error's document is not a number"))
                .transpose()?,
            message: e.string("message")?,
            span: e.opt("span").map(span).transpose()?,
        })
    })?;
    let notes = whole.objects("notes", "a note", |n| {
        Ok(Note { file: n.string("file")?, document: n.usize("document")?, message: n.string("message")? })
    })?;
    let summary = Fields::of(whole.value("summary")?, "the summary")?;
    Ok(Report {
        findings,
        suppressed,
        practices,
        errors,
        notes,
        files: summary.usize("files")?,
        documents: summary.usize("documents")?,
        objects: summary.usize("objects")?,
        skipped_documents: summary.usize("skippedDocuments")?,
    })
}

/// Findings read with their rule looked up, sharing one copy of each file
/// name and object, as the engine's do.
struct FindingReader<R> {
    rule: R,
    files: HashMap<String, Rc<str>>,
    /// Findings come object by object: the previous one's object is shared.
    last_object: Option<Rc<ObjectRef>>,
}

impl<R: Fn(&str) -> Option<&'static Rule>> FindingReader<R> {
    /// A finding, and its suppression when it has one.
    fn finding<'v, 'a>(&mut self, value: &'v Value<'a>) -> Result<(Finding, Option<&'v Value<'a>>), String> {
        let f = Fields::of(value, "a finding")?;
        let id = f.str("rule")?;
        let rule = (self.rule)(id).ok_or_else(|| format!("no rule {id} in this engine"))?;
        let name = f.str("file")?;
        let file = match self.files.get(name) {
            Some(file) => file.clone(),
            None => self.files.entry(name.to_owned()).or_insert_with(|| Rc::from(name)).clone(),
        };
        let read = read_object(f.value("object")?)?;
        let object = match self.last_object.take() {
            Some(last) if *last == read => last,
            _ => Rc::new(read),
        };
        self.last_object = Some(object.clone());
        let fix = match (f.opt("fix"), f.opt_string("fixRefused")?) {
            (Some(fix), _) => {
                let fix = Fields::of(fix, "a fix")?;
                let applicability =
                    fix.name("applicability", |name| Applicability::ALL.into_iter().find(|a| a.name() == name))?;
                let edits = fix.objects("edits", "an edit", |e| {
                    Ok(Edit { start: e.usize("start")?, end: e.usize("end")?, text: e.string("text")? })
                })?;
                Some(FixState::Ready(Fix { applicability, edits }))
            }
            (None, Some(reason)) => Some(FixState::Refused(reason)),
            (None, None) => None,
        };
        let remediation = Fields::of(f.value("remediation")?, "a remediation")?;
        let finding = Finding {
            rule,
            severity: f.name("severity", Severity::parse)?,
            message: f.string("message")?,
            file,
            document: f.usize("document")?,
            object,
            span: span(f.value("span")?)?,
            snippet: Cow::Owned(remediation.string("snippet")?),
            fix,
            source: f.opt_string("source")?.map(Rc::from),
        };
        Ok((finding, f.opt("suppression")))
    }
}

/// An object as reports name it (`apiVersion`, `kind`, `name`, `namespace`).
pub fn read_object(value: &Value) -> Result<ObjectRef, String> {
    let o = Fields::of(value, "an object")?;
    Ok(ObjectRef {
        api_version: o.string("apiVersion")?,
        kind: o.string("kind")?,
        name: o.opt_string("name")?,
        namespace: o.opt_string("namespace")?,
    })
}

fn span(value: &Value) -> Result<Region, String> {
    let s = Fields::of(value, "a span")?;
    let pos = |key: &str| -> Result<Pos, String> {
        let p = Fields::of(s.value(key)?, "a position")?;
        let number = |key: &str| u32::try_from(p.usize(key)?).map_err(|_| format!("a {key} out of range"));
        Ok(Pos { line: number("line")?, column: number("column")?, offset: number("offset")? })
    };
    Ok(Region { start: pos("start")?, end: pos("end")? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::to_json;
    use crate::Options;

    /// Read back, the report writes the same JSON: nothing is lost on the
    /// way from the engine module to the playground.
    #[test]
    fn a_report_read_back_is_the_same_report() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        let mut inputs: Vec<(String, Vec<u8>)> = names
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(p).unwrap()))
            .collect();
        // Suppressions, an input error and a fix that cannot be made.
        inputs.push((
            "odd.yaml".into(),
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    posture.dev/ignore: 'pss/privileged: reviewed'\nspec:\n  hostNetwork: true  # posture:ignore pss/host-namespaces node agent\n  containers:\n  - name: a\n    image: x\n    securityContext: {privileged: true}\n---\n[\n"
                .to_vec(),
        ));
        let (mut checked, mut suppressed) = (0, 0);
        for (name, text) in &inputs {
            let report = crate::check(name, text, &Options::default());
            let json = to_json(&report);
            assert_eq!(to_json(&from_json(&json).unwrap()), json, "{name}");
            checked += report.findings.len();
            suppressed += report.suppressed.len();
        }
        assert!(checked > 100 && suppressed >= 2, "{checked} findings and {suppressed} suppressed compared");
    }

    /// The names read back are those serde writes.
    #[test]
    fn names_are_serdes() {
        let serde = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        for p in Practice::ALL {
            assert_eq!(p.id(), serde(serde_json::to_value(p).unwrap()));
        }
        for s in Status::ALL {
            assert_eq!(s.name(), serde(serde_json::to_value(s).unwrap()));
        }
        for s in Severity::ALL {
            assert_eq!(s.name(), serde(serde_json::to_value(s).unwrap()));
        }
        for a in Applicability::ALL {
            assert_eq!(a.name(), serde(serde_json::to_value(a).unwrap()));
        }
    }

    #[test]
    fn what_is_not_a_report_is_refused() {
        assert!(from_json("{}").is_err());
        let unknown = to_json(&crate::check(
            "a.yaml",
            b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: x}]}\n",
            &Options::default(),
        ))
        .replacen("\"rule\": \"", "\"rule\": \"gone/", 1);
        assert!(from_json(&unknown).unwrap_err().contains("no rule gone/"));
    }
}

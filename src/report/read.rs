//! The JSON report read back into a [`Report`]: the playground gets its
//! reports from the engine module in a Web Worker, as the CLI's JSON, and
//! shows, fixes and downloads them as it does a report of its own. Rules and
//! practices are the registry's, looked up by id; a report from another
//! version of the engine that names a rule this one lacks is refused.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use serde::Deserialize;

use super::{Finding, InputError, Note, PracticeSummary, Report, Status, Suppressed};
use crate::fix::{Applicability, Edit, Fix, FixState};
use crate::k8s::ObjectRef;
use crate::rules::{self, Practice, Rule, Severity};
use crate::suppress::Suppression;
use crate::yaml::Span;

#[derive(Deserialize)]
struct Whole {
    errors: Vec<ErrorIn>,
    findings: Vec<FindingIn>,
    notes: Vec<NoteIn>,
    practices: Vec<PracticeIn>,
    summary: SummaryIn,
    suppressed: Vec<FindingIn>,
}

#[derive(Deserialize)]
struct ErrorIn {
    document: Option<usize>,
    file: String,
    message: String,
    span: Option<Span>,
}

#[derive(Deserialize)]
struct NoteIn {
    file: String,
    document: usize,
    message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SummaryIn {
    files: usize,
    documents: usize,
    objects: usize,
    skipped_documents: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PracticeIn {
    practice: Practice,
    status: Status,
    rules: usize,
    objects: usize,
    findings: usize,
    by_severity: HashMap<String, usize>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FindingIn {
    document: usize,
    file: String,
    fix: Option<FixIn>,
    fix_refused: Option<String>,
    message: String,
    object: ObjectRef,
    remediation: RemediationIn,
    rule: String,
    severity: Severity,
    source: Option<String>,
    span: Span,
    suppression: Option<SuppressionIn>,
}

#[derive(Deserialize)]
struct FixIn {
    applicability: Applicability,
    edits: Vec<Edit>,
}

#[derive(Deserialize)]
struct RemediationIn {
    snippet: String,
}

#[derive(Deserialize)]
struct SuppressionIn {
    reason: String,
    via: String,
}

/// Reads a report as `posture check --format json` writes it (the engine
/// module's reports are the same JSON).
pub fn from_json(json: &str) -> Result<Report, String> {
    let registry: HashMap<&str, &'static Rule> = rules::all().iter().map(|r| (r.id, *r)).collect();
    from_json_with(json, |id| registry.get(id).copied())
}

/// [`from_json`], with rules looked up by `rule` (the playground's registry,
/// read from the engine module: linking this one's would bring every rule's
/// check code along).
pub fn from_json_with(json: &str, rule: impl Fn(&str) -> Option<&'static Rule>) -> Result<Report, String> {
    let whole: Whole = serde_json::from_str(json).map_err(|e| format!("not a Posture report: {e}"))?;
    // One shared copy of each file name and object, as the engine keeps them.
    let mut files: HashMap<String, Rc<str>> = HashMap::new();
    // Findings come object by object: the previous one's object is shared.
    let mut last_object: Option<Rc<ObjectRef>> = None;
    let mut finding = |f: FindingIn| -> Result<(Finding, Option<SuppressionIn>), String> {
        let rule = rule(&f.rule).ok_or_else(|| format!("no rule {} in this engine", f.rule))?;
        let file = files.entry(f.file).or_insert_with_key(|name| Rc::from(name.as_str())).clone();
        let object = match last_object.take() {
            Some(last) if *last == f.object => last,
            _ => Rc::new(f.object),
        };
        last_object = Some(object.clone());
        let fix = match (f.fix, f.fix_refused) {
            (Some(fix), _) => Some(FixState::Ready(Fix { applicability: fix.applicability, edits: fix.edits })),
            (None, Some(reason)) => Some(FixState::Refused(reason)),
            (None, None) => None,
        };
        let finding = Finding {
            rule,
            severity: f.severity,
            message: f.message,
            file,
            document: f.document,
            object,
            span: f.span,
            snippet: Cow::Owned(f.remediation.snippet),
            fix,
            source: f.source.map(Rc::from),
        };
        Ok((finding, f.suppression))
    };
    let findings = whole.findings.into_iter().map(|f| Ok(finding(f)?.0)).collect::<Result<Vec<_>, String>>()?;
    let suppressed = whole
        .suppressed
        .into_iter()
        .map(|f| {
            let (finding, suppression) = finding(f)?;
            let s = suppression.ok_or("a suppressed finding without its suppression")?;
            let via = match s.via.as_str() {
                "annotation" => "annotation",
                "comment" => "comment",
                other => return Err(format!("unknown suppression {other}")),
            };
            Ok(Suppressed { finding, suppression: Suppression { via, reason: s.reason } })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let practices = whole
        .practices
        .into_iter()
        .map(|p| PracticeSummary {
            practice: p.practice,
            title: p.practice.title(),
            status: p.status,
            rules: p.rules,
            objects: p.objects,
            findings: p.findings,
            by_severity: Severity::ALL
                .iter()
                .map(|s| (s.name(), p.by_severity.get(s.name()).copied().unwrap_or(0)))
                .collect(),
        })
        .collect();
    let errors = whole
        .errors
        .into_iter()
        .map(|e| InputError { file: e.file, document: e.document, message: e.message, span: e.span })
        .collect();
    let notes =
        whole.notes.into_iter().map(|n| Note { file: n.file, document: n.document, message: n.message }).collect();
    Ok(Report {
        findings,
        suppressed,
        practices,
        errors,
        notes,
        files: whole.summary.files,
        documents: whole.summary.documents,
        objects: whole.summary.objects,
        skipped_documents: whole.summary.skipped_documents,
    })
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

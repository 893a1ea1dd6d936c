//! Text in, report out: parse every document, find its objects, run the
//! enabled rules on each.

use crate::k8s::{self, Contents};
use crate::report::{Finding, InputError, Report};
use crate::rules::{self, Hits, PssLevel, Rule};
use crate::yaml::{self, LineIndex, Limits};

#[derive(Clone, Debug)]
pub struct Options {
    /// The Pod Security Standards level `pss/*` rules enforce.
    pub pss_level: PssLevel,
    /// Rule id prefixes to run; empty means all.
    pub select: Vec<String>,
    /// Rule id prefixes to skip, applied after `select`.
    pub ignore: Vec<String>,
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options { pss_level: PssLevel::Restricted, select: Vec::new(), ignore: Vec::new(), limits: Limits::default() }
    }
}

impl Options {
    pub fn enabled(&self, rule: &Rule) -> bool {
        let matches = |prefixes: &[String]| prefixes.iter().any(|p| rule.id.starts_with(p.as_str()));
        rule.applies_at(self.pss_level) && (self.select.is_empty() || matches(&self.select)) && !matches(&self.ignore)
    }

    /// Prefixes given to select or ignore that name no rule (likely typos).
    pub fn unknown_prefixes(&self) -> Vec<&str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .filter(|p| !rules::all().iter().any(|r| r.id.starts_with(p.as_str())))
            .map(String::as_str)
            .collect()
    }
}

/// Checks one input. `file` only labels the findings.
pub fn check(file: &str, text: &[u8], options: &Options) -> Report {
    let enabled: Vec<&Rule> = rules::all().iter().copied().filter(|r| options.enabled(r)).collect();
    let lines = LineIndex::new(&text[..text.len().min(options.limits.max_bytes.saturating_add(1))]);
    let mut report = Report { files: 1, ..Report::default() };
    for doc in yaml::parse_stream(text, &lines, &options.limits) {
        report.documents += 1;
        let error = |e: yaml::YamlError| InputError {
            file: file.to_owned(),
            document: Some(doc.index),
            message: e.message,
            span: Some(e.span),
        };
        let root = match doc.root {
            Ok(root) => root,
            Err(e) => {
                report.errors.push(error(e));
                continue;
            }
        };
        if root.is_null() {
            continue;
        }
        let objects = match k8s::contents(&root) {
            Ok(Contents::Objects(objects)) => objects,
            Ok(Contents::NotKubernetes) => {
                report.skipped_documents += 1;
                continue;
            }
            Err(e) => {
                report.errors.push(error(e));
                continue;
            }
        };
        for object in objects {
            report.objects += 1;
            for rule in &enabled {
                let mut hits = Hits::default();
                (rule.check)(&object, &mut hits);
                report.findings.extend(hits.0.into_iter().map(|hit| Finding {
                    rule,
                    severity: rule.severity,
                    message: hit.message,
                    file: file.to_owned(),
                    document: doc.index,
                    object: object.reference(),
                    span: hit.span,
                    snippet: hit.snippet.unwrap_or_else(|| rule.snippet.to_owned()),
                }));
            }
        }
    }
    report.findings.sort_by(|a, b| (a.span.start.offset, a.rule.id).cmp(&(b.span.start.offset, b.rule.id)));
    report
}

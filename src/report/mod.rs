//! What a check produces, and its renderings: text, JSON, SARIF, Markdown.

mod escape;
mod json;
mod markdown;
mod practices;
mod read;
mod registry;
mod sarif;
mod stream;
mod text;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::k8s::ObjectRef;
use crate::rules::{Rule, Severity};
use crate::suppress::Suppression;
use crate::yaml::Region;

pub use escape::{escape, json_string};
pub use json::{to_json, write_json, write_json_part, write_object as write_object_ref};
pub use markdown::{to_markdown, write_markdown};
pub use practices::{practices, relevance, PracticeSummary, Status};
pub use read::{from_json, from_json_with, read_object};
pub use registry::{rules_json, write_rules};
pub use sarif::{to_sarif, write_sarif};
pub use stream::{JsonWriter, Layout, Sink};
pub use text::{to_text, write_text, Style};

/// Shared parts (file, object) are reference-counted: an input can have
/// hundreds of thousands of findings.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    pub file: Rc<str>,
    /// 1-based index of the document in its file.
    pub document: usize,
    pub object: Rc<ObjectRef>,
    pub span: Region,
    /// The YAML that fixes this finding.
    pub snippet: Cow<'static, str>,
    /// The edits that fix it, or why none can be made (see [`crate::fix`]);
    /// `None` when its rule has no fix.
    pub fix: Option<crate::fix::FixState>,
    /// Where the object came from before rendering: the template named by
    /// Helm's `# Source:` comment in `helm template` output.
    pub source: Option<Rc<str>>,
}

/// A file Posture recognised but does not check as objects (a Helm
/// `Chart.yaml` or `values.yaml`, a `kustomization.yaml`): what it is and
/// how to render it.
#[derive(Debug, PartialEq)]
pub struct Note {
    pub file: String,
    pub document: usize,
    pub message: String,
}

/// Input that could not be checked: a document that does not parse, or a
/// file that could not be read (no document, no span).
#[derive(Debug, PartialEq)]
pub struct InputError {
    pub file: String,
    pub document: Option<usize>,
    pub message: String,
    pub span: Option<Region>,
}

/// A finding someone reviewed and accepted, with their reason.
#[derive(Debug)]
pub struct Suppressed {
    pub finding: Finding,
    pub suppression: Suppression,
}

#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Findings suppressed by an annotation or comment: counted and listed
    /// apart, never dropped.
    pub suppressed: Vec<Suppressed>,
    /// The posture per practice.
    pub practices: Vec<PracticeSummary>,
    pub errors: Vec<InputError>,
    /// Files recognised and explained rather than checked.
    pub notes: Vec<Note>,
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    /// Documents that are YAML but not Kubernetes objects.
    pub skipped_documents: usize,
}

#[derive(Debug)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    pub skipped_documents: usize,
    pub findings: usize,
    pub suppressed: usize,
    pub errors: usize,
    /// Findings per severity, every severity present.
    pub by_severity: BTreeMap<&'static str, usize>,
}

impl Report {
    pub fn summary(&self) -> Summary {
        // One pass over the findings (tens of thousands, after every
        // keystroke in the playground's worker), not one per severity.
        let mut counts = [0; Severity::ALL.len()];
        for finding in &self.findings {
            counts[finding.severity as usize] += 1;
        }
        let by_severity = Severity::ALL.iter().map(|&s| (s.name(), counts[s as usize])).collect();
        Summary {
            files: self.files,
            documents: self.documents,
            objects: self.objects,
            skipped_documents: self.skipped_documents,
            findings: self.findings.len(),
            suppressed: self.suppressed.len(),
            errors: self.errors.len(),
            by_severity,
        }
    }

    /// The rules that produced findings (suppressed ones included), in
    /// registry order (for SARIF).
    pub fn rules(&self) -> Vec<&'static Rule> {
        let fired = |id: &str| {
            self.findings.iter().any(|f| f.rule.id == id) || self.suppressed.iter().any(|s| s.finding.rule.id == id)
        };
        crate::rules::all().iter().copied().filter(|r| fired(r.id)).collect()
    }
}

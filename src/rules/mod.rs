//! The rule registry: every rule's metadata, docs, examples and detection in
//! one table. Docs, `posture rules`, SARIF rule descriptors and the
//! playground's rule list all read [`all`].

/// A CIS Kubernetes Benchmark item (numbering of benchmark v1.12, as
/// kube-bench uses it) and its title.
macro_rules! cis {
    ($item:literal, $title:literal) => {
        crate::rules::Cis { item: $item, title: $title }
    };
}

pub mod admission;
pub mod apiservice;
pub mod audit;
pub mod control_plane;
pub mod docs;
pub mod encryption;
pub mod fix;
pub mod image;
pub mod kinds;
pub mod kubernetes_version;
pub mod namespace;
pub mod network;
pub mod pss;
pub mod rbac;
pub mod scope;
pub mod secrets;
pub mod service;
pub mod standards;
pub mod workload;

use serde::{Deserialize, Serialize};

use crate::clip;
use crate::k8s::Object;
use crate::yaml::{LineIndex, Node, Span};
use scope::Scope;
use standards::PolicyVersion;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.name() == s)
    }
}

/// The security practices of the seed articles; every rule serves one, and
/// the posture summary reports per practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Practice {
    ApiAccess,
    Encryption,
    PodSecurity,
    ImagePolicy,
    NetworkPolicy,
    Audit,
    ControlPlane,
    ResourceLimits,
    Admission,
}

impl Practice {
    pub const ALL: [Practice; 9] = [
        Practice::ApiAccess,
        Practice::Encryption,
        Practice::PodSecurity,
        Practice::ImagePolicy,
        Practice::NetworkPolicy,
        Practice::Audit,
        Practice::ControlPlane,
        Practice::ResourceLimits,
        Practice::Admission,
    ];

    /// The kebab-case id reports and lesson files use (`pod-security`).
    pub fn id(self) -> &'static str {
        match self {
            Practice::ApiAccess => "api-access",
            Practice::Encryption => "encryption",
            Practice::PodSecurity => "pod-security",
            Practice::ImagePolicy => "image-policy",
            Practice::NetworkPolicy => "network-policy",
            Practice::Audit => "audit",
            Practice::ControlPlane => "control-plane",
            Practice::ResourceLimits => "resource-limits",
            Practice::Admission => "admission",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Practice::ApiAccess => "API access and RBAC",
            Practice::Encryption => "Secrets and encryption at rest",
            Practice::PodSecurity => "Pod Security",
            Practice::ImagePolicy => "Image policy",
            Practice::NetworkPolicy => "Network policy and exposure",
            Practice::Audit => "Audit and monitoring",
            Practice::ControlPlane => "Control-plane hardening",
            Practice::ResourceLimits => "Resource limits",
            Practice::Admission => "Admission control",
        }
    }
}

/// The Pod Security Standards level whose controls `pss/*` rules enforce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    Baseline,
    Restricted,
}

impl PssLevel {
    pub fn name(self) -> &'static str {
        match self {
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }

    pub fn parse(s: &str) -> Option<PssLevel> {
        [PssLevel::Baseline, PssLevel::Restricted].into_iter().find(|l| l.name() == s)
    }
}

/// A Pod Security Admission check a rule reproduces.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PssControl {
    /// PSA's check id, e.g. `capabilities_baseline`.
    pub check: &'static str,
    pub level: PssLevel,
    /// The first policy version with the check (PSA's earliest
    /// `MinimumVersion` for it); how it changed since is the rule's check,
    /// see `pss::versions`.
    pub since: PolicyVersion,
    /// The baseline check this one replaces at the restricted level (from
    /// `since` on: no PSA override starts later than its check).
    pub overrides: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Reference {
    pub title: &'static str,
    pub url: &'static str,
}

/// A CIS Kubernetes Benchmark item a rule checks, numbered as in benchmark
/// v1.12 (kube-bench's ids are these numbers). Write it with `cis!`.
#[derive(Debug, Serialize)]
pub struct Cis {
    pub item: &'static str,
    pub title: &'static str,
}

impl Cis {
    pub const URL: &'static str = "https://www.cisecurity.org/benchmark/kubernetes";
}

/// Another checker whose ids rules name, so its users can map findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tool {
    KubeLinter,
    Checkov,
    Trivy,
    Kubescape,
    Polaris,
}

impl Tool {
    pub const ALL: [Tool; 5] = [Tool::Checkov, Tool::Kubescape, Tool::Trivy, Tool::KubeLinter, Tool::Polaris];

    pub fn name(self) -> &'static str {
        match self {
            Tool::KubeLinter => "kube-linter",
            Tool::Checkov => "Checkov",
            Tool::Trivy => "Trivy",
            Tool::Kubescape => "Kubescape",
            Tool::Polaris => "Polaris",
        }
    }
}

/// One of another tool's checks that looks for the same thing as a rule
/// (see `../shared/reference/check-catalog.md`). kube-bench is not listed
/// here: its ids are the rule's `cis` items.
#[derive(Debug, Serialize)]
pub struct Source {
    pub tool: Tool,
    pub id: &'static str,
}

/// `checkov("CKV_K8S_16")`, ...: a source, short enough for a rule's table.
pub const fn checkov(id: &'static str) -> Source {
    Source { tool: Tool::Checkov, id }
}
pub const fn trivy(id: &'static str) -> Source {
    Source { tool: Tool::Trivy, id }
}
pub const fn kubescape(id: &'static str) -> Source {
    Source { tool: Tool::Kubescape, id }
}
pub const fn kube_linter(id: &'static str) -> Source {
    Source { tool: Tool::KubeLinter, id }
}
pub const fn polaris(id: &'static str) -> Source {
    Source { tool: Tool::Polaris, id }
}

/// A rule family: the part of an id before the `/`, one module (or folder)
/// under `src/rules/`. Serialized as its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Pss,
    Workload,
    Image,
    Secrets,
    Rbac,
    Network,
    Namespace,
    Service,
    Apiserver,
    ApiService,
    Etcd,
    ControllerManager,
    Scheduler,
    Kubelet,
    Encryption,
    Audit,
    Admission,
}

impl Family {
    pub const ALL: [Family; 17] = [
        Family::Pss,
        Family::Workload,
        Family::Image,
        Family::Secrets,
        Family::Rbac,
        Family::Network,
        Family::Namespace,
        Family::Service,
        Family::Apiserver,
        Family::ApiService,
        Family::Etcd,
        Family::ControllerManager,
        Family::Scheduler,
        Family::Kubelet,
        Family::Encryption,
        Family::Audit,
        Family::Admission,
    ];

    /// The id prefix (`pss`, `controller-manager`).
    pub fn id(self) -> &'static str {
        match self {
            Family::Pss => "pss",
            Family::Workload => "workload",
            Family::Image => "image",
            Family::Secrets => "secrets",
            Family::Rbac => "rbac",
            Family::Network => "network",
            Family::Namespace => "namespace",
            Family::Service => "service",
            Family::Apiserver => "apiserver",
            Family::ApiService => "apiservice",
            Family::Etcd => "etcd",
            Family::ControllerManager => "controller-manager",
            Family::Scheduler => "scheduler",
            Family::Kubelet => "kubelet",
            Family::Encryption => "encryption",
            Family::Audit => "audit",
            Family::Admission => "admission",
        }
    }

    /// The family a rule id belongs to.
    pub fn of(id: &str) -> Option<Family> {
        let family = id.split_once('/').map_or(id, |(family, _)| family);
        Family::ALL.into_iter().find(|f| f.id() == family)
    }

    /// Where its rules live, from the repository root.
    pub fn module(self) -> &'static str {
        match self {
            Family::Pss => "src/rules/pss/",
            Family::Apiserver => "src/rules/control_plane/apiserver.rs",
            Family::ApiService => "src/rules/apiservice.rs",
            Family::Etcd => "src/rules/control_plane/etcd.rs",
            Family::ControllerManager => "src/rules/control_plane/controller_manager.rs",
            Family::Scheduler => "src/rules/control_plane/scheduler.rs",
            Family::Kubelet => "src/rules/control_plane/kubelet.rs",
            Family::Workload => "src/rules/workload.rs",
            Family::Image => "src/rules/image.rs",
            Family::Secrets => "src/rules/secrets.rs",
            Family::Rbac => "src/rules/rbac.rs",
            Family::Network => "src/rules/network.rs",
            Family::Namespace => "src/rules/namespace.rs",
            Family::Service => "src/rules/service.rs",
            Family::Encryption => "src/rules/encryption.rs",
            Family::Audit => "src/rules/audit.rs",
            Family::Admission => "src/rules/admission.rs",
        }
    }
}

impl Serialize for Family {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[derive(Debug, Serialize)]
pub struct Rule {
    /// `family/name`, kebab-case; never renamed once released.
    pub id: &'static str,
    pub family: Family,
    pub title: &'static str,
    pub severity: Severity,
    pub practice: Practice,
    /// Why it matters: the risk in a few sentences.
    pub rationale: &'static str,
    /// Documentation and specifications, most authoritative first.
    pub references: &'static [Reference],
    /// The CIS Kubernetes Benchmark items it checks.
    pub cis: &'static [Cis],
    /// Other tools' checks for the same thing.
    pub sources: &'static [Source],
    /// The object kinds its check reads (see [`kinds`]).
    pub kinds: &'static [&'static str],
    pub remediation: &'static str,
    /// A YAML fragment that fixes the typical case.
    pub snippet: &'static str,
    pub pss: Option<PssControl>,
    /// Examples it must flag: each finding is marked on its line with a
    /// trailing `# expect: <rule id>` comment (see `tests/registry.rs`).
    pub bad: &'static [&'static str],
    /// Examples it must not flag, near misses included.
    pub good: &'static [&'static str],
    #[serde(skip)]
    pub check: fn(&Object, &mut Hits),
}

impl Rule {
    /// Whether the rule runs at the given Pod Security level and policy
    /// version: as in PSA's registry, a check runs from its first version
    /// at its level and above, unless at the restricted level a restricted
    /// check existing at that version overrides it.
    pub fn applies_at(&self, level: PssLevel, version: PolicyVersion) -> bool {
        match &self.pss {
            None => true,
            Some(control) if control.level > level || !version.at_least(control.since) => false,
            Some(control) => {
                level == PssLevel::Baseline
                    || !overriding()
                        .iter()
                        .any(|other| other.overrides == Some(control.check) && version.at_least(other.since))
            }
        }
    }
}

/// The Pod Security controls that override another at the restricted
/// level: a few of the registry's rules, listed once rather than looked for
/// among all of them whenever a rule asks whether another runs.
fn overriding() -> &'static [&'static PssControl] {
    static OVERRIDING: std::sync::OnceLock<Vec<&'static PssControl>> = std::sync::OnceLock::new();
    OVERRIDING.get_or_init(|| {
        all().iter().filter_map(|r| r.pss.as_ref()).filter(|control| control.overrides.is_some()).collect()
    })
}

/// Every family's rules, in the order they are listed and run.
static FAMILIES: &[&[&Rule]] = &[
    pss::RULES,
    workload::RULES,
    image::RULES,
    secrets::RULES,
    rbac::RULES,
    network::RULES,
    namespace::RULES,
    service::RULES,
    control_plane::apiserver::RULES,
    apiservice::RULES,
    control_plane::etcd::RULES,
    control_plane::controller_manager::RULES,
    control_plane::scheduler::RULES,
    control_plane::kubelet::RULES,
    encryption::RULES,
    audit::RULES,
    admission::RULES,
];

/// Every rule, in a stable order: the registry.
pub fn all() -> &'static [&'static Rule] {
    static ALL: std::sync::OnceLock<Vec<&'static Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| FAMILIES.iter().flat_map(|family| family.iter().copied()).collect())
}

pub fn by_id(id: &str) -> Option<&'static Rule> {
    all().iter().copied().find(|r| r.id == id)
}

/// Whether a name a person wrote (`--select`, `--ignore`, a suppression, a
/// family toggle) names the rule `id`: the exact id, or the rule's whole
/// family, written bare or ending in `/` (`pss`, `pss/`). Never a string
/// prefix: `apiserver/audit-log` must not also name
/// `apiserver/audit-log-retention`.
pub fn names(name: &str, id: &str) -> bool {
    let family = id.split_once('/').map_or(id, |(family, _)| family);
    name == id || name.strip_suffix('/').unwrap_or(name) == family
}

/// What a rule's detection found: where, what, and the fix for this case.
#[derive(Clone, Debug)]
pub struct Hit {
    pub span: Span,
    pub message: String,
    pub snippet: Option<String>,
    /// This case's severity when it differs from the rule's (a restricted
    /// check keeping the higher severity of the baseline check it also
    /// breaks, a read-only grant on metrics); `None` for the rule's own.
    pub severity: Option<Severity>,
    /// The edits that close it (see [`crate::fix`]), or why none can be
    /// made with certainty; `None` when the rule computed none.
    pub edits: Option<crate::fix::Planned>,
    /// How far this case's fix may be trusted when it is less than the
    /// rule declares (an explicit setting changed rather than a missing
    /// one added).
    pub applicability: Option<crate::fix::Applicability>,
}

/// Collects a rule's hits for one object, and gives the rule the rest of the
/// input (other objects, the run's options) to relate it to.
pub struct Hits<'s> {
    pub found: Vec<Hit>,
    scope: &'s Scope<'s>,
    pss_version: PolicyVersion,
    /// The input the object came from, for fixes' edits.
    text: &'s [u8],
    /// `text`'s indentation step, computed once per input.
    indent: usize,
    /// `text`'s lines, for a message that names a line (the trees hold
    /// byte offsets only).
    lines: Option<&'s LineIndex<'s>>,
    /// Whether the rule asked for the scope: what it found may then depend
    /// on more than the object (see [`Hits::looked_past`]).
    asked: std::cell::Cell<bool>,
}

impl<'s> Hits<'s> {
    /// Hits for a `pss/*` rule run at another policy version (a namespace's
    /// `enforce-version`), with no text for fixes to edit.
    pub fn at_version(scope: &'s Scope<'s>, pss_version: PolicyVersion) -> Self {
        Hits { pss_version, ..Self::with_text(scope, &[], 2) }
    }

    /// Hits at the run's Pod Security policy version whose fixes edit
    /// `text`, the input the object came from, whose indentation step is
    /// `indent` ([`crate::fix::edit::indent_unit`]).
    pub fn with_text(scope: &'s Scope<'s>, text: &'s [u8], indent: usize) -> Self {
        Hits {
            found: Vec::new(),
            scope,
            pss_version: scope.options.pss_version,
            text,
            indent,
            lines: None,
            asked: std::cell::Cell::new(false),
        }
    }

    /// The same, with the lines of `text` ([`Hits::line_of`]).
    pub fn with_lines(self, lines: &'s LineIndex<'s>) -> Self {
        Hits { lines: Some(lines), ..self }
    }

    /// The 1-based line a span starts on, for a message that names it;
    /// hits with no text (see [`Hits::at_version`]) are on line 1.
    pub fn line_of(&self, span: Span) -> u32 {
        self.lines.map_or(1, |lines| lines.pos(span.start_at()).line)
    }

    /// Computes fixes' edits against the object's input (see
    /// [`crate::fix::edit`]).
    pub fn editor(&self) -> crate::fix::Editor<'s> {
        crate::fix::Editor::with_unit(self.text, self.indent)
    }

    pub fn scope(&self) -> &'s Scope<'s> {
        self.asked.set(true);
        self.scope
    }

    /// The run's options. They are the same for every check of an
    /// incremental checker, so reading them is not looking past the object.
    pub fn options(&self) -> &'s scope::Options {
        self.scope.options
    }

    /// The Pod Security policy version `pss/*` rules evaluate at.
    pub fn pss_version(&self) -> PolicyVersion {
        self.pss_version
    }

    /// Whether the rule looked past the object (at other objects or the
    /// run's options) since the last call: if not, what it found depends on
    /// the object alone, and the incremental checker keeps it while the
    /// object is unchanged.
    pub fn looked_past(&self) -> bool {
        self.asked.replace(false)
    }

    /// A hit; a message longer than [`clip::MESSAGE`] characters (a long
    /// value quoted whole) is clipped.
    pub fn at(&mut self, span: Span, message: impl Into<String>) -> &mut Hit {
        let message = fitted(clip::bound(message.into(), clip::MESSAGE));
        self.found.push(Hit { span, message, snippet: None, severity: None, edits: None, applicability: None });
        self.found.last_mut().expect("just pushed")
    }

    pub fn node(&mut self, node: &Node, message: impl Into<String>) -> &mut Hit {
        self.at(node.span, message)
    }
}

/// A string a finding keeps, holding no more memory than its text: `format!`
/// reserves about twice what it writes, and a report keeps tens of
/// thousands of messages and snippets until it is written.
fn fitted(mut text: String) -> String {
    text.shrink_to_fit();
    text
}

impl Hit {
    pub fn fix(&mut self, snippet: String) -> &mut Hit {
        self.snippet = Some(fitted(clip::bound(snippet, clip::SNIPPET)));
        self
    }

    /// The edits that close this finding, computed with
    /// [`Hits::editor`]; the rule declares how far they may be trusted in
    /// [`crate::fix::table`].
    pub fn edit(&mut self, edits: crate::fix::Planned) -> &mut Hit {
        self.edits = Some(edits);
        self
    }

    /// As [`Hit::edit`], for a case less safe than the rule's declared
    /// applicability.
    pub fn edit_as(&mut self, applicability: crate::fix::Applicability, edits: crate::fix::Planned) -> &mut Hit {
        self.applicability = Some(applicability);
        self.edit(edits)
    }

    /// Reports this case at `severity` instead of the rule's.
    pub fn severity(&mut self, severity: Severity) -> &mut Hit {
        self.severity = Some(severity);
        self
    }
}

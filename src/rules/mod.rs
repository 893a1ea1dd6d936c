//! The rule registry: every rule's metadata, docs, examples and detection in
//! one table. Docs, `posture rules`, SARIF rule descriptors and the
//! playground's rule list all read [`all`].

/// A CIS Kubernetes Benchmark item (numbering of benchmark v1.12, as
/// kube-bench uses it).
macro_rules! cis {
    ($item:literal, $title:literal) => {
        crate::rules::Reference {
            title: concat!("CIS Kubernetes Benchmark v1.12, ", $item, " ", $title),
            url: "https://www.cisecurity.org/benchmark/kubernetes",
        }
    };
}

/// A static pod manifest running `binary` with the given flag lines, for
/// rule examples: the first flag is on line 13, `command:` on line 11.
macro_rules! static_pod {
    ($binary:literal, $flags:literal) => {
        concat!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ",
            $binary,
            "\n  namespace: kube-system\nspec:\n",
            "  hostNetwork: true\n  containers:\n  - name: ",
            $binary,
            "\n    image: registry.k8s.io/",
            $binary,
            ":v1.34.1\n    command:\n    - ",
            $binary,
            "\n",
            $flags
        )
    };
}

pub mod admission;
pub mod apiserver;
pub mod apiservice;
pub mod audit;
pub mod controller_manager;
pub mod docs;
pub mod encryption;
pub mod etcd;
pub mod image;
pub mod kubelet;
pub mod namespace;
pub mod network;
pub mod pss;
pub mod rbac;
pub mod scheduler;
pub mod secrets;
pub mod service;
pub mod workload;

use serde::Serialize;

use crate::engine::Scope;
use crate::k8s::Object;
use crate::yaml::{Node, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
    /// Policy version the implementation applies from.
    pub since: &'static str,
    /// The baseline check this one replaces at the restricted level.
    pub overrides: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Reference {
    pub title: &'static str,
    pub url: &'static str,
}

/// A bad example and the line its finding must start on.
#[derive(Debug, Serialize)]
pub struct Bad {
    pub yaml: &'static str,
    pub line: u32,
}

#[derive(Debug, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub practice: Practice,
    /// Why it matters: the risk in a few sentences.
    pub rationale: &'static str,
    pub references: &'static [Reference],
    pub remediation: &'static str,
    /// A YAML fragment that fixes the typical case.
    pub snippet: &'static str,
    pub pss: Option<PssControl>,
    pub bad: &'static [Bad],
    pub good: &'static [&'static str],
    #[serde(skip)]
    pub check: fn(&Object, &mut Hits),
}

impl Rule {
    /// Whether the rule runs at the given Pod Security level.
    pub fn applies_at(&self, level: PssLevel) -> bool {
        match &self.pss {
            None => true,
            Some(control) if control.level > level => false,
            Some(control) => {
                level == PssLevel::Baseline || !all().iter().any(|r| r.overridden_check() == Some(control.check))
            }
        }
    }

    fn overridden_check(&self) -> Option<&'static str> {
        self.pss.as_ref().and_then(|c| c.overrides)
    }
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
    apiserver::RULES,
    apiservice::RULES,
    etcd::RULES,
    controller_manager::RULES,
    scheduler::RULES,
    kubelet::RULES,
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

/// What a rule's detection found: where, what, and the fix for this case.
#[derive(Debug)]
pub struct Hit {
    pub span: Span,
    pub message: String,
    pub snippet: Option<String>,
    /// This case's severity when it differs from the rule's (a restricted
    /// check keeping the higher severity of the baseline check it also
    /// breaks, a read-only grant on metrics); `None` for the rule's own.
    pub severity: Option<Severity>,
}

/// Collects a rule's hits for one object, and gives the rule the rest of the
/// input (other objects, the run's options) to relate it to.
pub struct Hits<'s> {
    pub found: Vec<Hit>,
    scope: &'s Scope<'s>,
}

impl<'s> Hits<'s> {
    pub fn new(scope: &'s Scope<'s>) -> Self {
        Hits { found: Vec::new(), scope }
    }

    pub fn scope(&self) -> &'s Scope<'s> {
        self.scope
    }

    pub fn at(&mut self, span: Span, message: impl Into<String>) -> &mut Hit {
        self.found.push(Hit { span, message: message.into(), snippet: None, severity: None });
        self.found.last_mut().expect("just pushed")
    }

    pub fn node(&mut self, node: &Node, message: impl Into<String>) -> &mut Hit {
        self.at(node.span, message)
    }
}

impl Hit {
    pub fn fix(&mut self, snippet: String) -> &mut Hit {
        self.snippet = Some(snippet);
        self
    }

    /// Reports this case at `severity` instead of the rule's.
    pub fn severity(&mut self, severity: Severity) -> &mut Hit {
        self.severity = Some(severity);
        self
    }
}

//! The posture summary: for each practice of the seed articles, what was
//! checked and what failed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Finding;
use crate::k8s::Object;
use crate::rules::{Practice, Rule, Severity};

/// A practice's posture in this input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Findings above info.
    Fail,
    /// Checked, nothing found.
    Pass,
    /// Nothing in the input this practice applies to, or its rules are off.
    NotAssessed,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Fail, Status::Pass, Status::NotAssessed];

    pub fn name(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Pass => "pass",
            Status::NotAssessed => "not-assessed",
        }
    }
}

#[derive(Debug, PartialEq)]
pub struct PracticeSummary {
    pub practice: Practice,
    pub title: &'static str,
    pub status: Status,
    /// Enabled rules serving this practice.
    pub rules: usize,
    /// Objects in the input this practice applies to.
    pub objects: usize,
    pub findings: usize,
    pub by_severity: BTreeMap<&'static str, usize>,
}

pub fn practices(
    relevance: impl IntoIterator<Item = u16>,
    enabled: &[&Rule],
    findings: &[Finding],
) -> Vec<PracticeSummary> {
    // One pass over the objects' relevance (which the incremental checker
    // keeps per object) and one over the findings, counted by practice and
    // severity.
    let mut relevant = [0usize; Practice::ALL.len()];
    for mask in relevance {
        for (count, bit) in relevant.iter_mut().zip(0..) {
            *count += usize::from(mask >> bit & 1);
        }
    }
    let mut found = [[0usize; Severity::ALL.len()]; Practice::ALL.len()];
    for finding in findings {
        found[finding.rule.practice as usize][finding.severity as usize] += 1;
    }
    Practice::ALL
        .iter()
        .map(|&practice| {
            let rules = enabled.iter().filter(|r| r.practice == practice).count();
            let objects = relevant[practice as usize];
            let mine = &found[practice as usize];
            let by_severity = Severity::ALL.iter().map(|&s| (s.name(), mine[s as usize])).collect();
            // Informational findings (what a binding grants, which policies
            // are in force) describe the posture; they do not fail it.
            let status = if mine[Severity::Info as usize + 1..].iter().any(|&n| n > 0) {
                Status::Fail
            } else if rules == 0 || objects == 0 {
                Status::NotAssessed
            } else {
                Status::Pass
            };
            PracticeSummary {
                practice,
                title: practice.title(),
                status,
                rules,
                objects,
                findings: mine.iter().sum(),
                by_severity,
            }
        })
        .collect()
}

/// The practices whose rules look at `object`, one bit each (in the order
/// of [`Practice::ALL`]).
pub fn relevance(object: &Object) -> u16 {
    const _: () = assert!(Practice::ALL.len() <= 16, "one bit per practice in a u16");
    let facts = Facts::of(object);
    Practice::ALL.iter().zip(0..).filter(|(&practice, _)| facts.relevant(practice)).map(|(_, bit)| 1 << bit).sum()
}

/// What kind of thing an object is, as far as the practices care.
struct Facts<'a> {
    kind: &'a str,
    group: &'a str,
    workload: bool,
    control_plane: bool,
}

impl<'a> Facts<'a> {
    fn of(object: &Object<'a>) -> Self {
        Facts {
            kind: object.kind,
            group: object.group(),
            workload: object.pod().is_some(),
            control_plane: !object.processes().is_empty(),
        }
    }

    /// Whether the object is something a practice's rules look at. The
    /// facts already known are asked before the names are compared: every
    /// object is asked about every practice.
    fn relevant(&self, practice: Practice) -> bool {
        let Facts { kind, group, workload, control_plane } = *self;
        match practice {
            Practice::ApiAccess => workload || control_plane || group == crate::k8s::RBAC || kind == "ServiceAccount",
            Practice::Encryption => {
                workload || matches!(kind, "EncryptionConfiguration" | "EncryptionConfig" | "Secret" | "ConfigMap")
            }
            Practice::PodSecurity | Practice::ImagePolicy | Practice::ResourceLimits => workload,
            Practice::NetworkPolicy => {
                workload || matches!(kind, "NetworkPolicy" | "Service" | "Ingress" | "Namespace")
            }
            Practice::Audit => control_plane || (kind == "Policy" && group == "audit.k8s.io"),
            Practice::ControlPlane => control_plane || kind == "KubeletConfiguration",
            Practice::Admission => {
                control_plane
                    || kind == "Namespace"
                    || matches!(group, "kyverno.io" | "constraints.gatekeeper.sh" | "admissionregistration.k8s.io")
            }
        }
    }
}

//! `controller-manager/*`: kube-controller-manager flags in its static pod
//! manifest.

use crate::k8s::{Component, Object, Process};
use crate::rules::{Bad, Practice, Reference, Rule, Severity};

const FLAGS_DOC: Reference = Reference {
    title: "Kubernetes: kube-controller-manager command-line reference",
    url: "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/",
};

pub const HARDENED: &str = static_pod!(
    "kube-controller-manager",
    "    - --use-service-account-credentials=true\n    - --bind-address=127.0.0.1\n    - --profiling=false\n    - --service-account-private-key-file=/etc/kubernetes/pki/sa.key\n    - --root-ca-file=/etc/kubernetes/pki/ca.crt\n"
);

fn each(object: &Object, check: impl FnMut(&Process)) {
    Process::each(object, Component::ControllerManager, check);
}

pub static SERVICE_ACCOUNT_CREDENTIALS: Rule = Rule {
    id: "controller-manager/service-account-credentials",
    title: "Controllers share the controller manager's own credentials",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "Without --use-service-account-credentials=true every controller acts with the \
        controller manager's single, very broad identity, so RBAC cannot limit each controller to \
        what it needs and audit logs cannot tell them apart.",
    references: &[
        FLAGS_DOC,
        cis!("1.3.3", "Ensure that the --use-service-account-credentials argument is set to true"),
    ],
    remediation: "Set --use-service-account-credentials=true.",
    snippet: "- --use-service-account-credentials=true",
    pss: None,
    bad: &[Bad { yaml: static_pod!("kube-controller-manager", "    - --bind-address=127.0.0.1\n"), line: 11 }],
    good: &[HARDENED],
    check: |object, hits| {
        each(object, |p| {
            if !p.bool("use-service-account-credentials", false) {
                hits.at(
                    p.at("use-service-account-credentials"),
                    "--use-service-account-credentials is not true: all controllers run with one identity",
                )
                .fix(p.fix(&["--use-service-account-credentials=true"]));
            }
        })
    },
};

/// Shared by kube-controller-manager and kube-scheduler, whose
/// `--bind-address` defaults to 0.0.0.0.
pub fn bind_address(p: &Process, hits: &mut crate::rules::Hits) {
    let address = p.value("bind-address").unwrap_or("0.0.0.0");
    if !matches!(address, "127.0.0.1" | "::1" | "localhost") {
        let how = if p.flag("bind-address").is_some() { "is" } else { "defaults to" };
        hits.at(
            p.at("bind-address"),
            format!(
                "{} --bind-address {how} {address}: its metrics, health and debug port listen on every interface",
                p.component.binary()
            ),
        )
        .fix(p.fix(&["--bind-address=127.0.0.1"]));
    }
}

pub static BIND_ADDRESS: Rule = Rule {
    id: "controller-manager/bind-address",
    title: "Controller manager listens on all interfaces",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "--bind-address defaults to 0.0.0.0, exposing the controller manager's secure port \
        (metrics, health, and with profiling on, debug endpoints) to the whole network instead of \
        only the node.",
    references: &[FLAGS_DOC, cis!("1.3.7", "Ensure that the --bind-address argument is set to 127.0.0.1")],
    remediation: "Set --bind-address=127.0.0.1.",
    snippet: "- --bind-address=127.0.0.1",
    pss: None,
    bad: &[Bad { yaml: static_pod!("kube-controller-manager", "    - --bind-address=0.0.0.0\n"), line: 13 }],
    good: &[HARDENED],
    check: |object, hits| each(object, |p| bind_address(p, hits)),
};

pub static PROFILING: Rule = Rule {
    id: "controller-manager/profiling",
    title: "Controller manager exposes profiling endpoints",
    severity: Severity::Low,
    practice: Practice::ControlPlane,
    rationale: "The /debug/pprof endpoints reveal process internals and are not needed in production.",
    references: &[FLAGS_DOC, cis!("1.3.2", "Ensure that the --profiling argument is set to false")],
    remediation: "Set --profiling=false.",
    snippet: "- --profiling=false",
    pss: None,
    bad: &[Bad { yaml: static_pod!("kube-controller-manager", "    - --profiling=true\n"), line: 13 }],
    good: &[HARDENED],
    check: |object, hits| each(object, |p| super::apiserver::profiling(p, hits)),
};

pub static SERVICE_ACCOUNT_KEYS: Rule = Rule {
    id: "controller-manager/service-account-keys",
    title: "Controller manager cannot sign or anchor service account tokens",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "--service-account-private-key-file is the key that signs service account tokens \
        (rotate it, and keep it only on control-plane nodes); --root-ca-file puts the cluster CA in \
        every service account's token so pods can verify the API server.",
    references: &[
        FLAGS_DOC,
        cis!("1.3.4", "Ensure that the --service-account-private-key-file argument is set as appropriate"),
        cis!("1.3.5", "Ensure that the --root-ca-file argument is set as appropriate"),
    ],
    remediation: "Set --service-account-private-key-file and --root-ca-file.",
    snippet:
        "- --service-account-private-key-file=/etc/kubernetes/pki/sa.key\n- --root-ca-file=/etc/kubernetes/pki/ca.crt",
    pss: None,
    bad: &[Bad {
        yaml: static_pod!("kube-controller-manager", "    - --use-service-account-credentials=true\n"),
        line: 11,
    }],
    good: &[HARDENED],
    check: |object, hits| {
        each(object, |p| {
            for (flag, fix) in [
                ("service-account-private-key-file", "--service-account-private-key-file=/etc/kubernetes/pki/sa.key"),
                ("root-ca-file", "--root-ca-file=/etc/kubernetes/pki/ca.crt"),
            ] {
                if p.flag(flag).is_none() {
                    hits.at(p.command, format!("--{flag} is not set")).fix(p.fix(&[fix]));
                }
            }
        })
    },
};

pub static RULES: &[&Rule] = &[&SERVICE_ACCOUNT_CREDENTIALS, &BIND_ADDRESS, &PROFILING, &SERVICE_ACCOUNT_KEYS];

//! `scheduler/*`: kube-scheduler flags in its static pod manifest.

use crate::k8s::{Component, Object, Process};
use crate::rules::{Bad, Practice, Reference, Rule, Severity};

const FLAGS_DOC: Reference = Reference {
    title: "Kubernetes: kube-scheduler command-line reference",
    url: "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/",
};

pub const HARDENED: &str = static_pod!("kube-scheduler", "    - --bind-address=127.0.0.1\n    - --profiling=false\n");

fn each(object: &Object, check: impl FnMut(&Process)) {
    Process::each(object, Component::Scheduler, check);
}

pub static BIND_ADDRESS: Rule = Rule {
    id: "scheduler/bind-address",
    title: "Scheduler listens on all interfaces",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "--bind-address defaults to 0.0.0.0, exposing the scheduler's secure port (metrics, \
        health, debug endpoints) to the whole network instead of only the node.",
    references: &[FLAGS_DOC, cis!("1.4.2", "Ensure that the --bind-address argument is set to 127.0.0.1")],
    remediation: "Set --bind-address=127.0.0.1.",
    snippet: "- --bind-address=127.0.0.1",
    pss: None,
    bad: &[Bad { yaml: static_pod!("kube-scheduler", "    - --profiling=false\n"), line: 11 }],
    good: &[HARDENED],
    check: |object, hits| each(object, |p| super::controller_manager::bind_address(p, hits)),
};

pub static PROFILING: Rule = Rule {
    id: "scheduler/profiling",
    title: "Scheduler exposes profiling endpoints",
    severity: Severity::Low,
    practice: Practice::ControlPlane,
    rationale: "The /debug/pprof endpoints reveal process internals and are not needed in production.",
    references: &[FLAGS_DOC, cis!("1.4.1", "Ensure that the --profiling argument is set to false")],
    remediation: "Set --profiling=false.",
    snippet: "- --profiling=false",
    pss: None,
    bad: &[Bad { yaml: static_pod!("kube-scheduler", "    - --bind-address=127.0.0.1\n"), line: 11 }],
    good: &[HARDENED],
    check: |object, hits| each(object, |p| super::apiserver::profiling(p, hits)),
};

pub static RULES: &[&Rule] = &[&BIND_ADDRESS, &PROFILING];

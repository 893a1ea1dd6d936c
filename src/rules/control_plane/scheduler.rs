//! `scheduler/*`: kube-scheduler flags in its static pod manifest.

use super::flags::{bind_address_rule, profiling_rule};
use crate::rules::{checkov, kubescape, trivy, Reference, Rule};

const FLAGS_DOC: Reference = Reference {
    title: "Kubernetes: kube-scheduler command-line reference",
    url: "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/",
};

pub const HARDENED: &str = static_pod!("kube-scheduler", "    - --bind-address=127.0.0.1\n    - --profiling=false\n");

pub static BIND_ADDRESS: Rule = bind_address_rule! {
    family: Scheduler,
    id: "scheduler/bind-address",
    component: Scheduler,
    binary: "kube-scheduler",
    who: "Scheduler",
    cis: cis!("1.4.2", "Ensure that the --bind-address argument is set to 127.0.0.1"),
    sources: &[checkov("CKV_K8S_115"), kubescape("C-0152"), trivy("KCV-0041")],
    doc: FLAGS_DOC,
    good: HARDENED,
};

pub static PROFILING: Rule = profiling_rule! {
    family: Scheduler,
    id: "scheduler/profiling",
    component: Scheduler,
    binary: "kube-scheduler",
    who: "Scheduler",
    cis: cis!("1.4.1", "Ensure that the --profiling argument is set to false"),
    sources: &[checkov("CKV_K8S_114"), kubescape("C-0151"), trivy("KCV-0040")],
    doc: FLAGS_DOC,
    good: HARDENED,
};

pub static RULES: &[&Rule] = &[&BIND_ADDRESS, &PROFILING];

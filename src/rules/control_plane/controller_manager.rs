//! `controller-manager/*`: kube-controller-manager flags in its static pod
//! manifest.

use super::flags::{bind_address_rule, profiling_rule};
use crate::k8s::{Component, Object, Process};
use crate::rules::{checkov, kinds, kubescape, trivy, Family, Practice, Reference, Rule, Severity};

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
    family: Family::ControllerManager,
    title: "Controllers share the controller manager's own credentials",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "Without --use-service-account-credentials=true every controller acts with the \
        controller manager's single, very broad identity, so RBAC cannot limit each controller to \
        what it needs and audit logs cannot tell them apart.",
    references: &[FLAGS_DOC],
    cis: &[cis!("1.3.3", "Ensure that the --use-service-account-credentials argument is set to true")],
    sources: &[checkov("CKV_K8S_108"), kubescape("C-0146"), trivy("KCV-0035")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Set --use-service-account-credentials=true.",
    snippet: "- --use-service-account-credentials=true",
    pss: None,
    bad: &[
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n  - name: use-service-account-credentials  # expect: controller-manager/service-account-credentials\n    value: \"false\"\n",
        static_pod!("kube-controller-manager", command: "  # expect: controller-manager/service-account-credentials", "    - --bind-address=127.0.0.1\n"),
        static_pod!(
            "kube-controller-manager",
            "    - --use-service-account-credentials=false  # expect: controller-manager/service-account-credentials\n"
        ),
    ],
    good: &[
        HARDENED,
        static_pod!("kube-controller-manager", "    - --use-service-account-credentials\n"),
        // kubeadm sets --use-service-account-credentials=true itself.
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\ncontrollerManager: {}\n",
    ],
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

pub static BIND_ADDRESS: Rule = bind_address_rule! {
    family: ControllerManager,
    id: "controller-manager/bind-address",
    component: ControllerManager,
    binary: "kube-controller-manager",
    who: "Controller manager",
    cis: cis!("1.3.7", "Ensure that the --bind-address argument is set to 127.0.0.1"),
    sources: &[checkov("CKV_K8S_113"), kubescape("C-0150"), trivy("KCV-0039")],
    doc: FLAGS_DOC,
    good: HARDENED,
};

pub static PROFILING: Rule = profiling_rule! {
    family: ControllerManager,
    id: "controller-manager/profiling",
    component: ControllerManager,
    binary: "kube-controller-manager",
    who: "Controller manager",
    cis: cis!("1.3.2", "Ensure that the --profiling argument is set to false"),
    sources: &[checkov("CKV_K8S_107"), kubescape("C-0145"), trivy("KCV-0034")],
    doc: FLAGS_DOC,
    good: HARDENED,
};

pub static SERVICE_ACCOUNT_KEYS: Rule = Rule {
    id: "controller-manager/service-account-keys",
    family: Family::ControllerManager,
    title: "Controller manager cannot sign or anchor service account tokens",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "--service-account-private-key-file is the key that signs service account tokens \
        (rotate it, and keep it only on control-plane nodes); --root-ca-file puts the cluster CA in \
        every service account's token so pods can verify the API server.",
    references: &[FLAGS_DOC],
    cis: &[
        cis!("1.3.4", "Ensure that the --service-account-private-key-file argument is set as appropriate"),
        cis!("1.3.5", "Ensure that the --root-ca-file argument is set as appropriate"),
    ],
    sources: &[
        checkov("CKV_K8S_110"),
        checkov("CKV_K8S_111"),
        kubescape("C-0147"),
        kubescape("C-0148"),
        trivy("KCV-0036"),
        trivy("KCV-0037"),
    ],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Set --service-account-private-key-file and --root-ca-file.",
    snippet:
        "- --service-account-private-key-file=/etc/kubernetes/pki/sa.key\n- --root-ca-file=/etc/kubernetes/pki/ca.crt",
    pss: None,
    bad: &[
        static_pod!("kube-controller-manager", command: "  # expect: controller-manager/service-account-keys, controller-manager/service-account-keys", "    - --use-service-account-credentials=true\n"),
        static_pod!("kube-controller-manager", command: "  # expect: controller-manager/service-account-keys", "    - --service-account-private-key-file=/etc/kubernetes/pki/sa.key\n"),
        static_pod!("kube-controller-manager", command: "  # expect: controller-manager/service-account-keys", "    - --root-ca-file=/etc/kubernetes/pki/ca.crt\n"),
    ],
    good: &[HARDENED,
        static_pod!("kube-controller-manager", "    - --service-account-private-key-file\n    - /etc/kubernetes/pki/sa.key\n    - --root-ca-file\n    - /etc/kubernetes/pki/ca.crt\n"),
    ],
    check: |object, hits| {
        each(object, |p| {
            for (flag, fix) in [
                ("service-account-private-key-file", "--service-account-private-key-file=/etc/kubernetes/pki/sa.key"),
                ("root-ca-file", "--root-ca-file=/etc/kubernetes/pki/ca.crt"),
            ] {
                if p.flag(flag).is_none() {
                    hits.at(p.command, text!("--{flag} is not set")).fix(p.fix(&[fix]));
                }
            }
        })
    },
};

pub static RULES: &[&Rule] = &[&SERVICE_ACCOUNT_CREDENTIALS, &BIND_ADDRESS, &PROFILING, &SERVICE_ACCOUNT_KEYS];

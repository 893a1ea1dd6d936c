//! `etcd/*`: etcd flags in its static pod manifest. etcd holds every object
//! of the cluster, Secrets included.

use crate::k8s::{Component, Object, Process};
use crate::rules::{checkov, kinds, kubescape, trivy, Family, Practice, Reference, Rule, Severity};

const FLAGS_DOC: Reference =
    Reference { title: "etcd: configuration flags", url: "https://etcd.io/docs/latest/op-guide/configuration/" };
const SECURITY_DOC: Reference =
    Reference { title: "etcd: transport security model", url: "https://etcd.io/docs/latest/op-guide/security/" };

pub const HARDENED: &str = static_pod!(
    "etcd",
    "    - --cert-file=/etc/kubernetes/pki/etcd/server.crt\n    - --key-file=/etc/kubernetes/pki/etcd/server.key\n    - --client-cert-auth=true\n    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt\n    - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt\n    - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key\n    - --peer-client-cert-auth=true\n    - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt\n"
);

fn each(object: &Object, check: impl FnMut(&Process)) {
    Process::each(object, Component::Etcd, check);
}

/// Client-facing TLS and client certificate authentication.
pub static CLIENT_TLS: Rule = Rule {
    id: "etcd/client-tls",
    family: Family::Etcd,
    title: "etcd serves clients without TLS or without client certificates",
    severity: Severity::High,
    practice: Practice::ControlPlane,
    rationale: "Without --cert-file and --key-file etcd serves plain HTTP; without \
        --client-cert-auth=true it accepts any client that can connect. Either way whoever reaches \
        port 2379 reads and writes the whole cluster state, every Secret included.",
    references: &[FLAGS_DOC, SECURITY_DOC],
    cis: &[cis!("2.1", "Ensure that the --cert-file and --key-file arguments are set as appropriate"), cis!("2.2", "Ensure that the --client-cert-auth argument is set to true")],
    sources: &[checkov("CKV_K8S_116"), checkov("CKV_K8S_117"), kubescape("C-0153"), kubescape("C-0154"), trivy("KCV-0042"), trivy("KCV-0043")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Serve with --cert-file and --key-file, and require client certificates with \
        --client-cert-auth=true and --trusted-ca-file.",
    snippet: "- --cert-file=/etc/kubernetes/pki/etcd/server.crt\n- --key-file=/etc/kubernetes/pki/etcd/server.key\n- --client-cert-auth=true\n- --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
    pss: None,
    bad: &[static_pod!("etcd", "    - --cert-file=/etc/kubernetes/pki/etcd/server.crt\n    - --key-file=/etc/kubernetes/pki/etcd/server.key\n    - --client-cert-auth=false  # expect: etcd/client-tls\n"),
        static_pod!("etcd", command: "  # expect: etcd/client-tls, etcd/client-tls", "    - --listen-client-urls=http://0.0.0.0:2379\n"),
        static_pod!("etcd", command: "  # expect: etcd/client-tls", "    - --cert-file=/etc/kubernetes/pki/etcd/server.crt\n    - --key-file=/etc/kubernetes/pki/etcd/server.key\n"),
    ],
    good: &[HARDENED,
        static_pod!("etcd", "    - --cert-file=/etc/kubernetes/pki/etcd/server.crt\n    - --key-file=/etc/kubernetes/pki/etcd/server.key\n    - --client-cert-auth\n    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt\n"),
    ],
    check: |object, hits| {
        each(object, |p| {
            let missing: Vec<&str> = ["cert-file", "key-file"].into_iter().filter(|f| p.flag(f).is_none()).collect();
            if !missing.is_empty() {
                hits.at(p.command, "etcd has no --cert-file/--key-file: clients connect over plain HTTP").fix(p.fix(&[
                    "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
                    "--key-file=/etc/kubernetes/pki/etcd/server.key",
                ]));
            }
            if !p.bool("client-cert-auth", false) {
                hits.at(p.at("client-cert-auth"), "--client-cert-auth is not true: etcd accepts clients without a certificate")
                    .fix(p.fix(&["--client-cert-auth=true", "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"]));
            }
        })
    },
};

/// Self-signed certificates.
pub static AUTO_TLS: Rule = Rule {
    id: "etcd/auto-tls",
    family: Family::Etcd,
    title: "etcd uses self-signed certificates",
    severity: Severity::High,
    practice: Practice::ControlPlane,
    rationale: "--auto-tls and --peer-auto-tls make etcd generate self-signed certificates that no \
        client or peer can verify, so the connections are encrypted but not authenticated: anyone \
        can impersonate a member or sit in the middle.",
    references: &[FLAGS_DOC, SECURITY_DOC],
    cis: &[
        cis!("2.3", "Ensure that the --auto-tls argument is not set to true"),
        cis!("2.6", "Ensure that the --peer-auto-tls argument is not set to true"),
    ],
    sources: &[checkov("CKV_K8S_118"), kubescape("C-0155"), kubescape("C-0158"), trivy("KCV-0044"), trivy("KCV-0047")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Remove --auto-tls and --peer-auto-tls and use certificates from the cluster's etcd \
        CA.",
    snippet: "- --auto-tls=false\n- --peer-auto-tls=false",
    pss: None,
    bad: &[
        static_pod!("etcd", "    - --auto-tls=true  # expect: etcd/auto-tls\n"),
        static_pod!("etcd", "    - --peer-auto-tls  # expect: etcd/auto-tls\n"),
        shell_pod!("etcd", "-auto-tls=true -peer-auto-tls=1", "  # expect: etcd/auto-tls, etcd/auto-tls"),
    ],
    good: &[HARDENED, static_pod!("etcd", "    - --auto-tls=false\n    - --peer-auto-tls=false\n")],
    check: |object, hits| {
        each(object, |p| {
            for flag in ["auto-tls", "peer-auto-tls"] {
                if p.bool(flag, false) {
                    hits.at(p.at(flag), text!("--{flag} makes etcd use a self-signed certificate nobody can verify"))
                        .fix(p.fix(&[&text!("--{flag}=false")]));
                }
            }
        })
    },
};

/// Peer TLS.
pub static PEER_TLS: Rule = Rule {
    id: "etcd/peer-tls",
    family: Family::Etcd,
    title: "etcd members talk to each other without mutual TLS",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "Members replicate the whole data set between each other. Without peer certificates \
        and --peer-client-cert-auth, anyone who reaches the peer port (2380) can join or read the \
        replication stream.",
    references: &[FLAGS_DOC, SECURITY_DOC],
    cis: &[cis!("2.4", "Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate"), cis!("2.5", "Ensure that the --peer-client-cert-auth argument is set to true")],
    sources: &[checkov("CKV_K8S_119"), checkov("CKV_K8S_121"), kubescape("C-0156"), kubescape("C-0157"), trivy("KCV-0045"), trivy("KCV-0046")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Set --peer-cert-file, --peer-key-file, --peer-client-cert-auth=true and \
        --peer-trusted-ca-file.",
    snippet: "- --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt\n- --peer-key-file=/etc/kubernetes/pki/etcd/peer.key\n- --peer-client-cert-auth=true\n- --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
    pss: None,
    bad: &[static_pod!("etcd", "    - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt\n    - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key\n    - --peer-client-cert-auth=false  # expect: etcd/peer-tls\n"),
        static_pod!("etcd", command: "  # expect: etcd/peer-tls, etcd/peer-tls", "    - --initial-advertise-peer-urls=http://10.0.0.12:2380\n"),
        static_pod!("etcd", command: "  # expect: etcd/peer-tls", "    - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt\n    - --peer-client-cert-auth=true\n"),
    ],
    good: &[HARDENED,
        static_pod!("etcd", "    - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt\n    - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key\n    - --peer-client-cert-auth\n    - --peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt\n"),
    ],
    check: |object, hits| {
        each(object, |p| {
            if ["peer-cert-file", "peer-key-file"].iter().any(|f| p.flag(f).is_none()) {
                hits.at(p.command, "etcd has no --peer-cert-file/--peer-key-file: peer traffic is not encrypted").fix(p.fix(&[
                    "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
                    "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
                ]));
            }
            if !p.bool("peer-client-cert-auth", false) {
                hits.at(p.at("peer-client-cert-auth"), "--peer-client-cert-auth is not true: peers are not authenticated")
                    .fix(p.fix(&["--peer-client-cert-auth=true", "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt"]));
            }
        })
    },
};

pub static RULES: &[&Rule] = &[&CLIENT_TLS, &AUTO_TLS, &PEER_TLS];

//! `apiserver/*`: kube-apiserver flags in its static pod manifest. Defaults
//! are the binary's own when a flag is absent (kube-apiserver --help), which
//! is often the unsafe value.

use super::flags::profiling_rule;
use crate::k8s::{Component, Object, Process};
use crate::rules::kubernetes_version::{ADMISSION_PLUGINS as PLUGINS, APISERVER_FLAGS};
use crate::rules::{checkov, kinds, kubescape, trivy, Family, Hits, Practice, Reference, Rule, Severity};

const FLAGS_DOC: Reference = Reference {
    title: "Kubernetes: kube-apiserver command-line reference",
    url: "https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/",
};

/// A kube-apiserver with every flag these rules look for set safely.
pub const HARDENED: &str = static_pod!(
    "kube-apiserver",
    "    - --anonymous-auth=false\n    - --authorization-mode=Node,RBAC\n    - --enable-admission-plugins=NodeRestriction\n    - --profiling=false\n    - --audit-policy-file=/etc/kubernetes/audit-policy.yaml\n    - --audit-log-path=/var/log/kubernetes/audit.log\n    - --audit-log-maxage=30\n    - --audit-log-maxbackup=10\n    - --audit-log-maxsize=100\n    - --encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml\n    - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt\n    - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key\n    - --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt\n    - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt\n    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt\n    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key\n    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt\n    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key\n    - --client-ca-file=/etc/kubernetes/pki/ca.crt\n    - --tls-min-version=VersionTLS12\n    - --service-account-lookup=true\n"
);

fn each(object: &Object, check: impl FnMut(&Process)) {
    Process::each(object, Component::ApiServer, check);
}

/// Anonymous requests: `--anonymous-auth` defaults to true.
pub static ANONYMOUS_AUTH: Rule = Rule {
    id: "apiserver/anonymous-auth",
    family: Family::Apiserver,
    title: "API server accepts anonymous requests",
    severity: Severity::Medium,
    practice: Practice::ApiAccess,
    rationale: "With anonymous authentication on, any request without credentials is served as \
        system:anonymous. One careless binding to that user or to system:unauthenticated then opens \
        the API to anyone who can reach it, and even without one it exposes discovery and version \
        information to the network.",
    references: &[FLAGS_DOC],
    cis: &[cis!("1.2.1", "Ensure that the --anonymous-auth argument is set to false")],
    sources: &[checkov("CKV_K8S_68"), kubescape("C-0113"), trivy("KCV-0001")],
    kinds: kinds::workloads_and!("ClusterConfiguration", "AuthenticationConfiguration"),
    remediation: "Set --anonymous-auth=false (health checks can use authenticated probes, or the \
        /livez and /readyz endpoints through a dedicated client).",
    snippet: "- --anonymous-auth=false",
    pss: None,
    bad: &[
        static_pod!("kube-apiserver", "    - --anonymous-auth=true  # expect: apiserver/anonymous-auth\n"),
        static_pod!("kube-apiserver", command: "  # expect: apiserver/anonymous-auth", "    - --authorization-mode=Node,RBAC\n"),
        static_pod!("kube-apiserver", "    - --anonymous-auth  # expect: apiserver/anonymous-auth\n"),
        // kubeadm: extraArgs as a map (v1beta3), then as a list (v1beta4)
        // where the missing flag belongs.
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    anonymous-auth: \"true\"  # expect: apiserver/anonymous-auth\n",
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:  # expect: apiserver/anonymous-auth\n  - name: profiling\n    value: \"false\"\n",
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\nanonymous:\n  enabled: true  # expect: apiserver/anonymous-auth\n",
    ],
    good: &[
        HARDENED,
        shell_pod!("kube-apiserver", "--anonymous-auth=false --authorization-mode=Node,RBAC"),
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\nanonymous:\n  enabled: true\n  conditions:\n  - path: /livez\n  - path: /readyz\n",
        static_pod!("kube-apiserver", "    - --anonymous-auth=true\n    - --anonymous-auth=false\n"),
    ],
    check: |object, hits| {
        super::structured::anonymous(object, hits);
        each(object, |p| {
            if p.bool("anonymous-auth", true) {
                let how = if p.flag("anonymous-auth").is_some() {
                    "is set to true"
                } else {
                    "is not set (it defaults to true)"
                };
                hits.at(p.at("anonymous-auth"), text!("--anonymous-auth {how}: unauthenticated requests are served"))
                    .fix(p.fix(&["--anonymous-auth=false"]));
            }
        })
    },
};

/// Authorization: `--authorization-mode` defaults to AlwaysAllow.
pub static AUTHORIZATION_MODE: Rule = Rule {
    id: "apiserver/authorization-mode",
    family: Family::Apiserver,
    title: "API server authorization allows everything or lacks Node and RBAC",
    severity: Severity::Critical,
    practice: Practice::ApiAccess,
    rationale: "AlwaysAllow (the default when --authorization-mode is absent) lets every \
        authenticated request do anything: RBAC, the first line of least privilege, is not consulted. \
        Without the Node authorizer, kubelets are not limited to the objects of their own node.",
    references: &[
        FLAGS_DOC,
        Reference {
            title: "Kubernetes: Authorization",
            url: "https://kubernetes.io/docs/reference/access-authn-authz/authorization/",
        },
    ],
    cis: &[
        cis!("1.2.6", "Ensure that the --authorization-mode argument is not set to AlwaysAllow"),
        cis!("1.2.7", "Ensure that the --authorization-mode argument includes Node"),
        cis!("1.2.8", "Ensure that the --authorization-mode argument includes RBAC"),
    ],
    sources: &[
        checkov("CKV_K8S_74"),
        checkov("CKV_K8S_75"),
        checkov("CKV_K8S_77"),
        kubescape("C-0118"),
        kubescape("C-0119"),
        kubescape("C-0120"),
        trivy("KCV-0007"),
        trivy("KCV-0008"),
        trivy("KCV-0009"),
    ],
    kinds: kinds::workloads_and!("ClusterConfiguration", "AuthorizationConfiguration"),
    remediation: "Set --authorization-mode=Node,RBAC (add Webhook if you use one).",
    snippet: "- --authorization-mode=Node,RBAC",
    pss: None,
    bad: &[
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- type: Node\n  name: node\n- type: AlwaysAllow  # expect: apiserver/authorization-mode\n  name: everyone\n",
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:  # expect: apiserver/authorization-mode\n- type: RBAC\n  name: rbac\n",
        static_pod!(
            "kube-apiserver",
            "    - --authorization-mode=AlwaysAllow  # expect: apiserver/authorization-mode\n"
        ),
        static_pod!("kube-apiserver", command: "  # expect: apiserver/authorization-mode", "    - --anonymous-auth=false\n"),
        static_pod!("kube-apiserver", "    - --authorization-mode=RBAC  # expect: apiserver/authorization-mode\n"),
        static_pod!(
            "kube-apiserver",
            "    - --authorization-mode  # expect: apiserver/authorization-mode\n    - Node,RBAC,AlwaysAllow\n"
        ),
    ],
    good: &[
        HARDENED,
        static_pod!("kube-apiserver", "    - --authorization-mode=Node,RBAC,Webhook\n"),
        static_pod!("kube-apiserver", "    - --authorization-config=/etc/kubernetes/authz.yaml\n"),
        static_pod!("kube-apiserver", "    - --authorization-mode\n    - Node,RBAC\n"),
        "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- type: Node\n  name: node\n- type: RBAC\n  name: rbac\n- type: Webhook\n  name: opa\n  webhook:\n    timeout: 3s\n",
        // kubeadm sets --authorization-mode=Node,RBAC itself.
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.33.0\n",
    ],
    check: |object, hits| {
        super::structured::authorizers(object, hits);
        each(object, |p| {
            // --authorization-config (structured authorization) replaces the mode flag.
            if p.flag("authorization-config").is_some() {
                return;
            }
            let modes = p.list("authorization-mode");
            let fix = p.fix(&["--authorization-mode=Node,RBAC"]);
            if modes.is_empty() {
                hits.at(
                    p.command,
                    "--authorization-mode is not set, so it defaults to AlwaysAllow: every request is authorized",
                )
                .fix(fix);
            } else if modes.contains(&"AlwaysAllow") {
                hits.at(
                    p.at("authorization-mode"),
                    "--authorization-mode includes AlwaysAllow: every request is authorized",
                )
                .fix(fix);
            } else {
                let missing: Vec<&str> = ["Node", "RBAC"].into_iter().filter(|m| !modes.contains(m)).collect();
                if !missing.is_empty() {
                    hits.at(
                        p.at("authorization-mode"),
                        text!("--authorization-mode lacks {}", missing.join(" and ")),
                    )
                    .fix(fix);
                }
            }
        })
    },
};

/// The insecure port (removed in 1.24): unauthenticated, unauthorized HTTP.
pub static INSECURE_PORT: Rule = Rule {
    id: "apiserver/insecure-port",
    family: Family::Apiserver,
    title: "API server serves plain HTTP without authentication",
    severity: Severity::Critical,
    practice: Practice::ApiAccess,
    rationale: "The insecure port serves the whole API over HTTP with no authentication or \
        authorization at all; anyone who can reach it is cluster-admin. The flags were removed in \
        Kubernetes 1.24, so their presence also means an old, unsupported API server.",
    references: &[
        FLAGS_DOC,
        Reference {
            title: "Kubernetes 1.24 release notes: insecure serving flags removed",
            url: "https://kubernetes.io/blog/2022/05/03/kubernetes-1-24-release-announcement/",
        },
    ],
    cis: &[],
    sources: &[checkov("CKV_K8S_86"), checkov("CKV_K8S_88")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Remove --insecure-port and --insecure-bind-address (or set --insecure-port=0 on \
        versions that still accept it), and upgrade.",
    snippet: "- --insecure-port=0",
    pss: None,
    bad: &[
        static_pod!("kube-apiserver", "    - --insecure-port=8080  # expect: apiserver/insecure-port\n"),
        static_pod!(
            "kube-apiserver",
            "    - --insecure-port=0\n    - --insecure-bind-address=0.0.0.0  # expect: apiserver/insecure-port\n"
        ),
        shell_pod!("kube-apiserver", "--insecure-port 8080 --secure-port=6443", "  # expect: apiserver/insecure-port"),
    ],
    good: &[HARDENED, static_pod!("kube-apiserver", "    - --insecure-port=0\n    - --secure-port=6443\n")],
    check: |object, hits| {
        each(object, |p| {
            if p.value("insecure-port").is_some_and(|v| v != "0") {
                hits.at(
                    p.at("insecure-port"),
                    text!(
                        "--insecure-port={} serves the API without authentication",
                        p.value("insecure-port").unwrap_or("")
                    ),
                )
                .fix(p.fix(&["--insecure-port=0"]));
            }
            if let Some(flag) = p.flag("insecure-bind-address") {
                hits.at(flag.span, "--insecure-bind-address exposes the unauthenticated port on a network address")
                    .fix(p.fix(&["--insecure-port=0"]));
            }
        })
    },
};

/// Static token and basic-auth files.
pub static STATIC_CREDENTIALS: Rule = Rule {
    id: "apiserver/static-credentials",
    family: Family::Apiserver,
    title: "API server trusts a static token or password file",
    severity: Severity::High,
    practice: Practice::ApiAccess,
    rationale: "Tokens in a --token-auth-file (and passwords in the removed --basic-auth-file) never \
        expire, cannot be revoked without restarting the API server, and sit in plaintext on the \
        control-plane disk.",
    references: &[FLAGS_DOC],
    cis: &[cis!("1.2.2", "Ensure that the --token-auth-file parameter is not set")],
    sources: &[checkov("CKV_K8S_69"), checkov("CKV_K8S_70"), kubescape("C-0114"), trivy("KCV-0002")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Remove --token-auth-file (and --basic-auth-file); authenticate people with OIDC or \
        client certificates and workloads with service account tokens.",
    snippet: "# remove: - --token-auth-file=...",
    pss: None,
    bad: &[static_pod!(
        "kube-apiserver",
        "    - --token-auth-file=/etc/kubernetes/tokens.csv  # expect: apiserver/static-credentials\n"
    ),
        static_pod!("kube-apiserver", "    - --basic-auth-file=/etc/kubernetes/passwords.csv  # expect: apiserver/static-credentials\n"),
    ],
    good: &[HARDENED,
        static_pod!("kube-apiserver", "    - --service-account-key-file=/etc/kubernetes/pki/sa.pub\n    - --oidc-issuer-url=https://issuer.example.com\n"),
    ],
    check: |object, hits| {
        each(object, |p| {
            for name in ["token-auth-file", "basic-auth-file"] {
                if let Some(flag) = p.flag(name) {
                    hits.at(flag.span, text!("--{name} makes the API server accept long-lived static credentials"));
                }
            }
        })
    },
};

pub static PROFILING: Rule = profiling_rule! {
    family: Apiserver,
    id: "apiserver/profiling",
    component: ApiServer,
    binary: "kube-apiserver",
    who: "API server",
    cis: cis!("1.2.15", "Ensure that the --profiling argument is set to false"),
    sources: &[checkov("CKV_K8S_90"), kubescape("C-0129"), trivy("KCV-0018")],
    doc: FLAGS_DOC,
    good: HARDENED,
};

/// Audit logging: a policy file and a backend.
pub static AUDIT_LOG: Rule = Rule {
    id: "apiserver/audit-log",
    family: Family::Apiserver,
    title: "API server writes no audit log",
    severity: Severity::Medium,
    practice: Practice::Audit,
    rationale: "Without an audit policy the API server records nothing about who did what; with a \
        policy but neither a log path nor a webhook, events are evaluated and thrown away. Either way \
        an intrusion or a mistake leaves no trail.",
    references: &[
        FLAGS_DOC,
        Reference { title: "Kubernetes: Auditing", url: "https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/" },
    ],
    cis: &[
        cis!("1.2.16", "Ensure that the --audit-log-path argument is set"),
        cis!("3.2.1", "Ensure that a minimal audit policy is created"),
    ],
    sources: &[checkov("CKV_K8S_91"), kubescape("C-0130"), kubescape("C-0160"), trivy("KCV-0019")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Pass an audit policy with --audit-policy-file and send events somewhere with \
        --audit-log-path (or --audit-webhook-config-file).",
    snippet:
        "- --audit-policy-file=/etc/kubernetes/audit-policy.yaml\n- --audit-log-path=/var/log/kubernetes/audit.log",
    pss: None,
    bad: &[
        static_pod!("kube-apiserver", command: "  # expect: apiserver/audit-log", "    - --audit-log-path=/var/log/kubernetes/audit.log\n"),
        static_pod!("kube-apiserver", "    - --audit-policy-file=/etc/kubernetes/audit-policy.yaml  # expect: apiserver/audit-log\n    - --audit-log-maxage=30\n"),
    ],
    good: &[HARDENED,
        static_pod!("kube-apiserver", "    - --audit-policy-file=/etc/kubernetes/audit-policy.yaml\n    - --audit-webhook-config-file=/etc/kubernetes/audit-webhook.yaml\n"),
        static_pod!("kube-apiserver", "    - --audit-policy-file=/etc/kubernetes/audit-policy.yaml\n    - --audit-log-path=-\n"),
    ],
    check: |object, hits| {
        each(object, |p| {
            let policy = p.flag("audit-policy-file");
            let backend = p.flag("audit-log-path").is_some() || p.flag("audit-webhook-config-file").is_some();
            let fix = p.fix(&[
                "--audit-policy-file=/etc/kubernetes/audit-policy.yaml",
                "--audit-log-path=/var/log/kubernetes/audit.log",
            ]);
            match (policy, backend) {
                (None, _) => {
                    hits.at(p.command, "no --audit-policy-file: audit logging is off").fix(fix);
                }
                (Some(flag), false) => {
                    hits.at(flag.span, "an audit policy is set but neither --audit-log-path nor --audit-webhook-config-file: events are dropped")
                        .fix(p.fix(&["--audit-log-path=/var/log/kubernetes/audit.log"]));
                }
                (Some(_), true) => {}
            }
        })
    },
};

/// Audit log rotation limits.
pub static AUDIT_LOG_RETENTION: Rule = Rule {
    id: "apiserver/audit-log-retention",
    family: Family::Apiserver,
    title: "Audit log retention is not set",
    severity: Severity::Low,
    practice: Practice::Audit,
    rationale: "Without --audit-log-maxage, --audit-log-maxbackup and --audit-log-maxsize, the audit \
        log is never rotated, or old files are kept forever: either the disk fills up and the API \
        server stops logging, or nothing says how long evidence is kept.",
    references: &[FLAGS_DOC],
    cis: &[cis!("1.2.17", "Ensure that the --audit-log-maxage argument is set to 30 or as appropriate"), cis!("1.2.18", "Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate"), cis!("1.2.19", "Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate")],
    sources: &[checkov("CKV_K8S_92"), checkov("CKV_K8S_93"), checkov("CKV_K8S_94"), kubescape("C-0131"), kubescape("C-0132"), kubescape("C-0133"), trivy("KCV-0020"), trivy("KCV-0021"), trivy("KCV-0022")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Set the three retention flags to your retention policy.",
    snippet: "- --audit-log-maxage=30\n- --audit-log-maxbackup=10\n- --audit-log-maxsize=100",
    pss: None,
    bad: &[static_pod!("kube-apiserver", "    - --audit-policy-file=/etc/kubernetes/audit-policy.yaml\n    - --audit-log-path=/var/log/audit.log  # expect: apiserver/audit-log-retention\n"),
        static_pod!("kube-apiserver", "    - --audit-policy-file=/etc/kubernetes/audit-policy.yaml\n    - --audit-log-path=/var/log/audit.log  # expect: apiserver/audit-log-retention\n    - --audit-log-maxage=30\n    - --audit-log-maxbackup=10\n"),
    ],
    good: &[HARDENED,
        static_pod!("kube-apiserver", "    - --audit-policy-file=/etc/kubernetes/audit-policy.yaml\n    - --audit-log-path=-\n"),
        static_pod!("kube-apiserver", "    - --audit-policy-file=/etc/kubernetes/audit-policy.yaml\n    - --audit-webhook-config-file=/etc/kubernetes/audit-webhook.yaml\n"),
    ],
    check: |object, hits| {
        each(object, |p| {
            let Some(path) = p.flag("audit-log-path").filter(|f| f.value.as_deref() != Some("-")) else { return };
            let missing: Vec<&str> = ["audit-log-maxage", "audit-log-maxbackup", "audit-log-maxsize"]
                .into_iter()
                .filter(|f| p.flag(f).is_none())
                .collect();
            if !missing.is_empty() {
                let flags: Vec<String> = missing.iter().map(|f| text!("--{f}")).collect();
                hits.at(path.span, text!("audit log has no {}", flags.join(", "))).fix(p.fix(&[
                    "--audit-log-maxage=30",
                    "--audit-log-maxbackup=10",
                    "--audit-log-maxsize=100",
                ]));
            }
        })
    },
};

/// Encryption at rest: `--encryption-provider-config`.
pub static ENCRYPTION_PROVIDER_CONFIG: Rule = Rule {
    id: "apiserver/encryption-provider-config",
    family: Family::Apiserver,
    title: "Secrets are stored unencrypted in etcd",
    severity: Severity::High,
    practice: Practice::Encryption,
    rationale: "Without an encryption provider configuration the API server writes Secrets to etcd \
        as plain base64. Anyone with an etcd backup, a disk snapshot or etcd client access reads \
        every credential in the cluster.",
    references: &[
        FLAGS_DOC,
        Reference {
            title: "Kubernetes: Encrypting Confidential Data at Rest",
            url: "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/",
        },
    ],
    cis: &[cis!("1.2.27", "Ensure that the --encryption-provider-config argument is set as appropriate")],
    sources: &[checkov("CKV_K8S_104"), kubescape("C-0066"), kubescape("C-0141"), trivy("KCV-0030")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Write an EncryptionConfiguration (a KMS v2 provider, or secretbox/aesgcm with \
        rotation) covering secrets, and pass it with --encryption-provider-config.",
    snippet: "- --encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml",
    pss: None,
    bad: &[
        static_pod!("kube-apiserver", command: "  # expect: apiserver/encryption-provider-config", "    - --anonymous-auth=false\n"),
        shell_pod!(
            "kube-apiserver",
            "--anonymous-auth=false --encryption-provider-config-automatic-reload=true",
            "  # expect: apiserver/encryption-provider-config"
        ),
    ],
    good: &[
        HARDENED,
        shell_pod!("kube-apiserver", "--encryption-provider-config /etc/kubernetes/enc/encryption-config.yaml"),
    ],
    check: |object, hits| {
        each(object, |p| {
            if p.flag("encryption-provider-config").is_none() {
                hits.at(p.command, "no --encryption-provider-config: Secrets are written to etcd unencrypted")
                    .fix(p.fix(&["--encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml"]));
            }
        })
    },
};

/// Admission plugins: AlwaysAdmit, NodeRestriction, and the default plugins
/// that must stay on.
pub static ADMISSION_PLUGINS: Rule = Rule {
    id: "apiserver/admission-plugins",
    family: Family::Apiserver,
    title: "Security-relevant admission plugins are off",
    severity: Severity::High,
    practice: Practice::Admission,
    rationale: "AlwaysAdmit accepts every request unconditionally. NodeRestriction (not on by \
        default) stops a kubelet from modifying other nodes and their pods. PodSecurity, \
        ServiceAccount and NamespaceLifecycle are on by default; disabling them removes Pod Security \
        Admission, service account token handling and protection of terminating namespaces.",
    references: &[
        FLAGS_DOC,
        Reference {
            title: "Kubernetes: Admission Controllers",
            url: "https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/",
        },
    ],
    cis: &[
        cis!("1.2.10", "Ensure that the admission control plugin AlwaysAdmit is not set"),
        cis!("1.2.12", "Ensure that the admission control plugin ServiceAccount is set"),
        cis!("1.2.13", "Ensure that the admission control plugin NamespaceLifecycle is set"),
        cis!("1.2.14", "Ensure that the admission control plugin NodeRestriction is set"),
    ],
    sources: &[
        checkov("CKV_K8S_79"),
        checkov("CKV_K8S_82"),
        checkov("CKV_K8S_83"),
        checkov("CKV_K8S_85"),
        kubescape("C-0122"),
        kubescape("C-0125"),
        kubescape("C-0126"),
        kubescape("C-0127"),
        trivy("KCV-0011"),
        trivy("KCV-0014"),
        trivy("KCV-0015"),
        trivy("KCV-0016"),
    ],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Add NodeRestriction to --enable-admission-plugins, remove AlwaysAdmit, and keep \
        PodSecurity, ServiceAccount and NamespaceLifecycle out of --disable-admission-plugins.",
    snippet: "- --enable-admission-plugins=NodeRestriction",
    pss: None,
    bad: &[static_pod!(
        "kube-apiserver",
        "    - --enable-admission-plugins=AlwaysAdmit,NodeRestriction  # expect: apiserver/admission-plugins\n"
    ),
        static_pod!("kube-apiserver", command: "  # expect: apiserver/admission-plugins", "    - --anonymous-auth=false\n"),
        static_pod!("kube-apiserver", "    - --enable-admission-plugins=NodeRestriction\n    - --disable-admission-plugins=PodSecurity,ServiceAccount  # expect: apiserver/admission-plugins, apiserver/admission-plugins\n"),
        static_pod!("kube-apiserver", "    - --enable-admission-plugins=PodSecurity,EventRateLimit  # expect: apiserver/admission-plugins\n"),
    ],
    good: &[HARDENED,
        static_pod!("kube-apiserver", "    - --enable-admission-plugins=NodeRestriction,AlwaysPullImages\n    - --disable-admission-plugins=DefaultStorageClass\n"),
        static_pod!("kube-apiserver", "    - --enable-admission-plugins\n    - PodSecurity,NodeRestriction\n"),
    ],
    check: |object, hits| {
        each(object, |p| {
            let enabled = p.list("enable-admission-plugins");
            let disabled = p.list("disable-admission-plugins");
            let fix = p.fix(&["--enable-admission-plugins=NodeRestriction"]);
            if enabled.contains(&"AlwaysAdmit") {
                hits.at(p.at("enable-admission-plugins"), "AlwaysAdmit is enabled: every request is admitted")
                    .fix(fix.clone());
            }
            if !enabled.contains(&"NodeRestriction") {
                hits.at(
                    p.at("enable-admission-plugins"),
                    "NodeRestriction is not enabled: kubelets can modify other nodes' objects",
                )
                .fix(fix);
            }
            for plugin in ["PodSecurity", "ServiceAccount", "NamespaceLifecycle"] {
                if disabled.contains(&plugin) {
                    hits.at(p.at("disable-admission-plugins"), text!("{plugin} admission is disabled"));
                }
            }
        })
    },
};

/// Flags that must all be present; one finding per missing group.
fn require(p: &Process, hits: &mut Hits, flags: &[&str], message: &str, fix: &[&str]) {
    let missing: Vec<String> = flags.iter().filter(|f| p.flag(f).is_none()).map(|f| text!("--{f}")).collect();
    if !missing.is_empty() {
        hits.at(p.command, text!("{} not set: {message}", missing.join(", "))).fix(p.fix(fix));
    }
}

/// TLS to the kubelets.
pub static KUBELET_CLIENT_TLS: Rule = Rule {
    id: "apiserver/kubelet-client-tls",
    family: Family::Apiserver,
    title: "API server does not authenticate to kubelets or verify them",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "The API server calls kubelets for exec, logs and port-forward. Without a client \
        certificate, kubelets cannot require authentication; without --kubelet-certificate-authority \
        the API server does not verify it is talking to the real kubelet, so those streams can be \
        intercepted.",
    references: &[FLAGS_DOC],
    cis: &[cis!("1.2.4", "Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate"), cis!("1.2.5", "Ensure that the --kubelet-certificate-authority argument is set as appropriate")],
    sources: &[checkov("CKV_K8S_72"), checkov("CKV_K8S_73"), kubescape("C-0116"), kubescape("C-0117"), trivy("KCV-0005"), trivy("KCV-0006")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Set --kubelet-client-certificate, --kubelet-client-key and \
        --kubelet-certificate-authority.",
    snippet: "- --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt\n- --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key\n- --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt",
    pss: None,
    bad: &[static_pod!("kube-apiserver", command: "  # expect: apiserver/kubelet-client-tls, apiserver/kubelet-client-tls", "    - --anonymous-auth=false\n"),
        static_pod!("kube-apiserver", command: "  # expect: apiserver/kubelet-client-tls", "    - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt\n    - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key\n"),
        static_pod!("kube-apiserver", command: "  # expect: apiserver/kubelet-client-tls", "    - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt\n    - --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt\n"),
    ],
    good: &[HARDENED,
        shell_pod!("kube-apiserver", "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt"),
    ],
    check: |object, hits| {
        each(object, |p| {
            require(p, hits, &["kubelet-client-certificate", "kubelet-client-key"], "kubelets cannot authenticate the API server", &[
                "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
                "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
            ]);
            require(p, hits, &["kubelet-certificate-authority"], "kubelet serving certificates are not verified", &[
                "--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt",
            ]);
        })
    },
};

/// TLS to etcd.
pub static ETCD_CLIENT_TLS: Rule = Rule {
    id: "apiserver/etcd-client-tls",
    family: Family::Apiserver,
    title: "API server talks to etcd without mutual TLS",
    severity: Severity::High,
    practice: Practice::ControlPlane,
    rationale: "etcd holds every object, Secrets included. The API server must present a client \
        certificate (so etcd can require one from everybody) and verify etcd's certificate against \
        its CA.",
    references: &[FLAGS_DOC],
    cis: &[cis!("1.2.23", "Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate"), cis!("1.2.26", "Ensure that the --etcd-cafile argument is set as appropriate")],
    sources: &[checkov("CKV_K8S_99"), checkov("CKV_K8S_102"), kubescape("C-0137"), kubescape("C-0140"), trivy("KCV-0026"), trivy("KCV-0029")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Set --etcd-certfile, --etcd-keyfile and --etcd-cafile.",
    snippet: "- --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt\n- --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt\n- --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
    pss: None,
    bad: &[static_pod!("kube-apiserver", command: "  # expect: apiserver/etcd-client-tls", "    - --etcd-servers=https://127.0.0.1:2379\n"),
        static_pod!("kube-apiserver", command: "  # expect: apiserver/etcd-client-tls", "    - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt\n    - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key\n"),
    ],
    good: &[HARDENED,
        static_pod!("kube-apiserver", "    - --etcd-cafile\n    - /etc/kubernetes/pki/etcd/ca.crt\n    - --etcd-certfile\n    - /etc/kubernetes/pki/apiserver-etcd-client.crt\n    - --etcd-keyfile\n    - /etc/kubernetes/pki/apiserver-etcd-client.key\n"),
    ],
    check: |object, hits| {
        each(object, |p| {
            require(p, hits, &["etcd-certfile", "etcd-keyfile", "etcd-cafile"], "the connection to etcd is not mutually authenticated", &[
                "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
                "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
                "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
            ]);
        })
    },
};

/// Serving certificate and client CA.
pub static SERVING_TLS: Rule = Rule {
    id: "apiserver/serving-tls",
    family: Family::Apiserver,
    title: "API server has no serving certificate or client CA",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "Without --tls-cert-file and --tls-private-key-file the API server serves a \
        self-signed certificate clients cannot verify; without --client-ca-file it cannot \
        authenticate client certificates, which kubelets and controllers rely on.",
    references: &[FLAGS_DOC],
    cis: &[cis!("1.2.24", "Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate"), cis!("1.2.25", "Ensure that the --client-ca-file argument is set as appropriate")],
    sources: &[checkov("CKV_K8S_100"), kubescape("C-0138"), kubescape("C-0139"), trivy("KCV-0027"), trivy("KCV-0028")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Set --tls-cert-file, --tls-private-key-file and --client-ca-file.",
    snippet: "- --tls-cert-file=/etc/kubernetes/pki/apiserver.crt\n- --tls-private-key-file=/etc/kubernetes/pki/apiserver.key\n- --client-ca-file=/etc/kubernetes/pki/ca.crt",
    pss: None,
    bad: &[static_pod!("kube-apiserver", command: "  # expect: apiserver/serving-tls, apiserver/serving-tls", "    - --anonymous-auth=false\n"),
        static_pod!("kube-apiserver", command: "  # expect: apiserver/serving-tls", "    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt\n    - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key\n"),
        static_pod!("kube-apiserver", command: "  # expect: apiserver/serving-tls", "    - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt\n    - --client-ca-file=/etc/kubernetes/pki/ca.crt\n"),
    ],
    good: &[HARDENED,
        shell_pod!("kube-apiserver", "--tls-cert-file /etc/kubernetes/pki/apiserver.crt --tls-private-key-file /etc/kubernetes/pki/apiserver.key --client-ca-file /etc/kubernetes/pki/ca.crt"),
    ],
    check: |object, hits| {
        each(object, |p| {
            require(p, hits, &["tls-cert-file", "tls-private-key-file"], "clients cannot verify the API server", &[
                "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
                "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
            ]);
            require(p, hits, &["client-ca-file"], "client certificates are not accepted", &["--client-ca-file=/etc/kubernetes/pki/ca.crt"]);
        })
    },
};

/// TLS versions and cipher suites.
pub static WEAK_TLS: Rule = Rule {
    id: "apiserver/weak-tls",
    family: Family::Apiserver,
    title: "API server allows old TLS versions or weak cipher suites",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "TLS 1.0 and 1.1 are deprecated and have known weaknesses; suites with RC4, 3DES or \
        CBC mode, or with static RSA key exchange (no forward secrecy), let a recorded session be \
        decrypted later or attacked in transit.",
    references: &[FLAGS_DOC],
    cis: &[cis!("1.2.29", "Ensure that the API Server only makes use of Strong Cryptographic Ciphers")],
    sources: &[checkov("CKV_K8S_105"), kubescape("C-0143"), kubescape("C-0277")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Set --tls-min-version=VersionTLS12 (or 13) and list only ECDHE suites with GCM or \
        ChaCha20-Poly1305 in --tls-cipher-suites.",
    snippet: "- --tls-min-version=VersionTLS12\n- --tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
    pss: None,
    bad: &[static_pod!("kube-apiserver", "    - --tls-min-version=VersionTLS10  # expect: apiserver/weak-tls\n"),
        static_pod!("kube-apiserver", "    - --tls-min-version  # expect: apiserver/weak-tls\n    - VersionTLS11\n"),
        static_pod!("kube-apiserver", "    - --tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA  # expect: apiserver/weak-tls\n"),
        static_pod!("kube-apiserver", "    - --tls-min-version=VersionTLS10  # expect: apiserver/weak-tls\n    - --tls-cipher-suites=TLS_ECDHE_RSA_WITH_RC4_128_SHA  # expect: apiserver/weak-tls\n"),
    ],
    good: &[HARDENED,
        static_pod!("kube-apiserver", "    - --tls-min-version=VersionTLS13\n    - --tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305\n"),
        static_pod!("kube-apiserver", "    - --anonymous-auth=false\n"),
    ],
    check: |object, hits| each(object, |p| weak_tls(p, hits)),
};

/// A cipher suite without forward secrecy or with a weak cipher.
pub fn weak_cipher(suite: &str) -> bool {
    ["_RC4_", "_3DES_", "_CBC_"].iter().any(|w| suite.contains(w)) || suite.starts_with("TLS_RSA_")
}

/// The kube-apiserver's `--tls-min-version` / `--tls-cipher-suites`.
pub fn weak_tls(p: &Process, hits: &mut Hits) {
    if let Some(version @ ("VersionTLS10" | "VersionTLS11")) = p.value("tls-min-version") {
        hits.at(p.at("tls-min-version"), text!("--tls-min-version={version} allows deprecated TLS versions"))
            .fix(p.fix(&["--tls-min-version=VersionTLS12"]));
    }
    let weak: Vec<&str> = p.list("tls-cipher-suites").into_iter().filter(|s| weak_cipher(s)).collect();
    if !weak.is_empty() {
        hits.at(p.at("tls-cipher-suites"), text!("--tls-cipher-suites allows weak suites: {}", weak.join(", ")));
    }
}

/// Service account token lookup.
pub static SERVICE_ACCOUNT_LOOKUP: Rule = Rule {
    id: "apiserver/service-account-lookup",
    family: Family::Apiserver,
    title: "Deleted service accounts' tokens stay valid",
    severity: Severity::Low,
    practice: Practice::ApiAccess,
    rationale: "With --service-account-lookup=false the API server accepts a service account token \
        without checking the account still exists, so deleting an account does not revoke its \
        tokens.",
    references: &[FLAGS_DOC],
    cis: &[cis!("1.2.21", "Ensure that the --service-account-lookup argument is set to true")],
    sources: &[checkov("CKV_K8S_96"), kubescape("C-0135"), trivy("KCV-0024")],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Remove --service-account-lookup=false (the default is true).",
    snippet: "- --service-account-lookup=true",
    pss: None,
    bad: &[
        static_pod!(
            "kube-apiserver",
            "    - --service-account-lookup=false  # expect: apiserver/service-account-lookup\n"
        ),
        static_pod!(
            "kube-apiserver",
            "    - --service-account-lookup=False  # expect: apiserver/service-account-lookup\n"
        ),
        shell_pod!("kube-apiserver", "--service-account-lookup=0", "  # expect: apiserver/service-account-lookup"),
    ],
    good: &[
        HARDENED,
        static_pod!("kube-apiserver", "    - --anonymous-auth=false\n"),
        static_pod!("kube-apiserver", "    - --service-account-lookup=false\n    - --service-account-lookup=true\n"),
    ],
    check: |object, hits| {
        each(object, |p| {
            if !p.bool("service-account-lookup", true) {
                hits.at(
                    p.at("service-account-lookup"),
                    "--service-account-lookup=false: tokens of deleted service accounts are accepted",
                )
                .fix(p.fix(&["--service-account-lookup=true"]));
            }
        })
    },
};

/// Flags and admission plugins the `--kubernetes-version` refuses: the API
/// server exits at start with `unknown flag` or `unknown admission plugin`.
pub static REMOVED_FLAG: Rule = Rule {
    id: "apiserver/removed-flag",
    family: Family::Apiserver,
    title: "API server flag or admission plugin the Kubernetes version does not accept",
    severity: Severity::High,
    practice: Practice::ControlPlane,
    rationale: "kube-apiserver refuses to start on a flag it does not know (one removed before, or \
        added after, its version) and on an unknown admission plugin, so a manifest or kubeadm \
        configuration carried over an upgrade takes the control plane down. Judged at \
        --kubernetes-version (default: the latest version Posture knows).",
    references: &[
        FLAGS_DOC,
        Reference { title: "Kubernetes CHANGELOG", url: "https://github.com/kubernetes/kubernetes/tree/master/CHANGELOG" },
    ],
    cis: &[],
    sources: &[],
    kinds: kinds::CONTROL_PLANE,
    remediation: "Remove the flag or plugin (or use what replaced it) before upgrading to that version.",
    snippet: "- --enable-admission-plugins=NodeRestriction",
    pss: None,
    bad: &[
        static_pod!("kube-apiserver", "    - --insecure-port=0  # expect: apiserver/removed-flag\n"),
        static_pod!(
            "kube-apiserver",
            "    - --enable-admission-plugins=NodeRestriction,PodSecurityPolicy  # expect: apiserver/removed-flag\n"
        ),
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    enable-admission-plugins: NodeRestriction,SecurityContextDeny  # expect: apiserver/removed-flag\n",
    ],
    good: &[
        HARDENED,
        static_pod!("kube-apiserver", "    - --encryption-provider-config-automatic-reload=true\n    - --authorization-config=/etc/kubernetes/authz.yaml\n"),
    ],
    check: |object, hits| {
        let version = hits.options().kubernetes_version;
        each(object, |p| {
            for flag in &p.flags {
                let Some(row) = APISERVER_FLAGS.iter().find(|r| r.name == flag.name) else { continue };
                if !row.accepted_at(version) {
                    hits.at(
                        flag.span,
                        text!("--{} {}: kube-apiserver {version} would not start", flag.name, row.refusal(version)),
                    );
                }
            }
            for plugin in p.list("enable-admission-plugins") {
                let Some(row) = PLUGINS.iter().find(|r| r.name == plugin) else { continue };
                if !row.accepted_at(version) {
                    hits.at(
                        p.at("enable-admission-plugins"),
                        text!(
                            "admission plugin {plugin} {}: kube-apiserver {version} would not start",
                            row.refusal(version)
                        ),
                    )
                    .fix(p.fix(&[&text!(
                        "--enable-admission-plugins={}",
                        p.list("enable-admission-plugins").into_iter().filter(|x| *x != plugin).collect::<Vec<_>>().join(",")
                    )]));
                }
            }
        })
    },
};

pub static RULES: &[&Rule] = &[
    &ANONYMOUS_AUTH,
    &AUTHORIZATION_MODE,
    &INSECURE_PORT,
    &STATIC_CREDENTIALS,
    &PROFILING,
    &AUDIT_LOG,
    &AUDIT_LOG_RETENTION,
    &ENCRYPTION_PROVIDER_CONFIG,
    &ADMISSION_PLUGINS,
    &KUBELET_CLIENT_TLS,
    &ETCD_CLIENT_TLS,
    &SERVING_TLS,
    &WEAK_TLS,
    &SERVICE_ACCOUNT_LOOKUP,
    &REMOVED_FLAG,
];

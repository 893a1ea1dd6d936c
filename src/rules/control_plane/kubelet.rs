//! `kubelet/*`: a `KubeletConfiguration` (kubelet.config.k8s.io/v1beta1), or
//! kubelet flags where a manifest runs the kubelet. The two have different
//! defaults (the config file's are the safer ones), so every setting says
//! both.

use crate::k8s::{Component, Object, Process};
use crate::rules::{checkov, kinds, kubescape, trivy, Family, Hits, Practice, Reference, Rule, Severity};
use crate::yaml::{Node, Span, Value};
use indoc::indoc;

const CONFIG_DOC: Reference = Reference {
    title: "Kubernetes: Kubelet Configuration (v1beta1)",
    url: "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/",
};
const AUTH_DOC: Reference = Reference {
    title: "Kubernetes: Kubelet authentication/authorization",
    url: "https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/",
};

pub const HARDENED: &str = concat!(
    "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
    "authentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n",
    "authorization:\n  mode: Webhook\nreadOnlyPort: 0\nstreamingConnectionIdleTimeout: 5m\nprotectKernelDefaults: true\n",
    "makeIPTablesUtilChains: true\nrotateCertificates: true\nserverTLSBootstrap: true\n"
);

/// One kubelet's settings: from its configuration file, or its flags.
enum Kubelet<'a> {
    Config(&'a Node),
    Flags(Process<'a>),
}

/// A setting: its config path and default, its flag and default.
struct Setting {
    path: &'static [&'static str],
    config_default: &'static str,
    flag: &'static str,
    flag_default: &'static str,
}

impl Kubelet<'_> {
    fn all<'a>(object: &Object<'a>) -> Vec<Kubelet<'a>> {
        if object.kind == "KubeletConfiguration" && object.group() == "kubelet.config.k8s.io" {
            return vec![Kubelet::Config(object.node)];
        }
        let mut out = Vec::new();
        for p in object.processes() {
            if p.component == Component::Kubelet {
                out.push(Kubelet::Flags(p.clone()));
            }
        }
        out
    }

    /// The effective value and where it is (or where it should go), and
    /// whether it was set explicitly.
    fn get(&self, s: &Setting) -> (String, Span, bool) {
        match self {
            Kubelet::Config(node) => match node.at(s.path) {
                Some(value) => (scalar(value), node.entry_at(s.path).map_or(value.span, |e| e.span()), true),
                None => (s.config_default.to_owned(), node.nearest(s.path), false),
            },
            Kubelet::Flags(p) => match p.value(s.flag) {
                Some(value) => (value.to_owned(), p.at(s.flag), true),
                // With --config, an absent flag takes the file's value (or
                // the file's defaults): assume that, not the flag default.
                None if p.flag("config").is_some() => (s.config_default.to_owned(), p.command, false),
                None => (s.flag_default.to_owned(), p.command, false),
            },
        }
    }

    /// A snippet setting `s` to `value` in this kubelet's own form.
    fn fix(&self, s: &Setting, value: &str) -> String {
        match self {
            Kubelet::Config(_) => {
                let mut out = String::from("# in the KubeletConfiguration\n");
                for (depth, key) in s.path.iter().enumerate() {
                    let last = depth + 1 == s.path.len();
                    out.push_str(&format!(
                        "{}{key}:{}\n",
                        "  ".repeat(depth),
                        if last { format!(" {value}") } else { String::new() }
                    ));
                }
                out
            }
            Kubelet::Flags(p) => p.fix(&[&format!("--{}={value}", s.flag)]),
        }
    }

    fn is_config(&self) -> bool {
        matches!(self, Kubelet::Config(_))
    }
}

fn scalar(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => s.clone(),
        _ => node.display(),
    }
}

/// Flags a setting whose effective value fails `ok`.
fn check(object: &Object, hits: &mut Hits, s: &Setting, ok: impl Fn(&str) -> bool, safe: &str, why: &str) {
    for kubelet in Kubelet::all(object) {
        let (value, span, explicit) = kubelet.get(s);
        if !ok(&value) {
            let default = if explicit { "" } else { " (the default)" };
            let name = if kubelet.is_config() { s.path.join(".") } else { format!("--{}", s.flag) };
            hits.at(span, format!("{name} is {value}{default}: {why}")).fix(kubelet.fix(s, safe));
        }
    }
}

const ANONYMOUS: Setting = Setting {
    path: &["authentication", "anonymous", "enabled"],
    config_default: "false",
    flag: "anonymous-auth",
    flag_default: "true",
};

pub static ANONYMOUS_AUTH: Rule = Rule {
    id: "kubelet/anonymous-auth",
    family: Family::Kubelet,
    title: "Kubelet accepts anonymous requests",
    severity: Severity::High,
    practice: Practice::ControlPlane,
    rationale: "The kubelet API runs commands in containers, reads logs and lists pods. With \
        anonymous authentication on, requests without credentials reach it as system:anonymous, \
        and with a permissive authorizer that is remote code execution on every node.",
    references: &[CONFIG_DOC, AUTH_DOC],
    cis: &[cis!("4.2.1", "Ensure that the --anonymous-auth argument is set to false")],
    sources: &[checkov("CKV_K8S_138"), kubescape("C-0069"), kubescape("C-0172"), trivy("KCV-0079")],
    kinds: kinds::workloads_and!("KubeletConfiguration"),
    remediation: "Set authentication.anonymous.enabled: false (flag --anonymous-auth=false).",
    snippet: "authentication:\n  anonymous:\n    enabled: false",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        authentication:
          anonymous:
            enabled: true  # expect: kubelet/anonymous-auth
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        check(object, hits, &ANONYMOUS, |v| v == "false", "false", "unauthenticated requests reach the kubelet API")
    },
};

const AUTHZ: Setting = Setting {
    path: &["authorization", "mode"],
    config_default: "Webhook",
    flag: "authorization-mode",
    flag_default: "AlwaysAllow",
};

pub static AUTHORIZATION_MODE: Rule = Rule {
    id: "kubelet/authorization-mode",
    family: Family::Kubelet,
    title: "Kubelet authorizes every request",
    severity: Severity::Critical,
    practice: Practice::ControlPlane,
    rationale: "With authorization mode AlwaysAllow, anyone who authenticates to the kubelet (or \
        anyone at all, with anonymous auth on) may exec into any container on the node. Webhook mode \
        asks the API server, so RBAC applies.",
    references: &[CONFIG_DOC, AUTH_DOC],
    cis: &[cis!("4.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow")],
    sources: &[checkov("CKV_K8S_139"), kubescape("C-0173"), trivy("KCV-0080")],
    kinds: kinds::workloads_and!("KubeletConfiguration"),
    remediation: "Set authorization.mode: Webhook (flag --authorization-mode=Webhook), with \
        authentication.webhook.enabled: true.",
    snippet: "authorization:\n  mode: Webhook",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        authorization:
          mode: AlwaysAllow  # expect: kubelet/authorization-mode
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        check(object, hits, &AUTHZ, |v| v != "AlwaysAllow", "Webhook", "every request to the kubelet API is allowed")
    },
};

const CLIENT_CA: Setting = Setting {
    path: &["authentication", "x509", "clientCAFile"],
    config_default: "unset",
    flag: "client-ca-file",
    flag_default: "unset",
};

pub static CLIENT_CA_FILE: Rule = Rule {
    id: "kubelet/client-ca",
    family: Family::Kubelet,
    title: "Kubelet does not verify client certificates",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "Without a client CA the kubelet cannot authenticate the API server's client \
        certificate, so it falls back to tokens or anonymous access for the calls that stream exec \
        and log sessions.",
    references: &[CONFIG_DOC, AUTH_DOC],
    cis: &[cis!("4.2.3", "Ensure that the --client-ca-file argument is set as appropriate")],
    sources: &[checkov("CKV_K8S_140"), kubescape("C-0070"), kubescape("C-0174"), trivy("KCV-0081")],
    kinds: kinds::workloads_and!("KubeletConfiguration"),
    remediation: "Set authentication.x509.clientCAFile (flag --client-ca-file) to the cluster CA.",
    snippet: "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        authentication:  # expect: kubelet/client-ca
          webhook:
            enabled: true
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        check(
            object,
            hits,
            &CLIENT_CA,
            |v| v != "unset" && !v.is_empty(),
            "/etc/kubernetes/pki/ca.crt",
            "client certificates are not verified",
        )
    },
};

const READ_ONLY_PORT: Setting =
    Setting { path: &["readOnlyPort"], config_default: "0", flag: "read-only-port", flag_default: "10255" };

pub static READ_ONLY_PORT_RULE: Rule = Rule {
    id: "kubelet/read-only-port",
    family: Family::Kubelet,
    title: "Kubelet serves its read-only port",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "The read-only port (10255) serves pod specs, environment variables included, and \
        metrics over plain HTTP with no authentication at all.",
    references: &[CONFIG_DOC],
    cis: &[cis!("4.2.4", "Verify that the --read-only-port argument is set to 0")],
    sources: &[checkov("CKV_K8S_141"), kubescape("C-0175"), trivy("KCV-0082")],
    kinds: kinds::workloads_and!("KubeletConfiguration"),
    remediation: "Set readOnlyPort: 0 (flag --read-only-port=0).",
    snippet: "readOnlyPort: 0",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        readOnlyPort: 10255  # expect: kubelet/read-only-port
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        check(object, hits, &READ_ONLY_PORT, |v| v == "0", "0", "pod specs are served without authentication")
    },
};

const IDLE_TIMEOUT: Setting = Setting {
    path: &["streamingConnectionIdleTimeout"],
    config_default: "4h0m0s",
    flag: "streaming-connection-idle-timeout",
    flag_default: "4h0m0s",
};

pub static STREAMING_IDLE_TIMEOUT: Rule = Rule {
    id: "kubelet/streaming-idle-timeout",
    family: Family::Kubelet,
    title: "Idle exec and port-forward sessions never time out",
    severity: Severity::Low,
    practice: Practice::ControlPlane,
    rationale: "A streaming connection idle timeout of 0 keeps idle exec, attach and port-forward \
        sessions open forever, leaving forgotten shells into containers and exhausting the node.",
    references: &[CONFIG_DOC],
    cis: &[cis!("4.2.5", "Ensure that the --streaming-connection-idle-timeout argument is not set to 0")],
    sources: &[checkov("CKV_K8S_143"), kubescape("C-0176"), trivy("KCV-0085")],
    kinds: kinds::workloads_and!("KubeletConfiguration"),
    remediation: "Set streamingConnectionIdleTimeout to a duration such as 5m.",
    snippet: "streamingConnectionIdleTimeout: 5m",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        streamingConnectionIdleTimeout: 0s  # expect: kubelet/streaming-idle-timeout
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        check(object, hits, &IDLE_TIMEOUT, |v| !zero_duration(v), "5m", "idle streaming sessions stay open")
    },
};

/// `0`, `0s`, `0m0s`, ...: a Go duration of zero.
fn zero_duration(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c == '0' || c.is_ascii_alphabetic() || c == '.')
}

const KERNEL_DEFAULTS: Setting = Setting {
    path: &["protectKernelDefaults"],
    config_default: "false",
    flag: "protect-kernel-defaults",
    flag_default: "false",
};

pub static PROTECT_KERNEL_DEFAULTS: Rule = Rule {
    id: "kubelet/protect-kernel-defaults",
    family: Family::Kubelet,
    title: "Kubelet may change kernel settings it depends on",
    severity: Severity::Low,
    practice: Practice::ControlPlane,
    rationale: "With protectKernelDefaults the kubelet refuses to start when the node's kernel \
        tunables differ from what it expects, instead of silently changing them; without it, \
        hardened sysctls can be overwritten.",
    references: &[CONFIG_DOC],
    cis: &[],
    sources: &[checkov("CKV_K8S_144"), kubescape("C-0177"), trivy("KCV-0083")],
    kinds: kinds::workloads_and!("KubeletConfiguration"),
    remediation: "Set protectKernelDefaults: true (and set the kubelet's expected sysctls on the node).",
    snippet: "protectKernelDefaults: true",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        protectKernelDefaults: false  # expect: kubelet/protect-kernel-defaults
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        check(
            object,
            hits,
            &KERNEL_DEFAULTS,
            |v| v == "true",
            "true",
            "the kubelet may override hardened kernel settings",
        )
    },
};

const IPTABLES: Setting = Setting {
    path: &["makeIPTablesUtilChains"],
    config_default: "true",
    flag: "make-iptables-util-chains",
    flag_default: "true",
};

pub static IPTABLES_UTIL_CHAINS: Rule = Rule {
    id: "kubelet/iptables-util-chains",
    family: Family::Kubelet,
    title: "Kubelet does not manage its iptables chains",
    severity: Severity::Low,
    practice: Practice::ControlPlane,
    rationale: "When the kubelet does not create its iptables utility chains, the node's packet \
        filtering drifts from what pod networking expects, which can leave traffic unfiltered.",
    references: &[CONFIG_DOC],
    cis: &[cis!("4.2.6", "Ensure that the --make-iptables-util-chains argument is set to true")],
    sources: &[checkov("CKV_K8S_145"), kubescape("C-0178"), trivy("KCV-0084")],
    kinds: kinds::workloads_and!("KubeletConfiguration"),
    remediation: "Set makeIPTablesUtilChains: true (the default).",
    snippet: "makeIPTablesUtilChains: true",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        makeIPTablesUtilChains: false  # expect: kubelet/iptables-util-chains
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        check(object, hits, &IPTABLES, |v| v == "true", "true", "iptables utility chains are not maintained")
    },
};

const ROTATE: Setting = Setting {
    path: &["rotateCertificates"],
    config_default: "false",
    flag: "rotate-certificates",
    flag_default: "false",
};

pub static CERTIFICATE_ROTATION: Rule = Rule {
    id: "kubelet/certificate-rotation",
    family: Family::Kubelet,
    title: "Kubelet certificates are not rotated",
    severity: Severity::Low,
    practice: Practice::ControlPlane,
    rationale: "Without rotation the kubelet's client certificate is used until it expires (and \
        then the node drops out), and a stolen certificate stays valid just as long.",
    references: &[
        CONFIG_DOC,
        Reference {
            title: "Kubernetes: Certificate Management with kubeadm / kubelet certificate rotation",
            url: "https://kubernetes.io/docs/tasks/tls/certificate-rotation/",
        },
    ],
    cis: &[cis!("4.2.10", "Ensure that the --rotate-certificates argument is not set to false")],
    sources: &[checkov("CKV_K8S_149"), kubescape("C-0182"), trivy("KCV-0090")],
    kinds: kinds::workloads_and!("KubeletConfiguration"),
    remediation: "Set rotateCertificates: true (flag --rotate-certificates).",
    snippet: "rotateCertificates: true",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        rotateCertificates: false  # expect: kubelet/certificate-rotation
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        check(object, hits, &ROTATE, |v| v == "true", "true", "client certificates are not renewed before they expire")
    },
};

pub static RULES: &[&Rule] = &[
    &ANONYMOUS_AUTH,
    &AUTHORIZATION_MODE,
    &CLIENT_CA_FILE,
    &READ_ONLY_PORT_RULE,
    &STREAMING_IDLE_TIMEOUT,
    &PROTECT_KERNEL_DEFAULTS,
    &IPTABLES_UTIL_CHAINS,
    &CERTIFICATE_ROTATION,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_durations() {
        for zero in ["0", "0s", "0m0s", "0h0m0s", "0.0s"] {
            assert!(zero_duration(zero), "{zero}");
        }
        for some in ["5m", "4h0m0s", "10s", ""] {
            assert!(!zero_duration(some), "{some}");
        }
    }

    #[test]
    fn kubelet_flags_have_the_unsafe_defaults() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kubelet\nspec:\n  containers:\n  - name: kubelet\n    image: k\n    command: [kubelet, --v=2]\n";
        let report = crate::check(
            "t",
            yaml.as_bytes(),
            &crate::Options { select: vec!["kubelet/".into()], ..Default::default() },
        );
        let ids: Vec<&str> = report.findings.iter().map(|f| f.rule.id).collect();
        let with_config = yaml.replace("--v=2", "--config=/var/lib/kubelet/config.yaml");
        let config = crate::check(
            "t",
            with_config.as_bytes(),
            &crate::Options { select: vec!["kubelet/anonymous-auth".into()], ..Default::default() },
        );
        assert!(config.findings.is_empty(), "--config supplies safe defaults");
        assert!(
            ids.contains(&"kubelet/anonymous-auth")
                && ids.contains(&"kubelet/authorization-mode")
                && ids.contains(&"kubelet/read-only-port"),
            "{ids:?}"
        );
    }
}

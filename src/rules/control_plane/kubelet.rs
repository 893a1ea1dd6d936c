//! `kubelet/*`: a `KubeletConfiguration` (kubelet.config.k8s.io/v1beta1), or
//! kubelet flags where a manifest runs the kubelet. The two have different
//! defaults (the config file's are the safer ones), so every setting says
//! both.

use crate::k8s::{Component, Object, Origin, Process};
use crate::rules::{checkov, kinds, kubescape, trivy, Family, Hits, Practice, Reference, Rule, Severity};
use crate::yaml::{Node, Span};
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

/// A kubelet setting, one row of the table below: its config path and
/// default, its flag and default, what counts as safe, the safe value the
/// fix writes, and why the unsafe value matters.
struct Setting {
    path: &'static [&'static str],
    config_default: &'static str,
    flag: &'static str,
    flag_default: &'static str,
    ok: fn(&str) -> bool,
    safe: &'static str,
    why: &'static str,
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
                Some(value) => (
                    value.scalar_text().unwrap_or_else(|| value.display()),
                    node.entry_at(s.path).map_or(value.span, |e| e.span()),
                    true,
                ),
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
                    out.push_str(&text!(
                        "{}{key}:{}\n",
                        "  ".repeat(depth),
                        if last { text!(" {value}") } else { String::new() }
                    ));
                }
                out
            }
            Kubelet::Flags(p) => p.fix(&[&text!("--{}={value}", s.flag)]),
        }
    }

    fn is_config(&self) -> bool {
        matches!(self, Kubelet::Config(_))
    }
}

fn kubelet_has_config(kubelet: &Kubelet) -> bool {
    matches!(kubelet, Kubelet::Flags(p) if p.flag("config").is_some())
}

/// The KubeletConfiguration settings kubeadm writes where the file leaves
/// them out (`cmd/kubeadm/app/componentconfigs/kubelet.go`, `Default`): the
/// cluster CA and certificate rotation. Its anonymous, webhook and
/// authorization defaults are the file's own.
const KUBEADM_DEFAULTS: [(&[&str], &str); 2] =
    [(&["authentication", "x509", "clientCAFile"], "/etc/kubernetes/pki/ca.crt"), (&["rotateCertificates"], "true")];

/// Whether kubeadm writes this kubelet's configuration: flags from an
/// Init/JoinConfiguration's `kubeletExtraArgs`, or a KubeletConfiguration
/// in the same input as a kubeadm configuration (as `kubeadm init
/// --config` reads it).
fn by_kubeadm(kubelet: &Kubelet, hits: &Hits) -> bool {
    match kubelet {
        Kubelet::Flags(p) => matches!(p.origin, Origin::ExtraArgs { .. }),
        Kubelet::Config(node) => {
            let scope = hits.scope();
            let inputs: Vec<usize> = scope.remember("kubelet:kubeadm-inputs".into(), || {
                scope.all().filter(|l| l.object.group() == "kubeadm.k8s.io").map(|l| l.input).collect()
            });
            scope.all().any(|l| std::ptr::eq(l.object.node, *node) && inputs.contains(&l.input))
        }
    }
}

/// Flags a setting whose effective value fails its `ok`.
fn check(object: &Object, hits: &mut Hits, s: &Setting) {
    for kubelet in Kubelet::all(object) {
        let (mut value, span, explicit) = kubelet.get(s);
        if !explicit && (kubelet.is_config() || kubelet_has_config(&kubelet)) && by_kubeadm(&kubelet, hits) {
            if let Some((_, default)) = KUBEADM_DEFAULTS.iter().find(|(path, _)| *path == s.path) {
                value = (*default).to_owned();
            }
        }
        if !(s.ok)(&value) {
            let default = if explicit { "" } else { " (the default)" };
            let name = if kubelet.is_config() { s.path.join(".") } else { text!("--{}", s.flag) };
            hits.at(span, text!("{name} is {value}{default}: {}", s.why)).fix(kubelet.fix(s, s.safe));
        }
    }
}

/// A KubeletConfiguration setting `path` to `value`, with `mark` after the
/// value.
macro_rules! kubelet_config {
    ($path:tt = $value:literal, $mark:expr) => {
        concat!(
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
            keys!($path),
            $value,
            $mark,
            "\n"
        )
    };
}

/// A config path's keys as nested YAML, up to the last key's `: `.
macro_rules! keys {
    ([$a:literal]) => {
        concat!($a, ": ")
    };
    ([$a:literal, $b:literal]) => {
        concat!($a, ":\n  ", $b, ": ")
    };
    ([$a:literal, $b:literal, $c:literal]) => {
        concat!($a, ":\n  ", $b, ":\n    ", $c, ": ")
    };
}

/// A bad example where the setting is left at an unsafe default: in an
/// empty KubeletConfiguration (`config`, reported on its first line), on a
/// kubelet command line without the flag (`flags`), or with `--config` and
/// without the flag (`flags_with_config`, which takes the file's default).
/// The last two are reported on `command:`.
macro_rules! kubelet_default {
    (config, $id:literal) => {
        concat!("apiVersion: kubelet.config.k8s.io/v1beta1  # expect: ", $id, "\nkind: KubeletConfiguration\n")
    };
    (flags, $id:literal) => {
        static_pod!("kubelet", command: concat!("  # expect: ", $id), "    - --v=2\n")
    };
    (flags_with_config, $id:literal) => {
        static_pod!("kubelet", command: concat!("  # expect: ", $id), "    - --config=/var/lib/kubelet/config.yaml\n")
    };
}

/// One `kubelet/*` rule from one row: the rule's metadata, the setting, and
/// the examples. The bad examples are generated from the row: with
/// `unsafe:`, a KubeletConfiguration and a command line setting that value;
/// one example per form listed in `unsafe_by_default:`; then the row's own
/// `bad:`. The good ones: [`HARDENED`], a command line with the safe value,
/// then the row's own `good:`.
macro_rules! kubelet_rule {
    (
        id: $id:literal, title: $title:literal, severity: $severity:ident,
        rationale: $rationale:literal, references: $references:expr, cis: $cis:expr, sources: $sources:expr,
        remediation: $remediation:literal, snippet: $snippet:literal,
        config: $path:tt = $config_default:literal, flag: $flag:literal = $flag_default:literal,
        ok: $ok:expr, safe: $safe:literal, why: $why:literal,
        $(unsafe: $unsafe:literal,)?
        unsafe_by_default: [$($default:ident),* $(,)?],
        bad: [$($bad:expr),* $(,)?],
        good: [$($good:expr),* $(,)?] $(,)?
    ) => {
        Rule {
            id: $id,
            family: Family::Kubelet,
            title: $title,
            severity: Severity::$severity,
            practice: Practice::ControlPlane,
            rationale: $rationale,
            references: $references,
            cis: $cis,
            sources: $sources,
            kinds: kinds::workloads_and!("KubeletConfiguration", "InitConfiguration", "JoinConfiguration"),
            remediation: $remediation,
            snippet: $snippet,
            pss: None,
            bad: &[
                $(kubelet_config!($path = $unsafe, concat!("  # expect: ", $id)),)?
                $($bad,)*
                $(static_pod!("kubelet", concat!("    - --", $flag, "=", $unsafe, "  # expect: ", $id, "\n")),)?
                $(kubelet_default!($default, $id),)*
            ],
            good: &[HARDENED, static_pod!("kubelet", concat!("    - --", $flag, "=", $safe, "\n")), $($good),*],
            check: |object, hits| {
                const SETTING: Setting = Setting {
                    path: &$path,
                    config_default: $config_default,
                    flag: $flag,
                    flag_default: $flag_default,
                    ok: $ok,
                    safe: $safe,
                    why: $why,
                };
                check(object, hits, &SETTING)
            },
        }
    };
}

/// A kubelet started with `--config` and no other flag: absent flags take
/// the file's values, or the file's (safer) defaults.
const WITH_CONFIG: &str = static_pod!("kubelet", "    - --config=/var/lib/kubelet/config.yaml\n");

/// Anonymous requests: on by default on the command line, off in the file.
pub static ANONYMOUS_AUTH: Rule = kubelet_rule! {
    id: "kubelet/anonymous-auth",
    title: "Kubelet accepts anonymous requests",
    severity: High,
    rationale: "The kubelet API runs commands in containers, reads logs and lists pods. With \
        anonymous authentication on, requests without credentials reach it as system:anonymous, \
        and with a permissive authorizer that is remote code execution on every node.",
    references: &[CONFIG_DOC, AUTH_DOC],
    cis: &[cis!("4.2.1", "Ensure that the --anonymous-auth argument is set to false")],
    sources: &[checkov("CKV_K8S_138"), kubescape("C-0069"), kubescape("C-0172"), trivy("KCV-0079")],
    remediation: "Set authentication.anonymous.enabled: false (flag --anonymous-auth=false).",
    snippet: "authentication:\n  anonymous:\n    enabled: false",
    config: ["authentication", "anonymous", "enabled"] = "false",
    flag: "anonymous-auth" = "true",
    ok: |v| v == "false",
    safe: "false",
    why: "unauthenticated requests reach the kubelet API",
    unsafe: "true",
    unsafe_by_default: [flags],
    bad: [],
    good: [WITH_CONFIG],
};

/// Authorization: AlwaysAllow by default on the command line, Webhook in
/// the file.
pub static AUTHORIZATION_MODE: Rule = kubelet_rule! {
    id: "kubelet/authorization-mode",
    title: "Kubelet authorizes every request",
    severity: Critical,
    rationale: "With authorization mode AlwaysAllow, anyone who authenticates to the kubelet (or \
        anyone at all, with anonymous auth on) may exec into any container on the node. Webhook mode \
        asks the API server, so RBAC applies.",
    references: &[CONFIG_DOC, AUTH_DOC],
    cis: &[cis!("4.2.2", "Ensure that the --authorization-mode argument is not set to AlwaysAllow")],
    sources: &[checkov("CKV_K8S_139"), kubescape("C-0173"), trivy("KCV-0080")],
    remediation: "Set authorization.mode: Webhook (flag --authorization-mode=Webhook), with \
        authentication.webhook.enabled: true.",
    snippet: "authorization:\n  mode: Webhook",
    config: ["authorization", "mode"] = "Webhook",
    flag: "authorization-mode" = "AlwaysAllow",
    ok: |v| v != "AlwaysAllow",
    safe: "Webhook",
    why: "every request to the kubelet API is allowed",
    unsafe: "AlwaysAllow",
    unsafe_by_default: [flags],
    bad: [],
    good: [WITH_CONFIG, static_pod!("kubelet", "    - --authorization-mode\n    - Webhook\n")],
};

/// The client CA: no default in either form.
pub static CLIENT_CA_FILE: Rule = kubelet_rule! {
    id: "kubelet/client-ca",
    title: "Kubelet does not verify client certificates",
    severity: Medium,
    rationale: "Without a client CA the kubelet cannot authenticate the API server's client \
        certificate, so it falls back to tokens or anonymous access for the calls that stream exec \
        and log sessions.",
    references: &[CONFIG_DOC, AUTH_DOC],
    cis: &[cis!("4.2.3", "Ensure that the --client-ca-file argument is set as appropriate")],
    sources: &[checkov("CKV_K8S_140"), kubescape("C-0070"), kubescape("C-0174"), trivy("KCV-0081")],
    remediation: "Set authentication.x509.clientCAFile (flag --client-ca-file) to the cluster CA.",
    snippet: "authentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt",
    config: ["authentication", "x509", "clientCAFile"] = "unset",
    flag: "client-ca-file" = "unset",
    ok: |v| v != "unset" && !v.is_empty(),
    safe: "/etc/kubernetes/pki/ca.crt",
    why: "client certificates are not verified",
    unsafe_by_default: [config, flags, flags_with_config],
    bad: [indoc! {r#"
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        authentication:  # expect: kubelet/client-ca
          webhook:
            enabled: true
    "#}],
    good: [],
};

/// The read-only port: 10255 by default on the command line, 0 in the file.
pub static READ_ONLY_PORT_RULE: Rule = kubelet_rule! {
    id: "kubelet/read-only-port",
    title: "Kubelet serves its read-only port",
    severity: Medium,
    rationale: "The read-only port (10255) serves pod specs, environment variables included, and \
        metrics over plain HTTP with no authentication at all.",
    references: &[CONFIG_DOC],
    cis: &[cis!("4.2.4", "Verify that the --read-only-port argument is set to 0")],
    sources: &[checkov("CKV_K8S_141"), kubescape("C-0175"), trivy("KCV-0082")],
    remediation: "Set readOnlyPort: 0 (flag --read-only-port=0).",
    snippet: "readOnlyPort: 0",
    config: ["readOnlyPort"] = "0",
    flag: "read-only-port" = "10255",
    ok: |v| v == "0",
    safe: "0",
    why: "pod specs are served without authentication",
    unsafe: "10255",
    unsafe_by_default: [flags],
    bad: ["apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    read-only-port: \"10255\"  # expect: kubelet/read-only-port\n"],
    good: [WITH_CONFIG, static_pod!("kubelet", "    - --read-only-port\n    - \"0\"\n")],
};

/// The streaming idle timeout: 4h in both forms; only an explicit zero is
/// unsafe.
pub static STREAMING_IDLE_TIMEOUT: Rule = kubelet_rule! {
    id: "kubelet/streaming-idle-timeout",
    title: "Idle exec and port-forward sessions never time out",
    severity: Low,
    rationale: "A streaming connection idle timeout of 0 keeps idle exec, attach and port-forward \
        sessions open forever, leaving forgotten shells into containers and exhausting the node.",
    references: &[CONFIG_DOC],
    cis: &[cis!("4.2.5", "Ensure that the --streaming-connection-idle-timeout argument is not set to 0")],
    sources: &[checkov("CKV_K8S_143"), kubescape("C-0176"), trivy("KCV-0085")],
    remediation: "Set streamingConnectionIdleTimeout to a duration such as 5m.",
    snippet: "streamingConnectionIdleTimeout: 5m",
    config: ["streamingConnectionIdleTimeout"] = "4h0m0s",
    flag: "streaming-connection-idle-timeout" = "4h0m0s",
    ok: |v| !zero_duration(v),
    safe: "5m",
    why: "idle streaming sessions stay open",
    unsafe: "0s",
    unsafe_by_default: [],
    bad: [indoc! {r#"
        apiVersion: v1
        kind: Pod
        metadata:
          name: kubelet
        spec:
          containers:
          - name: kubelet
            image: registry.k8s.io/kubelet:v1.34.1
            command: [sh, -c, "kubelet --streaming-connection-idle-timeout 0h0m0s"]  # expect: kubelet/streaming-idle-timeout
    "#}],
    good: [
        static_pod!("kubelet", "    - --v=2\n"),
        static_pod!("kubelet", "    - --streaming-connection-idle-timeout=30s\n"),
    ],
};

/// `0`, `0s`, `0m0s`, ...: a Go duration of zero.
fn zero_duration(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c == '0' || c.is_ascii_alphabetic() || c == '.')
}

/// Protecting kernel defaults: off by default in both forms.
pub static PROTECT_KERNEL_DEFAULTS: Rule = kubelet_rule! {
    id: "kubelet/protect-kernel-defaults",
    title: "Kubelet may change kernel settings it depends on",
    severity: Low,
    rationale: "With protectKernelDefaults the kubelet refuses to start when the node's kernel \
        tunables differ from what it expects, instead of silently changing them; without it, \
        hardened sysctls can be overwritten.",
    references: &[CONFIG_DOC],
    cis: &[],
    sources: &[checkov("CKV_K8S_144"), kubescape("C-0177"), trivy("KCV-0083")],
    remediation: "Set protectKernelDefaults: true (and set the kubelet's expected sysctls on the node).",
    snippet: "protectKernelDefaults: true",
    config: ["protectKernelDefaults"] = "false",
    flag: "protect-kernel-defaults" = "false",
    ok: |v| v == "true",
    safe: "true",
    why: "the kubelet may override hardened kernel settings",
    unsafe: "false",
    unsafe_by_default: [config, flags_with_config],
    bad: [],
    good: [],
};

/// The iptables utility chains: on by default in both forms.
pub static IPTABLES_UTIL_CHAINS: Rule = kubelet_rule! {
    id: "kubelet/iptables-util-chains",
    title: "Kubelet does not manage its iptables chains",
    severity: Low,
    rationale: "When the kubelet does not create its iptables utility chains, the node's packet \
        filtering drifts from what pod networking expects, which can leave traffic unfiltered.",
    references: &[CONFIG_DOC],
    cis: &[cis!("4.2.6", "Ensure that the --make-iptables-util-chains argument is set to true")],
    sources: &[checkov("CKV_K8S_145"), kubescape("C-0178"), trivy("KCV-0084")],
    remediation: "Set makeIPTablesUtilChains: true (the default).",
    snippet: "makeIPTablesUtilChains: true",
    config: ["makeIPTablesUtilChains"] = "true",
    flag: "make-iptables-util-chains" = "true",
    ok: |v| v == "true",
    safe: "true",
    why: "iptables utility chains are not maintained",
    unsafe: "false",
    unsafe_by_default: [],
    bad: [],
    good: [static_pod!("kubelet", "    - --v=2\n"), "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"],
};

/// Certificate rotation: off by default in both forms (kubeadm turns it on).
pub static CERTIFICATE_ROTATION: Rule = kubelet_rule! {
    id: "kubelet/certificate-rotation",
    title: "Kubelet certificates are not rotated",
    severity: Low,
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
    remediation: "Set rotateCertificates: true (flag --rotate-certificates).",
    snippet: "rotateCertificates: true",
    config: ["rotateCertificates"] = "false",
    flag: "rotate-certificates" = "false",
    ok: |v| v == "true",
    safe: "true",
    why: "client certificates are not renewed before they expire",
    unsafe: "false",
    unsafe_by_default: [config, flags],
    bad: [],
    // kubeadm turns rotation on in the KubeletConfiguration it writes.
    good: [
        static_pod!("kubelet", "    - --rotate-certificates\n"),
        "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n  - name: node-ip\n    value: 10.0.0.21\n",
    ],
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

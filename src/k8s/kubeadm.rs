//! kubeadm's configuration (`kubeadm.k8s.io` v1beta3 and v1beta4) as the
//! processes it starts: a `ClusterConfiguration` runs kube-apiserver, etcd
//! (unless `etcd.external`), kube-controller-manager and kube-scheduler; an
//! `InitConfiguration` or `JoinConfiguration` configures the node's kubelet.
//! Each process's flags are kubeadm's own (the ones it writes into the
//! static pod manifests whatever the configuration says) followed by the
//! section's `extraArgs`, which override them: so the same `apiserver/`,
//! `etcd/`, `controller-manager/`, `scheduler/` and `kubelet/` rules judge
//! the file, at the key that sets a flag, or at the section a missing flag
//! belongs in.
//!
//! kubeadm's flags are those of `cmd/kubeadm/app/phases/controlplane/
//! manifests.go` (getAPIServerCommand, getControllerManagerCommand,
//! getSchedulerCommand), `cmd/kubeadm/app/phases/etcd/local.go`
//! (getEtcdCommand) and the kubelet's systemd drop-in `10-kubeadm.conf`
//! (`--bootstrap-kubeconfig`, `--kubeconfig`, `--config`), as of kubeadm
//! 1.34; addresses, names and ports, which no rule reads, are left out.

use crate::yaml::{Node, Span};

use super::object::Object;
use super::process::{Component, Flag, Origin, Process};

/// Flags kubeadm always sets, by component; `{pki}` is the configuration's
/// `certificatesDir` (default `/etc/kubernetes/pki`).
fn defaults(component: Component) -> &'static [(&'static str, &'static str)] {
    match component {
        Component::ApiServer => &[
            ("allow-privileged", "true"),
            ("authorization-mode", "Node,RBAC"),
            ("client-ca-file", "{pki}/ca.crt"),
            ("enable-admission-plugins", "NodeRestriction"),
            ("enable-bootstrap-token-auth", "true"),
            ("kubelet-client-certificate", "{pki}/apiserver-kubelet-client.crt"),
            ("kubelet-client-key", "{pki}/apiserver-kubelet-client.key"),
            ("proxy-client-cert-file", "{pki}/front-proxy-client.crt"),
            ("proxy-client-key-file", "{pki}/front-proxy-client.key"),
            ("requestheader-client-ca-file", "{pki}/front-proxy-ca.crt"),
            ("service-account-issuer", "https://kubernetes.default.svc.cluster.local"),
            ("service-account-key-file", "{pki}/sa.pub"),
            ("service-account-signing-key-file", "{pki}/sa.key"),
            ("tls-cert-file", "{pki}/apiserver.crt"),
            ("tls-private-key-file", "{pki}/apiserver.key"),
        ],
        Component::Etcd => &[
            ("cert-file", "{pki}/etcd/server.crt"),
            ("client-cert-auth", "true"),
            ("data-dir", "/var/lib/etcd"),
            ("key-file", "{pki}/etcd/server.key"),
            ("listen-client-urls", "https://127.0.0.1:2379"),
            ("listen-metrics-urls", "http://127.0.0.1:2381"),
            ("peer-cert-file", "{pki}/etcd/peer.crt"),
            ("peer-client-cert-auth", "true"),
            ("peer-key-file", "{pki}/etcd/peer.key"),
            ("peer-trusted-ca-file", "{pki}/etcd/ca.crt"),
            ("snapshot-count", "10000"),
            ("trusted-ca-file", "{pki}/etcd/ca.crt"),
        ],
        Component::ControllerManager => &[
            ("authentication-kubeconfig", "/etc/kubernetes/controller-manager.conf"),
            ("authorization-kubeconfig", "/etc/kubernetes/controller-manager.conf"),
            ("bind-address", "127.0.0.1"),
            ("client-ca-file", "{pki}/ca.crt"),
            ("cluster-signing-cert-file", "{pki}/ca.crt"),
            ("cluster-signing-key-file", "{pki}/ca.key"),
            ("controllers", "*,bootstrapsigner,tokencleaner"),
            ("kubeconfig", "/etc/kubernetes/controller-manager.conf"),
            ("leader-elect", "true"),
            ("requestheader-client-ca-file", "{pki}/front-proxy-ca.crt"),
            ("root-ca-file", "{pki}/ca.crt"),
            ("service-account-private-key-file", "{pki}/sa.key"),
            ("use-service-account-credentials", "true"),
        ],
        Component::Scheduler => &[
            ("authentication-kubeconfig", "/etc/kubernetes/scheduler.conf"),
            ("authorization-kubeconfig", "/etc/kubernetes/scheduler.conf"),
            ("bind-address", "127.0.0.1"),
            ("kubeconfig", "/etc/kubernetes/scheduler.conf"),
            ("leader-elect", "true"),
        ],
        Component::Kubelet => &[
            ("bootstrap-kubeconfig", "/etc/kubernetes/bootstrap-kubelet.conf"),
            ("config", "/var/lib/kubelet/config.yaml"),
            ("kubeconfig", "/etc/kubernetes/kubelet.conf"),
        ],
    }
}

/// The apiserver's etcd client flags kubeadm sets for a local etcd.
const LOCAL_ETCD_CLIENT: [(&str, &str); 4] = [
    ("etcd-cafile", "{pki}/etcd/ca.crt"),
    ("etcd-certfile", "{pki}/apiserver-etcd-client.crt"),
    ("etcd-keyfile", "{pki}/apiserver-etcd-client.key"),
    ("etcd-servers", "https://127.0.0.1:2379"),
];

/// The processes a kubeadm configuration object starts.
pub(super) fn processes<'a>(object: &Object<'a>) -> Vec<Process<'a>> {
    let node = object.node;
    let kind_span = node.entry("kind").map_or(node.span, |e| e.span());
    let v1beta4 = object.api_version.ends_with("v1beta4");
    let pki = node.get("certificatesDir").and_then(Node::as_str).unwrap_or("/etc/kubernetes/pki");
    let section = |component: Component, kind: &'static str, path: &[&str], args: &str| {
        let mut process = Process {
            component,
            flags: Vec::new(),
            command: kind_span,
            origin: Origin::ExtraArgs { kind, path: text!("{}.{args}", path.join(".")), list: v1beta4 },
            container: None,
        };
        // A missing flag goes to the deepest part of the path written.
        let mut at = node;
        for key in path.iter().copied().chain([args]) {
            match at.entry(key) {
                Some(entry) => {
                    process.command = entry.key_span;
                    at = &entry.value;
                }
                None => break,
            }
        }
        let command = process.command;
        let defaulted = |(name, value): &(&str, &str)| Flag {
            name: (*name).to_owned(),
            value: Some(value.replace("{pki}", pki)),
            span: command,
        };
        let mut flags: Vec<Flag> = defaults(component).iter().map(defaulted).collect();
        let mut list = v1beta4;
        if let Some(extra) = node.at(path).and_then(|n| n.get(args)) {
            list = extra.as_seq().is_some();
            flags.extend(extra_args(extra));
        }
        if let Origin::ExtraArgs { list: l, .. } = &mut process.origin {
            *l = list;
        }
        process.flags = flags;
        process
    };
    match object.kind {
        "ClusterConfiguration" => {
            let kind = "ClusterConfiguration";
            let mut apiserver = section(Component::ApiServer, kind, &["apiServer"], "extraArgs");
            let external = node.at(&["etcd", "external"]);
            let etcd_flags = match external {
                Some(external) => external_etcd(external),
                None => LOCAL_ETCD_CLIENT
                    .iter()
                    .map(|(name, value)| Flag {
                        name: (*name).to_owned(),
                        value: Some(value.replace("{pki}", pki)),
                        span: apiserver.command,
                    })
                    .collect(),
            };
            // kubeadm's own flags first, then the user's: the last wins.
            let defaults = defaults(Component::ApiServer).len();
            apiserver.flags.splice(defaults..defaults, etcd_flags);
            let mut out = vec![apiserver];
            if external.is_none() {
                out.push(section(Component::Etcd, kind, &["etcd", "local"], "extraArgs"));
            }
            out.push(section(Component::ControllerManager, kind, &["controllerManager"], "extraArgs"));
            out.push(section(Component::Scheduler, kind, &["scheduler"], "extraArgs"));
            out
        }
        "InitConfiguration" => {
            vec![section(Component::Kubelet, "InitConfiguration", &["nodeRegistration"], "kubeletExtraArgs")]
        }
        "JoinConfiguration" => {
            vec![section(Component::Kubelet, "JoinConfiguration", &["nodeRegistration"], "kubeletExtraArgs")]
        }
        _ => Vec::new(),
    }
}

/// A scalar as a flag value (kubeadm's values are strings; an unquoted
/// `false` or `0` is read as written).
/// `extraArgs` as flags: a map of name to value (v1beta3), or a list of
/// `{name, value}` (v1beta4); each flag's span is its entry or item.
fn extra_args(extra: &Node) -> Vec<Flag> {
    if let Some(entries) = extra.as_map() {
        return entries
            .iter()
            .map(|e| Flag { name: e.key.to_string(), value: e.value.scalar_text(), span: e.span() })
            .collect();
    }
    extra
        .as_seq()
        .unwrap_or(&[])
        .iter()
        .filter_map(|item| {
            let name = item.get("name").and_then(Node::as_str)?;
            let value = item.get("value").and_then(Node::scalar_text);
            Some(Flag { name: name.to_owned(), value: Some(value.unwrap_or_default()), span: item.span })
        })
        .collect()
}

/// The apiserver's etcd flags for an external etcd: kubeadm passes
/// `endpoints`, `caFile`, `certFile` and `keyFile` when they are set.
fn external_etcd(external: &Node) -> Vec<Flag> {
    let mut out = Vec::new();
    let mut flag = |name: &str, value: Option<String>, span: Span| {
        out.push(Flag { name: name.to_owned(), value, span });
    };
    if let Some(e) = external.entry("endpoints") {
        let endpoints: Vec<&str> = e.value.as_seq().unwrap_or(&[]).iter().filter_map(Node::as_str).collect();
        flag("etcd-servers", Some(endpoints.join(",")), e.span());
    }
    for (key, name) in [("caFile", "etcd-cafile"), ("certFile", "etcd-certfile"), ("keyFile", "etcd-keyfile")] {
        if let Some(e) = external.entry(key).filter(|e| e.value.as_str().is_some_and(|s| !s.is_empty())) {
            flag(name, e.value.scalar_text(), e.span());
        }
    }
    out
}

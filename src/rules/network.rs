//! `network/*`: NetworkPolicies, read against the workloads in the input.
//!
//! Semantics as in the NetworkPolicy API: a policy selects pods by
//! `podSelector` (`{}` selects all in its namespace); once a pod is selected
//! for a direction, only what some rule allows gets through. `policyTypes`
//! defaults to Ingress, plus Egress when the policy has egress rules.

use std::net::IpAddr;

use crate::k8s::{made_by, Made, Object};
use crate::rules::scope::{namespace_of, Scope};
use crate::rules::{kinds, kube_linter, kubescape, Family, Practice, Reference, Rule, Severity};
use crate::yaml::{Entry, Node};
use indoc::indoc;

const NETPOL_DOC: Reference = Reference {
    title: "Kubernetes: Network Policies",
    url: "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
};

/// The cloud metadata service, which hands out node credentials.
/// The cloud metadata service: 169.254.169.254, and fd00:ec2::254 on AWS
/// IPv6. Kept as text, as messages and fixes quote it (an `IpAddr`'s
/// `Display` would link 2 KB of wasm for these two alone).
const METADATA: [&str; 2] = ["169.254.169.254", "fd00:ec2::254"];

pub const HARDENED: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: registry.example.com/web:1.4.2\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock:\n        cidr: 0.0.0.0/0\n        except: [169.254.169.254/32, 10.0.0.0/8]\n    ports:\n    - port: 443\n";

fn is_policy(object: &Object) -> bool {
    object.kind == "NetworkPolicy" && object.group() == "networking.k8s.io"
}

/// The directions a policy governs.
fn policy_types(policy: &Object) -> (bool, bool) {
    let spec = policy.node.get("spec");
    match spec.and_then(|s| s.get("policyTypes")).and_then(Node::as_seq).filter(|t| !t.is_empty()) {
        Some(types) => {
            let has = |t: &str| types.iter().any(|n| n.as_str() == Some(t));
            (has("Ingress"), has("Egress"))
        }
        // The API server adds Egress only for a non-empty egress list.
        None => (true, spec.is_some_and(|s| !s.items("egress").is_empty())),
    }
}

fn selects_all(policy: &Object) -> bool {
    policy.node.at(&["spec", "podSelector"]).and_then(Node::as_map).is_none_or(|m| {
        m.iter().all(|e| {
            e.value.as_map().is_some_and(<[Entry]>::is_empty)
                || e.value.as_seq().is_some_and(<[Node]>::is_empty)
                || e.value.is_null()
        })
    })
}

/// (default-deny ingress, default-deny egress) for a namespace.
fn default_deny(scope: &Scope, namespace: &str) -> (bool, bool) {
    scope.remember(joined!("network/default-deny ", namespace), || compute_default_deny(scope, namespace))
}

fn compute_default_deny(scope: &Scope, namespace: &str) -> (bool, bool) {
    let mut deny = (false, false);
    for p in scope.policies_in(namespace) {
        if !is_policy(p) || !selects_all(p) {
            continue;
        }
        let (ingress, egress) = policy_types(p);
        let empty = |key: &str| p.node.at(&["spec", key]).and_then(Node::as_seq).is_none_or(<[Node]>::is_empty);
        deny.0 |= ingress && empty("ingress");
        deny.1 |= egress && empty("egress");
    }
    deny
}

pub static MISSING_DEFAULT_DENY: Rule = Rule {
    id: "network/missing-default-deny",
    family: Family::Network,
    title: "Namespace has workloads but no default-deny NetworkPolicy",
    severity: Severity::Medium,
    practice: Practice::NetworkPolicy,
    rationale: "Pods accept traffic from anywhere in the cluster and reach anything (other \
        namespaces, the internet, the cloud metadata service) until a NetworkPolicy selects them. \
        A default-deny policy for ingress and for egress in every namespace makes every allowed \
        flow an explicit decision.",
    references: &[NETPOL_DOC],
    cis: &[cis!("5.3.2", "Ensure that all Namespaces have Network Policies defined")],
    sources: &[kubescape("C-0054")],
    kinds: kinds::workloads_and!("Namespace", "NetworkPolicy"),
    remediation: "Add a policy selecting every pod with both policy types and no rules, then allow \
        the flows each workload needs (including DNS egress).",
    snippet: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: my-namespace\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Namespace  # expect: network/missing-default-deny
            metadata:
              name: shop
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: shop
            spec:
              containers:
              - name: web
                image: web:1
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment  # expect: network/missing-default-deny
            metadata:
              name: api
              namespace: shop
            spec:
              template:
                metadata:
                  labels: {app: api}
                spec:
                  containers:
                  - name: api
                    image: api:1
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: worker
              namespace: shop
            spec:
              template:
                metadata:
                  labels: {app: worker}
                spec:
                  containers:
                  - name: worker
                    image: worker:1
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: deny-ingress
              namespace: shop
            spec:
              podSelector: {}
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Namespace  # expect: network/missing-default-deny
            metadata:
              name: shop
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: shop
            spec:
              containers:
              - name: web
                image: web:1
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: deny-egress
              namespace: shop
            spec:
              podSelector: {}
              policyTypes: [Egress]
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
              namespace: shop
            spec:
              template:
                metadata:
                  labels: {app: api}
                spec:
                  containers:
                  - name: api
                    image: api:1
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: deny-ingress
              namespace: shop
            spec:
              podSelector: {}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: deny-egress
              namespace: shop
            spec:
              podSelector: {}
              policyTypes: [Egress]
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: staging
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: staging
            data:
              mode: staging
        "#},
    ],
    check: |object, hits| {
        let scope = hits.scope();
        let namespace = if object.kind == "Namespace" && object.group().is_empty() {
            object.name.unwrap_or("")
        } else if object.pod().is_some() {
            let ns = namespace_of(object);
            // Reported on the Namespace when it is in the input, else on
            // the namespace's first workload.
            // (Only asks for the workloads when it must: the incremental
            // checker runs this again when what it asked for changes.)
            let declared = scope.find("Namespace", "default", ns).is_some();
            if declared || !scope.workloads_in(ns).next().is_some_and(|f| std::ptr::eq(f.node, object.node)) {
                return;
            }
            ns
        } else {
            return;
        };
        let workloads = scope.workloads_in(namespace).count();
        if workloads == 0 {
            return;
        }
        let missing: Vec<&str> = match default_deny(scope, namespace) {
            (false, false) => vec!["ingress", "egress"],
            (false, true) => vec!["ingress"],
            (true, false) => vec!["egress"],
            (true, true) => return,
        };
        let at = object.node.entry("kind").map_or(object.node.span, Entry::span);
        hits.at(at, text!(
            "namespace {namespace} has {workloads} workload(s) but no default-deny {} NetworkPolicy",
            missing.join(" or ")
        ))
        .fix(MISSING_DEFAULT_DENY.snippet.replace("my-namespace", namespace));
    },
};

/// A peer that matches every source or destination.
fn open_peer(peer: &Node) -> Option<&'static str> {
    let map = peer.as_map()?;
    if map.is_empty() {
        return Some("an empty peer matches everything");
    }
    let ns = peer.get("namespaceSelector");
    if ns.and_then(Node::as_map).is_some_and(<[Entry]>::is_empty) && peer.get("podSelector").is_none() {
        return Some("namespaceSelector {} matches every pod in every namespace");
    }
    let cidr = peer.at(&["ipBlock", "cidr"]).and_then(Node::as_str)?;
    // An empty except excepts nothing.
    let except = peer.at(&["ipBlock", "except"]).and_then(Node::as_seq).is_some_and(|e| !e.is_empty());
    (matches!(cidr, "0.0.0.0/0" | "::/0") && !except).then_some("ipBlock covers every address")
}

pub static ALLOW_ALL: Rule = Rule {
    id: "network/allow-all",
    family: Family::Network,
    title: "NetworkPolicy rule allows all traffic",
    severity: Severity::Medium,
    practice: Practice::NetworkPolicy,
    rationale: "An empty rule, an empty peer, `namespaceSelector: {}` or a 0.0.0.0/0 block allows \
        every source or destination: the policy looks like a control but lets everything through.",
    references: &[NETPOL_DOC],
    cis: &[],
    sources: &[],
    kinds: &["NetworkPolicy"],
    remediation: "Name the peers: pods by label, namespaces by their kubernetes.io/metadata.name label, \
        external ranges by CIDR. An open egress rule also reaches the cloud metadata service, which \
        this finding then says.",
    snippet: "ingress:\n  - from:\n      - podSelector: {}",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: open
              namespace: shop
            spec:
              podSelector: {}
              ingress:
              - {}  # expect: network/allow-all
              - from:
                - namespaceSelector: {}  # expect: network/allow-all
        "#},
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: web-out
              namespace: shop
            spec:
              podSelector:
                matchLabels: {app: web}
              policyTypes: [Egress]
              egress:
              - to:
                - ipBlock:  # expect: network/allow-all
                    cidr: 0.0.0.0/0
              - to:
                - {}  # expect: network/allow-all
                ports:
                - port: 53
                  protocol: UDP
        "#},
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: api
              namespace: shop
            spec:
              podSelector:
                matchLabels: {app: api}
              policyTypes: [Ingress, Egress]
              ingress:
              - from:
                - ipBlock:  # expect: network/allow-all
                    cidr: "::/0"
              egress:
              - to: []  # expect: network/allow-all
        "#},
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: web-out
              namespace: shop
            spec:
              podSelector:
                matchLabels: {app: web}
              policyTypes: [Egress]
              egress:
              - to:
                - ipBlock:  # expect: network/allow-all
                    cidr: 0.0.0.0/0
                    except: []
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: web
              namespace: shop
            spec:
              podSelector:
                matchLabels: {app: web}
              ingress:
              - from:
                - podSelector: {}
              - from:
                - namespaceSelector: {}
                  podSelector:
                    matchLabels: {app: prometheus}
                ports:
                - port: 9090
              - ports:
                - port: 443
        "#},
    ],
    check: |object, hits| {
        if !is_policy(object) {
            return;
        }
        let ns = namespace_of(object);
        let policy = object.name.unwrap_or("");
        for (direction, peers) in [("ingress", "from"), ("egress", "to")] {
            // Open egress reaches the metadata service: said here, once,
            // rather than by network/metadata-egress on the same rule.
            let metadata =
                if direction == "egress" { ", the cloud metadata service (169.254.169.254) included" } else { "" };
            // The narrowest rule that still names a peer: the policy's own
            // namespace, which the reviewer widens to what is needed.
            let same_namespace = || {
                joined!(
                    "# in NetworkPolicy ",
                    ?policy,
                    ": allow pods of namespace ",
                    ns,
                    " only, then add the peers the workload needs\n",
                    direction,
                    ":\n  - ",
                    peers,
                    ":\n      - podSelector: {}\n"
                )
            };
            for rule in object.node.at(&["spec", direction]).and_then(Node::as_seq).unwrap_or(&[]) {
                // Absent or empty peer and port lists both mean "all".
                let open_ports = rule.items("ports").is_empty();
                if rule.as_map().is_some_and(<[Entry]>::is_empty) || (rule.items(peers).is_empty() && open_ports) {
                    hits.node(
                        rule,
                        text!("this {direction} rule has no {peers} and no ports: it allows all traffic{metadata}"),
                    )
                    .fix(same_namespace());
                    continue;
                }
                for peer in rule.items(peers) {
                    let Some(why) = open_peer(peer) else { continue };
                    let reaches_metadata =
                        if peer.get("ipBlock").is_some() || peer.as_map().is_some_and(<[Entry]>::is_empty) {
                            metadata
                        } else {
                            ""
                        };
                    let fix = if peer.get("ipBlock").is_some() {
                        let except = if direction == "egress" { ", and except 169.254.169.254/32" } else { "" };
                        text!("# in NetworkPolicy {policy:?}, spec.{direction}: replace the ipBlock covering every address\n# with the ranges the pods must {}{except}.\n", if direction == "egress" { "reach" } else { "accept traffic from" })
                    } else {
                        same_namespace()
                    };
                    hits.node(peer, text!("{direction} peer allows everything: {why}{reaches_metadata}")).fix(fix);
                }
            }
        }
    },
};

/// `a.b.c.d/n` contains `ip`.
/// Whether a CIDR (`10.0.0.0/8`, `::/0`, or one address) contains `ip`.
fn cidr_contains(cidr: &str, ip: IpAddr) -> bool {
    let (addr, bits) = cidr.split_once('/').map_or((cidr, None), |(a, b)| (a, Some(b)));
    let Ok(net) = addr.parse::<IpAddr>() else { return false };
    let width = if net.is_ipv4() { 32 } else { 128 };
    let Some(bits) = bits.map_or(Some(width), |b| b.parse::<u32>().ok()).filter(|&b| b <= width) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(net), IpAddr::V4(ip)) => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(net) & mask == u32::from(ip) & mask
        }
        (IpAddr::V6(net), IpAddr::V6(ip)) => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(net) & mask == u128::from(ip) & mask
        }
        _ => false,
    }
}

/// The metadata address a peer's ipBlock lets through, if any.
fn metadata_reached(cidr: &str, except: &[&str]) -> Option<&'static str> {
    METADATA.into_iter().find(|m| {
        let Ok(ip) = m.parse() else { return false };
        cidr_contains(cidr, ip) && !except.iter().any(|e| cidr_contains(e, ip))
    })
}

pub static METADATA_EGRESS: Rule = Rule {
    id: "network/metadata-egress",
    family: Family::Network,
    title: "Egress allowed to the cloud metadata service",
    severity: Severity::High,
    practice: Practice::NetworkPolicy,
    rationale: "169.254.169.254 (fd00:ec2::254 on AWS IPv6) serves the node's cloud credentials \
        and bootstrap data to anything that asks. Egress to 0.0.0.0/0 without excepting it lets a \
        compromised pod take the node's cloud identity.",
    references: &[NETPOL_DOC, Reference {
        title: "Kubernetes: Securing a Cluster (restricting cloud metadata API access)",
        url: "https://kubernetes.io/docs/tasks/administer-cluster/securing-a-cluster/#restricting-cloud-metadata-api-access",
    }],
    cis: &[],
    sources: &[],
    kinds: &["NetworkPolicy"],
    remediation: "Add the metadata address to the block's except list (or allow only the ranges \
        needed).",
    snippet: "to:\n  - ipBlock:\n      cidr: 0.0.0.0/0\n      except:\n        - 169.254.169.254/32",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: out
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to:
                - ipBlock:  # expect: network/metadata-egress
                    cidr: 0.0.0.0/0
        "#},
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: web-out
              namespace: shop
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - ports:  # expect: network/metadata-egress
                - port: 80
              - to:
                - ipBlock:  # expect: network/metadata-egress
                    cidr: 169.254.0.0/16
                    except: [169.254.1.0/24]
        "#},
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: dual-stack
              namespace: shop
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to:
                - ipBlock:  # expect: network/metadata-egress
                    cidr: "::/0"
              - {}  # expect: network/metadata-egress
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: web-out
              namespace: shop
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to:
                - ipBlock:
                    cidr: 0.0.0.0/0
                    except: [169.254.0.0/16]
              - to:
                - ipBlock:
                    cidr: "::/0"
                    except: ["fd00:ec2::254/128"]
              - ports:
                - port: 443
        "#},
    ],
    check: |object, hits| {
        if !is_policy(object) {
            return;
        }
        // Rules and peers open to everything are network/allow-all's, which
        // names the metadata service in its message.
        let allow_all = hits.options().enabled(&ALLOW_ALL);
        for rule in object.node.at(&["spec", "egress"]).and_then(Node::as_seq).unwrap_or(&[]) {
            // No destinations means every destination; the metadata service
            // answers on port 80.
            let ports = rule.items("ports");
            let port_80 = ports.is_empty() || ports.iter().any(|p| p.get("port").and_then(Node::as_i64).is_none_or(|n| n == 80));
            if rule.items("to").is_empty() && port_80 && !(allow_all && ports.is_empty()) {
                hits.node(rule, "this egress rule allows every destination, the cloud metadata service (169.254.169.254) included")
                    .fix(METADATA_EGRESS.snippet.to_owned());
            }
            for peer in rule.items("to").iter().filter(|p| !(allow_all && open_peer(p).is_some())) {
                let Some(cidr) = peer.at(&["ipBlock", "cidr"]).and_then(Node::as_str) else { continue };
                let except: Vec<&str> = peer.at(&["ipBlock", "except"]).map_or(&[][..], |n| n.as_seq().unwrap_or(&[])).iter().filter_map(Node::as_str).collect();
                if let Some(metadata) = metadata_reached(cidr, &except) {
                    let host = if metadata.contains(':') { "/128" } else { "/32" };
                    hits.node(peer, text!("egress to {cidr} includes the cloud metadata service ({metadata}): add it to except"))
                        .fix(METADATA_EGRESS.snippet.replace("0.0.0.0/0", cidr).replace("169.254.169.254/32", &text!("{metadata}{host}")));
                }
            }
        }
    },
};

/// Whether pod labels (looked up by key) satisfy a matchLabels selector.
fn selects<'l>(selector: &Node, label: impl Fn(&str) -> Option<&'l str>) -> bool {
    let want = selector.get("matchLabels").and_then(Node::as_map).unwrap_or(&[]);
    want.iter().all(|w| label(&w.key) == w.value.as_str())
}

fn template_labels<'a>(workload: &Object<'a>) -> Option<&'a Node> {
    workload.pod()?.template.at(&["metadata", "labels"])
}

/// `app=web,tier=front`: a selector's matchLabels as kubectl's `-l` takes them.
fn label_pairs(selector: &Node) -> String {
    let mut pairs: Vec<String> = selector
        .get("matchLabels")
        .and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .map(|e| joined!(e.key, "=", e.value.as_str().unwrap_or("")))
        .collect();
    crate::sort::sort(&mut pairs);
    pairs.join(",")
}

/// What a policy's podSelector meets in its namespace.
#[derive(Clone, Default)]
struct Selected {
    /// Some workload or known operator-made pod is there to match.
    any_pods: bool,
    matched: bool,
    /// Custom resources whose operator is unknown (`Kind/name`): they may
    /// make pods the selector matches.
    maybe: Vec<String>,
}

pub static DANGLING: Rule = Rule {
    id: "network/dangling-policy",
    family: Family::Network,
    title: "NetworkPolicy selects no workload in the input",
    severity: Severity::Info,
    practice: Practice::NetworkPolicy,
    rationale: "A policy whose podSelector matches no pod does nothing; often a label was renamed \
        and the workload it was meant to protect is now unprotected. Pods that operators make from \
        custom resources count: the labels of well-known operators' pods (Prometheus, Alertmanager, \
        ThanosRuler) are known, and other custom resources in the namespace turn the finding into a \
        question.",
    references: &[
        NETPOL_DOC,
        Reference {
            title: "kube-linter: dangling-networkpolicy (kube-score networkpolicy-targets-pod, Kubescape C-0299)",
            url: "https://docs.kubelinter.io/#/generated/checks",
        },
    ],
    cis: &[],
    sources: &[kubescape("C-0299"), kube_linter("dangling-networkpolicy")],
    kinds: kinds::workloads_and!("NetworkPolicy"),
    remediation: "Fix the selector to match the labels of the pods it should protect. Delete the \
        policy only once nothing, operators included, makes pods it selects.",
    snippet: "# set podSelector.matchLabels to the pod template labels of the workload to protect",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: web:1
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: old
            spec:
              podSelector:  # expect: network/dangling-policy
                matchLabels: {app: website}
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: cache
            spec:
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: web:1
            ---
            apiVersion: databases.spotahome.com/v1
            kind: RedisFailover
            metadata:
              name: redis
              namespace: cache
            spec:
              redis:
                replicas: 3
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: redis
              namespace: cache
            spec:
              podSelector:  # expect: network/dangling-policy
                matchLabels: {app.kubernetes.io/name: redis}
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: monitoring.coreos.com/v1
            kind: Prometheus
            metadata:
              name: k8s
              namespace: monitoring
            spec:
              podMetadata:
                labels: {app.kubernetes.io/part-of: kube-prometheus}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: grafana
              namespace: monitoring
            spec:
              template:
                metadata:
                  labels: {app: grafana}
                spec:
                  containers:
                  - name: grafana
                    image: grafana/grafana:12.1.0
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: prometheus
              namespace: monitoring
            spec:
              podSelector:
                matchLabels:
                  app.kubernetes.io/name: prometheus
                  app.kubernetes.io/part-of: kube-prometheus
        "#},
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: payments
              namespace: payments
            spec:
              podSelector:
                matchLabels: {app: payments}
              policyTypes: [Ingress]
        "#},
    ],
    check: |object, hits| {
        if !is_policy(object) || selects_all(object) {
            return;
        }
        let Some(selector) = object.node.at(&["spec", "podSelector"]) else { return };
        if selector.get("matchExpressions").is_some() {
            return;
        }
        let ns = namespace_of(object);
        let scope = hits.scope();
        let pairs = label_pairs(selector);
        // Policies often repeat a selector; each is matched against the
        // namespace's pods once.
        let selected = scope.remember(joined!("network/selects ", ns, " ", pairs), || {
            let mut selected = Selected::default();
            for workload in scope.workloads_in(ns) {
                selected.any_pods = true;
                let labels = template_labels(workload);
                selected.matched |= selects(selector, |k| labels?.get(k)?.as_str());
            }
            for custom in scope.custom_resources_in(ns) {
                match made_by(custom) {
                    Made::Pods(labels) => {
                        selected.any_pods = true;
                        selected.matched |=
                            selects(selector, |k| labels.iter().find(|(l, _)| *l == k).map(|(_, v)| *v));
                    }
                    Made::Unknown => selected.maybe.push(joined!(custom.kind, "/", custom.name.unwrap_or(""))),
                    Made::NoPods => {}
                }
            }
            selected
        });
        if selected.matched || !selected.any_pods {
            return;
        }
        let at = object.node.at(&["spec"]).and_then(|s| s.entry("podSelector")).map_or(object.node.span, Entry::span);
        let check = joined!("# kubectl get pods -n ", ns, " -l ", pairs, "\n");
        if selected.maybe.is_empty() {
            hits.at(at, joined!("no workload in namespace ", ns, " has labels matching this podSelector")).fix(
                joined!(
                    check,
                    "# if no pod is listed, set podSelector.matchLabels of NetworkPolicy ",
                    ?object.name.unwrap_or(""),
                    " to the\n# pod template labels of the workload it should protect, or delete the policy.\n"
                ),
            );
        } else {
            hits.at(
                at,
                joined!(
                    "no workload in namespace ",
                    ns,
                    " has labels matching this podSelector; do pods that an operator makes from ",
                    selected.maybe.join(", "),
                    " carry them? Check before deleting the policy"
                ),
            )
            .fix(joined!(check, "# pods listed here are protected by this policy: keep it.\n"));
        }
    },
};

pub static HOST_NETWORK_PODS: Rule = Rule {
    id: "network/host-network-pods",
    family: Family::Network,
    title: "NetworkPolicy selects pods that use the node's network",
    severity: Severity::Medium,
    practice: Practice::NetworkPolicy,
    rationale: "A pod with hostNetwork: true shares the node's network namespace and addresses. The \
        NetworkPolicy API leaves policies for such pods undefined, and network plugins commonly \
        ignore them: a policy selecting them looks like protection while their traffic goes \
        through unfiltered.",
    references: &[NETPOL_DOC, Reference {
        title: "Kubernetes: Network Policies (NetworkPolicies and hostNetwork pods)",
        url: "https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicies-and-hostnetwork-pods",
    }],
    cis: &[],
    sources: &[],
    kinds: kinds::workloads_and!("NetworkPolicy"),
    remediation: "Filter host-network pods' traffic at the node (the network plugin's host \
        policies, the node firewall), or run them without hostNetwork so that the policy applies.",
    snippet: "# filter this workload's traffic at the node, or remove hostNetwork: true from its pod spec",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: node-agent
            spec:
              template:
                metadata:
                  labels: {app: node-agent}
                spec:
                  hostNetwork: true
                  containers:
                  - name: agent
                    image: agent:1.0
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: node-agent
            spec:
              podSelector:  # expect: network/host-network-pods
                matchLabels: {app: node-agent}
              ingress:
              - ports:
                - port: 9100
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: debug
              namespace: ops
            spec:
              hostNetwork: true
              containers:
              - name: debug
                image: busybox:1.36
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: default-deny
              namespace: ops
            spec:
              podSelector: {}  # expect: network/host-network-pods
              policyTypes: [Ingress, Egress]
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: node-agent
              namespace: ops
            spec:
              template:
                metadata:
                  labels: {app: node-agent}
                spec:
                  hostNetwork: true
                  containers:
                  - name: agent
                    image: agent:1.0
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: dashboard
              namespace: ops
            spec:
              template:
                metadata:
                  labels: {app: dashboard}
                spec:
                  hostNetwork: false
                  containers:
                  - name: dashboard
                    image: dashboard:2.0
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: dashboard
              namespace: ops
            spec:
              podSelector:
                matchLabels: {app: dashboard}
              ingress:
              - ports:
                - port: 8443
        "#},
    ],
    check: |object, hits| {
        if !is_policy(object) {
            return;
        }
        let Some(selector) = object.node.at(&["spec", "podSelector"]) else { return };
        let all = selects_all(object);
        if !all && selector.get("matchExpressions").is_some() {
            return;
        }
        let host_network: Vec<String> = hits
            .scope()
            .workloads_in(namespace_of(object))
            .filter(|w| w.pod().is_some_and(|p| p.spec.get("hostNetwork").and_then(Node::as_bool) == Some(true)))
            .filter(|w| all || selects(selector, |k| template_labels(w)?.get(k)?.as_str()))
            .map(|w| text!("{} {:?}", w.kind, w.name.unwrap_or("")))
            .collect();
        if host_network.is_empty() {
            return;
        }
        let at = object.node.at(&["spec"]).and_then(|s| s.entry("podSelector")).map_or(object.node.span, Entry::span);
        let names = host_network.join(", ");
        hits.at(at, text!("this policy selects the pods of {names}, which use hostNetwork: true; network plugins generally do not apply policies to them"))
            .fix(text!("# NetworkPolicy {:?} does not reliably filter {names}: filter their traffic\n# at the node (host firewall, the network plugin's host policies), or remove\n# hostNetwork: true from their pod spec so that the policy applies.\n", object.name.unwrap_or("")));
    },
};

pub static RULES: &[&Rule] = &[&MISSING_DEFAULT_DENY, &ALLOW_ALL, &METADATA_EGRESS, &DANGLING, &HOST_NETWORK_PODS];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_containment() {
        let [v4, v6] = METADATA.map(|m| m.parse().unwrap());
        assert!(cidr_contains("0.0.0.0/0", v4));
        assert!(cidr_contains("169.254.0.0/16", v4));
        assert!(cidr_contains("169.254.169.254/32", v4));
        assert!(cidr_contains("169.254.169.254", v4));
        assert!(!cidr_contains("10.0.0.0/8", v4));
        assert!(!cidr_contains("garbage", v4));
        assert!(!cidr_contains("1.2.3.4/40", v4));
        assert!(!cidr_contains("0.0.0.0/0", v6), "an IPv4 block holds no IPv6 address");
        assert!(cidr_contains("::/0", v6));
        assert!(cidr_contains("fd00::/8", v6));
        assert!(cidr_contains("fd00:ec2::254/128", v6));
        assert!(!cidr_contains("2001:db8::/32", v6));
        assert!(!cidr_contains("::/129", v6));
        assert_eq!(metadata_reached("::/0", &["fd00:ec2::254/128"]), None);
        assert_eq!(metadata_reached("0.0.0.0/0", &["169.254.0.0/16"]), None);
        assert_eq!(metadata_reached("fd00::/8", &[]), Some("fd00:ec2::254"));
    }
}

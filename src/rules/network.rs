//! `network/*`: NetworkPolicies, read against the workloads in the input.
//!
//! Semantics as in the NetworkPolicy API: a policy selects pods by
//! `podSelector` (`{}` selects all in its namespace); once a pod is selected
//! for a direction, only what some rule allows gets through. `policyTypes`
//! defaults to Ingress, plus Egress when the policy has egress rules.

use crate::k8s::Object;
use crate::rules::scope::{namespace_of, Scope};
use crate::rules::{kinds, kube_linter, kubescape, Family, Practice, Reference, Rule, Severity};
use crate::yaml::{Entry, Node};
use indoc::indoc;

const NETPOL_DOC: Reference = Reference {
    title: "Kubernetes: Network Policies",
    url: "https://kubernetes.io/docs/concepts/services-networking/network-policies/",
};

/// The cloud metadata service, which hands out node credentials.
const METADATA_V4: [u8; 4] = [169, 254, 169, 254];

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
    scope.remember(format!("network/default-deny {namespace}"), || compute_default_deny(scope, namespace))
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
    bad: &[indoc! {r#"
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
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        let scope = hits.scope();
        let namespace = if object.kind == "Namespace" && object.group().is_empty() {
            object.name.unwrap_or("")
        } else if object.pod().is_some() {
            let ns = namespace_of(object);
            // Reported on the Namespace when it is in the input, else on
            // the namespace's first workload.
            let declared = scope.find("Namespace", "default", ns).is_some();
            let first = scope.workloads_in(ns).next();
            if declared || !first.is_some_and(|f| std::ptr::eq(f.node, object.node)) {
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
        hits.at(at, format!(
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
    (matches!(cidr, "0.0.0.0/0" | "::/0") && peer.at(&["ipBlock", "except"]).is_none())
        .then_some("ipBlock covers every address")
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
        external ranges by CIDR.",
    snippet: "ingress:\n  - from:\n      - namespaceSelector:\n          matchLabels:\n            kubernetes.io/metadata.name: ingress-nginx\n    ports:\n      - port: 8080",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: open
        spec:
          podSelector: {}
          ingress:
          - {}  # expect: network/allow-all
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        if !is_policy(object) {
            return;
        }
        for (direction, peers) in [("ingress", "from"), ("egress", "to")] {
            for rule in object.node.at(&["spec", direction]).and_then(Node::as_seq).unwrap_or(&[]) {
                // Absent or empty peer and port lists both mean "all".
                let open_ports = rule.items("ports").is_empty();
                if rule.as_map().is_some_and(<[Entry]>::is_empty) || (rule.items(peers).is_empty() && open_ports) {
                    hits.node(rule, format!("this {direction} rule has no {peers} and no ports: it allows all traffic"));
                    continue;
                }
                for peer in rule.items(peers) {
                    if let Some(why) = open_peer(peer) {
                        hits.node(peer, format!("{direction} peer allows everything: {why}"));
                    }
                }
            }
        }
    },
};

/// `a.b.c.d/n` contains `ip`.
fn v4_contains(cidr: &str, ip: [u8; 4]) -> bool {
    let Some((addr, bits)) = cidr.split_once('/') else { return false };
    let (Ok(bits), Some(addr)) = (bits.parse::<u32>(), parse_v4(addr)) else { return false };
    if bits > 32 {
        return false;
    }
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    u32::from_be_bytes(addr) & mask == u32::from_be_bytes(ip) & mask
}

fn parse_v4(addr: &str) -> Option<[u8; 4]> {
    let parts: Vec<u8> = addr.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    parts.try_into().ok()
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
    bad: &[indoc! {r#"
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
    "#}],
    good: &[HARDENED],
    check: |object, hits| {
        if !is_policy(object) {
            return;
        }
        for rule in object.node.at(&["spec", "egress"]).and_then(Node::as_seq).unwrap_or(&[]) {
            // No destinations means every destination; the metadata service
            // answers on port 80.
            let ports = rule.items("ports");
            let port_80 = ports.is_empty() || ports.iter().any(|p| p.get("port").and_then(Node::as_i64).is_none_or(|n| n == 80));
            if rule.items("to").is_empty() && port_80 {
                hits.node(rule, "this egress rule allows every destination, the cloud metadata service (169.254.169.254) included")
                    .fix(METADATA_EGRESS.snippet.to_owned());
            }
            for peer in rule.items("to") {
                let Some(cidr) = peer.at(&["ipBlock", "cidr"]).and_then(Node::as_str) else { continue };
                let except: Vec<&str> = peer.at(&["ipBlock", "except"]).map_or(&[][..], |n| n.as_seq().unwrap_or(&[])).iter().filter_map(Node::as_str).collect();
                let reaches = if cidr.contains(':') {
                    cidr == "::/0" && !except.iter().any(|e| e.starts_with("fd00:ec2::254"))
                } else {
                    v4_contains(cidr, METADATA_V4) && !except.iter().any(|e| v4_contains(e, METADATA_V4))
                };
                if reaches {
                    hits.node(peer, format!("egress to {cidr} includes the cloud metadata service (169.254.169.254): add it to except"))
                        .fix(METADATA_EGRESS.snippet.replace("0.0.0.0/0", cidr));
                }
            }
        }
    },
};

/// Whether a workload's pod labels satisfy a matchLabels selector.
fn selects(selector: &Node, labels: Option<&Node>) -> bool {
    let want = selector.get("matchLabels").and_then(Node::as_map).unwrap_or(&[]);
    want.iter().all(|w| labels.and_then(|l| l.get(&w.key)).and_then(Node::as_str) == w.value.as_str())
}

pub static DANGLING: Rule = Rule {
    id: "network/dangling-policy",
    family: Family::Network,
    title: "NetworkPolicy selects no workload in the input",
    severity: Severity::Info,
    practice: Practice::NetworkPolicy,
    rationale: "A policy whose podSelector matches no pod does nothing; often a label was renamed \
        and the workload it was meant to protect is now unprotected.",
    references: &[NETPOL_DOC],
    cis: &[],
    sources: &[kubescape("C-0299"), kube_linter("dangling-networkpolicy")],
    kinds: kinds::workloads_and!("NetworkPolicy"),
    remediation: "Fix the selector to match the workload's pod template labels, or delete the policy.",
    snippet: "podSelector:\n  matchLabels:\n    app: web",
    pss: None,
    bad: &[indoc! {r#"
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
    "#}],
    good: &[HARDENED],
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
        // Policies often repeat a selector; each is matched against the
        // namespace's workloads once.
        let mut pairs: Vec<String> = selector
            .get("matchLabels")
            .and_then(Node::as_map)
            .unwrap_or(&[])
            .iter()
            .map(|e| format!("{}={}", e.key, e.value.as_str().unwrap_or("")))
            .collect();
        pairs.sort();
        let key = format!("network/selects {ns} {}", pairs.join(","));
        let (any_workload, matched) = scope.remember(key, || {
            let labels: Vec<Option<&Node>> = scope
                .workloads_in(ns)
                .filter_map(|o| o.pod())
                .map(|pod| pod.template.at(&["metadata", "labels"]))
                .collect();
            (!labels.is_empty(), labels.iter().any(|l| selects(selector, *l)))
        });
        if any_workload && !matched {
            let at =
                object.node.at(&["spec"]).and_then(|s| s.entry("podSelector")).map_or(object.node.span, Entry::span);
            hits.at(at, format!("no workload in namespace {ns} has labels matching this podSelector"));
        }
    },
};

pub static RULES: &[&Rule] = &[&MISSING_DEFAULT_DENY, &ALLOW_ALL, &METADATA_EGRESS, &DANGLING];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_containment() {
        assert!(v4_contains("0.0.0.0/0", METADATA_V4));
        assert!(v4_contains("169.254.0.0/16", METADATA_V4));
        assert!(v4_contains("169.254.169.254/32", METADATA_V4));
        assert!(!v4_contains("10.0.0.0/8", METADATA_V4));
        assert!(!v4_contains("garbage", METADATA_V4));
        assert!(!v4_contains("1.2.3.4/40", METADATA_V4));
    }
}

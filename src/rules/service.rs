//! `service/*`: how workloads are exposed outside the cluster.

use crate::k8s::Object;
use crate::rules::{kube_linter, kubescape, polaris, trivy, Family, Practice, Reference, Rule, Severity};
use crate::yaml::{Entry, Node};
use indoc::indoc;

const SERVICE_DOC: Reference =
    Reference { title: "Kubernetes: Service", url: "https://kubernetes.io/docs/concepts/services-networking/service/" };

fn is_service(object: &Object) -> bool {
    object.kind == "Service" && object.group().is_empty()
}

pub static EXPOSED: Rule = Rule {
    id: "service/exposed",
    family: Family::Service,
    title: "Service exposed outside the cluster without source restrictions",
    severity: Severity::Medium,
    practice: Practice::NetworkPolicy,
    rationale: "A LoadBalancer without loadBalancerSourceRanges is reachable from the whole \
        internet; a NodePort opens the port on every node's address. Either may be intended, but \
        both put the workload in front of traffic no NetworkPolicy inside the cluster has seen.",
    references: &[
        SERVICE_DOC,
        Reference {
            title: "Kubernetes: Configure firewall rules (loadBalancerSourceRanges)",
            url: "https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/",
        },
    ],
    cis: &[],
    sources: &[kube_linter("exposed-services")],
    kinds: &["Service"],
    remediation: "Restrict a LoadBalancer with loadBalancerSourceRanges, or expose through an \
        Ingress/Gateway; replace a NodePort with ClusterIP behind an Ingress or Gateway (a \
        LoadBalancer would still open the node port).",
    snippet: "spec:\n  type: LoadBalancer\n  loadBalancerSourceRanges:\n    - 203.0.113.0/24",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: LoadBalancer  # expect: service/exposed
              ports:
              - port: 443
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Service
            metadata:
              name: admin
            spec:
              type: NodePort  # expect: service/exposed
              ports:
              - port: 8080
                nodePort: 30080
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Service
            metadata:
              name: api
            spec:
              type: LoadBalancer  # expect: service/exposed
              loadBalancerSourceRanges: [203.0.113.0/24, 0.0.0.0/0]
              ports:
              - port: 443
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: LoadBalancer
              loadBalancerSourceRanges: [203.0.113.0/24]
              ports:
              - port: 443
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: ClusterIP
              ports:
              - port: 443
        "#},
    ],
    check: |object, hits| {
        if !is_service(object) {
            return;
        }
        let Some(kind) = object.node.at(&["spec"]).and_then(|s| s.entry("type")) else { return };
        let name = object.name.unwrap_or("");
        match kind.value.as_str() {
            Some("LoadBalancer") => {
                let ranges =
                    object.node.at(&["spec", "loadBalancerSourceRanges"]).and_then(Node::as_seq).unwrap_or(&[]);
                if ranges.is_empty() || ranges.iter().any(|r| matches!(r.as_str(), Some("0.0.0.0/0" | "::/0"))) {
                    hits.at(kind.span(), joined!("Service ", ?name, " is a LoadBalancer open to every source address")).fix(joined!(
                        "# in Service ",
                        ?name,
                        ": set spec.loadBalancerSourceRanges to the address ranges\n# of the clients that may connect (none, or 0.0.0.0/0, lets everyone in).\n"
                    ));
                }
            }
            // A LoadBalancer opens node ports too: the fix is to stay inside
            // the cluster and be reached through an Ingress or Gateway.
            Some("NodePort") => {
                hits.at(kind.span(), joined!("Service ", ?name, " opens a port on every node")).fix(joined!(
                    "# in Service ",
                    ?name,
                    ": keep it inside the cluster and expose it through an Ingress or Gateway\nspec:\n  type: ClusterIP\n"
                ));
            }
            _ => {}
        }
    },
};

pub static EXTERNAL_IPS: Rule = Rule {
    id: "service/external-ips",
    family: Family::Service,
    title: "Service sets externalIPs (CVE-2020-8554)",
    severity: Severity::High,
    practice: Practice::NetworkPolicy,
    rationale: "externalIPs makes every node route traffic for those addresses to the Service. \
        Anyone who can create Services can use it to intercept traffic meant for any IP \
        (CVE-2020-8554); clusters should block it with the DenyServiceExternalIPs admission plugin.",
    references: &[
        SERVICE_DOC,
        Reference {
            title: "CVE-2020-8554: Man in the middle using LoadBalancer or ExternalIPs",
            url: "https://github.com/kubernetes/kubernetes/issues/97076",
        },
    ],
    cis: &[],
    sources: &[trivy("KSV-0108")],
    kinds: &["Service"],
    remediation: "Remove externalIPs; use a LoadBalancer or an Ingress, and enable \
        DenyServiceExternalIPs.",
    snippet: "spec:\n  type: LoadBalancer",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              externalIPs: [198.51.100.7]  # expect: service/external-ips
              ports:
              - port: 80
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Service
            metadata:
              name: dns
            spec:
              type: ClusterIP
              externalIPs:  # expect: service/external-ips
              - 198.51.100.53
              - 198.51.100.54
              ports:
              - port: 53
                protocol: UDP
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              ports:
              - port: 80
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: LoadBalancer
              loadBalancerSourceRanges: [203.0.113.0/24]
              externalIPs: []
              ports:
              - port: 80
        "#},
    ],
    check: |object, hits| {
        if !is_service(object) {
            return;
        }
        if let Some(e) = object
            .node
            .at(&["spec"])
            .and_then(|s| s.entry("externalIPs"))
            .filter(|e| e.value.as_seq().is_some_and(|l| !l.is_empty()))
        {
            hits.at(
                e.span(),
                text!(
                    "Service {:?} claims externalIPs: traffic to those addresses is routed to it on every node",
                    object.name.unwrap_or("")
                ),
            );
        }
    },
};

pub static INGRESS_TLS: Rule = Rule {
    id: "service/ingress-tls",
    family: Family::Service,
    title: "Ingress serves without TLS",
    severity: Severity::Medium,
    practice: Practice::NetworkPolicy,
    rationale: "An Ingress without a tls section serves plain HTTP: credentials, cookies and data \
        cross the network readable and modifiable.",
    references: &[Reference {
        title: "Kubernetes: Ingress (TLS)",
        url: "https://kubernetes.io/docs/concepts/services-networking/ingress/#tls",
    }],
    cis: &[],
    sources: &[kubescape("C-0263"), polaris("tlsSettingsMissing")],
    kinds: &["Ingress"],
    remediation: "Add a tls section with a certificate Secret (cert-manager can issue it).",
    snippet: "spec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
            spec:  # expect: service/ingress-tls
              rules:
              - host: shop.example.com
        "#},
        indoc! {r#"
            apiVersion: extensions/v1beta1
            kind: Ingress
            metadata:
              name: legacy
            spec:  # expect: service/ingress-tls
              tls: []
              rules:
              - host: legacy.example.com
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
            spec:
              tls:
              - hosts: [shop.example.com]
                secretName: shop-tls
              rules:
              - host: shop.example.com
        "#},
        indoc! {r#"
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
            spec:
              tls:
              - hosts: [shop.example.com]
              rules:
              - host: shop.example.com
        "#},
    ],
    check: |object, hits| {
        if object.kind != "Ingress" || !matches!(object.group(), "networking.k8s.io" | "extensions") {
            return;
        }
        let tls = object.node.at(&["spec", "tls"]).and_then(Node::as_seq);
        if tls.is_none_or(<[Node]>::is_empty) {
            let at = object.node.entry("spec").map_or(object.node.span, |e: &Entry| e.key_span);
            let name = object.name.unwrap_or("ingress");
            let what = if tls.is_some() { "an empty tls list" } else { "no tls section" };
            // The fix names this Ingress's own hosts and a Secret after it.
            let rules = object.node.get("spec").map_or(&[][..], |spec| spec.items("rules"));
            let hosts: Vec<&str> = rules.iter().filter_map(|r| r.get("host").and_then(Node::as_str)).collect();
            let hosts = if hosts.is_empty() {
                "[<the host names it serves>]".to_owned()
            } else {
                text!("[{}]", hosts.join(", "))
            };
            hits.at(at, text!("Ingress {name:?} has {what}: it serves plain HTTP")).fix(text!(
                "# in Ingress {name:?}\nspec:\n  tls:\n    - hosts: {hosts}\n      secretName: {name}-tls\n"
            ));
        }
    },
};

pub static RULES: &[&Rule] = &[&EXPOSED, &EXTERNAL_IPS, &INGRESS_TLS];

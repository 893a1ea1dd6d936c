//! `apiservice/*`: APIServices, which make the API server forward a group's
//! requests to an aggregated API server behind a Service.

use crate::rules::{Family, Practice, Reference, Rule, Severity};
use indoc::indoc;

pub static SKIP_TLS_VERIFY: Rule = Rule {
    id: "apiservice/skip-tls-verify",
    family: Family::ApiService,
    title: "API server talks to an aggregated API without verifying it",
    severity: Severity::Medium,
    practice: Practice::ControlPlane,
    rationale: "With insecureSkipTLSVerify the API server accepts any certificate from the \
        aggregated API's Service. Whoever can answer for that Service (by changing its Endpoints, \
        CVE-2021-25740, or from the pod network) receives requests carrying the callers' \
        identities, and the answers it forges are served by the API server as the group's \
        own, to every client and controller that reads them.",
    references: &[
        Reference {
            title: "Kubernetes API: APIService v1 (insecureSkipTLSVerify, caBundle)",
            url: "https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/api-service-v1/",
        },
        Reference {
            title: "Kubernetes: Configure the Aggregation Layer",
            url: "https://kubernetes.io/docs/tasks/extend-kubernetes/configure-aggregation-layer/",
        },
    ],
    cis: &[],
    sources: &[],
    kinds: &["APIService"],
    remediation: "Remove insecureSkipTLSVerify and set caBundle to the CA that signed the \
        aggregated API server's serving certificate (cert-manager's CA injector can fill it in).",
    snippet: "# remove insecureSkipTLSVerify; set spec.caBundle to the CA of the Service's serving certificate",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata:
          name: v1beta1.metrics.k8s.io
        spec:
          group: metrics.k8s.io
          version: v1beta1
          service:
            name: metrics-server
            namespace: kube-system
          insecureSkipTLSVerify: true  # expect: apiservice/skip-tls-verify
          groupPriorityMinimum: 100
          versionPriority: 100
    "#}],
    good: &[
        indoc! {r#"
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata:
              name: v1beta1.metrics.k8s.io
              annotations:
                cert-manager.io/inject-ca-from: kube-system/metrics-server
            spec:
              group: metrics.k8s.io
              version: v1beta1
              service:
                name: metrics-server
                namespace: kube-system
              groupPriorityMinimum: 100
              versionPriority: 100
        "#},
        indoc! {r#"
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata:
              name: v1beta1.custom.metrics.k8s.io
            spec:
              group: custom.metrics.k8s.io
              version: v1beta1
              service:
                name: prometheus-adapter
                namespace: monitoring
                port: 443
              insecureSkipTLSVerify: false
              caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrVENCK3dJSkFLSEhJRy4uLgotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==
              groupPriorityMinimum: 100
              versionPriority: 100
        "#},
        indoc! {r#"
            apiVersion: apiregistration.k8s.io/v1
            kind: APIService
            metadata:
              name: v1.apps
            spec:
              group: apps
              version: v1
              groupPriorityMinimum: 17800
              versionPriority: 15
        "#},
    ],
    check: |object, hits| {
        if object.kind != "APIService" || object.group() != "apiregistration.k8s.io" {
            return;
        }
        let Some(spec) = object.node.get("spec") else { return };
        // Local APIServices (no service) are served by the API server itself.
        let Some(service) = spec.get("service").filter(|s| !s.is_null()) else { return };
        let Some(entry) = spec.entry("insecureSkipTLSVerify").filter(|e| e.value.as_bool() == Some(true)) else {
            return;
        };
        let at = |key| service.get(key).and_then(crate::yaml::Node::as_str).unwrap_or("");
        let (name, namespace) = (at("name"), at("namespace"));
        hits.at(entry.span(), text!(
            "APIService {:?} sends requests to Service {namespace}/{name} without verifying its certificate",
            object.name.unwrap_or("")
        ))
        .fix(text!(
            "# in APIService {:?}: remove insecureSkipTLSVerify and set spec.caBundle to the\n# base64 CA that signed Service {namespace}/{name}'s serving certificate\n# (cert-manager's CA injector can set it).\n",
            object.name.unwrap_or("")
        ));
    },
};

pub static RULES: &[&Rule] = &[&SKIP_TLS_VERIFY];

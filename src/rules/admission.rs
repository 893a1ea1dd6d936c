//! `admission/*`: admission policies found in the input (Kyverno policies,
//! Gatekeeper constraints, ValidatingAdmissionPolicy bindings): what they
//! enforce, and which ones only report.

use crate::k8s::Object;
use crate::rules::{Family, Practice, Reference, Rule, Severity};
use crate::yaml::{Node, Span};
use indoc::indoc;

const KYVERNO_DOC: Reference = Reference {
    title: "Kyverno: Policy settings (validationFailureAction / failureAction)",
    url: "https://kyverno.io/docs/writing-policies/policy-settings/",
};
const GATEKEEPER_DOC: Reference = Reference {
    title: "Gatekeeper: Handling constraint violations (enforcementAction)",
    url: "https://open-policy-agent.github.io/gatekeeper/website/docs/violations/",
};
const VAP_DOC: Reference = Reference {
    title: "Kubernetes: Validating Admission Policy (validationActions)",
    url: "https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/",
};

const KYVERNO_ENFORCED: &str = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: restrict-registries\nspec:\n  validationFailureAction: Enforce\n  rules:\n  - name: registries\n    match:\n      any:\n      - resources:\n          kinds: [Pod]\n    validate:\n      message: Images must come from registry.example.com.\n      pattern:\n        spec:\n          containers:\n          - image: registry.example.com/*\n";

/// A policy's enforcement setting: where it is, what it says.
struct Mode {
    span: Span,
    action: String,
    audit_only: bool,
    engine: &'static str,
}

fn kyverno(object: &Object) -> bool {
    object.group() == "kyverno.io" && matches!(object.kind, "ClusterPolicy" | "Policy")
}

/// Enforcement modes the object declares (several for a Kyverno policy
/// with per-rule actions).
fn modes(object: &Object) -> Vec<Mode> {
    let spec = object.node.get("spec");
    fn entry_or<'a>(node: Option<&'a Node>, key: &str) -> Option<&'a crate::yaml::Entry> {
        node.and_then(|n| n.entry(key)).filter(|e| !e.value.is_null())
    }
    if kyverno(object) {
        // Each validating rule's action: its own, else the policy's, else
        // Kyverno's default, Audit.
        let Some(spec) = spec else { return Vec::new() };
        let policy_level = entry_or(Some(spec), "validationFailureAction");
        let mut out = Vec::new();
        for rule in spec.items("rules") {
            let checks: Vec<&Node> = ["validate", "verifyImages"]
                .iter()
                .filter_map(|k| rule.get(k))
                .flat_map(|n| match n.as_seq() {
                    Some(items) => items.iter().collect::<Vec<_>>(),
                    None => vec![n],
                })
                .collect();
            if checks.is_empty() {
                continue;
            }
            let own =
                checks.iter().find_map(|n| n.entry("failureAction").or_else(|| n.entry("validationFailureAction")));
            let (span, action) = match own.or(policy_level) {
                Some(e) => (e.span(), e.value.as_str().unwrap_or("").to_owned()),
                None => (rule.entry("name").map_or(rule.span, |e| e.span()), "Audit (the default)".to_owned()),
            };
            out.push(Mode {
                span,
                audit_only: action.to_ascii_lowercase().starts_with("audit"),
                action,
                engine: "Kyverno policy",
            });
        }
        return out;
    }
    if object.group() == "constraints.gatekeeper.sh" {
        let entry = entry_or(spec, "enforcementAction");
        let action = entry.and_then(|e| e.value.as_str()).unwrap_or("deny");
        let span = entry.map_or(object.node.span, |e| e.span());
        return vec![Mode {
            span,
            audit_only: matches!(action, "dryrun" | "warn"),
            action: action.to_owned(),
            engine: "Gatekeeper constraint",
        }];
    }
    if object.group() == "admissionregistration.k8s.io" && object.kind == "ValidatingAdmissionPolicyBinding" {
        let entry = entry_or(spec, "validationActions");
        let actions: Vec<&str> =
            entry.and_then(|e| e.value.as_seq()).unwrap_or(&[]).iter().filter_map(Node::as_str).collect();
        let span = entry.map_or(object.node.span, |e| e.span());
        return vec![Mode {
            span,
            audit_only: !actions.contains(&"Deny"),
            action: if actions.is_empty() { "none".into() } else { actions.join(", ") },
            engine: "ValidatingAdmissionPolicy binding",
        }];
    }
    Vec::new()
}

pub static AUDIT_ONLY: Rule = Rule {
    id: "admission/audit-only",
    family: Family::Admission,
    title: "Admission policy only reports violations",
    severity: Severity::Medium,
    practice: Practice::Admission,
    rationale: "A policy in audit mode (Kyverno Audit, which is also Kyverno's default; Gatekeeper \
        dryrun or warn; a ValidatingAdmissionPolicyBinding without Deny) lets every violating \
        object in and only records or warns. That is the right way to roll a policy out, and the \
        wrong way to leave it: the control it describes is not in force.",
    references: &[KYVERNO_DOC, GATEKEEPER_DOC, VAP_DOC],
    cis: &[],
    sources: &[],
    kinds: &["ClusterPolicy", "Policy", "constraints.gatekeeper.sh/*", "ValidatingAdmissionPolicyBinding"],
    remediation: "Once the audit results are clean, switch to enforcement: Kyverno \
        `validationFailureAction: Enforce` (or `failureAction: Enforce` per rule), Gatekeeper \
        `enforcementAction: deny`, or `validationActions: [Deny]`.",
    snippet: "spec:\n  validationFailureAction: Enforce",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: constraints.gatekeeper.sh/v1beta1
            kind: K8sAllowedRepos
            metadata:
              name: repos
            spec:
              enforcementAction: dryrun  # expect: admission/audit-only
              parameters:
                repos: [registry.example.com/]
            ---
            apiVersion: constraints.gatekeeper.sh/v1beta1
            kind: K8sRequiredLabels
            metadata:
              name: team-label
            spec:
              enforcementAction: warn  # expect: admission/audit-only
              parameters:
                labels:
                - key: team
        "#},
        indoc! {r#"
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata:
              name: require-labels
            spec:
              rules:
              - name: team-label  # expect: admission/audit-only
                match:
                  any:
                  - resources:
                      kinds: [Pod]
                validate:
                  message: Pods need a team label.
                  pattern:
                    metadata:
                      labels:
                        team: "?*"
              - name: no-latest
                match:
                  any:
                  - resources:
                      kinds: [Pod]
                validate:
                  failureAction: Audit  # expect: admission/audit-only
                  message: Images must not use the latest tag.
                  pattern:
                    spec:
                      containers:
                      - image: "!*:latest"
        "#},
        indoc! {r#"
            apiVersion: kyverno.io/v1
            kind: Policy
            metadata:
              name: registries
              namespace: shop
            spec:
              validationFailureAction: Audit  # expect: admission/audit-only
              rules:
              - name: registries
                match:
                  any:
                  - resources:
                      kinds: [Pod]
                validate:
                  message: Images must come from registry.example.com.
                  pattern:
                    spec:
                      containers:
                      - image: registry.example.com/*
        "#},
        indoc! {r#"
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata:
              name: replica-limit
            spec:
              policyName: replica-limit
              validationActions: [Warn, Audit]  # expect: admission/audit-only
        "#},
    ],
    good: &[
        KYVERNO_ENFORCED,
        indoc! {r#"
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata:
              name: registries
            spec:
              validationFailureAction: Audit
              rules:
              - name: registries
                match:
                  any:
                  - resources:
                      kinds: [Pod]
                validate:
                  failureAction: Enforce
                  message: Images must come from registry.example.com.
                  pattern:
                    spec:
                      containers:
                      - image: registry.example.com/*
        "#},
        indoc! {r#"
            apiVersion: constraints.gatekeeper.sh/v1beta1
            kind: K8sAllowedRepos
            metadata:
              name: repos
            spec:
              parameters:
                repos: [registry.example.com/]
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata:
              name: replica-limit
            spec:
              policyName: replica-limit
              validationActions: [Deny, Audit]
        "#},
    ],
    check: |object, hits| {
        for mode in modes(object) {
            if mode.audit_only {
                hits.at(
                    mode.span,
                    text!(
                        "{} {:?} is in {} mode: violations are admitted and only reported",
                        mode.engine,
                        object.name.unwrap_or(""),
                        mode.action
                    ),
                );
            }
        }
    },
};

/// What an admission policy enforces, in words, if Posture recognises it.
fn controls(object: &Object) -> Vec<String> {
    let mut out = Vec::new();
    if kyverno(object) {
        for rule in object.node.at(&["spec", "rules"]).and_then(Node::as_seq).unwrap_or(&[]) {
            if let Some(verify) = rule.get("verifyImages").and_then(Node::as_seq) {
                let refs: Vec<&str> = verify
                    .iter()
                    .flat_map(|v| v.items("imageReferences").iter().chain(v.items("image_references")))
                    .filter_map(Node::as_str)
                    .collect();
                out.push(text!(
                    "image signature verification for {}",
                    if refs.is_empty() { "images".to_owned() } else { refs.join(", ") }
                ));
            }
            if let Some(level) = rule.at(&["validate", "podSecurity", "level"]).and_then(Node::as_str) {
                let version =
                    rule.at(&["validate", "podSecurity", "version"]).and_then(Node::as_str).unwrap_or("latest");
                out.push(text!("Pod Security {level} (version {version})"));
            }
            let images = rule.at(&["validate", "pattern"]).map(image_patterns).unwrap_or_default();
            if !images.is_empty() {
                out.push(text!("image references matching {}", images.join(", ")));
            }
        }
    } else if object.group() == "constraints.gatekeeper.sh" {
        let params = object.node.at(&["spec", "parameters"]);
        match object.kind {
            "K8sAllowedRepos" => {
                let repos: Vec<&str> =
                    params.map_or(&[][..], |p| p.items("repos")).iter().filter_map(Node::as_str).collect();
                out.push(text!("image registries limited to {}", repos.join(", ")));
            }
            kind if kind.starts_with("K8sPSP") => out.push(text!("a Pod Security control ({kind})")),
            _ => {}
        }
    }
    out
}

/// `image:` values in a Kyverno pattern (registry allowlists, tag rules).
fn image_patterns(node: &Node) -> Vec<&str> {
    let mut out = Vec::new();
    let mut pending = vec![node];
    while let Some(n) = pending.pop() {
        if let Some(map) = n.as_map() {
            for e in map {
                match e.value.as_str() {
                    Some(v) if e.key.trim_matches(|c| c == '=' || c == '(' || c == ')') == "image" => out.push(v),
                    _ => pending.push(&e.value),
                }
            }
        } else if let Some(items) = n.as_seq() {
            pending.extend(items);
        }
    }
    out
}

pub static ENFORCED_CONTROLS: Rule = Rule {
    id: "admission/enforced-controls",
    family: Family::Admission,
    title: "Admission policy recognised: what it enforces",
    severity: Severity::Info,
    practice: Practice::Admission,
    rationale: "Admission policies are compensating controls: a registry allowlist, a signature \
        check or a Pod Security policy in the cluster changes what the workload findings mean. \
        Listing what each policy in the input enforces (and whether it is enforced) makes the \
        review complete.",
    references: &[KYVERNO_DOC, GATEKEEPER_DOC, VAP_DOC],
    cis: &[],
    sources: &[],
    kinds: &["ClusterPolicy", "Policy", "constraints.gatekeeper.sh/*"],
    remediation: "No change needed; check that the policy's scope covers the workloads in question.",
    snippet: "spec:\n  validationFailureAction: Enforce",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy  # expect: admission/enforced-controls
            metadata:
              name: restrict-registries
            spec:
              validationFailureAction: Enforce
              rules:
              - name: registries
                match:
                  any:
                  - resources:
                      kinds: [Pod]
                validate:
                  message: Images must come from registry.example.com.
                  pattern:
                    spec:
                      containers:
                      - image: registry.example.com/*
        "#},
        indoc! {r#"
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy  # expect: admission/enforced-controls
            metadata:
              name: baseline-and-signatures
            spec:
              validationFailureAction: Audit
              rules:
              - name: pod-security
                match:
                  any:
                  - resources:
                      kinds: [Pod]
                validate:
                  podSecurity:
                    level: baseline
                    version: latest
              - name: signed-images
                match:
                  any:
                  - resources:
                      kinds: [Pod]
                verifyImages:
                - imageReferences: ["ghcr.io/acme/*"]
                  attestors:
                  - entries:
                    - keyless:
                        subject: "https://github.com/acme/*"
                        issuer: https://token.actions.githubusercontent.com
        "#},
        indoc! {r#"
            apiVersion: constraints.gatekeeper.sh/v1beta1
            kind: K8sAllowedRepos  # expect: admission/enforced-controls
            metadata:
              name: repos
            spec:
              parameters:
                repos: [registry.example.com/, ghcr.io/acme/]
            ---
            apiVersion: constraints.gatekeeper.sh/v1beta1
            kind: K8sPSPPrivilegedContainer  # expect: admission/enforced-controls
            metadata:
              name: no-privileged
            spec:
              enforcementAction: dryrun
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata:
              name: labels
            spec:
              validationFailureAction: Enforce
              rules:
              - name: team-label
                validate:
                  pattern:
                    metadata:
                      labels:
                        team: "?*"
        "#},
        indoc! {r#"
            apiVersion: constraints.gatekeeper.sh/v1beta1
            kind: K8sRequiredLabels
            metadata:
              name: team-label
            spec:
              parameters:
                labels:
                - key: team
        "#},
    ],
    check: |object, hits| {
        let controls = controls(object);
        if controls.is_empty() {
            return;
        }
        let enforced = modes(object).iter().all(|m| !m.audit_only);
        let how = if enforced { "enforces" } else { "audits (does not enforce)" };
        hits.at(
            object.node.entry("kind").map_or(object.node.span, |e| e.span()),
            text!("{} {:?} {how}: {}", object.kind, object.name.unwrap_or(""), controls.join("; ")),
        );
    },
};

/// The PodSecurity admission plugin's own configuration: an
/// `AdmissionConfiguration` (`--admission-control-config-file`) naming the
/// `PodSecurity` plugin, or a `PodSecurityConfiguration` file it points at.
fn pod_security_configs<'a>(object: &Object<'a>) -> Vec<&'a Node> {
    if object.kind == "PodSecurityConfiguration" && object.group() == "pod-security.admission.config.k8s.io" {
        return vec![object.node];
    }
    if object.kind != "AdmissionConfiguration" || !object.group().starts_with("apiserver.") {
        return Vec::new();
    }
    object
        .node
        .items("plugins")
        .iter()
        .filter(|p| p.get("name").and_then(Node::as_str) == Some("PodSecurity"))
        .filter_map(|p| p.get("configuration"))
        .collect()
}

pub static POD_SECURITY_CONFIG: Rule = Rule {
    id: "admission/pod-security-config",
    family: Family::Admission,
    title: "Pod Security admission enforces nothing by default, or exempts users, runtime classes or namespaces",
    severity: Severity::Medium,
    practice: Practice::Admission,
    rationale: "The PodSecurity plugin's defaults apply to every namespace without its own labels: \
        enforce left at privileged (the default) lets any pod in. Its exemptions bypass the check \
        entirely: an exempt user (a controller's service account) makes pods no policy sees, an \
        exempt runtime class or namespace runs anything.",
    references: &[Reference {
        title: "Kubernetes: Configure the Pod Security Admission Controller",
        url: "https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-admission-controller/",
    }],
    cis: &[],
    sources: &[],
    kinds: &["AdmissionConfiguration", "PodSecurityConfiguration"],
    remediation: "Set defaults.enforce to baseline (or restricted) and keep exemptions to kube-system \
        at most; label the namespaces that need more.",
    snippet: "defaults:\n  enforce: baseline\n  enforce-version: latest\nexemptions:\n  usernames: []\n  runtimeClasses: []\n  namespaces: [kube-system]",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: AdmissionConfiguration
        plugins:
        - name: PodSecurity
          configuration:
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults:  # expect: admission/pod-security-config
              audit: restricted
            exemptions:
              usernames: [system:serviceaccount:ci:builder]  # expect: admission/pod-security-config
              namespaces: [kube-system, monitoring]  # expect: admission/pod-security-config
    "#},
    indoc! {r#"
        apiVersion: pod-security.admission.config.k8s.io/v1
        kind: PodSecurityConfiguration
        defaults:
          enforce: privileged  # expect: admission/pod-security-config
        exemptions:
          runtimeClasses: [kata]  # expect: admission/pod-security-config
    "#}],
    good: &[indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: AdmissionConfiguration
        plugins:
        - name: PodSecurity
          configuration:
            apiVersion: pod-security.admission.config.k8s.io/v1
            kind: PodSecurityConfiguration
            defaults:
              enforce: baseline
              audit: restricted
              warn: restricted
            exemptions:
              namespaces: [kube-system]
    "#}],
    check: |object, hits| {
        for config in pod_security_configs(object) {
            match config.entry_at(&["defaults", "enforce"]) {
                Some(e) if e.value.as_str() != Some("privileged") => {}
                Some(e) => {
                    hits.at(e.span(), "defaults.enforce is privileged: pods in unlabelled namespaces are not checked");
                }
                None => {
                    // Where defaults belong: `defaults:`, the plugin's
                    // `configuration:`, or a standalone file's `kind:`.
                    let at = match config.entry("defaults") {
                        Some(d) => d.key_span,
                        None if std::ptr::eq(config, object.node) => {
                            object.node.entry("kind").map_or(config.span, |e| e.key_span)
                        }
                        None => object
                            .node
                            .items("plugins")
                            .iter()
                            .filter_map(|p| p.entry("configuration"))
                            .find(|e| std::ptr::eq(&e.value, config))
                            .map_or(config.span, |e| e.key_span),
                    };
                    hits.at(at, "defaults.enforce is not set, so it is privileged: pods in unlabelled namespaces are not checked");
                }
            }
            for (key, what) in [("usernames", "requests by"), ("runtimeClasses", "pods of runtime class"), ("namespaces", "pods in")] {
                let Some(e) = config.entry_at(&["exemptions", key]) else { continue };
                let exempt: Vec<&str> = e
                    .value
                    .as_seq()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(Node::as_str)
                    .filter(|n| !(key == "namespaces" && *n == "kube-system"))
                    .collect();
                if !exempt.is_empty() {
                    hits.at(e.span(), text!("exemptions.{key}: {what} {} skip Pod Security entirely", exempt.join(", ")));
                }
            }
        }
    },
};

pub static RULES: &[&Rule] = &[&AUDIT_ONLY, &ENFORCED_CONTROLS, &POD_SECURITY_CONFIG];

//! `namespace/*`: Pod Security Admission labels on Namespaces, and what
//! that admission would do to the pods of the input.

use crate::k8s::Object;
use crate::rules::scope::Scope;
use crate::rules::standards::PolicyVersion;
use crate::rules::{kinds, kubescape, standards, Family, Hits, Practice, PssLevel, Reference, Rule, Severity};
use crate::yaml::Entry;
use indoc::indoc;

const PSA_DOC: Reference = Reference {
    title: "Kubernetes: Enforce Pod Security Standards with Namespace Labels",
    url: "https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/",
};
const LABEL: &str = "pod-security.kubernetes.io/";

pub const HARDENED: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: latest\n    pod-security.kubernetes.io/warn: restricted\n    pod-security.kubernetes.io/audit: restricted\n";

fn is_namespace(object: &Object) -> bool {
    object.kind == "Namespace" && object.group().is_empty()
}

fn label<'a>(namespace: &'a Object, mode: &str) -> Option<&'a Entry> {
    // Found by its two parts: asked of every namespace for every mode.
    let labels = namespace.node.at(&["metadata", "labels"])?.as_map()?;
    labels.iter().find(|e| e.key.strip_prefix(LABEL) == Some(mode))
}

fn rank(level: &str) -> Option<u8> {
    match level {
        "privileged" => Some(0),
        "baseline" => Some(1),
        "restricted" => Some(2),
        _ => None,
    }
}

pub static PSS_LABELS: Rule = Rule {
    id: "namespace/pss-labels",
    family: Family::Namespace,
    title: "Namespace does not enforce a Pod Security level",
    severity: Severity::Medium,
    practice: Practice::Admission,
    rationale: "Pod Security Admission only rejects pods in namespaces labelled \
        pod-security.kubernetes.io/enforce (unless the cluster sets a default). Without the label, \
        or with `privileged`, any pod is admitted: privileged, host namespaces, hostPath.",
    references: &[PSA_DOC],
    cis: &[cis!("5.2.1", "Ensure that the cluster has at least one active policy control mechanism in place")],
    sources: &[kubescape("C-0192")],
    kinds: &["Namespace"],
    remediation: "Label the namespace with `pod-security.kubernetes.io/enforce: restricted` (or \
        baseline where restricted is not yet possible).",
    snippet: "metadata:\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: latest",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                pod-security.kubernetes.io/enforce: privileged  # expect: namespace/pss-labels
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:  # expect: namespace/pss-labels
                team: shop
                pod-security.kubernetes.io/warn: restricted
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:  # expect: namespace/pss-labels
              name: legacy
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                pod-security.kubernetes.io/enforce: baseline
                pod-security.kubernetes.io/warn: restricted
        "#},
    ],
    check: |object, hits| {
        if !is_namespace(object) {
            return;
        }
        let name = object.name.unwrap_or("");
        match label(object, "enforce") {
            None => {
                hits.at(object.node.nearest(&["metadata", "labels"]), text!("namespace {name} has no pod-security.kubernetes.io/enforce label: any pod is admitted"));
            }
            Some(e) if e.value.as_str() == Some("privileged") => {
                hits.at(e.span(), text!("namespace {name} enforces the privileged level: any pod is admitted"));
            }
            Some(_) => {}
        }
    },
};

/// Policy versions before this one lack hostProbesAndHostLifecycle (v1.34).
const OLDEST_CURRENT: u32 = 34;

pub static PSS_VERSION: Rule = Rule {
    id: "namespace/pss-version",
    family: Family::Namespace,
    title: "Pod Security enforcement pinned to an old policy version",
    severity: Severity::Low,
    practice: Practice::Admission,
    rationale: "enforce-version pins the checks to a policy version. Versions before v1.34 do not \
        check probe and lifecycle hosts, and later versions refined others; a pin left behind \
        silently enforces an older, weaker standard.",
    references: &[PSA_DOC],
    cis: &[],
    sources: &[],
    kinds: &["Namespace"],
    remediation: "Set enforce-version to latest, or to the current minor version after testing.",
    snippet: "pod-security.kubernetes.io/enforce-version: latest",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                pod-security.kubernetes.io/enforce: restricted
                pod-security.kubernetes.io/enforce-version: v1.25  # expect: namespace/pss-version
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
              labels:
                pod-security.kubernetes.io/enforce: baseline
                pod-security.kubernetes.io/enforce-version: v1.33  # expect: namespace/pss-version
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                pod-security.kubernetes.io/enforce: restricted
                pod-security.kubernetes.io/enforce-version: v1.34
                pod-security.kubernetes.io/warn: restricted
                pod-security.kubernetes.io/warn-version: latest
        "#},
    ],
    check: |object, hits| {
        if !is_namespace(object) {
            return;
        }
        let Some(e) = label(object, "enforce-version") else { return };
        let minor = e.value.as_str().and_then(|v| v.strip_prefix("v1.")).and_then(|m| m.parse::<u32>().ok());
        if let Some(minor) = minor.filter(|m| *m < OLDEST_CURRENT) {
            hits.at(
                e.span(),
                text!(
                    "enforcement is pinned to policy v1.{minor}; the current version is v1.{}",
                    PolicyVersion::NEWEST
                ),
            );
        }
    },
};

pub static PSS_MODES: Rule = Rule {
    id: "namespace/pss-modes",
    family: Family::Namespace,
    title: "Pod Security warn or audit weaker than enforce",
    severity: Severity::Low,
    practice: Practice::Admission,
    rationale: "warn and audit exist to show what a stricter level would reject before enforcing \
        it. Set weaker than enforce (or absent), they report nothing useful: teams learn about a \
        violation only when a deploy fails.",
    references: &[PSA_DOC],
    cis: &[],
    sources: &[],
    kinds: &["Namespace"],
    remediation: "Set warn and audit at least as strict as enforce (restricted, when enforce is \
        baseline, to prepare the next step).",
    snippet: "pod-security.kubernetes.io/warn: restricted\npod-security.kubernetes.io/audit: restricted",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                pod-security.kubernetes.io/enforce: restricted
                pod-security.kubernetes.io/warn: baseline  # expect: namespace/pss-modes
                pod-security.kubernetes.io/audit: restricted
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:  # expect: namespace/pss-modes
                pod-security.kubernetes.io/enforce: baseline
                pod-security.kubernetes.io/audit: privileged  # expect: namespace/pss-modes
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: tools
              labels:  # expect: namespace/pss-modes
                pod-security.kubernetes.io/enforce: privileged
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                pod-security.kubernetes.io/enforce: restricted
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: payments
              labels:
                pod-security.kubernetes.io/enforce: baseline
                pod-security.kubernetes.io/warn: restricted
                pod-security.kubernetes.io/audit: restricted
        "#},
    ],
    check: |object, hits| {
        if !is_namespace(object) {
            return;
        }
        let Some(enforce) =
            label(object, "enforce").and_then(|e| e.value.as_str()).and_then(|v| rank(v).map(|r| (v, r)))
        else {
            return;
        };
        let mut absent = Vec::new();
        for mode in ["warn", "audit"] {
            match label(object, mode) {
                Some(e) if e.value.as_str().and_then(rank).is_some_and(|r| r < enforce.1) => {
                    hits.at(
                        e.span(),
                        text!("{mode} is {} but enforce is {}", e.value.as_str().unwrap_or(""), enforce.0),
                    )
                    .fix(text!("# in Namespace {:?}: {mode} at least as strict as enforce\nmetadata:\n  labels:\n    pod-security.kubernetes.io/{mode}: {}\n", object.name.unwrap_or(""), enforce.0));
                }
                None if enforce.1 < 2 => absent.push(mode),
                _ => {}
            }
        }
        if !absent.is_empty() {
            let labels: String =
                absent.iter().map(|mode| text!("    pod-security.kubernetes.io/{mode}: restricted\n")).collect();
            hits.at(
                object.node.nearest(&["metadata", "labels"]),
                text!("no {} label: nothing shows what the restricted level would reject", absent.join(" or ")),
            )
            .fix(text!(
                "# in Namespace {:?}: report what restricted would reject, without enforcing it\nmetadata:\n  labels:\n{labels}",
                object.name.unwrap_or("")
            ));
        }
    },
};

/// What the namespace an object is in enforces, from a Namespace in the
/// input: its name, level, policy version (PSA reads an absent or invalid
/// `enforce-version` as latest), and whether a label pins the version.
fn enforced_policy<'s>(scope: &'s Scope, object: &Object) -> Option<(&'s str, PssLevel, PolicyVersion, bool)> {
    let ns = crate::rules::scope::namespace_of(object);
    let namespace = scope.find("Namespace", "default", ns).filter(|o| is_namespace(o))?;
    let level = label(namespace, "enforce")?.value.as_str()?;
    let pinned = label(namespace, "enforce-version").and_then(|e| e.value.as_str());
    Some((namespace.name.unwrap_or(""), PssLevel::parse(level)?, PolicyVersion::from_label(pinned), pinned.is_some()))
}

pub static ADMISSION_REJECTS: Rule = Rule {
    id: "namespace/admission-rejects",
    family: Family::Namespace,
    title: "Pod Security Admission would reject this pod",
    severity: Severity::High,
    practice: Practice::Admission,
    rationale: "The namespace in the input enforces a Pod Security level this pod does not meet: \
        the API server will refuse it (for a workload, the controller's pods are refused and the \
        rollout stalls, with only a warning at apply time).",
    references: &[PSA_DOC, standards::PSS_DOC],
    cis: &[],
    sources: &[],
    kinds: kinds::workloads_and!("Namespace"),
    remediation: "Fix the pod's pss/* findings at the namespace's level (listed in the message).",
    snippet: "securityContext:\n  runAsNonRoot: true\n  seccompProfile:\n    type: RuntimeDefault",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                pod-security.kubernetes.io/enforce: baseline
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: shop  # expect: namespace/admission-rejects
            spec:
              hostNetwork: true
              containers:
              - name: web
                image: web:1
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                pod-security.kubernetes.io/enforce: restricted
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop  # expect: namespace/admission-rejects
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                pod-security.kubernetes.io/enforce: restricted
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: shop
            spec:
              securityContext:
                runAsNonRoot: true
                runAsUser: 10001
                seccompProfile:
                  type: RuntimeDefault
              containers:
              - name: web
                image: registry.example.com/web:1.4.2
                securityContext:
                  allowPrivilegeEscalation: false
                  capabilities:
                    drop: [ALL]
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Namespace
            metadata:
              name: legacy
              labels:
                pod-security.kubernetes.io/enforce: baseline
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: legacy
            spec:
              containers:
              - name: web
                image: registry.example.com/web:1.4.2
                securityContext:
                  runAsUser: 0
        "#},
    ],
    check: |object, hits| {
        if object.pod().is_none() {
            return;
        }
        let Some((ns, level, version, pinned)) = enforced_policy(hits.scope(), object) else { return };
        let mut failing: Vec<&str> = Vec::new();
        // PSA's checks at that level and version, from the registry: the
        // pss/* rules.
        for rule in crate::rules::all().iter().filter(|r| r.pss.is_some() && r.applies_at(level, version)) {
            let mut probe = Hits::at_version(hits.scope(), version);
            (rule.check)(object, &mut probe);
            if !probe.found.is_empty() {
                failing.push(rule.pss.as_ref().map_or(rule.id, |c| c.check));
            }
        }
        if failing.is_empty() {
            return;
        }
        let how = if object.kind == "Pod" { "rejects this pod" } else { "will reject the pods this workload creates" };
        let at = object.node.at(&["metadata"]).and_then(|m| m.entry("namespace")).map_or(object.node.span, Entry::span);
        let at_version = if pinned { text!(" at {version}") } else { String::new() };
        hits.at(
            at,
            text!(
                "namespace {ns} enforces Pod Security {}{at_version}: admission {how} (fails {})",
                level.name(),
                failing.join(", ")
            ),
        )
        .fix(text!(
            "# {} {:?}: fix its pss/* findings at the {} level ({}); run\n# posture check --pss-level {} to see each one on its field.\n",
            object.kind,
            object.name.unwrap_or(""),
            level.name(),
            failing.join(", "),
            level.name()
        ));
    },
};

pub static RULES: &[&Rule] = &[&PSS_LABELS, &PSS_VERSION, &PSS_MODES, &ADMISSION_REJECTS];

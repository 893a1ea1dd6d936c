//! Which user a container's processes run as.

use crate::k8s::Object;
use crate::rules::{
    checkov, kinds, kube_linter, kubescape, polaris, trivy, Family, Hits, Practice, PssControl, PssLevel, Rule,
    Severity,
};
use indoc::indoc;

use super::versions;
use crate::rules::fix::{container_fix, pod_fix};
use crate::rules::standards::{psa_source, PolicyVersion, PSS_DOC};

/// Running as Non-root (restricted). Restricted fields:
/// `spec.securityContext.runAsNonRoot` and the same in every container.
/// Allowed: `true`; a container may leave it unset when the pod sets `true`.
/// `false` anywhere fails. From v1.35, skipped for pods with `hostUsers:
/// false`.
pub static RUN_AS_NON_ROOT: Rule = Rule {
    id: "pss/run-as-non-root",
    family: Family::Pss,
    title: "Container may run as root",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "Unless runAsNonRoot is true, a container whose image defaults to root runs as \
        UID 0. Root in a container is the same user as root on the node, so any escape or \
        writable host mount is immediately node-level compromise.",
    references: &[PSS_DOC, psa_source!("check_runAsNonRoot.go")],
    cis: &[cis!("5.2.7", "Minimize the admission of root containers")],
    sources: &[
        checkov("CKV_K8S_23"),
        kubescape("C-0013"),
        trivy("KSV-0012"),
        kube_linter("run-as-non-root"),
        polaris("runAsRootAllowed"),
    ],
    kinds: kinds::WORKLOADS,
    remediation: "Set runAsNonRoot: true in the pod's securityContext and give the image a \
        non-root USER (or set runAsUser to a non-zero UID).",
    snippet: "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001",
    pss: Some(PssControl {
        check: "runAsNonRoot",
        level: PssLevel::Restricted,
        since: PolicyVersion::v1(0),
        overrides: None,
    }),
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              securityContext:
                runAsNonRoot: false  # expect: pss/run-as-non-root
              containers:
              - name: app
                image: nginx:1.27
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    # A non-root UID is not enough: Pod Security wants runAsNonRoot: true.
                    securityContext:  # expect: pss/run-as-non-root
                      runAsUser: 1000
                  - name: metrics  # expect: pss/run-as-non-root
                    image: registry.example.com/metrics:0.9
        "#},
        indoc! {r#"
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: backup
            spec:
              template:
                spec:
                  restartPolicy: Never
                  securityContext:
                    runAsNonRoot: true
                  containers:
                  - name: backup
                    image: registry.example.com/backup:1.2
                    securityContext:
                      runAsNonRoot: false  # expect: pss/run-as-non-root
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              # Set on the pod, inherited by every container.
              securityContext:
                runAsNonRoot: true
              initContainers:
              - name: setup
                image: busybox:1.36
              containers:
              - name: app
                image: nginx:1.27
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    securityContext:
                      runAsNonRoot: true
                  - name: metrics
                    image: registry.example.com/metrics:0.9
                    securityContext:
                      runAsNonRoot: true
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              # In its own user namespace, root in the pod is not root on the node.
              hostUsers: false
              containers:
              - name: app
                image: nginx:1.27
        "#},
    ],
    check: run_as_non_root,
};

fn run_as_non_root(object: &Object, hits: &mut Hits) {
    let version = hits.pss_version();
    let Some(pod) = object.pod().filter(|p| !versions::user_namespace_relaxes(p, version)) else { return };
    const FIELD: &str = "runAsNonRoot";
    let fix = "securityContext:\n  runAsNonRoot: true";
    let editor = hits.editor();
    let on_pod = || editor.set(pod.spec, &["securityContext", FIELD], crate::fix::Scalar::Bool(true));
    let pod_level = pod.spec.entry_at(&["securityContext", FIELD]);
    let pod_value = pod_level.and_then(|e| e.value.as_bool());
    if let Some(entry) = pod_level.filter(|_| pod_value != Some(true)) {
        hits.at(entry.span(), text!("the pod sets {FIELD}: {}", entry.value.display()))
            .fix(pod_fix(pod, fix))
            .edit(on_pod());
    }
    for c in pod.containers() {
        match c.node.entry_at(&["securityContext", FIELD]) {
            Some(entry) if entry.value.as_bool() == Some(true) => {}
            Some(entry) => {
                hits.at(entry.span(), text!("{} sets {FIELD}: {}", c.label(), entry.value.display()))
                    .fix(container_fix(pod, &c, fix))
                    .edit(editor.set(c.node, &["securityContext", FIELD], crate::fix::Scalar::Bool(true)));
            }
            // Covered by the pod-level finding when the pod sets it wrongly.
            None if pod_level.is_none() && pod.complete() => {
                hits.at(
                    c.missing(&[]),
                    joined!(c.label(), " may run as root: neither it nor the pod sets ", FIELD, ": true"),
                )
                .fix(pod_fix(pod, fix))
                .edit(on_pod());
            }
            None => {}
        }
    }
}

/// Running as Non-root user (restricted, from v1.23). Restricted fields:
/// `spec.securityContext.runAsUser` and the same in every container.
/// Allowed: unset or any non-zero value. From v1.35, skipped for pods with
/// `hostUsers: false`.
pub static RUN_AS_USER: Rule = Rule {
    id: "pss/run-as-user",
    family: Family::Pss,
    title: "Container explicitly runs as root (UID 0)",
    severity: Severity::High,
    practice: Practice::PodSecurity,
    rationale: "runAsUser: 0 asks for root explicitly, overriding a non-root image and any \
        runAsNonRoot intent; root in the container is root on the node.",
    references: &[PSS_DOC, psa_source!("check_runAsUser.go")],
    cis: &[cis!("5.2.7", "Minimize the admission of root containers")],
    sources: &[trivy("KSV-0105")],
    kinds: kinds::WORKLOADS,
    remediation: "Set runAsUser to a non-zero UID the image works with, or remove it and let \
        the image's USER apply.",
    snippet: "securityContext:\n  runAsUser: 10001",
    pss: Some(PssControl {
        check: "runAsUser",
        level: PssLevel::Restricted,
        since: PolicyVersion::v1(23),
        overrides: None,
    }),
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: nginx:1.27
                securityContext:
                  runAsUser: 0  # expect: pss/run-as-user
        "#},
        indoc! {r#"
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: backup
            spec:
              template:
                spec:
                  restartPolicy: Never
                  securityContext:
                    runAsUser: 0  # expect: pss/run-as-user
                  initContainers:
                  - name: chown
                    image: busybox:1.36
                    securityContext:
                      runAsUser: 0  # expect: pss/run-as-user
                  containers:
                  - name: backup
                    image: registry.example.com/backup:1.2
                    securityContext:
                      runAsUser: 10001
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: nginx:1.27
                securityContext:
                  runAsUser: 10001
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  # Group 0 is workload/root-user-or-group's finding; the user is not root.
                  securityContext:
                    runAsUser: 1000
                    runAsGroup: 0
                  containers:
                  - name: web
                    image: nginx:1.27
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              hostUsers: false
              securityContext:
                runAsUser: 0
              containers:
              - name: app
                image: nginx:1.27
        "#},
    ],
    check: run_as_user,
};

fn run_as_user(object: &Object, hits: &mut Hits) {
    let version = hits.pss_version();
    let Some(pod) = object.pod().filter(|p| !versions::user_namespace_relaxes(p, version)) else { return };
    let fix = "securityContext:\n  runAsUser: 10001";
    let editor = hits.editor();
    let uid = || crate::fix::placeholder("a non-root UID, such as 10001");
    let is_root = |e: &&crate::yaml::Entry| e.value.as_i64() == Some(0);
    if let Some(entry) = pod.spec.entry_at(&["securityContext", "runAsUser"]).filter(is_root) {
        hits.at(entry.span(), "the pod runs as root (runAsUser: 0)")
            .fix(pod_fix(pod, fix))
            .edit(editor.replace(&entry.value, &uid()));
    }
    for c in pod.containers() {
        if let Some(entry) = c.node.entry_at(&["securityContext", "runAsUser"]).filter(is_root) {
            hits.at(entry.span(), text!("{} runs as root (runAsUser: 0)", c.label()))
                .fix(container_fix(pod, &c, fix))
                .edit(editor.replace(&entry.value, &uid()));
        }
    }
}

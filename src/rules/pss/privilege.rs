//! Controls on how much privilege a container's processes hold or can gain.

use crate::k8s::Object;
use crate::rules::{
    checkov, kinds, kube_linter, kubescape, polaris, trivy, Family, Hits, Practice, PssControl, PssLevel, Rule,
    Severity,
};
use indoc::indoc;

use super::versions;
use crate::fix::Scalar;
use crate::rules::fix::container_fix;
use crate::rules::standards::{psa_source, PolicyVersion, PSS_DOC};

/// Privileged Containers (baseline). Restricted field:
/// `<every container>.securityContext.privileged`. Allowed: unset or `false`.
pub static PRIVILEGED: Rule = Rule {
    id: "pss/privileged",
    family: Family::Pss,
    title: "Privileged container",
    severity: Severity::Critical,
    practice: Practice::PodSecurity,
    rationale: "A privileged container gets every capability, all host devices and no \
        seccomp, AppArmor or SELinux confinement: a process in it is effectively root on the \
        node and can take over the node and everything scheduled there.",
    references: &[PSS_DOC, psa_source!("check_privileged.go")],
    cis: &[cis!("5.2.2", "Minimize the admission of privileged containers")],
    sources: &[
        checkov("CKV_K8S_16"),
        kubescape("C-0057"),
        trivy("KSV-0017"),
        kube_linter("privileged-container"),
        polaris("runAsPrivileged"),
    ],
    kinds: kinds::WORKLOADS,
    remediation: "Remove privileged: true. Grant the one capability the workload really needs \
        instead, or move node-level work to a dedicated, separately reviewed component.",
    snippet: "securityContext:\n  privileged: false",
    pss: Some(PssControl {
        check: "privileged",
        level: PssLevel::Baseline,
        since: PolicyVersion::v1(0),
        overrides: None,
    }),
    bad: &[
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
                    securityContext:
                      privileged: true  # expect: pss/privileged
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: es
            spec:
              initContainers:
              - name: sysctl
                image: busybox:1.36
                command: ["sysctl", "-w", "vm.max_map_count=262144"]
                securityContext:
                  privileged: true  # expect: pss/privileged
              containers:
              - name: elasticsearch
                image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0
              ephemeralContainers:
              - name: debugger
                image: busybox:1.36
                securityContext:
                  privileged: true  # expect: pss/privileged
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
                    securityContext:
                      privileged: false
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: vpn
            spec:
              containers:
              - name: vpn
                image: registry.example.com/vpn:1.0
                # Other controls' findings, but not a privileged container.
                securityContext:
                  privileged: false
                  allowPrivilegeEscalation: true
                  capabilities:
                    add: [NET_ADMIN]
        "#},
    ],
    check: privileged,
};

fn privileged(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    let editor = hits.editor();
    for c in pod.containers() {
        if let Some(entry) =
            c.node.entry_at(&["securityContext", "privileged"]).filter(|e| e.value.as_bool() == Some(true))
        {
            hits.at(entry.span(), joined!(c.label(), " runs privileged"))
                .fix(container_fix(pod, &c, "securityContext:\n  privileged: false"))
                .edit(editor.replace(&entry.value, &Scalar::Bool(false)));
        }
    }
}

/// Privilege Escalation (restricted, from v1.8). Restricted field:
/// `<every container>.securityContext.allowPrivilegeEscalation`. Allowed:
/// `false` only; it must be set. From v1.25, pods with `spec.os.name:
/// windows` are exempt.
pub static ALLOW_PRIVILEGE_ESCALATION: Rule = Rule {
    id: "pss/allow-privilege-escalation",
    family: Family::Pss,
    title: "Container may gain more privileges than it started with",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "Unless allowPrivilegeEscalation is false, the no_new_privs flag is not set, so a \
        setuid binary or file capability inside the image can raise a process's privileges, \
        turning a foothold in the container into root within it.",
    references: &[PSS_DOC, psa_source!("check_allowPrivilegeEscalation.go")],
    cis: &[cis!("5.2.6", "Minimize the admission of containers with allowPrivilegeEscalation")],
    sources: &[
        checkov("CKV_K8S_20"),
        kubescape("C-0016"),
        trivy("KSV-0001"),
        kube_linter("privilege-escalation-container"),
        polaris("privilegeEscalationAllowed"),
    ],
    kinds: kinds::WORKLOADS,
    remediation: "Set allowPrivilegeEscalation: false in every container's securityContext.",
    snippet: "securityContext:\n  allowPrivilegeEscalation: false",
    pss: Some(PssControl {
        check: "allowPrivilegeEscalation",
        level: PssLevel::Restricted,
        since: PolicyVersion::v1(8),
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
                  allowPrivilegeEscalation: true  # expect: pss/allow-privilege-escalation
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  initContainers:
                  - name: migrate  # expect: pss/allow-privilege-escalation
                    image: registry.example.com/web-migrate:1.4.2
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
                    securityContext:  # expect: pss/allow-privilege-escalation
                      privileged: false
                      runAsNonRoot: true
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
                  allowPrivilegeEscalation: false
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: w
            spec:
              # Windows pods are exempt: the field has no meaning there.
              os:
                name: windows
              containers:
              - name: app
                image: mcr.microsoft.com/windows/nanoserver:ltsc2022
        "#},
    ],
    check: allow_privilege_escalation,
};

fn allow_privilege_escalation(object: &Object, hits: &mut Hits) {
    let version = hits.pss_version();
    let Some(pod) = object.pod().filter(|p| !versions::windows_exempt(p, version)) else { return };
    const FIELD: &str = "allowPrivilegeEscalation";
    let editor = hits.editor();
    for c in pod.containers() {
        let edit = || editor.set(c.node, &["securityContext", FIELD], Scalar::Bool(false));
        let fix = || container_fix(pod, &c, "securityContext:\n  allowPrivilegeEscalation: false");
        match c.node.entry_at(&["securityContext", FIELD]) {
            Some(entry) if entry.value.as_bool() == Some(false) => {}
            Some(entry) => {
                hits.at(
                    entry.span(),
                    text!("{} allows privilege escalation ({FIELD}: {})", c.label(), entry.value.display()),
                )
                .fix(fix())
                .edit(edit());
            }
            None if pod.complete() => {
                hits.at(c.missing(&[]), joined!(c.label(), " does not set ", FIELD, ": false")).fix(fix()).edit(edit());
            }
            None => {}
        }
    }
}

/// /proc Mount Type (baseline). Restricted field:
/// `<every container>.securityContext.procMount`. Allowed: unset or
/// `Default`; from v1.35, any value when the pod sets `hostUsers: false`.
pub static PROC_MOUNT: Rule = Rule {
    id: "pss/proc-mount",
    family: Family::Pss,
    title: "Container unmasks /proc",
    severity: Severity::High,
    practice: Practice::PodSecurity,
    rationale: "The default /proc mount masks and makes read-only the paths that reveal or change \
        kernel and node state. An Unmasked /proc exposes them to the container; outside a user \
        namespace that is a direct path to the node.",
    references: &[PSS_DOC, psa_source!("check_procMount.go")],
    cis: &[],
    sources: &[trivy("KSV-0027"), kube_linter("unsafe-proc-mount"), polaris("procMount")],
    kinds: kinds::WORKLOADS,
    remediation: "Remove procMount (or set it to Default). If the workload really needs an \
        unmasked /proc, run it in a user namespace with hostUsers: false.",
    snippet: "securityContext:\n  procMount: Default",
    pss: Some(PssControl {
        check: "procMount",
        level: PssLevel::Baseline,
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
              containers:
              - name: app
                image: nginx:1.27
                securityContext:
                  procMount: Unmasked  # expect: pss/proc-mount
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: builder
            spec:
              template:
                spec:
                  hostUsers: true
                  initContainers:
                  - name: prepare
                    image: moby/buildkit:v0.16.0
                    securityContext:
                      procMount: Unmasked  # expect: pss/proc-mount
                  containers:
                  - name: buildkit
                    image: moby/buildkit:v0.16.0
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              # In its own user namespace the baseline level allows an unmasked /proc.
              hostUsers: false
              containers:
              - name: app
                image: nginx:1.27
                securityContext:
                  procMount: Unmasked
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
                      procMount: Default
        "#},
    ],
    check: proc_mount,
};

fn proc_mount(object: &Object, hits: &mut Hits) {
    let version = hits.pss_version();
    if object.pod().is_some_and(|p| !versions::user_namespace_relaxes(p, version)) {
        proc_mount_restricted(object, hits);
    }
}

/// /proc Mount Type (restricted, v1.35). As [`PROC_MOUNT`], but a user
/// namespace does not relax it.
pub static PROC_MOUNT_RESTRICTED: Rule = Rule {
    id: "pss/proc-mount-restricted",
    family: Family::Pss,
    title: "Container unmasks /proc (even in a user namespace)",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "At the restricted level the default /proc mount is required even when the pod \
        runs in its own user namespace: the unmasked paths still expose kernel state.",
    references: &[PSS_DOC, psa_source!("check_procMount.go")],
    cis: &[],
    sources: &[],
    kinds: kinds::WORKLOADS,
    remediation: "Remove procMount (or set it to Default).",
    snippet: "securityContext:\n  procMount: Default",
    pss: Some(PssControl {
        check: "procMount_restricted",
        level: PssLevel::Restricted,
        since: PolicyVersion::v1(35),
        overrides: Some("procMount"),
    }),
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              hostUsers: false
              containers:
              - name: app
                image: nginx:1.27
                securityContext:
                  procMount: Unmasked  # expect: pss/proc-mount-restricted
        "#},
        indoc! {r#"
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: build
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: build
                    image: moby/buildkit:v0.16.0
                    securityContext:
                      procMount: Unmasked  # expect: pss/proc-mount-restricted
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              hostUsers: false
              containers:
              - name: app
                image: nginx:1.27
                securityContext:
                  procMount: Default
        "#},
        indoc! {r#"
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: build
            spec:
              template:
                spec:
                  restartPolicy: Never
                  hostUsers: false
                  containers:
                  - name: build
                    image: moby/buildkit:v0.16.0
        "#},
    ],
    check: proc_mount_restricted,
};

fn proc_mount_restricted(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    let editor = hits.editor();
    for c in pod.containers() {
        let Some(entry) = c.node.entry_at(&["securityContext", "procMount"]) else { continue };
        if entry.value.as_str() != Some("Default") {
            let hit = hits
                .at(entry.span(), text!("{} sets procMount: {}", c.label(), entry.value.display()))
                .fix(container_fix(pod, &c, "securityContext:\n  procMount: Default"))
                .edit(editor.replace(&entry.value, &Scalar::str("Default")));
            // Outside a user namespace the baseline check fails too, and
            // its severity is the one that applies.
            if !pod.in_user_namespace() {
                hit.severity(PROC_MOUNT.severity);
            }
        }
    }
}

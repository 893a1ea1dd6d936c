//! Mandatory access control and syscall filtering profiles: AppArmor,
//! SELinux and seccomp.

use crate::fix::{Applicability, Scalar};
use crate::k8s::{Container, Object, PodView};
use crate::rules::{checkov, kinds, trivy, Family, Hits, Practice, PssControl, PssLevel, Rule, Severity};
use crate::yaml::{Entry, Node};
use indoc::indoc;

use super::versions;
use crate::rules::fix::{container_fix, pod_fix};
use crate::rules::standards::{psa_source, PolicyVersion, PSS_DOC};

/// AppArmor (baseline). Restricted fields:
/// `spec.securityContext.appArmorProfile.type`, the same in every container,
/// and annotations `container.apparmor.security.beta.kubernetes.io/*`.
/// Allowed types: `RuntimeDefault`, `Localhost` (when the profile is set);
/// allowed annotation values: `""`, `runtime/default`, `localhost/*`.
pub static APPARMOR: Rule = Rule {
    id: "pss/apparmor",
    family: Family::Pss,
    title: "AppArmor confinement turned off",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "The runtime's default AppArmor profile blocks many of the kernel interfaces used \
        in container escapes (mounting, writing to /proc and /sys). An Unconfined profile removes \
        that layer.",
    references: &[PSS_DOC, psa_source!("check_appArmorProfile.go")],
    cis: &[],
    sources: &[trivy("KSV-0002")],
    kinds: kinds::WORKLOADS,
    remediation: "Use the runtime's default profile (type RuntimeDefault) or a profile loaded on \
        the node (type Localhost), and drop unconfined annotations.",
    snippet: "securityContext:\n  appArmorProfile:\n    type: RuntimeDefault",
    pss: Some(PssControl {
        check: "appArmorProfile",
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
              securityContext:
                appArmorProfile:
                  type: Unconfined  # expect: pss/apparmor
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
                metadata:
                  annotations:
                    container.apparmor.security.beta.kubernetes.io/web: unconfined  # expect: pss/apparmor
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                  - name: proxy
                    image: envoyproxy/envoy:v1.31.0
                    securityContext:
                      appArmorProfile:
                        type: Unconfined  # expect: pss/apparmor
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              annotations:
                container.apparmor.security.beta.kubernetes.io/app: localhost/k8s-nginx
            spec:
              securityContext:
                appArmorProfile:
                  type: RuntimeDefault
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
                metadata:
                  annotations:
                    container.apparmor.security.beta.kubernetes.io/proxy: runtime/default
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    securityContext:
                      appArmorProfile:
                        type: Localhost
                        localhostProfile: k8s-nginx
                  - name: proxy
                    image: envoyproxy/envoy:v1.31.0
        "#},
    ],
    check: apparmor,
};

const APPARMOR_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

fn apparmor(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    let fix = "securityContext:\n  appArmorProfile:\n    type: RuntimeDefault";
    let editor = hits.editor();
    let runtime_default =
        |holder| editor.set(holder, &["securityContext", "appArmorProfile", "type"], Scalar::str("RuntimeDefault"));
    let allowed = |t: &str| matches!(t, "RuntimeDefault" | "Localhost");
    if let Some((at, t)) = profile_type(pod.spec, "appArmorProfile").filter(|(_, t)| !allowed(t)) {
        hits.at(at.span(), text!("the pod sets AppArmor profile type {t:?}"))
            .fix(pod_fix(pod, fix))
            .edit(runtime_default(pod.spec));
    }
    for c in pod.containers() {
        if let Some((at, t)) = profile_type(c.node, "appArmorProfile").filter(|(_, t)| !allowed(t)) {
            hits.at(at.span(), text!("{} sets AppArmor profile type {t:?}", c.label()))
                .fix(container_fix(pod, &c, fix))
                .edit(runtime_default(c.node));
        }
    }
    for entry in pod.annotations() {
        if !entry.key.starts_with(APPARMOR_ANNOTATION) {
            continue;
        }
        let value = entry.value.as_str().unwrap_or("");
        if !(value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")) {
            hits.at(entry.span(), text!("annotation {} sets AppArmor profile {value:?}", entry.key))
                .edit(editor.replace(&entry.value, &Scalar::str("runtime/default")));
        }
    }
}

/// A `securityContext.<field>` profile that is set, with the entry to point
/// at (its `type`, or the profile when the type is missing) and its type.
fn profile_type<'a>(holder: &'a Node, field: &str) -> Option<(&'a Entry, &'a str)> {
    let profile = holder.entry_at(&["securityContext", field])?;
    Some(match profile.value.entry("type").filter(|e| !e.value.is_null()) {
        Some(t) => (t, t.value.as_str().unwrap_or("")),
        None => (profile, ""),
    })
}

/// SELinux (baseline). Restricted fields:
/// `spec.securityContext.seLinuxOptions` and the same in every container:
/// `type` must be unset, `""`, `container_t`, `container_init_t`,
/// `container_kvm_t` or (from v1.31) `container_engine_t`; `user` and `role`
/// must be unset or `""`.
pub static SELINUX: Rule = Rule {
    id: "pss/selinux",
    family: Family::Pss,
    title: "Custom SELinux user, role or type",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "Setting a custom SELinux type, user or role can place the container in a more \
        privileged domain (for example spc_t, which is unconfined), undoing the labelling that \
        keeps containers from touching host files and each other.",
    references: &[PSS_DOC, psa_source!("check_seLinuxOptions.go")],
    cis: &[],
    sources: &[trivy("KSV-0025")],
    kinds: kinds::WORKLOADS,
    remediation: "Remove seLinuxOptions.type, user and role, or use one of the container types \
        (container_t, container_init_t, container_kvm_t, container_engine_t); level may be set.",
    snippet: "securityContext:\n  seLinuxOptions:\n    level: \"s0:c123,c456\"",
    pss: Some(PssControl {
        check: "seLinuxOptions",
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
                  seLinuxOptions:
                    type: spc_t  # expect: pss/selinux
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
            spec:
              template:
                spec:
                  securityContext:
                    seLinuxOptions:
                      user: system_u  # expect: pss/selinux
                      role: system_r  # expect: pss/selinux
                      level: s0
                  containers:
                  - name: agent
                    image: registry.example.com/agent:1.0
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
                  seLinuxOptions:
                    type: container_t
                    level: s0:c1,c2
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  # Only the level is free; the container types and empty values are allowed.
                  securityContext:
                    seLinuxOptions:
                      level: "s0:c123,c456"
                      user: ""
                  initContainers:
                  - name: setup
                    image: busybox:1.36
                    securityContext:
                      seLinuxOptions:
                        type: container_init_t
                  containers:
                  - name: web
                    image: nginx:1.27
        "#},
    ],
    check: selinux,
};

fn selinux(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    let version = hits.pss_version();
    let holders = std::iter::once((pod.spec, "the pod".to_owned(), None))
        .chain(pod.containers().map(|c| (c.node, c.label(), Some(c))));
    for (holder, who, container) in holders {
        let Some(options) = holder.at(&["securityContext", "seLinuxOptions"]) else { continue };
        for field in ["type", "user", "role"] {
            let Some(entry) = options.entry(field).filter(|e| !e.value.is_null()) else { continue };
            let value = entry.value.as_str().unwrap_or("");
            let ok = if field == "type" { versions::selinux_type_allowed(value, version) } else { value.is_empty() };
            if !ok {
                let hit = hits.at(entry.span(), text!("{who} sets SELinux {field} {value:?}"));
                let fix = text!("securityContext:\n  seLinuxOptions:\n    {field}: \"\"  # or remove it");
                hit.fix(match container {
                    Some(c) => container_fix(pod, &c, &fix),
                    None => pod_fix(pod, &fix),
                });
            }
        }
    }
}

const SECCOMP_FIX: &str = "securityContext:\n  seccompProfile:\n    type: RuntimeDefault";

fn seccomp_ok(t: &str) -> bool {
    matches!(t, "RuntimeDefault" | "Localhost")
}

/// Flags an explicitly bad seccomp profile on the pod or a container;
/// returns whether the pod-level profile is set and valid.
fn bad_seccomp_profiles(pod: &PodView, hits: &mut Hits) -> bool {
    let pod_level = profile_type(pod.spec, "seccompProfile");
    let editor = hits.editor();
    // Replacing a profile someone chose is less certain than adding one.
    let runtime_default =
        |holder| editor.set(holder, &["securityContext", "seccompProfile", "type"], Scalar::str("RuntimeDefault"));
    if let Some((at, t)) = pod_level.filter(|(_, t)| !seccomp_ok(t)) {
        hits.at(at.span(), text!("the pod sets seccomp profile type {t:?}"))
            .fix(pod_fix(pod, SECCOMP_FIX))
            .edit_as(Applicability::Unsafe, runtime_default(pod.spec));
    }
    for c in pod.containers() {
        if let Some((at, t)) = profile_type(c.node, "seccompProfile").filter(|(_, t)| !seccomp_ok(t)) {
            hits.at(at.span(), text!("{} sets seccomp profile type {t:?}", c.label()))
                .fix(container_fix(pod, &c, SECCOMP_FIX))
                .edit_as(Applicability::Unsafe, runtime_default(c.node));
        }
    }
    pod_level.is_some_and(|(_, t)| seccomp_ok(t))
}

/// Seccomp (baseline). From v1.19, restricted fields:
/// `spec.securityContext.seccompProfile.type` and the same in every
/// container; allowed: unset, `RuntimeDefault`, `Localhost`. Before v1.19,
/// restricted fields: annotations `seccomp.security.alpha.kubernetes.io/pod`
/// and `container.seccomp.security.alpha.kubernetes.io/<container>`;
/// allowed: unset, `runtime/default`, `docker/default`, `localhost/*`.
pub static SECCOMP_BASELINE: Rule = Rule {
    id: "pss/seccomp-baseline",
    family: Family::Pss,
    title: "Seccomp filtering turned off",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "The runtime's default seccomp profile blocks dozens of rarely needed syscalls \
        that account for a large share of kernel privilege-escalation exploits. Unconfined \
        exposes all of them.",
    references: &[PSS_DOC, psa_source!("check_seccompProfile_baseline.go")],
    cis: &[],
    sources: &[trivy("KSV-0104")],
    kinds: kinds::WORKLOADS,
    remediation: "Set the seccomp profile type to RuntimeDefault (or Localhost with a profile \
        installed on the node).",
    snippet: SECCOMP_FIX,
    pss: Some(PssControl {
        check: "seccompProfile_baseline",
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
              securityContext:
                seccompProfile:
                  type: Unconfined  # expect: pss/seccomp-baseline
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
                  securityContext:
                    seccompProfile:
                      type: RuntimeDefault
                  initContainers:
                  - name: perf
                    image: registry.example.com/perf:1.0
                    securityContext:
                      seccompProfile:
                        type: Unconfined  # expect: pss/seccomp-baseline
                  containers:
                  - name: web
                    image: nginx:1.27
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              # Unset is allowed at the baseline level (the restricted level requires one).
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
                      seccompProfile:
                        type: Localhost
                        localhostProfile: profiles/web.json
        "#},
    ],
    check: seccomp_baseline,
};

fn seccomp_baseline(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    if versions::seccomp_fields(hits.pss_version()) {
        bad_seccomp_profiles(pod, hits);
    } else {
        bad_seccomp_annotations(pod, hits);
    }
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// Policy before v1.19: the seccomp annotations of the pod and of its
/// containers (an annotation naming no container is not read).
fn bad_seccomp_annotations(pod: &PodView, hits: &mut Hits) {
    let valid = |v: &str| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/");
    for entry in pod.annotations() {
        let read = entry.key == SECCOMP_POD_ANNOTATION
            || entry
                .key
                .strip_prefix(SECCOMP_CONTAINER_ANNOTATION)
                .is_some_and(|name| pod.containers().any(|c| c.name == name));
        let value = entry.value.as_str().unwrap_or("");
        if read && !valid(value) {
            hits.at(entry.span(), text!("annotation {} sets seccomp profile {value:?}", entry.key));
        }
    }
}

/// Seccomp (restricted, from v1.19). Restricted fields as for the baseline
/// control at v1.19, but a profile must be set: on the pod, or on every
/// container. From v1.25, pods with `spec.os.name: windows` are exempt.
pub static SECCOMP_RESTRICTED: Rule = Rule {
    id: "pss/seccomp-restricted",
    family: Family::Pss,
    title: "No seccomp profile",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "Without a seccomp profile a container may run with no syscall filtering at all \
        (the kubelet's default is Unconfined unless the node enables SeccompDefault), exposing \
        the whole kernel syscall surface.",
    references: &[PSS_DOC, psa_source!("check_seccompProfile_restricted.go")],
    cis: &[cis!("5.7.2", "Ensure that the seccomp profile is set to docker/default in your Pod definitions")],
    sources: &[checkov("CKV_K8S_31"), trivy("KSV-0030")],
    kinds: kinds::WORKLOADS,
    remediation: "Set seccompProfile.type: RuntimeDefault in the pod's securityContext (it \
        covers every container), or in each container.",
    snippet: SECCOMP_FIX,
    pss: Some(PssControl {
        check: "seccompProfile_restricted",
        level: PssLevel::Restricted,
        since: PolicyVersion::v1(19),
        overrides: Some("seccompProfile_baseline"),
    }),
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app  # expect: pss/seccomp-restricted
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
                  initContainers:
                  - name: migrate
                    image: registry.example.com/web-migrate:1.4.2
                    securityContext:  # expect: pss/seccomp-restricted
                      runAsNonRoot: true
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
                    securityContext:
                      seccompProfile:
                        type: RuntimeDefault
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              securityContext:
                seccompProfile:
                  type: Unconfined  # expect: pss/seccomp-restricted
              containers:
              - name: app
                image: nginx:1.27
              - name: proxy
                image: envoyproxy/envoy:v1.31.0
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              securityContext:
                seccompProfile:
                  type: RuntimeDefault
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
                  # No pod-level profile, but every container sets one.
                  initContainers:
                  - name: migrate
                    image: registry.example.com/web-migrate:1.4.2
                    securityContext:
                      seccompProfile:
                        type: RuntimeDefault
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
                    securityContext:
                      seccompProfile:
                        type: Localhost
                        localhostProfile: profiles/web.json
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: w
            spec:
              os:
                name: windows
              containers:
              - name: app
                image: mcr.microsoft.com/windows/nanoserver:ltsc2022
        "#},
    ],
    check: seccomp_restricted,
};

fn seccomp_restricted(object: &Object, hits: &mut Hits) {
    let version = hits.pss_version();
    let Some(pod) = object.pod().filter(|p| !versions::windows_exempt(p, version)) else { return };
    let pod_covers = bad_seccomp_profiles(pod, hits);
    // A bad pod-level profile is already reported; its containers need the
    // same fix, so they are not reported again.
    if pod_covers || profile_type(pod.spec, "seccompProfile").is_some() || !pod.complete() {
        return;
    }
    let unset: Vec<Container> = pod.containers().filter(|c| profile_type(c.node, "seccompProfile").is_none()).collect();
    let editor = hits.editor();
    for c in unset {
        hits.at(c.missing(&[]), joined!(c.label(), " has no seccomp profile, and the pod sets none for it"))
            .fix(pod_fix(pod, SECCOMP_FIX))
            .edit(editor.set(pod.spec, &["securityContext", "seccompProfile", "type"], Scalar::str("RuntimeDefault")));
    }
}

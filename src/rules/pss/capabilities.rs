//! Linux capabilities a container may hold.

use crate::fix::Scalar;
use crate::k8s::Object;
use crate::rules::{
    checkov, kinds, kube_linter, polaris, trivy, Family, Hits, Practice, PssControl, PssLevel, Rule, Severity,
};
use crate::yaml::Node;
use indoc::indoc;

use super::versions;
use crate::rules::fix::container_fix;
use crate::rules::standards::{psa_source, PolicyVersion, PSS_DOC};

/// Capabilities (baseline). Restricted field:
/// `<every container>.securityContext.capabilities.add`. Allowed: the
/// container runtime's default set in [`BASELINE_CAPABILITIES`], spelled
/// exactly so (no `CAP_` prefix, upper case).
pub static CAPABILITIES_BASELINE: Rule = Rule {
    id: "pss/capabilities-baseline",
    family: Family::Pss,
    title: "Container adds a capability beyond the runtime's defaults",
    severity: Severity::High,
    practice: Practice::PodSecurity,
    rationale: "Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or NET_RAW each grant a \
        slice of root's power over the kernel; several are enough on their own to escape the \
        container or attack other pods on the network.",
    references: &[PSS_DOC, psa_source!("check_capabilities_baseline.go")],
    cis: &[cis!("5.2.9", "Minimize the admission of containers with added capabilities")],
    sources: &[checkov("CKV_K8S_25"), trivy("KSV-0022")],
    kinds: kinds::WORKLOADS,
    remediation: "Remove the capability from capabilities.add. If the workload needs it, find the \
        narrower mechanism (a port above 1024, a sidecar, a node-level agent).",
    snippet: "securityContext:\n  capabilities:\n    drop: [\"ALL\"]",
    pss: Some(PssControl {
        check: "capabilities_baseline",
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
                  capabilities:
                    add: [NET_ADMIN]  # expect: pss/capabilities-baseline
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: vpn
            spec:
              template:
                spec:
                  initContainers:
                  - name: iptables
                    image: registry.example.com/iptables:1.8
                    securityContext:
                      capabilities:
                        add:
                        - NET_RAW  # expect: pss/capabilities-baseline
                        - NET_ADMIN  # expect: pss/capabilities-baseline
                  containers:
                  - name: app
                    image: registry.example.com/app:2.0
                    securityContext:
                      capabilities:
                        # Pod Security compares names exactly: CAP_CHOWN is not CHOWN.
                        add: [CAP_CHOWN]  # expect: pss/capabilities-baseline
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
                  capabilities:
                    add: [CHOWN]
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
                      capabilities:
                        drop: [SYS_ADMIN, NET_RAW]
                        add: [NET_BIND_SERVICE, SETUID, SETGID]
        "#},
    ],
    check: capabilities_baseline,
};

const BASELINE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn capabilities_baseline(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    let editor = hits.editor();
    for c in pod.containers() {
        let add = c.sc(&["capabilities", "add"]);
        for cap in added(c.sc(&["capabilities"])) {
            let name = cap.as_str().unwrap_or("");
            if !BASELINE_CAPABILITIES.contains(&name) {
                hits.node(cap, text!("{} adds capability {}", c.label(), cap.display()))
                    .fix(container_fix(pod, &c, "securityContext:\n  capabilities:\n    drop: [\"ALL\"]"))
                    .edit(add.map_or(Err("no add list".into()), |add| editor.remove_item(add, cap)));
            }
        }
    }
}

fn added(capabilities: Option<&Node>) -> &[Node] {
    capabilities.map_or(&[], |caps| caps.items("add"))
}

/// Capabilities (restricted, from v1.22). Restricted fields:
/// `<every container>.securityContext.capabilities.drop` must contain `ALL`;
/// `.add` may hold only `NET_BIND_SERVICE`. From v1.25, pods with
/// `spec.os.name: windows` are exempt.
pub static CAPABILITIES_RESTRICTED: Rule = Rule {
    id: "pss/capabilities-restricted",
    family: Family::Pss,
    title: "Container does not drop all capabilities",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "Containers start with a default set of capabilities (CHOWN, DAC_OVERRIDE, \
        NET_RAW, SETUID, ...) that most applications never use and an attacker can. Dropping ALL \
        and adding back only NET_BIND_SERVICE when a low port is needed leaves nothing to abuse.",
    references: &[PSS_DOC, psa_source!("check_capabilities_restricted.go")],
    cis: &[
        cis!("5.2.10", "Minimize the admission of containers with capabilities assigned"),
        cis!("5.2.8", "Minimize the admission of containers with the NET_RAW capability"),
    ],
    sources: &[
        checkov("CKV_K8S_28"),
        checkov("CKV_K8S_37"),
        trivy("KSV-0003"),
        trivy("KSV-0106"),
        kube_linter("drop-net-raw-capability"),
        polaris("insecureCapabilities"),
    ],
    kinds: kinds::WORKLOADS,
    remediation: "Drop ALL capabilities in every container; add back NET_BIND_SERVICE only if the \
        process binds a port below 1024.",
    snippet: "securityContext:\n  capabilities:\n    drop: [\"ALL\"]",
    pss: Some(PssControl {
        check: "capabilities_restricted",
        level: PssLevel::Restricted,
        since: PolicyVersion::v1(22),
        overrides: Some("capabilities_baseline"),
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
                  capabilities:
                    drop: [NET_RAW]  # expect: pss/capabilities-restricted
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
                  - name: setup  # expect: pss/capabilities-restricted
                    image: busybox:1.36
                  containers:
                  - name: web
                    image: nginx:1.27
                    securityContext:
                      capabilities:  # expect: pss/capabilities-restricted
                        add: [CHOWN]  # expect: pss/capabilities-restricted
        "#},
        indoc! {r#"
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: report
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers:
                      - name: report
                        image: registry.example.com/report:3.2
                        securityContext:
                          capabilities:
                            drop: [all]  # expect: pss/capabilities-restricted
                            add: [NET_BIND_SERVICE, SYS_ADMIN]  # expect: pss/capabilities-restricted
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
                  capabilities:
                    drop: [ALL]
                    add: [NET_BIND_SERVICE]
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: w
            spec:
              # Windows pods are exempt: Linux capabilities do not apply.
              os:
                name: windows
              containers:
              - name: app
                image: mcr.microsoft.com/windows/nanoserver:ltsc2022
        "#},
    ],
    check: capabilities_restricted,
};

fn capabilities_restricted(object: &Object, hits: &mut Hits) {
    let version = hits.pss_version();
    let Some(pod) = object.pod().filter(|p| !versions::windows_exempt(p, version)) else { return };
    let drop_all = "securityContext:\n  capabilities:\n    drop: [\"ALL\"]";
    let editor = hits.editor();
    for c in pod.containers() {
        let capabilities = c.sc(&["capabilities"]);
        let drops_all = capabilities.is_some_and(|caps| caps.items("drop").iter().any(|d| d.as_str() == Some("ALL")));
        if !drops_all && pod.complete() {
            let at = match capabilities.and_then(|caps| caps.entry("drop")) {
                Some(drop) => drop.span(),
                None => c.missing(&["capabilities"]),
            };
            hits.at(at, joined!(c.label(), " does not drop ALL capabilities"))
                .fix(container_fix(pod, &c, drop_all))
                .edit(editor.add_item(c.node, &["securityContext", "capabilities", "drop"], Scalar::str("ALL")));
        }
        for cap in added(capabilities) {
            if cap.as_str() != Some("NET_BIND_SERVICE") {
                let beyond = if BASELINE_CAPABILITIES.contains(&cap.as_str().unwrap_or("")) {
                    ""
                } else {
                    " (not allowed at the baseline level either)"
                };
                let hit = hits
                    .node(
                        cap,
                        text!(
                            "{} adds capability {}; only NET_BIND_SERVICE may be added{beyond}",
                            c.label(),
                            cap.display()
                        ),
                    )
                    .fix(container_fix(
                        pod,
                        &c,
                        "securityContext:\n  capabilities:\n    drop: [\"ALL\"]\n    add: [\"NET_BIND_SERVICE\"]",
                    ))
                    .edit(match capabilities.and_then(|caps| caps.get("add")) {
                        Some(add) => editor.remove_item(add, cap),
                        None => Err("no add list".into()),
                    });
                // Beyond the baseline set it breaks that check too, and
                // keeps its severity.
                if !beyond.is_empty() {
                    hit.severity(CAPABILITIES_BASELINE.severity);
                }
            }
        }
    }
}

//! Controls that keep a pod out of the node's namespaces, ports and kernel
//! settings.

use crate::k8s::Object;
use crate::rules::{
    checkov, kinds, kube_linter, kubescape, polaris, trivy, Family, Hits, Practice, PssControl, PssLevel, Rule,
    Severity,
};
use crate::yaml::Node;
use indoc::indoc;

use super::versions;
use crate::rules::fix::{container_fix, pod_fix};
use crate::rules::standards::{psa_source, PolicyVersion, PSS_DOC};

/// Host Namespaces (baseline). Restricted fields: `spec.hostNetwork`,
/// `spec.hostPID`, `spec.hostIPC`. Allowed: unset or `false`.
pub static HOST_NAMESPACES: Rule = Rule {
    id: "pss/host-namespaces",
    family: Family::Pss,
    title: "Pod shares the node's network, process or IPC namespace",
    severity: Severity::High,
    practice: Practice::PodSecurity,
    rationale: "With hostNetwork the pod sees and binds the node's interfaces, including services \
        listening only on localhost and the cloud metadata endpoint; with hostPID it can see and \
        signal every process on the node; with hostIPC it can read the shared memory of other \
        workloads. Each one removes an isolation boundary between the pod and the node.",
    references: &[PSS_DOC, psa_source!("check_hostNamespaces.go")],
    cis: &[
        cis!("5.2.3", "Minimize the admission of containers wishing to share the host process ID namespace"),
        cis!("5.2.4", "Minimize the admission of containers wishing to share the host IPC namespace"),
        cis!("5.2.5", "Minimize the admission of containers wishing to share the host network namespace"),
    ],
    sources: &[
        checkov("CKV_K8S_17"),
        checkov("CKV_K8S_18"),
        checkov("CKV_K8S_19"),
        kubescape("C-0038"),
        kubescape("C-0041"),
        trivy("KSV-0008"),
        trivy("KSV-0009"),
        trivy("KSV-0010"),
        kube_linter("host-ipc"),
        kube_linter("host-network"),
        kube_linter("host-pid"),
        polaris("hostIPCSet"),
        polaris("hostNetworkSet"),
        polaris("hostPIDSet"),
    ],
    kinds: kinds::WORKLOADS,
    remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false). \
        Expose ports through a Service instead of the host network.",
    snippet: "hostNetwork: false\nhostPID: false\nhostIPC: false",
    pss: Some(PssControl {
        check: "hostNamespaces",
        level: PssLevel::Baseline,
        since: PolicyVersion::v1(0),
        overrides: None,
    }),
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: debug-node
            spec:
              hostNetwork: true  # expect: pss/host-namespaces
              hostPID: true  # expect: pss/host-namespaces
              hostIPC: true  # expect: pss/host-namespaces
              containers:
              - name: shell
                image: busybox:1.36
                command: ["sleep", "infinity"]
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: node-exporter
            spec:
              template:
                spec:
                  hostPID: true  # expect: pss/host-namespaces
                  hostNetwork: false
                  containers:
                  - name: exporter
                    image: quay.io/prometheus/node-exporter:v1.8.2
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: net
            spec:
              hostNetwork: false
              hostPID: false
              hostIPC: false
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
                  # Shares processes between the pod's own containers, not with the node.
                  shareProcessNamespace: true
                  containers:
                  - name: app
                    image: nginx:1.27
                  - name: debug
                    image: busybox:1.36
        "#},
    ],
    check: host_namespaces,
};

fn host_namespaces(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    let editor = hits.editor();
    for (field, what) in [
        ("hostNetwork", "the node's network namespace"),
        ("hostPID", "the node's process namespace"),
        ("hostIPC", "the node's IPC namespace"),
    ] {
        if let Some(entry) = pod.spec.entry(field).filter(|e| e.value.as_bool() == Some(true)) {
            hits.at(entry.span(), joined!("the pod shares ", what, " (", field, ": true)"))
                .fix(pod_fix(pod, &joined!(field, ": false")))
                .edit(editor.remove(pod.spec, field));
        }
    }
}

/// Host Ports (baseline). Restricted field: `containers[*].ports[*].hostPort`
/// (all container lists). Allowed: unset or `0`.
pub static HOST_PORTS: Rule = Rule {
    id: "pss/host-ports",
    family: Family::Pss,
    title: "Container binds a port on the node",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "A hostPort opens a port on the node's own address, bypassing Service and \
        NetworkPolicy controls that apply to pod IPs, and it ties the pod to nodes where the port \
        is free.",
    references: &[PSS_DOC, psa_source!("check_hostPorts.go")],
    cis: &[cis!("5.2.13", "Minimize the admission of containers which use HostPorts")],
    sources: &[checkov("CKV_K8S_26"), kubescape("C-0044"), trivy("KSV-0024"), polaris("hostPortSet")],
    kinds: kinds::WORKLOADS,
    remediation: "Remove hostPort and reach the container through a Service (ClusterIP, or a \
        NodePort/LoadBalancer when it must be reachable from outside).",
    snippet: "ports:\n  - containerPort: 8080",
    pss: Some(PssControl {
        check: "hostPorts",
        level: PssLevel::Baseline,
        since: PolicyVersion::v1(0),
        overrides: None,
    }),
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: app
                image: nginx:1.27
                ports:
                - containerPort: 80
                  hostPort: 80  # expect: pss/host-ports
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: ingress
            spec:
              template:
                spec:
                  containers:
                  - name: controller
                    image: registry.k8s.io/ingress-nginx/controller:v1.11.2
                    ports:
                    - containerPort: 80
                      hostPort: 80  # expect: pss/host-ports
                    - containerPort: 443
                      hostPort: 443  # expect: pss/host-ports
                    - containerPort: 10254
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: app
                image: nginx:1.27
                ports:
                - containerPort: 80
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
                  - name: app
                    image: nginx:1.27
                    ports:
                    - containerPort: 80
                      hostPort: 0
                      protocol: TCP
        "#},
    ],
    check: host_ports,
};

fn host_ports(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    let editor = hits.editor();
    for c in pod.containers() {
        for port in c.node.items("ports") {
            let Some(entry) = port.entry("hostPort") else { continue };
            if entry.value.as_i64().is_some_and(|p| p != 0) {
                let container_port = port.get("containerPort").map_or_else(|| "8080".into(), Node::display);
                hits.at(
                    entry.span(),
                    text!("{} binds port {} on the node (hostPort)", c.label(), entry.value.display()),
                )
                .fix(container_fix(pod, &c, &text!("ports:\n  - containerPort: {container_port}")))
                .edit(editor.remove(port, "hostPort"));
            }
        }
    }
}

/// Host Probes / Lifecycle Hooks (baseline, v1.34+). Restricted fields: the
/// `httpGet.host` and `tcpSocket.host` of `livenessProbe`, `readinessProbe`,
/// `startupProbe`, `lifecycle.postStart` and `lifecycle.preStop`. Allowed:
/// unset or `""`.
pub static HOST_PROBES: Rule = Rule {
    id: "pss/host-probes-lifecycle",
    family: Family::Pss,
    title: "Probe or lifecycle hook targets another host",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "The kubelet runs probes and lifecycle hooks from the node. A host field makes it \
        send requests to an arbitrary address with the node's network position, which can reach \
        services the pod itself could not (a server-side request forgery through the kubelet).",
    references: &[PSS_DOC, psa_source!("check_hostProbesAndHostLifecycle.go")],
    cis: &[],
    sources: &[],
    kinds: kinds::WORKLOADS,
    remediation: "Remove the host field so the probe targets the pod's own IP.",
    snippet: "livenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080",
    pss: Some(PssControl {
        check: "hostProbesAndHostLifecycle",
        level: PssLevel::Baseline,
        since: PolicyVersion::v1(34),
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
                livenessProbe:
                  httpGet:
                    host: 169.254.169.254  # expect: pss/host-probes-lifecycle
                    path: /
                    port: 80
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  containers:
                  - name: api
                    image: registry.example.com/api:2.3.1
                    readinessProbe:
                      tcpSocket:
                        host: db.internal  # expect: pss/host-probes-lifecycle
                        port: 5432
                    lifecycle:
                      preStop:
                        httpGet:
                          host: 10.0.0.1  # expect: pss/host-probes-lifecycle
                          path: /drain
                          port: 8080
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
                livenessProbe:
                  httpGet:
                    path: /healthz
                    port: 80
                    # A Host header is sent to the pod's own IP: allowed.
                    httpHeaders:
                    - name: Host
                      value: www.example.com
                startupProbe:
                  tcpSocket:
                    host: ""
                    port: 80
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  containers:
                  - name: api
                    image: registry.example.com/api:2.3.1
                    readinessProbe:
                      httpGet:
                        path: /ready
                        port: 8080
                    lifecycle:
                      preStop:
                        exec:
                          command: ["/bin/sh", "-c", "curl -s http://10.0.0.1/drain"]
        "#},
    ],
    check: host_probes,
};

fn host_probes(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    const HANDLERS: [&[&str]; 5] = [
        &["livenessProbe"],
        &["readinessProbe"],
        &["startupProbe"],
        &["lifecycle", "postStart"],
        &["lifecycle", "preStop"],
    ];
    for c in pod.containers() {
        for path in HANDLERS {
            let Some(handler) = c.node.at(path) else { continue };
            for kind in ["httpGet", "tcpSocket"] {
                let Some(entry) = handler.entry_at(&[kind, "host"]) else { continue };
                if entry.value.as_str().is_some_and(|h| !h.is_empty()) {
                    let field = text!("{}.{kind}", path.join("."));
                    hits.at(entry.span(), text!("{} {} sends {kind} to host {}", c.label(), path.join("."), entry.value.display()))
                        .fix(container_fix(
                            pod,
                            &c,
                            &text!("# {field}: remove host: {} (the kubelet then targets the\n# pod's own IP); reach other services from inside the container.", entry.value.display()),
                        ));
                }
            }
        }
    }
}

/// Sysctls (baseline). Restricted field:
/// `spec.securityContext.sysctls[*].name`. Allowed: the namespaced sysctls
/// of the policy version, exactly (a set that grew in v1.27, v1.29, v1.32
/// and v1.37; see [`versions::sysctl_allowed`]).
pub static SYSCTLS: Rule = Rule {
    id: "pss/sysctls",
    family: Family::Pss,
    title: "Pod sets a sysctl outside the safe set",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "Only a small set of sysctls is isolated per pod. Others change kernel behaviour \
        for the whole node or can be used to exhaust its resources, affecting every other \
        workload there.",
    references: &[PSS_DOC, psa_source!("check_sysctls.go")],
    cis: &[],
    sources: &[trivy("KSV-0026"), kube_linter("unsafe-sysctls")],
    kinds: kinds::WORKLOADS,
    remediation: "Remove the sysctl, or set it on dedicated nodes through node configuration \
        rather than from a pod.",
    snippet: "securityContext:\n  sysctls:\n    - name: net.ipv4.ip_local_port_range\n      value: \"1024 65535\"",
    pss: Some(PssControl { check: "sysctls", level: PssLevel::Baseline, since: PolicyVersion::v1(0), overrides: None }),
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: s
            spec:
              securityContext:
                sysctls:
                - name: kernel.msgmax  # expect: pss/sysctls
                  value: "65536"
              containers:
              - name: app
                image: nginx:1.27
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: redis
            spec:
              template:
                spec:
                  securityContext:
                    sysctls:
                    - name: net.ipv4.tcp_syncookies
                      value: "1"
                    - name: net.core.somaxconn  # expect: pss/sysctls
                      value: "1024"
                    - name: vm.overcommit_memory  # expect: pss/sysctls
                      value: "1"
                  containers:
                  - name: redis
                    image: redis:7.4
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: s
            spec:
              securityContext:
                sysctls:
                - name: net.ipv4.tcp_syncookies
                  value: "1"
                - name: net.ipv4.ip_unprivileged_port_start
                  value: "0"
                - name: net.ipv4.ping_group_range
                  value: "0 2147483647"
              containers:
              - name: app
                image: nginx:1.27
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  securityContext:
                    sysctls:
                    - name: net.ipv4.tcp_keepalive_time
                      value: "600"
                    - name: kernel.shm_rmid_forced
                      value: "1"
                  containers:
                  - name: api
                    image: registry.example.com/api:2.3.1
        "#},
    ],
    check: sysctls,
};

fn sysctls(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    let Some(list) = pod.sc(&["sysctls"]).and_then(Node::as_seq) else { return };
    let version = hits.pss_version();
    for item in list {
        let name = item.get("name").and_then(Node::as_str).unwrap_or("");
        if !versions::sysctl_allowed(name, version) {
            // A sysctl a later policy allows: say so, the pin is the cause.
            let later = versions::sysctl_allowed_since(name)
                .map(|since| text!(" at {version} (allowed from {since})"))
                .unwrap_or_default();
            hits.node(item, text!("sysctl {name:?} is not in the set Pod Security allows{later}"));
        }
    }
}

/// HostProcess (baseline). Restricted fields:
/// `spec.securityContext.windowsOptions.hostProcess` and the same in every
/// container. Allowed: unset or `false`.
pub static WINDOWS_HOST_PROCESS: Rule = Rule {
    id: "pss/windows-host-process",
    family: Family::Pss,
    title: "Windows HostProcess container",
    severity: Severity::Critical,
    practice: Practice::PodSecurity,
    rationale: "A Windows HostProcess container runs directly on the node as a host process, \
        with the node's network and file system: the equivalent of a privileged Linux container.",
    references: &[PSS_DOC, psa_source!("check_windowsHostProcess.go")],
    cis: &[cis!("5.2.11", "Minimize the admission of Windows HostProcess containers")],
    sources: &[trivy("KSV-0103"), polaris("hostProcess")],
    kinds: kinds::WORKLOADS,
    remediation: "Remove windowsOptions.hostProcess (or set it to false); run node management \
        tasks outside ordinary workloads.",
    snippet: "securityContext:\n  windowsOptions:\n    hostProcess: false",
    pss: Some(PssControl {
        check: "windowsHostProcess",
        level: PssLevel::Baseline,
        since: PolicyVersion::v1(0),
        overrides: None,
    }),
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: w
            spec:
              securityContext:
                windowsOptions:
                  hostProcess: true  # expect: pss/windows-host-process
              hostNetwork: true
              containers:
              - name: app
                image: mcr.microsoft.com/windows/nanoserver:ltsc2022
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: csi-proxy
            spec:
              template:
                spec:
                  nodeSelector:
                    kubernetes.io/os: windows
                  hostNetwork: true
                  containers:
                  - name: csi-proxy
                    image: ghcr.io/kubernetes-sigs/sig-windows/csi-proxy:v1.1.3
                    securityContext:
                      windowsOptions:
                        hostProcess: true  # expect: pss/windows-host-process
                        runAsUserName: "NT AUTHORITY\\SYSTEM"
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: w
            spec:
              containers:
              - name: app
                image: mcr.microsoft.com/windows/nanoserver:ltsc2022
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: w
            spec:
              os:
                name: windows
              securityContext:
                windowsOptions:
                  hostProcess: false
                  runAsUserName: ContainerUser
              containers:
              - name: app
                image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
                securityContext:
                  windowsOptions:
                    gmsaCredentialSpecName: webapp1
        "#},
    ],
    check: windows_host_process,
};

fn windows_host_process(object: &Object, hits: &mut Hits) {
    let Some(pod) = object.pod() else { return };
    const PATH: [&str; 3] = ["securityContext", "windowsOptions", "hostProcess"];
    let fix = "securityContext:\n  windowsOptions:\n    hostProcess: false";
    if let Some(entry) = pod.spec.entry_at(&PATH).filter(|e| e.value.as_bool() == Some(true)) {
        hits.at(entry.span(), "the pod runs as a Windows HostProcess (hostProcess: true)").fix(pod_fix(pod, fix));
    }
    for c in pod.containers() {
        if let Some(entry) = c.node.entry_at(&PATH).filter(|e| e.value.as_bool() == Some(true)) {
            hits.at(entry.span(), text!("{} runs as a Windows HostProcess (hostProcess: true)", c.label()))
                .fix(container_fix(pod, &c, fix));
        }
    }
}

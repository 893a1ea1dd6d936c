//! `workload/*`: what a reviewer checks in a pod spec beyond the Pod Security
//! Standards: resources, the root file system, users and groups, service
//! account tokens, host mounts, and capabilities that matter most; and the
//! node paths a PersistentVolume hands to pods outside Pod Security's view.

use crate::fix::Scalar;
use crate::k8s::{Container, ContainerList, PodView};
use crate::rules::fix::{container_fix, pod_fix};
use crate::rules::{
    checkov, kinds, kube_linter, kubescape, polaris, trivy, Family, Practice, Reference, Rule, Severity,
};
use crate::yaml::{Entry, Node};
use indoc::indoc;

const SECURITY_CONTEXT_DOC: Reference = Reference {
    title: "Kubernetes: Configure a Security Context for a Pod or Container",
    url: "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
};

/// A pod meeting every workload rule.
pub const HARDENED: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      serviceAccountName: web\n      automountServiceAccountToken: false\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        runAsGroup: 10001\n        fsGroup: 10001\n      containers:\n      - name: web\n        image: registry.example.com/web:1.4.2\n        securityContext:\n          readOnlyRootFilesystem: true\n          capabilities:\n            drop: [ALL]\n        resources:\n          requests: {cpu: 100m, memory: 128Mi}\n          limits: {cpu: 500m, memory: 256Mi}\n";

/// Containers that run workload code (ephemeral debug containers take no
/// resources and are not part of the workload's design).
fn workload_containers<'a>(pod: &PodView<'a>) -> impl Iterator<Item = Container<'a>> {
    pod.containers().filter(|c| c.list != ContainerList::Ephemeral)
}

pub static RESOURCES: Rule = Rule {
    id: "workload/resources",
    family: Family::Workload,
    title: "Container has no CPU and memory requests or no memory limit",
    severity: Severity::Low,
    practice: Practice::ResourceLimits,
    rationale: "Without requests the scheduler packs pods blindly; without limits one container can \
        take a node's memory or CPU, starving its neighbours (a denial of service that a compromised \
        or buggy pod causes without any privilege). A namespace ResourceQuota is ineffective unless \
        pods declare them.",
    references: &[Reference {
        title: "Kubernetes: Resource Management for Pods and Containers",
        url: "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
    }],
    cis: &[],
    sources: &[
        checkov("CKV_K8S_10"),
        checkov("CKV_K8S_12"),
        checkov("CKV_K8S_13"),
        kubescape("C-0004"),
        kubescape("C-0050"),
        kubescape("C-0268"),
        kubescape("C-0269"),
        kubescape("C-0271"),
        trivy("KSV-0015"),
        trivy("KSV-0016"),
        trivy("KSV-0018"),
        kube_linter("unset-cpu-requirements"),
        kube_linter("unset-memory-requirements"),
        polaris("cpuRequestsMissing"),
        polaris("memoryLimitsMissing"),
        polaris("memoryRequestsMissing"),
    ],
    kinds: kinds::WORKLOADS,
    remediation: "Set cpu and memory requests and a memory limit in every container (equal to or \
        near the request); a CPU limit is optional.",
    snippet: "resources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n  limits:\n    cpu: 500m\n    memory: 256Mi",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app  # expect: workload/resources
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
                    resources:  # expect: workload/resources
                      requests: {cpu: 50m, memory: 64Mi}
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
                    resources:  # expect: workload/resources
                      limits: {cpu: "1"}
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: nginx:1.27
                # Requests left out default to the limits.
                resources:
                  limits: {cpu: 500m, memory: 256Mi}
              # Ephemeral debug containers take no resources.
              ephemeralContainers:
              - name: debugger
                image: busybox:1.36
        "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        for c in workload_containers(pod) {
            // A CPU limit is left out on purpose: it throttles bursts and
            // many teams run without one; the memory limit is what protects
            // the node.
            let missing: Vec<Resource> = RESOURCE_FIELDS
                .into_iter()
                // A request left out defaults to the limit.
                .filter(|r| {
                    c.node.at(&["resources", r.group, r.what]).is_none()
                        && (r.group == "limits" || c.node.at(&["resources", "limits", r.what]).is_none())
                })
                .collect();
            if !missing.is_empty() && pod.complete() {
                let edit = resource_placeholders(&hits.editor(), &c, &missing);
                // Laid out in one string of the message's length (a finding
                // keeps its message shrunk to fit: a longer one is copied).
                let label = c.label();
                let names: usize = missing.iter().map(|r| r.path.len() + ", ".len()).sum();
                let mut message = String::with_capacity(label.len() + " sets no ".len() + names - ", ".len());
                message.push_str(&label);
                message.push_str(" sets no ");
                for (i, r) in missing.iter().enumerate() {
                    if i > 0 {
                        message.push_str(", ");
                    }
                    message.push_str(r.path);
                }
                hits.at(c.node.nearest(&["resources"]), message)
                    .fix(container_fix(pod, &c, RESOURCES.snippet))
                    .edit(edit);
            }
        }
    },
};

pub static READ_ONLY_ROOT_FS: Rule = Rule {
    id: "workload/read-only-root-fs",
    family: Family::Workload,
    title: "Container can write to its root file system",
    severity: Severity::Low,
    practice: Practice::PodSecurity,
    rationale: "A writable root file system lets an intruder drop tools, modify binaries and \
        persist for the life of the container. A read-only root, with emptyDir mounts for the \
        paths the program writes, removes that foothold.",
    references: &[SECURITY_CONTEXT_DOC],
    cis: &[],
    sources: &[
        checkov("CKV_K8S_22"),
        kubescape("C-0017"),
        trivy("KSV-0014"),
        kube_linter("no-read-only-root-fs"),
        polaris("notReadOnlyRootFilesystem"),
    ],
    kinds: kinds::WORKLOADS,
    remediation: "Set readOnlyRootFilesystem: true and mount an emptyDir where the program needs to \
        write (for example /tmp).",
    snippet: "securityContext:\n  readOnlyRootFilesystem: true",
    pss: None,
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
                  readOnlyRootFilesystem: false  # expect: workload/read-only-root-fs
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
                  - name: migrate  # expect: workload/read-only-root-fs
                    image: registry.example.com/web-migrate:1.4.2
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
                    securityContext:  # expect: workload/read-only-root-fs
                      allowPrivilegeEscalation: false
        "#},
    ],
    good: &[
        HARDENED,
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
                  readOnlyRootFilesystem: true
                volumeMounts:
                - name: tmp
                  mountPath: /tmp
              ephemeralContainers:
              - name: debugger
                image: busybox:1.36
              volumes:
              - name: tmp
                emptyDir: {}
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: iis
            spec:
              os: {name: windows}
              containers:
              - name: app
                image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
        "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        // The API refuses readOnlyRootFilesystem in a Windows pod.
        if pod.is_windows() {
            return;
        }
        for c in workload_containers(pod) {
            match c.node.entry_at(&["securityContext", "readOnlyRootFilesystem"]) {
                Some(e) if e.value.as_bool() == Some(true) => {}
                Some(e) => {
                    let edit = hits.editor().replace(&e.value, &Scalar::Bool(true));
                    hits.at(e.span(), joined!(c.label(), " has a writable root file system"))
                        .fix(container_fix(pod, &c, READ_ONLY_ROOT_FS.snippet))
                        .edit(edit);
                }
                None if pod.complete() => {
                    let edit =
                        hits.editor().set(c.node, &["securityContext", "readOnlyRootFilesystem"], Scalar::Bool(true));
                    hits.at(c.missing(&[]), joined!(c.label(), " does not set readOnlyRootFilesystem: true"))
                        .fix(container_fix(pod, &c, READ_ONLY_ROOT_FS.snippet))
                        .edit(edit);
                }
                None => {}
            }
        }
    },
};

pub static ROOT_USER_OR_GROUP: Rule = Rule {
    id: "workload/root-user-or-group",
    family: Family::Workload,
    title: "Pod or container runs as user 0 or with group 0",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "runAsUser: 0 is root, the same user as root on the node. Pod Security checks the \
        user only at the restricted level, and the group never: runAsGroup, fsGroup or \
        supplementalGroups of 0 give processes the root group, which owns many files on the node and \
        in images (for example /etc/shadow on some distributions).",
    references: &[SECURITY_CONTEXT_DOC],
    cis: &[],
    sources: &[trivy("KSV-0105"), trivy("KSV-0116")],
    kinds: kinds::WORKLOADS,
    remediation: "Use non-zero ids for runAsUser, runAsGroup, fsGroup and supplementalGroups.",
    snippet: "securityContext:\n  runAsUser: 10001\n  runAsGroup: 10001\n  fsGroup: 10001",
    pss: None,
    bad: &[
        indoc! {r#"
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                spec:
                  securityContext:
                    runAsGroup: 0  # expect: workload/root-user-or-group
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
                        runAsUser: 0  # expect: workload/root-user-or-group
                        fsGroup: 0  # expect: workload/root-user-or-group
                        supplementalGroups:
                        - 0  # expect: workload/root-user-or-group
                        - 2000
                      initContainers:
                      - name: chown
                        image: busybox:1.36
                        securityContext:
                          runAsUser: 0  # expect: workload/root-user-or-group
                      containers:
                      - name: web
                        image: nginx:1.27
                        securityContext:
                          runAsUser: 1000
                          runAsGroup: 0  # expect: workload/root-user-or-group
            "#},
    ],
    good: &[
        HARDENED,
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
                        runAsUser: 1000
                        runAsGroup: 3000
                        fsGroup: 2000
                        fsGroupChangePolicy: OnRootMismatch
                        supplementalGroups: [4000]
                      containers:
                      - name: backup
                        image: registry.example.com/backup:1.2
            "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        let is_zero = |n: &Node| n.as_i64() == Some(0);
        // At the restricted level pss/run-as-user reports user 0 already.
        let user_reported = hits.options().runs("pss/run-as-user");
        let fields: &[&str] =
            if user_reported { &["runAsGroup", "fsGroup"] } else { &["runAsUser", "runAsGroup", "fsGroup"] };
        let what = |field: &str| if field == "runAsUser" { "root" } else { "the root group" };
        for field in fields {
            if let Some(e) = pod.spec.entry_at(&["securityContext", field]).filter(|e| is_zero(&e.value)) {
                hits.at(e.span(), text!("the pod sets {field}: 0 ({})", what(field)))
                    .fix(pod_fix(pod, ROOT_USER_OR_GROUP.snippet));
            }
        }
        if let Some(groups) = pod.sc(&["supplementalGroups"]).and_then(Node::as_seq) {
            for g in groups.iter().filter(|g| is_zero(g)) {
                hits.node(g, "the pod adds supplemental group 0 (the root group)");
            }
        }
        for c in pod.containers() {
            for field in fields.iter().filter(|f| **f != "fsGroup") {
                if let Some(e) = c.node.entry_at(&["securityContext", field]).filter(|e| is_zero(&e.value)) {
                    hits.at(e.span(), text!("{} sets {field}: 0 ({})", c.label(), what(field))).fix(container_fix(
                        pod,
                        &c,
                        "securityContext:\n  runAsUser: 10001\n  runAsGroup: 10001",
                    ));
                }
            }
        }
    },
};

pub static AUTOMOUNT_TOKEN: Rule = Rule {
    id: "workload/automount-token",
    family: Family::Workload,
    title: "Service account token mounted into the pod",
    severity: Severity::Low,
    practice: Practice::ApiAccess,
    rationale: "Unless automountServiceAccountToken is false, every container gets a token for the \
        pod's service account. Most applications never call the Kubernetes API; for them the token \
        is only useful to an attacker who gets code execution in the pod.",
    references: &[Reference {
        title: "Kubernetes: Configure Service Accounts for Pods (opt out of API credential automounting)",
        url: "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
    }],
    cis: &[cis!("5.1.6", "Ensure that Service Account Tokens are only mounted where necessary")],
    sources: &[checkov("CKV_K8S_38"), kubescape("C-0034"), kubescape("C-0190"), trivy("KSV-0036"), polaris("automountServiceAccountToken")],
    kinds: kinds::workloads_and!("ServiceAccount", "RoleBinding", "ClusterRoleBinding"),
    remediation: "Set automountServiceAccountToken: false on the pod (or on its service account); \
        mount a projected token only where the API is really needed.",
    snippet: "automountServiceAccountToken: false",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:  # expect: workload/automount-token
              serviceAccountName: app
              containers:
              - name: app
                image: nginx:1.27
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: report
              namespace: jobs
            automountServiceAccountToken: false
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: report
              namespace: jobs
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      serviceAccountName: report
                      # The pod's own setting wins over its account's.
                      automountServiceAccountToken: true  # expect: workload/automount-token
                      restartPolicy: OnFailure
                      containers:
                      - name: report
                        image: registry.example.com/report:3.2
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: web
              namespace: shop
            automountServiceAccountToken: false
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
            spec:
              template:
                spec:
                  # Unset on the pod: the account's false applies.
                  serviceAccountName: web
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: operator
              namespace: ops
            subjects:
            - kind: ServiceAccount
              name: operator
              namespace: ops
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: operator
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: operator
              namespace: ops
            spec:
              template:
                spec:
                  # Bound to a role: this pod calls the API and needs its token.
                  serviceAccountName: operator
                  containers:
                  - name: operator
                    image: registry.example.com/operator:0.9
        "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        // The pod's own setting wins; the account's applies when it is unset.
        let entry = pod.spec.entry("automountServiceAccountToken").filter(|e| !e.value.is_null());
        if entry.is_some_and(|e| e.value.as_bool() == Some(false)) {
            return;
        }
        // The service account may opt out for every pod using it; and a
        // pod whose account is bound to a role in the input uses the API.
        let account = service_account(pod);
        let namespace = crate::rules::scope::namespace_of(object);
        let scope = hits.scope();
        let opted_out = entry.is_none() && scope.find("ServiceAccount", namespace, account).is_some_and(|sa| {
            sa.node.get("automountServiceAccountToken").and_then(Node::as_bool) == Some(false)
        });
        let bound = scope.account_is_bound(namespace, account);
        // Unset in a pod completed elsewhere: the run may set it.
        if !opted_out && !bound && (entry.is_some() || pod.complete()) {
            let at = entry.map_or_else(|| spec_key(pod), |e| e.span());
            let edit = hits.editor().set(pod.spec, &["automountServiceAccountToken"], Scalar::Bool(false));
            let hit = hits.at(at, joined!("the pod gets a token for service account ", ?account, "; set automountServiceAccountToken: false unless it calls the API"))
                .fix(pod_fix(pod, AUTOMOUNT_TOKEN.snippet));
            // Turning off a token someone asked for is less certain.
            match entry {
                Some(_) => hit.edit_as(crate::fix::Applicability::Unsafe, edit),
                None => hit.edit(edit),
            };
        }
    },
};

/// The pod spec's `spec:` key: where a missing pod-level field goes.
fn spec_key(pod: &PodView) -> crate::yaml::Span {
    pod.template.entry("spec").map_or(pod.spec.span, |e| e.key_span)
}

fn service_account<'a>(pod: &PodView<'a>) -> &'a str {
    pod.spec
        .get("serviceAccountName")
        .or_else(|| pod.spec.get("serviceAccount"))
        .and_then(Node::as_str)
        .unwrap_or("default")
}

pub static DEFAULT_SERVICE_ACCOUNT: Rule = Rule {
    id: "workload/default-service-account",
    family: Family::Workload,
    title: "Pod runs as the namespace's default service account",
    severity: Severity::Low,
    practice: Practice::ApiAccess,
    rationale: "Every pod without a serviceAccountName shares the namespace's default account, so \
        any permission granted to it for one workload is granted to all of them, and access cannot \
        be told apart in audit logs.",
    references: &[Reference {
        title: "Kubernetes: Service Accounts (use a dedicated service account per workload)",
        url: "https://kubernetes.io/docs/concepts/security/service-accounts/",
    }],
    cis: &[cis!("5.1.5", "Ensure that default service accounts are not actively used")],
    sources: &[kube_linter("default-service-account")],
    kinds: kinds::WORKLOADS,
    remediation: "Create a ServiceAccount per workload and set serviceAccountName.",
    snippet: "serviceAccountName: my-app",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:  # expect: workload/default-service-account
              automountServiceAccountToken: false
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
                  serviceAccountName: default  # expect: workload/default-service-account
                  automountServiceAccountToken: false
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              # The deprecated alias of serviceAccountName still names the account.
              serviceAccount: web
              automountServiceAccountToken: false
              containers:
              - name: app
                image: nginx:1.27
        "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        let named = pod.spec.entry("serviceAccountName");
        // Unset in a pod completed elsewhere: the run may set it.
        if service_account(pod) == "default" && (named.is_some() || pod.complete()) {
            let at = named.map_or_else(|| spec_key(pod), |e| e.span());
            hits.at(at, "the pod uses the namespace's default service account")
                .fix(pod_fix(pod, DEFAULT_SERVICE_ACCOUNT.snippet));
        }
    },
};

/// Container runtime sockets: whoever can talk to them controls every
/// container on the node.
const RUNTIME_SOCKETS: [&str; 12] = [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/run/k3s/containerd/containerd.sock",
    "/var/run/k3s/containerd/containerd.sock",
];

/// The runtime socket a host path reaches: the socket itself, or a directory
/// that holds it (`/run`, `/var/run/containerd`). `/` is left to
/// `workload/sensitive-host-path`, which reports the whole node.
fn runtime_socket(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    RUNTIME_SOCKETS.into_iter().find(|socket| {
        *socket == path || (!path.is_empty() && socket.strip_prefix(path).is_some_and(|rest| rest.starts_with('/')))
    })
}

/// Host paths that hold the node's credentials or control its kernel.
const SENSITIVE_PATHS: [&str; 16] = [
    "/",
    "/etc",
    "/root",
    "/home",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/var/lib/kubelet",
    "/var/lib/etcd",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/etc/kubernetes",
    "/var/run",
    "/run",
    "/usr/libexec/kubernetes",
];

/// Node directories the kubelet takes code or instructions from, running
/// them as root: writing there is running code on the node.
const KUBELET_INPUTS: [(&str, &str); 4] = [
    ("/usr/libexec/kubernetes/kubelet-plugins", "the kubelet executes the FlexVolume drivers in it as root"),
    ("/var/lib/kubelet/plugins", "the kubelet hands volume mounts and their secrets to the plugin sockets in it"),
    ("/var/lib/kubelet/plugins_registry", "the kubelet registers every plugin socket placed in it"),
    ("/etc/kubernetes/manifests", "the kubelet runs every pod manifest in it as a static pod"),
];

/// Why writing to `path` runs code through the kubelet: the path is one of
/// [`KUBELET_INPUTS`], inside one, or (with `parents`) a parent of one.
fn kubelet_input(path: &str, parents: bool) -> Option<String> {
    let under = |child: &str, parent: &str| {
        child == parent || parent == "/" || child.strip_prefix(parent).is_some_and(|rest| rest.starts_with('/'))
    };
    KUBELET_INPUTS.iter().find_map(|(dir, why)| {
        if under(path, dir) {
            Some((*why).to_owned())
        } else {
            (parents && under(dir, path)).then(|| text!("it holds {dir}, and {why}"))
        }
    })
}

/// Node paths whose read-only mount exposes little: public CA certificates,
/// the time zone, the syslog socket (which only accepts log lines).
const LOW_RISK_READ_ONLY: [(&str, &str); 5] = [
    ("/etc/ssl/certs", "public CA certificates"),
    ("/etc/pki", "public CA certificates"),
    ("/etc/ca-certificates", "public CA certificates"),
    ("/etc/localtime", "the node's time zone"),
    ("/dev/log", "the syslog socket, which only takes log lines"),
];

/// A hostPath volume that is a Unix socket: by its declared type, or by a
/// name sockets conventionally have.
fn is_socket(volume: &Node, path: &str) -> bool {
    volume.at(&["hostPath", "type"]).and_then(Node::as_str) == Some("Socket")
        || path.ends_with(".sock")
        || path.ends_with(".socket")
        || path.ends_with("_socket")
        || path == "/dev/log"
}

/// Every container mount of the volume is read-only (or there is none).
fn mounted_read_only(pod: &PodView, name: &str) -> bool {
    pod.containers().flat_map(|c| c.node.items("volumeMounts")).all(|m| {
        m.get("name").and_then(Node::as_str) != Some(name) || m.get("readOnly").and_then(Node::as_bool) == Some(true)
    })
}

fn host_path(volume: &Node) -> Option<(&Entry, &str)> {
    let entry = volume.entry("hostPath").filter(|e| !e.value.is_null())?;
    let path = entry.value.get("path").and_then(Node::as_str).unwrap_or("");
    let trimmed = path.trim_end_matches('/');
    Some((entry, if trimmed.is_empty() { "/" } else { trimmed }))
}

pub static RUNTIME_SOCKET: Rule = Rule {
    id: "workload/runtime-socket",
    family: Family::Workload,
    title: "Container runtime socket mounted into the pod",
    severity: Severity::Critical,
    practice: Practice::PodSecurity,
    rationale: "The Docker, containerd or CRI-O socket accepts commands to start privileged \
        containers with the node's file system mounted: mounting it is handing over the node, and \
        every other workload on it.",
    references: &[Reference {
        title: "Kubernetes: Pod Security Standards (HostPath volumes)",
        url: "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
    }],
    cis: &[],
    sources: &[checkov("CKV_K8S_27"), kubescape("C-0074"), trivy("KSV-0006"), kube_linter("docker-sock")],
    kinds: kinds::WORKLOADS,
    remediation: "Remove the socket mount. Build images with a rootless builder (BuildKit rootless, \
        Kaniko) and get container data through the kubelet or CRI APIs with proper authorization.",
    snippet: "volumes:\n  - name: scratch\n    emptyDir: {}",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: docker:27
              volumes:
              - name: sock
                hostPath:  # expect: workload/runtime-socket
                  path: /var/run/docker.sock
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: log-agent
            spec:
              template:
                spec:
                  containers:
                  - name: agent
                    image: registry.example.com/log-agent:2.0
                  volumes:
                  - name: containerd
                    hostPath:  # expect: workload/runtime-socket
                      path: /run/containerd/containerd.sock
                      type: Socket
                  - name: crio
                    hostPath:  # expect: workload/runtime-socket
                      path: /var/run/crio/crio.sock
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: node-debugger
            spec:
              template:
                spec:
                  containers:
                  - name: debugger
                    image: registry.example.com/debugger:1.2
                  volumes:
                  - name: run
                    hostPath:  # expect: workload/runtime-socket
                      path: /run
                  - name: cri-dockerd
                    hostPath:  # expect: workload/runtime-socket
                      path: /var/run/cri-dockerd.sock
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: log-agent
            spec:
              template:
                spec:
                  containers:
                  - name: agent
                    image: registry.example.com/log-agent:2.0
                  # Docker's log directory, not its socket.
                  volumes:
                  - name: container-logs
                    hostPath:
                      path: /var/lib/docker/containers
        "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        for volume in pod.volumes() {
            let Some((entry, path)) = host_path(volume) else { continue };
            if let Some(socket) = runtime_socket(path) {
                let what = if socket == path.trim_end_matches('/') {
                    text!("the container runtime socket {path} is mounted")
                } else {
                    text!("{path} is mounted, and with it any container runtime socket it holds ({socket}, ...)")
                };
                let name = volume.get("name").and_then(Node::as_str).unwrap_or("");
                hits.at(entry.span(), text!("{what}: it controls every container on the node")).fix(pod_fix(
                    pod,
                    &text!(
                        "# remove volume {name:?} ({path}) and its volumeMounts: driving the runtime is\n# node-level work for a separately reviewed agent, not an application pod."
                    ),
                ));
            }
        }
    },
};

/// `path` is one of [`SENSITIVE_PATHS`] or inside one.
fn sensitive(path: &str) -> bool {
    SENSITIVE_PATHS
        .iter()
        .any(|s| path == *s || (*s != "/" && path.strip_prefix(s).is_some_and(|rest| rest.starts_with('/'))))
}

pub static SENSITIVE_HOST_PATH: Rule = Rule {
    id: "workload/sensitive-host-path",
    family: Family::Workload,
    title: "Sensitive directory of the node mounted",
    severity: Severity::High,
    practice: Practice::PodSecurity,
    rationale: "The node's root, /etc, /proc, /sys, /dev, the kubelet's and the runtime's state \
        directories hold node credentials, other pods' secrets and the kernel's controls; mounting \
        them lets a compromised container read or change all of it.",
    references: &[Reference {
        title: "Kubernetes: Volumes (hostPath security considerations)",
        url: "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
    }],
    cis: &[],
    sources: &[kube_linter("sensitive-host-mounts")],
    kinds: kinds::WORKLOADS,
    remediation: "Mount only the specific file or directory needed, read-only, or use a CSI driver \
        or a ConfigMap instead.",
    snippet: "volumes:\n  - name: config\n    configMap:\n      name: app-config",
    pss: None,
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
              volumes:
              - name: etc
                hostPath:  # expect: workload/sensitive-host-path
                  path: /etc
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: csi-node
            spec:
              template:
                spec:
                  containers:
                  - name: driver
                    image: registry.example.com/csi-driver:1.0
                    volumeMounts:
                    - name: certs
                      mountPath: /etc/ssl/certs
                      readOnly: true
                  volumes:
                  - name: certs
                    hostPath:  # expect: workload/sensitive-host-path
                      path: /etc/ssl/certs
                  - name: plugins
                    hostPath:  # expect: workload/sensitive-host-path
                      path: /var/lib/kubelet/plugins
                  - name: devlog
                    hostPath:  # expect: workload/sensitive-host-path
                      path: /dev/log
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: etcd-backup
            spec:
              containers:
              - name: backup
                image: registry.example.com/etcd-backup:3.5
              volumes:
              - name: etcd-data
                hostPath:  # expect: workload/sensitive-host-path
                  path: /var/lib/etcd
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: log-agent
            spec:
              template:
                spec:
                  containers:
                  - name: agent
                    image: registry.example.com/log-agent:2.0
                  volumes:
                  - name: varlog
                    hostPath:
                      path: /var/log
                  # A runtime socket is workload/runtime-socket's finding.
                  - name: docker
                    hostPath:
                      path: /run/docker.sock
        "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        for volume in pod.volumes() {
            let Some((entry, path)) = host_path(volume).filter(|(_, p)| sensitive(p) && !RUNTIME_SOCKETS.contains(p))
            else {
                continue;
            };
            let name = volume.get("name").and_then(Node::as_str).unwrap_or("");
            let low_risk = LOW_RISK_READ_ONLY
                .iter()
                .find(|(p, _)| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')));
            match low_risk {
                Some((_, what)) if is_socket(volume, path) || mounted_read_only(pod, name) => {
                    let how = if is_socket(volume, path) { "mounted" } else { "mounted read-only" };
                    hits.at(entry.span(), joined!("the node's ", path, " is ", how, ": it holds ", *what, ", a small exposure"))
                        .severity(Severity::Low)
                        .fix(pod_fix(pod, &joined!("# volume ", ?name, " mounts the node's ", path, ": keep it read-only, or mount only the\n# file the container needs (a ConfigMap or projected volume where it can be one).")));
                }
                _ => {
                    // Read access to a parent of the kubelet's inputs is
                    // covered by the path itself; writes are the other rule's.
                    let why = kubelet_input(path, false);
                    let (colon, why) = why.as_deref().map_or(("", ""), |why| (": ", why));
                    hits.at(entry.span(), joined!("the node's ", path, " is mounted into the pod", colon, why)).fix(pod_fix(
                        pod,
                        &joined!(
                            "# volume ",
                            ?name,
                            " mounts the node's ",
                            path,
                            ": remove it, or mount only the file\n# the container needs, read-only; keep the container's own data in an\n# emptyDir or a PersistentVolumeClaim."
                        ),
                    ));
                }
            }
        }
    },
};

pub static WRITABLE_HOST_PATH: Rule = Rule {
    id: "workload/writable-host-path",
    family: Family::Workload,
    title: "Node directory mounted writable",
    severity: Severity::Medium,
    practice: Practice::PodSecurity,
    rationale: "A hostPath mounted without readOnly lets the container change files on the node, \
        which other pods and the node itself trust: planting binaries, editing configuration, or \
        filling the disk. Where the kubelet takes code from (its plugin directories, the static pod \
        manifests) a write runs code as root on the node. A mounted Unix socket is reachable \
        whatever readOnly says.",
    references: &[Reference {
        title: "Kubernetes: Volumes (hostPath)",
        url: "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
    }],
    cis: &[],
    sources: &[kubescape("C-0045"), kube_linter("writable-host-mount")],
    kinds: kinds::WORKLOADS,
    remediation: "Add readOnly: true to the volumeMount (and keep writable data in emptyDir or a \
        PersistentVolumeClaim). For a socket, remove the mount unless the container must use that \
        service.",
    snippet: "volumeMounts:\n  - name: logs\n    mountPath: /host/var/log\n    readOnly: true",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              containers:
              - name: app
                image: fluent-bit:3.1
                volumeMounts:
                - name: logs  # expect: workload/writable-host-path
                  mountPath: /var/log
              volumes:
              - name: logs
                hostPath:
                  path: /var/log
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: csi-node
            spec:
              template:
                spec:
                  containers:
                  - name: driver
                    image: registry.example.com/csi-driver:1.0
                    volumeMounts:
                    - name: plugin-dir  # expect: workload/writable-host-path
                      mountPath: /csi
                    # readOnly does not stop a client talking to a socket.
                    - name: containerd  # expect: workload/writable-host-path
                      mountPath: /run/containerd/containerd.sock
                      readOnly: true
                  volumes:
                  - name: plugin-dir
                    hostPath:
                      path: /var/lib/kubelet/plugins/csi.example.com
                      type: DirectoryOrCreate
                  - name: containerd
                    hostPath:
                      path: /run/containerd/containerd.sock
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
                image: fluent-bit:3.1
                volumeMounts:
                - name: logs
                  mountPath: /var/log
                  readOnly: true
                # Writable, but not the node's.
                - name: buffer
                  mountPath: /var/fluent-bit
              volumes:
              - name: logs
                hostPath:
                  path: /var/log
              - name: buffer
                emptyDir: {}
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: node-exporter
            spec:
              template:
                spec:
                  initContainers:
                  - name: check
                    image: busybox:1.36
                    volumeMounts:
                    - name: sys
                      mountPath: /host/sys
                      readOnly: true
                  containers:
                  - name: exporter
                    image: quay.io/prometheus/node-exporter:v1.8.2
                    volumeMounts:
                    - name: sys
                      mountPath: /host/sys
                      readOnly: true
                  volumes:
                  - name: sys
                    hostPath:
                      path: /sys
        "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        let host_volumes: Vec<(&str, &Node, &str)> = pod
            .volumes()
            .iter()
            .filter_map(|v| Some((v.get("name").and_then(Node::as_str)?, v, host_path(v)?.1)))
            .collect();
        for c in pod.containers() {
            for mount in c.node.items("volumeMounts") {
                let name = mount.get("name").and_then(Node::as_str).unwrap_or("");
                let Some(&(_, volume, path)) = host_volumes.iter().find(|(n, _, _)| *n == name) else { continue };
                // readOnly covers reads and writes of files; connecting to a
                // socket is neither, so a socket is reported either way.
                if is_socket(volume, path) {
                    hits.node(mount, text!("{} mounts the node's socket {path}: readOnly would not stop it talking to the service behind it", c.label()))
                        .fix(text!("# readOnly does not restrict a Unix socket. Remove volume {name:?} from\n# {}.{} {:?} unless it must use the service listening on {path},\n# and limit what that service lets its clients do.\n", pod.spec_path, c.list.field(), c.name));
                } else if mount.get("readOnly").and_then(Node::as_bool) != Some(true) {
                    let fix =
                        container_fix(pod, &c, &joined!("volumeMounts:\n  - name: ", name, "\n    readOnly: true"));
                    match kubelet_input(path, true) {
                        Some(why) => hits
                            .node(mount, joined!(c.label(), " mounts the node's ", path, " writable: ", why))
                            .fix(fix)
                            .severity(Severity::High),
                        None => hits.node(mount, joined!(c.label(), " mounts the node's ", path, " writable")).fix(fix),
                    };
                }
            }
        }
    },
};

pub static HOST_PATH_PERSISTENT_VOLUME: Rule = Rule {
    id: "workload/host-path-persistent-volume",
    family: Family::Workload,
    title: "PersistentVolume points at a directory of the node",
    severity: Severity::High,
    practice: Practice::PodSecurity,
    rationale: "A PersistentVolume with hostPath becomes a mount of the node's directory in every \
        pod whose claim binds to it. The pod only names a persistentVolumeClaim, which Pod Security \
        allows at every level, so the node mount happens outside its view, with the same risks as \
        a hostPath volume in the pod.",
    references: &[Reference {
            title: "Kubernetes: Persistent Volumes (hostPath is for single-node testing only)",
            url: "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#types-of-persistent-volumes",
        }, Reference {
            title: "Kubernetes: Role Based Access Control Good Practices (persistent volume creation)",
            url: "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#persistent-volume-creation",
        }],
    cis: &[cis!("5.1.9", "Minimize access to create persistent volumes")],
    sources: &[],
    kinds: &["PersistentVolume"],
    remediation: "Provision storage through a StorageClass backed by a CSI driver instead of a \
        hostPath PersistentVolume, and keep the right to create PersistentVolumes to cluster \
        administrators.",
    snippet: "# delete the hostPath PersistentVolume; claims get storage from a StorageClass:\nspec:\n  storageClassName: standard",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: data
            spec:
              capacity: {storage: 10Gi}
              accessModes: [ReadWriteOnce]
              hostPath:  # expect: workload/host-path-persistent-volume
                path: /var/lib/data
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: manifests
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadWriteOnce]
              hostPath:  # expect: workload/host-path-persistent-volume
                path: /etc/kubernetes/manifests
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: node-etc
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadOnlyMany]
              hostPath:  # expect: workload/host-path-persistent-volume
                path: /etc
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: docker-data
            spec:
              capacity: {storage: 50Gi}
              accessModes: [ReadWriteOnce]
              hostPath:  # expect: workload/host-path-persistent-volume
                path: /var/lib/docker
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: data
            spec:
              capacity: {storage: 10Gi}
              accessModes: [ReadWriteOnce]
              csi:
                driver: ebs.csi.aws.com
                volumeHandle: vol-0123456789abcdef0
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: local-ssd
            spec:
              capacity: {storage: 100Gi}
              accessModes: [ReadWriteOnce]
              storageClassName: local-storage
              # A local volume: a dedicated disk, pinned to its node.
              local:
                path: /mnt/disks/ssd1
              nodeAffinity:
                required:
                  nodeSelectorTerms:
                  - matchExpressions:
                    - key: kubernetes.io/hostname
                      operator: In
                      values: [node-1]
        "#},
    ],
    check: |object, hits| {
        if object.kind != "PersistentVolume" || !object.group().is_empty() {
            return;
        }
        let Some((entry, path)) = object.node.get("spec").and_then(host_path) else { return };
        let why = match kubelet_input(path, true) {
            Some(why) => text!(": {why}"),
            None if sensitive(path) => ", a sensitive directory of the node".to_owned(),
            None => String::new(),
        };
        hits.at(entry.span(), text!("PersistentVolume {:?} mounts the node's {path} into any pod whose claim binds to it{why}", object.name.unwrap_or("")))
            .fix(text!("# PersistentVolume {:?}: delete it and let its claims use a StorageClass\n# backed by a CSI driver (persistentVolumeClaim spec.storageClassName).\n", object.name.unwrap_or("")));
    },
};

pub static SHARE_PROCESS_NAMESPACE: Rule = Rule {
    id: "workload/share-process-namespace",
    family: Family::Workload,
    title: "Containers of the pod share one process namespace",
    severity: Severity::Low,
    practice: Practice::PodSecurity,
    rationale: "With shareProcessNamespace every container sees and can signal the others' \
        processes, and read their environment and file systems through /proc: a compromise of the \
        weakest container reaches the secrets of the others.",
    references: &[Reference {
        title: "Kubernetes: Share Process Namespace between Containers in a Pod",
        url: "https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/",
    }],
    cis: &[],
    sources: &[],
    kinds: kinds::WORKLOADS,
    remediation: "Remove shareProcessNamespace unless a debugging sidecar really needs it.",
    snippet: "shareProcessNamespace: false",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              shareProcessNamespace: true  # expect: workload/share-process-namespace
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
                  shareProcessNamespace: true  # expect: workload/share-process-namespace
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
                  - name: vault-agent
                    image: hashicorp/vault:1.17
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
            spec:
              shareProcessNamespace: false
              containers:
              - name: app
                image: nginx:1.27
        "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        if let Some(e) = pod.spec.entry("shareProcessNamespace").filter(|e| e.value.as_bool() == Some(true)) {
            let edit = hits.editor().replace(&e.value, &Scalar::Bool(false));
            hits.at(e.span(), "containers share a process namespace: each can read the others' processes and secrets")
                .fix(pod_fix(pod, SHARE_PROCESS_NAMESPACE.snippet))
                .edit(edit);
        }
    },
};

/// Capabilities that are each enough to escape, sniff or tamper.
const DANGEROUS: [(&str, &str); 12] = [
    ("SYS_ADMIN", "mounts, namespaces and much of the kernel: a near-complete escape"),
    ("NET_ADMIN", "network configuration: reroute or intercept the pod network"),
    ("SYS_PTRACE", "tracing other processes: read their memory and secrets"),
    ("BPF", "loading eBPF programs: observe or alter the whole node"),
    ("SYS_MODULE", "loading kernel modules: full control of the node"),
    ("SYS_RAWIO", "raw device I/O"),
    ("DAC_READ_SEARCH", "reading any file, including through open_by_handle_at escapes"),
    ("PERFMON", "kernel performance monitoring: observe other workloads"),
    ("NET_RAW", "raw sockets: spoofing and sniffing on the pod network"),
    ("SYS_BOOT", "rebooting the node"),
    (
        "SYS_TIME",
        "setting the node's clock for every workload: certificates and tokens stop validating or outlive their expiry",
    ),
    ("ALL", "every capability"),
];

pub static DANGEROUS_CAPABILITIES: Rule = Rule {
    id: "workload/dangerous-capabilities",
    family: Family::Workload,
    title: "Container adds a capability that breaks isolation",
    severity: Severity::High,
    practice: Practice::PodSecurity,
    rationale: "Some capabilities are each enough to leave the container or spy on the node and \
        its neighbours: SYS_ADMIN, NET_ADMIN, SYS_PTRACE, BPF, SYS_MODULE and the like; SYS_TIME \
        sets the clock of the whole node, which every certificate and token check depends on. They deserve \
        a reviewer's attention whatever Pod Security level a namespace enforces.",
    references: &[SECURITY_CONTEXT_DOC],
    cis: &[cis!("5.2.9", "Minimize the admission of containers with added capabilities")],
    sources: &[
        checkov("CKV_K8S_39"),
        kubescape("C-0046"),
        trivy("KSV-0005"),
        trivy("KSV-0119"),
        trivy("KSV-0120"),
        polaris("dangerousCapabilities"),
    ],
    kinds: kinds::WORKLOADS,
    remediation: "Remove the capability; find a design that does not need it (a node agent reviewed \
        on its own, a narrower capability).",
    snippet: "securityContext:\n  capabilities:\n    drop: [\"ALL\"]",
    pss: None,
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
                    add: ["SYS_PTRACE"]  # expect: workload/dangerous-capabilities
        "#},
        indoc! {r#"
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: net-agent
            spec:
              template:
                spec:
                  initContainers:
                  - name: setup
                    image: registry.example.com/net-setup:1.0
                    securityContext:
                      capabilities:
                        add:
                        - CAP_NET_ADMIN  # expect: workload/dangerous-capabilities
                        - net_raw  # expect: workload/dangerous-capabilities
                  containers:
                  - name: agent
                    image: registry.example.com/net-agent:1.0
                    securityContext:
                      capabilities:
                        add: [ALL]  # expect: workload/dangerous-capabilities
        "#},
    ],
    good: &[
        HARDENED,
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
                    drop: [SYS_ADMIN, NET_RAW]
                    add: [NET_BIND_SERVICE, CHOWN]
        "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        for c in pod.containers() {
            for cap in c.sc(&["capabilities"]).map_or(&[][..], |caps| caps.items("add")) {
                let name = cap.as_str().unwrap_or("");
                let name = name.strip_prefix("CAP_").unwrap_or(name).to_ascii_uppercase();
                if let Some((_, why)) = DANGEROUS.iter().find(|(n, _)| *n == name) {
                    hits.node(cap, text!("{} adds {name}: {why}", c.label())).fix(container_fix(
                        pod,
                        &c,
                        DANGEROUS_CAPABILITIES.snippet,
                    ));
                }
            }
        }
    },
};

pub static RECOGNISED_BY_SHAPE: Rule = Rule {
    id: "workload/recognised-by-shape",
    family: Family::Workload,
    title: "Custom resource checked as a workload by its shape",
    severity: Severity::Info,
    practice: Practice::PodSecurity,
    rationale: "Posture knows where the built-in workloads and common operators' kinds keep \
        their pods (see the README's table of kinds). A custom resource of another kind that \
        holds spec.template.spec.containers almost certainly templates pods, so it gets every \
        pod rule; this note says that was inferred from its shape, not known from its kind.",
    references: &[Reference {
        title: "Kubernetes: Pod templates",
        url: "https://kubernetes.io/docs/concepts/workloads/pods/#pod-templates",
    }],
    cis: &[],
    sources: &[],
    kinds: &["*"],
    remediation: "Nothing to fix. If the kind's controller does not make pods from \
        spec.template, suppress its findings with a posture.dev/ignore annotation.",
    snippet: "metadata:\n  annotations:\n    posture.dev/ignore: |\n      pss: not a pod template (WebApp renders it into a ConfigMap)",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: example.com/v1
        kind: WebApp  # expect: workload/recognised-by-shape
        metadata:
          name: web
        spec:
          template:
            spec:
              automountServiceAccountToken: false
              containers:
              - name: web
                image: registry.example.com/web:1.4.2
    "#}],
    good: &[HARDENED, "apiVersion: example.com/v1\nkind: Config\nmetadata:\n  name: c\nspec:\n  template:\n    name: x\n"],
    check: |object, hits| {
        if object.pod().is_some_and(|pod| !pod.known_kind) {
            let at = object.node.entry("kind").map_or(object.node.span, Entry::span);
            hits.at(at, text!("{} ({}) is not a kind Posture knows; it holds spec.template.spec.containers, so it is checked as a workload", object.kind, object.api_version));
        }
    },
};

pub static RULES: &[&Rule] = &[
    &RESOURCES,
    &READ_ONLY_ROOT_FS,
    &ROOT_USER_OR_GROUP,
    &AUTOMOUNT_TOKEN,
    &DEFAULT_SERVICE_ACCOUNT,
    &RUNTIME_SOCKET,
    &SENSITIVE_HOST_PATH,
    &WRITABLE_HOST_PATH,
    &HOST_PATH_PERSISTENT_VOLUME,
    &SHARE_PROCESS_NAMESPACE,
    &DANGEROUS_CAPABILITIES,
    &RECOGNISED_BY_SHAPE,
];

/// Placeholders for the missing requests and limits, each group created
/// where missing.
/// A container's resource field that `workload/missing-resources` asks
/// for: where it goes, its name in messages, and its placeholder's text.
#[derive(Clone, Copy)]
struct Resource {
    group: &'static str,
    what: &'static str,
    path: &'static str,
    example: &'static str,
}

/// The fields asked for, in the order messages name them. A CPU limit is
/// left out on purpose (see the rule).
const RESOURCE_FIELDS: [Resource; 3] = [
    Resource { group: "requests", what: "cpu", path: "requests.cpu", example: "requests.cpu, such as 100m" },
    Resource { group: "requests", what: "memory", path: "requests.memory", example: "requests.memory, such as 256Mi" },
    Resource { group: "limits", what: "memory", path: "limits.memory", example: "limits.memory, such as 256Mi" },
];

fn resource_placeholders(editor: &crate::fix::Editor, c: &Container, missing: &[Resource]) -> crate::fix::Planned {
    use crate::fix::{placeholder, Val};
    let mut groups: Vec<(String, Vec<(String, Val)>)> = Vec::new();
    for r in missing {
        let value = Val::Scalar(placeholder(r.example));
        match groups.iter_mut().find(|(g, _)| g == r.group) {
            Some((_, items)) => items.push((r.what.to_owned(), value)),
            None => groups.push((r.group.to_owned(), vec![(r.what.to_owned(), value)])),
        }
    }
    if c.node.get("resources").is_none() {
        let groups = groups.into_iter().map(|(g, items)| (g, Val::Map(items))).collect();
        return editor.set(c.node, &["resources"], Val::Map(groups));
    }
    let mut edits = Vec::new();
    for (group, items) in groups {
        if c.node.at(&["resources", &group]).is_none() {
            edits.extend(editor.set(c.node, &["resources", &group], Val::Map(items))?);
        } else {
            for (what, v) in items {
                edits.extend(editor.set(c.node, &["resources", &group, &what], v)?);
            }
        }
    }
    Ok(edits)
}

//! Which rules fix their findings, and how far the fix may be trusted; or
//! why a rule has no fix. Read by the docs and `posture rules`, and checked
//! against what each rule's check produces (`tests/fixes.rs`). A rule's
//! case may be less safe than declared (an explicit choice replaced rather
//! than a missing setting added); never safer.

use super::Applicability;

/// A rule's fix, as declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declared {
    Fix(Applicability),
    /// No mechanical fix, and why.
    None(&'static str),
}

impl Declared {
    pub fn applicability(self) -> Option<Applicability> {
        match self {
            Declared::Fix(a) => Some(a),
            Declared::None(_) => None,
        }
    }
}

const DESIGN: &str = "the remedy is a design decision (what to grant, expose or keep), not an edit";
const CLUSTER: &str = "the remedy is on the cluster or another object, not in this text";
const VALUE: &str = "the remedy needs files or secrets only the operator has (keys, certificates, CAs)";

pub fn declared(id: &str) -> Declared {
    use Applicability::*;
    use Declared::{Fix, None};
    match id {
        // Pod Security
        "pss/allow-privilege-escalation" | "pss/seccomp-restricted" => Fix(Safe),
        "pss/privileged"
        | "pss/host-namespaces"
        | "pss/host-ports"
        | "pss/run-as-non-root"
        | "pss/apparmor"
        | "pss/seccomp-baseline"
        | "pss/proc-mount"
        | "pss/proc-mount-restricted"
        | "pss/capabilities-restricted"
        | "pss/capabilities-baseline" => Fix(Unsafe),
        "pss/run-as-user" => Fix(NeedsValue),
        // Workloads and images
        "workload/automount-token" | "image/pull-policy" => Fix(Safe),
        "workload/read-only-root-fs" | "workload/share-process-namespace" => Fix(Unsafe),
        "workload/resources" => Fix(NeedsValue),
        // Control plane
        "controller-manager/bind-address" | "scheduler/bind-address" => Fix(Unsafe),
        "pss/host-probes-lifecycle" => {
            None("the probe's host must become the pod's own address; which port and path to use is the workload's")
        }
        "pss/sysctls" => {
            None("an unsafe sysctl is there because the workload needs it; removing it is a design decision")
        }
        "pss/windows-host-process" => {
            None("a HostProcess pod is built to run on the host; it has to be redesigned, not edited")
        }
        "pss/host-path-volumes" | "pss/restricted-volumes" => {
            None("what replaces a host or restricted volume depends on the data it holds")
        }
        "pss/selinux" => None("the right SELinux label depends on the node's policy"),
        "workload/root-user-or-group" => None("a non-root UID and GID depend on the image"),
        "workload/default-service-account" => None("a dedicated service account has to be created (and bound) first"),
        "workload/dangerous-capabilities"
        | "workload/runtime-socket"
        | "workload/sensitive-host-path"
        | "workload/writable-host-path"
        | "workload/host-path-persistent-volume" => None(DESIGN),
        "image/latest-tag" | "image/not-pinned" | "image/registry-allowlist" => {
            None("the tag, digest or mirror to use is a value only the user knows; not yet offered as a placeholder")
        }
        "apiserver/profiling" | "controller-manager/profiling" | "scheduler/profiling" => Fix(Safe),
        "apiserver/static-credentials"
        | "apiserver/kubelet-client-tls"
        | "apiserver/etcd-client-tls"
        | "apiserver/serving-tls"
        | "etcd/client-tls"
        | "etcd/auto-tls"
        | "etcd/peer-tls"
        | "controller-manager/service-account-keys"
        | "kubelet/client-ca" => None(VALUE),
        "apiserver/anonymous-auth"
        | "apiserver/authorization-mode"
        | "apiserver/insecure-port"
        | "apiserver/admission-plugins"
        | "apiserver/service-account-lookup"
        | "kubelet/anonymous-auth"
        | "kubelet/authorization-mode" => {
            None("changing how a control-plane component authenticates, authorizes or admits can lock clients out; not yet offered")
        }
        "apiserver/weak-tls" => None("which cipher suites to keep depends on the clients; not yet offered"),
        "apiserver/audit-log" => None("it needs an audit policy file on the node"),
        "apiserver/audit-log-retention" => {
            None("the retention values are the operator's policy; not yet offered as a placeholder")
        }
        "apiserver/encryption-provider-config" => None("it needs an EncryptionConfiguration and keys on the node"),
        "apiserver/removed-flag" => None("the flag has to go, and what replaces it depends on the setup; not yet offered"),
        "controller-manager/service-account-credentials" => {
            None("each controller then needs its own RBAC role (kubeadm creates them); not yet offered")
        }
        _ if id.starts_with("kubelet/") => {
            None("kubelet settings are not edited yet: the configuration file and the flags need edits of their own")
        }
        _ if id.starts_with("rbac/") => None("which permissions a subject really needs is a design decision"),
        _ if id.starts_with("network/") || id.starts_with("service/") => {
            None("a policy or exposure change has to describe the application's real traffic")
        }
        _ if id.starts_with("encryption/") => None("changing providers needs keys and a rewrite of the stored Secrets"),
        _ if id.starts_with("audit/") => None("what to log is a policy decision and changes the log volume"),
        _ if id.starts_with("secrets/") => None("the secret has to be moved to a Secret or a store and rotated"),
        _ => None(CLUSTER),
    }
}

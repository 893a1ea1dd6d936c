//! `pss/*`: the Pod Security Standards, with Pod Security Admission's exact
//! semantics at policy version v1.37 (what `latest` means today).
//!
//! Each rule mirrors one PSA check (its id is in the rule's `pss` metadata).
//! A check failing for a pod is one or more findings, each on the field that
//! breaks the control, or, for a missing field, on the object that should
//! hold it. Rules run for every workload kind through [`PodView`].

mod capabilities;
mod host;
mod privilege;
mod profiles;
mod users;
mod volumes;

use crate::k8s::{Container, ContainerList, PodView};
use crate::rules::{Reference, Rule};

pub use capabilities::{CAPABILITIES_BASELINE, CAPABILITIES_RESTRICTED};
pub use host::{HOST_NAMESPACES, HOST_PORTS, HOST_PROBES, SYSCTLS, WINDOWS_HOST_PROCESS};
pub use privilege::{ALLOW_PRIVILEGE_ESCALATION, PRIVILEGED, PROC_MOUNT, PROC_MOUNT_RESTRICTED};
pub use profiles::{APPARMOR, SECCOMP_BASELINE, SECCOMP_RESTRICTED, SELINUX};
pub use users::{RUN_AS_NON_ROOT, RUN_AS_USER};
pub use volumes::{HOST_PATH_VOLUMES, RESTRICTED_VOLUMES};

/// The policy version these rules implement.
pub const POLICY_VERSION: &str = "v1.37";

pub const PSS_DOC: Reference = Reference {
    title: "Kubernetes: Pod Security Standards",
    url: "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
};

/// Reference to the PSA source of a check.
macro_rules! psa_source {
    ($file:literal) => {
        crate::rules::Reference {
            title: concat!("Pod Security Admission: ", $file),
            url: concat!("https://github.com/kubernetes/pod-security-admission/blob/master/policy/", $file),
        }
    };
}
pub(crate) use psa_source;

/// `container "app"`, `init container "setup"`, ...
pub fn label(c: &Container) -> String {
    let kind = match c.list {
        ContainerList::Init => "init container",
        ContainerList::Regular => "container",
        ContainerList::Ephemeral => "ephemeral container",
    };
    format!("{kind} {}", crate::clip::quoted(c.name))
}

/// A fix inside one container, shown where it goes.
pub fn container_fix(pod: &PodView, c: &Container, body: &str) -> String {
    let list = c.list.field();
    let mut fix = format!("# in {}.{list}\n{list}:\n  - name: {}\n", pod.spec_path, crate::clip::value(c.name));
    for line in body.lines() {
        fix.push_str("    ");
        fix.push_str(line);
        fix.push('\n');
    }
    fix
}

/// A fix in the pod spec, shown where it goes.
pub fn pod_fix(pod: &PodView, body: &str) -> String {
    format!("# in {}\n{body}\n", pod.spec_path)
}

pub static RULES: &[&Rule] = &[
    &HOST_NAMESPACES,
    &PRIVILEGED,
    &CAPABILITIES_BASELINE,
    &HOST_PATH_VOLUMES,
    &HOST_PORTS,
    &HOST_PROBES,
    &APPARMOR,
    &SELINUX,
    &PROC_MOUNT,
    &SECCOMP_BASELINE,
    &SYSCTLS,
    &WINDOWS_HOST_PROCESS,
    &RESTRICTED_VOLUMES,
    &ALLOW_PRIVILEGE_ESCALATION,
    &RUN_AS_NON_ROOT,
    &RUN_AS_USER,
    &SECCOMP_RESTRICTED,
    &CAPABILITIES_RESTRICTED,
    &PROC_MOUNT_RESTRICTED,
];

//! `pss/*`: the Pod Security Standards, with Pod Security Admission's exact
//! semantics at any policy version from v1.0 to v1.37 (what `latest` means
//! today): the run's `pss_version`, or a namespace's `enforce-version`.
//!
//! Each rule mirrors one PSA check (its id is in the rule's `pss` metadata,
//! with the first version that has it); how a check changed in later
//! versions is in [`versions`], following PSA's versioned implementations.
//! A check failing for a pod is one or more findings, each on the field that
//! breaks the control, or, for a missing field, on the object that should
//! hold it. Rules run for every workload kind through [`PodView`].

mod capabilities;
mod host;
mod privilege;
mod profiles;
mod users;
mod versions;
mod volumes;

use crate::rules::Rule;

pub use capabilities::{CAPABILITIES_BASELINE, CAPABILITIES_RESTRICTED};
pub use host::{HOST_NAMESPACES, HOST_PORTS, HOST_PROBES, SYSCTLS, WINDOWS_HOST_PROCESS};
pub use privilege::{ALLOW_PRIVILEGE_ESCALATION, PRIVILEGED, PROC_MOUNT, PROC_MOUNT_RESTRICTED};
pub use profiles::{APPARMOR, SECCOMP_BASELINE, SECCOMP_RESTRICTED, SELINUX};
pub use users::{RUN_AS_NON_ROOT, RUN_AS_USER};
pub use volumes::{HOST_PATH_VOLUMES, RESTRICTED_VOLUMES};

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

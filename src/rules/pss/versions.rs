//! How the Pod Security checks changed across policy versions, from PSA's
//! own versioned implementations (`policy/check_*.go` in
//! kubernetes/pod-security-admission: each check lists implementations with
//! a `MinimumVersion`). When each check first appears is its rule's
//! `PssControl::since`; what changed later is here, and the rules ask.

use crate::k8s::PodView;
use crate::rules::standards::PolicyVersion;

/// v1.25: `allowPrivilegeEscalation`, `capabilities_restricted` and
/// `seccompProfile_restricted` allow pods with `spec.os.name: windows`
/// (`*_1_25` in PSA).
const WINDOWS_EXEMPT: PolicyVersion = PolicyVersion::v1(25);

/// v1.35: `procMount` (baseline), `runAsNonRoot` and `runAsUser` allow pods
/// with `hostUsers: false` (`relaxPolicyForUserNamespacePod`).
const USER_NAMESPACE_RELAXED: PolicyVersion = PolicyVersion::v1(35);

/// v1.19: `seccompProfile_baseline` reads the `seccompProfile` fields; before
/// it read the `seccomp.security.alpha.kubernetes.io` annotations only.
const SECCOMP_FIELDS: PolicyVersion = PolicyVersion::v1(19);

/// v1.31: `seLinuxOptions` allows type `container_engine_t`.
const CONTAINER_ENGINE_T: PolicyVersion = PolicyVersion::v1(31);

/// Whether a restricted check that exempts Windows pods skips this pod.
pub fn windows_exempt(pod: &PodView, version: PolicyVersion) -> bool {
    version.at_least(WINDOWS_EXEMPT) && pod.is_windows()
}

/// Whether a check relaxed for pods in a user namespace skips this pod.
pub fn user_namespace_relaxes(pod: &PodView, version: PolicyVersion) -> bool {
    version.at_least(USER_NAMESPACE_RELAXED) && pod.in_user_namespace()
}

/// Whether the seccomp checks read the fields (else the annotations).
pub fn seccomp_fields(version: PolicyVersion) -> bool {
    version.at_least(SECCOMP_FIELDS)
}

/// The SELinux types allowed at a version.
pub fn selinux_type_allowed(t: &str, version: PolicyVersion) -> bool {
    matches!(t, "" | "container_t" | "container_init_t" | "container_kvm_t")
        || (t == "container_engine_t" && version.at_least(CONTAINER_ENGINE_T))
}

/// The sysctls each version added to the allowed set (`sysctlsAllowedV1Dot*`).
const SYSCTLS: [(PolicyVersion, &[&str]); 5] = [
    (
        PolicyVersion::v1(0),
        &[
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_unprivileged_port_start",
        ],
    ),
    (PolicyVersion::v1(27), &["net.ipv4.ip_local_reserved_ports"]),
    (
        PolicyVersion::v1(29),
        &[
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes",
        ],
    ),
    (PolicyVersion::v1(32), &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]),
    (PolicyVersion::v1(37), &["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"]),
];

/// Whether a sysctl is in the set allowed at a version (names match exactly).
pub fn sysctl_allowed(name: &str, version: PolicyVersion) -> bool {
    SYSCTLS.iter().filter(|(since, _)| version.at_least(*since)).any(|(_, names)| names.contains(&name))
}

/// The version a sysctl became allowed, if it ever did.
pub fn sysctl_allowed_since(name: &str) -> Option<PolicyVersion> {
    SYSCTLS.iter().find(|(_, names)| names.contains(&name)).map(|(since, _)| *since)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysctl_sets_grow_as_in_psa() {
        let count = |minor| {
            SYSCTLS
                .iter()
                .flat_map(|(_, names)| names.iter())
                .filter(|n| sysctl_allowed(n, PolicyVersion::v1(minor)))
                .count()
        };
        assert_eq!(
            [count(0), count(26), count(27), count(29), count(32), count(36), count(37)],
            [5, 5, 6, 10, 12, 12, 14]
        );
        assert!(!sysctl_allowed("net.ipv4.tcp_rmem", PolicyVersion::v1(31)));
        assert!(sysctl_allowed("net.ipv4.tcp_rmem", PolicyVersion::Latest));
    }
}

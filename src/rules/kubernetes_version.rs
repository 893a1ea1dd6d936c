//! The Kubernetes version control-plane configuration is judged for
//! (`--kubernetes-version 1.N`), and the small table of what changed
//! between versions that the rules read: kube-apiserver flags and admission
//! plugins that a version no longer (or not yet) accepts. An API server
//! given one of them refuses to start (`unknown flag`, `unknown admission
//! plugin`).
//!
//! Each row is sourced from the Kubernetes CHANGELOG of the version named.

/// A Kubernetes minor version, `1.N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubernetesVersion(pub u32);

impl KubernetesVersion {
    /// The newest version Posture knows (the newest Pod Security policy
    /// version, `PolicyVersion::NEWEST`): the default.
    pub const LATEST: KubernetesVersion = KubernetesVersion(crate::rules::standards::PolicyVersion::NEWEST);
    /// The oldest version offered: the table starts after it.
    pub const OLDEST: KubernetesVersion = KubernetesVersion(16);

    /// `1.N`, `v1.N` (a patch release, `1.30.4`, names its minor) or
    /// `latest`, for N from [`Self::OLDEST`] to [`Self::LATEST`].
    pub fn parse(text: &str) -> Option<Self> {
        if text == "latest" {
            return Some(Self::LATEST);
        }
        let rest = text.strip_prefix('v').unwrap_or(text).strip_prefix("1.")?;
        let minor = rest.split('.').next()?;
        if minor.is_empty() || !minor.bytes().all(|b| b.is_ascii_digit()) || rest.split('.').count() > 2 {
            return None;
        }
        let minor: u32 = minor.parse().ok()?;
        (Self::OLDEST.0..=Self::LATEST.0).contains(&minor).then_some(KubernetesVersion(minor))
    }

    /// Every version offered, newest first.
    pub fn all() -> impl Iterator<Item = KubernetesVersion> {
        (Self::OLDEST.0..=Self::LATEST.0).rev().map(KubernetesVersion)
    }

    pub fn at_least(self, minor: u32) -> bool {
        self.0 >= minor
    }
}

impl Default for KubernetesVersion {
    fn default() -> Self {
        Self::LATEST
    }
}

impl std::fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "1.{}", self.0)
    }
}

/// A flag or admission plugin that exists from `added` (inclusive, `None`:
/// always) until `removed` (exclusive, `None`: still there).
pub struct Lifetime {
    pub name: &'static str,
    pub added: Option<u32>,
    pub removed: Option<u32>,
    /// What replaces it, or why it went.
    pub note: &'static str,
}

impl Lifetime {
    /// Whether the version accepts it.
    pub fn accepted_at(&self, version: KubernetesVersion) -> bool {
        self.added.is_none_or(|a| version.at_least(a)) && self.removed.is_none_or(|r| !version.at_least(r))
    }

    /// Why the version refuses it.
    pub fn refusal(&self, version: KubernetesVersion) -> String {
        match (self.added, self.removed) {
            (Some(added), _) if !version.at_least(added) => {
                text!("was added in Kubernetes 1.{added}, so {version} does not know it ({})", self.note)
            }
            (_, Some(removed)) => text!("was removed in Kubernetes 1.{removed} ({})", self.note),
            _ => String::new(),
        }
    }
}

/// kube-apiserver flags that some versions refuse.
pub const APISERVER_FLAGS: &[Lifetime] = &[
    // CHANGELOG-1.19: "kube-apiserver: the --basic-auth-file flag and
    // authentication mode ... have been removed".
    Lifetime { name: "basic-auth-file", added: None, removed: Some(19), note: "use tokens or certificates" },
    // CHANGELOG-1.22: "--kubelet-https ... removed".
    Lifetime { name: "kubelet-https", added: None, removed: Some(22), note: "kubelet connections always use HTTPS" },
    // CHANGELOG-1.24: "The insecure serving flags ... --insecure-port,
    // --insecure-bind-address, --address and --port ... removed".
    Lifetime { name: "insecure-port", added: None, removed: Some(24), note: "the insecure port is gone" },
    Lifetime { name: "insecure-bind-address", added: None, removed: Some(24), note: "the insecure port is gone" },
    // CHANGELOG-1.26: --encryption-provider-config-automatic-reload.
    Lifetime {
        name: "encryption-provider-config-automatic-reload",
        added: Some(26),
        removed: None,
        note: "restart the API server to load a changed encryption configuration",
    },
    // CHANGELOG-1.29: structured authentication and authorization
    // configuration, --authentication-config and
    // --authorization-config, alpha.
    Lifetime { name: "authentication-config", added: Some(29), removed: None, note: "use the authentication flags" },
    Lifetime { name: "authorization-config", added: Some(29), removed: None, note: "use --authorization-mode" },
];

/// Admission plugins that some versions refuse in
/// `--enable-admission-plugins`.
pub const ADMISSION_PLUGINS: &[Lifetime] = &[
    // CHANGELOG-1.22: PodSecurity admission, alpha.
    Lifetime { name: "PodSecurity", added: Some(22), removed: None, note: "use PodSecurityPolicy or a policy engine" },
    // CHANGELOG-1.25: "PodSecurityPolicy ... removed".
    Lifetime { name: "PodSecurityPolicy", added: None, removed: Some(25), note: "use Pod Security Admission" },
    // CHANGELOG-1.26: ValidatingAdmissionPolicy, alpha; GA in 1.30.
    Lifetime { name: "ValidatingAdmissionPolicy", added: Some(26), removed: None, note: "use a webhook policy engine" },
    // CHANGELOG-1.30: "SecurityContextDeny admission plugin ... removed".
    Lifetime { name: "SecurityContextDeny", added: None, removed: Some(30), note: "use Pod Security Admission" },
];

/// KMS v2 became generally available in 1.29 (CHANGELOG-1.29);
/// before that, KMS v1 is the only stable KMS provider.
pub const KMS_V2_GA: u32 = 29;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_as_people_write_them() {
        assert_eq!(KubernetesVersion::parse("1.24"), Some(KubernetesVersion(24)));
        assert_eq!(KubernetesVersion::parse("v1.30.4"), Some(KubernetesVersion(30)));
        assert_eq!(KubernetesVersion::parse("latest"), Some(KubernetesVersion::LATEST));
        for bad in ["", "1.", "2.0", "1.15", "1.99", "1.2x", "1.30.4.1", "v1"] {
            assert_eq!(KubernetesVersion::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn lifetimes() {
        let port = &APISERVER_FLAGS[2];
        assert!(port.accepted_at(KubernetesVersion(23)) && !port.accepted_at(KubernetesVersion(24)));
        let reload = &APISERVER_FLAGS[4];
        assert!(!reload.accepted_at(KubernetesVersion(25)) && reload.accepted_at(KubernetesVersion(26)));
    }
}

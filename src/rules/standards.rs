//! The standards rules cite, shared by every family: the Pod Security
//! Standards (the policy versions `pss/*` implements, its docs, PSA's
//! sources) and the CIS Kubernetes Benchmark.

use crate::rules::Reference;

/// A Pod Security policy version, as Pod Security Admission reads it from
/// `--pss-version` or a namespace's `pod-security.kubernetes.io/*-version`
/// label: `v1.N` or `latest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyVersion {
    V1(u32),
    Latest,
}

impl PolicyVersion {
    /// The newest policy version `pss/*` implements: what `latest` means.
    pub const NEWEST: u32 = 37;

    pub const fn v1(minor: u32) -> Self {
        PolicyVersion::V1(minor)
    }

    /// The minor version whose checks apply. As in PSA, a version newer than
    /// the newest implemented one evaluates as the newest.
    pub fn minor(self) -> u32 {
        match self {
            PolicyVersion::V1(minor) => minor.min(Self::NEWEST),
            PolicyVersion::Latest => Self::NEWEST,
        }
    }

    /// Whether the policy at this version includes what appeared at `since`.
    pub fn at_least(self, since: PolicyVersion) -> bool {
        self.minor() >= since.minor()
    }

    /// `latest`, or `v1.N` for N up to [`Self::NEWEST`], spelled as PSA's
    /// `ParseVersion` accepts it (`^v1\.([0-9]|[1-9][0-9]*)$`).
    pub fn parse(text: &str) -> Option<Self> {
        if text == "latest" {
            return Some(PolicyVersion::Latest);
        }
        let minor = text.strip_prefix("v1.")?;
        let canonical =
            !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()) && (minor == "0" || !minor.starts_with('0'));
        let minor: u32 = minor.parse().ok().filter(|_| canonical)?;
        (minor <= Self::NEWEST).then_some(PolicyVersion::V1(minor))
    }

    /// The version a namespace label selects: PSA evaluates an invalid value
    /// (and one newer than it implements) at `latest`.
    pub fn from_label(text: Option<&str>) -> Self {
        text.and_then(Self::parse).unwrap_or(PolicyVersion::Latest)
    }

    /// Every version, newest first: `latest`, `v1.37`, ..., `v1.0`.
    pub fn all() -> impl Iterator<Item = PolicyVersion> {
        std::iter::once(PolicyVersion::Latest).chain((0..=Self::NEWEST).rev().map(PolicyVersion::V1))
    }
}

impl std::fmt::Display for PolicyVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PolicyVersion::V1(minor) => write!(f, "v1.{minor}"),
            PolicyVersion::Latest => f.write_str("latest"),
        }
    }
}

impl serde::Serialize for PolicyVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

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

#[cfg(test)]
mod tests {
    use super::PolicyVersion;

    #[test]
    fn versions_parse_as_psa_spells_them() {
        assert_eq!(PolicyVersion::parse("latest"), Some(PolicyVersion::Latest));
        assert_eq!(PolicyVersion::parse("v1.0"), Some(PolicyVersion::v1(0)));
        assert_eq!(PolicyVersion::parse("v1.37"), Some(PolicyVersion::v1(37)));
        for bad in ["", "v1.", "v1.05", "1.25", "v2.0", "v1.38", "v1.2x", "Latest", "v1.-1"] {
            assert_eq!(PolicyVersion::parse(bad), None, "{bad}");
        }
        assert_eq!(PolicyVersion::from_label(Some("v1.99")), PolicyVersion::Latest);
        assert_eq!(PolicyVersion::from_label(None), PolicyVersion::Latest);
        assert_eq!(PolicyVersion::all().count(), 39);
        assert!(PolicyVersion::Latest.at_least(PolicyVersion::v1(37)));
        assert!(!PolicyVersion::v1(24).at_least(PolicyVersion::v1(25)));
    }
}

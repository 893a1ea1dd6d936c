//! The standards rules cite, shared by every family: the Pod Security
//! Standards (the policy version `pss/*` implements, its docs, PSA's
//! sources) and the CIS Kubernetes Benchmark.

use crate::rules::Reference;

/// The Pod Security Admission policy version `pss/*` implements.
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

//! `encryption/*`: the API server's EncryptionConfiguration
//! (apiserver.config.k8s.io/v1; also the older `EncryptionConfig` in v1).
//!
//! Semantics, as the API server applies them: each `resources` entry lists
//! resources (`secrets`, `deployments.apps`, `*.` for the core group, `*.apps`,
//! `*.*`) and the first entry naming a resource wins. Within an entry the
//! first provider encrypts new writes; every provider is tried on reads.

use crate::k8s::Object;
use crate::rules::{kubescape, Family, Hits, Practice, Reference, Rule, Severity};
use crate::yaml::{Entry, Node, Span};
use indoc::indoc;

const ENCRYPT_DOC: Reference = Reference {
    title: "Kubernetes: Encrypting Confidential Data at Rest",
    url: "https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/",
};
const KMS_DOC: Reference = Reference {
    title: "Kubernetes: Using a KMS provider for data encryption",
    url: "https://kubernetes.io/docs/tasks/administer-cluster/kms-provider/",
};
const CONFIG_API: Reference = Reference {
    title: "Kubernetes: kube-apiserver Configuration (v1), EncryptionConfiguration",
    url: "https://kubernetes.io/docs/reference/config-api/apiserver-config.v1/",
};

/// Covers secrets with KMS v2, the recommended setup.
pub const HARDENED: &str = concat!(
    "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n",
    "- resources: [secrets, configmaps]\n  providers:\n  - kms:\n      apiVersion: v2\n      name: vault\n",
    "      endpoint: unix:///var/run/kms/vault.sock\n      timeout: 3s\n"
);

/// Keys from the Kubernetes documentation's examples: copying one means
/// the key is public.
const DOCUMENTED_KEYS: [&str; 3] =
    ["c2VjcmV0IGlzIHNlY3VyZQ==", "dGhpcyBpcyBwYXNzd29yZA==", "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY="];

const PROVIDERS: [&str; 5] = ["identity", "aescbc", "aesgcm", "secretbox", "kms"];

/// One `resources` entry of the file.
struct Item<'a> {
    node: &'a Node,
    resources: Vec<&'a Node>,
    providers: Vec<Provider<'a>>,
}

/// One element of `providers`: its type and configuration.
struct Provider<'a> {
    item: &'a Node,
    kind: &'a str,
    entry: &'a Entry,
}

impl<'a> Item<'a> {
    fn all(object: &Object<'a>) -> Vec<Item<'a>> {
        let is_config = (object.kind == "EncryptionConfiguration" && object.group() == "apiserver.config.k8s.io")
            || (object.kind == "EncryptionConfig" && object.api_version == "v1");
        if !is_config {
            return Vec::new();
        }
        object
            .node
            .items("resources")
            .iter()
            .map(|node| Item {
                node,
                resources: node.items("resources").iter().collect(),
                providers: node
                    .items("providers")
                    .iter()
                    .filter_map(|item| {
                        let entry = item.as_map()?.first()?;
                        Some(Provider { item, kind: entry.key.as_str(), entry })
                    })
                    .collect(),
            })
            .collect()
    }

    fn names(&self) -> Vec<&'a str> {
        self.resources.iter().filter_map(|r| r.as_str()).collect()
    }

    fn covers_secrets(&self) -> bool {
        self.names().iter().any(|r| matches!(*r, "secrets" | "*." | "*.*"))
    }

    fn label(&self) -> String {
        self.names().join(", ")
    }
}

fn each_provider(object: &Object, mut f: impl FnMut(&Item, usize, &Provider)) {
    for item in Item::all(object) {
        for (i, provider) in item.providers.iter().enumerate() {
            f(&item, i, provider);
        }
    }
}

fn keys<'a>(provider: &Provider<'a>) -> &'a [Node] {
    provider.entry.value.items("keys")
}

pub static SECRETS_NOT_COVERED: Rule = Rule {
    id: "encryption/secrets-not-covered",
    family: Family::Encryption,
    title: "Secrets are not covered by the encryption configuration",
    severity: Severity::High,
    practice: Practice::Encryption,
    rationale: "Only the resources an entry names (directly, or through `*.` for the core group or \
        `*.*` for everything) are encrypted. A configuration that never names secrets leaves them \
        in etcd as plain base64, whatever else it encrypts.",
    references: &[ENCRYPT_DOC],
    cis: &[cis!("1.2.28", "Ensure that encryption providers are appropriately configured")],
    sources: &[kubescape("C-0142")],
    kinds: &["EncryptionConfiguration", "EncryptionConfig"],
    remediation: "Add secrets to the first resources entry, with a KMS v2 (or secretbox/aesgcm) \
        provider first.",
    snippet: "resources:\n  - resources: [secrets]\n    providers:\n      - kms:\n          apiVersion: v2\n          name: kms\n          endpoint: unix:///var/run/kms/kms.sock\n      - identity: {}",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:  # expect: encryption/secrets-not-covered
        - resources: [configmaps]
          providers:
          - secretbox:
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:  # expect: encryption/secrets-not-covered
        - resources: ["*.apps", "*.batch"]
          providers:
          - secretbox:
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
    "#},
    ],
    good: &[HARDENED,
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: ["*."]
          providers:
          - kms:
              apiVersion: v2
              name: vault
              endpoint: unix:///var/run/kms/vault.sock
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: ["*.*"]
          providers:
          - secretbox:
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
    "#},
    ],
    check: |object, hits| {
        let items = Item::all(object);
        if !items.is_empty() && !items.iter().any(Item::covers_secrets) {
            let at = object.node.entry("resources").map_or(object.node.span, |e| e.key_span);
            hits.at(at, "no resources entry covers secrets (by name, `*.` or `*.*`): they are stored unencrypted");
        }
    },
};

pub static IDENTITY_FIRST: Rule = Rule {
    id: "encryption/identity-first",
    family: Family::Encryption,
    title: "New data is written unencrypted (identity is the first provider)",
    severity: Severity::High,
    practice: Practice::Encryption,
    rationale: "The first provider of an entry encrypts every write. With `identity` first, new and \
        updated objects reach etcd in plaintext even though later providers hold keys: those are \
        only used to read data written earlier.",
    references: &[ENCRYPT_DOC],
    cis: &[cis!("1.2.28", "Ensure that encryption providers are appropriately configured")],
    sources: &[],
    kinds: &["EncryptionConfiguration", "EncryptionConfig"],
    remediation: "Move the encrypting provider first and keep identity last (only while old \
        plaintext data is being rewritten), then rewrite existing data with `kubectl get secrets -A -o json | kubectl replace -f -`.",
    snippet: "providers:\n  - kms:\n      apiVersion: v2\n      name: kms\n      endpoint: unix:///var/run/kms/kms.sock\n  - identity: {}",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - identity: {}  # expect: encryption/identity-first
          - secretbox:
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:
              apiVersion: v2
              name: vault
              endpoint: unix:///var/run/kms/vault.sock
        - resources: [configmaps]
          providers:
          - identity: {}  # expect: encryption/identity-first
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: ["*.*"]
          providers:
          - identity: {}  # expect: encryption/identity-first
    "#},
    ],
    good: &[HARDENED,
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - secretbox:
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
          - identity: {}
    "#},
    ],
    check: |object, hits| {
        // The first entry naming secrets (directly or by wildcard) decides.
        let items = Item::all(object);
        let secrets_entry = items.iter().position(Item::covers_secrets);
        for (index, item) in items.iter().enumerate() {
            let Some(p) = item.providers.first().filter(|p| p.kind == "identity") else { continue };
            let what = if secrets_entry == Some(index) { "Secrets (and the other resources of this entry)" } else { "these resources" };
            hits.at(p.item.span, text!("identity is the first provider for {}: {what} are written to etcd unencrypted", item.label()));
        }
    },
};

pub static IDENTITY_FALLBACK: Rule = Rule {
    id: "encryption/identity-fallback",
    family: Family::Encryption,
    title: "Unencrypted data is still readable (identity after an encrypting provider)",
    severity: Severity::Info,
    practice: Practice::Encryption,
    rationale: "An identity provider after the first lets the API server read objects stored before \
        encryption was enabled. That is right during a migration; once every object has been \
        rewritten, removing it ensures nothing unencrypted is accepted from etcd.",
    references: &[ENCRYPT_DOC],
    cis: &[],
    sources: &[],
    kinds: &["EncryptionConfiguration", "EncryptionConfig"],
    remediation: "After rewriting all existing data, remove the identity provider.",
    snippet: "providers:\n  - secretbox:\n      keys:\n        - name: key1\n          secret: <32-byte key, base64>",
    pss: None,
    bad: &[
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:
              apiVersion: v2
              name: kms
              endpoint: unix:///k.sock
          - identity: {}  # expect: encryption/identity-fallback
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: ["*.*"]
          providers:
          - secretbox:
              keys:
              - name: k2
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
          - secretbox:
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
          - identity: {}  # expect: encryption/identity-fallback
    "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - identity: {}
    "#},
    ],
    check: |object, hits| {
        each_provider(object, |item, i, p| {
            if i > 0 && p.kind == "identity" {
                hits.at(p.item.span, text!("identity is a fallback for {}: plaintext data in etcd is still accepted (fine while migrating)", item.label()));
            }
        })
    },
};

pub static AESCBC: Rule = Rule {
    id: "encryption/aescbc",
    family: Family::Encryption,
    title: "aescbc provider: weak against padding-oracle attacks",
    severity: Severity::Medium,
    practice: Practice::Encryption,
    rationale: "The Kubernetes documentation no longer recommends aescbc: CBC mode is vulnerable to \
        padding-oracle attacks, and like every local provider its key sits in this file on the \
        control-plane disk.",
    references: &[ENCRYPT_DOC, KMS_DOC],
    cis: &[],
    sources: &[],
    kinds: &["EncryptionConfiguration", "EncryptionConfig"],
    remediation: "Prefer a KMS v2 provider; otherwise secretbox, or aesgcm with automated key \
        rotation.",
    snippet: "- kms:\n    apiVersion: v2\n    name: kms\n    endpoint: unix:///var/run/kms/kms.sock",
    pss: None,
    bad: &[
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - aescbc:  # expect: encryption/aescbc
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - secretbox:
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
          - aescbc:  # expect: encryption/aescbc
              keys:
              - name: old
                secret: IQqqKMLp0PwXHhgOy3pGsg==
    "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - secretbox:
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
          - aesgcm:
              keys:
              - name: old
                secret: IQqqKMLp0PwXHhgOy3pGsg==
    "#},
    ],
    check: |object, hits| {
        each_provider(object, |item, _, p| {
            if p.kind == "aescbc" {
                hits.at(p.entry.key_span, text!("aescbc protects {}: prefer KMS v2 or secretbox", item.label()));
            }
        })
    },
};

pub static AESGCM: Rule = Rule {
    id: "encryption/aesgcm",
    family: Family::Encryption,
    title: "aesgcm provider: safe only with automated key rotation",
    severity: Severity::Low,
    practice: Practice::Encryption,
    rationale: "AES-GCM with a static key is only safe for a bounded number of writes (the \
        documentation says to rotate about every 200,000 writes), because nonces are random. Without \
        automated rotation that bound is easy to exceed.",
    references: &[ENCRYPT_DOC],
    cis: &[],
    sources: &[],
    kinds: &["EncryptionConfiguration", "EncryptionConfig"],
    remediation: "Rotate aesgcm keys automatically, or use a KMS v2 provider (which handles \
        rotation) or secretbox.",
    snippet: "- kms:\n    apiVersion: v2\n    name: kms\n    endpoint: unix:///var/run/kms/kms.sock",
    pss: None,
    bad: &[
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - aesgcm:  # expect: encryption/aesgcm
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:
              apiVersion: v2
              name: vault
              endpoint: unix:///var/run/kms/vault.sock
        - resources: [configmaps]
          providers:
          - identity: {}
          - aesgcm:  # expect: encryption/aesgcm
              keys:
              - name: old
                secret: IQqqKMLp0PwXHhgOy3pGsg==
    "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - secretbox:
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
          - aescbc:
              keys:
              - name: old
                secret: IQqqKMLp0PwXHhgOy3pGsg==
    "#},
    ],
    check: |object, hits| {
        each_provider(object, |item, _, p| {
            if p.kind == "aesgcm" {
                hits.at(
                    p.entry.key_span,
                    text!(
                        "aesgcm protects {}: rotate its key automatically (about every 200,000 writes)",
                        item.label()
                    ),
                );
            }
        })
    },
};

pub static KMS_V1: Rule = Rule {
    id: "encryption/kms-v1",
    family: Family::Encryption,
    title: "KMS v1 provider: deprecated and off by default",
    severity: Severity::Medium,
    practice: Practice::Encryption,
    rationale: "KMS v1 is deprecated since Kubernetes 1.28 and disabled by default since 1.29 (an \
        API server that does not enable it refuses to start with this file). KMS v2 is stable, \
        faster, and supports key rotation and observability.",
    references: &[KMS_DOC],
    cis: &[],
    sources: &[],
    kinds: &["EncryptionConfiguration", "EncryptionConfig"],
    remediation: "Use `apiVersion: v2` for the kms provider with a KMS v2 plugin.",
    snippet: "- kms:\n    apiVersion: v2\n    name: kms\n    endpoint: unix:///var/run/kms/kms.sock",
    pss: None,
    bad: &[
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:  # expect: encryption/kms-v1
              name: legacy
              endpoint: unix:///k.sock
              cachesize: 1000
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:
              apiVersion: v2
              name: vault
              endpoint: unix:///var/run/kms/vault.sock
          - kms:  # expect: encryption/kms-v1
              apiVersion: v1
              name: legacy
              endpoint: unix:///var/run/kms/legacy.sock
    "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:
              apiVersion: v2
              name: vault
              endpoint: unix:///var/run/kms/vault.sock
          - kms:
              apiVersion: v2
              name: vault-old
              endpoint: unix:///var/run/kms/vault-old.sock
    "#},
    ],
    check: |object, hits| {
        each_provider(object, |_, _, p| {
            if p.kind == "kms" && p.entry.value.get("apiVersion").and_then(Node::as_str).unwrap_or("v1") == "v1" {
                // Judged at --kubernetes-version: before 1.28 KMS v1 is the
                // stable KMS provider; in 1.28 it is deprecated while v2 is
                // still beta; from 1.29 (KMS v2 GA) it is off by default.
                let version = hits.options().kubernetes_version;
                if version.at_least(crate::rules::kubernetes_version::KMS_V2_GA) {
                    hits.at(p.entry.key_span, "kms provider without `apiVersion: v2` is KMS v1 (deprecated since 1.28, disabled by default since 1.29)");
                } else if version.at_least(28) {
                    hits.at(p.entry.key_span, "kms provider without `apiVersion: v2` is KMS v1, deprecated in 1.28: move to KMS v2 (stable from 1.29) when you upgrade")
                        .severity(Severity::Low);
                }
            }
        })
    },
};

/// Valid key lengths in bytes for the local providers.
fn key_lengths(provider: &str) -> &'static [usize] {
    match provider {
        "aescbc" | "aesgcm" => &[16, 24, 32],
        "secretbox" => &[32],
        _ => &[],
    }
}

pub static KEY_MATERIAL: Rule = Rule {
    id: "encryption/key-material",
    family: Family::Encryption,
    title: "Encryption key is not valid for its provider",
    severity: Severity::High,
    practice: Practice::Encryption,
    rationale: "Each key's secret must be base64 of exactly the key size the provider needs (16, 24 \
        or 32 bytes for AES, 32 for secretbox); otherwise the API server refuses to load the file \
        and does not start. Keys with a repeated name within one provider are refused too. A key \
        copied from the documentation is public and protects nothing.",
    references: &[ENCRYPT_DOC, CONFIG_API],
    cis: &[],
    sources: &[],
    kinds: &["EncryptionConfiguration", "EncryptionConfig"],
    remediation: "Generate each key with `head -c 32 /dev/urandom | base64`, give every key a \
        unique name, and never reuse example keys.",
    snippet: "keys:\n  - name: key1\n    secret: \"<output of head -c 32 /dev/urandom | base64>\"",
    pss: None,
    bad: &[
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - secretbox:
              keys:
              - name: k1
                secret: c2hvcnQ=  # expect: encryption/key-material
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - aescbc:
              keys:
              - name: k1
                secret: c2VjcmV0IGlzIHNlY3VyZQ==  # expect: encryption/key-material
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - aesgcm:
              keys:
              - name: k1
                secret: IQqqKMLp0PwXHhgOy3pGsg==
              - name: k1  # expect: encryption/key-material
                secret: rPPoxeEPMpT+gHldFQHKM/dq054=  # expect: encryption/key-material
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - secretbox:
              keys:
              - name: k1
                secret: "not base64!"  # expect: encryption/key-material
    "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - aescbc:
              keys:
              - name: k1
                secret: IQqqKMLp0PwXHhgOy3pGsg==
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - secretbox:
              keys:
              - name: new
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
              - name: old
                secret: 3q2cH0Gq3yXzZ1m8ODgkYt2oS3Bf6rP4n0GQx7vW9aE=
    "#},
    ],
    check: |object, hits| {
        each_provider(object, |_, _, p| {
            let sizes = key_lengths(p.kind);
            let mut names: Vec<&str> = Vec::new();
            for key in keys(p) {
                let name = key.get("name").and_then(Node::as_str).unwrap_or("");
                if names.contains(&name) {
                    hits.node(
                        key,
                        text!(
                            "{} key name {name:?} is used twice in this provider: the API server refuses the file",
                            p.kind
                        ),
                    );
                }
                names.push(name);
                let Some(secret) = key.entry("secret").filter(|_| !sizes.is_empty()) else { continue };
                let text = secret.value.as_str().unwrap_or("");
                if DOCUMENTED_KEYS.contains(&text) {
                    hits.at(
                        secret.span(),
                        text!("key {name:?} is the example key from the Kubernetes documentation: it is public"),
                    );
                    continue;
                }
                match crate::base64::decode_standard(text) {
                    None => {
                        hits.at(
                            secret.span(),
                            text!("key {name:?} is not valid base64: the API server refuses the file"),
                        );
                    }
                    Some(bytes) if !sizes.contains(&bytes.len()) => {
                        let want: Vec<String> = sizes.iter().map(usize::to_string).collect();
                        hits.at(
                            secret.span(),
                            text!(
                                "key {name:?} is {} bytes; {} needs {} bytes: the API server refuses the file",
                                bytes.len(),
                                p.kind,
                                want.join(", ")
                            ),
                        );
                    }
                    Some(_) => {}
                }
            }
        })
    },
};

pub static LOCAL_KEYS: Rule = Rule {
    id: "encryption/local-keys",
    family: Family::Encryption,
    title: "Encryption keys are stored in the configuration file",
    severity: Severity::Low,
    practice: Practice::Encryption,
    rationale: "With aescbc, aesgcm or secretbox the keys live in this file on every control-plane \
        node, next to the etcd data and often in the same backups: whoever gets both decrypts \
        everything. A KMS v2 plugin keeps the key-encryption key in an external KMS.",
    references: &[KMS_DOC, ENCRYPT_DOC],
    cis: &[],
    sources: &[],
    kinds: &["EncryptionConfiguration", "EncryptionConfig"],
    remediation: "Use a KMS v2 provider; if a local provider must stay, restrict the file to root \
        (0600) and keep it out of backups of etcd.",
    snippet: "- kms:\n    apiVersion: v2\n    name: kms\n    endpoint: unix:///var/run/kms/kms.sock",
    pss: None,
    bad: &[
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - secretbox:
              keys:  # expect: encryption/local-keys
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:
              apiVersion: v2
              name: vault
              endpoint: unix:///var/run/kms/vault.sock
          - aesgcm:
              keys:  # expect: encryption/local-keys
              - name: old
                secret: IQqqKMLp0PwXHhgOy3pGsg==
    "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:
              apiVersion: v2
              name: vault
              endpoint: unix:///var/run/kms/vault.sock
          - identity: {}
    "#},
    ],
    check: |object, hits| {
        each_provider(object, |_, _, p| {
            if !key_lengths(p.kind).is_empty() {
                if let Some(entry) = p.entry.value.entry("keys") {
                    hits.at(
                        entry.key_span,
                        text!(
                            "{} keeps {} key(s) in this file: a KMS v2 plugin would keep them off the disk",
                            p.kind,
                            keys(p).len()
                        ),
                    );
                }
            }
        })
    },
};

pub static UNLOADABLE: Rule = Rule {
    id: "encryption/unloadable",
    family: Family::Encryption,
    title: "The API server refuses this encryption configuration",
    severity: Severity::High,
    practice: Practice::Encryption,
    rationale: "kube-apiserver validates the file at start-up and exits on an error: an entry \
        with no resources or providers, more than one provider type in one list element, an \
        unknown provider, a provider without keys, a kms provider without name or endpoint, \
        `cachesize` on KMS v2, an unknown field (the file is decoded strictly), a bare `*` \
        resource, or a resource listed twice.",
    references: &[CONFIG_API, ENCRYPT_DOC],
    cis: &[],
    sources: &[],
    kinds: &["EncryptionConfiguration", "EncryptionConfig"],
    remediation: "Fix the entry as the message says; `kube-apiserver --encryption-provider-config` \
        reports the same problems at start-up.",
    snippet: "resources:\n  - resources: [secrets]\n    providers:\n      - secretbox:\n          keys:\n            - name: key1\n              secret: <32-byte key, base64>",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - secretbox:  # expect: encryption/unloadable
              keys: []
            identity: {}
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - aesctr:  # expect: encryption/unloadable
              keys: []
          - secretbox:
              keys:
              - name: k1
                secret: VP1oWvwtloEKUU6QCmzCJycyLxaYjziGHwS3ZFHXAu0=
              rotate: true  # expect: encryption/unloadable
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:
              apiVersion: v2
              name: vault
              endpoint: unix:///var/run/kms/vault.sock
        - resources:
          - "*"  # expect: encryption/unloadable
          - secrets  # expect: encryption/unloadable
          providers:
          - identity: {}
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:  # expect: encryption/unloadable
              apiVersion: v2
              name: vault
              cachesize: 100  # expect: encryption/unloadable
    "#},
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]  # expect: encryption/unloadable
        - providers:  # expect: encryption/unloadable
          - identity: {}
    "#},
        indoc! {r#"
            apiVersion: apiserver.config.k8s.io/v1
            kind: EncryptionConfiguration
            resources:
            - resources: ["*."]
              providers:
              - identity: {}
            - resources:
              - secrets  # expect: encryption/unloadable
              providers:
              - kms:
                  apiVersion: v2
                  name: vault
                  endpoint: unix:///var/run/kms/vault.sock
        "#},
    ],
    good: &[HARDENED,
        indoc! {r#"
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
        - resources: [secrets]
          providers:
          - kms:
              apiVersion: v2
              name: vault
              endpoint: unix:///var/run/kms/vault.sock
              timeout: 3s
        - resources: ["*.*"]
          providers:
          - identity: {}
    "#},
    ],
    check: |object, hits| {
        let mut seen: Vec<&str> = Vec::new();
        for item in Item::all(object) {
            if item.resources.is_empty() {
                hits.node(item.node, "this entry lists no resources");
            }
            if item.providers.is_empty() {
                hits.node(item.node, "this entry has no providers");
            }
            for resource in &item.resources {
                let name = resource.as_str().unwrap_or("");
                if name == "*" {
                    hits.node(resource, "`*` is not a valid resource: use `*.*` for everything or `*.` for the core group");
                } else if seen.contains(&name) {
                    hits.node(resource, text!("{name} is listed twice"));
                } else if let Some(wildcard) = seen.iter().find(|earlier| masks(earlier, name)) {
                    hits.node(resource, text!("{name} is masked by the earlier {wildcard} entry: the API server refuses the file"));
                }
                seen.push(name);
            }
            for p in &item.providers {
                provider_problems(p, hits);
            }
        }
    },
};

/// Whether an earlier wildcard entry covers `resource` (`secrets` after
/// `*.`, `deployments.apps` after `*.apps`, anything after `*.*`): the API
/// server refuses a resource listed after a wildcard that masks it.
fn masks(earlier: &str, resource: &str) -> bool {
    let group = resource.split_once('.').map_or("", |(_, group)| group);
    match earlier.strip_prefix("*.") {
        Some("*") => true,
        Some(wildcard_group) => !resource.starts_with('*') && group == wildcard_group,
        None => false,
    }
}

fn provider_problems(p: &Provider, hits: &mut Hits) {
    let types = p.item.as_map().map_or(0, <[Entry]>::len);
    if types > 1 {
        hits.node(p.item, "more than one provider type in one list element: split them into separate elements");
        return;
    }
    if !PROVIDERS.contains(&p.kind) {
        hits.at(p.entry.key_span, text!("unknown provider {:?}", p.kind));
        return;
    }
    let config = &p.entry.value;
    let known: &[&str] = match p.kind {
        "kms" => &["apiVersion", "name", "endpoint", "cachesize", "timeout"],
        "identity" => &[],
        _ => &["keys"],
    };
    for entry in config.as_map().unwrap_or(&[]) {
        if !known.contains(&entry.key.as_str()) {
            hits.at(
                entry.key_span,
                text!(
                    "unknown field {:?} in {}: the API server decodes this file strictly and refuses it",
                    entry.key,
                    p.kind
                ),
            );
        }
    }
    if !key_lengths(p.kind).is_empty() && keys(p).is_empty() {
        hits.at(p.entry.span(), text!("{} provider has no keys", p.kind));
    }
    if p.kind == "kms" {
        for field in ["name", "endpoint"] {
            if config.get(field).is_none() {
                hits.at(p.entry.span(), text!("kms provider has no {field}"));
            }
        }
        if config.get("apiVersion").and_then(Node::as_str) == Some("v2") && config.get("cachesize").is_some() {
            let at: Span = config.entry("cachesize").map_or(p.entry.span(), Entry::span);
            hits.at(at, "cachesize is not supported by KMS v2");
        }
    }
}

pub static RULES: &[&Rule] = &[
    &SECRETS_NOT_COVERED,
    &IDENTITY_FIRST,
    &IDENTITY_FALLBACK,
    &AESCBC,
    &AESGCM,
    &KMS_V1,
    &KEY_MATERIAL,
    &LOCAL_KEYS,
    &UNLOADABLE,
];

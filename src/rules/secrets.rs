//! `secrets/*`: how Secrets reach workloads, and secret values that are not
//! in Secrets at all.

use crate::rules::fix::container_fix;
use crate::rules::{
    checkov, kinds, kube_linter, kubescape, polaris, trivy, Family, Practice, Reference, Rule, Severity,
};
use crate::yaml::{Node, Value};
use indoc::indoc;

const SECRETS_DOC: Reference = Reference {
    title: "Kubernetes: Good practices for Kubernetes Secrets",
    url: "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
};

pub static ENV_VAR: Rule = Rule {
    id: "secrets/env-var",
    family: Family::Secrets,
    title: "Secret passed as an environment variable",
    severity: Severity::Low,
    practice: Practice::Encryption,
    rationale: "Environment variables leak: they are inherited by every child process, printed by \
        crash handlers and debug endpoints, visible in /proc to anything sharing the process \
        namespace, and never updated when the Secret rotates. Mounted Secret files avoid all of it.",
    references: &[SECRETS_DOC],
    cis: &[cis!("5.4.1", "Prefer using Secrets as files over Secrets as environment variables")],
    sources: &[checkov("CKV_K8S_35"), kubescape("C-0207"), kube_linter("read-secret-from-env-var")],
    kinds: kinds::WORKLOADS,
    remediation: "Mount the Secret as a volume and have the program read the file.",
    snippet: "volumeMounts:\n  - name: db\n    mountPath: /etc/secrets/db\n    readOnly: true\n# and in the pod spec:\n# volumes:\n#   - name: db\n#     secret:\n#       secretName: db",
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
                image: app:1
                env:
                - name: DB_PASSWORD
                  valueFrom:
                    secretKeyRef:  # expect: secrets/env-var
                      name: db
                      key: password
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
                    env:
                    - name: DATABASE_URL
                      valueFrom:
                        secretKeyRef:  # expect: secrets/env-var
                          name: db
                          key: url
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
                    envFrom:
                    - secretRef:  # expect: secrets/env-var
                        name: web-env
                    - configMapRef:
                        name: web-config
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
                image: app:1
                volumeMounts:
                - name: db
                  mountPath: /etc/secrets/db
              volumes:
              - name: db
                secret:
                  secretName: db
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
                  - name: web
                    image: registry.example.com/web:1.4.2
                    env:
                    - name: DB_PASSWORD_FILE
                      value: /etc/secrets/db/password
                    - name: LOG_LEVEL
                      valueFrom:
                        configMapKeyRef:
                          name: web-config
                          key: log-level
                    - name: POD_NAME
                      valueFrom:
                        fieldRef:
                          fieldPath: metadata.name
                    envFrom:
                    - configMapRef:
                        name: web-config
        "#},
    ],
    check: |object, hits| {
        let Some(pod) = object.pod() else { return };
        for c in pod.containers() {
            for env in c.node.items("env") {
                if let Some(r) = env.get("valueFrom").and_then(|v| v.entry("secretKeyRef")) {
                    let name = env.get("name").and_then(Node::as_str).unwrap_or("");
                    hits.at(r.span(), text!("{} reads Secret {} into environment variable {name}", c.label(), secret_name(&r.value)))
                        .fix(container_fix(pod, &c, ENV_VAR.snippet));
                }
            }
            for from in c.node.items("envFrom") {
                if let Some(r) = from.entry("secretRef") {
                    hits.at(r.span(), text!("{} loads every key of Secret {} into its environment", c.label(), secret_name(&r.value)))
                        .fix(container_fix(pod, &c, ENV_VAR.snippet));
                }
            }
        }
    },
};

fn secret_name(reference: &Node) -> String {
    text!("{:?}", reference.get("name").and_then(Node::as_str).unwrap_or(""))
}

/// Words that say "this is a credential" in a key name.
const SECRET_WORDS: [&str; 12] = [
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "privatekey",
    "private_key",
    "credential",
    "accesskey",
    "access_key",
];

/// Last words of a name that make it about a credential rather than the
/// credential itself: `PASSWORD_FILE`, `SECRET_NAME`, `TOKEN_TTL`,
/// `PASSWORD_MIN_LENGTH`.
const ABOUT_WORDS: [&str; 19] = [
    "file", "path", "dir", "name", "ref", "ttl", "length", "len", "seconds", "minutes", "hours", "days", "duration",
    "interval", "timeout", "expiry", "enabled", "policy", "type",
];

fn secret_name_like(name: &str) -> bool {
    // Most names hold none of the words: told in one pass over the name,
    // each word tried only where its first letter is (no lowercase copy,
    // no searcher built for each word).
    let name_bytes = name.as_bytes();
    let holds_word = (0..name_bytes.len()).any(|at| {
        let first = name_bytes[at].to_ascii_lowercase();
        // The words' first letters.
        if !matches!(first, b'p' | b's' | b't' | b'a' | b'c') {
            return false;
        }
        SECRET_WORDS.iter().any(|w| {
            let w = w.as_bytes();
            w[0] == first && name_bytes.get(at..at + w.len()).is_some_and(|there| there.eq_ignore_ascii_case(w))
        })
    });
    if !holds_word {
        return false;
    }
    // The last word decides; words split on separators (any byte but an
    // ASCII letter or digit) and camelCase humps. Found in place: the words
    // collected into strings were most of the time of a name that holds one.
    let mut last: &[u8] = &[];
    let mut start = None;
    let mut previous_lower = false;
    for (at, &b) in name_bytes.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if let Some(start) = start.take() {
                last = &name_bytes[start..at];
            }
            previous_lower = false;
            continue;
        }
        if b.is_ascii_uppercase() && previous_lower || start.is_none() {
            if let Some(start) = start {
                last = &name_bytes[start..at];
            }
            start = Some(at);
        }
        previous_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
    }
    if let Some(start) = start {
        last = &name_bytes[start..];
    }
    !last.is_empty() && !ABOUT_WORDS.iter().any(|about| last.eq_ignore_ascii_case(about.as_bytes()))
}

/// A value that is written out, rather than a path, a reference, a template,
/// a placeholder or a flag. Length does not matter: a short password is
/// still a password, and a guessable one.
fn literal_value(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && !v.starts_with('/')
        && !v.starts_with("$(")
        && !v.starts_with("${")
        && !v.starts_with("{{")
        && !v.starts_with('<')
        && !v.contains("://")
        && !v.contains(char::is_whitespace)
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "null" | "none" | "replace_me" | "redacted"
        )
}

/// Defaults that ship in images and tutorials.
const DEFAULT_PASSWORDS: [&str; 10] =
    ["changeme", "password", "passw0rd", "admin", "root", "secret", "default", "letmein", "123456", "12345678"];

/// Why a literal credential is easy to guess, if it is.
fn weakness(name: &str, value: &str) -> Option<String> {
    let v = value.trim().to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    if DEFAULT_PASSWORDS.contains(&v.as_str()) {
        Some("a well-known default".to_owned())
    } else if name.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == v) {
        Some("a word of its own name".to_owned())
    } else if v.chars().count() < 8 {
        Some(text!("only {} characters", v.chars().count()))
    } else {
        None
    }
}

/// Well-known token formats, found whatever the key is called.
fn known_format(value: &str) -> Option<&'static str> {
    // Each format below starts with one of these pairs of bytes: a value
    // holding none of them (almost every value) is none of them, told in
    // one pass rather than a search for each format.
    let pairs = value.as_bytes().windows(2);
    if !pairs
        .into_iter()
        .any(|w| matches!(w, [b'-', b'-'] | [b'A', b'K' | b'I'] | [b'g', b'h' | b'l'] | [b'x', b'o'] | [b's', b'k']))
    {
        return None;
    }
    let starts = |p: &str| value.contains(p);
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY-----") {
        return Some("a private key");
    }
    let word_after = |prefix: &str, len: usize, ok: fn(char) -> bool| {
        value
            .match_indices(prefix)
            .any(|(i, _)| value[i + prefix.len()..].chars().take(len).filter(|&c| ok(c)).count() == len)
    };
    fn upper_digit(c: char) -> bool {
        c.is_ascii_uppercase() || c.is_ascii_digit()
    }
    fn alnum(c: char) -> bool {
        c.is_ascii_alphanumeric()
    }
    fn token_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '-' || c == '_'
    }
    if word_after("AKIA", 16, upper_digit) {
        return Some("an AWS access key id");
    }
    if ["ghp_", "gho_", "ghs_", "ghu_", "github_pat_"].iter().any(|p| word_after(p, 20, alnum)) {
        return Some("a GitHub token");
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"].iter().any(|p| starts(p)) {
        return Some("a Slack token");
    }
    if word_after("glpat-", 20, token_char) {
        return Some("a GitLab token");
    }
    if word_after("sk_live_", 20, alnum) {
        return Some("a Stripe live key");
    }
    if word_after("AIza", 35, token_char) {
        return Some("a Google API key");
    }
    None
}

pub static LITERAL: Rule = Rule {
    id: "secrets/literal",
    family: Family::Secrets,
    title: "Secret value written in plain configuration",
    severity: Severity::High,
    practice: Practice::Encryption,
    rationale: "A password, token or private key written into an env value, a ConfigMap or an \
        annotation is stored unencrypted in etcd, readable by everyone who can read the object \
        (ConfigMaps and pod specs are far more widely readable than Secrets), and kept forever in \
        the repository's history.",
    references: &[SECRETS_DOC],
    cis: &[],
    sources: &[
        kubescape("C-0012"),
        trivy("KSV-0109"),
        trivy("KSV-01010"),
        kube_linter("env-var-secret"),
        polaris("sensitiveConfigmapContent"),
        polaris("sensitiveContainerEnvVar"),
    ],
    kinds: &["*"],
    remediation: "Move the value to a Secret (created out of band, or from an external store such \
        as External Secrets or Sealed Secrets) and rotate it: it has been exposed.",
    snippet: "env:\n  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef:\n        name: api\n        key: token",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app
            data:
              db_password: hunter2hunter2  # expect: secrets/literal
              log_level: info
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
                  - name: clone
                    image: alpine/git:2.45.2
                    env:
                    # A known token format, whatever the variable is called.
                    - name: GIT_AUTH  # expect: secrets/literal
                      value: ghp_abcdefghijklmnopqrstuvwxyz0123456789
                  containers:
                  - name: web
                    image: registry.example.com/web:1.4.2
                    env:
                    - name: DB_PASSWORD  # expect: secrets/literal
                      value: changeme
                    - name: SMTP_PASSWORD_FILE
                      value: /etc/secrets/smtp/password
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Service
            metadata:
              name: uploads
              annotations:
                example.com/s3-access: AKIAIOSFODNN7EXAMPLE  # expect: secrets/literal
            spec:
              ports:
              - port: 80
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: db
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |  # expect: secrets/literal
                  {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"stringData":{"password":"hunter2hunter2"}}
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app
            data:
              password_file: /etc/secrets/db/password
              log_level: info
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
                  - name: web
                    image: registry.example.com/web:1.4.2
                    env:
                    - name: DB_PASSWORD
                      valueFrom:
                        secretKeyRef:
                          name: db
                          key: password
                    # References and settings about a credential, not credentials.
                    - name: API_TOKEN
                      value: $(API_TOKEN_FROM_SECRET)
                    - name: TOKEN_TTL
                      value: "3600"
                    - name: OAUTH_CLIENT_SECRET
                      value: <set in vault>
        "#},
    ],
    check: |object, hits| {
        // `fix` builds this finding's snippet from its own names.
        // `place` names where the value is, written only for a finding.
        let mut check = |name: &str, value: &Node, span, place: &dyn Fn() -> String, fix: &dyn Fn(&str) -> String| {
            let Value::Str(text) = &value.value else { return };
            if let Some(format) = known_format(text) {
                hits.at(span, text!("{} {name:?} holds what looks like {format}", place())).fix(fix(name));
            } else if secret_name_like(name) && literal_value(text) {
                let weak = weakness(name, text).map(|why| text!(", and a weak one ({why})")).unwrap_or_default();
                hits.at(span, joined!(place(), " ", ?name, " holds a literal credential", weak)).fix(fix(name));
            }
        };
        let owner = object.name.unwrap_or("app");
        if let Some(pod) = object.pod() {
            for c in pod.containers() {
                for env in c.node.items("env") {
                    let (Some(name), Some(value)) = (env.get("name").and_then(Node::as_str), env.get("value")) else {
                        continue;
                    };
                    let fix = |name: &str| {
                        let key = name.to_ascii_lowercase().replace('_', "-");
                        let body = joined!(
                            "# ",
                            name,
                            " read from a Secret kept out of the repository\nenv:\n  - name: ",
                            name,
                            "\n    valueFrom:\n      secretKeyRef:\n        name: ",
                            owner,
                            "\n        key: ",
                            key
                        );
                        container_fix(pod, &c, &body)
                    };
                    check(name, value, env.span, &|| joined!(c.label(), " environment variable"), &fix);
                }
            }
        }
        if object.kind == "ConfigMap" {
            for key in ["data", "binaryData"] {
                for entry in object.node.get(key).and_then(Node::as_map).unwrap_or(&[]) {
                    let fix = |name: &str| {
                        text!(
                            "# Move {name:?} out of ConfigMap {owner:?} into a Secret created from your secret\n# store, and read it from there (secretKeyRef or a Secret volume); rotate it.\n"
                        )
                    };
                    check(&entry.key, &entry.value, entry.span(), &|| "ConfigMap key".to_owned(), &fix);
                }
            }
        }
        for entry in object.node.at(&["metadata", "annotations"]).and_then(Node::as_map).unwrap_or(&[]) {
            if let Value::Str(text) = &entry.value.value {
                if let Some(format) = known_format(text) {
                    hits.at(entry.span(), text!("annotation {:?} holds what looks like {format}", entry.key)).fix(text!(
                        "# Remove annotation {:?} from {} {owner:?}: annotations are readable by\n# anyone who can get the object. Rotate the credential.\n",
                        entry.key, object.kind
                    ));
                } else if entry.key == "kubectl.kubernetes.io/last-applied-configuration" && object.kind == "Secret" {
                    hits.at(
                        entry.span(),
                        "the last-applied-configuration annotation repeats this Secret's data in plain JSON",
                    )
                    .fix(text!(
                        "# Remove the annotation from Secret {owner:?} (kubectl apply --server-side does not\n# write it), and create the Secret from your secret store; rotate its data.\n"
                    ));
                }
            }
        }
    },
};

pub static COMMITTED: Rule = Rule {
    id: "secrets/committed",
    family: Family::Secrets,
    title: "Secret with its data in the manifest",
    severity: Severity::Medium,
    practice: Practice::Encryption,
    rationale: "A Secret manifest with data or stringData puts the credential into the repository \
        (base64 is an encoding, not encryption), where every clone, fork and CI log keeps it. \
        Secrets belong in an external store, or encrypted (Sealed Secrets, SOPS) before they are \
        committed.",
    references: &[SECRETS_DOC],
    cis: &[],
    sources: &[],
    kinds: &["Secret"],
    remediation: "Remove the data from the repository and create the Secret from an external store \
        (External Secrets Operator, Vault, a cloud secret manager) or commit it encrypted; rotate \
        every credential it held, since the repository has exposed them. Data that holds no \
        credential (settings, URLs) belongs in a ConfigMap.",
    snippet: "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: db\nspec:\n  secretStoreRef:\n    name: vault\n    kind: ClusterSecretStore\n  target:\n    name: db\n  dataFrom:\n    - extract:\n        key: prod/db",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: v1
            kind: Secret
            metadata:
              name: db
            type: Opaque
            data:  # expect: secrets/committed
              password: aHVudGVyMg==
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Secret
            metadata:
              name: web-tls
            type: kubernetes.io/tls
            data:  # expect: secrets/committed
              tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
              tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t
        "#},
        indoc! {r#"
            apiVersion: v1
            kind: Secret
            metadata:
              name: app-config
            stringData:  # expect: secrets/committed
              application.properties: |
                spring.datasource.url=jdbc:postgresql://db:5432/app
                spring.datasource.password=hunter2hunter2
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: feature-flags
            stringData:  # expect: secrets/committed
              LOG_LEVEL: debug
              REGION: eu-west-1
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: v1
            kind: Secret
            metadata:
              name: token
              annotations:
                kubernetes.io/service-account.name: build
            type: kubernetes.io/service-account-token
        "#},
        indoc! {r#"
            apiVersion: bitnami.com/v1alpha1
            kind: SealedSecret
            metadata:
              name: db
            spec:
              encryptedData:
                password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
              template:
                type: Opaque
        "#},
    ],
    check: |object, hits| {
        if object.kind != "Secret" || object.group() != "" {
            return;
        }
        let name = object.name.unwrap_or("");
        let typed = object.node.get("type").and_then(Node::as_str).filter(|t| CREDENTIAL_TYPES.contains(t));
        for key in ["data", "stringData"] {
            let Some(entry) = object.node.entry(key).filter(|e| e.value.as_map().is_some_and(|m| !m.is_empty())) else { continue };
            let items = entry.value.as_map().unwrap_or(&[]);
            let keys: Vec<&str> = items.iter().map(|e| e.key.as_str()).collect();
            let credential = typed.map(|t| text!("its type is {t}")).or_else(|| {
                items.iter().find_map(|e| {
                    let text = e.value.as_str()?;
                    let text = if key == "data" { String::from_utf8_lossy(&crate::base64::decode_standard(text)?).into_owned() } else { text.to_owned() };
                    credential_in(&e.key, &text).map(|why| text!("{:?} {why}", e.key))
                })
            });
            match credential {
                Some(why) => {
                    hits.at(entry.key_span, joined!("Secret ", ?name, " carries credentials in its ", key, " (", keys.join(", "), ") in the manifest: ", why, "; rotate them"))
                        .fix(COMMITTED.snippet.replace("name: db", &joined!("name: ", name)).replace("prod/db", &joined!(crate::rules::scope::namespace_of(object), "/", name)));
                }
                None => {
                    hits.at(entry.key_span, text!("Secret {name:?} carries its {key} ({}) in the manifest; none of it looks like a credential", keys.join(", ")))
                        .fix(text!("# Secret {name:?} holds settings, not recognisable credentials: a ConfigMap\n# is the place for them, or keep them out of the repository if they are sensitive.\n"))
                        .severity(Severity::Low);
                }
            }
        }
    },
};

/// Secret types whose data is a credential by definition.
const CREDENTIAL_TYPES: [&str; 7] = [
    "kubernetes.io/basic-auth",
    "kubernetes.io/ssh-auth",
    "kubernetes.io/tls",
    "kubernetes.io/dockerconfigjson",
    "kubernetes.io/dockercfg",
    "kubernetes.io/service-account-token",
    "bootstrap.kubernetes.io/token",
];

/// Why a Secret key and its (decoded) value hold a credential: the key's
/// name, a known token format, or a `name: value` / `name=value` line that
/// sets a credential inside a configuration file.
fn credential_in(key: &str, text: &str) -> Option<String> {
    if let Some(format) = known_format(text) {
        return Some(text!("holds what looks like {format}"));
    }
    if secret_name_like(key) && literal_value(text) {
        return Some("is named as a credential".to_owned());
    }
    text.lines().find_map(|line| {
        let (name, value) = line.split_once(':').or_else(|| line.split_once('='))?;
        let (name, value) =
            (name.trim().trim_start_matches("- "), value.trim().trim_matches(|c| c == '"' || c == '\''));
        (secret_name_like(name) && literal_value(value)).then(|| text!("sets {name}"))
    })
}

pub static RULES: &[&Rule] = &[&ENV_VAR, &LITERAL, &COMMITTED];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_credentials_not_references() {
        assert_eq!(known_format("-----BEGIN RSA PRIVATE KEY-----\nMII..."), Some("a private key"));
        assert_eq!(known_format("AKIAIOSFODNN7EXAMPLE"), Some("an AWS access key id"));
        assert_eq!(known_format("token ghp_abcdefghijklmnopqrstuvwxyz0123456789"), Some("a GitHub token"));
        assert_eq!(known_format("AKIA-short"), None);
        assert!(literal_value("hunter2hunter2") && literal_value("sst"));
        for not in ["/etc/secrets/token", "$(TOKEN)", "${TOKEN}", "<your token>", "true", "", "https://vault/x"] {
            assert!(!literal_value(not), "{not}");
        }
        for name in
            ["DB_PASSWORD", "apiKey", "client_secret", "AWS_SECRET_ACCESS_KEY", "secretKey", "WSREP_SST_PASSWORD"]
        {
            assert!(secret_name_like(name), "{name}");
        }
        for name in ["LOG_LEVEL", "PASSWORD_FILE", "SECRET_NAME", "TOKEN_TTL", "PASSWORD_MIN_LENGTH", "secretKeyRef"] {
            assert!(!secret_name_like(name), "{name}");
        }
        assert_eq!(weakness("MYSQL_PASSWORD", "mysql").as_deref(), Some("a word of its own name"));
        assert_eq!(weakness("DB_PASSWORD", "changeme").as_deref(), Some("a well-known default"));
        assert_eq!(weakness("DB_PASSWORD", "s3cr3t").as_deref(), Some("only 6 characters"));
        assert_eq!(weakness("DB_PASSWORD", "hunter2hunter2"), None);
    }

    /// The last word as the names were once split: into lowercase strings.
    fn last_word_by_strings(name: &str) -> Option<String> {
        let mut words: Vec<String> = Vec::new();
        let mut previous_lower = false;
        for ch in name.chars() {
            if !ch.is_ascii_alphanumeric() {
                previous_lower = false;
                words.push(String::new());
                continue;
            }
            if ch.is_ascii_uppercase() && previous_lower || words.is_empty() {
                words.push(String::new());
            }
            previous_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
            words.last_mut().expect("pushed above").push(ch.to_ascii_lowercase());
        }
        words.into_iter().rfind(|w| !w.is_empty())
    }

    #[test]
    fn the_last_word_is_found_in_place_as_by_splitting_into_strings() {
        let parts =
            ["password", "Token", "_", "-", "FILE", "name", "é", "x9", "Ttl", "API", "key", ".", "TYPE", "sEcReT"];
        let mut names = vec![String::new()];
        for a in parts {
            for b in parts {
                for c in parts {
                    names.push(format!("{a}{b}{c}"));
                }
            }
        }
        for name in &names {
            let holds_word = SECRET_WORDS.iter().any(|w| name.to_ascii_lowercase().contains(w));
            let expected =
                holds_word && last_word_by_strings(name).is_some_and(|last| !ABOUT_WORDS.contains(&last.as_str()));
            assert_eq!(secret_name_like(name), expected, "{name}");
        }
    }
}

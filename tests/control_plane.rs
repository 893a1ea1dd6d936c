//! Control-plane configuration as people paste it: a kubeadm-generated
//! kube-apiserver manifest, the seed article's audit policy, an
//! EncryptionConfiguration with identity first, and hardened versions of
//! each that must stay quiet.

use posture::rules::{self, PssLevel};
use posture::{check, Options};

fn findings(path: &str, select: &str) -> Vec<(String, u32, String)> {
    let text = std::fs::read(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    run(&text, select)
}

fn run(text: &[u8], select: &str) -> Vec<(String, u32, String)> {
    let options = Options { select: vec![select.to_owned()], ..Options::default() };
    assert!(options.unknown_names().is_empty(), "{select} names no rule or family");
    let report = check("t.yaml", text, &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report.findings.iter().map(|f| (f.rule.id.to_owned(), f.span.start.line, f.message.clone())).collect()
}

fn rules_and_lines(found: &[(String, u32, String)]) -> Vec<(&str, u32)> {
    found.iter().map(|(r, l, _)| (r.as_str(), *l)).collect()
}

#[test]
fn kubeadm_default_api_server() {
    let found = findings("kubeadm-kube-apiserver.yaml", "apiserver/");
    // The command list (line 15) is where each missing flag goes.
    assert_eq!(
        rules_and_lines(&found),
        [
            ("apiserver/anonymous-auth", 15),
            ("apiserver/audit-log", 15),
            ("apiserver/encryption-provider-config", 15),
            ("apiserver/kubelet-client-tls", 15),
            ("apiserver/profiling", 15),
        ]
    );
    assert!(found[0].2.contains("defaults to true"));
    assert!(found[3].2.contains("--kubelet-certificate-authority"));
    // kubeadm points the probes at the node address: Pod Security baseline forbids probe hosts.
    let probes = findings("kubeadm-kube-apiserver.yaml", "pss/host-probes-lifecycle");
    assert_eq!(rules_and_lines(&probes), [("pss/host-probes-lifecycle", 49), ("pss/host-probes-lifecycle", 60)]);
}

#[test]
fn seed_audit_policy_logs_secret_bodies() {
    let found = findings("seed-audit-policy.yaml", "audit/");
    assert_eq!(
        rules_and_lines(&found),
        [("audit/omit-stages", 3), ("audit/no-catch-all", 5), ("audit/sensitive-bodies", 6)]
    );
    let leak = &found[2].2;
    assert!(leak.contains("Secrets and ConfigMaps") && leak.contains("RequestResponse"), "{leak}");
}

#[test]
fn encryption_with_identity_first() {
    let found = findings("encryption-identity-first.yaml", "encryption/");
    assert_eq!(
        rules_and_lines(&found),
        [
            ("encryption/identity-first", 9),
            ("encryption/aescbc", 10),
            ("encryption/local-keys", 11),
            ("encryption/kms-v1", 17)
        ]
    );
    assert!(found[0].2.contains("written to etcd unencrypted"));
}

#[test]
fn hardened_configuration_is_quiet() {
    let all = [
        rules::control_plane::apiserver::HARDENED,
        rules::control_plane::etcd::HARDENED,
        rules::control_plane::controller_manager::HARDENED,
        rules::control_plane::scheduler::HARDENED,
        rules::control_plane::kubelet::HARDENED,
        rules::encryption::HARDENED,
        rules::audit::HARDENED,
    ]
    .join("---\n");
    for family in
        ["apiserver/", "etcd/", "controller-manager/", "scheduler/", "kubelet/", "encryption/", "audit/", "admission/"]
    {
        assert_eq!(run(all.as_bytes(), family), [], "{family}");
    }
}

#[test]
fn first_match_and_shadowing_in_audit_policies() {
    // A leading catch-all at RequestResponse: Secrets leak through it, and
    // every later rule is shadowed.
    let policy = "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: RequestResponse\n- level: Metadata\n  resources:\n  - group: \"\"\n    resources: [secrets]\n- level: None\n  users: [system:kube-proxy]\n  verbs: [watch]\n";
    let found = run(policy.as_bytes(), "audit/");
    let rules: Vec<(&str, u32)> = rules_and_lines(&found);
    assert!(rules.contains(&("audit/sensitive-bodies", 5)), "{found:?}");
    assert!(rules.contains(&("audit/rule-shadowed", 6)) && rules.contains(&("audit/rule-shadowed", 10)), "{found:?}");
    assert!(rules.contains(&("audit/noisy-reads", 5)), "{found:?}");
    // A Metadata rule for secrets first keeps their bodies out, even with a
    // RequestResponse catch-all after it; `*` and `serviceaccounts/*` cover
    // the token subresource.
    let safe = "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n  resources:\n  - group: \"\"\n    resources: [secrets, configmaps, serviceaccounts/*]\n  - group: authentication.k8s.io\n    resources: [\"*\"]\n- level: RequestResponse\n  verbs: [create, update, patch, delete]\n";
    assert!(run(safe.as_bytes(), "audit/sensitive-bodies").is_empty());
    // A partial rule (one user) does not stop the search.
    let partial = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  users: [admin]\n  resources:\n  - group: \"\"\n    resources: [secrets]\n- level: Request\n";
    assert_eq!(rules_and_lines(&run(partial.as_bytes(), "audit/sensitive-bodies")), [("audit/sensitive-bodies", 9)]);
}

#[test]
fn encryption_files_the_api_server_refuses() {
    let text = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets, \"*\"]\n  providers:\n  - aesgcm:\n      keys:\n      - name: k\n        secret: bm90IGJhc2U2NA\n      - name: k\n        secret: MTIzNDU2Nzg5MDEyMzQ1Ng==\n  - kms:\n      apiVersion: v2\n      name: v2\n      endpoint: unix:///k.sock\n      cachesize: 10\n      pandas: yes\n  - secretbox:\n      keys: []\n    identity: {}\n- resources: [secrets]\n  providers:\n  - rot13: {}\n";
    let found = run(text.as_bytes(), "encryption/");
    let messages: Vec<&str> = found.iter().map(|(_, _, m)| m.as_str()).collect();
    for expected in [
        "`*` is not a valid resource",
        "not valid base64",
        "key name \"k\" is used twice",
        "cachesize is not supported by KMS v2",
        "unknown field \"pandas\"",
        "more than one provider type",
        "secrets is listed twice",
        "unknown provider \"rot13\"",
    ] {
        assert!(messages.iter().any(|m| m.contains(expected)), "missing {expected:?} in {messages:#?}");
    }
}

#[test]
fn flags_given_through_a_shell_and_as_separate_words() {
    let shell = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: etcd\nspec:\n  containers:\n  - name: etcd\n    image: etcd\n    command: [/bin/sh, -c, \"etcd --auto-tls=true --cert-file=/c --key-file /k --client-cert-auth\"]\n";
    let found = run(shell.as_bytes(), "etcd/");
    let rules: Vec<&str> = found.iter().map(|(r, _, _)| r.as_str()).collect();
    assert!(rules.contains(&"etcd/auto-tls"), "{found:?}");
    assert!(
        !rules.contains(&"etcd/client-tls"),
        "--key-file value and bare --client-cert-auth are understood: {found:?}"
    );
}

#[test]
fn kubelet_configuration_and_admission_policies() {
    let kubelet = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: true\nauthorization:\n  mode: AlwaysAllow\nreadOnlyPort: 10255\n";
    let found = run(kubelet.as_bytes(), "kubelet/");
    let rules = rules_and_lines(&found);
    for expected in [
        ("kubelet/anonymous-auth", 5),
        ("kubelet/authorization-mode", 7),
        ("kubelet/read-only-port", 8),
        ("kubelet/client-ca", 3),
    ] {
        assert!(rules.contains(&expected), "{expected:?} in {rules:?}");
    }
    let kyverno = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: verify\nspec:\n  rules:\n  - name: sig\n    verifyImages:\n    - imageReferences: [\"ghcr.io/company/*\"]\n";
    let found = run(kyverno.as_bytes(), "admission/");
    let message = |rule: &str| found.iter().find(|(r, _, _)| r == rule).map(|(_, _, m)| m.as_str()).unwrap_or("");
    assert!(message("admission/audit-only").contains("Audit (the default)"), "{found:?}");
    let controls = message("admission/enforced-controls");
    assert!(
        controls.contains("image signature verification for ghcr.io/company/*") && controls.contains("audits"),
        "{found:?}"
    );
    let vap = "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: b\nspec:\n  policyName: p\n  validationActions: [Warn, Audit]\n";
    assert_eq!(rules_and_lines(&run(vap.as_bytes(), "admission/")), [("admission/audit-only", 7)]);
}

#[test]
fn pss_level_does_not_change_control_plane_findings() {
    let text = std::fs::read(format!("{}/tests/data/kubeadm-kube-apiserver.yaml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let at = |level| {
        let options = Options { pss_level: level, select: vec!["apiserver/".into()], ..Options::default() };
        check("t", &text, &options).findings.len()
    };
    assert_eq!(at(PssLevel::Baseline), at(PssLevel::Restricted));
}

/// Findings of every rule, as (rule, line).
fn all_findings(path: &str) -> Vec<(String, u32, String)> {
    let text = std::fs::read(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let report = check("t.yaml", &text, &Options::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report.findings.iter().map(|f| (f.rule.id.to_owned(), f.span.start.line, f.message.clone())).collect()
}

#[test]
fn kubeadm_v1beta3_configuration() {
    // kubeadm's own flags (Node,RBAC, NodeRestriction, TLS files, etcd
    // certificates, controller-manager credentials, loopback binds) are
    // assumed; only what the file changes or leaves unsafe is reported, at
    // its key or at the extraArgs a missing flag belongs in.
    let found = all_findings("kubeadm-config.yaml");
    assert_eq!(
        rules_and_lines(&found),
        [
            ("kubelet/protect-kernel-defaults", 19),
            ("kubelet/read-only-port", 21),
            ("apiserver/anonymous-auth", 40),
            ("apiserver/encryption-provider-config", 40),
            ("apiserver/kubelet-client-tls", 40),
            ("apiserver/authorization-mode", 46),
            ("controller-manager/profiling", 55),
            ("controller-manager/bind-address", 56),
            ("etcd/client-tls", 61),
            ("scheduler/profiling", 62),
            ("kubelet/protect-kernel-defaults", 64),
        ]
    );
    let fix = |rule: &str| {
        let text = std::fs::read(format!("{}/tests/data/kubeadm-config.yaml", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let report = check("t.yaml", &text, &Options::default());
        report.findings.iter().find(|f| f.rule.id == rule).map(|f| f.snippet.to_string()).unwrap()
    };
    assert_eq!(
        fix("apiserver/anonymous-auth"),
        "# in the ClusterConfiguration, apiServer.extraArgs\nanonymous-auth: \"false\"\n"
    );
}

#[test]
fn kubeadm_v1beta4_configuration() {
    let found = all_findings("kubeadm-config-v1beta4.yaml");
    assert_eq!(
        rules_and_lines(&found),
        [
            ("apiserver/audit-log", 13),
            ("apiserver/etcd-client-tls", 13),
            ("apiserver/weak-tls", 24),
            ("controller-manager/service-account-credentials", 30),
            ("kubelet/protect-kernel-defaults", 46),
            ("kubelet/anonymous-auth", 47),
        ]
    );
    let text = std::fs::read(format!("{}/tests/data/kubeadm-config-v1beta4.yaml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let report = check("t.yaml", &text, &Options::default());
    let fix = report.findings.iter().find(|f| f.rule.id == "apiserver/weak-tls").unwrap();
    assert!(fix.snippet.contains("- name: tls-min-version\n  value: \"VersionTLS12\""), "{}", fix.snippet);
}

#[test]
fn structured_api_server_configuration() {
    let found = all_findings("apiserver-config.yaml");
    assert_eq!(
        rules_and_lines(&found),
        [
            ("apiserver/anonymous-auth", 15),
            ("apiserver/authorization-mode", 24),
            ("admission/pod-security-config", 35),
            ("admission/pod-security-config", 42),
        ]
    );
}

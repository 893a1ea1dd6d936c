//! Kubernetes semantics the rules must get right, each found in review:
//! defaults the API server applies, first-match order, and identities.

use posture::{check, Options};

fn rules(yaml: &str, select: &str) -> Vec<(String, String)> {
    let options = Options { select: vec![select.into()], ..Options::default() };
    assert!(options.unknown_names().is_empty(), "{select} names no rule or family");
    let report = check("t", yaml.as_bytes(), &options);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report.findings.iter().map(|f| (f.rule.id.to_owned(), f.message.clone())).collect()
}

const BINDING: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nsubjects:\n- kind: Group\n  name: SUBJECT\n  apiGroup: rbac.authorization.k8s.io\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\n";

#[test]
fn cluster_admin_for_all_service_accounts_is_reported() {
    let found = rules(&BINDING.replace("SUBJECT", "system:serviceaccounts"), "rbac/");
    assert!(found.iter().any(|(r, _)| r == "rbac/cluster-admin-binding"), "{found:?}");
    assert!(
        found.iter().any(|(r, m)| r == "rbac/system-group-binding" && m.contains("every service account")),
        "{found:?}"
    );
    assert!(rules(&BINDING.replace("SUBJECT", "system:masters"), "rbac/cluster-admin-binding").is_empty());
}

#[test]
fn info_findings_do_not_fail_a_practice() {
    let text = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hardened.yaml")).unwrap();
    let mut yaml = String::from_utf8(text).unwrap();
    yaml.push_str("---\n");
    yaml.push_str(posture::rules::rbac::HARDENED);
    let report = check("t", yaml.as_bytes(), &Options::default());
    assert!(report.findings.iter().any(|f| f.rule.id == "rbac/effective-permissions"));
    let api = report.practices.iter().find(|p| p.title == "API access and RBAC").unwrap();
    assert_eq!(api.status, posture::report::Status::Pass);
}

#[test]
fn a_pods_own_automount_setting_wins_over_its_account() {
    let yaml = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\nautomountServiceAccountToken: false\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  serviceAccountName: app\n  automountServiceAccountToken: true\n  containers:\n  - name: c\n    image: i:1\n";
    assert_eq!(rules(yaml, "workload/automount-token").len(), 1);
    let unset = yaml.replace("  automountServiceAccountToken: true\n", "");
    assert!(rules(&unset, "workload/automount-token").is_empty());
}

#[test]
fn requests_default_to_limits() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i:1\n    resources:\n      limits: {cpu: 500m, memory: 256Mi}\n";
    assert!(rules(yaml, "workload/resources").is_empty());
}

#[test]
fn empty_lists_in_network_policies_mean_what_the_api_says() {
    // `egress: []` does not make an Egress policy: this denies ingress only.
    let ns = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: a\nspec:\n  containers:\n  - name: c\n    image: i:1\n---\n";
    let policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: n\n  namespace: a\nspec:\n  podSelector: {}\n  egress: []\n";
    let found = rules(&format!("{ns}{policy}"), "network/missing-default-deny");
    assert!(found[0].1.contains("no default-deny egress"), "{found:?}");
    // `to: []` and a rule without destinations reach the metadata service.
    let open = policy.replace("  egress: []\n", "  policyTypes: [Egress]\n  egress:\n  - ports:\n    - port: 80\n");
    assert_eq!(rules(&open, "network/metadata-egress").len(), 1);
    let dns = policy.replace(
        "  egress: []\n",
        "  policyTypes: [Egress]\n  egress:\n  - ports:\n    - port: 53\n      protocol: UDP\n",
    );
    assert!(rules(&dns, "network/metadata-egress").is_empty());
    let empty_from = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: n\nspec:\n  podSelector: {}\n  ingress:\n  - from: []\n";
    assert_eq!(rules(empty_from, "network/allow-all").len(), 1);
}

#[test]
fn identity_first_names_secrets_only_where_they_are_decided() {
    let yaml = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - kms:\n      apiVersion: v2\n      name: k\n      endpoint: unix:///k.sock\n- resources: ['*.*']\n  providers:\n  - identity: {}\n";
    let found = rules(yaml, "encryption/identity-first");
    assert_eq!(found.len(), 1);
    assert!(!found[0].1.contains("Secrets"), "{found:?}");
}

#[test]
fn audit_resource_wildcards_cover_the_resource_itself() {
    let yaml = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n  resources:\n  - group: \"\"\n    resources: [\"secrets/*\"]\n- level: Metadata\n";
    let found = rules(yaml, "audit/sensitive-bodies");
    assert!(found.iter().any(|(_, m)| m.contains("Secrets")), "{found:?}");
}

#[test]
fn kyverno_actions_are_worked_out_per_rule() {
    let policy = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n  validationFailureAction: Audit\n  rules:\n  - name: strict\n    validate:\n      failureAction: Enforce\n      pattern: {}\n  - name: lax\n    validate:\n      pattern: {}\n";
    let found = rules(policy, "admission/audit-only");
    assert_eq!(found.len(), 1, "only the rule left at the policy's Audit: {found:?}");
    let unset = "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\nspec:\n  rules:\n  - name: a\n    validate:\n      failureAction: Enforce\n      pattern: {}\n  - name: b\n    validate:\n      pattern: {}\n";
    let found = rules(unset, "admission/audit-only");
    assert_eq!(found.len(), 1);
    assert!(found[0].1.contains("Audit (the default)"));
}

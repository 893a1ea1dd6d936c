//! Suppressions (annotation and comment, each with a reason) and the posture
//! summary by practice.

use posture::{check, check_all, Input, Options};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\n  namespace: tools\nspec:\n  hostNetwork: true\n  containers:\n  - name: agent\n    image: registry.example.com/agent:1.0\n    securityContext:\n      privileged: true\n";

fn select(rule: &str) -> Options {
    Options { select: vec![rule.into()], ..Options::default() }
}

#[test]
fn an_annotation_suppresses_with_its_reason() {
    let text = POD.replace(
        "  namespace: tools\n",
        "  namespace: tools\n  annotations:\n    posture.dev/ignore: |\n      pss/privileged: the CNI agent needs it, reviewed in SEC-12\n      pss/host-namespaces:\n",
    );
    let report = check(
        "t",
        text.as_bytes(),
        &Options { select: vec!["pss/privileged".into(), "pss/host-namespaces".into()], ..Options::default() },
    );
    assert_eq!(report.suppressed.len(), 1);
    let s = &report.suppressed[0];
    assert_eq!(s.finding.rule.id, "pss/privileged");
    assert_eq!(
        (s.suppression.via, s.suppression.reason.as_str()),
        ("annotation", "the CNI agent needs it, reviewed in SEC-12")
    );
    // No reason, no suppression.
    assert_eq!(report.findings.iter().map(|f| f.rule.id).collect::<Vec<_>>(), ["pss/host-namespaces"]);
    assert_eq!(report.summary().suppressed, 1);
}

#[test]
fn a_comment_on_the_line_or_above_suppresses() {
    let on_line = POD.replace(
        "      privileged: true\n",
        "      privileged: true  # posture:ignore pss/privileged -- node agent, reviewed\n",
    );
    let report = check("t", on_line.as_bytes(), &select("pss/privileged"));
    assert!(report.findings.is_empty());
    assert_eq!(report.suppressed[0].suppression.reason, "node agent, reviewed");
    assert_eq!(report.suppressed[0].suppression.via, "comment");

    let above = POD
        .replace("  hostNetwork: true\n", "  # posture:ignore pss CNI needs the node network\n  hostNetwork: true\n");
    let report = check("t", above.as_bytes(), &select("pss/host-namespaces"));
    assert!(report.findings.is_empty(), "a family names the rule");
    assert_eq!(report.suppressed.len(), 1);

    for no in [
        POD.replace("      privileged: true\n", "      privileged: true  # posture:ignore pss/privileged\n"),
        POD.replace(
            "      privileged: true\n",
            "      privileged: true  # posture:ignore pss/host-ports not this rule\n",
        ),
        POD.replace("  hostNetwork: true\n", "  hostNetwork: true # text posture:ignore pss/privileged reason\n"),
        // A string prefix of an id is not a name for it.
        POD.replace("      privileged: true\n", "      privileged: true  # posture:ignore pss/priv reviewed\n"),
        POD.replace("      privileged: true\n", "      privileged: true  # posture:ignore pss/host reviewed\n"),
    ] {
        let report = check("t", no.as_bytes(), &select("pss/privileged"));
        assert_eq!(report.findings.len(), 1, "{no}");
        assert!(report.suppressed.is_empty());
    }
}

#[test]
fn suppressed_findings_appear_in_every_format() {
    let text =
        POD.replace("      privileged: true\n", "      privileged: true  # posture:ignore pss/privileged node agent\n");
    let report = check("t.yaml", text.as_bytes(), &select("pss/privileged"));
    let json: serde_json::Value = serde_json::from_str(&posture::report::to_json(&report)).unwrap();
    assert_eq!(json["suppressed"][0]["rule"], "pss/privileged");
    assert_eq!(json["suppressed"][0]["suppression"]["reason"], "node agent");
    assert_eq!(json["summary"]["suppressed"], 1);
    let sarif: serde_json::Value = serde_json::from_str(&posture::report::to_sarif(&report)).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["suppressions"][0]["justification"], "node agent");
    let sources = std::collections::HashMap::from([("t.yaml".to_owned(), text.into_bytes())]);
    let text = posture::report::to_text(&report, &sources, Default::default());
    assert!(
        text.contains("Suppressed (reviewed and accepted):") && text.contains("pss/privileged (comment: node agent)"),
        "{text}"
    );
    assert!(posture::report::to_markdown(&report).contains("## Suppressed"));
}

#[test]
fn posture_summary_by_practice() {
    let rbac = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n  namespace: tools\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods\"]\n  verbs: [\"get\"]\n";
    let report = check_all(
        &[Input { file: "pod.yaml", text: POD.as_bytes() }, Input { file: "rbac.yaml", text: rbac.as_bytes() }],
        &Options::default(),
    );
    let status = |title: &str| report.practices.iter().find(|p| p.title == title).map(|p| p.status.name()).unwrap();
    assert_eq!(status("Pod Security"), "fail");
    assert_eq!(status("Audit and monitoring"), "not-assessed");
    assert_eq!(status("Control-plane hardening"), "not-assessed");
    let pod_security = report.practices.iter().find(|p| p.title == "Pod Security").unwrap();
    assert!(pod_security.findings >= 2 && pod_security.by_severity["critical"] >= 1 && pod_security.objects == 1);
    // Checked and clean: a hardened manifest passes every practice it touches.
    let hardened = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hardened.yaml")).unwrap();
    let report = check("h", &hardened, &Options::default());
    for p in &report.practices {
        assert_ne!(p.status.name(), "fail", "{}", p.title);
    }
    assert!(report.practices.iter().filter(|p| p.status.name() == "pass").count() >= 5);
}

#[test]
fn bindings_and_roles_in_different_files_are_related() {
    let role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: god\nrules:\n- apiGroups: [\"*\"]\n  resources: [\"*\"]\n  verbs: [\"*\"]\n";
    let binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci-god\nsubjects:\n- kind: ServiceAccount\n  name: ci\n  namespace: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: god\n";
    let report = check_all(
        &[Input { file: "role.yaml", text: role.as_bytes() }, Input { file: "binding.yaml", text: binding.as_bytes() }],
        &select("rbac/"),
    );
    let admin = report
        .findings
        .iter()
        .find(|f| f.rule.id == "rbac/cluster-admin-binding")
        .expect("equivalent of cluster-admin");
    assert_eq!(&*admin.file, "binding.yaml");
    assert!(
        admin.message.contains("god (every verb on every resource)") && admin.message.contains("ServiceAccount ci/ci")
    );
    let effective = report.findings.iter().find(|f| f.rule.id == "rbac/effective-permissions").unwrap();
    assert!(effective.message.contains("cluster-wide: * on *"), "{}", effective.message);
}

#[test]
fn root_user_is_reported_once_whatever_the_level() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n  - name: app\n    image: app:1\n";
    let rules_at = |level| {
        let options = Options { pss_level: level, ..Options::default() };
        check("t", pod.as_bytes(), &options)
            .findings
            .iter()
            .filter(|f| f.message.contains("runAsUser: 0"))
            .map(|f| f.rule.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(rules_at(posture::rules::PssLevel::Restricted), ["pss/run-as-user"]);
    assert_eq!(rules_at(posture::rules::PssLevel::Baseline), ["workload/root-user-or-group"]);
}

/// A static kube-apiserver pod that breaks `apiserver/audit-log` (no
/// policy file) and `apiserver/audit-log-retention` (a log path without
/// rotation), on lines 12 and 13; `{A}` and `{B}` are where comments go.
const APISERVER: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n  namespace: kube-system\n  annotations:\n    posture.dev/ignore: \"{ANNOTATION}\"\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.34.1\n    command:{A}\n    - kube-apiserver\n    - --audit-log-path=/var/log/audit.log{B}\n";

fn apiserver(annotation: &str, a: &str, b: &str) -> String {
    APISERVER.replace("{ANNOTATION}", annotation).replace("{A}", a).replace("{B}", b)
}

/// A name is a rule's exact id or a whole family, never a string prefix:
/// `apiserver/audit-log` does not name `apiserver/audit-log-retention`, and
/// `pss/proc-mount` does not name `pss/proc-mount-restricted`.
#[test]
fn suppressions_name_rules_exactly() {
    let both = || Options {
        select: vec!["apiserver/audit-log".into(), "apiserver/audit-log-retention".into()],
        ..Options::default()
    };
    let ids = |report: &posture::Report| {
        let found: Vec<&str> = report.findings.iter().map(|f| f.rule.id).collect();
        let suppressed: Vec<&str> = report.suppressed.iter().map(|s| s.finding.rule.id).collect();
        (found, suppressed)
    };
    let plain = check("t", apiserver("", "", "").as_bytes(), &both());
    assert_eq!(ids(&plain), (vec!["apiserver/audit-log", "apiserver/audit-log-retention"], vec![]));

    for text in [
        apiserver("apiserver/audit-log: reviewed", "", ""),
        apiserver("", "  # posture:ignore apiserver/audit-log reviewed", ""),
    ] {
        let report = check("t", text.as_bytes(), &both());
        assert_eq!(ids(&report), (vec!["apiserver/audit-log-retention"], vec!["apiserver/audit-log"]), "{text}");
    }
    for text in [
        apiserver("apiserver: reviewed", "", ""),
        apiserver("apiserver/: reviewed", "", ""),
        apiserver("", "  # posture:ignore apiserver/ reviewed", "  # posture:ignore apiserver reviewed"),
    ] {
        let report = check("t", text.as_bytes(), &both());
        assert_eq!(ids(&report), (vec![], vec!["apiserver/audit-log", "apiserver/audit-log-retention"]), "{text}");
    }

    let unmasked = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    posture.dev/ignore: \"pss/proc-mount: reviewed\"\nspec:\n  containers:\n  - name: c\n    image: registry.example.com/c:1\n    securityContext:\n      procMount: Unmasked\n";
    let report = check("t", unmasked.as_bytes(), &select("pss"));
    assert!(report.findings.iter().any(|f| f.rule.id == "pss/proc-mount-restricted"), "{:?}", ids(&report));
    assert!(report.suppressed.is_empty(), "pss/proc-mount does not run at restricted, and names nothing else");
}

/// Issue 18, item 5: the marker in a string or block scalar is text.
#[test]
fn only_real_comments_suppress() {
    let privileged = |replacement: &str| POD.replace("    securityContext:\n      privileged: true\n", replacement);
    let marker = "# posture:ignore pss/privileged approved";
    for text in [
        privileged(&format!("    securityContext: {{seLinuxOptions: {{level: \"{marker}\"}}, privileged: true}}\n")),
        privileged(&format!("    securityContext: {{seLinuxOptions: {{level: '{marker}'}}, privileged: true}}\n")),
        privileged(&format!("    securityContext:\n      seLinuxOptions:\n        level: |\n          {marker}\n      privileged: true\n")),
        privileged(&format!("    securityContext:\n      seLinuxOptions:\n        level: >-\n          x\n          {marker}\n      privileged: true\n")),
        privileged(&format!("    securityContext:\n      seLinuxOptions: {{level: \"a\n        {marker}\"}}\n      privileged: true\n")),
    ] {
        let report = check("t", text.as_bytes(), &select("pss/privileged"));
        assert_eq!((report.findings.len(), report.suppressed.len()), (1, 0), "{text}");
    }
    // A real comment still counts after a string that holds a `#`, and right
    // after a block scalar.
    for text in [
        privileged(&format!("    securityContext: {{a: \"# posture:ignore pss/host-ports no\", privileged: true}} {marker}\n")),
        privileged(&format!("    securityContext:\n      seLinuxOptions:\n        level: |\n          s0\n      {marker}\n      privileged: true\n")),
    ] {
        let report = check("t", text.as_bytes(), &select("pss/privileged"));
        assert_eq!((report.findings.len(), report.suppressed.len()), (0, 1), "{text}");
        assert_eq!(report.suppressed[0].suppression.reason, "approved");
    }
}

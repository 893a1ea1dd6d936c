//! Issue 19: a reviewer's sample of findings on widely deployed software.
//! Each test reads the corpus manifest written in the shape of that software
//! (tests/corpus) and checks the behaviour the review asked for.

use posture::rules::{PssLevel, Severity};
use posture::{check_all, Finding, Input, Options, Report};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

/// The whole corpus, checked together as the corpus test does.
fn corpus(level: PssLevel) -> Report {
    let mut files: Vec<String> = std::fs::read_dir(CORPUS)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    let texts: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(format!("{CORPUS}/{f}")).unwrap()).collect();
    let inputs: Vec<Input> = files.iter().zip(&texts).map(|(file, text)| Input { file, text }).collect();
    check_all(&inputs, &Options { pss_level: level, ..Options::default() })
}

fn found<'r>(report: &'r Report, file: &str, rule: &str) -> Vec<&'r Finding> {
    report.findings.iter().filter(|f| &*f.file == file && f.rule.id == rule).collect()
}

fn one<'r>(report: &'r Report, file: &str, rule: &str, line: u32) -> &'r Finding {
    let at: Vec<_> = found(report, file, rule).into_iter().filter(|f| f.span.start.line == line).collect();
    assert_eq!(
        at.len(),
        1,
        "{file}:{line} {rule}: {:?}",
        found(report, file, rule).iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    at[0]
}

#[test]
fn item_1_an_operator_flag_naming_the_kubelet_is_not_a_kubelet() {
    let report = corpus(PssLevel::Restricted);
    let kubelet: Vec<_> = report.findings.iter().filter(|f| f.rule.id.starts_with("kubelet/")).collect();
    assert!(kubelet.is_empty(), "{:?}", kubelet.iter().map(|f| (&f.file, &f.message)).collect::<Vec<_>>());
}

#[test]
fn item_2_policies_for_operator_made_pods_are_not_dangling() {
    let report = corpus(PssLevel::Restricted);
    let dangling = found(&report, "monitoring-stack.yaml", "network/dangling-policy");
    // The Prometheus and Alertmanager policies match the pods the operator
    // makes; the Grafana one may, through an operator not known here.
    assert_eq!(dangling.len(), 1, "{:?}", dangling.iter().map(|f| &f.message).collect::<Vec<_>>());
    let grafana = dangling[0];
    assert!(grafana.message.contains("Grafana/grafana") && grafana.message.contains("Check before deleting"));
    assert!(grafana.snippet.contains("kubectl get pods -n monitoring -l app=grafana"), "{}", grafana.snippet);
    assert!(!grafana.snippet.contains("delete the policy"));
}

#[test]
fn item_3_committed_secret_data_is_judged_by_what_it_holds() {
    let report = corpus(PssLevel::Restricted);
    let committed = found(&report, "monitoring-stack.yaml", "secrets/committed");
    let by_name = |name: &str| *committed.iter().find(|f| f.message.contains(&format!("{name:?}"))).unwrap();
    for settings in ["alertmanager-main", "grafana-datasources"] {
        let f = by_name(settings);
        assert_eq!(f.severity, Severity::Low, "{}", f.message);
        assert!(!f.message.contains("rotate") && !f.snippet.contains("rotate"), "{}", f.message);
    }
    let credentials = by_name("grafana-config");
    assert_eq!(credentials.severity, Severity::Medium);
    assert!(credentials.message.contains("admin_password") && credentials.message.contains("rotate"));
    let postgres = one(&report, "postgres.yaml", "secrets/committed", 8);
    assert!(postgres.message.contains("rotate") && postgres.snippet.contains("name: postgres"), "{}", postgres.snippet);
}

#[test]
fn item_4_an_apiservice_skipping_tls_verification_is_reported() {
    let report = corpus(PssLevel::Restricted);
    let f = one(&report, "monitoring-stack.yaml", "apiservice/skip-tls-verify", 210);
    assert!(f.message.contains("monitoring/prometheus-adapter"), "{}", f.message);
}

#[test]
fn item_5_short_and_default_passwords_are_literal_credentials() {
    let report = corpus(PssLevel::Restricted);
    let literal = found(&report, "galera.yaml", "secrets/literal");
    let messages: Vec<&str> = literal.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("\"MYSQL_PASSWORD\"") && m.contains("weak")));
    assert!(messages.iter().any(|m| m.contains("\"WSREP_SST_PASSWORD\"") && m.contains("weak")));
    // A path to a password file and a user name are not credentials.
    assert!(!messages.iter().any(|m| m.contains("ROOT_PASSWORD_FILE") || m.contains("_USER")));
}

#[test]
fn item_6_sys_time_is_a_dangerous_capability() {
    let report = corpus(PssLevel::Restricted);
    let f = one(&report, "csi-node-plugin.yaml", "workload/dangerous-capabilities", 105);
    assert!(f.message.contains("SYS_TIME") && f.message.contains("clock"));
}

#[test]
fn item_7_writable_kubelet_plugin_directories_are_high() {
    let report = corpus(PssLevel::Restricted);
    for line in [32, 34] {
        let f = one(&report, "csi-node-plugin.yaml", "workload/writable-host-path", line);
        assert_eq!(f.severity, Severity::High, "{}", f.message);
        assert!(f.message.contains("kubelet"), "{}", f.message);
    }
    one(&report, "csi-node-plugin.yaml", "workload/sensitive-host-path", 47);
}

#[test]
fn item_8_a_host_path_persistent_volume_is_reported() {
    let report = corpus(PssLevel::Restricted);
    let f = one(&report, "csi-node-plugin.yaml", "workload/host-path-persistent-volume", 149);
    assert!(f.message.contains("/mnt/data"));
}

#[test]
fn item_9_a_policy_selecting_host_network_pods_is_reported() {
    let report = corpus(PssLevel::Restricted);
    let f = one(&report, "csi-node-plugin.yaml", "network/host-network-pods", 65);
    assert!(f.message.contains("DaemonSet \"csi-node\""), "{}", f.message);
}

#[test]
fn item_10_writing_endpoints_is_reported() {
    let report = corpus(PssLevel::Restricted);
    let f = one(&report, "galera.yaml", "rbac/endpoints-write", 71);
    assert!(f.message.contains("create, update, patch on endpoints") && f.message.contains("CVE-2021-25740"));
    // The narrowed rule keeps the reads.
    assert!(f.snippet.contains("verbs: [\"get\", \"list\", \"watch\"]"), "{}", f.snippet);
}

#[test]
fn item_11_effective_permissions_name_urls_and_resource_names() {
    let report = corpus(PssLevel::Restricted);
    let prometheus = one(&report, "monitoring-stack.yaml", "rbac/effective-permissions", 182);
    assert!(prometheus.message.contains("get on URLs /metrics, /metrics/slis"), "{}", prometheus.message);
    assert!(!prometheus.message.contains("()"));
    let viewers = one(&report, "guestbook.yaml", "rbac/effective-permissions", 79);
    assert!(viewers.message.contains("configmaps named guestbook-settings"), "{}", viewers.message);
    assert!(viewers.snippet.contains("--as-group=guestbook-team -n guestbook"), "{}", viewers.snippet);
    assert!(!viewers.snippet.contains("system:serviceaccount"));
}

#[test]
fn item_12_fixes_are_built_from_the_finding() {
    let report = corpus(PssLevel::Restricted);
    let egress = one(&report, "monitoring-stack.yaml", "network/allow-all", 101);
    assert!(egress.snippet.contains("egress:\n  - to:") && !egress.snippet.contains("ingress"), "{}", egress.snippet);
    let node_port = one(&report, "guestbook.yaml", "service/exposed", 47);
    assert!(node_port.snippet.contains("type: ClusterIP") && !node_port.snippet.contains("type: LoadBalancer"));
    let socket = one(&report, "csi-node-plugin.yaml", "workload/writable-host-path", 39);
    assert!(
        !socket.snippet.contains("readOnly: true") && socket.snippet.contains("does not restrict"),
        "{}",
        socket.snippet
    );
    let webhook = one(&report, "cert-controller.yaml", "rbac/webhook-config", 17);
    assert!(webhook.snippet.contains("resourceNames: [\"cert-controller-webhook\"]"), "{}", webhook.snippet);
    assert!(webhook.snippet.contains("verbs: [\"update\"]"), "{}", webhook.snippet);
    let wildcard = one(&report, "ci-runner.yaml", "rbac/wildcard", 16);
    assert!(
        wildcard.snippet.contains("Role \"runner\"") && !wildcard.snippet.contains("deployments"),
        "{}",
        wildcard.snippet
    );
}

#[test]
fn webhook_fixes_stop_naming_configurations_past_a_few_dozen() {
    // Every role's fix lists the input's configurations: with many roles and
    // many configurations, the report would grow as their product.
    let role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: installer\nrules:\n- apiGroups: [\"admissionregistration.k8s.io\"]\n  resources: [\"mutatingwebhookconfigurations\"]\n  verbs: [\"update\"]\n";
    let config = |i: usize| {
        format!("---\napiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: hook-{i}\nwebhooks: []\n")
    };
    for (count, listed) in [(32, true), (33, false)] {
        let text = format!("{role}{}", (0..count).map(config).collect::<String>());
        let report = check_all(&[Input { file: "hooks.yaml", text: text.as_bytes() }], &Options::default());
        let webhook = found(&report, "hooks.yaml", "rbac/webhook-config");
        assert_eq!(webhook.len(), 1);
        let snippet = &webhook[0].snippet;
        assert_eq!(snippet.contains("\"hook-0\""), listed, "{count}: {snippet}");
        assert_eq!(snippet.contains("with resourceNames listing those configurations"), !listed, "{count}: {snippet}");
    }
}

#[test]
fn item_13_severities_follow_the_risk() {
    for level in [PssLevel::Baseline, PssLevel::Restricted] {
        let report = corpus(level);
        let (volume_rule, capability_rule) = match level {
            PssLevel::Baseline => ("pss/host-path-volumes", "pss/capabilities-baseline"),
            PssLevel::Restricted => ("pss/restricted-volumes", "pss/capabilities-restricted"),
        };
        assert_eq!(one(&report, "csi-node-plugin.yaml", volume_rule, 137).severity, Severity::High, "{level:?}");
        assert_eq!(one(&report, "csi-node-plugin.yaml", capability_rule, 105).severity, Severity::High, "{level:?}");
    }
    let report = corpus(PssLevel::Restricted);
    let egress = one(&report, "monitoring-stack.yaml", "network/allow-all", 101);
    assert!(egress.message.contains("169.254.169.254"));
    assert!(found(&report, "monitoring-stack.yaml", "network/metadata-egress").is_empty());
    assert_eq!(one(&report, "monitoring-stack.yaml", "rbac/wildcard", 197).severity, Severity::Low);
    assert_eq!(one(&report, "ci-runner.yaml", "rbac/wildcard", 16).severity, Severity::High);
    for line in [51, 55] {
        assert_eq!(one(&report, "csi-node-plugin.yaml", "workload/sensitive-host-path", line).severity, Severity::Low);
    }
    assert_eq!(one(&report, "csi-node-plugin.yaml", "workload/sensitive-host-path", 137).severity, Severity::High);
}

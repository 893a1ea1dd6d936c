//! Workload kinds beyond the built-in ones (the README's kinds table): a
//! realistic manifest of each in `tests/data/kinds/`, its findings pinned by
//! rule and line; and Kubernetes' Pod Security fixtures giving the same
//! verdicts in every pod-template kind as in a Pod.

use std::path::PathBuf;

use posture::rules::PssLevel;
use posture::{check, Options};

fn data(name: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/kinds").join(name)).unwrap()
}

/// (rule, line) of every finding, in report order.
fn findings(name: &str) -> Vec<(String, u32)> {
    let report = check(name, data(name).as_bytes(), &Options::default());
    assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
    report.findings.iter().map(|f| (f.rule.id.to_owned(), f.span.start.line)).collect()
}

fn pinned(expected: &[(&str, u32)]) -> Vec<(String, u32)> {
    expected.iter().map(|(rule, line)| ((*rule).to_owned(), *line)).collect()
}

#[test]
fn each_kind_is_checked_where_it_keeps_its_pod() {
    let cases: [(&str, &[(&str, u32)]); 10] = [
        (
            "rollout.yaml",
            &[("network/missing-default-deny", 2), ("image/not-pinned", 29), ("pss/allow-privilege-escalation", 31)],
        ),
        ("deploymentconfig.yaml", &[("network/missing-default-deny", 2), ("image/latest-tag", 25)]),
        (
            "knative-service.yaml",
            &[("network/missing-default-deny", 2), ("image/not-pinned", 20), ("secrets/literal", 22)],
        ),
        (
            "keda-scaledjob.yaml",
            &[("network/missing-default-deny", 2), ("image/not-pinned", 27), ("pss/restricted-volumes", 38)],
        ),
        // The container shapes: what is set is reported, what is missing
        // (runAsNonRoot, drop ALL, resources...) is left to the run.
        (
            "argo-workflow.yaml",
            &[
                ("network/missing-default-deny", 2),
                ("image/not-pinned", 20),
                ("pss/privileged", 23),
                ("image/not-pinned", 26),
            ],
        ),
        (
            "argo-workflowtemplate.yaml",
            &[
                ("network/missing-default-deny", 2),
                ("image/not-pinned", 16),
                ("image/not-pinned", 19),
                ("pss/capabilities-restricted", 22),
                ("workload/dangerous-capabilities", 22),
            ],
        ),
        (
            "argo-cronworkflow.yaml",
            &[("network/missing-default-deny", 2), ("pss/host-namespaces", 11), ("image/not-pinned", 15)],
        ),
        (
            "tekton-task.yaml",
            &[
                ("network/missing-default-deny", 2),
                ("image/not-pinned", 12),
                ("image/not-pinned", 16),
                ("pss/run-as-user", 18),
                ("secrets/literal", 20),
                ("image/not-pinned", 24),
                ("pss/privileged", 26),
                ("pss/restricted-volumes", 29),
                ("workload/runtime-socket", 29),
            ],
        ),
        (
            "by-shape.yaml",
            &[
                ("network/missing-default-deny", 2),
                ("workload/recognised-by-shape", 2),
                ("image/not-pinned", 19),
                ("pss/host-ports", 27),
            ],
        ),
        ("../hardened.yaml", &[]),
    ];
    for (name, expected) in cases {
        assert_eq!(findings(name), pinned(expected), "{name}");
    }
}

/// Messages name a container by where it is: a step, a sidecar, a template.
#[test]
fn container_shapes_name_their_containers() {
    let report = check("t.yaml", data("tekton-task.yaml").as_bytes(), &Options::default());
    let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(messages.contains(&"step \"test\" runs as root (runAsUser: 0)"), "{messages:?}");
    assert!(messages.contains(&"sidecar \"docker\" runs privileged"), "{messages:?}");
    let report = check("w.yaml", data("argo-workflow.yaml").as_bytes(), &Options::default());
    let privileged = report.findings.iter().find(|f| f.rule.id == "pss/privileged").unwrap();
    assert_eq!(privileged.message, "the container of template \"extract\" runs privileged");
    let fix = privileged.snippet.as_ref();
    assert!(fix.starts_with("# in spec.templates[name: extract]\ncontainer:\n  securityContext:"), "{fix}");
}

/// The v1.37 fixtures (`../shared/fixtures/pss`) wrapped as each pod-template
/// kind give the findings they give as a Pod, on the same lines shifted by
/// the wrapping.
#[test]
fn pod_template_kinds_get_the_pod_verdicts() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/pss");
    let tsv = std::fs::read_to_string(root.join("EXPECTED.tsv")).unwrap();
    let kinds: [(&str, &str, &[&str]); 6] = [
        ("argoproj.io/v1alpha1", "Rollout", &["spec", "template"]),
        ("apps.openshift.io/v1", "DeploymentConfig", &["spec", "template"]),
        ("serving.knative.dev/v1", "Service", &["spec", "template"]),
        ("keda.sh/v1alpha1", "ScaledJob", &["spec", "jobTargetRef", "template"]),
        ("apps.kruise.io/v1alpha1", "CloneSet", &["spec", "template"]),
        ("example.com/v1", "Anything", &["spec", "template"]),
    ];
    let verdict = |text: &str, level| {
        let options = Options { pss_level: level, select: vec!["pss/".into()], ..Options::default() };
        let report = check("k.yaml", text.as_bytes(), &options);
        report.findings.iter().map(|f| (f.rule.id, f.message.clone())).collect::<Vec<_>>()
    };
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let level = PssLevel::parse(cols[1]).unwrap();
        let pod = std::fs::read_to_string(root.join(cols[0])).unwrap();
        let expected = verdict(&pod, level);
        let body: Vec<&str> =
            pod.lines().filter(|l| !l.starts_with("apiVersion:") && !l.starts_with("kind:")).collect();
        for (api_version, kind, path) in kinds {
            let mut wrapped = format!("apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: wrapped\n");
            for (depth, key) in path.iter().enumerate() {
                wrapped.push_str(&format!("{}{key}:\n", "  ".repeat(depth)));
            }
            for l in &body {
                wrapped.push_str(&format!("{}{l}\n", "  ".repeat(path.len())));
            }
            assert_eq!(verdict(&wrapped, level), expected, "{} as {kind}:\n{wrapped}", cols[0]);
        }
    }
}

//! Parity with Pod Security Admission on Kubernetes' own fixtures
//! (`../shared/fixtures/pss`, see its README): every expectation in
//! EXPECTED.tsv, and the same verdicts for the same pod in every workload kind.

mod common;

use std::collections::BTreeSet;

use common::{fixtures, pss_rows, rule_for};
use posture::rules::standards::PolicyVersion;
use posture::rules::PssLevel;
use posture::{check, Options};

fn options(level: PssLevel) -> Options {
    Options { pss_level: level, select: vec!["pss/".into()], ..Options::default() }
}

/// (rule, message, text under the span with white space folded) of every
/// finding.
fn verdict(text: &str, level: PssLevel) -> BTreeSet<(String, String, String)> {
    let report = check("fixture.yaml", text.as_bytes(), &options(level));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
        .findings
        .iter()
        .map(|f| {
            let under = text[f.span.start.at()..f.span.end.at()].split_whitespace().collect::<Vec<_>>().join(" ");
            (f.rule.id.to_owned(), f.message.clone(), under)
        })
        .collect()
}

#[test]
fn all_expectations_hold() {
    let rows = pss_rows("pss");
    assert_eq!(rows.len(), 205);
    let mut failures = Vec::new();
    for row in &rows {
        let text = std::fs::read_to_string(fixtures("pss").join(&row.path)).unwrap();
        let found = verdict(&text, row.level);
        let fired: BTreeSet<&str> = found.iter().map(|(rule, ..)| rule.as_str()).collect();
        let ok = if row.pass {
            found.is_empty()
        } else if row.check == "-" {
            !found.is_empty()
        } else {
            fired.contains(rule_for(&row.check, row.level, PolicyVersion::Latest))
        };
        if !ok {
            failures.push(format!(
                "{} at {}: expected {}, got {fired:?}",
                row.path,
                row.level.name(),
                if row.pass { "pass" } else { "fail" }
            ));
        }
    }
    assert!(failures.is_empty(), "{} of 205 differ:\n{}", failures.len(), failures.join("\n"));
}

/// Wraps a Pod fixture's metadata and spec as the pod template of `kind`.
fn wrap(pod: &str, api_version: &str, kind: &str, template_path: &[&str]) -> String {
    let body: Vec<&str> = pod.lines().filter(|l| !l.starts_with("apiVersion:") && !l.starts_with("kind:")).collect();
    let mut out = format!("apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: wrapped\n");
    for (depth, key) in template_path.iter().enumerate() {
        out.push_str(&format!("{}{key}:\n", "  ".repeat(depth)));
    }
    let indent = "  ".repeat(template_path.len());
    for line in body {
        out.push_str(&format!("{indent}{line}\n"));
    }
    out
}

#[test]
fn every_workload_kind_gets_the_same_verdicts() {
    let kinds: [(&str, &str, &[&str]); 8] = [
        ("apps/v1", "Deployment", &["spec", "template"]),
        ("apps/v1", "StatefulSet", &["spec", "template"]),
        ("apps/v1", "DaemonSet", &["spec", "template"]),
        ("apps/v1", "ReplicaSet", &["spec", "template"]),
        ("v1", "ReplicationController", &["spec", "template"]),
        ("batch/v1", "Job", &["spec", "template"]),
        ("batch/v1", "CronJob", &["spec", "jobTemplate", "spec", "template"]),
        ("v1", "PodTemplate", &["template"]),
    ];
    let mut checked = 0;
    for row in pss_rows("pss") {
        let pod = std::fs::read_to_string(fixtures("pss").join(&row.path)).unwrap();
        let expected = verdict(&pod, row.level);
        for (api_version, kind, path) in kinds {
            let wrapped = wrap(&pod, api_version, kind, path);
            assert_eq!(verdict(&wrapped, row.level), expected, "{} as {kind}:\n{wrapped}", row.path);
            checked += 1;
        }
        let list = format!("apiVersion: v1\nkind: List\nitems:\n- {}", pod.trim_end().replace('\n', "\n  "));
        assert_eq!(verdict(&list, row.level), expected, "{} in a List", row.path);
    }
    assert_eq!(checked, 205 * 8);
}

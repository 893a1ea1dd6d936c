//! Templates and overlays (issue 17 item 4): a Helm template is one input
//! error naming its template lines, while its plain documents are still
//! checked; Chart.yaml, values.yaml and kustomization.yaml are explained in
//! notes; rendered `helm template` output names each object's template.

use posture::{check_all, Input, Options};

fn run(paths: &[&str]) -> posture::Report {
    let texts: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| (p.to_string(), std::fs::read(format!("{}/tests/data/{p}", env!("CARGO_MANIFEST_DIR"))).unwrap()))
        .collect();
    let inputs: Vec<Input> = texts.iter().map(|(file, text)| Input { file, text }).collect();
    check_all(&inputs, &Options::default())
}

#[test]
fn a_helm_template_is_one_error_and_its_plain_documents_are_checked() {
    let report = run(&["helm/web/templates/deployment.yaml"]);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let error = &report.errors[0];
    assert!(error.message.starts_with("Helm template: render it first, e.g. `helm template"), "{}", error.message);
    assert!(error.message.contains("lines 4–24 hold template actions"), "{}", error.message);
    let span = error.span.unwrap();
    assert_eq!((span.start.line, span.end.line, error.document), (4, 24, Some(1)));
    // The ServiceAccount after the template is read as an object.
    assert_eq!((report.documents, report.objects), (2, 1));
}

#[test]
fn chart_values_and_kustomization_are_explained() {
    let report = run(&["helm/web/Chart.yaml", "helm/web/values.yaml", "kustomize/kustomization.yaml"]);
    assert!(report.errors.is_empty() && report.findings.is_empty(), "{:?}", report.errors);
    let notes: Vec<(&str, &str)> =
        report.notes.iter().map(|n| (n.file.as_str(), n.message.split(':').next().unwrap())).collect();
    assert_eq!(
        notes,
        [
            ("helm/web/Chart.yaml", "Helm chart metadata (Chart.yaml)"),
            ("helm/web/values.yaml", "Helm values (values.yaml)"),
            ("kustomize/kustomization.yaml", "kustomize configuration (kustomization.yaml)"),
        ]
    );
    assert!(report.notes[2].message.contains("kustomize build"));
    assert_eq!(report.objects, 0);
}

#[test]
fn rendered_output_names_each_template() {
    let report = run(&["helm/rendered.yaml"]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let found: Vec<(&str, u32, Option<&str>)> =
        report.findings.iter().map(|f| (f.rule.id, f.span.start.line, f.source.as_deref())).collect();
    let from = Some("web/templates/deployment.yaml");
    assert_eq!(
        found,
        [
            ("network/missing-default-deny", 13, from),
            ("workload/automount-token", 30, from),
            ("image/not-pinned", 34, from),
            ("pss/allow-privilege-escalation", 35, from),
            ("pss/capabilities-restricted", 35, from),
            ("pss/seccomp-restricted", 35, from),
        ]
    );
    let text =
        posture::report::to_text(&report, &std::collections::HashMap::new(), posture::report::Style { color: false });
    assert!(text.contains("(document 2, Deployment shop-web, from web/templates/deployment.yaml)"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&posture::report::to_json(&report)).unwrap();
    assert_eq!(json["findings"][0]["source"], "web/templates/deployment.yaml");
    let sarif: serde_json::Value = serde_json::from_str(&posture::report::to_sarif(&report)).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["properties"]["source"], "web/templates/deployment.yaml");
    assert!(posture::report::to_markdown(&report).contains("(from web/templates/deployment.yaml)"));
}

#[test]
fn alerting_templates_in_quotes_and_block_scalars_are_not_helm() {
    let text = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts\ndata:\n  summary: \"{{ $labels.instance }} is down\"\n  body: |\n    {{ range .Alerts }}{{ .Annotations.description }}{{ end }}\n";
    let report = posture::check("alerts.yaml", text, &Options::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.objects, 1);
}

//! Every rule over the real-world-style manifests in tests/corpus: the
//! findings, with their severities and messages, must be exactly the
//! reviewed list in tests/corpus/EXPECTED.tsv.
//! Refresh after a deliberate change: `POSTURE_UPDATE_CORPUS=1 cargo test --test corpus`.

use std::collections::BTreeMap;

use posture::{check_all, Input, Options};

#[test]
fn findings_on_the_corpus_are_the_reviewed_ones() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    let texts: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(format!("{dir}/{f}")).unwrap()).collect();
    let inputs: Vec<Input> = files.iter().zip(&texts).map(|(file, text)| Input { file, text }).collect();
    let report = check_all(&inputs, &Options::default());
    assert!(report.errors.is_empty(), "{:?}", report.errors);

    let mut actual = String::from("file\tline\trule\tseverity\tmessage\n");
    for f in &report.findings {
        let line = format!("{}\t{}\t{}\t{}\t{}\n", f.file, f.span.start.line, f.rule.id, f.severity.name(), f.message);
        actual.push_str(&line);
    }
    let path = format!("{dir}/EXPECTED.tsv");
    if std::env::var_os("POSTURE_UPDATE_CORPUS").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(actual, expected, "findings on the corpus changed: review, then POSTURE_UPDATE_CORPUS=1");

    // Every family of workload-facing rules meets the corpus.
    let mut per_family: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &report.findings {
        *per_family.entry(f.rule.id.split('/').next().unwrap()).or_default() += 1;
    }
    for family in ["pss", "workload", "image", "secrets", "rbac", "network", "namespace", "service"] {
        assert!(per_family.contains_key(family), "no {family} finding in the corpus: {per_family:?}");
    }
}

//! Every rule in the registry is documented, and its own examples behave:
//! each bad example is flagged on its declared line, each good one is not.

use std::collections::HashSet;

use posture::rules::{self, PssLevel, Rule};
use posture::yaml::{parse_stream, Limits, LineIndex};
use posture::{check, Options};

fn level_for(rule: &Rule) -> PssLevel {
    rule.pss.as_ref().map_or(PssLevel::Restricted, |c| c.level)
}

/// Examples run at their rule's Pod Security level, with the registry
/// allowlist `registry.example.com` (for image/registry-allowlist).
fn run(rule: &Rule, yaml: &str) -> posture::Report {
    let options = Options {
        pss_level: level_for(rule),
        select: vec![rule.id.to_owned()],
        allowed_registries: vec!["registry.example.com".into()],
        ..Options::default()
    };
    let report = check("example.yaml", yaml.as_bytes(), &options);
    assert!(report.errors.is_empty(), "{}: example does not parse: {:?}", rule.id, report.errors);
    report
}

fn parses(yaml: &str) -> bool {
    let docs = parse_stream(yaml.as_bytes(), &LineIndex::new(yaml.as_bytes()), &Limits::default());
    docs.documents.iter().all(|d| d.root.is_ok())
}

#[test]
fn ids_are_unique_and_well_formed() {
    let mut seen = HashSet::new();
    for rule in rules::all() {
        assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
        let (family, name) = rule.id.split_once('/').expect("family/name");
        let kebab =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        assert!(kebab(family) && kebab(name), "{}", rule.id);
        assert!(rules::by_id(rule.id).is_some());
    }
}

#[test]
fn every_rule_is_documented() {
    for rule in rules::all() {
        for (what, text) in [("title", rule.title), ("rationale", rule.rationale), ("remediation", rule.remediation)] {
            assert!(text.len() > 10, "{} has no {what}", rule.id);
        }
        assert!(!rule.references.is_empty(), "{} has no references", rule.id);
        assert!(rule.references.iter().all(|r| r.url.starts_with("https://")), "{}", rule.id);
        assert!(parses(rule.snippet), "{}: snippet is not YAML", rule.id);
        assert!(!rule.bad.is_empty() && !rule.good.is_empty(), "{} needs bad and good examples", rule.id);
    }
}

#[test]
fn bad_examples_are_flagged_on_their_line() {
    for rule in rules::all() {
        for bad in rule.bad {
            let report = run(rule, bad.yaml);
            let first = report.findings.first().unwrap_or_else(|| panic!("{}: bad example not flagged", rule.id));
            assert_eq!(first.rule.id, rule.id);
            assert_eq!(first.span.start.line, bad.line, "{}: finding on the wrong line: {}", rule.id, first.message);
            for f in &report.findings {
                assert!(parses(&f.snippet), "{}: remediation snippet is not YAML:\n{}", rule.id, f.snippet);
            }
        }
    }
}

#[test]
fn good_examples_are_not_flagged() {
    for rule in rules::all() {
        for good in rule.good {
            let report = run(rule, good);
            assert!(report.findings.is_empty(), "{}: good example flagged: {:?}", rule.id, report.findings);
        }
    }
}

#[test]
fn restricted_level_replaces_the_baseline_checks_psa_overrides() {
    let at = |level| rules::all().iter().filter(|r| r.applies_at(level)).map(|r| r.id).collect::<HashSet<_>>();
    let baseline = at(PssLevel::Baseline);
    let restricted = at(PssLevel::Restricted);
    assert_eq!(baseline.iter().filter(|id| id.starts_with("pss/")).count(), 12);
    assert_eq!(restricted.iter().filter(|id| id.starts_with("pss/")).count(), 15);
    for replaced in ["pss/host-path-volumes", "pss/seccomp-baseline", "pss/capabilities-baseline", "pss/proc-mount"] {
        assert!(baseline.contains(replaced) && !restricted.contains(replaced), "{replaced}");
    }
}

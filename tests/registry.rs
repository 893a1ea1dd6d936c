//! Every rule in the registry is documented, carries its metadata, and its
//! own examples behave: each bad example yields exactly the findings marked
//! in it, each good example none. The messages of every example are kept as
//! reviewed snapshots (`tests/snapshots/`, one file per family).
//!
//! A bad example marks each expected finding on the line it starts on, with
//! a trailing comment: `# expect: <rule id>` (a comma-separated list when
//! several findings start on one line). A line that cannot carry a comment
//! (inside a block scalar) is marked anywhere with `# expect line N: <id>`.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write;

use posture::rules::standards::PolicyVersion;
use posture::rules::{self, Family, PssLevel, Rule};
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
    assert!(report.errors.is_empty(), "{}: example does not parse: {:?}\n{yaml}", rule.id, report.errors);
    report
}

fn parses(yaml: &str) -> bool {
    let docs = parse_stream(yaml.as_bytes(), &LineIndex::new(yaml.as_bytes()), &Limits::default());
    docs.documents.iter().all(|d| d.root.is_ok())
}

/// The `(line, rule id)` marks of an example, sorted.
fn marks(yaml: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for (n, line) in (1..).zip(yaml.lines()) {
        let Some(at) = line.find("# expect") else { continue };
        let mark = &line[at + "# expect".len()..];
        let (target, ids) = match mark.strip_prefix(':') {
            Some(ids) => (n, ids),
            None => {
                let (where_, ids) = mark.split_once(':').expect("`# expect: id` or `# expect line N: id`");
                let target = where_.trim().strip_prefix("line ").and_then(|l| l.parse().ok());
                (target.expect("`# expect line N: id`"), ids)
            }
        };
        out.extend(ids.split(',').map(|id| (target, id.trim().to_owned())));
    }
    out.sort();
    out
}

#[test]
fn marks_are_read_as_written() {
    let yaml = "a: 1  # expect: x/y\nb: |\n  text\n# expect line 3: x/y, x/z\n";
    assert_eq!(marks(yaml), [(1, "x/y".into()), (3, "x/y".into()), (3, "x/z".into())]);
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
        assert_eq!(family, rule.family.id(), "{}: family field and id disagree", rule.id);
        assert!(rules::by_id(rule.id).is_some());
    }
    for family in Family::ALL {
        assert!(rules::all().iter().any(|r| r.family == family), "{family:?} has no rules");
        assert!(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(family.module()).exists(), "{family:?}");
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

/// Rules no other tool in the catalog checks (so `sources` is empty on
/// purpose). Any other rule must name the tools' ids for the same check.
const NO_OTHER_TOOL: &[&str] = &[
    "pss/host-probes-lifecycle",
    "pss/proc-mount-restricted",
    "workload/share-process-namespace",
    "workload/recognised-by-shape",
    "secrets/committed",
    "rbac/effective-permissions",
    "network/allow-all",
    "network/metadata-egress",
    "namespace/pss-version",
    "namespace/pss-modes",
    "namespace/admission-rejects",
    "apiserver/removed-flag",
    "admission/pod-security-config",
    "encryption/identity-first",
    "encryption/identity-fallback",
    "encryption/aescbc",
    "encryption/aesgcm",
    "encryption/kms-v1",
    "encryption/key-material",
    "encryption/local-keys",
    "encryption/unloadable",
    "audit/rule-shadowed",
    "audit/no-catch-all",
    "audit/nothing-logged",
    "audit/omit-stages",
    "audit/noisy-reads",
    "audit/invalid",
    "admission/audit-only",
    "admission/enforced-controls",
    "apiservice/skip-tls-verify",
    "network/host-network-pods",
    "workload/host-path-persistent-volume",
];

/// Whether the catalog names a tool's id: literally, inside a range
/// (`CKV_K8S_17–19`, `KSV-0008–0010`, `C-0144–C-0150`), or abbreviated
/// after a first full id (`CKV_K8S_90, _107`, `KSV-0011/15/16`).
fn in_catalog(catalog: &str, id: &str) -> bool {
    // Written with a wildcard or a slash in the catalog:
    // `unset-cpu/memory-requirements`, `cpu/memory*Missing`, `*BindingPodExecAttach`.
    const SPELLED_OUT: &[&str] = &[
        "unset-cpu-requirements",
        "unset-memory-requirements",
        "cpuRequestsMissing",
        "memoryLimitsMissing",
        "memoryRequestsMissing",
        "clusterrolebindingPodExecAttach",
        "rolebindingClusterRolePodExecAttach",
        "rolebindingRolePodExecAttach",
    ];
    if catalog.contains(id) || SPELLED_OUT.contains(&id) {
        return true;
    }
    let split = id.rfind(|c: char| !c.is_ascii_digit()).map_or(0, |i| i + 1);
    let (prefix, digits) = id.split_at(split);
    let Ok(number) = digits.parse::<u32>() else { return false };
    // Abbreviated on a line that names the prefix: `, _0022`, `/15`.
    let abbreviated = |line: &str| {
        line.contains(prefix)
            && (line.contains(&format!(", _{digits}"))
                || line.contains(&format!("/{number}/"))
                || line.contains(&format!("/{number};")))
    };
    if catalog.lines().any(abbreviated) {
        return true;
    }
    catalog.match_indices(prefix).any(|(at, _)| {
        let rest = &catalog[at + prefix.len()..];
        let number_at = |s: &str| s.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse::<u32>().ok());
        let Some(low) = number_at(rest) else { return false };
        let after = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        let Some(high) = after.strip_prefix('–') else { return false };
        let high = number_at(high.strip_prefix(prefix).unwrap_or(high));
        high.is_some_and(|high| (low..=high).contains(&number))
    })
}

/// Control-plane flag rules that no CIS item covers.
const NO_CIS: &[&str] = &["apiserver/insecure-port", "apiserver/removed-flag", "kubelet/protect-kernel-defaults"];

#[test]
fn every_rule_carries_its_metadata() {
    let catalog = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/check-catalog.md"))
        .expect("../shared/reference/check-catalog.md");
    for rule in rules::all() {
        assert!(!rule.kinds.is_empty(), "{}: which kinds does it read?", rule.id);
        assert_eq!(
            rule.sources.is_empty(),
            NO_OTHER_TOOL.contains(&rule.id),
            "{}: name the other tools' ids for this check, or list it in NO_OTHER_TOOL",
            rule.id
        );
        for source in rule.sources {
            assert!(in_catalog(&catalog, source.id), "{}: {} is not in the check catalog", rule.id, source.id);
        }
        let control_plane = matches!(
            rule.family,
            Family::Apiserver | Family::Etcd | Family::ControllerManager | Family::Scheduler | Family::Kubelet
        );
        if control_plane {
            assert_eq!(rule.cis.is_empty(), NO_CIS.contains(&rule.id), "{}: which CIS items does it check?", rule.id);
        }
        for cis in rule.cis {
            let numbered = cis.item.split('.').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            assert!(numbered && cis.title.len() > 10, "{}: {cis:?}", rule.id);
        }
    }
}

/// Each bad example yields exactly its marked findings (no finding
/// unmarked, no mark without a finding); each good one yields none. The
/// messages and columns are pinned by the family's snapshot.
#[test]
fn examples_yield_exactly_their_marked_findings() {
    let mut failures = Vec::new();
    // `POSTURE_RULES=rbac cargo test --test registry` checks one family (or
    // one rule), named as on the command line.
    let only = std::env::var("POSTURE_RULES").ok();
    let wanted = |id: &str| only.as_deref().is_none_or(|name| rules::names(name, id));
    for family in Family::ALL {
        let mut snapshot = String::new();
        let mut whole_family = true;
        for rule in rules::all().iter().filter(|r| r.family == family) {
            if !wanted(rule.id) {
                whole_family = false;
                continue;
            }
            for (n, bad) in (1..).zip(rule.bad) {
                let expected = marks(bad);
                assert!(!expected.is_empty(), "{}: bad example {n} marks no finding", rule.id);
                assert!(
                    expected.iter().all(|(_, id)| id == rule.id),
                    "{}: bad example {n} marks another rule",
                    rule.id
                );
                let report = run(rule, bad);
                let found: Vec<(u32, String)> =
                    report.findings.iter().map(|f| (f.span.start.line, f.rule.id.to_owned())).collect();
                let mut sorted = found.clone();
                sorted.sort();
                if sorted != expected {
                    failures.push(format!("{} bad example {n}: marked {expected:?}, found {sorted:?}", rule.id));
                }
                let _ = writeln!(snapshot, "{} bad {n}:", rule.id);
                for f in &report.findings {
                    assert!(parses(&f.snippet), "{}: remediation snippet is not YAML:\n{}", rule.id, f.snippet);
                    let _ = writeln!(snapshot, "  {}:{} {}", f.span.start.line, f.span.start.column, f.message);
                }
            }
            for (n, good) in (1..).zip(rule.good) {
                let report = run(rule, good);
                if !report.findings.is_empty() {
                    let found: Vec<_> = report.findings.iter().map(|f| (f.span.start.line, &f.message)).collect();
                    failures.push(format!("{} good example {n} flagged: {found:?}", rule.id));
                }
            }
        }
        // Only a whole family's run can be compared with its snapshot.
        if whole_family {
            insta::assert_snapshot!(family.id(), snapshot);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Rules with more than one way to fire show each in a bad example of its
/// own; these are the rules whose triggers are known to differ.
#[test]
fn rules_with_several_triggers_show_each() {
    let several: BTreeSet<&str> = rules::all().iter().filter(|r| r.bad.len() >= 2).map(|r| r.id).collect();
    for id in
        ["apiserver/profiling", "scheduler/profiling", "controller-manager/bind-address", "scheduler/bind-address"]
    {
        assert!(several.contains(id), "{id} fires when set and by default: show both");
    }
}

#[test]
fn restricted_level_replaces_the_baseline_checks_psa_overrides() {
    let at = |level| {
        rules::all().iter().filter(|r| r.applies_at(level, PolicyVersion::Latest)).map(|r| r.id).collect::<HashSet<_>>()
    };
    let baseline = at(PssLevel::Baseline);
    let restricted = at(PssLevel::Restricted);
    assert_eq!(baseline.iter().filter(|id| id.starts_with("pss/")).count(), 12);
    assert_eq!(restricted.iter().filter(|id| id.starts_with("pss/")).count(), 15);
    for replaced in ["pss/host-path-volumes", "pss/seccomp-baseline", "pss/capabilities-baseline", "pss/proc-mount"] {
        assert!(baseline.contains(replaced) && !restricted.contains(replaced), "{replaced}");
    }
}

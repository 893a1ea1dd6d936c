//! Parity with Pod Security Admission at every policy version, on
//! Kubernetes' own fixtures for v1.0 to v1.37 (`../shared/fixtures/pss-all`,
//! see its README): every row of EXPECTED.tsv, evaluated at its level and
//! version as `--pss-version` (and a namespace's `enforce-version`) would.

mod common;

use common::{fixtures, pss_rows, rule_for};
use posture::rules::standards::PolicyVersion;
use posture::rules::PssLevel;
use posture::{check, Options};

#[test]
fn every_version_matches_pod_security_admission() {
    let rows = pss_rows("pss-all");
    assert_eq!(rows.len(), 6277);
    let mut failures = Vec::new();
    for row in &rows {
        let text = std::fs::read_to_string(fixtures("pss-all").join(&row.path)).unwrap();
        let options = Options {
            pss_level: row.level,
            pss_version: row.version,
            select: vec!["pss/".into()],
            ..Options::default()
        };
        let report = check("fixture.yaml", text.as_bytes(), &options);
        assert!(report.errors.is_empty(), "{}: {:?}", row.path, report.errors);
        let fired: Vec<&str> = report.findings.iter().map(|f| f.rule.id).collect();
        let ok = if row.pass {
            fired.is_empty()
        } else if row.direct && row.check != "-" {
            fired.contains(&rule_for(&row.check, row.level, row.version))
        } else {
            !fired.is_empty()
        };
        if !ok {
            failures.push(format!(
                "{} at {} {}: expected {}, got {fired:?}",
                row.path,
                row.level.name(),
                row.version,
                if row.pass { "pass" } else { "fail" }
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), rows.len(), failures.join("\n"));
}

/// What changed between versions shows on the fixtures' own pods: one that
/// v1.N allows and v1.N-1 denies, or the reverse, for each change PSA made.
#[test]
fn checks_change_at_the_versions_psa_changed_them() {
    let verdict = |yaml: &str, level: PssLevel, minor: u32| {
        let options = Options {
            pss_level: level,
            pss_version: PolicyVersion::v1(minor),
            select: vec!["pss/".into()],
            ..Options::default()
        };
        check("pod.yaml", yaml.as_bytes(), &options).findings.iter().map(|f| f.rule.id).collect::<Vec<_>>()
    };
    let pod = |spec: &str| format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n{spec}");
    let restricted_ok = "  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: RuntimeDefault\n";
    let container = "  - name: app\n    image: app:1\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop: [ALL]\n";
    // A sysctl allowed from v1.29.
    let sysctl = pod("  securityContext:\n    sysctls:\n    - name: net.ipv4.tcp_keepalive_time\n      value: \"60\"\n  containers:\n  - name: app\n    image: app:1\n");
    assert_eq!(verdict(&sysctl, PssLevel::Baseline, 28), ["pss/sysctls"]);
    assert!(verdict(&sysctl, PssLevel::Baseline, 29).is_empty());
    // runAsUser: 0 is a finding from v1.23.
    let root = pod(&format!("{restricted_ok}    runAsUser: 0\n  containers:\n{container}"));
    assert!(verdict(&root, PssLevel::Restricted, 22).is_empty());
    assert_eq!(verdict(&root, PssLevel::Restricted, 23), ["pss/run-as-user"]);
    // Seccomp: annotations before v1.19, fields after.
    let annotated = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: unconfined\nspec:\n  containers:\n  - name: app\n    image: app:1\n";
    assert_eq!(verdict(annotated, PssLevel::Baseline, 18), ["pss/seccomp-baseline"]);
    assert!(verdict(annotated, PssLevel::Baseline, 19).is_empty());
    // A user namespace relaxes procMount at baseline from v1.35.
    let unmasked = pod("  hostUsers: false\n  containers:\n  - name: app\n    image: app:1\n    securityContext:\n      procMount: Unmasked\n");
    assert_eq!(verdict(&unmasked, PssLevel::Baseline, 34), ["pss/proc-mount"]);
    assert!(verdict(&unmasked, PssLevel::Baseline, 35).is_empty());
    // capabilities_restricted replaces capabilities_baseline from v1.22.
    let adds = pod(&format!("{restricted_ok}  containers:\n  - name: app\n    image: app:1\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities:\n        add: [SYS_ADMIN]\n"));
    assert_eq!(verdict(&adds, PssLevel::Restricted, 21), ["pss/capabilities-baseline"]);
    assert_eq!(
        verdict(&adds, PssLevel::Restricted, 22),
        ["pss/capabilities-restricted", "pss/capabilities-restricted"]
    );
}

/// `namespace/admission-rejects` judges a namespace's pods at its
/// `enforce-version`, and at latest when the label is absent or invalid.
#[test]
fn admission_follows_the_namespace_enforce_version() {
    let input = |version: &str| {
        let label = if version.is_empty() {
            String::new()
        } else {
            format!("\n    pod-security.kubernetes.io/enforce-version: {version}")
        };
        format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: baseline{label}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  securityContext:\n    sysctls:\n    - name: net.ipv4.tcp_rmem\n      value: \"4096 87380 6291456\"\n  containers:\n  - name: web\n    image: web:1\n"
        )
    };
    let rejects = |version: &str| {
        let options = Options { select: vec!["namespace/admission-rejects".into()], ..Options::default() };
        let report = check("ns.yaml", input(version).as_bytes(), &options);
        report.findings.iter().map(|f| f.message.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        rejects("v1.31"),
        ["namespace shop enforces Pod Security baseline at v1.31: admission rejects this pod (fails sysctls)"]
    );
    for allowed in ["v1.32", "latest", "", "not-a-version"] {
        assert!(rejects(allowed).is_empty(), "{allowed}");
    }
}

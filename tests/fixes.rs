//! Fixes, over the whole registry: every rule that declares a fix fixes its
//! own bad examples (the rule goes quiet, no other finding appears, the
//! objects stay the same, a second run changes nothing); rules that declare
//! none produce none; a case is never safer than its rule declares.

use std::collections::HashMap;

use posture::fix::{self, declared, splice, Applicability, Declared, FixState, Mode};
use posture::rules::{self, PssLevel, Rule};
use posture::{check, check_all, Input, Options, Report};

fn options(rule: &Rule, select: bool) -> Options {
    Options {
        pss_level: rule.pss.as_ref().map_or(PssLevel::Restricted, |c| c.level),
        select: if select { vec![rule.id.to_owned()] } else { Vec::new() },
        allowed_registries: vec!["registry.example.com".into()],
        ..Options::default()
    }
}

/// Findings as (rule, object, message) counts.
fn counts(report: &Report) -> HashMap<(String, String, String), usize> {
    let mut out = HashMap::new();
    for f in &report.findings {
        *out.entry((f.rule.id.to_owned(), f.object.to_string(), f.message.clone())).or_insert(0) += 1;
    }
    out
}

fn new_findings(before: &Report, after: &Report) -> Vec<String> {
    let before = counts(before);
    counts(after)
        .into_iter()
        .filter(|(k, n)| *n > before.get(k).copied().unwrap_or(0))
        .map(|(k, _)| format!("{}: {}", k.0, k.2))
        .collect()
}

#[test]
fn every_fix_closes_its_findings_in_the_bad_examples() {
    let mut failures = Vec::new();
    for rule in rules::all() {
        let Declared::Fix(applicability) = declared(rule.id) else { continue };
        let mut ready = 0;
        for (n, bad) in rule.bad.iter().enumerate() {
            let mut refused = false;
            let at = format!("{} bad[{n}]", rule.id);
            let all = options(rule, false);
            let before = check("bad.yaml", bad.as_bytes(), &all);
            let mine: Vec<_> = before.findings.iter().filter(|f| f.rule.id == rule.id).collect();
            for f in &mine {
                match &f.fix {
                    Some(FixState::Ready(fix)) => {
                        ready += 1;
                        if fix.applicability < applicability {
                            failures.push(format!("{at}: a case is safer ({:?}) than declared", fix.applicability));
                        }
                    }
                    // A case the helper cannot edit with certainty stays.
                    Some(FixState::Refused(_)) => refused = true,
                    None => failures.push(format!("{at}: a finding without a fix: {}", f.message)),
                }
            }
            let text = if applicability == Applicability::NeedsValue {
                // Applied one by one, as a person would, each alone.
                let mut text = bad.as_bytes().to_vec();
                loop {
                    let report = check("bad.yaml", &text, &options(rule, true));
                    let Some(fix) = report.findings.iter().find_map(|f| f.fix.as_ref().and_then(FixState::fix)) else {
                        break;
                    };
                    text = splice(&text, &fix.edits);
                    if text.len() > 100_000 {
                        failures.push(format!("{at}: needs-value fixes do not converge"));
                        break;
                    }
                }
                text
            } else {
                let input = [Input { file: "bad.yaml", text: bad.as_bytes() }];
                let out = fix::fix_inputs(&input, &options(rule, true), Mode { unsafe_fixes: true });
                if let Some(why) = &out[0].refused {
                    failures.push(format!("{at}: file refused: {why}"));
                    continue;
                }
                let again = [Input { file: "bad.yaml", text: &out[0].text }];
                let second = fix::fix_inputs(&again, &options(rule, true), Mode { unsafe_fixes: true });
                if second[0].changed {
                    failures.push(format!("{at}: a second run changes the text again"));
                }
                out[0].text.clone()
            };
            let after = check("bad.yaml", &text, &all);
            let shown = String::from_utf8_lossy(&text);
            if !after.errors.is_empty() {
                failures.push(format!("{at}: fixed text does not parse: {:?}\n{shown}", after.errors));
                continue;
            }
            if !refused && after.findings.iter().any(|f| f.rule.id == rule.id) {
                failures.push(format!("{at}: still flagged after the fix:\n{shown}"));
            }
            let new = new_findings(&before, &after);
            if !new.is_empty() {
                failures.push(format!("{at}: new findings after the fix: {new:?}\n{shown}"));
            }
            if before.objects != after.objects {
                failures.push(format!("{at}: objects changed"));
            }
        }
        if ready == 0 {
            failures.push(format!("{}: declares a fix but fixes none of its bad examples", rule.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn rules_without_a_fix_produce_none() {
    for rule in rules::all() {
        if declared(rule.id).applicability().is_some() {
            continue;
        }
        for bad in rule.bad {
            let report = check_all(&[Input { file: "bad.yaml", text: bad.as_bytes() }], &options(rule, true));
            assert!(report.findings.iter().all(|f| f.fix.is_none()), "{}: has fixes but declares none", rule.id);
        }
    }
}

fn fix_text(text: &[u8], options: &Options, unsafe_fixes: bool) -> fix::FileFix {
    let input = [Input { file: "in.yaml", text }];
    fix::fix_inputs(&input, options, Mode { unsafe_fixes }).remove(0)
}

/// The original's lines, in order, within the fixed text, except at most
/// `touched` of them (a changed value, a removed key).
fn preserved(original: &str, fixed: &str, touched: usize) -> Result<(), String> {
    let fixed_lines: Vec<&str> = fixed.split_inclusive('\n').collect();
    let mut at = 0;
    let mut missing = Vec::new();
    for line in original.split_inclusive('\n') {
        match fixed_lines[at..].iter().position(|l| *l == line) {
            Some(i) => at += i + 1,
            None => missing.push(line),
        }
    }
    if missing.len() > touched {
        return Err(format!("{} original lines changed, more than the {touched} fixes: {missing:?}", missing.len()));
    }
    if missing.iter().any(|l| l.trim_start().starts_with('#') || l.trim_end() == "---" || l.trim_end() == "...") {
        return Err(format!("a comment or document marker changed: {missing:?}"));
    }
    Ok(())
}

#[test]
fn corpus_round_trips() {
    let mut failures = Vec::new();
    let mut dir: Vec<_> = std::fs::read_dir("tests/corpus").unwrap().map(|e| e.unwrap().path()).collect();
    dir.sort();
    let options = Options::default();
    for path in dir.into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let name = path.display().to_string();
        let original = std::fs::read(&path).unwrap();
        let before = check("in.yaml", &original, &options);
        let safe = fix_text(&original, &options, false);
        let all = fix_text(&safe.text, &options, true);
        for step in [&safe, &all] {
            if let Some(why) = &step.refused {
                failures.push(format!("{name}: refused: {why}"));
            }
            assert!(step.applied.iter().all(|i| i.applicability != Some(Applicability::NeedsValue)));
        }
        assert!(safe.applied.iter().all(|i| i.applicability == Some(Applicability::Safe)), "{name}");
        let after = check("in.yaml", &all.text, &options);
        if !after.errors.is_empty() {
            failures.push(format!("{name}: does not parse after fixing"));
        }
        let new = new_findings(&before, &after);
        if !new.is_empty() {
            failures.push(format!("{name}: new findings {new:?}"));
        }
        let left: Vec<_> = after
            .findings
            .iter()
            .filter(|f| matches!(&f.fix, Some(FixState::Ready(fix)) if fix.applicability != Applicability::NeedsValue))
            .map(|f| format!("{}: {}", f.rule.id, f.message))
            .collect();
        if !left.is_empty() {
            failures.push(format!("{name}: fixable findings left: {left:?}"));
        }
        if before.objects != after.objects || before.documents != after.documents {
            failures.push(format!("{name}: objects or documents changed"));
        }
        let touched = safe.applied.len() + all.applied.len();
        let (o, f) = (String::from_utf8_lossy(&original), String::from_utf8_lossy(&all.text));
        if let Err(e) = preserved(&o, &f, touched) {
            failures.push(format!("{name}: {e}"));
        }
        if fix_text(&all.text, &options, true).changed {
            failures.push(format!("{name}: a second run changes the text"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Fixes the text with every safe and unsafe fix; returns the result.
fn fixed(text: &str) -> (String, fix::FileFix) {
    let out = fix_text(text.as_bytes(), &Options::default(), true);
    (String::from_utf8(out.text.clone()).unwrap(), out)
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  automountServiceAccountToken: false\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n";

#[test]
fn style_cases() {
    let digest = "a".repeat(64);
    // Non-indented sequence, 2 spaces, comments between keys.
    let text = format!("{POD}  - name: app  # the app\n    image: registry.example.com/app:1.0@sha256:{digest}\n    # resources were reviewed\n    resources: {{requests: {{cpu: 1m, memory: 1Mi}}, limits: {{memory: 1Mi}}}}\n");
    let (out, result) = fixed(&text);
    assert!(result.refused.is_none(), "{:?}", result.refused);
    assert!(out.starts_with(&text), "insertions go after the last key:\n{out}");
    assert!(out.ends_with("    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop: [ALL]\n      readOnlyRootFilesystem: true\n"), "{out}");

    // Four spaces, indented sequence.
    let four = format!("apiVersion: v1\nkind: Pod\nmetadata:\n    name: p\nspec:\n    automountServiceAccountToken: false\n    securityContext:\n        runAsNonRoot: true\n        seccompProfile:\n            type: RuntimeDefault\n    containers:\n        - name: app\n          image: registry.example.com/app:1.0@sha256:{digest}\n          resources:\n              requests: {{cpu: 1m, memory: 1Mi}}\n              limits: {{memory: 1Mi}}\n");
    let (out, result) = fixed(&four);
    assert!(result.refused.is_none(), "{:?}\n{four}", result.refused);
    assert!(out.starts_with(&four), "{out}");
    assert!(out.ends_with("          securityContext:\n              allowPrivilegeEscalation: false\n              capabilities:\n                  drop: [ALL]\n              readOnlyRootFilesystem: true\n"), "{out}");

    // CRLF and a BOM, no final newline.
    let crlf = format!("\u{feff}{}", text.trim_end().replace('\n', "\r\n"));
    let (out, result) = fixed(&crlf);
    assert!(result.refused.is_none(), "{:?}", result.refused);
    assert!(out.starts_with(&crlf) && !out.ends_with('\n'), "{out:?}");
    assert!(!out.replace("\r\n", "").contains('\n'), "only CRLF line ends: {out:?}");

    // A flow mapping on one line takes the key in flow style.
    let flow =
        format!("{POD}  - {{name: app, image: nginx:1.27, securityContext: {{allowPrivilegeEscalation: true}}}}\n");
    let (out, _) = fixed(&flow);
    assert!(out.contains("securityContext: {allowPrivilegeEscalation: false"), "{out}");
}

#[test]
fn anchors_and_templates_are_refused() {
    let anchored = format!("{POD}  - name: a\n    image: nginx:1.27\n    securityContext: &sc\n      allowPrivilegeEscalation: true\n  - name: b\n    image: nginx:1.27\n    securityContext: *sc\n");
    let report = check("in.yaml", anchored.as_bytes(), &Options::default());
    let refused: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.id == "pss/allow-privilege-escalation")
        .map(|f| f.fix.as_ref().and_then(|s| s.refused()).unwrap_or("").to_owned())
        .collect();
    assert_eq!(refused.len(), 2);
    assert!(refused.iter().all(|r| r.contains("anchor") || r.contains("alias")), "{refused:?}");

    let helm = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n";
    let report = check("in.yaml", helm.as_bytes(), &Options::default());
    // A template either does not parse (no findings) or every fix is refused.
    for f in &report.findings {
        assert!(f.fix.as_ref().is_none_or(|s| s.refused().is_some_and(|r| r.contains("template"))), "{}", f.rule.id);
    }
    let helm = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"{{ .Release.Name }}\"\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n";
    let (out, result) = fixed(helm);
    assert_eq!(out, helm);
    assert!(!result.changed);
    // Quoted, `.Release` still marks a Helm template: the file is an input
    // error ("render it first"), so there is nothing to fix in it.
    let report = check("in.yaml", helm.as_bytes(), &Options::default());
    assert!(report.errors.iter().any(|e| e.message.contains("Helm template")), "{:?}", report.errors);
    assert!(report.findings.iter().all(|f| f.fix.as_ref().is_none_or(|s| s.refused().is_some())));
}

#[test]
fn results_do_not_depend_on_finding_order() {
    // Two inputs given in either order fix to the same texts.
    let a = format!("{POD}  - name: a\n    image: nginx:1.27\n");
    let b = format!("{POD}  - name: b\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n");
    let options = Options::default();
    let one = fix::fix_inputs(
        &[Input { file: "a", text: a.as_bytes() }, Input { file: "b", text: b.as_bytes() }],
        &options,
        Mode { unsafe_fixes: true },
    );
    let two = fix::fix_inputs(
        &[Input { file: "b", text: b.as_bytes() }, Input { file: "a", text: a.as_bytes() }],
        &options,
        Mode { unsafe_fixes: true },
    );
    assert_eq!(one[0].text, two[1].text);
    assert_eq!(one[1].text, two[0].text);
}

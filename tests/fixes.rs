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

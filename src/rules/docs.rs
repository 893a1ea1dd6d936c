//! Rule documentation generated from the registry, so it is never written
//! twice: the README's rule table and `posture rules --format markdown`.

use std::fmt::Write;

use super::{all, Rule};

/// One line per rule: id, severity, title, and the standard it follows
/// (the PSA check it mirrors, the CIS items it covers).
pub fn table() -> String {
    let mut out = String::from("| Rule | Severity | What it finds | Standard |\n|---|---|---|---|\n");
    for rule in all() {
        let mut standard: Vec<String> =
            rule.pss.iter().map(|c| format!("PSS `{}` ({})", c.check, c.level.name())).collect();
        let cis: Vec<&str> = rule
            .references
            .iter()
            .filter_map(|r| r.title.strip_prefix("CIS Kubernetes Benchmark v1.12, "))
            .filter_map(|t| t.split(' ').next())
            .collect();
        if !cis.is_empty() {
            standard.push(format!("CIS {}", cis.join(", ")));
        }
        let _ =
            writeln!(out, "| `{}` | {} | {} | {} |", rule.id, rule.severity.name(), rule.title, standard.join("; "));
    }
    out
}

/// Full documentation: the table, then every rule's rationale, fix,
/// references and examples.
pub fn markdown() -> String {
    let mut out = format!("# Posture rules\n\n{}", table());
    for rule in all() {
        out.push('\n');
        out.push_str(&rule_section(rule));
    }
    out
}

fn rule_section(rule: &Rule) -> String {
    let mut out = format!("## `{}`: {}\n\nSeverity: **{}**", rule.id, rule.title, rule.severity.name());
    if let Some(c) = &rule.pss {
        let _ = write!(
            out,
            ". Pod Security Admission check `{}`, {} level, policy {} and later",
            c.check,
            c.level.name(),
            c.since
        );
        if let Some(over) = c.overrides {
            let _ = write!(out, "; replaces `{over}` at the restricted level");
        }
    }
    let _ =
        write!(out, ".\n\n{}\n\n**Fix:** {}\n\n```yaml\n{}\n```\n\n", rule.rationale, rule.remediation, rule.snippet);
    for bad in rule.bad {
        let _ = write!(out, "Flagged (line {}):\n\n```yaml\n{}```\n\n", bad.line, bad.yaml);
    }
    for good in rule.good {
        let _ = write!(out, "Not flagged:\n\n```yaml\n{good}```\n\n");
    }
    out.push_str("References:\n");
    for r in rule.references {
        let _ = writeln!(out, "- [{}]({})", r.title, r.url);
    }
    out
}

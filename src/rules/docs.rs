//! Rule documentation generated from the registry, so it is never written
//! twice: the README's rule table and `posture rules --format markdown`.

use std::fmt::Write;

use super::{all, Rule};

/// One line per rule: id, severity, title, and the PSA check it mirrors.
pub fn table() -> String {
    let mut out = String::from("| Rule | Severity | What it finds | Pod Security control |\n|---|---|---|---|\n");
    for rule in all() {
        let control = rule.pss.as_ref().map_or(String::new(), |c| format!("`{}` ({})", c.check, c.level.name()));
        let _ = writeln!(out, "| `{}` | {} | {} | {} |", rule.id, rule.severity.name(), rule.title, control);
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
        let _ = write!(out, ". Pod Security Admission check `{}`, {} level, policy {} and later", c.check, c.level.name(), c.since);
        if let Some(over) = c.overrides {
            let _ = write!(out, "; replaces `{over}` at the restricted level");
        }
    }
    let _ = write!(out, ".\n\n{}\n\n**Fix:** {}\n\n```yaml\n{}\n```\n\n", rule.rationale, rule.remediation, rule.snippet);
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

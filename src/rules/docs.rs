//! Rule documentation generated from the registry, so it is never written
//! twice: the README's rule table and `posture rules --format markdown`.

use std::fmt::Write;

use super::{all, Cis, Rule, Tool};

/// One line per rule: id, severity, title, and the standard it follows
/// (the PSA check it mirrors, the CIS items it covers).
pub fn table() -> String {
    let mut out = String::from("| Rule | Severity | What it finds | Standard |\n|---|---|---|---|\n");
    for rule in all() {
        let mut standard: Vec<String> =
            rule.pss.iter().map(|c| text!("PSS `{}` ({})", c.check, c.level.name())).collect();
        let cis: Vec<&str> = rule.cis.iter().map(|c| c.item).collect();
        if !cis.is_empty() {
            standard.push(text!("CIS {}", cis.join(", ")));
        }
        let _ =
            writeln!(out, "| `{}` | {} | {} | {} |", rule.id, rule.severity.name(), rule.title, standard.join("; "));
    }
    out
}

/// The kinds whose pods every pod rule checks, and where each keeps them.
pub fn kinds_table() -> String {
    use crate::k8s::{Shape, WORKLOAD_KINDS};
    let mut out = String::from("| Kind | API group | From | Pod spec | Rules |\n|---|---|---|---|---|\n");
    for k in WORKLOAD_KINDS {
        let (at, rules) = match k.shape {
            Shape::Template([]) => ("`spec`".to_owned(), "all"),
            Shape::Template(path) => (text!("`{}.spec`", path.join(".")), "all"),
            Shape::ArgoTemplates(path) => (
                text!("`{}.templates[*]`: `container`, `script`, `containerSet`, `initContainers`, `sidecars`; pod-level fields of `{0}`", path.join(".")),
                "what is set",
            ),
            Shape::TektonSteps => ("`spec.steps`, `spec.sidecars`; `spec.volumes`".to_owned(), "what is set"),
        };
        let group = if k.group.is_empty() { "core (`v1`)" } else { k.group };
        let _ = writeln!(out, "| {} | {group} | {} | {at} | {rules} |", k.kind, k.project);
    }
    out
}

/// "Coming from another tool": for each tool, each of its check ids that a
/// Posture rule answers, and the rule (or rules).
pub fn sources_table() -> String {
    let mut out = String::new();
    for tool in Tool::ALL {
        let mut ids: Vec<(&str, Vec<&str>)> = Vec::new();
        for rule in all() {
            for source in rule.sources.iter().filter(|s| s.tool == tool) {
                match ids.iter_mut().find(|(id, _)| *id == source.id) {
                    Some((_, rules)) => rules.push(rule.id),
                    None => ids.push((source.id, vec![rule.id])),
                }
            }
        }
        ids.sort_by_cached_key(|(id, _)| natural_key(id));
        let _ = write!(
            out,
            "<details><summary>{} ({} checks)</summary>\n\n| {} | Posture |\n|---|---|\n",
            tool.name(),
            ids.len(),
            tool.name()
        );
        for (id, rules) in ids {
            let rules: Vec<String> = rules.iter().map(|r| text!("`{r}`")).collect();
            let _ = writeln!(out, "| `{id}` | {} |", rules.join(", "));
        }
        out.push_str("\n</details>\n");
    }
    out
}

/// `CKV_K8S_9` before `CKV_K8S_10`: digit runs compare as numbers.
fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut rest = id;
    while !rest.is_empty() {
        let text_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let (text, tail) = rest.split_at(text_len);
        let digits_len = tail.find(|c: char| !c.is_ascii_digit()).unwrap_or(tail.len());
        let (digits, tail) = tail.split_at(digits_len);
        key.push((text.to_owned(), digits.parse().unwrap_or(0)));
        rest = tail;
    }
    key
}

/// Full documentation: the table, then every rule's rationale, fix,
/// references and examples.
/// The rules with a fix, by applicability, and those without one and why
/// (the README's "Fixing" section).
pub fn fixes_table() -> String {
    use crate::fix::{Applicability, Declared};
    let mut out = String::new();
    for (a, what) in [
        (Applicability::Safe, "applied by `posture fix`"),
        (Applicability::Unsafe, "applied by `posture fix --unsafe`"),
        (Applicability::NeedsValue, "insert a `FIXME` placeholder; never applied in bulk"),
    ] {
        let ids: Vec<String> = all()
            .iter()
            .filter(|r| crate::fix::declared(r.id) == Declared::Fix(a))
            .map(|r| text!("`{}`", r.id))
            .collect();
        let _ = writeln!(out, "- **{}** ({what}): {}.", a.name(), ids.join(", "));
    }
    out.push_str("\nWithout a fix:\n\n| Rule | Why |\n|---|---|\n");
    for rule in all() {
        if let Declared::None(why) = crate::fix::declared(rule.id) {
            let _ = writeln!(out, "| `{}` | {why} |", rule.id);
        }
    }
    out
}

pub fn markdown() -> String {
    let mut out = text!("# Posture rules\n\n{}", table());
    for rule in all() {
        out.push('\n');
        out.push_str(&rule_section(rule));
    }
    out
}

fn rule_section(rule: &Rule) -> String {
    let mut out = text!("## `{}`: {}\n\nSeverity: **{}**", rule.id, rule.title, rule.severity.name());
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
    let _ = write!(out, ". Reads: {}.\n\n", rule.kinds.join(", "));
    match crate::fix::declared(rule.id) {
        crate::fix::Declared::Fix(a) => {
            let _ = write!(out, "`posture fix`: **{}** fix.\n\n", a.name());
        }
        crate::fix::Declared::None(why) => {
            let _ = write!(out, "`posture fix`: no fix ({why}).\n\n");
        }
    }
    out.push_str(&help_markdown(rule));
    out.push('\n');
    for bad in rule.bad {
        let _ = write!(out, "\nFlagged (each finding is marked `# expect`):\n\n```yaml\n{bad}```\n");
    }
    for good in rule.good {
        let _ = write!(out, "\nNot flagged:\n\n```yaml\n{good}```\n");
    }
    out
}

/// A rule's help as Markdown: why it matters, the fix, the same check in
/// other tools, and references (CIS items included). The rule docs and
/// SARIF's rule descriptors both show this.
pub fn help_markdown(rule: &Rule) -> String {
    let mut out = text!("{}\n\n**Fix:** {}\n\n```yaml\n{}\n```\n", rule.rationale, rule.remediation, rule.snippet);
    if !rule.sources.is_empty() {
        let ids: Vec<String> = rule.sources.iter().map(|s| text!("{} `{}`", s.tool.name(), s.id)).collect();
        let _ = write!(out, "\nSame check elsewhere: {}.\n", ids.join(", "));
    }
    out.push_str("\nReferences:\n");
    for r in rule.references {
        let _ = writeln!(out, "- [{}]({})", r.title, r.url);
    }
    for c in rule.cis {
        let _ = writeln!(out, "- [CIS Kubernetes Benchmark v1.12, {} {}]({})", c.item, c.title, Cis::URL);
    }
    out
}

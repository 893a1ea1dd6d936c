//! A Markdown report, for pull-request comments and review notes.

use std::fmt::Write;

use super::text::summary_line;
use super::Report;

/// Text from the input, made inert: names and values in a manifest must not
/// become links, images or formatting in a pull-request comment.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '#' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for inside a code span in a table: backticks and pipes are the
/// only characters that matter there.
fn code(text: &str) -> String {
    text.replace('`', "'").replace('|', "\\|").replace('\n', " ")
}

pub fn to_markdown(report: &Report) -> String {
    let mut out = String::from("# Posture report\n\n");
    let _ = writeln!(out, "{}\n", summary_line(report));
    out.push_str("| Practice | Status | Findings |\n|---|---|---|\n");
    for p in &report.practices {
        let _ = writeln!(out, "| {} | {} | {} |", p.title, p.status, p.findings);
    }
    out.push('\n');
    if !report.findings.is_empty() {
        out.push_str("| Severity | Rule | Location | Object | Finding |\n|---|---|---|---|---|\n");
        for f in &report.findings {
            let object = f.object.to_string();
            let _ = writeln!(
                out,
                "| {} | `{}` | `{}:{}:{}` | {} | {} |",
                f.severity.name(),
                f.rule.id,
                code(&f.file),
                f.span.start.line,
                f.span.start.column,
                cell(&object),
                cell(&f.message)
            );
        }
        out.push_str("\n## How to fix\n");
        for rule in report.rules() {
            let _ = writeln!(
                out,
                "\n### `{}`: {}\n\n{}\n\n**Fix:** {}\n\n```yaml\n{}\n```",
                rule.id, rule.title, rule.rationale, rule.remediation, rule.snippet
            );
            for r in rule.references {
                let _ = writeln!(out, "- [{}]({})", r.title, r.url);
            }
        }
    }
    if !report.suppressed.is_empty() {
        out.push_str("\n## Suppressed\n\n");
        for s in &report.suppressed {
            let f = &s.finding;
            let _ = writeln!(
                out,
                "- `{}` at `{}:{}`: {} ({}: {})",
                f.rule.id,
                code(&f.file),
                f.span.start.line,
                cell(&f.message),
                s.suppression.via,
                cell(&s.suppression.reason)
            );
        }
    }
    if !report.errors.is_empty() {
        out.push_str("\n## Input errors\n\n");
        for e in &report.errors {
            let at = match (e.span, e.document) {
                (Some(span), Some(doc)) => {
                    format!("{}:{}:{} (document {doc})", e.file, span.start.line, span.start.column)
                }
                _ => e.file.clone(),
            };
            let _ = writeln!(out, "- `{}`: {}", code(&at), cell(&e.message));
        }
    }
    out
}

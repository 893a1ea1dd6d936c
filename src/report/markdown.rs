//! A Markdown report, for pull-request comments and review notes.

use std::borrow::Cow;
use std::fmt::Write;
use std::io;

use super::escape::escape;
use super::text::summary_line;
use super::Report;

/// Text from the input as a code span, where GitHub renders it literally:
/// no links (`https://…`, `www.…`), mentions, strike-through or HTML.
/// Control characters are escaped visibly, so a `\r` or `\n` cannot end a
/// table row; the fence is longer than any run of backticks inside.
fn code(text: &str, place: Place) -> String {
    let text = escape(text);
    if text.is_empty() {
        return String::new();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space inside its
    // fence; one space each side is stripped again when rendered.
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    let text = match place {
        // In a table, a pipe ends the cell even inside a code span.
        Place::Table => Cow::Owned(text.replace('|', "\\|")),
        Place::Text => text,
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[derive(Clone, Copy)]
enum Place {
    Table,
    Text,
}

pub fn to_markdown(report: &Report) -> String {
    super::stream::to_string(|out| write_markdown(report, out))
}

/// Writes the report to `out` as it is produced, a few findings at a time.
pub fn write_markdown(report: &Report, writer: &mut impl io::Write) -> io::Result<()> {
    let mut out = String::from("# Posture report\n\n");
    let _ = writeln!(out, "{}\n", summary_line(report));
    out.push_str("| Practice | Status | Findings |\n|---|---|---|\n");
    for p in &report.practices {
        let _ = writeln!(out, "| {} | {} | {} |", p.title, p.status.name(), p.findings);
    }
    out.push('\n');
    if !report.findings.is_empty() {
        out.push_str("| Severity | Rule | Location | Object | Finding |\n|---|---|---|---|---|\n");
        for f in &report.findings {
            let mut object = f.object.to_string();
            if let Some(source) = &f.source {
                object.push_str(&format!(" (from {source})"));
            }
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} |",
                f.severity.name(),
                f.rule.id,
                code(&location(&f.file, f.span.start.line, f.span.start.column), Place::Table),
                code(&object, Place::Table),
                code(&f.message, Place::Table)
            );
            super::stream::spill(&mut out, writer)?;
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
                "- `{}` at {}: {} ({}: {})",
                f.rule.id,
                code(&location(&f.file, f.span.start.line, f.span.start.column), Place::Text),
                code(&f.message, Place::Text),
                s.suppression.via,
                code(&s.suppression.reason, Place::Text)
            );
            super::stream::spill(&mut out, writer)?;
        }
    }
    if !report.notes.is_empty() {
        out.push_str("\n## Notes\n\n");
        for n in &report.notes {
            let _ = writeln!(
                out,
                "- {} (document {}): {}",
                code(&n.file, Place::Text),
                n.document,
                code(&n.message, Place::Text)
            );
        }
    }
    if !report.errors.is_empty() {
        out.push_str("\n## Input errors\n\n");
        for e in &report.errors {
            let at = match (e.span, e.document) {
                (Some(span), Some(doc)) => {
                    format!(
                        "{} (document {doc})",
                        code(&location(&e.file, span.start.line, span.start.column), Place::Text)
                    )
                }
                _ => code(&e.file, Place::Text),
            };
            let _ = writeln!(out, "- {at}: {}", code(&e.message, Place::Text));
            super::stream::spill(&mut out, writer)?;
        }
    }
    writer.write_all(out.as_bytes())
}

fn location(file: &str, line: u32, column: u32) -> String {
    format!("{file}:{line}:{column}")
}

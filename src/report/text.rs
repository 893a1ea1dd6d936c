//! Human-readable output, laid out like a compiler's: location, the source
//! line, and a caret under the span.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;
use std::io;

use super::escape::{self, escape};
use super::{Report, Status};
use crate::rules::Severity;
use crate::yaml::{LineIndex, Region};

#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn severity_code(severity: Severity) -> &'static str {
        match severity {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "1;36",
            Severity::Info => "1;34",
        }
    }
}

/// Characters of a long source line shown around a span.
const WINDOW: usize = 160;

/// `sources` maps each file label to its text, to quote the lines.
pub fn to_text(report: &Report, sources: &HashMap<String, Vec<u8>>, style: Style) -> String {
    super::stream::to_string(|out| write_text(report, sources, style, out))
}

/// Writes the report to `out` as it is produced, a few findings at a time.
pub fn write_text(
    report: &Report,
    sources: &HashMap<String, Vec<u8>>,
    style: Style,
    writer: &mut impl io::Write,
) -> io::Result<()> {
    let mut indexes: HashMap<&str, LineIndex> = HashMap::new();
    let mut out = String::new();
    let mut quote = |out: &mut String, file: &str, span: Region, code: &str| {
        let Some((file, text)) = sources.get_key_value(file) else { return };
        let index = indexes.entry(file.as_str()).or_insert_with(|| LineIndex::new(text));
        // A window of the line around the span: lines can be megabytes long,
        // and a file that is not text (a link to a secret, a binary) must not
        // be dumped whole.
        let raw = String::from_utf8_lossy(index.line_text(span.start.line));
        let column = span.start.column as usize - 1;
        let skip = column.saturating_sub(WINDOW / 2);
        let marked = if span.end.line == span.start.line {
            span.end.column.saturating_sub(span.start.column) as usize
        } else {
            usize::MAX
        };
        // Escapes are wider than what they stand for: the caret's offset and
        // width are counted in what is written.
        let mut line = String::new();
        let (mut lead, mut width) = (0, 0);
        if skip > 0 {
            line.push('…');
            lead = 1;
        }
        for (i, c) in raw.chars().skip(skip).take(WINDOW).enumerate() {
            let written = escape::push(&mut line, c);
            match (i + skip).checked_sub(column) {
                None => lead += written,
                Some(into) if into < marked => width += written,
                Some(_) => {}
            }
        }
        let number = span.start.line.to_string();
        let gutter = " ".repeat(number.len());
        let _ = writeln!(
            out,
            "{gutter} |\n{number} | {line}\n{gutter} | {}{}",
            " ".repeat(lead),
            style.paint(code, &"^".repeat(width.max(1)))
        );
    };
    for f in &report.findings {
        let code = Style::severity_code(f.severity);
        let object = f.object.to_string();
        let object = escape(&object);
        let _ = writeln!(
            out,
            "{}: {}\n  --> {}:{}:{} (document {}, {object}{})",
            style.paint(code, &format!("{}[{}]", f.severity.name(), f.rule.id)),
            style.paint("1", &escape(&f.message)),
            display_file(&f.file),
            f.span.start.line,
            f.span.start.column,
            f.document,
            f.source.as_deref().map_or(String::new(), |s| format!(", from {}", escape(s))),
        );
        quote(&mut out, &f.file, f.span, code);
        let _ = writeln!(out, "  = help: {}", f.rule.remediation);
        for line in f.snippet.lines() {
            let _ = writeln!(out, "      {}", escape(line));
        }
        out.push('\n');
        super::stream::spill(&mut out, writer)?;
    }
    for e in &report.errors {
        let _ = writeln!(out, "{}: {}", style.paint("1;31", "error"), style.paint("1", &escape(&e.message)));
        match (e.span, e.document) {
            (Some(span), Some(doc)) => {
                let _ = writeln!(
                    out,
                    "  --> {}:{}:{} (document {doc})",
                    display_file(&e.file),
                    span.start.line,
                    span.start.column
                );
                quote(&mut out, &e.file, span, "1;31");
            }
            _ => {
                let _ = writeln!(out, "  --> {}", display_file(&e.file));
            }
        }
        out.push('\n');
        super::stream::spill(&mut out, writer)?;
    }
    for n in &report.notes {
        let _ = writeln!(
            out,
            "{}: {}\n  --> {} (document {})\n",
            style.paint("1;36", "note"),
            escape(&n.message),
            display_file(&n.file),
            n.document
        );
    }
    if !report.suppressed.is_empty() {
        let _ = writeln!(out, "{}", style.paint("1", "Suppressed (reviewed and accepted):"));
        for s in &report.suppressed {
            let f = &s.finding;
            let _ = writeln!(
                out,
                "  {}:{}:{} {} ({}: {})",
                display_file(&f.file),
                f.span.start.line,
                f.span.start.column,
                f.rule.id,
                s.suppression.via,
                escape(&s.suppression.reason)
            );
            super::stream::spill(&mut out, writer)?;
        }
        out.push('\n');
    }
    out.push_str(&practice_table(report, style));
    out.push_str(&summary_line(report));
    out.push('\n');
    writer.write_all(out.as_bytes())
}

/// The posture by practice, one line each.
fn practice_table(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.paint("1", "Posture by practice:"));
    for p in &report.practices {
        let (label, code) = match p.status {
            Status::Fail => ("fail", "1;31"),
            Status::Pass => ("pass", "1;32"),
            Status::NotAssessed => ("n/a ", "2"),
        };
        let detail = match p.status {
            Status::Fail => {
                let counts: Vec<String> = Severity::ALL
                    .iter()
                    .rev()
                    .filter_map(|s| {
                        p.by_severity.get(s.name()).filter(|&&n| n > 0).map(|n| format!("{n} {}", s.name()))
                    })
                    .collect();
                format!("{} finding{} ({})", p.findings, if p.findings == 1 { "" } else { "s" }, counts.join(", "))
            }
            Status::Pass => format!(
                "{} rules, nothing found in {} object{}",
                p.rules,
                p.objects,
                if p.objects == 1 { "" } else { "s" }
            ),
            Status::NotAssessed => "nothing in the input to check".to_owned(),
        };
        let _ = writeln!(out, "  {} {:<32} {detail}", style.paint(code, label), p.title);
    }
    out.push('\n');
    out
}

fn display_file(file: &str) -> Cow<'_, str> {
    if file == "-" {
        Cow::Borrowed("<stdin>")
    } else {
        escape(file)
    }
}

/// `3 findings (1 critical, 2 medium), 1 error in 2 files (5 documents, 4 objects)`
pub fn summary_line(report: &Report) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            let n = report.findings.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{n} {}", s.name()))
        })
        .collect();
    let mut line = plural(report.findings.len(), "finding");
    if !counts.is_empty() {
        line.push_str(&format!(" ({})", counts.join(", ")));
    }
    if !report.suppressed.is_empty() {
        line.push_str(&format!(", {} suppressed", report.suppressed.len()));
    }
    if !report.errors.is_empty() {
        line.push_str(&format!(", {}", plural(report.errors.len(), "error")));
    }
    line.push_str(&format!(
        " in {} ({}, {})",
        plural(report.files, "file"),
        plural(report.documents, "document"),
        plural(report.objects, "object")
    ));
    line
}

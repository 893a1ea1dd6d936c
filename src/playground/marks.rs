//! Findings and input errors as marks on the editor's lines.

use crate::report::Report;
use crate::rules::Severity;

use crate::yaml::LineStarts;

/// What a mark underlines: a finding (by index) or an input error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Finding(usize),
    Error(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub start: usize,
    pub end: usize,
    /// `None` for input errors.
    pub severity: Option<Severity>,
    pub source: Source,
}

impl Mark {
    /// Errors outrank every finding; otherwise the higher severity wins.
    fn rank(&self) -> u8 {
        self.severity.map_or(u8::MAX, |s| s as u8)
    }
}

/// A piece of one line: its byte range and the mark drawn under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    pub mark: Option<Mark>,
}

/// Every mark, indexed by the lines it underlines. A span over several lines
/// is underlined on its first line only, to its end: a missing field's
/// "enclosing object" would otherwise paint a whole block.
#[derive(Default)]
pub struct LineMarks {
    /// Each mark with its line, in line order (and, on a line, findings in
    /// their order, then errors): a list of lines with a list each took
    /// 10 MB of manifests an allocation for each of 430,000 lines, on every
    /// answer.
    by_line: Vec<(usize, Mark)>,
}

impl LineMarks {
    pub fn new(text: &str, lines: &LineStarts, report: &Report, shown: impl Fn(usize) -> bool) -> Self {
        // Each with the engine's line of its start (1-based).
        let findings = report.findings.iter().enumerate().filter(|(i, _)| shown(*i)).map(|(i, f)| {
            let mark = Mark {
                start: f.span.start.at(),
                end: f.span.end.at(),
                severity: Some(f.severity),
                source: Source::Finding(i),
            };
            (f.span.start.line, mark)
        });
        let errors = report.errors.iter().enumerate().filter_map(|(i, e)| {
            let span = e.span?;
            Some((
                span.start.line,
                Mark { start: span.start.at(), end: span.end.at(), severity: None, source: Source::Error(i) },
            ))
        });
        let mut by_line: Vec<(usize, Mark)> = findings
            .chain(errors)
            .map(|(engine_line, mut mark)| {
                mark.start = mark.start.min(text.len());
                // The engine's line, where it holds the start (looking every
                // line up among 430,000 took an answer milliseconds).
                let hinted = (engine_line as usize).checked_sub(1).filter(|&line| {
                    let (start, end) = lines.range(line);
                    line < lines.count() && (start..=end).contains(&mark.start)
                });
                let line = hinted.unwrap_or_else(|| lines.line_of(mark.start));
                let (line_start, line_end) = lines.range(line);
                mark.end = mark.end.clamp(mark.start, line_end);
                if mark.start == mark.end {
                    // Zero-width (an error at a point): underline one character,
                    // or the line's end when there is none.
                    let next = text[mark.start..line_end].chars().next().map_or(0, char::len_utf8);
                    mark.end = mark.start + next;
                    if next == 0 && mark.start > line_start {
                        mark.start -= text[..mark.start].chars().next_back().map_or(0, char::len_utf8);
                    }
                }
                (line, mark)
            })
            .collect();
        // Stable, and findings come in text order: only the errors move.
        by_line.sort_by_key(|(line, _)| *line);
        LineMarks { by_line }
    }

    pub fn on_line(&self, line: usize) -> impl Iterator<Item = &Mark> + Clone {
        let from = self.by_line.partition_point(|(l, _)| *l < line);
        self.by_line[from..].iter().take_while(move |(l, _)| *l == line).map(|(_, mark)| mark)
    }

    /// The most serious mark on a line, for the gutter.
    pub fn worst(&self, line: usize) -> Option<&Mark> {
        self.on_line(line).max_by_key(|m| m.rank())
    }

    /// Splits a line into plain and marked pieces; where marks overlap, the
    /// most serious one is drawn.
    pub fn segments(&self, line: usize, range: (usize, usize)) -> Vec<Segment> {
        let marks = self.on_line(line);
        let (start, end) = range;
        let mut cuts: Vec<usize> = marks.clone().flat_map(|m| [m.start, m.end]).chain([start, end]).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut out: Vec<Segment> = Vec::new();
        for pair in cuts.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if a >= b || a < start || b > end {
                continue;
            }
            let mark = marks.clone().filter(|m| m.start <= a && b <= m.end).max_by_key(|m| m.rank()).copied();
            match out.last_mut() {
                Some(last) if last.mark == mark && last.end == a => last.end = b,
                _ => out.push(Segment { start: a, end: b, mark }),
            }
        }
        out
    }

    /// Marks covering a byte offset, most serious first.
    pub fn at(&self, line: usize, offset: usize) -> Vec<Mark> {
        let mut found: Vec<Mark> =
            self.on_line(line).filter(|m| m.start <= offset && offset < m.end.max(m.start + 1)).copied().collect();
        found.sort_by_key(|m| std::cmp::Reverse(m.rank()));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check, Options};

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      privileged: true\n";

    #[test]
    fn findings_land_on_their_lines_as_segments() {
        let report = check("t", POD.as_bytes(), &Options::default());
        let lines = LineStarts::new(POD.as_bytes());
        let marks = LineMarks::new(POD, &lines, &report, |_| true);
        let line = 10; // "      privileged: true"
        let segments = marks.segments(line, lines.range(line));
        let marked: Vec<&str> = segments.iter().filter(|s| s.mark.is_some()).map(|s| &POD[s.start..s.end]).collect();
        assert_eq!(marked, ["privileged: true"]);
        assert_eq!(segments[0].mark, None);
        assert_eq!(marks.worst(line).unwrap().severity, Some(Severity::Critical));
        let offset = POD.find("privileged").unwrap();
        assert!(marks
            .at(line, offset)
            .iter()
            .any(|m| matches!(m.source, Source::Finding(i) if report.findings[i].rule.id == "pss/privileged")));
        assert!(marks.on_line(0).next().is_none());
    }

    #[test]
    fn errors_at_a_point_underline_something() {
        let text = "a: [\n";
        let report = check("t", text.as_bytes(), &Options::default());
        let lines = LineStarts::new(text.as_bytes());
        let marks = LineMarks::new(text, &lines, &report, |_| true);
        let mark = *marks.on_line(0).next().unwrap();
        assert!(mark.end > mark.start && mark.severity.is_none());
    }

    #[test]
    fn a_finding_whose_line_does_not_hold_its_start_is_marked_where_it_starts() {
        let report = check("t", POD.as_bytes(), &Options::default());
        let lines = LineStarts::new(POD.as_bytes());
        let mut wrong = check("t", POD.as_bytes(), &Options::default());
        for f in &mut wrong.findings {
            f.span.start.line = 2;
        }
        let marks = LineMarks::new(POD, &lines, &report, |_| true);
        let from_wrong = LineMarks::new(POD, &lines, &wrong, |_| true);
        assert_eq!(marks.by_line, from_wrong.by_line);
        assert!(marks.by_line.iter().any(|(line, _)| *line == 10));
    }

    #[test]
    fn hidden_findings_are_not_marked() {
        let report = check("t", POD.as_bytes(), &Options::default());
        let lines = LineStarts::new(POD.as_bytes());
        let marks = LineMarks::new(POD, &lines, &report, |_| false);
        assert!((0..lines.count()).all(|l| marks.on_line(l).next().is_none()));
    }
}

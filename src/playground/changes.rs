//! A report's findings as changes since an earlier report of the same text
//! before some edits: the engine module's worker answers each check with
//! them (not 40,000 findings again after one keystroke), and the page
//! patches the findings it holds. Findings are in text order, so an edit
//! changes a run of them: those before it are the same, those after it the
//! same once moved with the text (offsets and lines by the edits' net
//! change, document numbers by the documents added). Every finding kept is
//! compared whole, so the patched findings are exactly the new ones.

use std::ops::Range;

use crate::fix::FixState;
use crate::report::Finding;
use crate::yaml::{Pos, Span};

/// How the findings after an edit moved: added to their offsets (spans and
/// fix edits), lines and document numbers; columns stay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shift {
    pub offset: isize,
    pub line: i64,
    pub document: isize,
}

/// The old findings `start..end` are replaced by the new findings
/// `start..start + added`; those from `end` on are kept, moved by `shift`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    pub start: usize,
    pub end: usize,
    pub added: usize,
    pub shift: Shift,
}

impl Change {
    /// Where the added findings are in the new findings.
    pub fn added(&self) -> Range<usize> {
        self.start..self.start + self.added
    }
}

/// The change from `old` to `new`, the findings after them moved by `shift`
/// (the text's net change in bytes and lines, and in documents, since
/// `old`; a wrong guess only makes the change longer).
pub fn between(old: &[Finding], new: &[Finding], shift: Shift) -> Change {
    let start = old.iter().zip(new).take_while(|(a, b)| same(a, b, Shift::default())).count();
    let most = old.len().min(new.len()) - start;
    let kept = old.iter().rev().zip(new.iter().rev()).take(most).take_while(|(a, b)| same(a, b, shift)).count();
    Change { start, end: old.len() - kept, added: new.len() - kept - start, shift }
}

/// `findings` patched with `change`: its findings `start..end` replaced by
/// `added`, those after them moved. Findings that cannot move by the shift
/// (it would take an offset below zero: not a change [`between`] made)
/// make it `None`.
pub fn apply(findings: &[Finding], change: &Change, added: Vec<Finding>) -> Option<Vec<Finding>> {
    if change.start > change.end || change.end > findings.len() || added.len() != change.added {
        return None;
    }
    let mut out = Vec::with_capacity(change.start + added.len() + findings.len() - change.end);
    out.extend_from_slice(&findings[..change.start]);
    out.extend(added);
    for f in &findings[change.end..] {
        out.push(moved(f, change.shift)?);
    }
    Some(out)
}

/// [`apply`] on findings owned: nothing is copied but the added ones.
pub fn apply_in_place(findings: &mut Vec<Finding>, change: &Change, added: impl IntoIterator<Item = Finding>) -> bool {
    if change.start > change.end || change.end > findings.len() {
        return false;
    }
    let shift = change.shift;
    if shift != Shift::default() {
        for f in &mut findings[change.end..] {
            match moved(f, shift) {
                Some(m) => *f = m,
                None => return false,
            }
        }
    }
    findings.splice(change.start..change.end, added);
    true
}

/// Whether `old`, moved by `shift`, is `new`.
fn same(old: &Finding, new: &Finding, shift: Shift) -> bool {
    std::ptr::eq(old.rule, new.rule)
        && old.severity == new.severity
        && old.document.checked_add_signed(shift.document) == Some(new.document)
        && move_span(old.span, shift) == Some(new.span)
        && old.message == new.message
        && old.object == new.object
        && old.file == new.file
        && old.snippet == new.snippet
        && old.source == new.source
        && match (&old.fix, &new.fix) {
            (None, None) => true,
            (Some(a), Some(b)) => move_fix(a, shift).as_ref() == Some(b),
            _ => false,
        }
}

/// A finding moved by `shift`.
fn moved(f: &Finding, shift: Shift) -> Option<Finding> {
    if shift == Shift::default() {
        return Some(f.clone());
    }
    Some(Finding {
        document: f.document.checked_add_signed(shift.document)?,
        span: move_span(f.span, shift)?,
        fix: match &f.fix {
            Some(fix) => Some(move_fix(fix, shift)?),
            None => None,
        },
        ..f.clone()
    })
}

fn move_span(span: Span, shift: Shift) -> Option<Span> {
    let pos = |p: Pos| {
        Some(Pos {
            line: u32::try_from(i64::from(p.line) + shift.line).ok()?,
            column: p.column,
            offset: p.offset.checked_add_signed(shift.offset)?,
        })
    };
    Some(Span { start: pos(span.start)?, end: pos(span.end)? })
}

fn move_fix(fix: &FixState, shift: Shift) -> Option<FixState> {
    let FixState::Ready(fix) = fix else { return Some(fix.clone()) };
    let mut fix = fix.clone();
    for edit in &mut fix.edits {
        edit.start = edit.start.checked_add_signed(shift.offset)?;
        edit.end = edit.end.checked_add_signed(shift.offset)?;
    }
    Some(FixState::Ready(fix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Checker, Input};
    use crate::Options;

    /// Deterministic pseudo-random numbers (no clock, no dependency).
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    fn corpus() -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        names
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .take(12)
            .map(|p| format!("---\n{}\n", std::fs::read_to_string(p).unwrap()))
            .collect()
    }

    /// After every edit, the findings the page holds, patched with the
    /// change, are exactly the new report's; and an edit far from most
    /// findings changes few of them.
    #[test]
    fn patched_findings_are_the_new_findings() {
        let mut text = corpus();
        let mut checker = Checker::new(Options::default());
        let mut held: Vec<Finding> = Vec::new();
        let (mut bytes, mut lines, mut documents) = (0usize, 0usize, 0usize);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let pieces = ["x", "\n", "  privileged: true\n", "---\n", "name: a-b\n", "", "hostPID: true\n"];
        let mut small = 0;
        for round in 0..300 {
            let report = if round == 0 {
                checker.check(&[Input { file: "a.yaml", text: text.as_bytes() }])
            } else {
                let mut at = rng.below(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let mut end = (at + rng.below(40)).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let inserted = pieces[rng.below(pieces.len())];
                text.replace_range(at..end, inserted);
                checker.apply_edit(0, at..end, inserted.as_bytes());
                checker.report()
            };
            let shift = Shift {
                offset: text.len() as isize - bytes as isize,
                line: text.matches('\n').count() as i64 - lines as i64,
                document: report.documents as isize - documents as isize,
            };
            let change = between(&held, &report.findings, shift);
            let added = report.findings[change.added()].to_vec();
            if round > 0 && change.added + (change.end - change.start) < 20 {
                small += 1;
            }
            let patched = apply(&held, &change, added.clone()).expect("a change between applies");
            assert!(apply_in_place(&mut held, &change, added));
            assert_eq!(format!("{patched:?}"), format!("{held:?}"), "round {round}");
            assert_eq!(format!("{held:?}"), format!("{:?}", report.findings), "round {round}");
            (bytes, lines, documents) = (text.len(), text.matches('\n').count(), report.documents);
        }
        assert!(small > 150, "most edits change a few findings ({small} of 300)");
    }

    #[test]
    fn a_change_that_does_not_fit_is_refused() {
        let change = Change { start: 2, end: 1, added: 0, shift: Shift::default() };
        assert!(apply(&[], &change, Vec::new()).is_none());
        let change = Change { start: 0, end: 0, added: 1, shift: Shift::default() };
        assert!(apply(&[], &change, Vec::new()).is_none());
    }
}

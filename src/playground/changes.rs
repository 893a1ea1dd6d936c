//! A report's findings as changes since an earlier report of the same text
//! before some edits: the engine module's worker answers each check with
//! them (not 40,000 findings again after one keystroke), and the page
//! patches the findings it holds. Findings are in text order, so an edit
//! changes a run of them: those before it are the same, those after it the
//! same once moved with the text (offsets and lines by the edits' net
//! change, document numbers by the documents added). Every finding kept is
//! compared whole, so the patched findings are exactly the new ones.

use std::ops::Range;

use crate::engine::{Changed, Moved};
use crate::fix::FixState;
use crate::report::{Finding, Report};
use crate::yaml::{Pos, Region};

/// How the findings after an edit moved: added to their offsets (spans and
/// fix edits), lines and document numbers; columns stay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shift {
    pub offset: isize,
    pub line: i64,
    pub document: isize,
}

/// Old findings `start..end` replaced by `added` new findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hunk {
    pub start: usize,
    pub end: usize,
    pub added: usize,
}

/// The new findings, from the old: the `hunks` (in order, apart) replace old
/// findings with new ones; every other old finding is kept, and those from
/// `moved` on are moved by `shift` (the findings after the edit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    pub hunks: Vec<Hunk>,
    pub moved: usize,
    pub shift: Shift,
}

impl Change {
    /// Where each hunk's findings are in the new findings.
    pub fn added(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let mut grown = 0isize;
        self.hunks.iter().map(move |h| {
            let at = (h.start as isize + grown) as usize;
            grown += h.added as isize - (h.end - h.start) as isize;
            at..at + h.added
        })
    }
}

/// How far past a difference the findings are searched for the next one
/// kept: a finding that changed far from the edit (a namespace's count of
/// workloads in its message) is then a hunk of its own, not the start of
/// one that runs all the way to the edit.
const LOOKAHEAD: usize = 64;

/// The change from `old` to `new`, the findings after the edit moved by
/// `shift` (the text's net change in bytes and lines, and in documents,
/// since `old`; a wrong guess only makes the hunks longer).
pub fn between(old: &[Finding], new: &[Finding], shift: Shift) -> Change {
    let zero = Shift::default();
    let start = old.iter().zip(new).take_while(|(a, b)| same(a, b, zero)).count();
    let most = old.len().min(new.len()) - start;
    let kept = old.iter().rev().zip(new.iter().rev()).take(most).take_while(|(a, b)| same(a, b, shift)).count();
    let (old_end, new_end) = (old.len() - kept, new.len() - kept);
    let mut change = Change { hunks: Vec::new(), moved: old_end, shift };
    // Between them: findings kept as they were until the first one kept
    // moved; after it, only findings kept moved.
    let mut moving = false;
    // Whether old[a] is kept as new[b]: Some(moved?).
    let keeps = |a: usize, b: usize, moving: bool| {
        if !moving && same(&old[a], &new[b], zero) {
            Some(false)
        } else {
            same(&old[a], &new[b], shift).then_some(true)
        }
    };
    let (mut i, mut j) = (start, start);
    let mut hunk: Option<Hunk> = None;
    while i < old_end && j < new_end {
        if let Some(moved) = keeps(i, j, moving) {
            if moved && !moving {
                moving = true;
                change.moved = i;
            }
            change.hunks.extend(hunk.take());
            (i, j) = (i + 1, j + 1);
            continue;
        }
        // The nearest old and new findings kept again.
        let next = (1..LOOKAHEAD).find_map(|d| {
            [(d, d), (d, 0), (0, d)]
                .into_iter()
                .find(|&(a, b)| i + a < old_end && j + b < new_end && keeps(i + a, j + b, moving).is_some())
        });
        let (a, b) = next.unwrap_or((old_end - i, new_end - j));
        let h = hunk.get_or_insert(Hunk { start: i, end: i, added: 0 });
        h.end += a;
        h.added += b;
        (i, j) = (i + a, j + b);
    }
    if i < old_end || j < new_end {
        let h = hunk.get_or_insert(Hunk { start: i, end: i, added: 0 });
        h.end += old_end - i;
        h.added += new_end - j;
    }
    change.hunks.extend(hunk);
    change
}

/// The change from `old` findings to `new` as the incremental checker
/// tells it ([`Changed`], which findings of the report before it kept and
/// how far each moved), without comparing findings: the kept findings that
/// moved as the first one that moved (or stayed, before it) are kept, and
/// the rest are hunks. `shift` is the text's (as for [`between`]), used
/// when no finding moved. `None` if `changed` is not about `old` and `new`
/// (other lengths).
pub fn from_engine(changed: &Changed, old: usize, new: usize, shift: Shift) -> Option<Change> {
    let told: usize = changed.kept.iter().map(|(count, _)| count).sum();
    let kept: usize = changed.kept.iter().filter(|(_, m)| m.is_some()).map(|(count, _)| count).sum();
    if told != old || kept + changed.added.len() != new {
        return None;
    }
    let as_shift = |m: &Moved| Shift { offset: m.bytes, line: m.lines, document: m.documents };
    // Where each run starts among the old findings.
    let starts = changed.kept.iter().scan(0, |at, &(count, m)| Some((std::mem::replace(at, *at + count), count, m)));
    let first_moved = starts.clone().find(|(_, _, m)| m.is_some_and(|m| m != Moved::default()));
    let (moved, shift) = match first_moved {
        Some((at, _, m)) => (at, as_shift(&m.unwrap_or_default())),
        None => (old, shift),
    };
    let mut change = Change { hunks: Vec::new(), moved, shift };
    // Old and new findings are walked together, from one kept finding that
    // moved as the change says (an anchor) to the next: what lies between
    // them is a hunk. A run of kept findings is walked a stretch at a time,
    // up to the next new finding among them (a few per keystroke).
    let mut added = changed.added.iter().copied().peekable();
    // Where the new findings' walk is, and where the last anchor left both.
    let (mut j, mut old_from, mut new_from) = (0, 0, 0);
    for (mut at, mut count, m) in starts {
        let Some(m) = m else { continue };
        // Every finding of a run moved alike, so all or none are anchors.
        let anchors = as_shift(&m) == if at < moved { Shift::default() } else { shift };
        while count > 0 {
            while added.next_if_eq(&j).is_some() {
                j += 1;
            }
            // At least one (where the new findings are out of order, as the
            // engine never tells them, one at a time as they come).
            let stretch = added.peek().map_or(count, |&next| count.min(next.saturating_sub(j)).max(1));
            if anchors {
                if at > old_from || j > new_from {
                    change.hunks.push(Hunk { start: old_from, end: at, added: j - new_from });
                }
                (old_from, new_from) = (at + stretch, j + stretch);
            }
            (at, j, count) = (at + stretch, j + stretch, count - stretch);
        }
    }
    if old > old_from || new > new_from {
        change.hunks.push(Hunk { start: old_from, end: old, added: new - new_from });
    }
    Some(change)
}

/// How many findings a change told by the engine may resend before the
/// findings are compared instead: rules that ran again (on every object,
/// after an edit that changed what all of them look up) find mostly what
/// they found before, which only a comparison tells.
const RESENT: usize = 64;

/// The change from `old` findings to `new`: as the engine tells it
/// ([`from_engine`]) when it can and the change is small, otherwise by
/// comparing them ([`between`]).
pub fn told_or_compared(changed: Option<&Changed>, old: &[Finding], new: &[Finding], shift: Shift) -> Change {
    let told = changed.and_then(|changed| from_engine(changed, old.len(), new.len(), shift));
    match told {
        Some(change) if change.hunks.iter().map(|h| h.end - h.start + h.added).sum::<usize>() <= RESENT => change,
        _ => between(old, new, shift),
    }
}

/// `findings` patched with `change`, moved where they are (the worker's copy of
/// what it answered), the new findings taken from `new` (the whole new
/// report, which the change is about). False, and the findings in no certain state, if
/// the change does not fit them.
pub fn apply_in_place(findings: &mut Vec<Finding>, change: &Change, new: &[Finding]) -> bool {
    let fits = hunks_fit(change, findings.len())
        && change.moved <= findings.len()
        && change.added().last().is_none_or(|r| r.end <= new.len());
    if !fits || !shift_in_place(&mut findings[change.moved..], change.shift) {
        return false;
    }
    // From the last hunk back, so that the earlier ones' indexes hold.
    let ranges: Vec<Range<usize>> = change.added().collect();
    for (h, range) in change.hunks.iter().zip(ranges).rev() {
        findings.splice(h.start..h.end, new[range].iter().cloned());
    }
    true
}

/// `findings` patched with `change` (the page's copy of the report it
/// holds), moved where they are rather than copied, the hunks' new findings
/// taken from `added` (all of them, in order). A change that does not fit
/// them (hunks out of order or past their end, another number of new
/// findings, a shift below zero) makes it `None`.
pub fn apply_owned(mut findings: Vec<Finding>, change: &Change, added: &mut Vec<Finding>) -> Option<Vec<Finding>> {
    let fits = hunks_fit(change, findings.len()) && change.hunks.iter().map(|h| h.added).sum::<usize>() == added.len();
    let moved = change.moved.min(findings.len());
    if !fits || !shift_in_place(&mut findings[moved..], change.shift) {
        return None;
    }
    for h in change.hunks.iter().rev() {
        let new = added.split_off(added.len() - h.added);
        findings.splice(h.start..h.end, new);
    }
    Some(findings)
}

/// Whether the hunks are in order, apart, and within `len` findings.
fn hunks_fit(change: &Change, len: usize) -> bool {
    change.hunks.windows(2).all(|w| w[0].end <= w[1].start)
        && change.hunks.iter().all(|h| h.start <= h.end)
        && change.hunks.last().is_none_or(|h| h.end <= len)
}

/// Findings moved by `shift`, where they are; false if one would move
/// before the text's start.
fn shift_in_place(findings: &mut [Finding], shift: Shift) -> bool {
    if shift == Shift::default() {
        return true;
    }
    for f in findings {
        let (Some(document), Some(span)) = (f.document.checked_add_signed(shift.document), move_span(f.span, shift))
        else {
            return false;
        };
        (f.document, f.span) = (document, span);
        if let Some(fix) = &f.fix {
            let Some(fix) = move_fix(fix, shift) else { return false };
            f.fix = Some(fix);
        }
    }
    true
}

/// Whether two reports agree in all but their findings: errors, suppressed
/// findings, notes, practices and counts (an answer that changes none of
/// them, nor any finding, leaves the report held as it is).
pub fn same_besides_findings(a: &Report, b: &Report) -> bool {
    let counts = |r: &Report| (r.files, r.documents, r.objects, r.skipped_documents);
    counts(a) == counts(b)
        && a.errors == b.errors
        && a.notes == b.notes
        && a.practices == b.practices
        && a.suppressed.len() == b.suppressed.len()
        && a.suppressed
            .iter()
            .zip(&b.suppressed)
            .all(|(x, y)| x.suppression == y.suppression && same(&x.finding, &y.finding, Shift::default()))
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

fn move_span(span: Region, shift: Shift) -> Option<Region> {
    let pos = |p: Pos| {
        Some(Pos {
            line: u32::try_from(i64::from(p.line) + shift.line).ok()?,
            column: p.column,
            offset: u32::try_from(p.at().checked_add_signed(shift.offset)?).ok()?,
        })
    };
    Some(Region { start: pos(span.start)?, end: pos(span.end)? })
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

    /// The reference for [`apply_owned`] and [`apply_in_place`]: `findings`
    /// patched with `change` by copying each, the hunks' new findings in `added`, in
    /// order. A change that does not fit them (hunks out of order or past their
    /// end, another number of new findings, a shift below zero) makes it `None`.
    fn apply(findings: &[Finding], change: &Change, added: Vec<Finding>) -> Option<Vec<Finding>> {
        let mut out = Vec::with_capacity(findings.len() + added.len());
        let mut added = added.into_iter();
        let keep = |out: &mut Vec<Finding>, range: Range<usize>| -> Option<()> {
            for (k, f) in findings.get(range.clone())?.iter().enumerate() {
                out.push(if range.start + k >= change.moved { moved(f, change.shift)? } else { f.clone() });
            }
            Some(())
        };
        let mut at = 0;
        for h in &change.hunks {
            if h.start < at || h.end < h.start {
                return None;
            }
            keep(&mut out, at..h.start)?;
            for _ in 0..h.added {
                out.push(added.next()?);
            }
            at = h.end;
        }
        keep(&mut out, at..findings.len())?;
        added.next().is_none().then_some(out)
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

    /// A suppression's reason, an input error or a practice's count tells two
    /// reports apart; the same text checked twice does not.
    #[test]
    fn reports_differ_besides_findings_only_where_they_do() {
        let check = |text: &str| crate::check("input.yaml", text.as_bytes(), &Options::default());
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx\n    # posture:ignore pss/privileged REASON\n    securityContext: {privileged: true}\n";
        let report = check(&pod.replace("REASON", "reviewed"));
        assert!(!report.suppressed.is_empty());
        assert!(same_besides_findings(&report, &check(&pod.replace("REASON", "reviewed"))));
        assert!(!same_besides_findings(&report, &check(&pod.replace("REASON", "reviewed again"))));
        assert!(!same_besides_findings(
            &report,
            &check(&format!("{}---\nbroken: [\n", pod.replace("REASON", "reviewed")))
        ));
        assert!(!same_besides_findings(
            &report,
            &check(&pod.replace("REASON", "reviewed").replace("kind: Pod", "kind: Deployment"))
        ));
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
                random_edit(&mut rng, &mut text, &mut checker, &pieces);
                checker.report()
            };
            let shift = Shift {
                offset: text.len() as isize - bytes as isize,
                line: text.matches('\n').count() as i64 - lines as i64,
                document: report.documents as isize - documents as isize,
            };
            let change = between(&held, &report.findings, shift);
            let added: Vec<Finding> = change.added().flat_map(|r| report.findings[r].to_vec()).collect();
            let removed: usize = change.hunks.iter().map(|h| h.end - h.start).sum();
            if round > 0 && added.len() + removed < 20 {
                small += 1;
            }
            let mut taken = added.clone();
            let owned = apply_owned(held.clone(), &change, &mut taken).expect("a change between applies");
            let patched = apply(&held, &change, added).expect("a change between applies");
            assert_eq!(format!("{patched:?}"), format!("{owned:?}"), "round {round}");
            assert!(apply_in_place(&mut held, &change, &report.findings));
            assert_eq!(format!("{patched:?}"), format!("{held:?}"), "round {round}");
            assert_eq!(format!("{held:?}"), format!("{:?}", report.findings), "round {round}");
            (bytes, lines, documents) = (text.len(), text.matches('\n').count(), report.documents);
        }
        assert!(small > 150, "most edits change a few findings ({small} of 300)");
    }

    /// Replaces up to 40 bytes at a random place of `text` with one of
    /// `pieces`, in the text and in the checker alike.
    fn random_edit(rng: &mut Rng, text: &mut String, checker: &mut Checker, pieces: &[&str]) {
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
    }

    /// The checker's own account of what changed, after one or several
    /// edits between reports, patches the findings held into exactly the
    /// new report's, and resends few of them.
    #[test]
    fn the_engines_change_patches_the_findings_exactly() {
        let mut text = corpus();
        let mut checker = Checker::new(Options::default());
        checker.set(&[Input { file: "a.yaml", text: text.as_bytes() }]);
        assert!(checker.report_and_changed().1.is_none(), "no report before the first");
        let mut held = checker.report().findings.clone();
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let pieces = ["x", "\n", "  privileged: true\n", "---\n", "name: a-b\n", "", "hostPID: true\n", "\n\n\n"];
        let mut small = 0;
        for round in 0..300 {
            // One edit, or several far apart (each moves the findings
            // after it its own way).
            for _ in 0..1 + rng.below(3) * rng.below(2) {
                random_edit(&mut rng, &mut text, &mut checker, &pieces);
            }
            let (report, changed) = checker.report_and_changed();
            let changed = changed.expect("a report before");
            let Some(change) = from_engine(changed, held.len(), report.findings.len(), Shift::default()) else {
                panic!("round {round}: the engine's change is about these findings");
            };
            // What the module answers: the engine's change while it is small.
            let answered = told_or_compared(Some(changed), &held, &report.findings, Shift::default());
            let resent: usize = answered.hunks.iter().map(|h| h.end - h.start + h.added).sum();
            if resent < 20 {
                small += 1;
            }
            let mut copy = held.clone();
            assert!(apply_in_place(&mut copy, &answered, &report.findings), "round {round}");
            assert_eq!(format!("{copy:?}"), format!("{:?}", report.findings), "round {round}");
            assert!(apply_in_place(&mut held, &change, &report.findings), "round {round}");
            assert_eq!(format!("{held:?}"), format!("{:?}", report.findings), "round {round}");
        }
        assert!(small > 200, "most edits resend a few findings ({small} of 300)");
        // A change told about other findings than those held is refused.
        let changed = crate::engine::Changed { kept: vec![(1, None)], added: vec![0, 1] };
        assert!(from_engine(&changed, 1, 1, Shift::default()).is_none());
        assert!(from_engine(&changed, 2, 2, Shift::default()).is_none());
        assert_eq!(
            from_engine(&changed, 1, 2, Shift::default()).map(|c| c.hunks),
            Some(vec![Hunk { start: 0, end: 1, added: 2 }])
        );
    }

    #[test]
    fn a_change_that_does_not_fit_is_refused() {
        let hunk = |start, end, added| Hunk { start, end, added };
        let change = |hunks: Vec<Hunk>| Change { hunks, moved: 0, shift: Shift::default() };
        assert!(apply_owned(Vec::new(), &change(vec![hunk(2, 1, 0)]), &mut Vec::new()).is_none());
        assert!(apply_owned(Vec::new(), &change(vec![hunk(0, 0, 1)]), &mut Vec::new()).is_none());
        assert!(apply_owned(Vec::new(), &change(vec![hunk(0, 1, 0)]), &mut Vec::new()).is_none());
        assert!(!apply_in_place(&mut Vec::new(), &change(vec![hunk(0, 0, 1)]), &[]));
    }

    /// A finding that changed far before the edit (its message counts the
    /// namespace's workloads) is a hunk of its own: the findings between it
    /// and the edit are kept.
    #[test]
    fn a_finding_changed_far_from_the_edit_is_a_hunk_of_its_own() {
        let workload = |name: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a\n")
        };
        let before: String = (0..40).map(|i| format!("---\n{}", workload(&format!("w{i}")))).collect();
        let after = format!("{before}---\n{}", workload("new"));
        let (old, new) = (
            crate::check("a.yaml", before.as_bytes(), &Options::default()),
            crate::check("a.yaml", after.as_bytes(), &Options::default()),
        );
        let documents = new.documents as isize - old.documents as isize;
        let shift = Shift { offset: (after.len() - before.len()) as isize, line: 12, document: documents };
        let change = between(&old.findings, &new.findings, shift);
        assert!(change.hunks.len() >= 2, "{:?}", change.hunks);
        let removed: usize = change.hunks.iter().map(|h| h.end - h.start).sum();
        assert!(removed < 10, "{:?} of {} findings", change.hunks, old.findings.len());
        let added: Vec<Finding> = change.added().flat_map(|r| new.findings[r].to_vec()).collect();
        let patched = apply(&old.findings, &change, added.clone()).unwrap();
        assert_eq!(format!("{patched:?}"), format!("{:?}", new.findings));
        let owned = apply_owned(old.findings.clone(), &change, &mut added.clone()).unwrap();
        assert_eq!(format!("{owned:?}"), format!("{:?}", new.findings));
    }
}

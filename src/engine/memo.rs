//! What the last check of a [`super::Checker`] found, kept for the next:
//! its report, where each finding came from, and what each object's rules
//! depended on; and how a kept object's findings move to where its
//! document now is.

use std::ops::{Range, RangeInclusive};

use crate::report::{Finding, Report, Suppressed};
pub use crate::rules::scope::{WordMap, WordSet};
use crate::rules::Hit;

/// What the last check found. Objects are known by where they are (their
/// document's [`DocumentKey`] and their place in it) and, within one
/// check, by their place in its list of objects.
#[derive(Default)]
pub struct Local {
    pub report: Report,
    /// Where each of `report.findings` came from, in the same order.
    pub findings: Vec<Tag>,
    /// Where each of `report.suppressed` came from, in the same order.
    pub suppressed: Vec<Tag>,
    /// What each object's rules found, by its place in the check's list.
    pub objects: Vec<Option<LocalHits>>,
    /// Each document's objects' places in `objects`.
    pub places: WordMap<DocumentKey, Range<usize>>,
    /// How `report.findings` came from the findings of the report before.
    pub changed: Option<Changed>,
    /// Each input's indentation step when these were found: fixes' edits
    /// depend on it, so findings of an input whose step changed are not
    /// kept.
    pub indents: Vec<usize>,
}

/// Where a document is: its input, its chunk (which keeps its id while
/// its text is unchanged) and its place in the chunk.
pub type DocumentKey = (usize, u64, usize);

/// Which object (its place in the check's list of objects), rule (by index
/// among the enabled ones) and hit of the rule a finding came from: after
/// its input, offset and rule id, a full check's report orders findings
/// that way.
#[derive(Clone, Copy)]
pub struct Tag {
    pub input: usize,
    pub object: usize,
    pub rule: usize,
    pub hit: usize,
}

pub struct LocalHits {
    /// Where the chunk started when these were found.
    pub offset: usize,
    pub line: u32,
    pub document: usize,
    /// The template the object was rendered from (a `# Source:` comment
    /// before it, which an edit elsewhere can change).
    pub source: Option<Box<str>>,
    /// Which practices look at the object ([`crate::report::relevance`]).
    pub relevance: u16,
    /// The lookups of the scope's index the object is filed under
    /// ([`crate::rules::scope::Lookup::of`]): rules that read one of them
    /// run again when the object changes or goes.
    pub filed: Vec<u64>,
    /// How what each enabled rule (by index) found depends, in rule order;
    /// a rule that found nothing without looking past the object is left
    /// out.
    pub rules: Vec<(usize, Ran)>,
    /// `rules` summed up ([`Digest::of`]).
    pub digest: Digest,
}

/// What an object's rules depend on, summed up, so that an object none of
/// whose rules runs again (most, after an edit) is told without going
/// through every rule's reads.
#[derive(Clone, Copy, Default)]
pub struct Digest {
    /// Some rule runs every time ([`Depends::Anything`]).
    always: bool,
    /// Some rule's hit quotes one of the object's lines ([`Ran::lines`]).
    lines: bool,
    /// The bits of [`Touched`]'s word of every lookup the rules read.
    reads: u64,
}

impl Digest {
    pub fn of(rules: &[(usize, Ran)]) -> Digest {
        let mut digest = Digest::default();
        for (_, ran) in rules {
            digest.lines |= ran.lines;
            match &ran.on {
                Depends::Alone => {}
                Depends::Reading(reads) => reads.iter().for_each(|&key| digest.reads |= Touched::bit(key)),
                Depends::Anything => digest.always = true,
            }
        }
        digest
    }

    /// Whether every rule is surely kept ([`Ran::kept`]); if not, some may
    /// still be.
    pub fn keeps_all(&self, changed: &Touched, lines_moved: bool) -> bool {
        !(self.always || self.lines && lines_moved) && changed.bits & self.reads == 0
    }
}

/// How a kept object moved since the last check, where it is in this
/// check's list, and which of its rules run again.
pub struct Move {
    pub to: usize,
    pub bytes: isize,
    pub lines: i64,
    pub documents: isize,
    pub rerun: Vec<usize>,
}

impl Moved {
    fn finding(&self, finding: &mut Finding) {
        // Most findings of an edit's input are before it.
        if *self == Moved::default() {
            return;
        }
        for pos in [&mut finding.span.start, &mut finding.span.end] {
            pos.offset = pos.at().wrapping_add_signed(self.bytes) as u32;
            pos.line = (i64::from(pos.line) + self.lines) as u32;
        }
        if let Some(crate::fix::FixState::Ready(fix)) = &mut finding.fix {
            for edit in &mut fix.edits {
                edit.start = edit.start.wrapping_add_signed(self.bytes);
                edit.end = edit.end.wrapping_add_signed(self.bytes);
            }
        }
        finding.document = finding.document.wrapping_add_signed(self.documents);
    }
}

/// How a report's findings came from the last report's, as the checker
/// knows it without comparing them: which of the last findings were kept
/// (moved with their object, and otherwise the same), and where the
/// others, found again or anew, are.
#[derive(Debug)]
pub struct Changed {
    /// The findings of the last report in runs, in order: how many, and how
    /// far they moved if they were kept. A keystroke keeps nearly all of
    /// 40,000 findings in a few runs, so its change is told (and read, see
    /// `playground::changes::from_engine`) in a few steps, not one per finding.
    pub kept: Vec<(usize, Option<Moved>)>,
    /// Where the findings not kept are in the report, in order.
    pub added: Vec<usize>,
}

impl Changed {
    /// Adds a finding kept as `moved` (or not kept) after those told.
    fn push(&mut self, moved: Option<Moved>) {
        match self.kept.last_mut() {
            Some((run, last)) if *last == moved => *run += 1,
            _ => self.kept.push((1, moved)),
        }
    }
}

/// How far a kept finding moved: added to its offsets (spans and fix
/// edits), lines and document number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Moved {
    pub bytes: isize,
    pub lines: i64,
    pub documents: isize,
}

/// What a rule's hits on an object depend on.
pub struct Ran {
    pub on: Depends,
    /// Some hit's text (message, snippet, why there is no fix) holds a
    /// number that is one of the object's lines (`audit/*` messages name
    /// the policy rule's line): found again when the object's lines move.
    pub lines: bool,
}

pub enum Depends {
    /// The object alone: kept while it is.
    Alone,
    /// The object and these lookups of the scope: kept while no object
    /// filed under one of them changed.
    Reading(Vec<u64>),
    /// Anything (a hit outside the object's chunk, which would not move
    /// with it, or on its first line, where a suppression comment on the
    /// line above belongs to another chunk): run every time.
    Anything,
}

/// The lookups (by key) filed under an object added, removed or changed,
/// with a word of one bit per 64th of the keys: every kept object's rules'
/// reads are looked for in them after each edit, and most are told apart
/// by the word without hashing.
#[derive(Default)]
pub struct Touched {
    keys: WordSet<u64>,
    bits: u64,
}

impl Touched {
    fn bit(key: u64) -> u64 {
        1 << (key >> 58)
    }

    pub fn insert(&mut self, key: u64) {
        self.bits |= Touched::bit(key);
        self.keys.insert(key);
    }

    pub fn contains(&self, key: u64) -> bool {
        self.bits & Touched::bit(key) != 0 && self.keys.contains(&key)
    }
}

impl Extend<u64> for Touched {
    fn extend<I: IntoIterator<Item = u64>>(&mut self, keys: I) {
        keys.into_iter().for_each(|key| self.insert(key));
    }
}

impl Ran {
    pub fn kept(&self, changed: &Touched, lines_moved: bool) -> bool {
        if self.lines && lines_moved {
            return false;
        }
        match &self.on {
            Depends::Alone => true,
            Depends::Reading(reads) => !reads.iter().any(|&r| changed.contains(r)),
            Depends::Anything => false,
        }
    }
}

/// Whether a hit's text holds a number in `lines` (a line of its object,
/// which a message may name). Another number there (a port, a count) only
/// makes the rule run again when the lines move.
pub fn quotes_line(hit: &Hit, lines: &RangeInclusive<u32>) -> bool {
    let refused = match &hit.edits {
        Some(Err(why)) => Some(why.as_str()),
        _ => None,
    };
    [Some(hit.message.as_str()), hit.snippet.as_deref(), refused].into_iter().flatten().any(|text| {
        text.split(|c: char| !c.is_ascii_digit())
            .filter(|digits| !digits.is_empty() && digits.len() <= 10)
            .any(|digits| digits.parse::<u32>().is_ok_and(|n| lines.contains(&n)))
    })
}

/// A finding of the report or a suppressed one.
pub trait Listed {
    fn finding(&self) -> &Finding;
    fn finding_mut(&mut self) -> &mut Finding;
}

impl Listed for Finding {
    fn finding(&self) -> &Finding {
        self
    }
    fn finding_mut(&mut self) -> &mut Finding {
        self
    }
}

impl Listed for Suppressed {
    fn finding(&self) -> &Finding {
        &self.finding
    }
    fn finding_mut(&mut self) -> &mut Finding {
        &mut self.finding
    }
}

/// The findings of the last report whose object and rule are kept, moved
/// with their chunk (in place, in the same order: they all move alike),
/// merged with the new ones into one list in report order. An edit brings
/// a few new findings among many kept: each new one finds its place by
/// binary search, and the kept ones are moved in blocks between them. The
/// [`Changed`] says which were kept and where the new ones went.
pub fn patch_and_merge<T: Listed, K: Ord>(
    last: (Vec<T>, Vec<Tag>),
    moves: &[Option<Move>],
    new: (Vec<T>, Vec<Tag>),
    order: impl Fn(&Finding, &Tag) -> K,
) -> (Vec<T>, Vec<Tag>, Changed) {
    let (mut items, mut tags) = last;
    let mut changed = Changed { kept: Vec::new(), added: Vec::with_capacity(new.0.len()) };
    // Each finding's move, its tag moved with its object (one pass), told
    // in runs.
    for tag in &mut tags {
        let to = moves.get(tag.object).and_then(Option::as_ref).filter(|m| !m.rerun.contains(&tag.rule));
        if let Some(to) = to {
            tag.object = to.to;
        }
        changed.push(to.map(|to| Moved { bytes: to.bytes, lines: to.lines, documents: to.documents }));
    }
    if changed.kept.iter().any(|(_, moved)| moved.is_none()) {
        let each = || changed.kept.iter().flat_map(|&(count, moved)| std::iter::repeat_n(moved.is_some(), count));
        let mut keep = each();
        items.retain(|_| keep.next() == Some(true));
        let mut keep = each();
        tags.retain(|_| keep.next() == Some(true));
    }
    // A run kept where it was is not walked.
    let mut at = 0;
    for (count, moved) in changed.kept.iter().filter_map(|&(count, moved)| Some((count, moved?))) {
        if moved != Moved::default() {
            items[at..at + count].iter_mut().for_each(|item| moved.finding(item.finding_mut()));
        }
        at += count;
    }
    let mut new: Vec<(T, Tag)> = new.0.into_iter().zip(new.1).collect();
    if new.is_empty() {
        return (items, tags, changed);
    }
    crate::sort::sort_by_key(&mut new, |(item, tag)| order(item.finding(), tag));
    // Where each new one goes: after the kept ones that come before it or
    // tie with it (kept first, as a full check's stable sort has them).
    let places: Vec<usize> = new
        .iter()
        .map(|(item, tag)| {
            let at = order(item.finding(), tag);
            let (mut low, mut high) = (0, items.len());
            while low < high {
                let middle = low + (high - low) / 2;
                if order(items[middle].finding(), &tags[middle]) <= at {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            low
        })
        .collect();
    // The kept ones before the first new one stay where they are (a
    // keystroke at the end of a large text moves none).
    let first = places[0];
    let (rest_items, rest_tags) = (items.split_off(first), tags.split_off(first));
    items.reserve(rest_items.len() + new.len());
    tags.reserve(rest_tags.len() + new.len());
    let (mut old_items, mut old_tags) = (rest_items.into_iter(), rest_tags.into_iter());
    let mut taken = first;
    for ((item, tag), place) in new.into_iter().zip(places) {
        items.extend(old_items.by_ref().take(place - taken));
        tags.extend(old_tags.by_ref().take(place - taken));
        taken = place;
        changed.added.push(items.len());
        items.push(item);
        tags.push(tag);
    }
    items.extend(old_items);
    tags.extend(old_tags);
    (items, tags, changed)
}

//! The incremental checker: the same inputs checked again and again as
//! they are edited.

use std::ops::Range;

use super::indent::Indents;
use super::memo::DocumentKey;
use super::{read_part, run, Changed, Input, Local, Options, Plan, Run};
use crate::k8s::templates::Scan;
use crate::report::Report;
use crate::yaml::{self, LineIndex, LineStarts, Stream};

/// Checks the same inputs again and again as they are edited (the
/// playground's editor): each document is parsed on its own, so an edit
/// parses again only the documents it touched; the others are kept, moved
/// with the text after the edit. Every report is exactly what [`check_all`]
/// gives for the same text.
pub struct Checker {
    options: Options,
    sources: Vec<Source>,
    local: Local,
    /// The trees of the last check's documents that edits since replaced
    /// (by where they were): a document parsed again that reads as one of
    /// them leaves the lookups its objects are filed under unmarked.
    replaced: Vec<(DocumentKey, yaml::Node)>,
    /// The inputs were set since the last report: it is no report before
    /// the next.
    fresh: bool,
}

struct Source {
    file: String,
    text: Vec<u8>,
    /// The line starts of the part of `text` that is read.
    lines: LineStarts,
    indents: Indents,
    parsed: yaml::Parsed,
    scan: Scan,
}

impl Checker {
    pub fn new(options: Options) -> Self {
        Checker { options, sources: Vec::new(), local: Local::default(), replaced: Vec::new(), fresh: true }
    }

    /// Checks these inputs, replacing any before.
    pub fn check(&mut self, inputs: &[Input]) -> &Report {
        self.set(inputs);
        self.report()
    }

    /// Replaces the inputs, without checking them (see [`Checker::report`]).
    pub fn set(&mut self, inputs: &[Input]) {
        self.local = Local::default();
        self.replaced.clear();
        self.fresh = true;
        self.sources = inputs
            .iter()
            .map(|input| {
                let lines = LineStarts::new(read_part(input.text, &self.options));
                let parsed =
                    yaml::reparse(input.text, &LineIndex::with_starts(input.text, &lines), &self.options.limits, None);
                let scan = Scan::new(input.text);
                let indents = Indents::new(input.text);
                Source { file: input.file.to_owned(), text: with_room(input.text), lines, indents, parsed, scan }
            })
            .collect();
    }

    /// Replaces the bytes `range` of input `input`'s text with
    /// `replacement` and checks again (see [`Checker::apply_edit`]).
    pub fn edit(&mut self, input: usize, range: Range<usize>, replacement: &[u8]) -> &Report {
        self.apply_edit(input, range, replacement);
        self.report()
    }

    /// Replaces the bytes `range` of input `input`'s text with
    /// `replacement` without checking (the documents it touched are parsed
    /// again); [`Checker::report`] checks. A range past the text is clipped
    /// to it; an input that is not there leaves everything as it was.
    pub fn apply_edit(&mut self, input: usize, range: Range<usize>, replacement: &[u8]) {
        if let Some(source) = self.sources.get_mut(input) {
            let end = range.end.min(source.text.len());
            let range = range.start.min(end)..end;
            let whole = source.lines.text_len() == source.text.len();
            source.indents.remove(&source.text, &range);
            source.text.splice(range.clone(), replacement.iter().copied());
            source.indents.add(&source.text, &range, replacement.len());
            let text = &source.text;
            // The line starts move with the edit while the whole text is
            // read (past the byte limit the part read changes).
            if whole && text.len() == read_part(text, &self.options).len() {
                source.lines.edit(text, range.clone(), replacement.len());
            } else {
                source.lines = LineStarts::new(read_part(text, &self.options));
            }
            source.scan.edit(text, range.clone(), replacement.len());
            keep_touched(&mut self.replaced, &self.local, input, &source.parsed, &range);
            let edit = yaml::Edit { range, inserted: replacement.len() };
            let previous = std::mem::take(&mut source.parsed);
            let lines = LineIndex::with_starts(read_part(text, &self.options), &source.lines);
            source.parsed = yaml::reparse(text, &lines, &self.options.limits, Some((previous, &edit)));
        }
    }

    /// The current text of input `input`.
    pub fn text(&self, input: usize) -> Option<&[u8]> {
        self.sources.get(input).map(|s| s.text.as_slice())
    }

    /// The report of the current text: exactly what [`check_all`] gives.
    /// It is kept, and patched by the next call where edits touched it.
    pub fn report(&mut self) -> &Report {
        self.report_and_changed().0
    }

    /// The report of the current text (see [`Checker::report`]), and how
    /// its findings came from those of the report before ([`Changed`]):
    /// none after [`Checker::set`], when there is no report before.
    pub fn report_and_changed(&mut self) -> (&Report, Option<&Changed>) {
        // Kept trees are moved with their text only where rules will read
        // them (see [`yaml::Parsed`]).
        let planned: Vec<_> = self.sources.iter().map(|s| (&*s.file, &s.parsed, &s.scan, s.indents.unit())).collect();
        let mut plan = Plan::new(&planned, &self.local, &std::mem::take(&mut self.replaced));
        for (source, chunks) in self.sources.iter_mut().zip(&plan.settle) {
            source.parsed.settle(|chunk| chunks.contains(&chunk));
        }
        // The settled chunks' documents are no longer behind.
        for (origins, chunks) in plan.origins.iter_mut().zip(&plan.settle) {
            if !chunks.is_empty() {
                origins
                    .iter_mut()
                    .filter(|o| chunks.contains(&o.chunk))
                    .for_each(|o| o.pending = yaml::Shift::default());
            }
        }

        let inputs: Vec<Input> = self.sources.iter().map(|s| Input { file: &s.file, text: &s.text }).collect();
        let lines: Vec<LineIndex> =
            self.sources.iter().map(|s| LineIndex::with_starts(read_part(&s.text, &self.options), &s.lines)).collect();
        let parsed: Vec<&Stream> = self.sources.iter().map(|s| &s.parsed.stream).collect();
        let scans: Vec<&Scan> = self.sources.iter().map(|s| &s.scan).collect();
        let indents = self.sources.iter().map(|s| s.indents.unit()).collect();
        let inputs =
            Run { inputs: &inputs, lines: &lines, parsed: &parsed, scans: &scans, indents, leave_unfreed: false };
        let report = run(inputs, &self.options, Some((&plan, &mut self.local)));
        self.local.report = report;
        if std::mem::take(&mut self.fresh) {
            self.local.changed = None;
        }
        (&self.local.report, self.local.changed.as_ref())
    }
}

/// A copy of a text set, with room for edits: typed ones, and a paste of
/// up to an eighth of it. Without it the first keystroke after a large
/// paste copies the whole text to a new allocation twice its size (Vec's
/// growth), most of that keystroke's extra cost; with it, that doubling
/// comes only if edits outgrow the room.
fn with_room(text: &[u8]) -> Vec<u8> {
    let mut copy = Vec::with_capacity(text.len() + text.len() / 8 + 4096);
    copy.extend_from_slice(text);
    copy
}

/// Copies into `replaced` the trees of the documents of input `input`
/// whose chunk the edit of `range` touches (the parse after it drops them;
/// one it keeps after all stays known by its place, and is never taken for
/// a new one: see [`super::Plan`]), if the last check found objects in
/// them and they are not kept already.
fn keep_touched(
    replaced: &mut Vec<(DocumentKey, yaml::Node)>,
    local: &Local,
    input: usize,
    parsed: &yaml::Parsed,
    range: &Range<usize>,
) {
    for (origin, doc) in parsed.touching(range) {
        let key = (input, origin.chunk, origin.within);
        // A document the parse kept, touched again by a later edit before
        // the check, is kept once: two copies of it would let two new
        // documents that read alike both stand for it.
        if replaced.iter().any(|(kept, _)| *kept == key) {
            continue;
        }
        if let (Ok(root), true) = (&doc.root, local.places.contains_key(&key)) {
            replaced.push((key, root.clone()));
        }
    }
}

//! Text in, report out: parse every input, find its objects, run the enabled
//! rules on each. All inputs are checked together, so rules that relate
//! objects (a RoleBinding and its Role, a namespace and its NetworkPolicies)
//! see them even when they come from different files.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::ops::Range;

use crate::k8s::templates::Scan;
use crate::k8s::{self, Contents};
use crate::report::{Finding, InputError, Report, Suppressed};
pub use crate::rules::scope::Options;
use crate::rules::scope::{Located, Lookup, Scope};
use crate::rules::{self, Hit, Hits, Rule};
use crate::suppress;
use crate::yaml::{self, Fnv, LineIndex, LineStarts, Stream};

/// One input: a label for reports and its bytes.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub file: &'a str,
    pub text: &'a [u8],
}

/// Checks one input. `file` only labels the findings.
pub fn check(file: &str, text: &[u8], options: &Options) -> Report {
    check_all(&[Input { file, text }], options)
}

/// Checks several inputs as one body of configuration.
pub fn check_all(inputs: &[Input], options: &Options) -> Report {
    let lines: Vec<LineIndex> = inputs.iter().map(|i| line_index(i.text, options)).collect();
    let parsed: Vec<Stream> = inputs
        .iter()
        .zip(&lines)
        .map(|(input, lines)| yaml::parse_stream(input.text, lines, &options.limits))
        .collect();
    let scans: Vec<Scan> = inputs.iter().map(|i| Scan::new(i.text)).collect();
    run(inputs, &lines, &parsed.iter().collect::<Vec<_>>(), &scans.iter().collect::<Vec<_>>(), options, None)
}

/// Lines of the part of an input that is read.
fn line_index<'a>(text: &'a [u8], options: &Options) -> LineIndex<'a> {
    LineIndex::new(read_part(text, options))
}

fn read_part<'a>(text: &'a [u8], options: &Options) -> &'a [u8] {
    &text[..text.len().min(options.limits.max_bytes.saturating_add(1))]
}

/// What the last check of a [`Checker`] found, kept for the next: its
/// report, where each finding came from, and what each object's rules
/// depended on. Objects are known by where they are: their input, their
/// document's chunk (which keeps its id while its text is unchanged), the
/// document in the chunk and the object in the document.
#[derive(Default)]
struct Local {
    report: Report,
    /// Where each of `report.findings` came from, in the same order.
    findings: Vec<Tag>,
    /// Where each of `report.suppressed` came from, in the same order.
    suppressed: Vec<Tag>,
    objects: HashMap<ObjectKey, LocalHits, BuildHasherDefault<Fnv>>,
    /// Each input's indentation step when these were found: fixes' edits
    /// depend on it, so findings of an input whose step changed are not
    /// kept.
    indents: Vec<usize>,
}

type ObjectKey = (usize, u64, usize, usize);

/// Which object, rule (by index among the enabled ones) and hit of the rule
/// a finding came from: after its input, offset and rule id, a full
/// check's report orders findings that way.
#[derive(Clone, Copy)]
struct Tag {
    object: ObjectKey,
    rule: usize,
    hit: usize,
}

struct LocalHits {
    /// Where the chunk started when these were found.
    offset: usize,
    line: u32,
    document: usize,
    /// The template the object was rendered from (a `# Source:` comment
    /// before it, which an edit elsewhere can change).
    source: Option<Box<str>>,
    /// The lookups of the scope's index the object is filed under
    /// ([`Lookup::of`]): rules that read one of them run again when the
    /// object changes or goes.
    filed: Vec<u64>,
    /// How what each enabled rule (by index) found depends, in rule order;
    /// a rule that found nothing without looking past the object is left
    /// out.
    rules: Vec<(usize, Ran)>,
}

/// How a kept object moved since the last check, and which of its rules
/// run again.
struct Move {
    bytes: isize,
    documents: isize,
    rerun: Vec<usize>,
}

impl Move {
    fn finding(&self, finding: &mut Finding) {
        for pos in [&mut finding.span.start, &mut finding.span.end] {
            pos.offset = pos.offset.wrapping_add_signed(self.bytes);
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

/// What a rule's hits on an object depend on.
enum Ran {
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

impl Ran {
    fn kept(&self, changed: &HashSet<u64, BuildHasherDefault<Fnv>>) -> bool {
        match self {
            Ran::Alone => true,
            Ran::Reading(reads) => !reads.iter().any(|r| changed.contains(r)),
            Ran::Anything => false,
        }
    }
}

/// Checks parsed inputs: finds their objects, runs the rules, applies
/// suppressions. With `memo` (each input's document origins and what the
/// last run kept), rules that did not look past an object are not run again
/// on it while its chunk is unchanged and on the same lines (a message may
/// name a line): their hits are moved with the chunk's bytes.
fn run(
    inputs: &[Input],
    lines: &[LineIndex],
    parsed: &[&Stream],
    scans: &[&Scan],
    options: &Options,
    mut memo: Option<(&[Vec<yaml::Origin>], &mut Local)>,
) -> Report {
    let enabled: Vec<&Rule> = rules::all().iter().copied().filter(|r| options.enabled(r)).collect();
    let mut report = Report { files: inputs.len(), ..Report::default() };

    let mut objects = Vec::new();
    // Where each object is (with `memo`), in the order of `objects`.
    let mut places = Vec::new();
    for (index, (input, stream)) in inputs.iter().zip(parsed).enumerate() {
        let scan = &scans[index];
        let mut templated = None;
        for doc in &stream.documents {
            // A document holding Helm template actions is not read: one
            // error for the file says so, after its other documents.
            let offset = match &doc.root {
                Ok(root) => root.span.start.offset,
                Err(e) => e.span.start.offset,
            };
            report.documents += 1;
            if scan.templated_at(offset) {
                templated.get_or_insert(doc.index);
                continue;
            }
            let error = |e: &yaml::YamlError| InputError {
                file: input.file.to_owned(),
                document: Some(doc.index),
                message: crate::clip::bound(e.message.clone(), crate::clip::MESSAGE),
                span: Some(e.span),
            };
            let root = match &doc.root {
                Ok(root) if root.is_null() => continue,
                Ok(root) => root,
                Err(e) => {
                    report.errors.push(error(e));
                    continue;
                }
            };
            if let Some(message) = k8s::templates::recognise(input.file, root) {
                report.skipped_documents += 1;
                report.notes.push(crate::report::Note {
                    file: input.file.to_owned(),
                    document: doc.index,
                    message: message.to_owned(),
                });
                continue;
            }
            match k8s::contents(root) {
                Ok(Contents::Objects(found)) => {
                    if let Some((origins, _)) = &memo {
                        let origin = origins.get(index).and_then(|o| o.get(doc.index - 1));
                        places.extend((0..found.len()).map(|i| origin.map(|o| (*o, (index, o.chunk, o.within, i)))));
                    }
                    objects.extend(found.into_iter().map(|object| Located {
                        object,
                        file: input.file,
                        document: doc.index,
                        input: index,
                        source: scan.source_at(offset),
                    }))
                }
                Ok(Contents::NotKubernetes) => report.skipped_documents += 1,
                Err(e) => report.errors.push(error(&e)),
            }
        }
        if let Some(document) = templated {
            let at = |offset| lines[index].pos(offset);
            report.errors.push(InputError {
                file: input.file.to_owned(),
                document: Some(document),
                message: scan.message(),
                span: Some(yaml::Span { start: at(scan.action_bytes.start), end: at(scan.action_bytes.end) }),
            });
        }
    }
    report.objects = objects.len();
    let scope = Scope::new(options, objects);

    let files: Vec<std::rc::Rc<str>> = inputs.iter().map(|i| std::rc::Rc::from(i.file)).collect();
    let comments: Vec<suppress::Comments> = inputs
        .iter()
        .zip(parsed)
        .zip(lines)
        .map(|((input, stream), lines)| suppress::Comments::new(input.text, &stream.comments, lines))
        .collect();
    // Read once per input, not once per fix.
    let indents: Vec<usize> = inputs.iter().map(|i| crate::fix::edit::indent_unit(i.text)).collect();
    let same_indent: Vec<bool> = match &memo {
        Some((_, local)) => (0..inputs.len()).map(|i| local.indents.get(i) == indents.get(i)).collect(),
        None => Vec::new(),
    };
    // Which objects keep what rules found last time (their chunk is kept,
    // on the same lines, with the same indentation step and source), and
    // the lookups of the index whose objects changed: those filed under
    // them now or last time, for every object not kept.
    let mut changed = HashSet::default();
    let mut before: Vec<Option<LocalHits>> = Vec::new();
    if let Some((_, local)) = &mut memo {
        for (n, located) in scope.objects().iter().enumerate() {
            let place = places.get(n).and_then(Option::as_ref);
            let prior = place.and_then(|(_, key)| local.objects.remove(key));
            let kept = prior.and_then(|prior| {
                let same = place.is_some_and(|(origin, _)| origin.line == prior.line)
                    && same_indent.get(located.input) == Some(&true)
                    && prior.source.as_deref() == located.source;
                if same {
                    Some(prior)
                } else {
                    changed.extend(prior.filed);
                    None
                }
            });
            if kept.is_none() {
                Lookup::of(&located.object, |lookup| {
                    changed.insert(lookup.key());
                });
            }
            before.push(kept);
        }
        for gone in std::mem::take(&mut local.objects).into_values() {
            changed.extend(gone.filed);
        }
    }
    let mut kept = HashMap::default();
    let mut moves: HashMap<ObjectKey, Move, BuildHasherDefault<Fnv>> = HashMap::default();
    // Where each new finding came from (with `memo`), in report order.
    let (mut found_tags, mut suppressed_tags) = (Vec::new(), Vec::new());
    for (n, located) in scope.objects().iter().enumerate() {
        // One buffer of hits per object, emptied after each rule; its fixes
        // edit the object's input.
        let text = inputs[located.input].text;
        let mut hits = Hits::with_text(&scope, text, indents[located.input]);
        let place = places.get(n).and_then(Option::as_ref);
        let prior = before.get_mut(n).and_then(Option::take);
        let chunk = place.map(|(origin, _)| origin.offset..origin.end);
        let mut now = place.map(|(origin, _)| LocalHits {
            offset: origin.offset,
            line: origin.line,
            document: located.document,
            source: located.source.map(Box::from),
            filed: Vec::new(),
            rules: Vec::new(),
        });
        // The rules to run: all, or those of a kept object whose findings
        // depend on lookups that changed (the others' are in the report).
        let visit: Vec<usize> = match (prior, &mut now, place) {
            (Some(prior), Some(now), Some((origin, key))) => {
                now.filed = prior.filed;
                let mut rerun = Vec::new();
                for (r, ran) in prior.rules {
                    if ran.kept(&changed) {
                        now.rules.push((r, ran));
                    } else {
                        rerun.push(r);
                    }
                }
                let documents = located.document as isize - prior.document as isize;
                let bytes = origin.offset as isize - prior.offset as isize;
                moves.insert(*key, Move { bytes, documents, rerun: rerun.clone() });
                rerun
            }
            (_, now, _) => {
                if let Some(now) = now {
                    Lookup::of(&located.object, |lookup| now.filed.push(lookup.key()));
                }
                (0..enabled.len()).collect()
            }
        };
        if visit.is_empty() {
            if let (Some(now), Some((_, key))) = (now, place) {
                kept.insert(*key, now);
            }
            continue;
        }
        let object = std::rc::Rc::new(located.object.reference());
        let annotation = suppress::annotation(&located.object);
        let source = located.source.map(std::rc::Rc::<str>::from);
        // Whether the object's text holds template syntax (fixes are
        // refused then), read once per object when a fix asks.
        let templated = std::cell::OnceCell::new();
        for r in visit {
            let rule = enabled[r];
            (rule.check)(&located.object, &mut hits);
            let looked = hits.looked_past();
            let reads = scope.take_reads();
            if let (Some(now), Some((origin, _))) = (&mut now, place) {
                let moves_with_chunk = |hit: &Hit| {
                    hit.span.start.line != origin.line && chunk.as_ref().is_some_and(|chunk| within(hit, chunk))
                };
                let ran = if !hits.found.iter().all(moves_with_chunk) {
                    Ran::Anything
                } else if looked {
                    Ran::Reading(reads)
                } else {
                    Ran::Alone
                };
                if !matches!(ran, Ran::Alone) || !hits.found.is_empty() {
                    now.rules.push((r, ran));
                }
            }
            for (seq, hit) in hits.found.drain(..).enumerate() {
                let holds_template = || *templated.get_or_init(|| crate::fix::holds_template(&located.object, text));
                let finding = Finding {
                    rule,
                    severity: hit.severity.unwrap_or(rule.severity),
                    message: hit.message,
                    file: files[located.input].clone(),
                    document: located.document,
                    object: object.clone(),
                    span: hit.span,
                    snippet: hit.snippet.map_or(std::borrow::Cow::Borrowed(rule.snippet), std::borrow::Cow::Owned),
                    fix: crate::fix::state(rule, hit.edits, hit.applicability, holds_template),
                    source: source.clone(),
                };
                let tag = place.map(|(_, key)| Tag { object: *key, rule: r, hit: seq });
                match suppress::find(annotation, rule.id, &comments[located.input], hit.span.start.line) {
                    Some(suppression) => {
                        report.suppressed.push(Suppressed { finding, suppression });
                        suppressed_tags.extend(tag);
                    }
                    None => {
                        report.findings.push(finding);
                        found_tags.extend(tag);
                    }
                }
            }
        }
        if let (Some(now), Some((_, key))) = (now, place) {
            kept.insert(*key, now);
        }
    }
    // A full check's order: by input, offset and rule id, then in the order
    // found (input, document, object, rule, hit).
    let position: HashMap<&str, usize> = inputs.iter().enumerate().map(|(i, input)| (input.file, i)).collect();
    match memo {
        Some((_, local)) => {
            // Inputs named alike share the position of the last of them.
            let positions: Vec<usize> = inputs.iter().map(|i| position[i.file]).collect();
            let order = |f: &Finding, t: &Tag| {
                let (input, _, _, object) = t.object;
                (positions[input], f.span.start.offset, f.rule.id, input, f.document, object, t.rule, t.hit)
            };
            let last = std::mem::take(&mut local.report);
            (report.findings, local.findings) = merge(
                patch(last.findings, std::mem::take(&mut local.findings), &moves),
                sort(std::mem::take(&mut report.findings), found_tags, order),
                order,
            );
            (report.suppressed, local.suppressed) = merge(
                patch(last.suppressed, std::mem::take(&mut local.suppressed), &moves),
                sort(std::mem::take(&mut report.suppressed), suppressed_tags, order),
                order,
            );
            report.practices = crate::report::practices(scope.objects(), &enabled, &report.findings);
            local.objects = kept;
            local.indents = indents;
            report
        }
        None => {
            let order = |f: &Finding| (position.get(&*f.file).copied(), f.span.start.offset, f.rule.id);
            report.findings.sort_by_cached_key(order);
            report.suppressed.sort_by_cached_key(|s| order(&s.finding));
            report.practices = crate::report::practices(scope.objects(), &enabled, &report.findings);
            report
        }
    }
}

/// A finding of the report or a suppressed one.
trait Listed {
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

/// A list with where each came from, in the same order.
type Tagged<T> = (Vec<T>, Vec<Tag>);

/// The findings of the last report whose object and rule are kept, moved
/// with their chunk (in the same order: they all move alike).
fn patch<T: Listed>(
    items: Vec<T>,
    tags: Vec<Tag>,
    moves: &HashMap<ObjectKey, Move, BuildHasherDefault<Fnv>>,
) -> Tagged<T> {
    let mut kept = (Vec::with_capacity(items.len()), Vec::with_capacity(items.len()));
    for (mut item, tag) in items.into_iter().zip(tags) {
        if let Some(found) = moves.get(&tag.object).filter(|m| !m.rerun.contains(&tag.rule)) {
            found.finding(item.finding_mut());
            kept.0.push(item);
            kept.1.push(tag);
        }
    }
    kept
}

/// New findings in report order.
fn sort<T: Listed, K: Ord>(items: Vec<T>, tags: Vec<Tag>, order: impl Fn(&Finding, &Tag) -> K) -> Tagged<T> {
    let mut pairs: Vec<(T, Tag)> = items.into_iter().zip(tags).collect();
    pairs.sort_by_key(|(item, tag)| order(item.finding(), tag));
    pairs.into_iter().unzip()
}

/// Two lists in report order as one.
fn merge<T: Listed, K: Ord>(a: Tagged<T>, b: Tagged<T>, order: impl Fn(&Finding, &Tag) -> K) -> Tagged<T> {
    let len = a.0.len() + b.0.len();
    let mut out = (Vec::with_capacity(len), Vec::with_capacity(len));
    let (mut a, mut b) = (a.0.into_iter().zip(a.1).peekable(), b.0.into_iter().zip(b.1).peekable());
    loop {
        let from_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => order(x.0.finding(), &x.1) <= order(y.0.finding(), &y.1),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
        };
        if let Some((item, tag)) = if from_a { a.next() } else { b.next() } {
            out.0.push(item);
            out.1.push(tag);
        }
    }
}

/// Whether a hit and its fix's edits are within a chunk's bytes.
fn within(hit: &Hit, chunk: &Range<usize>) -> bool {
    let inside = |offset: usize| chunk.start <= offset && offset <= chunk.end;
    inside(hit.span.start.offset)
        && inside(hit.span.end.offset)
        && hit.edits.iter().flatten().flatten().all(|edit| inside(edit.start) && inside(edit.end))
}

/// Checks the same inputs again and again as they are edited (the
/// playground's editor): each document is parsed on its own, so an edit
/// parses again only the documents it touched; the others are kept, moved
/// with the text after the edit. Every report is exactly what [`check_all`]
/// gives for the same text.
pub struct Checker {
    options: Options,
    sources: Vec<Source>,
    local: Local,
}

struct Source {
    file: String,
    text: Vec<u8>,
    /// The line starts of the part of `text` that is read.
    lines: LineStarts,
    parsed: yaml::Parsed,
    scan: Scan,
}

impl Checker {
    pub fn new(options: Options) -> Self {
        Checker { options, sources: Vec::new(), local: Local::default() }
    }

    /// Checks these inputs, replacing any before.
    pub fn check(&mut self, inputs: &[Input]) -> &Report {
        self.set(inputs);
        self.report()
    }

    /// Replaces the inputs, without checking them (see [`Checker::report`]).
    pub fn set(&mut self, inputs: &[Input]) {
        self.local = Local::default();
        self.sources = inputs
            .iter()
            .map(|input| {
                let lines = LineStarts::new(read_part(input.text, &self.options));
                let parsed =
                    yaml::reparse(input.text, &LineIndex::with_starts(input.text, &lines), &self.options.limits, None);
                let scan = Scan::new(input.text);
                Source { file: input.file.to_owned(), text: input.text.to_vec(), lines, parsed, scan }
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
            source.text.splice(range.clone(), replacement.iter().copied());
            let text = &source.text;
            // The line starts move with the edit while the whole text is
            // read (past the byte limit the part read changes).
            if whole && text.len() == read_part(text, &self.options).len() {
                source.lines.edit(text, range.clone(), replacement.len());
            } else {
                source.lines = LineStarts::new(read_part(text, &self.options));
            }
            source.scan.edit(text, range.clone(), replacement.len());
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
        let inputs: Vec<Input> = self.sources.iter().map(|s| Input { file: &s.file, text: &s.text }).collect();
        let lines: Vec<LineIndex> =
            self.sources.iter().map(|s| LineIndex::with_starts(read_part(&s.text, &self.options), &s.lines)).collect();
        let parsed: Vec<&Stream> = self.sources.iter().map(|s| &s.parsed.stream).collect();
        let scans: Vec<&Scan> = self.sources.iter().map(|s| &s.scan).collect();
        let origins: Vec<Vec<yaml::Origin>> = self.sources.iter().map(|s| s.parsed.origins()).collect();
        let report = run(&inputs, &lines, &parsed, &scans, &self.options, Some((&origins, &mut self.local)));
        self.local.report = report;
        &self.local.report
    }
}

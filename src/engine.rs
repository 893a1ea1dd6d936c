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

/// What rules found in each object, kept by the [`Checker`] from one check
/// to the next. Objects are known by where they are: their input, their
/// document's chunk (which keeps its id while its text is unchanged), the
/// document in the chunk and the object in the document.
#[derive(Default)]
struct Local {
    objects: HashMap<ObjectKey, LocalHits, BuildHasherDefault<Fnv>>,
    /// Each input's indentation step when these were found: fixes' edits
    /// depend on it, so kept hits of an input whose step changed are not
    /// reused.
    indents: Vec<usize>,
}

type ObjectKey = (usize, u64, usize, usize);

struct LocalHits {
    /// Where the chunk started when these were found.
    offset: usize,
    line: u32,
    /// The lookups of the scope's index the object is filed under
    /// ([`Lookup::of`]): rules that read one of them run again when the
    /// object changes or goes.
    filed: Vec<u64>,
    /// What the enabled rules (by index) found, in rule order; a rule that
    /// found nothing without looking past the object is left out.
    rules: Vec<RuleHits>,
}

struct RuleHits {
    rule: usize,
    ran: Ran,
    hits: Vec<Hit>,
}

/// What a rule's hits on an object depend on.
enum Ran {
    /// The object alone: kept while it is.
    Alone,
    /// The object and these lookups of the scope: kept while no object
    /// filed under one of them changed.
    Reading(Vec<u64>),
    /// Anything (a hit outside the object's chunk, which would not move
    /// with it): run every time.
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
    // on the same lines, with the same indentation step), and the lookups
    // of the index whose objects changed: those filed under them now or
    // last time, for every object not kept.
    let mut changed = HashSet::default();
    let mut before: Vec<Option<LocalHits>> = Vec::new();
    if let Some((_, local)) = &mut memo {
        for (n, located) in scope.objects().iter().enumerate() {
            let prior = match places.get(n).and_then(Option::as_ref) {
                Some((_, key)) => local.objects.remove(key),
                None => None,
            };
            let kept = prior.and_then(|prior| {
                let origin = places[n].as_ref().map(|(origin, _)| origin);
                if origin.is_some_and(|o| o.line == prior.line) && same_indent.get(located.input) == Some(&true) {
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
    for (n, located) in scope.objects().iter().enumerate() {
        // One buffer of hits per object, emptied after each rule; its fixes
        // edit the object's input.
        let text = inputs[located.input].text;
        let mut hits = Hits::with_text(&scope, text, indents[located.input]);
        let object = std::rc::Rc::new(located.object.reference());
        let annotation = suppress::annotation(&located.object);
        let place = places.get(n).and_then(Option::as_ref);
        let prior = before.get_mut(n).and_then(Option::take);
        let shift = match (&prior, place) {
            (Some(prior), Some((origin, _))) => origin.offset as isize - prior.offset as isize,
            _ => 0,
        };
        let chunk = place.map(|(origin, _)| origin.offset..origin.end);
        let mut now = place.map(|(origin, _)| LocalHits {
            offset: origin.offset,
            line: origin.line,
            filed: Vec::new(),
            rules: Vec::new(),
        });
        // The rules to visit, with what each found last time if it is kept.
        let visit: Vec<(usize, Option<RuleHits>)> = match prior {
            Some(prior) => {
                if let Some(now) = &mut now {
                    now.filed = prior.filed;
                }
                prior
                    .rules
                    .into_iter()
                    .map(|mut last| {
                        if last.ran.kept(&changed) {
                            for hit in &mut last.hits {
                                move_hit(hit, shift);
                            }
                            (last.rule, Some(last))
                        } else {
                            (last.rule, None)
                        }
                    })
                    .collect()
            }
            None => {
                if let Some(now) = &mut now {
                    Lookup::of(&located.object, |lookup| now.filed.push(lookup.key()));
                }
                (0..enabled.len()).map(|r| (r, None)).collect()
            }
        };
        let source = located.source.map(std::rc::Rc::<str>::from);
        // Whether the object's text holds template syntax (fixes are
        // refused then), read once per object when a fix asks.
        let templated = std::cell::OnceCell::new();
        for (r, last) in visit {
            let rule = enabled[r];
            match last {
                Some(last) => {
                    hits.found.extend(last.hits.iter().cloned());
                    if let Some(now) = &mut now {
                        now.rules.push(last);
                    }
                }
                None => {
                    (rule.check)(&located.object, &mut hits);
                    let looked = hits.looked_past();
                    let reads = scope.take_reads();
                    if let Some(now) = &mut now {
                        let ran = if !looked {
                            Ran::Alone
                        } else if chunk.as_ref().is_some_and(|chunk| hits.found.iter().all(|hit| within(hit, chunk))) {
                            Ran::Reading(reads)
                        } else {
                            Ran::Anything
                        };
                        if !matches!(ran, Ran::Alone) || !hits.found.is_empty() {
                            now.rules.push(RuleHits { rule: r, ran, hits: hits.found.clone() });
                        }
                    }
                }
            }
            for hit in hits.found.drain(..) {
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
                match suppress::find(annotation, rule.id, &comments[located.input], hit.span.start.line) {
                    Some(suppression) => report.suppressed.push(Suppressed { finding, suppression }),
                    None => report.findings.push(finding),
                }
            }
        }
        if let (Some(now), Some((_, key))) = (now, place) {
            kept.insert(*key, now);
        }
    }
    if let Some((_, local)) = memo {
        local.objects = kept;
        local.indents = indents;
    }
    report.practices = crate::report::practices(scope.objects(), &enabled, &report.findings);
    let position: HashMap<&str, usize> = inputs.iter().enumerate().map(|(i, input)| (input.file, i)).collect();
    let order = |f: &Finding| (position.get(&*f.file).copied(), f.span.start.offset, f.rule.id);
    report.findings.sort_by_cached_key(order);
    report.suppressed.sort_by_cached_key(|s| order(&s.finding));
    report
}

/// Whether a hit and its fix's edits are within a chunk's bytes.
fn within(hit: &Hit, chunk: &Range<usize>) -> bool {
    let inside = |offset: usize| chunk.start <= offset && offset <= chunk.end;
    inside(hit.span.start.offset)
        && inside(hit.span.end.offset)
        && hit.edits.iter().flatten().flatten().all(|edit| inside(edit.start) && inside(edit.end))
}

/// Moves a hit kept from the last run with its chunk's bytes.
fn move_hit(hit: &mut Hit, by: isize) {
    for pos in [&mut hit.span.start, &mut hit.span.end] {
        pos.offset = pos.offset.wrapping_add_signed(by);
    }
    for edit in hit.edits.iter_mut().flatten().flatten() {
        edit.start = edit.start.wrapping_add_signed(by);
        edit.end = edit.end.wrapping_add_signed(by);
    }
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
    pub fn check(&mut self, inputs: &[Input]) -> Report {
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
    pub fn edit(&mut self, input: usize, range: Range<usize>, replacement: &[u8]) -> Report {
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
    pub fn report(&mut self) -> Report {
        let inputs: Vec<Input> = self.sources.iter().map(|s| Input { file: &s.file, text: &s.text }).collect();
        let lines: Vec<LineIndex> =
            self.sources.iter().map(|s| LineIndex::with_starts(read_part(&s.text, &self.options), &s.lines)).collect();
        let parsed: Vec<&Stream> = self.sources.iter().map(|s| &s.parsed.stream).collect();
        let scans: Vec<&Scan> = self.sources.iter().map(|s| &s.scan).collect();
        let origins: Vec<Vec<yaml::Origin>> = self.sources.iter().map(|s| s.parsed.origins()).collect();
        run(&inputs, &lines, &parsed, &scans, &self.options, Some((&origins, &mut self.local)))
    }
}

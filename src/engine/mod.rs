//! Text in, report out: parse every input, find its objects, run the enabled
//! rules on each. All inputs are checked together, so rules that relate
//! objects (a RoleBinding and its Role, a namespace and its NetworkPolicies)
//! see them even when they come from different files.
//!
//! [`Checker`] (`checker.rs`) checks the same inputs again as they are
//! edited, keeping what the last check found (`memo.rs`).

mod checker;
mod indent;
mod memo;
mod same;

use std::collections::HashMap;
use std::ops::Range;

use crate::k8s::templates::Scan;
use crate::k8s::{self, Contents};
use crate::report::{Finding, InputError, Report, Suppressed};
pub use crate::rules::scope::Options;
use crate::rules::scope::{Found, Located, Lookup, Scope};
use crate::rules::{self, Hit, Hits, Rule};
use crate::suppress;
use crate::yaml::{self, LineIndex, Stream};
pub use checker::Checker;
pub use memo::{Changed, Moved};
use memo::{Depends, Digest, DocumentKey, Local, LocalHits, Move, Ran, Tag, Touched, WordSet};

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
    parse_all(inputs, options).report(options, false)
}

/// Inputs read for a full check: their lines, trees, template scans and
/// indentation steps. Apart from [`ParsedInputs::check`]'s report so that a
/// caller about to exit may leave the trees unfreed (the CLI: freeing a
/// 15 MB stream's million nodes is a tenth of its check).
pub struct ParsedInputs<'a> {
    inputs: &'a [Input<'a>],
    lines: Vec<LineIndex<'a>>,
    streams: Vec<Stream>,
    scans: Vec<Scan>,
    /// Each input's indentation step, read once per input, not once per fix.
    indents: Vec<usize>,
}

/// Reads every input for a full check ([`check_all`] is this, then
/// [`ParsedInputs::check`]).
pub fn parse_all<'a>(inputs: &'a [Input<'a>], options: &Options) -> ParsedInputs<'a> {
    let lines: Vec<LineIndex> = inputs.iter().map(|i| line_index(i.text, options)).collect();
    let streams = inputs
        .iter()
        .zip(&lines)
        .map(|(input, lines)| yaml::parse_stream(input.text, lines, &options.limits))
        .collect();
    let scans = inputs.iter().map(|i| Scan::new(i.text)).collect();
    let indents = inputs
        .iter()
        .zip(&lines)
        .map(|(input, lines)| indent_unit(input.text, lines, read_part(input.text, options).len()))
        .collect();
    ParsedInputs { inputs, lines, streams, scans, indents }
}

impl ParsedInputs<'_> {
    /// The report of a full check of the inputs, for a caller about to
    /// exit: the objects found in the trees are left unfreed with them
    /// (freeing them was 1.5% of a check's instructions).
    pub fn check(&self, options: &Options) -> Report {
        self.report(options, true)
    }

    /// The report of a full check; `leave_unfreed` as for [`ParsedInputs::check`].
    fn report(&self, options: &Options, leave_unfreed: bool) -> Report {
        let parsed: Vec<&Stream> = self.streams.iter().collect();
        let scans: Vec<&Scan> = self.scans.iter().collect();
        let run_of = Run {
            inputs: self.inputs,
            lines: &self.lines,
            parsed: &parsed,
            scans: &scans,
            indents: self.indents.clone(),
            leave_unfreed,
        };
        run(run_of, options, None)
    }
}

/// An input's indentation step (see [`crate::fix::edit::indent_unit`]),
/// from the line starts of the part read (`read` bytes, indexed by `lines`)
/// and, past it (an input over the limit), of the rest.
fn indent_unit(text: &[u8], lines: &LineIndex, read: usize) -> usize {
    use crate::fix::edit::{least_indent, unit_of};
    let rest = memchr::memchr_iter(b'\n', &text[read..]).map(|i| read + i + 1);
    unit_of(least_indent(text, lines.starts()).min(least_indent(text, rest)))
}

/// Lines of the part of an input that is read.
fn line_index<'a>(text: &'a [u8], options: &Options) -> LineIndex<'a> {
    LineIndex::new(read_part(text, options))
}

/// The bytes read of an input: to the limit, and one more, so that an
/// input over it is told apart from one just at it.
fn read_part<'a>(text: &'a [u8], options: &Options) -> &'a [u8] {
    &text[..text.len().min(options.limits.most_bytes() + 1)]
}

/// The inputs of a run, parsed, with what else is read of each.
struct Run<'r, 'a> {
    inputs: &'r [Input<'a>],
    lines: &'r [LineIndex<'a>],
    parsed: &'r [&'a Stream],
    scans: &'r [&'a Scan],
    /// Each input's indentation step (see [`crate::fix::edit::indent_unit`]).
    indents: Vec<usize>,
    /// Whether the objects found are left unfreed (the process exits).
    leave_unfreed: bool,
}

/// Checks parsed inputs: finds their objects, runs the rules, applies
/// suppressions. With `memo` (what the last run found, and the [`Plan`] of
/// what it keeps), rules that did not look past an object are not run again
/// on it while its chunk is unchanged (moved by other edits, its findings
/// move with it).
fn run(inputs: Run, options: &Options, mut memo: Option<(&Plan, &mut Local)>) -> Report {
    let Run { inputs, lines, parsed, scans, indents, leave_unfreed } = inputs;
    let enabled: Vec<&Rule> = rules::all().iter().copied().filter(|r| options.enabled(r)).collect();
    let mut report = Report { files: inputs.len(), ..Report::default() };

    let mut documents = Vec::with_capacity(parsed.iter().map(|stream| stream.documents.len()).sum());
    // Where each object is and its place in the last check (with `memo`),
    // in input order.
    let last_count = memo.as_ref().map_or(0, |(_, local)| local.objects.len());
    let mut places = Vec::with_capacity(last_count);
    let mut previous: Vec<Option<usize>> = Vec::with_capacity(last_count);
    // Each document's objects' places (with `memo`).
    let mut filed_at = Vec::with_capacity(if memo.is_some() { documents.capacity() } else { 0 });
    for (index, (input, stream)) in inputs.iter().zip(parsed).enumerate() {
        let scan = &scans[index];
        let mut templated = None;
        for doc in &stream.documents {
            let origin = memo.as_ref().and_then(|(plan, _)| plan.origins.get(index)?.get(doc.index - 1));
            let pending = origin.map(|o| o.pending).unwrap_or_default();
            // Spans of a tree not settled are behind by its chunk's shift.
            let error = |e: &yaml::YamlError| {
                let mut span = e.span;
                pending.span(&mut span);
                InputError {
                    file: input.file.to_owned(),
                    document: Some(doc.index),
                    message: crate::clip::bound(e.message.clone(), crate::clip::MESSAGE),
                    span: Some(lines[index].region(span)),
                }
            };
            report.documents += 1;
            // The objects this document held at the last check (by their
            // places in it), if its text is kept.
            let was = memo.as_ref().and_then(|(plan, _)| plan.known.get(index)?.get(doc.index - 1)?.clone());
            let (offset, root) = match read(input.file, doc, scan, pending, was.is_some()) {
                Read::Templated => {
                    templated.get_or_insert(doc.index);
                    continue;
                }
                Read::Null => continue,
                Read::Error(e) => {
                    report.errors.push(error(e));
                    continue;
                }
                Read::Note(message) => {
                    report.skipped_documents += 1;
                    report.notes.push(crate::report::Note {
                        file: input.file.to_owned(),
                        document: doc.index,
                        message: message.to_owned(),
                    });
                    continue;
                }
                Read::Root(offset, root) => (offset, root),
            };
            let source = scan.source_at(offset);
            let was = was.unwrap_or_default();
            // A kept document's objects are filed as the last check found
            // them, and found again only if a rule asks for one.
            let later = !was.is_empty()
                && memo.as_ref().is_some_and(|(_, local)| {
                    local.objects.get(was.clone()).is_some_and(|prior| prior.iter().all(Option::is_some))
                });
            let found = if later {
                Found::later(input.file, doc.index, index, source, root, was.len())
            } else {
                let (file, document) = (input.file, doc.index);
                let located = |object| Located { object, file, document, input: index, source };
                match k8s::contents_as(root, located) {
                    Ok(Contents::Objects(found)) => Found::now(file, document, index, source, found),
                    Ok(Contents::NotKubernetes) => {
                        report.skipped_documents += 1;
                        continue;
                    }
                    Err(e) => {
                        report.errors.push(error(&e));
                        continue;
                    }
                }
            };
            if memo.is_some() {
                if let Some(o) = origin.filter(|_| found.count() > 0) {
                    filed_at.push(((index, o.chunk, o.within), places.len()..places.len() + found.count()));
                }
                for i in 0..found.count() {
                    places.push(origin.copied());
                    previous.push(origin.and(Some(was.start + i)).filter(|w| was.contains(w)));
                }
            }
            documents.push(found);
        }
        if let Some(document) = templated {
            let action = yaml::Span::of(scan.action_bytes.start, scan.action_bytes.end);
            report.errors.push(InputError {
                file: input.file.to_owned(),
                document: Some(document),
                message: scan.message(),
                span: Some(lines[index].region(action)),
            });
        }
    }
    let filed = |n: usize| {
        let prior = memo.as_ref().and_then(|(_, local)| local.objects.get(previous[n]?)?.as_ref());
        prior.map_or(&[][..], |prior| &prior.filed[..])
    };
    let scope = Scope::new(options, documents, filed);
    // A full check keeps no rule's reads for the next one.
    let scope = if memo.is_some() { scope } else { scope.noting_no_reads() };
    // Left unfreed for a caller about to exit, else dropped with the run.
    let mut owned = None;
    let scope: &Scope = if leave_unfreed { Box::leak(Box::new(scope)) } else { owned.insert(scope) };
    report.objects = scope.len();

    let files: Vec<std::rc::Rc<str>> = inputs.iter().map(|i| std::rc::Rc::from(i.file)).collect();
    let comments: Vec<suppress::Comments> = inputs
        .iter()
        .zip(parsed)
        .zip(lines)
        .map(|((input, stream), lines)| suppress::Comments::new(input.text, &stream.comments, lines))
        .collect();
    let no_change = Touched::default();
    let plan = memo.as_ref().map(|(plan, _)| *plan);
    let changed = plan.map_or(&no_change, |plan| &plan.changed);
    // What each object found (with `memo`), by its place in this check; a
    // full check keeps nothing (a list of 30,000 `None`s is 3 MB).
    let mut kept = Vec::with_capacity(if memo.is_some() { scope.len() } else { 0 });
    // Where each object of the last check went, by its place in it.
    let mut moves: Vec<Option<Move>> = Vec::with_capacity(last_count);
    // Where each new finding came from (with `memo`), in report order.
    let (mut found_tags, mut suppressed_tags) = (Vec::new(), Vec::new());
    // Which practices look at each object, in input order.
    let mut relevances = Vec::with_capacity(scope.len());
    // Every enabled rule, the rules run on an object not kept.
    let every_rule: Vec<usize> = (0..enabled.len()).collect();
    let ranks = RuleRanks::new(&enabled);
    for n in 0..scope.len() {
        let at = scope.document_of(n);
        let place = places.get(n).and_then(Option::as_ref);
        // What the object kept from the last check (as planned), with its
        // place in it.
        let prior = match (&mut memo, previous.get(n).copied().flatten()) {
            (Some((plan, local)), Some(was)) if plan.kept.get(was) == Some(&true) => {
                local.objects.get_mut(was).and_then(Option::take).map(|prior| (was, prior))
            }
            _ => None,
        };
        let chunk = place.map(|origin| origin.offset..origin.end);
        let mut now = place.map(|origin| LocalHits {
            offset: origin.offset,
            line: origin.line,
            document: at.document,
            source: None,
            relevance: 0,
            filed: Vec::new(),
            rules: Vec::new(),
            digest: Digest::default(),
        });
        let rules_rerun: Vec<usize>;
        // The rules to run: all, or those of a kept object whose findings
        // depend on lookups that changed or on lines that moved (the
        // others' are in the report).
        let visit: &[usize] = match (prior, &mut now, place) {
            (Some((was, prior)), Some(now), Some(origin)) => {
                now.filed = prior.filed;
                now.source = prior.source;
                now.relevance = prior.relevance;
                let lines = i64::from(origin.line) - i64::from(prior.line);
                let mut rerun = Vec::new();
                if prior.digest.keeps_all(changed, lines != 0)
                    || prior.rules.iter().all(|(_, ran)| ran.kept(changed, lines != 0))
                {
                    now.rules = prior.rules;
                    now.digest = prior.digest;
                } else {
                    for (r, ran) in prior.rules {
                        if ran.kept(changed, lines != 0) {
                            now.rules.push((r, ran));
                        } else {
                            rerun.push(r);
                        }
                    }
                }
                let documents = at.document as isize - prior.document as isize;
                let bytes = origin.offset as isize - prior.offset as isize;
                if moves.len() <= was {
                    moves.resize_with(was + 1, || None);
                }
                moves[was] = Some(Move { to: n, bytes, lines, documents, rerun: rerun.clone() });
                rules_rerun = rerun;
                &rules_rerun
            }
            (_, now, _) => {
                let object = &scope.object(n).object;
                if let Some(now) = now {
                    Lookup::of(object, |lookup| now.filed.push(lookup.key()));
                    now.source = at.source.map(Box::from);
                    now.relevance = crate::report::relevance(object);
                }
                &every_rule
            }
        };
        relevances.push(match &now {
            Some(now) => now.relevance,
            None => crate::report::relevance(&scope.object(n).object),
        });
        if visit.is_empty() {
            if memo.is_some() {
                kept.push(now);
            }
            continue;
        }
        let located = scope.object(n);
        // One buffer of hits per object, emptied after each rule; its fixes
        // edit the object's input.
        let text = inputs[located.input].text;
        let mut hits = Hits::with_text(scope, text, indents[located.input]).with_lines(&lines[located.input]);
        let (findings_from, suppressed_from) = (report.findings.len(), report.suppressed.len());
        // The object's lines (a message naming one of them is found again
        // when they move).
        let chunk_lines = place.map(|origin| origin.line..=lines[located.input].pos(origin.end).line);
        // What its findings repeat, made at its first finding (most
        // objects have none).
        let named = std::cell::OnceCell::new();
        // Whether the object's text holds template syntax (fixes are
        // refused then), read once per object when a fix asks.
        let templated = std::cell::OnceCell::new();
        for &r in visit {
            let rule = enabled[r];
            (rule.check)(&located.object, &mut hits);
            let looked = hits.looked_past();
            let reads = scope.take_reads();
            if let (Some(now), Some(origin)) = (&mut now, place) {
                let moves_with_chunk = |hit: &Hit| {
                    lines[located.input].pos(hit.span.start_at()).line != origin.line
                        && chunk.as_ref().is_some_and(|chunk| within(hit, chunk))
                };
                let on = if !hits.found.iter().all(moves_with_chunk) {
                    Depends::Anything
                } else if looked {
                    Depends::Reading(reads)
                } else {
                    Depends::Alone
                };
                let quotes = |hit| chunk_lines.as_ref().is_some_and(|lines| memo::quotes_line(hit, lines));
                let ran = Ran { lines: hits.found.iter().any(quotes), on };
                if !matches!(ran.on, Depends::Alone) || !hits.found.is_empty() {
                    now.rules.push((r, ran));
                }
            }
            if hits.found.is_empty() {
                continue;
            }
            for (seq, hit) in hits.found.drain(..).enumerate() {
                // Where a finding is, in lines and columns: found for the
                // hits alone, not for every node of the tree.
                let span = lines[located.input].region(hit.span);
                let holds_template = || *templated.get_or_init(|| crate::fix::holds_template(&located.object, text));
                let named = named.get_or_init(|| Named::of(located));
                let finding = Finding {
                    rule,
                    severity: hit.severity.unwrap_or(rule.severity),
                    message: hit.message,
                    file: files[located.input].clone(),
                    document: located.document,
                    object: named.object.clone(),
                    span,
                    snippet: hit.snippet.map_or(std::borrow::Cow::Borrowed(rule.snippet), std::borrow::Cow::Owned),
                    fix: crate::fix::state(rule, hit.edits, hit.applicability, holds_template),
                    source: named.source.clone(),
                };
                let tag = place.map(|_| Tag { input: located.input, object: n, rule: r, hit: seq });
                match suppress::find(named.annotation, rule.id, &comments[located.input], span.start.line) {
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
        if memo.is_none() {
            // A full check's findings come object by object in input
            // order: each object's put in order as it ends, so that the
            // whole report is most often in order already (see below).
            ranks.sort_within(&mut report.findings[findings_from..], |f| f);
            ranks.sort_within(&mut report.suppressed[suppressed_from..], |s| &s.finding);
        }
        if let Some(now) = &mut now {
            now.digest = Digest::of(&now.rules);
        }
        if memo.is_some() {
            kept.push(now);
        }
    }
    // A full check's order: by input, offset and rule id, then in the order
    // found (object, rule, hit).
    let position: HashMap<&str, usize> = inputs.iter().enumerate().map(|(i, input)| (input.file, i)).collect();
    match memo {
        Some((_, local)) => {
            // Inputs named alike share the position of the last of them.
            let positions: Vec<usize> = inputs.iter().map(|i| position[i.file]).collect();
            let order =
                |f: &Finding, t: &Tag| (positions[t.input], f.span.start.offset, f.rule.id, t.object, t.rule, t.hit);
            let last = std::mem::take(&mut local.report);
            let changed;
            (report.findings, local.findings, changed) = memo::patch_and_merge(
                (last.findings, std::mem::take(&mut local.findings)),
                &moves,
                (std::mem::take(&mut report.findings), found_tags),
                order,
            );
            local.changed = Some(changed);
            (report.suppressed, local.suppressed, _) = memo::patch_and_merge(
                (last.suppressed, std::mem::take(&mut local.suppressed)),
                &moves,
                (std::mem::take(&mut report.suppressed), suppressed_tags),
                order,
            );
            report.practices = crate::report::practices(relevances, &enabled, &report.findings);
            local.places.clear();
            local.places.extend(filed_at);
            local.objects = kept;
            local.indents = indents;
            report
        }
        None => {
            // Findings come in input order: the last file's position is
            // looked up again only when the file changes.
            let mut last: Option<(std::rc::Rc<str>, u128)> = None;
            let mut order = |f: &Finding| {
                let input = match &last {
                    Some((file, input)) if std::rc::Rc::ptr_eq(file, &f.file) => *input,
                    _ => {
                        let input = position.get(&*f.file).map_or(0, |&i| i as u128 + 1);
                        last = Some((f.file.clone(), input));
                        input
                    }
                };
                (input << 64) | (u128::from(f.span.start.offset) << 16) | u128::from(ranks.of(f.rule))
            };
            // Each object's findings are in order (see above): the report
            // is sorted again only when objects' findings interleave (a
            // finding placed in another object, inputs named alike).
            if !report.findings.is_sorted_by_key(&mut order) {
                crate::sort::sort_by_cached_key(&mut report.findings, &mut order);
            }
            if !report.suppressed.is_sorted_by_key(|s| order(&s.finding)) {
                crate::sort::sort_by_cached_key(&mut report.suppressed, |s| order(&s.finding));
            }
            report.practices = crate::report::practices(relevances, &enabled, &report.findings);
            report
        }
    }
}

/// What every finding of an object repeats.
struct Named<'a> {
    object: std::rc::Rc<crate::k8s::ObjectRef>,
    /// The template it was rendered from.
    source: Option<std::rc::Rc<str>>,
    /// Its suppression annotation.
    annotation: Option<&'a str>,
}

impl<'a> Named<'a> {
    fn of(located: &Located<'a>) -> Self {
        Named {
            object: std::rc::Rc::new(located.object.reference()),
            source: located.source.map(std::rc::Rc::<str>::from),
            annotation: suppress::annotation(&located.object),
        }
    }
}

/// Each enabled rule's place in the order of rule ids, so that a full
/// check's findings are sorted on integers (tens of thousands of findings,
/// most of them sharing an offset with another) and ids are compared once.
struct RuleRanks(Vec<(usize, u16)>);

impl RuleRanks {
    fn new(enabled: &[&'static Rule]) -> Self {
        let mut by_id = enabled.to_vec();
        crate::sort::sort_by_key(&mut by_id, |rule| rule.id);
        let mut ranks: Vec<(usize, u16)> = by_id.iter().zip(0..).map(|(&rule, rank)| (address(rule), rank)).collect();
        crate::sort::sort_by_key(&mut ranks, |&(at, _)| at);
        RuleRanks(ranks)
    }

    /// The rank of an enabled rule (rules are statics: known by address).
    fn of(&self, rule: &'static Rule) -> u16 {
        let found = self.0.binary_search_by_key(&address(rule), |&(at, _)| at);
        found.map_or(u16::MAX, |i| self.0[i].1)
    }

    /// Sorts one object's findings (as `finding` finds them in `items`)
    /// as a full check orders them: by offset, then rule id, stably. A
    /// stable sort of each object's findings, objects kept in order, is the
    /// stable sort of them all whenever the result is in order.
    fn sort_within<T>(&self, items: &mut [T], finding: impl Fn(&T) -> &Finding) {
        if items.len() < 2 {
            return;
        }
        crate::sort::sort_by(items, |a, b| {
            let (a, b) = (finding(a), finding(b));
            let offset = a.span.start.offset.cmp(&b.span.start.offset);
            offset.then_with(|| self.of(a.rule).cmp(&self.of(b.rule)))
        });
    }
}

fn address(rule: &'static Rule) -> usize {
    rule as *const Rule as usize
}

/// What a document is to a check, before its objects are found.
enum Read<'a> {
    /// It holds Helm template actions: not read (one error for the file
    /// says so, after its other documents).
    Templated,
    Null,
    Error(&'a yaml::YamlError),
    /// A file Posture recognises but does not check (a note says what).
    Note(&'static str),
    /// Where it starts now, and its tree.
    Root(usize, &'a yaml::Node),
}

/// Reads a document whose tree is `pending` behind its text. A `known`
/// one held objects at the last check, with the same text: it is no file
/// to recognise.
fn read<'a>(file: &str, doc: &'a yaml::Document, scan: &Scan, pending: yaml::Shift, known: bool) -> Read<'a> {
    let offset = match &doc.root {
        Ok(root) => root.span.start_at(),
        Err(e) => e.span.start_at(),
    }
    .wrapping_add_signed(pending.bytes);
    if scan.templated_at(offset) {
        return Read::Templated;
    }
    match &doc.root {
        Ok(root) if root.is_null() => Read::Null,
        Ok(root) => match (!known).then(|| k8s::templates::recognise(file, root)).flatten() {
            Some(message) => Read::Note(message),
            None => Read::Root(offset, root),
        },
        Err(e) => Read::Error(e),
    }
}

/// What an incremental check keeps of the last one, decided before its
/// trees are read: which objects keep their findings, which lookups of the
/// index changed, and which chunks' trees must be settled (moved to where
/// their text is) because rules will read them. Other objects' trees may
/// stay behind: rules read their names, never their spans.
pub struct Plan {
    /// Each input's document origins.
    origins: Vec<Vec<yaml::Origin>>,
    /// Each input's documents' objects' places in the last check, for
    /// those whose text is kept.
    known: Vec<Vec<Option<Range<usize>>>>,
    /// The lookups filed under an object added, removed or changed.
    changed: Touched,
    /// Whether each object of the last check (by place) is kept: its chunk
    /// is kept, with the same indentation step and `# Source:`.
    kept: Vec<bool>,
    /// Each input's chunks (by id) whose trees rules will read.
    pub settle: Vec<WordSet<u64>>,
}

impl Plan {
    /// Plans a check of `parsed` (each input's file, parse, scan and
    /// indentation step) after `local`, whose documents `replaced` (their
    /// trees, by where they were) edits have since parsed again. Only new
    /// documents' objects are found here; kept ones are known by their
    /// place.
    fn new(
        inputs: &[(&str, &yaml::Parsed, &Scan, usize)],
        local: &Local,
        replaced: &[(DocumentKey, yaml::Node)],
    ) -> Plan {
        let origins: Vec<Vec<yaml::Origin>> = inputs.iter().map(|(_, parsed, _, _)| parsed.origins()).collect();
        let known = (origins.iter().enumerate())
            .map(|(index, origins)| {
                origins.iter().map(|o| local.places.get(&(index, o.chunk, o.within)).cloned()).collect()
            })
            .collect();
        let mut plan = Plan {
            origins,
            known,
            changed: Touched::default(),
            kept: vec![false; local.objects.len()],
            settle: Vec::new(),
        };
        let mut seen = vec![false; local.objects.len()];
        // Kept objects whose trees are behind, and how far their lines moved.
        let mut behind = Vec::new();
        for (index, &(file, parsed, scan, indent)) in inputs.iter().enumerate() {
            let same_indent = local.indents.get(index) == Some(&indent);
            let mut settle = WordSet::default();
            // The new documents since the last kept one, and the last
            // check's places from which the documents they may stand for
            // start (see [`Gap`]).
            let mut gap = Gap { input: index, same_indent, from: 0, documents: Vec::new() };
            for ((doc, origin), places) in
                parsed.stream.documents.iter().zip(&plan.origins[index]).zip(&plan.known[index])
            {
                let Read::Root(offset, root) = read(file, doc, scan, origin.pending, places.is_some()) else {
                    continue;
                };
                if let Some(places) = places.clone() {
                    gap.close(places.start, local, replaced, &mut plan.changed, &mut seen);
                    gap.from = places.end;
                    let source = scan.source_at(offset);
                    for was in places.clone() {
                        let Some(Some(prior)) = local.objects.get(was) else { continue };
                        seen[was] = true;
                        if same_indent && prior.source.as_deref() == source {
                            plan.kept[was] = true;
                            if !origin.pending.is_zero() {
                                behind.push((index, origin.chunk, was, origin.line != prior.line));
                            }
                        } else {
                            plan.changed.extend(prior.filed.iter().copied());
                            settle.insert(origin.chunk);
                        }
                    }
                } else if let Ok(Contents::Objects(found)) = k8s::contents(root) {
                    gap.documents.push(New { root, source: scan.source_at(offset), objects: found });
                    settle.insert(origin.chunk);
                }
            }
            gap.close(usize::MAX, local, replaced, &mut plan.changed, &mut seen);
            plan.settle.push(settle);
        }
        for (was, prior) in local.objects.iter().enumerate() {
            if let (Some(prior), false) = (prior, seen[was]) {
                plan.changed.extend(prior.filed.iter().copied());
            }
        }
        for (index, chunk, was, lines_moved) in behind {
            let prior = local.objects[was].as_ref().map_or(&[][..], |p| &p.rules[..]);
            if prior.iter().any(|(_, ran)| !ran.kept(&plan.changed, lines_moved)) {
                plan.settle[index].insert(chunk);
            }
        }
        plan
    }
}

/// The documents of one input parsed anew between two kept ones: each
/// stands for a document of the last check that edits replaced, and counts
/// as unchanged, if it reads the same (tree, `# Source:`, indentation
/// step) and keeps its place among the objects (it stands for one from the
/// same gap, and they keep their order): rules of other objects that look
/// it up would find it as before. Its own rules run again (its findings'
/// places may have moved within it). Others' objects mark the lookups
/// they are filed under as changed.
struct Gap<'a> {
    input: usize,
    same_indent: bool,
    /// The last check's places of objects before this one are before the
    /// gap.
    from: usize,
    documents: Vec<New<'a>>,
}

/// A document parsed anew: its tree, its `# Source:` and its objects.
struct New<'a> {
    root: &'a yaml::Node,
    source: Option<&'a str>,
    objects: Vec<k8s::Object<'a>>,
}

impl Gap<'_> {
    /// How far ahead of the last one matched a new document's match is
    /// looked for (a few documents pasted before it), so that a paste of
    /// many documents compares each with a few at most.
    const AHEAD: usize = 8;

    /// Ends the gap at the last check's place `to` (where the next kept
    /// document's objects were): its new documents are matched with the
    /// replaced ones between, in order; the objects of those matched are
    /// `seen` (not gone), the others' lookups `changed`.
    fn close(
        &mut self,
        to: usize,
        local: &Local,
        replaced: &[(DocumentKey, yaml::Node)],
        changed: &mut Touched,
        seen: &mut [bool],
    ) {
        if self.documents.is_empty() {
            return;
        }
        let mut candidates: Vec<(Range<usize>, &yaml::Node)> = replaced
            .iter()
            .filter(|(key, _)| key.0 == self.input)
            .filter_map(|(key, root)| Some((local.places.get(key)?.clone(), root)))
            .filter(|(places, _)| self.from <= places.start && places.start < to)
            .collect();
        candidates.sort_by_key(|(places, _)| places.start);
        let mut next = 0;
        for new in self.documents.drain(..) {
            let reads_as = |(places, root): &(Range<usize>, &yaml::Node)| {
                places.len() == new.objects.len()
                    && places.clone().all(|was| {
                        matches!(local.objects.get(was), Some(Some(prior)) if prior.source.as_deref() == new.source)
                    })
                    && same::content(root, new.root)
            };
            let matched = match self.same_indent {
                true => candidates[next..].iter().take(Gap::AHEAD).position(reads_as),
                false => None,
            };
            match matched {
                Some(i) => {
                    candidates[next + i].0.clone().for_each(|was| seen[was] = true);
                    next += i + 1;
                }
                None => {
                    for object in &new.objects {
                        Lookup::of(object, |lookup| changed.insert(lookup.key()));
                    }
                }
            }
        }
    }
}

/// Whether a hit and its fix's edits are within a chunk's bytes.
fn within(hit: &Hit, chunk: &Range<usize>) -> bool {
    let inside = |offset: usize| chunk.start <= offset && offset <= chunk.end;
    inside(hit.span.start_at())
        && inside(hit.span.end_at())
        && hit.edits.iter().flatten().flatten().all(|edit| inside(edit.start) && inside(edit.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings of inputs named alike interleave by offset: the report is
    /// put in order again after each object's own findings were.
    #[test]
    fn findings_of_inputs_named_alike_are_ordered_by_offset() {
        let pod = |name: &str, pad: usize| {
            format!("{}apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  hostNetwork: true\n  containers:\n  - name: app\n    image: nginx\n", "#\n".repeat(pad))
        };
        let (a, b, c) = (pod("a", 0), pod("b", 0), pod("c", 3));
        let inputs = [
            Input { file: "x.yaml", text: c.as_bytes() },
            Input { file: "y.yaml", text: b.as_bytes() },
            Input { file: "x.yaml", text: a.as_bytes() },
        ];
        let report = check_all(&inputs, &Options::default());
        let key = |f: &Finding| (&*f.file == "x.yaml", f.span.start.offset, f.rule.id);
        assert!(report.findings.len() > 4);
        assert!(report.findings.is_sorted_by_key(key), "{:?}", report.findings.iter().map(key).collect::<Vec<_>>());
        // Both inputs named x.yaml share a position: their findings mix.
        let names: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| &*f.file == "x.yaml")
            .map(|f| f.object.name.as_deref().unwrap_or(""))
            .collect();
        assert!(names.windows(2).any(|w| w[0] != w[1] && w[0] == "a"), "{names:?}");
    }
}

//! Applying fixes to whole files: pick the findings to fix, merge their
//! edits without overlap, apply, check again, repeat until nothing more
//! applies; then verify the result against the original and keep it only
//! if every property holds. Deterministic whatever the order of findings.

use std::collections::HashMap;

use super::{splice, Applicability, Edit, Fix, FixState};
use crate::engine::{check_all, Input, Options};
use crate::report::{Finding, Report};
use crate::yaml::{parse_stream, LineIndex};

/// Which fixes to apply.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mode {
    /// Apply unsafe fixes too. Fixes needing a value are never applied in
    /// bulk.
    pub unsafe_fixes: bool,
}

impl Mode {
    pub fn applies(self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self.unsafe_fixes,
            Applicability::NeedsValue => false,
        }
    }
}

/// A finding, as the fix command reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub rule: &'static str,
    pub object: String,
    pub message: String,
    /// 1-based line in the original text (applied) or the fixed text (left).
    pub line: u32,
    pub applicability: Option<Applicability>,
    /// For a finding left: why.
    pub reason: String,
}

/// The outcome for one input.
#[derive(Clone, Debug)]
pub struct FileFix {
    pub file: String,
    /// The text to keep: fixed, or the original when nothing applied or
    /// the result failed verification.
    pub text: Vec<u8>,
    pub changed: bool,
    pub applied: Vec<Item>,
    /// Findings still there after the fix, each with why.
    pub left: Vec<Item>,
    /// Why the whole file was left untouched, if it was.
    pub refused: Option<String>,
}

impl FileFix {
    /// Findings left that have a fix (of any applicability) or whose fix
    /// was refused: what `posture fix` is about.
    pub fn fixable_left(&self) -> usize {
        self.left.iter().filter(|i| i.applicability.is_some()).count()
    }
}

const MAX_ROUNDS: usize = 16;

type Key = (String, &'static str, usize, String, String);

fn key(f: &Finding) -> Key {
    (f.file.to_string(), f.rule.id, f.document, f.object.to_string(), f.message.clone())
}

/// Fixes every input, checked together as `posture check` checks them.
pub fn fix_inputs(inputs: &[Input], options: &Options, mode: Mode) -> Vec<FileFix> {
    fix_selected(inputs, options, mode, |_, fix| mode.applies(fix.applicability))
}

/// Like [`fix_inputs`], but applies only the fixes `pick` selects (given
/// each finding and its fix, in every round), with the same merging,
/// re-checking and verification: the playground's "Apply fix" on one
/// finding, or "Fix all safe" on the findings it shows. `mode` only words
/// the reasons of findings left.
pub fn fix_selected(
    inputs: &[Input],
    options: &Options,
    mode: Mode,
    pick: impl Fn(&Finding, &Fix) -> bool,
) -> Vec<FileFix> {
    let originals: Vec<Vec<u8>> = inputs.iter().map(|i| i.text.to_vec()).collect();
    let mut current = originals.clone();
    let mut refused: Vec<Option<String>> = vec![None; inputs.len()];
    let mut applied: Vec<Vec<(Key, Item)>> = vec![Vec::new(); inputs.len()];
    let run = |texts: &[Vec<u8>]| -> Report {
        let all: Vec<Input> = inputs.iter().zip(texts).map(|(i, t)| Input { file: i.file, text: t }).collect();
        check_all(&all, options)
    };
    let index = |f: &Finding| inputs.iter().position(|i| i.file == &*f.file);
    let first = run(&current);
    for e in &first.errors {
        if let Some(i) = inputs.iter().position(|input| input.file == e.file) {
            refused[i].get_or_insert_with(|| text!("the file has input errors ({}); fix them first", e.message));
        }
    }
    let mut report = first;
    let original_report_keys = counts(&report.findings);
    for _ in 0..MAX_ROUNDS {
        let mut changed = false;
        for (i, input) in inputs.iter().enumerate() {
            if refused[i].is_some() {
                continue;
            }
            let mine: Vec<&Finding> =
                report.findings.iter().filter(|f| index(f) == Some(i) && *f.file == *input.file).collect();
            let chosen = choose(&mine, &pick);
            if chosen.is_empty() {
                continue;
            }
            let lines = LineIndex::new(&current[i]);
            let mut edits: Vec<Edit> = Vec::new();
            for (f, fix_edits) in &chosen {
                for e in fix_edits.iter() {
                    if !edits.contains(e) {
                        edits.push(e.clone());
                    }
                }
                let line = lines.pos(f.span.start.at()).line;
                applied[i].push((key(f), item(f, line, String::new())));
            }
            current[i] = splice(&current[i], &edits);
            changed = true;
        }
        if !changed {
            break;
        }
        report = run(&current);
    }
    // Verify; a file that fails goes back to its original text, which
    // changes what the others see, so verify again until stable.
    loop {
        let mut reverted = false;
        for i in 0..inputs.len() {
            if current[i] == originals[i] {
                continue;
            }
            if let Err(reason) =
                verify(i, inputs, &originals, &current, &report, &original_report_keys, &applied[i], index)
            {
                current[i] = originals[i].clone();
                refused[i] = Some(reason);
                applied[i].clear();
                reverted = true;
            }
        }
        if !reverted {
            break;
        }
        report = run(&current);
    }
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let lines = LineIndex::new(&current[i]);
            let left = report
                .findings
                .iter()
                .filter(|f| index(f) == Some(i))
                .map(|f| {
                    let line = lines.pos(f.span.start.at()).line;
                    item(f, line, left_reason(f, mode, refused[i].as_deref()))
                })
                .collect();
            FileFix {
                file: input.file.to_owned(),
                changed: current[i] != originals[i],
                text: std::mem::take(&mut current[i]),
                applied: std::mem::take(&mut applied[i]).into_iter().map(|(_, item)| item).collect(),
                left,
                refused: refused[i].take(),
            }
        })
        .collect()
}

fn item(f: &Finding, line: u32, reason: String) -> Item {
    Item {
        rule: f.rule.id,
        object: f.object.to_string(),
        message: f.message.clone(),
        line,
        applicability: match &f.fix {
            Some(FixState::Ready(fix)) => Some(fix.applicability),
            Some(FixState::Refused(_)) => Some(match super::declared(f.rule.id) {
                super::Declared::Fix(a) => a,
                super::Declared::None(_) => Applicability::Safe,
            }),
            None => None,
        },
        reason,
    }
}

fn left_reason(f: &Finding, mode: Mode, refused: Option<&str>) -> String {
    match (&f.fix, refused) {
        (Some(_), Some(file)) => text!("file left untouched: {file}"),
        (Some(FixState::Refused(reason)), None) => text!("no fix: {reason}"),
        (Some(FixState::Ready(fix)), None) => match fix.applicability {
            Applicability::NeedsValue => "needs a value: apply its fix alone and fill in the placeholder".into(),
            Applicability::Unsafe if !mode.unsafe_fixes => "unsafe fix: may break the workload; use --unsafe".into(),
            _ => "its fix did not apply (conflicting edits)".into(),
        },
        (None, _) => match super::declared(f.rule.id) {
            super::Declared::None(why) => text!("no fix: {why}"),
            super::Declared::Fix(_) => "no fix".into(),
        },
    }
}

/// The findings of one file to fix in this round: those with a fix
/// `pick` selects, in a canonical order, skipping any whose edits touch an
/// edit already chosen (they come back in the next round).
fn choose<'f>(findings: &[&'f Finding], pick: &impl Fn(&Finding, &Fix) -> bool) -> Vec<(&'f Finding, &'f [Edit])> {
    let mut candidates: Vec<(&Finding, &[Edit])> = findings
        .iter()
        .filter_map(|f| match &f.fix {
            Some(FixState::Ready(fix)) if pick(f, fix) => Some((*f, fix.edits.as_slice())),
            _ => None,
        })
        .collect();
    crate::sort::sort_by(&mut candidates, |a, b| {
        a.1.cmp(b.1).then(a.0.rule.id.cmp(b.0.rule.id)).then(a.0.message.cmp(&b.0.message))
    });
    let mut taken: Vec<&Edit> = Vec::new();
    let mut chosen = Vec::new();
    for (f, edits) in candidates {
        let same = edits.iter().all(|e| taken.contains(&e));
        let clash = edits.iter().any(|e| taken.iter().any(|t| overlaps(e, t)));
        if same || !clash {
            taken.extend(edits.iter().filter(|e| !taken.contains(e)).collect::<Vec<_>>());
            chosen.push((f, edits));
        }
    }
    chosen
}

/// Edits that cannot both apply: overlapping ranges, or insertions at
/// the same place (their order would matter).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    a == b || (a.start < b.end && b.start < a.end) || a.start == b.start
}

fn counts<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> HashMap<Key, usize> {
    let mut counts = HashMap::new();
    for f in findings {
        *counts.entry(key(f)).or_insert(0) += 1;
    }
    counts
}

/// The objects (kind, name, namespace) of each document.
fn objects(text: &[u8], options: &Options) -> Result<Vec<Vec<String>>, String> {
    let lines = LineIndex::new(text);
    let stream = parse_stream(text, &lines, &options.limits);
    stream
        .documents
        .iter()
        .map(|doc| {
            let root = doc.root.as_ref().map_err(|e| e.message.clone())?;
            match crate::k8s::contents(root).map_err(|e| e.message)? {
                crate::k8s::Contents::Objects(found) => Ok(found.iter().map(|o| o.reference().to_string()).collect()),
                crate::k8s::Contents::NotKubernetes => Ok(vec!["(not Kubernetes)".into()]),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn verify(
    i: usize,
    inputs: &[Input],
    originals: &[Vec<u8>],
    current: &[Vec<u8>],
    report: &Report,
    before: &HashMap<Key, usize>,
    applied: &[(Key, Item)],
    index: impl Fn(&Finding) -> Option<usize>,
) -> Result<(), String> {
    if let Some(e) = report.errors.iter().find(|e| e.file == inputs[i].file) {
        return Err(text!("the fixed text would not parse ({}); nothing written", e.message));
    }
    let options = Options::default();
    let (old, new) = (objects(&originals[i], &options), objects(&current[i], &options));
    if old != new {
        return Err("the fixed text would not hold the same objects; nothing written".into());
    }
    let after = counts(report.findings.iter().filter(|f| index(f) == Some(i)));
    for (k, n) in &after {
        if *n > before.get(k).copied().unwrap_or(0) {
            return Err(text!("fixing would raise a new finding ({}: {}); nothing written", k.1, k.4));
        }
    }
    for (k, item) in applied {
        if after.contains_key(k) {
            return Err(text!("the fix for {} did not close it ({}); nothing written", item.rule, item.message));
        }
    }
    Ok(())
}

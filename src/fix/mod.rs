//! Fixes: the text edits that close a finding, made as a careful person
//! would make them by hand. A rule computes its edits from the span tree
//! with [`edit::Editor`]; [`apply`] merges the edits of many findings,
//! applies them and checks the result again, leaving a file untouched
//! unless every check passes. Pure, like the engine: no I/O.

pub mod apply;
pub mod edit;
pub mod table;

use serde::{Deserialize, Serialize};

pub use apply::{fix_inputs, fix_selected, FileFix, Mode};
pub use edit::{Editor, Planned, Scalar, Val};
pub use table::{declared, Declared};

/// How far a fix may be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Cannot change what the workload does beyond closing the hole.
    Safe,
    /// May break the workload; applied only when asked.
    Unsafe,
    /// Inserts a marked placeholder for a value only the user knows; never
    /// applied in bulk.
    NeedsValue,
}

impl Applicability {
    pub const ALL: [Applicability; 3] = [Applicability::Safe, Applicability::Unsafe, Applicability::NeedsValue];

    pub fn name(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::NeedsValue => "needs-value",
        }
    }
}

/// Replace the bytes `start..end` of the input (as read) with `text`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A finding's fix: non-overlapping edits, in input order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// What a finding carries about fixing it: the fix, or why none can be
/// made with certainty here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FixState {
    Ready(Fix),
    Refused(String),
}

impl FixState {
    pub fn fix(&self) -> Option<&Fix> {
        match self {
            FixState::Ready(fix) => Some(fix),
            FixState::Refused(_) => None,
        }
    }

    pub fn refused(&self) -> Option<&str> {
        match self {
            FixState::Ready(_) => None,
            FixState::Refused(reason) => Some(reason),
        }
    }
}

/// Marks a value only the user knows; `posture check` flags nothing about
/// it, but it is not a valid value, so the API server refuses it until it
/// is replaced.
pub const PLACEHOLDER: &str = "FIXME";

/// A clearly marked placeholder for a value only the user knows.
pub fn placeholder(what: &str) -> Scalar {
    Scalar::Str(joined!(PLACEHOLDER, ": ", what))
}

/// Applies non-overlapping edits (sorted by start) to a text.
pub fn splice(text: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    crate::sort::sort(&mut sorted);
    let mut out = Vec::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        out.extend_from_slice(&text[at..e.start]);
        out.extend_from_slice(e.text.as_bytes());
        at = e.end;
    }
    out.extend_from_slice(&text[at..]);
    out
}

/// Whether an object's text holds template syntax (`{{`, `{%`): its fixes
/// are refused.
pub fn holds_template(object: &crate::k8s::Object, text: &[u8]) -> bool {
    let span = object.node.span;
    let body = &text[span.start_at().min(text.len())..span.end_at().min(text.len())];
    memchr::memchr_iter(b'{', body).any(|at| matches!(body.get(at + 1), Some(b'{' | b'%')))
}

/// A finding's fix state from what its rule computed and declared; asks
/// `holds_template` (see [`holds_template`]) only for a fix with edits.
pub fn state(
    rule: &crate::rules::Rule,
    edits: Option<Planned>,
    case: Option<Applicability>,
    holds_template: impl FnOnce() -> bool,
) -> Option<FixState> {
    let Declared::Fix(declared) = declared(rule.id) else { return None };
    let applicability = case.map_or(declared, |case| case.max(declared));
    let edits = match edits? {
        Err(reason) => return Some(FixState::Refused(reason)),
        Ok(edits) if edits.is_empty() => return Some(FixState::Refused("no edit found for this case".into())),
        Ok(edits) => edits,
    };
    if holds_template() {
        return Some(FixState::Refused("the document holds template syntax ({{ }}); fix the template by hand".into()));
    }
    let mut edits = edits;
    crate::sort::sort(&mut edits);
    edits.dedup();
    // Insertions at one place (two keys added to one mapping) go in as one.
    let mut merged: Vec<Edit> = Vec::with_capacity(edits.len());
    for e in edits {
        match merged.last_mut() {
            Some(last) if last.start == last.end && e.start == e.end && last.start == e.start => {
                last.text.push_str(&e.text)
            }
            _ => merged.push(e),
        }
    }
    let mut edits = merged;
    // Kept in the report until it is written: no spare room.
    edits.shrink_to_fit();
    edits.iter_mut().for_each(|e| e.text.shrink_to_fit());
    if edits.windows(2).any(|w| w[0].end > w[1].start) {
        return Some(FixState::Refused("the fix's edits overlap".into()));
    }
    Some(FixState::Ready(Fix { applicability, edits }))
}

//! Suppressions: a finding a team has reviewed and accepted, with the reason,
//! either in an annotation on the object or in a YAML comment on the line.
//! Suppressed findings are reported apart, never dropped.
//!
//! ```yaml
//! metadata:
//!   annotations:
//!     posture.dev/ignore: |
//!       pss/run-as-non-root: vendor image runs as root, tracked in OPS-42
//! spec:
//!   hostNetwork: true  # posture:ignore pss/host-namespaces CNI agent needs the node network
//! ```
//!
//! Each names rules (exact ids or whole families, comma-separated; see
//! [`crate::rules::names`]) and a reason; one without a reason does not
//! suppress anything.

use std::collections::HashMap;

use serde::Serialize;

use crate::k8s::Object;
use crate::yaml::{LineIndex, Node};

pub const ANNOTATION: &str = "posture.dev/ignore";
pub const COMMENT: &str = "posture:ignore";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `annotation` or `comment`.
    pub via: &'static str,
    pub reason: String,
}

/// Every `posture:ignore` comment of one input, by line: found in one pass,
/// so looking up a finding's line costs nothing.
#[derive(Default)]
pub struct Comments {
    /// Line to (rule names, reason, whether the comment is alone on it).
    by_line: HashMap<u32, (String, String, bool)>,
}

impl Comments {
    pub fn scan(text: &[u8], lines: &LineIndex) -> Self {
        let mut by_line = HashMap::new();
        let needle = COMMENT.as_bytes();
        // Every suppression comment is `#`, blanks, then the marker: look at
        // each `#` rather than comparing the marker at every byte.
        for hash in text.iter().enumerate().filter_map(|(i, &b)| (b == b'#').then_some(i)) {
            let after = &text[hash + 1..];
            let blanks = after.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
            if !after[blanks..].starts_with(needle) {
                continue;
            }
            let line = lines.pos(hash).line;
            let raw = String::from_utf8_lossy(lines.line_text(line)).into_owned();
            let Some(found) = raw.find(COMMENT) else { continue };
            let before = raw[..found].trim_end();
            if !before.ends_with('#') {
                continue;
            }
            let rest = raw[found + COMMENT.len()..].trim();
            let Some((list, reason)) = rest.split_once(char::is_whitespace) else { continue };
            let reason = reason.trim().trim_start_matches("--").trim();
            if !reason.is_empty() {
                by_line.insert(line, (list.to_owned(), reason.to_owned(), before.trim() == "#"));
            }
        }
        Comments { by_line }
    }

    /// A comment on the finding's line, or alone on the line above it.
    fn find(&self, rule: &str, line: u32) -> Option<Suppression> {
        let on = |n: u32, alone: bool| {
            let (list, reason, is_alone) = self.by_line.get(&n)?;
            (names(list, rule) && (!alone || *is_alone)).then(|| Suppression { via: "comment", reason: reason.clone() })
        };
        on(line, false).or_else(|| line.checked_sub(1).and_then(|above| on(above, true)))
    }
}

/// The suppression that applies to a finding of `rule` starting on `line`.
pub fn find(object: &Object, rule: &str, comments: &Comments, line: u32) -> Option<Suppression> {
    annotation(object, rule).or_else(|| comments.find(rule, line))
}

fn annotation(object: &Object, rule: &str) -> Option<Suppression> {
    let value = object.node.at(&["metadata", "annotations", ANNOTATION]).and_then(Node::as_str)?;
    value.split(['\n', ';']).find_map(|entry| {
        let (list, reason) = entry.split_once(':')?;
        let reason = reason.trim();
        (names(list, rule) && !reason.is_empty()).then(|| Suppression { via: "annotation", reason: reason.to_owned() })
    })
}

/// Whether a comma-separated list of rule ids or families names `rule`.
fn names(list: &str, rule: &str) -> bool {
    list.split(',').map(str::trim).any(|name| crate::rules::names(name, rule))
}

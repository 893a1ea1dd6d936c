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

use crate::k8s::Object;
use crate::yaml::{LineIndex, Node};

pub const ANNOTATION: &str = "posture.dev/ignore";
pub const COMMENT: &str = "posture:ignore";

#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// `comments` are where the input's comments start (from the parser, so a
    /// `# posture:ignore` inside a string or a block scalar is not one).
    pub fn new(text: &[u8], comments: &[usize], lines: &LineIndex) -> Self {
        let mut by_line = HashMap::new();
        for &hash in comments {
            // Most comments are not ours: told by their first bytes, before
            // their lines are looked for (the incremental checker reads
            // every comment again after each edit).
            let after = text.get(hash + 1..).unwrap_or_default();
            let blanks = after.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
            if !after[blanks..].starts_with(COMMENT.as_bytes()) {
                continue;
            }
            let start = text[..hash].iter().rposition(|&b| b == b'\n').map_or(0, |n| n + 1);
            let end = text[hash..].iter().position(|&b| b == b'\n').map_or(text.len(), |n| hash + n);
            let comment = String::from_utf8_lossy(&text[hash + 1..end]);
            let Some(rest) = comment.trim_start_matches([' ', '\t']).strip_prefix(COMMENT) else { continue };
            let Some((list, reason)) = rest.trim().split_once(char::is_whitespace) else { continue };
            let reason = reason.trim().trim_start_matches("--").trim();
            let alone = text[start..hash].iter().all(|&b| b == b' ' || b == b'\t');
            if !reason.is_empty() {
                by_line.insert(lines.pos(hash).line, (list.to_owned(), reason.to_owned(), alone));
            }
        }
        Comments { by_line }
    }

    /// A comment on the finding's line, or alone on the line above it.
    fn find(&self, rule: &str, line: u32) -> Option<Suppression> {
        // Most inputs have none: no lookups for each finding then.
        if self.by_line.is_empty() {
            return None;
        }
        let on = |n: u32, alone: bool| {
            let (list, reason, is_alone) = self.by_line.get(&n)?;
            (names(list, rule) && (!alone || *is_alone)).then(|| Suppression { via: "comment", reason: reason.clone() })
        };
        on(line, false).or_else(|| line.checked_sub(1).and_then(|above| on(above, true)))
    }
}

/// The object's suppression annotation: found once per object, looked at
/// for each of its findings.
pub fn annotation<'a>(object: &Object<'a>) -> Option<&'a str> {
    object.node.at(&["metadata", "annotations", ANNOTATION]).and_then(Node::as_str)
}

/// The suppression that applies to a finding of `rule` starting on `line`
/// in an object with this [`annotation`].
pub fn find(annotation: Option<&str>, rule: &str, comments: &Comments, line: u32) -> Option<Suppression> {
    annotation.and_then(|value| annotated(value, rule)).or_else(|| comments.find(rule, line))
}

fn annotated(value: &str, rule: &str) -> Option<Suppression> {
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

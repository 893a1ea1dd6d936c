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
//! Each names a rule id or prefix and a reason; one without a reason does not
//! suppress anything.

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

/// The suppression that applies to a finding of `rule` starting on `line`.
pub fn find(object: &Object, rule: &str, lines: &LineIndex, line: u32) -> Option<Suppression> {
    annotation(object, rule).or_else(|| comment(lines, line, rule))
}

fn annotation(object: &Object, rule: &str) -> Option<Suppression> {
    let value = object.node.at(&["metadata", "annotations", ANNOTATION]).and_then(Node::as_str)?;
    value.split(['\n', ';']).find_map(|entry| {
        let (prefixes, reason) = entry.split_once(':')?;
        let reason = reason.trim();
        (names(prefixes, rule) && !reason.is_empty())
            .then(|| Suppression { via: "annotation", reason: reason.to_owned() })
    })
}

/// `# posture:ignore RULE[,RULE] reason` on the finding's line, or alone on
/// the line above it.
fn comment(lines: &LineIndex, line: u32, rule: &str) -> Option<Suppression> {
    let on = |n: u32, alone: bool| -> Option<Suppression> {
        let bytes = lines.line_text(n);
        // Most lines have no comment at all: skip them before any copying.
        if !bytes.contains(&b'#') {
            return None;
        }
        let raw = String::from_utf8_lossy(bytes).into_owned();
        let at = raw.find(COMMENT)?;
        let before = raw[..at].trim_end();
        if !before.ends_with('#') || (alone && before.trim() != "#") {
            return None;
        }
        let rest = raw[at + COMMENT.len()..].trim();
        let (prefixes, reason) = rest.split_once(char::is_whitespace)?;
        let reason = reason.trim().trim_start_matches("--").trim();
        (names(prefixes, rule) && !reason.is_empty()).then(|| Suppression { via: "comment", reason: reason.to_owned() })
    };
    on(line, false).or_else(|| if line > 1 { on(line - 1, true) } else { None })
}

/// Whether a comma-separated list of rule ids or prefixes names `rule`.
fn names(prefixes: &str, rule: &str) -> bool {
    prefixes.split(',').map(str::trim).any(|p| !p.is_empty() && rule.starts_with(p))
}

//! Which rules fix their findings, and how far the fix may be trusted; or
//! why a rule has no fix. Read by the docs and checked against what each
//! rule's check produces (`tests/fixes.rs`).

use super::Applicability;

/// A rule's fix, as declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declared {
    Fix(Applicability),
    /// No mechanical fix, and why.
    None(&'static str),
}

pub fn declared(id: &str) -> Declared {
    use Applicability::*;
    use Declared::Fix;
    match id {
        _ => Declared::None("not yet"),
    }
}

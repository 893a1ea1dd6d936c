//! Posture: a Kubernetes security-posture checker. The library is pure: text
//! in, report out, with no I/O, clock or randomness, so it behaves the same
//! natively and in WebAssembly.

/// `format!` for texts the rules build (messages, snippets, the names in
/// them): see [`clip::text`].
macro_rules! text {
    ($($arg:tt)*) => {
        $crate::clip::text(format_args!($($arg)*))
    };
}

/// A text made for many findings, its pieces laid end to end in one string
/// of their length: `joined!("volume ", ?name, " is mounted")` is
/// `text!("volume {name:?} is mounted")` without the formatter, which
/// costs several times the copying (see [`clip::joined`]). A piece after
/// `?` is quoted as `{:?}` quotes it.
macro_rules! joined {
    (@ [$($done:expr,)*]) => { $crate::clip::joined(&[$($done,)*]) };
    (@ [$($done:expr,)*] ? $e:expr $(, $($rest:tt)*)?) => {
        joined!(@ [$($done,)* $crate::clip::Piece::Debug(&$e),] $($($rest)*)?)
    };
    (@ [$($done:expr,)*] $e:expr $(, $($rest:tt)*)?) => {
        joined!(@ [$($done,)* $crate::clip::Piece::Plain(&$e),] $($($rest)*)?)
    };
    ($($piece:tt)*) => { joined!(@ [] $($piece)*) };
}

mod base64;
pub mod clip;
pub mod engine;
pub mod json;
pub mod k8s;
pub mod lessons;
pub mod playground;
pub mod report;
pub mod rules;
pub mod sort;
pub mod suppress;
pub mod yaml;

pub use engine::{check, check_all, Input, Options};
pub use report::{Finding, InputError, Report};
pub mod fix;

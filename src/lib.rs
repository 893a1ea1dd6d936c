//! Posture: a Kubernetes security-posture checker. The library is pure: text
//! in, report out, with no I/O, clock or randomness, so it behaves the same
//! natively and in WebAssembly.

pub mod yaml;

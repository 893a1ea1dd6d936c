//! Kubernetes views over parsed documents.

mod object;
mod pod;
mod process;

pub use object::{contents, Contents, Object, ObjectRef};
pub use pod::{Container, ContainerList, PodView};
pub use process::{Component, Flag, Process};

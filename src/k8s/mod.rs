//! Kubernetes views over parsed documents.

mod object;
mod pod;

pub use object::{contents, Contents, Object, ObjectRef};
pub use pod::{Container, ContainerList, PodView};

//! Kubernetes views over parsed documents.

mod kubeadm;
mod object;
mod operator;
mod pod;
mod process;
mod role;
pub mod templates;

pub use object::{contents, contents_as, Contents, Object, ObjectRef};
pub use operator::{made_by, Made};
pub use pod::{Container, ContainerList, PodView, Shape, WorkloadKind, WORKLOAD_KINDS};
pub use process::{Component, Flag, Origin, Process};
pub use role::{verb_bit, PolicyRule, Strings, EVERY_VERB, RBAC};

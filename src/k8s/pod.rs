//! The pod spec of every workload kind, and its containers: one visitor, so
//! no rule ever digs a template out of a Deployment or CronJob itself.

use crate::yaml::{Entry, Node, Span};

use super::object::Object;

/// Where a kind keeps its pod: the path to the pod template (metadata and
/// spec), or to the pod itself.
fn template_path(object: &Object) -> Option<&'static [&'static str]> {
    let path: &'static [&'static str] = match (object.group(), object.kind) {
        ("", "Pod") => &[],
        ("", "PodTemplate") => &["template"],
        ("", "ReplicationController") => &["spec", "template"],
        ("apps" | "extensions", "Deployment" | "ReplicaSet" | "DaemonSet") => &["spec", "template"],
        ("apps", "StatefulSet") => &["spec", "template"],
        ("batch", "Job") => &["spec", "template"],
        ("batch", "CronJob") => &["spec", "jobTemplate", "spec", "template"],
        _ => return None,
    };
    Some(path)
}

#[derive(Clone, Copy, Debug)]
pub struct PodView<'a> {
    /// The pod (or pod template): holds `metadata` and `spec`.
    pub template: &'a Node,
    pub spec: &'a Node,
    /// Dotted path of `spec` within the object, for remediation text.
    pub spec_path: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerList {
    Init,
    Regular,
    Ephemeral,
}

impl ContainerList {
    /// Pod Security Admission's visiting order.
    pub const ALL: [ContainerList; 3] = [ContainerList::Init, ContainerList::Regular, ContainerList::Ephemeral];

    pub fn field(self) -> &'static str {
        match self {
            ContainerList::Init => "initContainers",
            ContainerList::Regular => "containers",
            ContainerList::Ephemeral => "ephemeralContainers",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Container<'a> {
    pub list: ContainerList,
    pub node: &'a Node,
    pub name: &'a str,
}

impl<'a> Container<'a> {
    /// How messages name it: `container "app"`, `init container "setup"`.
    pub fn label(&self) -> String {
        let kind = match self.list {
            ContainerList::Init => "init container",
            ContainerList::Regular => "container",
            ContainerList::Ephemeral => "ephemeral container",
        };
        format!("{kind} {}", crate::clip::quoted(self.name))
    }

    pub fn security_context(&self) -> Option<&'a Node> {
        self.node.get("securityContext")
    }

    /// A field of the container's securityContext.
    pub fn sc(&self, path: &[&str]) -> Option<&'a Node> {
        self.security_context()?.at(path)
    }

    /// Where a missing field under `securityContext` (then `path`) should be
    /// added: the deepest of those entries that exists, or the container.
    pub fn missing(&self, path: &[&str]) -> Span {
        let full: Vec<&str> = std::iter::once("securityContext").chain(path.iter().copied()).collect();
        self.node.nearest(&full)
    }
}

impl<'a> PodView<'a> {
    pub fn of(object: &Object<'a>) -> Option<Self> {
        let path = template_path(object)?;
        let template = object.node.at(path)?;
        let spec = template.get("spec")?;
        spec.as_map()?;
        let spec_path = match path.len() {
            0 => "spec",
            2 => "spec.template.spec",
            4 => "spec.jobTemplate.spec.template.spec",
            _ => "template.spec",
        };
        Some(PodView { template, spec, spec_path })
    }

    pub fn annotations(&self) -> &'a [Entry] {
        self.template.at(&["metadata", "annotations"]).and_then(Node::as_map).unwrap_or(&[])
    }

    /// A field of the pod-level securityContext.
    pub fn sc(&self, path: &[&str]) -> Option<&'a Node> {
        self.spec.get("securityContext")?.at(path)
    }

    /// `spec.os.name: windows` (exact, as the API defines it).
    pub fn is_windows(&self) -> bool {
        self.spec.at(&["os", "name"]).and_then(Node::as_str) == Some("windows")
    }

    /// `spec.hostUsers: false`: the pod runs in its own user namespace.
    pub fn in_user_namespace(&self) -> bool {
        self.spec.get("hostUsers").and_then(Node::as_bool) == Some(false)
    }

    /// Init, regular, then ephemeral containers.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        let spec = self.spec;
        ContainerList::ALL.into_iter().flat_map(move |list| {
            spec.items(list.field()).iter().filter(|n| n.as_map().is_some()).map(move |node| Container {
                list,
                node,
                name: node.get("name").and_then(Node::as_str).unwrap_or(""),
            })
        })
    }

    pub fn volumes(&self) -> &'a [Node] {
        self.spec.items("volumes")
    }
}

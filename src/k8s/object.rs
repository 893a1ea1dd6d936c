//! Kubernetes objects found in a document: apiVersion, kind and metadata,
//! with `kind: List` (what `kubectl get -o yaml` prints) unwrapped.

use std::rc::Rc;

use crate::yaml::{Node, YamlError};

use super::pod::PodView;
use super::process::Process;
use super::role::{self, PolicyRule};

#[derive(Clone, Debug)]
pub struct Object<'a> {
    pub node: &'a Node,
    pub api_version: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub namespace: Option<&'a str>,
    /// Found once: every rule asks for them (the group several times).
    group: &'a str,
    /// Behind a pointer: most objects are no workload, and a view with its
    /// containers is ten words.
    pod: Option<Rc<PodView<'a>>>,
    processes: Vec<Process<'a>>,
    /// A role's policy rules (empty for other objects), read once: every
    /// RBAC rule reads them.
    policy_rules: Box<[PolicyRule<'a>]>,
}

/// How a finding names its object in reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
}

/// How reports and the playground name an object: `Deployment shop/web`,
/// `ClusterRole admin`, `Pod <unnamed>`.
impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.name.as_deref().unwrap_or("<unnamed>");
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{name}", self.kind),
            None => write!(f, "{} {name}", self.kind),
        }
    }
}

impl<'a> Object<'a> {
    pub fn metadata(&self) -> Option<&'a Node> {
        self.node.get("metadata")
    }

    /// The API group: `""` for the core group (`apiVersion: v1`).
    pub fn group(&self) -> &'a str {
        self.group
    }

    /// An instance of a custom resource rather than of a built-in API: its
    /// group is not one Kubernetes serves itself. Built-in groups have no
    /// dot or end in `.k8s.io`, except the CRD-served `*.x-k8s.io` and
    /// Gateway API groups.
    pub fn is_custom(&self) -> bool {
        let group = self.group();
        let builtin = !group.contains('.')
            || (group.ends_with(".k8s.io") && !group.ends_with(".x-k8s.io") && group != "gateway.networking.k8s.io");
        !builtin
    }

    /// The pod this object runs or templates, if it is a workload.
    pub fn pod(&self) -> Option<&PodView<'a>> {
        self.pod.as_deref()
    }

    /// The control-plane processes (kube-apiserver, etcd, ...) it runs.
    pub fn processes(&self) -> &[Process<'a>] {
        &self.processes
    }

    /// A role's policy rules, in order; none for other objects.
    pub fn policy_rules(&self) -> &[PolicyRule<'a>] {
        &self.policy_rules
    }

    /// Long names are clipped: every finding about the object repeats them.
    pub fn reference(&self) -> ObjectRef {
        let clip = |text: &str| crate::clip::value(text).into_owned();
        ObjectRef {
            api_version: clip(self.api_version),
            kind: clip(self.kind),
            name: self.name.map(clip),
            namespace: self.namespace.map(clip),
        }
    }

    fn from_node(node: &'a Node) -> Self {
        let text = |key| node.get(key).and_then(Node::as_str).unwrap_or("");
        // The metadata looked up once for its three fields.
        let metadata = node.get("metadata");
        let meta = |key| metadata?.get(key).and_then(Node::as_str);
        let api_version = text("apiVersion");
        let mut object = Object {
            node,
            api_version,
            group: memchr::memrchr(b'/', api_version.as_bytes()).map_or("", |slash| &api_version[..slash]),
            kind: text("kind"),
            name: meta("name").or_else(|| meta("generateName")),
            namespace: meta("namespace"),
            pod: None,
            processes: Vec::new(),
            policy_rules: Box::default(),
        };
        if role::is_role(object.group, object.kind) {
            object.policy_rules = role::policy_rules(node);
        }
        object.pod = PodView::of(&object).map(Rc::new);
        object.processes = Process::find(&object);
        object
    }
}

/// What a document holds: its objects (as [`contents_as`] wraps them).
pub enum Contents<T> {
    Objects(Vec<T>),
    /// YAML that is not a Kubernetes object (no apiVersion and no kind), such
    /// as Helm values; it is counted and otherwise left alone.
    NotKubernetes,
}

pub fn contents(root: &Node) -> Result<Contents<Object<'_>>, YamlError> {
    contents_as(root, |object| object)
}

/// [`contents`], each object wrapped as it is found: the engine's objects
/// carry where they came from, and were copied into a second list for it.
/// Not inlined: in the engine's loop it made that loop slower.
#[inline(never)]
pub fn contents_as<'a, T>(root: &'a Node, mut wrap: impl FnMut(Object<'a>) -> T) -> Result<Contents<T>, YamlError> {
    // Most documents are one object: its list is made at that size, and
    // the stack of a `kind: List`'s items only for a list.
    let mut objects = Vec::with_capacity(1);
    let mut pending = Vec::new();
    let mut next = Some(root);
    while let Some(node) = next.take().or_else(|| pending.pop()) {
        if node.as_map().is_none() {
            if std::ptr::eq(node, root) {
                return Ok(Contents::NotKubernetes);
            }
            return Err(YamlError::new("a List item must be an object (a mapping)", node.span));
        }
        let field = |key| node.entry(key);
        match (field("apiVersion"), field("kind")) {
            (None, None) if std::ptr::eq(node, root) => return Ok(Contents::NotKubernetes),
            (Some(v), Some(k)) if v.value.as_str().is_some() && k.value.as_str().is_some() => {}
            (Some(_), Some(_)) => {
                return Err(YamlError::new("apiVersion and kind must be strings", node.span));
            }
            (None, _) => return Err(YamlError::new("object has no apiVersion", node.span)),
            (_, None) => return Err(YamlError::new("object has no kind", node.span)),
        }
        let object = Object::from_node(node);
        match node.get("items").and_then(Node::as_seq) {
            Some(items) if object.kind.ends_with("List") => pending.extend(items.iter().rev()),
            _ => objects.push(wrap(object)),
        }
    }
    Ok(Contents::Objects(objects))
}

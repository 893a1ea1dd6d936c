//! The pod spec of every workload kind, and its containers: one visitor, so
//! no rule ever digs a template out of a Deployment or CronJob itself.

use std::rc::Rc;

use crate::yaml::{Entry, Node, Span};

use super::object::Object;

/// A kind Posture knows holds pods, and where.
pub struct WorkloadKind {
    /// API group (`""` for the core group) and kind.
    pub group: &'static str,
    pub kind: &'static str,
    /// Who defines it: `Kubernetes` or the project of a custom resource.
    pub project: &'static str,
    pub shape: Shape,
}

/// Where a kind keeps its pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A pod template (metadata and spec) at this path, or the pod itself
    /// at the empty path: every pod rule applies.
    Template(&'static [&'static str]),
    /// Argo Workflows: each of `templates` (under the spec at this path) that
    /// runs a container becomes a pod; the spec's own pod-level fields
    /// (`securityContext`, `hostNetwork`, `volumes`, `serviceAccountName`,
    /// ...) apply to all of them.
    ArgoTemplates(&'static [&'static str]),
    /// Tekton: `steps` and `sidecars` become containers of a pod whose
    /// pod-level fields come from the TaskRun.
    TektonSteps,
}

const POD_SPEC: Shape = Shape::Template(&["spec", "template"]);

/// The kinds Posture knows hold pods (the README's table is generated from
/// it). An unknown kind with `spec.template.spec.containers` is read as
/// [`POD_SPEC`] too, by its shape.
pub const WORKLOAD_KINDS: &[WorkloadKind] = &[
    WorkloadKind { group: "", kind: "Pod", project: "Kubernetes", shape: Shape::Template(&[]) },
    WorkloadKind { group: "", kind: "PodTemplate", project: "Kubernetes", shape: Shape::Template(&["template"]) },
    WorkloadKind { group: "", kind: "ReplicationController", project: "Kubernetes", shape: POD_SPEC },
    WorkloadKind { group: "apps", kind: "Deployment", project: "Kubernetes", shape: POD_SPEC },
    WorkloadKind { group: "apps", kind: "ReplicaSet", project: "Kubernetes", shape: POD_SPEC },
    WorkloadKind { group: "apps", kind: "DaemonSet", project: "Kubernetes", shape: POD_SPEC },
    WorkloadKind { group: "apps", kind: "StatefulSet", project: "Kubernetes", shape: POD_SPEC },
    WorkloadKind { group: "extensions", kind: "Deployment", project: "Kubernetes", shape: POD_SPEC },
    WorkloadKind { group: "extensions", kind: "ReplicaSet", project: "Kubernetes", shape: POD_SPEC },
    WorkloadKind { group: "extensions", kind: "DaemonSet", project: "Kubernetes", shape: POD_SPEC },
    WorkloadKind { group: "batch", kind: "Job", project: "Kubernetes", shape: POD_SPEC },
    WorkloadKind {
        group: "batch",
        kind: "CronJob",
        project: "Kubernetes",
        shape: Shape::Template(&["spec", "jobTemplate", "spec", "template"]),
    },
    WorkloadKind { group: "argoproj.io", kind: "Rollout", project: "Argo Rollouts", shape: POD_SPEC },
    WorkloadKind { group: "apps.openshift.io", kind: "DeploymentConfig", project: "OpenShift", shape: POD_SPEC },
    // OpenShift 3 served DeploymentConfig from the core group as well.
    WorkloadKind { group: "", kind: "DeploymentConfig", project: "OpenShift", shape: POD_SPEC },
    WorkloadKind { group: "serving.knative.dev", kind: "Service", project: "Knative Serving", shape: POD_SPEC },
    WorkloadKind {
        group: "keda.sh",
        kind: "ScaledJob",
        project: "KEDA",
        shape: Shape::Template(&["spec", "jobTargetRef", "template"]),
    },
    WorkloadKind { group: "apps.kruise.io", kind: "CloneSet", project: "OpenKruise", shape: POD_SPEC },
    WorkloadKind { group: "apps.kruise.io", kind: "StatefulSet", project: "OpenKruise", shape: POD_SPEC },
    WorkloadKind { group: "apps.kruise.io", kind: "DaemonSet", project: "OpenKruise", shape: POD_SPEC },
    WorkloadKind {
        group: "argoproj.io",
        kind: "Workflow",
        project: "Argo Workflows",
        shape: Shape::ArgoTemplates(&["spec"]),
    },
    WorkloadKind {
        group: "argoproj.io",
        kind: "WorkflowTemplate",
        project: "Argo Workflows",
        shape: Shape::ArgoTemplates(&["spec"]),
    },
    WorkloadKind {
        group: "argoproj.io",
        kind: "ClusterWorkflowTemplate",
        project: "Argo Workflows",
        shape: Shape::ArgoTemplates(&["spec"]),
    },
    WorkloadKind {
        group: "argoproj.io",
        kind: "CronWorkflow",
        project: "Argo Workflows",
        shape: Shape::ArgoTemplates(&["spec", "workflowSpec"]),
    },
    WorkloadKind { group: "tekton.dev", kind: "Task", project: "Tekton Pipelines", shape: Shape::TektonSteps },
    WorkloadKind { group: "tekton.dev", kind: "ClusterTask", project: "Tekton Pipelines", shape: Shape::TektonSteps },
];

/// Where an object keeps its pod, and whether that was known from its kind
/// (else recognised by its shape).
fn shape_of(object: &Object) -> Option<(Shape, bool)> {
    let known = WORKLOAD_KINDS.iter().find(|k| k.group == object.group() && k.kind == object.kind);
    if let Some(k) = known {
        return Some((k.shape, true));
    }
    // Only custom resources: a built-in kind with that shape is not a
    // workload Posture should guess about.
    let by_shape = object.is_custom()
        && object.node.at(&["spec", "template", "spec", "containers"]).is_some_and(|c| c.as_seq().is_some());
    by_shape.then_some((POD_SPEC, false))
}

#[derive(Clone, Debug)]
pub struct PodView<'a> {
    /// The pod (or pod template): holds `metadata` and `spec`.
    pub template: &'a Node,
    pub spec: &'a Node,
    /// Dotted path of `spec` within the object, for remediation text.
    pub spec_path: &'static str,
    pub shape: Shape,
    /// Known from the kind; false when recognised by the object's shape.
    pub known_kind: bool,
    /// Found once, when the object is read: most rules walk them.
    containers: Rc<[Container<'a>]>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerList {
    Init,
    Regular,
    Ephemeral,
    /// Tekton `steps`.
    Steps,
    /// Tekton and Argo Workflows `sidecars`.
    Sidecars,
    /// An Argo Workflows template's `container` or `script`.
    Template,
}

impl ContainerList {
    /// Pod Security Admission's visiting order.
    pub const ALL: [ContainerList; 3] = [ContainerList::Init, ContainerList::Regular, ContainerList::Ephemeral];

    pub fn field(self) -> &'static str {
        match self {
            ContainerList::Init => "initContainers",
            ContainerList::Regular => "containers",
            ContainerList::Ephemeral => "ephemeralContainers",
            ContainerList::Steps => "steps",
            ContainerList::Sidecars => "sidecars",
            ContainerList::Template => "container",
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
    /// The containers of a list (items that are not mappings are skipped).
    fn listed(list: ContainerList, items: &'a [Node]) -> impl Iterator<Item = Container<'a>> + 'a {
        items.iter().filter(|n| n.as_map().is_some()).map(move |node| Container {
            list,
            node,
            name: node.get("name").and_then(Node::as_str).unwrap_or(""),
        })
    }

    /// How messages name it: `container "app"`, `init container "setup"`.
    pub fn label(&self) -> String {
        let kind = match self.list {
            ContainerList::Init => "init container",
            ContainerList::Regular => "container",
            ContainerList::Ephemeral => "ephemeral container",
            ContainerList::Steps => "step",
            ContainerList::Sidecars => "sidecar",
            ContainerList::Template => "the container of template",
        };
        // Laid out in one string: messages name containers often.
        let mut label = String::with_capacity(kind.len() + 1 + self.name.len() + 2);
        label.push_str(kind);
        label.push(' ');
        crate::clip::push_quoted(&mut label, self.name);
        label
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
        let (shape, known_kind) = shape_of(object)?;
        let (template, spec, spec_path) = match shape {
            Shape::Template(path) => {
                let template = object.node.at(path)?;
                let spec_path = match path {
                    [] => "spec",
                    ["template"] => "template.spec",
                    ["spec", "template"] => "spec.template.spec",
                    ["spec", "jobTargetRef", "template"] => "spec.jobTargetRef.template.spec",
                    _ => "spec.jobTemplate.spec.template.spec",
                };
                (template, template.get("spec")?, spec_path)
            }
            // The object's metadata is the nearest there is to pod metadata.
            Shape::ArgoTemplates(path) => {
                let spec_path = if path.len() == 1 { "spec" } else { "spec.workflowSpec" };
                (object.node, object.node.at(path)?, spec_path)
            }
            Shape::TektonSteps => (object.node, object.node.get("spec")?, "spec"),
        };
        spec.as_map()?;
        let containers = containers(spec, shape);
        Some(PodView { template, spec, spec_path, shape, known_kind, containers })
    }

    /// Whether every field of the pod is here. False for the container
    /// shapes, whose pods are completed elsewhere (Argo's `podSpecPatch`,
    /// `templateDefaults` and per-template settings; Tekton's `stepTemplate`
    /// and TaskRun `podTemplate`): rules reporting a setting that is missing
    /// stay silent on them, and report only what is set.
    pub fn complete(&self) -> bool {
        matches!(self.shape, Shape::Template(_))
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

    /// Init, regular, then ephemeral containers (for the container shapes:
    /// each Argo template's containers, or Tekton's steps then sidecars).
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        let all = Rc::clone(&self.containers);
        (0..all.len()).map(move |i| all[i])
    }

    pub fn volumes(&self) -> &'a [Node] {
        self.spec.items("volumes")
    }
}

/// What [`PodView::containers`] walks.
fn containers(spec: &Node, shape: Shape) -> Rc<[Container<'_>]> {
    let lists = |lists: &'static [ContainerList]| {
        lists.iter().flat_map(move |&list| Container::listed(list, spec.items(list.field())))
    };
    match shape {
        Shape::Template(_) => lists(&ContainerList::ALL).collect(),
        Shape::TektonSteps => lists(&[ContainerList::Steps, ContainerList::Sidecars]).collect(),
        Shape::ArgoTemplates(_) => spec.items("templates").iter().flat_map(argo_containers).collect(),
    }
}

/// The containers of one Argo Workflows template: its `container` or
/// `script` (named after the template), `containerSet.containers`, and its
/// `initContainers` and `sidecars`.
fn argo_containers(template: &Node) -> Vec<Container<'_>> {
    let template_name = template.get("name").and_then(Node::as_str).unwrap_or("");
    let own = ["container", "script"]
        .into_iter()
        .filter_map(|field| template.get(field).filter(|n| n.as_map().is_some()))
        .map(|node| Container { list: ContainerList::Template, node, name: template_name });
    let set = template.get("containerSet").map_or(&[][..], |s| s.items("containers"));
    own.chain(Container::listed(ContainerList::Init, template.items("initContainers")))
        .chain(Container::listed(ContainerList::Regular, set))
        .chain(Container::listed(ContainerList::Sidecars, template.items("sidecars")))
        .collect()
}

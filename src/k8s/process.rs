//! Control-plane processes in static pod manifests (as kubeadm writes them
//! to /etc/kubernetes/manifests), found by the binary a container runs, and
//! their command-line flags; or in kubeadm's own configuration (see
//! [`super::kubeadm`]), where `extraArgs` add to the flags kubeadm sets.

use crate::yaml::{Node, Span};

use super::object::Object;
use super::pod::Container;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Component {
    ApiServer,
    Etcd,
    ControllerManager,
    Scheduler,
    Kubelet,
}

impl Component {
    /// The component a program path runs. A flag (`--kubelet-service=
    /// kube-system/kubelet`) names no program, whatever its value ends with.
    fn from_binary(path: &str) -> Option<Component> {
        if path.starts_with('-') || path.contains('=') {
            return None;
        }
        match path.rsplit('/').next()? {
            "kube-apiserver" => Some(Component::ApiServer),
            "etcd" => Some(Component::Etcd),
            "kube-controller-manager" => Some(Component::ControllerManager),
            "kube-scheduler" => Some(Component::Scheduler),
            "kubelet" => Some(Component::Kubelet),
            _ => None,
        }
    }

    pub fn binary(self) -> &'static str {
        match self {
            Component::ApiServer => "kube-apiserver",
            Component::Etcd => "etcd",
            Component::ControllerManager => "kube-controller-manager",
            Component::Scheduler => "kube-scheduler",
            Component::Kubelet => "kubelet",
        }
    }
}

/// One `--name[=value]` on the command line.
#[derive(Clone, Debug)]
pub struct Flag {
    pub name: String,
    /// `None` for a bare `--name`.
    pub value: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Process<'a> {
    pub component: Component,
    pub flags: Vec<Flag>,
    /// The `command:` (or `args:`) entry, or kubeadm's `extraArgs` (or the
    /// component's section): where a missing flag goes.
    pub command: Span,
    /// Where the flags are written, for remediation text.
    pub origin: Origin,
    /// The pod container running it; `None` for kubeadm configuration.
    pub container: Option<Container<'a>>,
}

/// Where a process's flags are written, and so how a fix adds one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A container's command line: the dotted path of the container.
    Command(String),
    /// kubeadm `extraArgs` (or `kubeletExtraArgs`): the configuration kind,
    /// the dotted path of the field, and whether it is a list of `name`
    /// and `value` pairs (kubeadm v1beta4) rather than a map (v1beta3).
    ExtraArgs { kind: &'static str, path: String, list: bool },
}

impl<'a> Process<'a> {
    /// Every control-plane process an object's pod runs (found once, when
    /// the object is read: see [`Object::processes`]).
    pub(super) fn find(object: &Object<'a>) -> Vec<Process<'a>> {
        if object.group() == "kubeadm.k8s.io" {
            return super::kubeadm::processes(object);
        }
        let Some(pod) = object.pod() else { return Vec::new() };
        pod.containers()
            .filter_map(|c| {
                let (component, flags, command) = parse(&c)?;
                let origin = Origin::Command(text!("{}.{}[{}]", pod.spec_path, c.list.field(), c.name));
                Some(Process { component, flags, command, origin, container: Some(c) })
            })
            .collect()
    }

    /// Calls `f` for each process of one component that an object runs.
    pub fn each(object: &Object<'a>, component: Component, f: impl FnMut(&Process)) {
        object.processes().iter().filter(|p| p.component == component).for_each(f);
    }

    /// The flag as the process sees it: the last occurrence wins.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.flag(name).map(|f| f.value.as_deref().unwrap_or("true"))
    }

    /// A boolean flag, parsed as Go's `strconv.ParseBool`; `default` when
    /// absent. An unparsable value counts as absent.
    pub fn bool(&self, name: &str, default: bool) -> bool {
        match self.value(name) {
            Some("1" | "t" | "T" | "true" | "TRUE" | "True") => true,
            Some("0" | "f" | "F" | "false" | "FALSE" | "False") => false,
            _ => default,
        }
    }

    /// A comma-separated list flag's items.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.value(name).map_or_else(Vec::new, |v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).collect())
    }

    /// Where a finding about `name` points: the flag, or the command list.
    pub fn at(&self, name: &str) -> Span {
        self.flag(name).map_or(self.command, |f| f.span)
    }

    /// A remediation snippet adding or changing flags.
    pub fn fix(&self, flags: &[&str]) -> String {
        match &self.origin {
            Origin::Command(list_path) => {
                let mut out = text!("# in {list_path} command\n");
                for flag in flags {
                    out.push_str(&text!("- {flag}\n"));
                }
                out
            }
            Origin::ExtraArgs { kind, path, list } => {
                let mut out = text!("# in the {kind}, {path}\n");
                for flag in flags {
                    let body = flag.trim_start_matches('-');
                    let (name, value) = body.split_once('=').unwrap_or((body, "true"));
                    if *list {
                        out.push_str(&text!("- name: {name}\n  value: \"{value}\"\n"));
                    } else {
                        out.push_str(&text!("{name}: \"{value}\"\n"));
                    }
                }
                out
            }
        }
    }
}

/// Images that run their `args` as the command (no entrypoint of their own,
/// or `go-runner`, which executes its arguments), so that without a
/// `command`, `args[0]` is the program. Any other image's entrypoint is
/// unknown here, and its `args` are read as nobody's flags.
const ARGS_AS_COMMAND: [&str; 10] = [
    "registry.k8s.io/kube-apiserver",
    "registry.k8s.io/kube-controller-manager",
    "registry.k8s.io/kube-scheduler",
    "registry.k8s.io/etcd",
    "k8s.gcr.io/kube-apiserver",
    "k8s.gcr.io/kube-controller-manager",
    "k8s.gcr.io/kube-scheduler",
    "k8s.gcr.io/etcd",
    "gcr.io/etcd-development/etcd",
    "quay.io/coreos/etcd",
];

/// The image's repository, without tag or digest.
fn repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    match image.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => image,
    }
}

/// What the container executes: `command` then `args`; or, without a
/// `command`, `args` alone where the image runs them as the command.
fn command_line<'n>(c: &Container<'n>) -> Option<Vec<&'n Node>> {
    let command = c.node.items("command");
    if !command.is_empty() {
        return Some(command.iter().chain(c.node.items("args")).collect());
    }
    let image = c.node.get("image").and_then(Node::as_str)?;
    ARGS_AS_COMMAND.contains(&repository(image)).then(|| c.node.items("args").iter().collect())
}

/// The component, flags and command span of a container, if it runs a
/// control-plane binary (directly, or through `sh -c "..."`).
fn parse(c: &Container) -> Option<(Component, Vec<Flag>, Span)> {
    let command_entry = c.node.entry("command").filter(|e| e.value.as_seq().is_some_and(|s| !s.is_empty()));
    let items = command_line(c)?;
    let first = items.first()?.as_str()?;
    let (component, words): (Component, Vec<(String, Span)>) = match Component::from_binary(first) {
        Some(component) => {
            (component, items[1..].iter().filter_map(|n| Some((n.as_str()?.to_owned(), n.span))).collect())
        }
        None if matches!(first.rsplit('/').next(), Some("sh" | "bash")) => {
            let script = items.iter().skip(1).find(|n| n.as_str().is_some_and(|s| s != "-c"))?;
            let mut words = script.as_str()?.split_whitespace();
            let component = Component::from_binary(words.next()?)?;
            (component, words.map(|w| (w.to_owned(), script.span)).collect())
        }
        None => return None,
    };
    let command = command_entry.or_else(|| c.node.entry("args")).map_or(c.node.span, |e| e.span());
    Some((component, flags(&words), command))
}

/// The boolean flags the rules read, of every control-plane binary.
const BOOLEAN_FLAGS: [&str; 12] = [
    "anonymous-auth",
    "auto-tls",
    "client-cert-auth",
    "encryption-provider-config-automatic-reload",
    "make-iptables-util-chains",
    "peer-auto-tls",
    "peer-client-cert-auth",
    "profiling",
    "protect-kernel-defaults",
    "rotate-certificates",
    "service-account-lookup",
    "use-service-account-credentials",
];

fn flags(words: &[(String, Span)]) -> Vec<Flag> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (word, span) = &words[i];
        i += 1;
        let Some(body) = word.strip_prefix("--").or_else(|| word.strip_prefix('-')) else { continue };
        let (name, value) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            // `--name value`: the next word is the value unless it is a flag,
            // or the flag is a boolean (pflag never gives a boolean the next
            // word: `--anonymous-auth false` is true, and `false` a stray
            // argument the binary refuses).
            None => match words.get(i) {
                Some((next, _)) if !next.starts_with('-') && !BOOLEAN_FLAGS.contains(&body) => {
                    i += 1;
                    (body, Some(next.clone()))
                }
                _ => (body, None),
            },
        };
        out.push(Flag { name: name.to_owned(), value, span: *span });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_drop_tag_and_digest_but_keep_a_registry_port() {
        assert_eq!(repository("registry.k8s.io/etcd:3.6.4-0"), "registry.k8s.io/etcd");
        assert_eq!(repository("quay.io/coreos/etcd@sha256:abc"), "quay.io/coreos/etcd");
        assert_eq!(repository("localhost:5000/etcd"), "localhost:5000/etcd");
    }

    #[test]
    fn a_flag_value_is_never_a_program() {
        assert_eq!(Component::from_binary("--kubelet-service=kube-system/kubelet"), None);
        assert_eq!(Component::from_binary("/usr/local/bin/kubelet"), Some(Component::Kubelet));
    }

    #[test]
    fn a_boolean_flag_never_takes_the_next_word() {
        let span = Span::default();
        let words: Vec<(String, Span)> =
            ["--anonymous-auth", "false", "--audit-log-path", "/var/log/audit.log", "--profiling"]
                .into_iter()
                .map(|w| (w.to_owned(), span))
                .collect();
        let found: Vec<(String, Option<String>)> = flags(&words).into_iter().map(|f| (f.name, f.value)).collect();
        assert_eq!(
            found,
            [
                ("anonymous-auth".to_owned(), None),
                ("audit-log-path".to_owned(), Some("/var/log/audit.log".to_owned())),
                ("profiling".to_owned(), None),
            ]
        );
    }
}

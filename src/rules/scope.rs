//! What a rule sees of a run besides the object in hand: the run's options,
//! every object of every input, and lookups built once per run so that
//! rules relating objects (a binding and its role, a namespace and its
//! policies) stay linear. The engine builds a [`Scope`] and runs rules on
//! it; rules never reach into the engine.

use std::any::Any;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

use crate::k8s::Object;
use crate::rules::kubernetes_version::KubernetesVersion;
use crate::rules::standards::PolicyVersion;
use crate::rules::{self, PssLevel, Rule};
use crate::yaml::{Fnv, Limits};

/// The index's tables (and the incremental engine's). A re-check builds
/// the index again, hashing every object's names: eight bytes at a time
/// rather than FNV's one.
pub type WordMap<K, V> = HashMap<K, V, BuildHasherDefault<Words>>;
pub type WordSet<T> = HashSet<T, BuildHasherDefault<Words>>;

/// A multiply-rotate hash over eight-byte words (as rustc's FxHash).
#[derive(Default)]
pub struct Words(u64);

impl Words {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for Words {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The Pod Security Standards level `pss/*` rules enforce.
    pub pss_level: PssLevel,
    /// The Pod Security policy version `pss/*` rules evaluate at, as Pod
    /// Security Admission does at that version.
    pub pss_version: PolicyVersion,
    /// The Kubernetes version control-plane configuration is judged for:
    /// flags and admission plugins it no longer (or not yet) accepts, and
    /// advice that depends on what it offers.
    pub kubernetes_version: KubernetesVersion,
    /// Rules to run, each a rule id or a family (see [`rules::names`]);
    /// empty means all.
    pub select: Vec<String>,
    /// Rules to skip, named the same way, applied after `select`.
    pub ignore: Vec<String>,
    /// Registries images may come from (`image/registry-allowlist`); empty
    /// turns that rule off.
    pub allowed_registries: Vec<String>,
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pss_level: PssLevel::Restricted,
            pss_version: PolicyVersion::Latest,
            kubernetes_version: KubernetesVersion::LATEST,
            select: Vec::new(),
            ignore: Vec::new(),
            allowed_registries: Vec::new(),
            limits: Limits::default(),
        }
    }
}

impl Options {
    /// Whether the rule with this id runs (for a rule that defers to
    /// another: `workload/root-user-or-group` leaves UID 0 to
    /// `pss/run-as-user` when that runs).
    pub fn runs(&self, id: &str) -> bool {
        rules::by_id(id).is_some_and(|rule| self.enabled(rule))
    }

    pub fn enabled(&self, rule: &Rule) -> bool {
        let matches = |names: &[String]| names.iter().any(|name| rules::names(name, rule.id));
        rule.applies_at(self.pss_level, self.pss_version)
            && (self.select.is_empty() || matches(&self.select))
            && !matches(&self.ignore)
    }

    /// Names given to select or ignore that name no rule (likely typos).
    pub fn unknown_names(&self) -> Vec<&str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .filter(|name| !rules::all().iter().any(|r| rules::names(name, r.id)))
            .map(String::as_str)
            .collect()
    }
}

/// An object with where it came from.
pub struct Located<'a> {
    pub object: Object<'a>,
    pub file: &'a str,
    pub document: usize,
    /// Which of the run's inputs it came from.
    pub input: usize,
    /// The template it was rendered from (Helm's `# Source:` comment).
    pub source: Option<&'a str>,
}

/// What rules may look at besides the object in hand.
pub struct Scope<'a> {
    pub options: &'a Options,
    /// Every object of every input.
    objects: Vec<Located<'a>>,
    index: Index<'a>,
    /// Facts rules derive from many objects, computed once per run, with
    /// the lookups computing them read.
    memo: RefCell<HashMap<String, Remembered>>,
    /// The lookups read since [`Scope::take_reads`] (see [`Lookup::key`]).
    reads: RefCell<Vec<u64>>,
}

/// A fact a rule derived, and the lookups deriving it read.
type Remembered = (Box<dyn Any>, Vec<u64>);

/// One lookup of the index: what a rule may ask about the other objects.
/// The incremental checker notes which a rule read, and runs it again only
/// when an object added, removed or changed is filed under one of them.
#[derive(Clone, Copy, Hash)]
pub enum Lookup<'a> {
    /// Objects by (kind, namespace, name).
    Name(&'a str, &'a str, &'a str),
    /// Objects by kind.
    Kind(&'a str),
    /// Objects running or templating pods, by namespace.
    Workloads(&'a str),
    /// NetworkPolicies by namespace.
    Policies(&'a str),
    /// Custom resources by namespace.
    Custom(&'a str),
    /// Service accounts (namespace, name) some binding names.
    Bound(&'a str, &'a str),
    /// Every object, in order.
    Everything,
}

impl<'a> Lookup<'a> {
    /// The lookup as a number (a collision only makes a rule run again).
    pub fn key(&self) -> u64 {
        let mut hasher = Fnv::default();
        self.hash(&mut hasher);
        hasher.finish()
    }

    /// Every lookup an object is filed under (its own lookups and
    /// [`Lookup::Everything`]), as [`Index::new`] files it.
    pub fn of(o: &Object<'a>, mut each: impl FnMut(Lookup<'a>)) {
        let ns = namespace_of(o);
        each(Lookup::Everything);
        if let Some(name) = o.name {
            each(Lookup::Name(o.kind, ns, name));
        }
        each(Lookup::Kind(o.kind));
        if o.pod().is_some() {
            each(Lookup::Workloads(ns));
        }
        if o.is_custom() {
            each(Lookup::Custom(ns));
        }
        if o.kind == "NetworkPolicy" {
            each(Lookup::Policies(ns));
        }
        if matches!(o.kind, "RoleBinding" | "ClusterRoleBinding") {
            for s in o.node.items("subjects") {
                let field = |k| s.get(k).and_then(crate::yaml::Node::as_str);
                if let (Some("ServiceAccount"), Some(name)) = (field("kind"), field("name")) {
                    each(Lookup::Bound(field("namespace").unwrap_or(ns), name));
                }
            }
        }
    }
}

/// Lookups cross-object rules need, built once per run so that relating
/// objects stays linear in the size of the input.
#[derive(Default)]
struct Index<'a> {
    /// (kind, namespace, name) to object. Cluster-scoped objects carry no
    /// namespace and are filed under `default`, like namespaced objects
    /// without one.
    by_name: WordMap<(&'a str, &'a str, &'a str), usize>,
    /// Objects that run or template a pod, by namespace, in input order.
    workloads: WordMap<&'a str, Vec<usize>>,
    /// NetworkPolicies by namespace.
    policies: WordMap<&'a str, Vec<usize>>,
    /// Service accounts (namespace, name) that some binding names.
    bound_accounts: WordSet<(&'a str, &'a str)>,
    /// Custom resources by namespace: an operator may make pods from them.
    custom: WordMap<&'a str, Vec<usize>>,
    /// Objects by kind, in input order.
    by_kind: WordMap<&'a str, Vec<usize>>,
}

/// The namespace an object is in (`default` when unset).
pub fn namespace_of<'a>(object: &Object<'a>) -> &'a str {
    object.namespace.unwrap_or("default")
}

impl<'a> Index<'a> {
    fn new(objects: &[Located<'a>]) -> Self {
        let mut index = Index::default();
        // Most objects have a name: grown once, not doubled again and again.
        index.by_name.reserve(objects.len());
        for (i, located) in objects.iter().enumerate() {
            Lookup::of(&located.object, |lookup| match lookup {
                Lookup::Name(kind, ns, name) => {
                    index.by_name.entry((kind, ns, name)).or_insert(i);
                }
                Lookup::Kind(kind) => index.by_kind.entry(kind).or_default().push(i),
                Lookup::Workloads(ns) => index.workloads.entry(ns).or_default().push(i),
                Lookup::Custom(ns) => index.custom.entry(ns).or_default().push(i),
                Lookup::Policies(ns) => index.policies.entry(ns).or_default().push(i),
                Lookup::Bound(ns, name) => {
                    index.bound_accounts.insert((ns, name));
                }
                Lookup::Everything => {}
            });
        }
        index
    }
}

impl<'a> Scope<'a> {
    /// The scope of a run over these objects, with its lookups built.
    pub fn new(options: &'a Options, objects: Vec<Located<'a>>) -> Self {
        let index = Index::new(&objects);
        Scope { options, objects, index, memo: RefCell::default(), reads: RefCell::default() }
    }

    /// Every object of every input, in input order. The engine's own view:
    /// rules call [`Scope::all`].
    pub fn objects(&self) -> &[Located<'a>] {
        &self.objects
    }

    /// Every object of every input, in input order, for a rule.
    pub fn all(&self) -> &[Located<'a>] {
        self.read(Lookup::Everything);
        &self.objects
    }

    /// Notes a lookup a rule made.
    fn read(&self, lookup: Lookup) {
        self.reads.borrow_mut().push(lookup.key());
    }

    /// The lookups read since the last call (see [`Lookup`]).
    pub fn take_reads(&self) -> Vec<u64> {
        std::mem::take(&mut *self.reads.borrow_mut())
    }

    /// An object by kind, namespace and name (cluster-scoped: `default`).
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&Object<'a>> {
        self.read(Lookup::Name(kind, namespace, name));
        self.index.by_name.get(&(kind, namespace, name)).map(|&i| &self.objects[i].object)
    }

    /// Every object of a kind, in input order.
    pub fn of_kind(&self, kind: &str) -> impl Iterator<Item = &Object<'a>> {
        self.read(Lookup::Kind(kind));
        self.index.by_kind.get(kind).into_iter().flatten().map(|&i| &self.objects[i].object)
    }

    /// Objects running or templating pods in a namespace, in input order.
    pub fn workloads_in(&self, namespace: &str) -> impl Iterator<Item = &Object<'a>> {
        self.read(Lookup::Workloads(namespace));
        self.index.workloads.get(namespace).into_iter().flatten().map(|&i| &self.objects[i].object)
    }

    pub fn policies_in(&self, namespace: &str) -> impl Iterator<Item = &Object<'a>> {
        self.read(Lookup::Policies(namespace));
        self.index.policies.get(namespace).into_iter().flatten().map(|&i| &self.objects[i].object)
    }

    /// Custom resources in a namespace, in input order.
    pub fn custom_resources_in(&self, namespace: &str) -> impl Iterator<Item = &Object<'a>> {
        self.read(Lookup::Custom(namespace));
        self.index.custom.get(namespace).into_iter().flatten().map(|&i| &self.objects[i].object)
    }

    /// A fact about the input, computed on first use (a namespace's
    /// default-deny status, a selector's matches): keeps rules that relate
    /// many objects to each other linear.
    /// The lookups computing it read count as read by every rule using it.
    pub fn remember<T: Clone + 'static>(&self, key: String, compute: impl FnOnce() -> T) -> T {
        if let Some((value, reads)) = self.memo.borrow().get(&key) {
            if let Some(value) = value.downcast_ref::<T>() {
                self.reads.borrow_mut().extend_from_slice(reads);
                return value.clone();
            }
        }
        let from = self.reads.borrow().len();
        let value = compute();
        let reads = self.reads.borrow()[from..].to_vec();
        self.memo.borrow_mut().insert(key, (Box::new(value.clone()), reads));
        value
    }

    /// Whether a binding in the input names this service account.
    pub fn account_is_bound(&self, namespace: &str, name: &str) -> bool {
        self.read(Lookup::Bound(namespace, name));
        self.index.bound_accounts.contains(&(namespace, name))
    }
}

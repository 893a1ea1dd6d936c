//! What a rule sees of a run besides the object in hand: the run's options,
//! every object of every input, and lookups built once per run so that
//! rules relating objects (a binding and its role, a namespace and its
//! policies) stay linear. The engine builds a [`Scope`] and runs rules on
//! it; rules never reach into the engine.

use std::any::Any;
use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

use crate::k8s::Object;
use crate::rules::kubernetes_version::KubernetesVersion;
use crate::rules::standards::PolicyVersion;
use crate::rules::{self, PssLevel, Rule};
use crate::yaml::{Fnv, Limits, Node};

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

/// One document's objects, and where they came from.
pub struct Found<'a> {
    pub file: &'a str,
    pub document: usize,
    pub input: usize,
    pub source: Option<&'a str>,
    objects: OnceCell<Vec<Located<'a>>>,
    /// The tree to find them in when first asked (see [`Found::later`]).
    root: Option<&'a Node>,
    count: usize,
}

impl<'a> Found<'a> {
    /// A document whose objects were found (each with where it came from).
    pub fn now(
        file: &'a str,
        document: usize,
        input: usize,
        source: Option<&'a str>,
        objects: Vec<Located<'a>>,
    ) -> Self {
        let count = objects.len();
        Found { file, document, input, source, objects: OnceCell::from(objects), root: None, count }
    }

    /// A document known to hold `count` objects, found in `root` only if a
    /// rule asks for one of them: the incremental engine knows an unchanged
    /// document's objects by their lookups, and most are never asked for.
    pub fn later(
        file: &'a str,
        document: usize,
        input: usize,
        source: Option<&'a str>,
        root: &'a Node,
        count: usize,
    ) -> Self {
        Found { file, document, input, source, objects: OnceCell::new(), root: Some(root), count }
    }

    /// How many objects the document holds.
    pub fn count(&self) -> usize {
        self.count
    }

    fn objects(&self) -> &[Located<'a>] {
        self.objects.get_or_init(|| {
            let found = match self.root.map(crate::k8s::contents) {
                Some(Ok(crate::k8s::Contents::Objects(found))) => found,
                _ => Vec::new(),
            };
            // The tree is the one the last check found `count` objects in.
            debug_assert_eq!(found.len(), self.count);
            self.locate(found)
        })
    }

    fn locate(&self, objects: Vec<Object<'a>>) -> Vec<Located<'a>> {
        let (file, document, input, source) = (self.file, self.document, self.input, self.source);
        objects.into_iter().map(|object| Located { object, file, document, input, source }).collect()
    }
}

/// What rules may look at besides the object in hand.
pub struct Scope<'a> {
    pub options: &'a Options,
    /// Every document's objects, in input order.
    documents: Vec<Found<'a>>,
    /// Each object's document and place in it, in input order.
    objects: Vec<(u32, u32)>,
    index: Index,
    /// Facts rules derive from many objects, computed once per run, with
    /// the lookups computing them read.
    memo: RefCell<WordMap<String, Remembered>>,
    /// The lookups read since [`Scope::take_reads`] (see [`Lookup::key`]).
    reads: RefCell<Vec<u64>>,
    /// Whether lookups read are noted: only an incremental check uses
    /// them, and a full one would make a list for each rule on each object.
    notes_reads: bool,
}

/// A fact a rule derived, and the lookups deriving it read.
type Remembered = (Box<dyn Any>, Vec<u64>);

/// One lookup of the index: what a rule may ask about the other objects.
/// The incremental checker notes which a rule read, and runs it again only
/// when an object added, removed or changed is filed under one of them.
#[derive(Clone, Copy, Hash, PartialEq, Eq)]
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

    /// Every lookup an object is filed under: [`Lookup::Everything`] first,
    /// then its own lookups, as [`Scope::new`] files them.
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

/// The objects filed under each lookup ([`Lookup::key`]; but
/// [`Lookup::Everything`]), in input order. Keys may collide: a lookup
/// takes only the objects it finds among them. Every list is in one
/// vector: a re-check builds the index again, and a vector per lookup was
/// most of its time.
struct Index {
    /// Each key's number.
    keys: WordMap<u64, u32>,
    /// Where each key's list starts in `filed` (and the next one's, where
    /// it ends).
    starts: Vec<u32>,
    filed: Vec<u32>,
}

impl Index {
    /// The index of `filings`, (key number, object) in object order.
    fn new(keys: WordMap<u64, u32>, filings: &[(u32, u32)]) -> Self {
        let mut starts = vec![0u32; keys.len() + 1];
        for &(key, _) in filings {
            starts[key as usize + 1] += 1;
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut filed = vec![0u32; filings.len()];
        let mut next = starts.clone();
        for &(key, n) in filings {
            let at = &mut next[key as usize];
            filed[*at as usize] = n;
            *at += 1;
        }
        Index { keys, starts, filed }
    }

    /// The objects filed under `key`, in object order (an object filed
    /// twice under one lookup, a binding naming an account twice, is
    /// listed twice).
    fn get(&self, key: u64) -> &[u32] {
        match self.keys.get(&key) {
            Some(&k) => &self.filed[self.starts[k as usize] as usize..self.starts[k as usize + 1] as usize],
            None => &[],
        }
    }
}

/// The namespace an object is in (`default` when unset).
pub fn namespace_of<'a>(object: &Object<'a>) -> &'a str {
    object.namespace.unwrap_or("default")
}

impl<'a> Scope<'a> {
    /// The scope of a run over these documents' objects, with its lookups
    /// built: from the objects found, and for those found only when asked,
    /// from `filed` (given each one's number, the keys of the lookups it is
    /// filed under, as [`Lookup::of`] gives them).
    pub fn new<'f>(options: &'a Options, documents: Vec<Found<'a>>, filed: impl Fn(usize) -> &'f [u64]) -> Self {
        let mut objects = Vec::with_capacity(documents.iter().map(|d| d.count).sum());
        // Each object's lookups by key, then the index's list of each key
        // (numbered in the order first seen), in one pass over the objects.
        let mut keys: WordMap<u64, u32> = WordMap::default();
        // Most objects have a name: grown once, not doubled again and again.
        keys.reserve(objects.capacity());
        let mut filings: Vec<(u32, u32)> = Vec::with_capacity(objects.capacity() * 4);
        for (d, found) in documents.iter().enumerate() {
            for i in 0..found.count {
                let n = objects.len() as u32;
                objects.push((d as u32, i as u32));
                let mut file = |key: u64| {
                    let next = keys.len() as u32;
                    filings.push((*keys.entry(key).or_insert(next), n));
                };
                // `Everything` is not indexed (`all()` lists every object).
                // It is told by its variant, never by its key: a name whose
                // key equalled it would otherwise go unfiled. `Lookup::of`
                // gives it first, so recorded keys skip their first.
                match found.objects.get() {
                    Some(located) => Lookup::of(&located[i].object, |lookup| {
                        if !matches!(lookup, Lookup::Everything) {
                            file(lookup.key())
                        }
                    }),
                    None => {
                        let keys = filed(n as usize);
                        debug_assert!(keys.first().is_none_or(|&k| k == Lookup::Everything.key()));
                        keys.iter().skip(1).copied().for_each(file)
                    }
                }
            }
        }
        let index = Index::new(keys, &filings);
        Scope {
            options,
            documents,
            objects,
            index,
            memo: RefCell::default(),
            reads: RefCell::default(),
            notes_reads: true,
        }
    }

    /// The scope of a check that keeps nothing for the next one: lookups
    /// read are not noted ([`Scope::take_reads`] gives none).
    pub fn noting_no_reads(self) -> Self {
        Scope { notes_reads: false, ..self }
    }

    /// How many objects there are.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Where object `n` (in input order) came from, without finding it.
    pub fn document_of(&self, n: usize) -> &Found<'a> {
        &self.documents[self.objects[n].0 as usize]
    }

    /// Object `n`, in input order. The engine's own view: rules call
    /// [`Scope::all`] and the lookups.
    pub fn object(&self, n: usize) -> &Located<'a> {
        let (document, i) = self.objects[n];
        &self.documents[document as usize].objects()[i as usize]
    }

    /// Every object of every input, in input order, for a rule.
    pub fn all(&self) -> impl Iterator<Item = &Located<'a>> {
        self.read(Lookup::Everything.key());
        (0..self.len()).map(|n| self.object(n))
    }

    /// Notes a lookup a rule made, by its key.
    fn read(&self, key: u64) {
        if self.notes_reads {
            self.reads.borrow_mut().push(key);
        }
    }

    /// The lookups read since the last call (see [`Lookup`]); none, without
    /// touching the list, in a scope that notes none (asked for each rule on
    /// each object).
    pub fn take_reads(&self) -> Vec<u64> {
        if !self.notes_reads {
            return Vec::new();
        }
        std::mem::take(&mut *self.reads.borrow_mut())
    }

    /// The objects filed under `lookup`, in input order (noted as read).
    fn filed<'s, 'q>(&'s self, lookup: Lookup<'q>) -> impl Iterator<Item = &'s Object<'a>> + use<'s, 'q, 'a> {
        let key = lookup.key();
        self.read(key);
        // Whether the object is filed under the lookup itself, not only
        // under its key: as [`Lookup::of`] files it, without listing every
        // lookup of every object a rule goes through.
        let files = move |o: &Object| {
            let ns = namespace_of(o);
            match lookup {
                Lookup::Name(kind, namespace, name) => o.kind == kind && ns == namespace && o.name == Some(name),
                Lookup::Kind(kind) => o.kind == kind,
                Lookup::Workloads(namespace) => ns == namespace && o.pod().is_some(),
                Lookup::Policies(namespace) => ns == namespace && o.kind == "NetworkPolicy",
                Lookup::Custom(namespace) => ns == namespace && o.is_custom(),
                Lookup::Everything => true,
                Lookup::Bound(..) => {
                    let mut filed = false;
                    Lookup::of(o, |l| filed |= l == lookup);
                    filed
                }
            }
        };
        let mut numbers = self.index.get(key).iter().copied().peekable();
        // An object listed twice in a row (filed twice) is taken once.
        std::iter::from_fn(move || {
            let n = numbers.next()?;
            while numbers.next_if_eq(&n).is_some() {}
            Some(n)
        })
        .map(|n| &self.object(n as usize).object)
        .filter(move |&o| files(o))
    }

    /// An object by kind, namespace and name (cluster-scoped: `default`).
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&Object<'a>> {
        self.filed(Lookup::Name(kind, namespace, name)).next()
    }

    /// Every object of a kind, in input order.
    pub fn of_kind<'s, 'q>(&'s self, kind: &'q str) -> impl Iterator<Item = &'s Object<'a>> + use<'s, 'q, 'a> {
        self.filed(Lookup::Kind(kind))
    }

    /// Objects running or templating pods in a namespace, in input order.
    pub fn workloads_in<'s, 'q>(
        &'s self,
        namespace: &'q str,
    ) -> impl Iterator<Item = &'s Object<'a>> + use<'s, 'q, 'a> {
        self.filed(Lookup::Workloads(namespace))
    }

    pub fn policies_in<'s, 'q>(&'s self, namespace: &'q str) -> impl Iterator<Item = &'s Object<'a>> + use<'s, 'q, 'a> {
        self.filed(Lookup::Policies(namespace))
    }

    /// Custom resources in a namespace, in input order.
    pub fn custom_resources_in<'s, 'q>(
        &'s self,
        namespace: &'q str,
    ) -> impl Iterator<Item = &'s Object<'a>> + use<'s, 'q, 'a> {
        self.filed(Lookup::Custom(namespace))
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
        self.filed(Lookup::Bound(namespace, name)).next().is_some()
    }
}

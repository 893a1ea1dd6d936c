//! Text in, report out: parse every input, find its objects, run the enabled
//! rules on each. All inputs are checked together, so rules that relate
//! objects (a RoleBinding and its Role, a namespace and its NetworkPolicies)
//! see them even when they come from different files.

use std::any::Any;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use crate::k8s::{self, Contents, Object};
use crate::report::{Finding, InputError, Report, Suppressed};
use crate::rules::{self, Hits, PssLevel, Rule};
use crate::suppress;
use crate::yaml::{self, Document, Limits, LineIndex};

#[derive(Clone, Debug)]
pub struct Options {
    /// The Pod Security Standards level `pss/*` rules enforce.
    pub pss_level: PssLevel,
    /// Rule id prefixes to run; empty means all.
    pub select: Vec<String>,
    /// Rule id prefixes to skip, applied after `select`.
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
            select: Vec::new(),
            ignore: Vec::new(),
            allowed_registries: Vec::new(),
            limits: Limits::default(),
        }
    }
}

impl Options {
    pub fn enabled(&self, rule: &Rule) -> bool {
        let matches = |prefixes: &[String]| prefixes.iter().any(|p| rule.id.starts_with(p.as_str()));
        rule.applies_at(self.pss_level) && (self.select.is_empty() || matches(&self.select)) && !matches(&self.ignore)
    }

    /// Prefixes given to select or ignore that name no rule (likely typos).
    pub fn unknown_prefixes(&self) -> Vec<&str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .filter(|p| !rules::all().iter().any(|r| r.id.starts_with(p.as_str())))
            .map(String::as_str)
            .collect()
    }
}

/// One input: a label for reports and its bytes.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    pub file: &'a str,
    pub text: &'a [u8],
}

/// An object with where it came from.
pub struct Located<'a> {
    pub object: Object<'a>,
    pub file: &'a str,
    pub document: usize,
    input: usize,
}

/// What rules may look at besides the object in hand.
pub struct Scope<'a> {
    pub options: &'a Options,
    /// Every object of every input.
    pub objects: Vec<Located<'a>>,
    index: Index<'a>,
    /// Facts rules derive from many objects, computed once per run.
    memo: RefCell<HashMap<String, Box<dyn Any>>>,
}

/// Lookups cross-object rules need, built once per run so that relating
/// objects stays linear in the size of the input.
#[derive(Default)]
struct Index<'a> {
    /// (kind, namespace, name) to object. Cluster-scoped objects carry no
    /// namespace and are filed under `default`, like namespaced objects
    /// without one.
    by_name: HashMap<(&'a str, &'a str, &'a str), usize>,
    /// Objects that run or template a pod, by namespace, in input order.
    workloads: HashMap<&'a str, Vec<usize>>,
    /// NetworkPolicies by namespace.
    policies: HashMap<&'a str, Vec<usize>>,
    /// Custom resources by namespace: an operator may make pods from them.
    custom: HashMap<&'a str, Vec<usize>>,
    /// Service accounts (namespace, name) that some binding names.
    bound_accounts: HashSet<(&'a str, &'a str)>,
}

/// The namespace an object is in (`default` when unset).
pub fn namespace_of<'a>(object: &Object<'a>) -> &'a str {
    object.namespace.unwrap_or("default")
}

impl<'a> Index<'a> {
    fn new(objects: &[Located<'a>]) -> Self {
        let mut index = Index::default();
        for (i, located) in objects.iter().enumerate() {
            let o = &located.object;
            let ns = namespace_of(o);
            if let Some(name) = o.name {
                index.by_name.entry((o.kind, ns, name)).or_insert(i);
            }
            if o.pod().is_some() {
                index.workloads.entry(ns).or_default().push(i);
            }
            if o.kind == "NetworkPolicy" {
                index.policies.entry(ns).or_default().push(i);
            }
            if o.is_custom() {
                index.custom.entry(ns).or_default().push(i);
            }
            if matches!(o.kind, "RoleBinding" | "ClusterRoleBinding") {
                for s in o.node.items("subjects") {
                    let field = |k| s.get(k).and_then(crate::yaml::Node::as_str);
                    if let (Some("ServiceAccount"), Some(name)) = (field("kind"), field("name")) {
                        index.bound_accounts.insert((field("namespace").unwrap_or(ns), name));
                    }
                }
            }
        }
        index
    }
}

impl<'a> Scope<'a> {
    /// An object by kind, namespace and name (cluster-scoped: `default`).
    pub fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&Object<'a>> {
        self.index.by_name.get(&(kind, namespace, name)).map(|&i| &self.objects[i].object)
    }

    /// Objects running or templating pods in a namespace, in input order.
    pub fn workloads_in(&self, namespace: &str) -> impl Iterator<Item = &Object<'a>> {
        self.index.workloads.get(namespace).into_iter().flatten().map(|&i| &self.objects[i].object)
    }

    pub fn policies_in(&self, namespace: &str) -> impl Iterator<Item = &Object<'a>> {
        self.index.policies.get(namespace).into_iter().flatten().map(|&i| &self.objects[i].object)
    }

    /// Custom resources in a namespace, in input order.
    pub fn custom_resources_in(&self, namespace: &str) -> impl Iterator<Item = &Object<'a>> {
        self.index.custom.get(namespace).into_iter().flatten().map(|&i| &self.objects[i].object)
    }

    /// A fact about the input, computed on first use (a namespace's
    /// default-deny status, a selector's matches): keeps rules that relate
    /// many objects to each other linear.
    pub fn remember<T: Clone + 'static>(&self, key: String, compute: impl FnOnce() -> T) -> T {
        if let Some(value) = self.memo.borrow().get(&key).and_then(|v| v.downcast_ref::<T>()) {
            return value.clone();
        }
        let value = compute();
        self.memo.borrow_mut().insert(key, Box::new(value.clone()));
        value
    }

    /// Whether a binding in the input names this service account.
    pub fn account_is_bound(&self, namespace: &str, name: &str) -> bool {
        self.index.bound_accounts.contains(&(namespace, name))
    }
}

/// Checks one input. `file` only labels the findings.
pub fn check(file: &str, text: &[u8], options: &Options) -> Report {
    check_all(&[Input { file, text }], options)
}

/// Checks several inputs as one body of configuration.
pub fn check_all(inputs: &[Input], options: &Options) -> Report {
    let enabled: Vec<&Rule> = rules::all().iter().copied().filter(|r| options.enabled(r)).collect();
    let mut report = Report { files: inputs.len(), ..Report::default() };
    let lines: Vec<LineIndex> = inputs
        .iter()
        .map(|i| LineIndex::new(&i.text[..i.text.len().min(options.limits.max_bytes.saturating_add(1))]))
        .collect();
    let parsed: Vec<Vec<Document>> = inputs
        .iter()
        .zip(&lines)
        .map(|(input, lines)| yaml::parse_stream(input.text, lines, &options.limits))
        .collect();

    let mut scope = Scope { options, objects: Vec::new(), index: Index::default(), memo: RefCell::default() };
    for (index, (input, docs)) in inputs.iter().zip(&parsed).enumerate() {
        for doc in docs {
            report.documents += 1;
            let error = |e: &yaml::YamlError| InputError {
                file: input.file.to_owned(),
                document: Some(doc.index),
                message: e.message.clone(),
                span: Some(e.span),
            };
            let root = match &doc.root {
                Ok(root) if root.is_null() => continue,
                Ok(root) => root,
                Err(e) => {
                    report.errors.push(error(e));
                    continue;
                }
            };
            match k8s::contents(root) {
                Ok(Contents::Objects(objects)) => scope.objects.extend(objects.into_iter().map(|object| Located {
                    object,
                    file: input.file,
                    document: doc.index,
                    input: index,
                })),
                Ok(Contents::NotKubernetes) => report.skipped_documents += 1,
                Err(e) => report.errors.push(error(&e)),
            }
        }
    }
    report.objects = scope.objects.len();
    scope.index = Index::new(&scope.objects);

    let files: Vec<std::rc::Rc<str>> = inputs.iter().map(|i| std::rc::Rc::from(i.file)).collect();
    let comments: Vec<suppress::Comments> =
        inputs.iter().zip(&lines).map(|(input, lines)| suppress::Comments::scan(input.text, lines)).collect();
    for located in &scope.objects {
        let object = std::rc::Rc::new(located.object.reference());
        for rule in &enabled {
            let mut hits = Hits::new(&scope);
            (rule.check)(&located.object, &mut hits);
            for hit in hits.found {
                let finding = Finding {
                    rule,
                    severity: hit.severity.unwrap_or(rule.severity),
                    message: hit.message,
                    file: files[located.input].clone(),
                    document: located.document,
                    object: object.clone(),
                    span: hit.span,
                    snippet: hit.snippet.map_or(std::borrow::Cow::Borrowed(rule.snippet), std::borrow::Cow::Owned),
                };
                match suppress::find(&located.object, rule.id, &comments[located.input], hit.span.start.line) {
                    Some(suppression) => report.suppressed.push(Suppressed { finding, suppression }),
                    None => report.findings.push(finding),
                }
            }
        }
    }
    report.practices = crate::report::practices(&scope, &enabled, &report.findings);
    let position: HashMap<&str, usize> = inputs.iter().enumerate().map(|(i, input)| (input.file, i)).collect();
    let order = |f: &Finding| (position.get(&*f.file).copied(), f.span.start.offset, f.rule.id);
    report.findings.sort_by_cached_key(order);
    report.suppressed.sort_by_cached_key(|s| order(&s.finding));
    report
}

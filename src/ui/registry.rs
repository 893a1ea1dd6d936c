//! The rule registry as the playground shows it (ids, titles, families,
//! severities, practices, rationale, references, remediation), read from
//! the engine module's `rules()` (a `rules` request, sent first of all)
//! rather than linked: the registry's rules carry their check code, and
//! linking them would bring every check into the playground's wasm. Read
//! once, and kept (leaked: about 130 rules) for the page's life, so that
//! findings read from reports can point at them as the engine's do.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Function, Promise, JSON};
use posture::rules::{Family, Practice, Reference, Rule, Severity};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// A rule as `rules()` gives it: the fields the playground shows.
#[derive(Deserialize)]
struct RuleIn {
    id: String,
    title: String,
    severity: Severity,
    practice: Practice,
    rationale: String,
    references: Vec<ReferenceIn>,
    remediation: String,
    snippet: String,
}

#[derive(Deserialize)]
struct ReferenceIn {
    title: String,
    url: String,
}

#[derive(Default)]
struct Registry {
    /// In the engine's order.
    rules: Vec<&'static Rule>,
    by_id: HashMap<&'static str, &'static Rule>,
    /// Resolves [`LOADED`] once the rules are in.
    resolve: Option<Function>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
    /// Settles once the registry is read (or could not be).
    static LOADED: Promise = Promise::new(&mut |resolve, _| {
        REGISTRY.with(|r| r.borrow_mut().resolve = Some(resolve));
    });
}

/// Asks the engine for the registry; call before any other request, so
/// that it is in before the first report.
pub fn start() {
    LOADED.with(|_| ());
    super::checks::ask("rules", &[], |answer| {
        let read = answer.and_then(|a| {
            let rules = js_sys::Reflect::get(&a, &"rules".into()).unwrap_or_default();
            let json = JSON::stringify(&rules).map_err(|_| "no rules in the answer".to_owned())?;
            serde_json::from_str::<Vec<RuleIn>>(&String::from(json)).map_err(|e| e.to_string())
        });
        // A worker that answers with no registry is not to be relied on:
        // the engine in the page is asked again.
        if read.is_err() && super::checks::let_worker_go() {
            return start();
        }
        REGISTRY.with(|r| {
            let mut registry = r.borrow_mut();
            for rule in read.unwrap_or_default() {
                let rule: &'static Rule = Box::leak(Box::new(rule.into_rule()));
                registry.rules.push(rule);
                registry.by_id.insert(rule.id, rule);
            }
            if let Some(resolve) = registry.resolve.take() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        });
    });
}

/// Once the registry is read (empty if it could not be).
pub async fn loaded() {
    let _ = JsFuture::from(LOADED.with(Promise::clone)).await;
}

pub fn by_id(id: &str) -> Option<&'static Rule> {
    REGISTRY.with(|r| r.borrow().by_id.get(id).copied())
}

pub fn ids() -> Vec<&'static str> {
    REGISTRY.with(|r| r.borrow().rules.iter().map(|rule| rule.id).collect())
}

impl RuleIn {
    fn into_rule(self) -> Rule {
        let references: Vec<Reference> =
            self.references.into_iter().map(|r| Reference { title: leak(r.title), url: leak(r.url) }).collect();
        Rule {
            family: Family::of(&self.id).unwrap_or(Family::Workload),
            id: leak(self.id),
            title: leak(self.title),
            severity: self.severity,
            practice: self.practice,
            rationale: leak(self.rationale),
            references: references.leak(),
            cis: &[],
            sources: &[],
            kinds: &[],
            remediation: leak(self.remediation),
            snippet: leak(self.snippet),
            pss: None,
            bad: &[],
            good: &[],
            // Never run: the engine module runs the checks.
            check: |_, _| {},
        }
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

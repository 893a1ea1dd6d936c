//! The rule registry as the playground shows it (ids, titles, families,
//! severities, practices, rationale, references, remediation), read from
//! the engine module's `rules()` (a `rules` request, sent first of all)
//! rather than linked: the registry's rules carry their check code, and
//! linking them would bring every check into the playground's wasm. Read
//! once, and kept (leaked: about 130 rules) for the page's life, so that
//! findings read from reports can point at them as the engine's do.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::JSON;
use posture::rules::{Family, Practice, Reference, Rule, Severity};
use serde::Deserialize;

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

thread_local! {
    /// The rules by id.
    static REGISTRY: RefCell<HashMap<&'static str, &'static Rule>> = RefCell::new(HashMap::new());
}

/// Asks the engine for the registry; call before any other request, so
/// that it is in before the first report.
pub fn start() {
    super::checks::ask("rules", &[], |answer| {
        let read = answer.and_then(|a| {
            let rules = js_sys::Reflect::get(&a, &"rules".into()).ok().filter(js_sys::Array::is_array);
            let json = rules.and_then(|r| JSON::stringify(&r).ok()).ok_or("no rules in the answer")?;
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
                registry.insert(rule.id, rule);
            }
        });
    });
}

pub fn by_id(id: &str) -> Option<&'static Rule> {
    REGISTRY.with(|r| r.borrow().get(id).copied())
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

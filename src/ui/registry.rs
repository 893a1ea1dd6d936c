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
use posture::json::{self, Fields, Value};
use posture::rules::{Family, Practice, Reference, Rule, Severity};

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
            let json = String::from(json);
            let rules = json::parse(&json)?;
            rules.as_array().ok_or("the rules are not a list")?.iter().map(rule).collect::<Result<Vec<_>, String>>()
        });
        // A worker that answers with no registry is not to be relied on:
        // the engine in the page is asked again.
        if read.is_err() && super::checks::let_worker_go() {
            return start();
        }
        REGISTRY.with(|r| {
            let mut registry = r.borrow_mut();
            for rule in read.unwrap_or_default() {
                let rule: &'static Rule = Box::leak(Box::new(rule));
                registry.insert(rule.id, rule);
            }
        });
    });
}

pub fn by_id(id: &str) -> Option<&'static Rule> {
    REGISTRY.with(|r| r.borrow().get(id).copied())
}

/// A rule as `rules()` gives it, with the fields the playground shows.
fn rule(value: &Value) -> Result<Rule, String> {
    let r = Fields::of(value, "a rule")?;
    let references = r.objects("references", "a reference", |x| {
        Ok(Reference { title: leak(x.string("title")?), url: leak(x.string("url")?) })
    })?;
    let id = r.str("id")?;
    Ok(Rule {
        family: Family::of(id).unwrap_or(Family::Workload),
        id: leak(id.to_owned()),
        title: leak(r.string("title")?),
        severity: r.name("severity", Severity::parse)?,
        practice: r.name("practice", |id| Practice::ALL.into_iter().find(|p| p.id() == id))?,
        rationale: leak(r.string("rationale")?),
        references: references.leak(),
        cis: &[],
        sources: &[],
        kinds: &[],
        remediation: leak(r.string("remediation")?),
        snippet: leak(r.string("snippet")?),
        pss: None,
        bad: &[],
        good: &[],
        // Never run: the engine module runs the checks.
        check: |_, _| {},
    })
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

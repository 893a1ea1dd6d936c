//! The registry as JSON (`posture rules --format json`, the module's
//! `rules()`): every rule with its text, in registry order, each rule's keys
//! in its fields' order.

use std::io::{self, Write};

use super::stream::{JsonWriter, Layout, Sink};
use crate::rules::{self, Rule, Tool};

/// How reports name another tool (`kube-linter`, `checkov`).
pub(super) fn tool_id(tool: Tool) -> &'static str {
    match tool {
        Tool::KubeLinter => "kube-linter",
        Tool::Checkov => "checkov",
        Tool::Trivy => "trivy",
        Tool::Kubescape => "kubescape",
        Tool::Polaris => "polaris",
    }
}

/// Writes every rule to `out`.
pub fn write_rules(layout: Layout, out: &mut dyn Write) -> io::Result<()> {
    let mut json = JsonWriter::new(out, layout);
    json.begin_array();
    for rule in rules::all() {
        write_rule(&mut json, rule);
    }
    json.end_array();
    json.finish()
}

/// The registry as one string, pretty.
pub fn rules_json() -> String {
    super::stream::to_string(|out| write_rules(Layout::Pretty, out))
}

fn write_rule(json: &mut JsonWriter, rule: &Rule) {
    json.begin_object();
    json.field("id", rule.id);
    json.field("family", rule.family.id());
    json.field("title", rule.title);
    json.field("severity", rule.severity.name());
    json.field("practice", rule.practice.id());
    json.field("rationale", rule.rationale);
    json.field_pairs("references", ["title", "url"], rule.references.iter().map(|r| [r.title, r.url]));
    cis(json, rule);
    // `tool, id`: the field order of `rules::Source`, as serde wrote it.
    // SARIF's sources are `id, tool` (byte order): not the same writer.
    json.field_pairs("sources", ["tool", "id"], rule.sources.iter().map(|s| [tool_id(s.tool), s.id]));
    json.field_strings("kinds", rule.kinds.iter().copied());
    json.field("remediation", rule.remediation);
    json.field("snippet", rule.snippet);
    json.key("pss");
    match &rule.pss {
        Some(control) => {
            json.begin_object();
            json.field("check", control.check);
            json.field("level", control.level.name());
            json.field("since", &control.since.to_string());
            json.field_or_null("overrides", control.overrides);
            json.end_object();
        }
        None => json.null(),
    }
    json.field_strings("bad", rule.bad.iter().copied());
    json.field_strings("good", rule.good.iter().copied());
    json.end_object();
}

/// `cis: [{ item, title }]`, as both the registry and SARIF's rule
/// properties list a rule's CIS items.
pub(super) fn cis(json: &mut JsonWriter, rule: &Rule) {
    json.field_pairs("cis", ["item", "title"], rule.cis.iter().map(|c| [c.item, c.title]));
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_registry_is_what_serde_wrote() {
        let serde = serde_json::to_string_pretty(crate::rules::all()).unwrap();
        assert_eq!(super::rules_json(), serde);
    }
}

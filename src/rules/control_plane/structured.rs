//! The kube-apiserver's structured configuration files, read by the same
//! rules as its flags: `AuthenticationConfiguration` (`--authentication-config`:
//! anonymous access) and `AuthorizationConfiguration` (`--authorization-config`:
//! the authorizer chain), both `apiserver.config.k8s.io`.

use crate::k8s::Object;
use crate::rules::Hits;
use crate::yaml::Node;

fn is(object: &Object, kind: &str) -> bool {
    object.kind == kind && object.group() == "apiserver.config.k8s.io"
}

/// `anonymous.enabled: true` without `conditions` serves every path to
/// unauthenticated requests; with conditions only the listed paths.
pub fn anonymous(object: &Object, hits: &mut Hits) {
    if !is(object, "AuthenticationConfiguration") {
        return;
    }
    let Some(entry) = object.node.entry_at(&["anonymous", "enabled"]) else { return };
    let conditions = object.node.at(&["anonymous", "conditions"]).and_then(Node::as_seq).is_some_and(|c| !c.is_empty());
    if entry.value.as_bool() == Some(true) && !conditions {
        hits.at(entry.span(), "anonymous.enabled is true with no conditions: unauthenticated requests are served on every path")
            .fix("# in the AuthenticationConfiguration\nanonymous:\n  enabled: true\n  conditions:\n  - path: /livez\n  - path: /readyz\n  - path: /healthz\n".into());
    }
}

/// An `AlwaysAllow` authorizer, or a chain without Node and RBAC.
pub fn authorizers(object: &Object, hits: &mut Hits) {
    if !is(object, "AuthorizationConfiguration") {
        return;
    }
    let Some(entry) = object.node.entry("authorizers") else { return };
    let types: Vec<(&str, &Node)> =
        entry.value.as_seq().unwrap_or(&[]).iter().filter_map(|a| Some((a.get("type")?.as_str()?, a))).collect();
    let fix =
        "# in the AuthorizationConfiguration\nauthorizers:\n- type: Node\n  name: node\n- type: RBAC\n  name: rbac\n";
    for (kind, node) in &types {
        if *kind == "AlwaysAllow" {
            let at = node.entry("type").map_or(node.span, |e| e.span());
            hits.at(at, "an AlwaysAllow authorizer: every request it reaches is authorized").fix(fix.into());
        }
    }
    let missing: Vec<&str> = ["Node", "RBAC"].into_iter().filter(|m| !types.iter().any(|(t, _)| t == m)).collect();
    if !missing.is_empty() && !types.iter().any(|(t, _)| *t == "AlwaysAllow") {
        hits.at(entry.key_span, text!("the authorizers lack {}", missing.join(" and "))).fix(fix.into());
    }
}

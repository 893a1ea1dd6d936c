//! `audit/*`: the API server's audit Policy (audit.k8s.io/v1), evaluated the
//! way the API server does: rules are tried in order and the first rule that
//! matches a request decides its level; a request no rule matches is not
//! logged at all.

use crate::k8s::Object;
use crate::rules::{kubescape, Family, Hits, Practice, Reference, Rule, Severity};
use crate::yaml::{Node, Span};
use indoc::indoc;

const AUDIT_DOC: Reference = Reference {
    title: "Kubernetes: Auditing (audit policy)",
    url: "https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/",
};
const AUDIT_API: Reference = Reference {
    title: "Kubernetes: Audit Policy configuration (v1)",
    url: "https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/",
};

/// A policy that logs Secrets and ConfigMaps at Metadata, quiets noisy
/// reads, and ends with a catch-all.
pub const HARDENED: &str = concat!(
    "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n",
    "- level: None\n  nonResourceURLs: [/healthz*, /readyz*, /livez*, /version]\n",
    "- level: Metadata\n  resources:\n  - group: \"\"\n    resources: [secrets, configmaps, serviceaccounts/token]\n  - group: authentication.k8s.io\n    resources: [tokenreviews]\n",
    "- level: RequestResponse\n  verbs: [create, update, patch, delete]\n  resources:\n  - group: rbac.authorization.k8s.io\n",
    "- level: Metadata\n"
);

const LEVELS: [&str; 4] = ["None", "Metadata", "Request", "RequestResponse"];

/// What a rule's `resources` entry selects.
struct GroupResources<'a> {
    group: &'a str,
    /// Empty: every resource of the group.
    resources: Vec<&'a str>,
    /// Non-empty: only these object names.
    names: Vec<&'a str>,
}

struct AuditRule<'a> {
    node: &'a Node,
    /// 1-based, as people count rules.
    number: usize,
    level: &'a str,
    users: Vec<&'a str>,
    groups: Vec<&'a str>,
    verbs: Vec<&'a str>,
    namespaces: Vec<&'a str>,
    /// `None` when the rule does not restrict resources.
    resources: Option<Vec<GroupResources<'a>>>,
    urls: Vec<&'a str>,
}

impl<'a> AuditRule<'a> {
    fn all(object: &Object<'a>) -> Option<Vec<AuditRule<'a>>> {
        if object.kind != "Policy" || object.group() != "audit.k8s.io" {
            return None;
        }
        Some(
            object
                .node
                .items("rules")
                .iter()
                .enumerate()
                .map(|(i, node)| AuditRule {
                    node,
                    number: i + 1,
                    level: node.get("level").and_then(Node::as_str).unwrap_or(""),
                    users: node.strings("users"),
                    groups: node.strings("userGroups"),
                    verbs: node.strings("verbs"),
                    namespaces: node.strings("namespaces"),
                    resources: node.get("resources").and_then(Node::as_seq).map(|list| {
                        list.iter()
                            .map(|gr| GroupResources {
                                group: gr.get("group").and_then(Node::as_str).unwrap_or(""),
                                resources: gr.strings("resources"),
                                names: gr.strings("resourceNames"),
                            })
                            .collect()
                    }),
                    urls: node.strings("nonResourceURLs"),
                })
                .collect(),
        )
    }

    fn logs_bodies(&self) -> bool {
        matches!(self.level, "Request" | "RequestResponse")
    }

    /// No filter on who, how or where.
    fn unrestricted_requester(&self) -> bool {
        self.users.is_empty() && self.groups.is_empty() && self.verbs.is_empty() && self.namespaces.is_empty()
    }

    fn is_catch_all(&self) -> bool {
        self.unrestricted_requester() && self.resources.is_none() && self.urls.is_empty()
    }

    /// Whether the rule can match a request for `resource` (possibly
    /// `name/subresource`) in `group`, and whether it matches all of them.
    fn matches_resource(&self, group: &str, resource: &str) -> Option<bool> {
        if self.resources.is_none() && !self.urls.is_empty() {
            return None;
        }
        let Some(list) = &self.resources else { return Some(self.unrestricted_requester()) };
        let gr = list.iter().find(|gr| gr.group == group && resource_matches(&gr.resources, resource))?;
        Some(self.unrestricted_requester() && gr.names.is_empty())
    }

    fn label(&self, hits: &Hits) -> String {
        text!("rule {} (line {})", self.number, hits.line_of(self.node.span))
    }

    /// Where to point: the rule's level, or the rule.
    fn span(&self) -> Span {
        self.node.entry("level").map_or(self.node.span, |e| e.span())
    }
}

/// The audit policy's resource matching: `*` matches everything (with
/// subresources), `pods/*` every subresource of pods, `*/scale` every scale
/// subresource; an empty list, every resource of the group.
fn resource_matches(patterns: &[&str], resource: &str) -> bool {
    if patterns.is_empty() {
        return true;
    }
    let (base, sub) = resource.split_once('/').map_or((resource, None), |(b, s)| (b, Some(s)));
    patterns.iter().any(|p| {
        *p == "*"
            || *p == resource
            || p.strip_suffix("/*") == Some(base)
            || (sub.is_some() && p.strip_prefix("*/") == sub)
    })
}

/// Requests whose bodies carry credentials or secret data.
const SENSITIVE: [(&str, &str, &str); 4] = [
    ("", "secrets", "Secrets"),
    ("", "configmaps", "ConfigMaps"),
    ("authentication.k8s.io", "tokenreviews", "TokenReviews"),
    ("", "serviceaccounts/token", "service account token requests"),
];

pub static SENSITIVE_BODIES: Rule = Rule {
    id: "audit/sensitive-bodies",
    family: Family::Audit,
    title: "Secret data is written to the audit log",
    severity: Severity::High,
    practice: Practice::Audit,
    rationale: "At Request or RequestResponse level the audit log records request and response \
        bodies. For Secrets, ConfigMaps, TokenReviews and service account token requests that is \
        the secret data and bearer tokens themselves, copied into a log that is usually shipped, \
        kept and read far more widely than etcd. The first matching rule decides, so a catch-all or \
        wildcard rule placed early leaks them too.",
    references: &[AUDIT_DOC],
    cis: &[cis!("3.2.2", "Ensure that the audit policy covers key security concerns")],
    sources: &[kubescape("C-0161")],
    kinds: &["Policy"],
    remediation: "Put a rule logging these resources at Metadata before any rule that would log \
        them at Request or RequestResponse.",
    snippet: "- level: Metadata\n  resources:\n    - group: \"\"\n      resources: [secrets, configmaps, serviceaccounts/token]\n    - group: authentication.k8s.io\n      resources: [tokenreviews]",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: RequestResponse  # expect: audit/sensitive-bodies
          resources:
          - group: ""
            resources: ["pods", "secrets"]
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: RequestResponse  # expect: audit/sensitive-bodies
        - level: Metadata
          resources:
          - group: ""
            resources: [secrets]
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: Metadata
          resources:
          - group: ""
            resources: [secrets, configmaps, serviceaccounts/token]
        - level: Request  # expect: audit/sensitive-bodies
          verbs: [create]
          resources:
          - group: authentication.k8s.io
        - level: Metadata
    "#},
    ],
    good: &[HARDENED,
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: Metadata
          resources:
          - group: ""
            resources: [secrets, configmaps, serviceaccounts/token]
          - group: authentication.k8s.io
            resources: [tokenreviews]
        - level: RequestResponse
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: RequestResponse
          resources:
          - group: apps
          - group: ""
            resources: [serviceaccounts, pods/exec]
        - level: Metadata
    "#},
    ],
    check: |object, hits| {
        let Some(rules) = AuditRule::all(object) else { return };
        let mut leaks: Vec<(usize, Vec<&str>)> = Vec::new();
        for (group, resource, what) in SENSITIVE {
            for (i, rule) in rules.iter().enumerate() {
                let Some(all) = rule.matches_resource(group, resource) else { continue };
                if rule.logs_bodies() {
                    match leaks.iter_mut().find(|(r, _)| *r == i) {
                        Some((_, whats)) => whats.push(what),
                        None => leaks.push((i, vec![what])),
                    }
                }
                if all {
                    break;
                }
            }
        }
        crate::sort::sort_by_key(&mut leaks, |(i, _)| *i);
        for (i, whats) in leaks {
            let rule = &rules[i];
            let scope = if rule.unrestricted_requester() { "" } else { " (for the users, verbs or namespaces it names)" };
            hits.at(rule.span(), text!(
                "{} is the first rule matching {}, and logs them at {}{scope}: their contents end up in the audit log",
                rule.label(hits), and_list(&whats), rule.level
            ));
        }
    },
};

pub static SHADOWED: Rule = Rule {
    id: "audit/rule-shadowed",
    family: Family::Audit,
    title: "Audit rule can never match",
    severity: Severity::Medium,
    practice: Practice::Audit,
    rationale: "The first matching rule wins. A rule placed after one that matches every request \
        it would match never applies, so the level it asks for (often a stricter or a quieter one) \
        is silently ignored.",
    references: &[AUDIT_DOC],
    cis: &[],
    sources: &[],
    kinds: &["Policy"],
    remediation: "Move the more specific rule before the general one, or remove it.",
    snippet: "rules:\n  # specific rules first\n  - level: Metadata\n    resources:\n      - group: \"\"\n        resources: [secrets]\n  # the catch-all last\n  - level: RequestResponse",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: RequestResponse
        - level: Metadata  # expect: audit/rule-shadowed
          resources:
          - group: ""
            resources: [secrets]
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: Request
          resources:
          - group: ""
        - level: Metadata  # expect: audit/rule-shadowed
          resources:
          - group: ""
            resources: [secrets]
        - level: Metadata
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: None
          nonResourceURLs: ["/healthz*"]
        - level: Metadata  # expect: audit/rule-shadowed
          nonResourceURLs: [/healthz/etcd]
        - level: Metadata
    "#},
    ],
    good: &[HARDENED,
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: None
          verbs: [get]
          resources:
          - group: ""
            resources: [secrets]
        - level: Metadata
          resources:
          - group: ""
            resources: [secrets]
        - level: Metadata
    "#},
    ],
    check: |object, hits| {
        let Some(rules) = AuditRule::all(object) else { return };
        for (j, later) in rules.iter().enumerate() {
            if let Some(earlier) = rules[..j].iter().find(|earlier| covers(earlier, later)) {
                hits.node(later.node, text!(
                    "{} can never match: {} already matches every request it would",
                    later.label(hits), earlier.label(hits)
                ));
            }
        }
    },
};

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => text!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// `a` (earlier) matches every request `b` (later) can match.
fn covers(a: &AuditRule, b: &AuditRule) -> bool {
    let superset = |a: &[&str], b: &[&str]| a.is_empty() || (!b.is_empty() && b.iter().all(|x| a.contains(x)));
    if !(superset(&a.users, &b.users)
        && superset(&a.groups, &b.groups)
        && superset(&a.verbs, &b.verbs)
        && superset(&a.namespaces, &b.namespaces))
    {
        return false;
    }
    match (&a.resources, a.urls.is_empty()) {
        (None, true) => true,
        (Some(a_list), true) => match &b.resources {
            Some(b_list) if b.urls.is_empty() && !b_list.is_empty() => b_list.iter().all(|bg| {
                a_list.iter().any(|ag| {
                    ag.group == bg.group
                        && superset(&ag.names, &bg.names)
                        && (ag.resources.is_empty()
                            || (!bg.resources.is_empty()
                                && bg.resources.iter().all(|r| resource_matches(&ag.resources, r))))
                })
            }),
            _ => false,
        },
        (None, false) => {
            b.resources.is_none()
                && !b.urls.is_empty()
                && b.urls.iter().all(|u| a.urls.iter().any(|p| url_matches(p, u)))
        }
        (Some(_), false) => false,
    }
}

fn url_matches(pattern: &str, url: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => url.starts_with(prefix),
        None => pattern == url,
    }
}

pub static NO_CATCH_ALL: Rule = Rule {
    id: "audit/no-catch-all",
    family: Family::Audit,
    title: "Requests matching no audit rule are not logged",
    severity: Severity::Medium,
    practice: Practice::Audit,
    rationale: "A request that matches no rule is not audited at all. Without a final rule that \
        matches everything (for example `- level: Metadata`), new resources, CRDs and anything the \
        earlier rules did not foresee leave no trace.",
    references: &[AUDIT_DOC, AUDIT_API],
    cis: &[],
    sources: &[],
    kinds: &["Policy"],
    remediation: "End the rules with a catch-all, usually `- level: Metadata`.",
    snippet: "- level: Metadata",
    pss: None,
    bad: &[
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:  # expect: audit/no-catch-all
        - level: Metadata
          resources:
          - group: ""
            resources: [secrets]
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:  # expect: audit/no-catch-all
        - level: None
          nonResourceURLs: ["/healthz*"]
        - level: Metadata
          verbs: [get, list, watch, create, update, patch, delete]
    "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: RequestResponse
          resources:
          - group: rbac.authorization.k8s.io
        - level: Metadata
          omitStages: [RequestReceived]
    "#},
    ],
    check: |object, hits| {
        let Some(rules) = AuditRule::all(object) else { return };
        if !rules.is_empty() && !rules.iter().any(AuditRule::is_catch_all) {
            let at = object.node.entry("rules").map_or(object.node.span, |e| e.key_span);
            hits.at(at, "no rule matches every request: whatever the rules do not name is not logged");
        }
    },
};

pub static NOTHING_LOGGED: Rule = Rule {
    id: "audit/nothing-logged",
    family: Family::Audit,
    title: "The audit policy logs nothing",
    severity: Severity::High,
    practice: Practice::Audit,
    rationale: "A policy without rules, or whose every rule is level None, audits nothing: the API \
        server runs with auditing configured but no record of any request.",
    references: &[AUDIT_DOC],
    cis: &[],
    sources: &[],
    kinds: &["Policy"],
    remediation: "Add rules at Metadata or above, ending with a catch-all `- level: Metadata`.",
    snippet: "rules:\n  - level: Metadata",
    pss: None,
    bad: &[
        indoc! {r#"
        apiVersion: audit.k8s.io/v1  # expect: audit/nothing-logged
        kind: Policy
        rules:
        - level: None
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1  # expect: audit/nothing-logged
        kind: Policy
        rules: []
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1  # expect: audit/nothing-logged
        kind: Policy
        rules:
        - level: None
          users: [system:kube-proxy]
        - level: None
    "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: None
          nonResourceURLs: ["/healthz*"]
        - level: Metadata
          resources:
          - group: ""
            resources: [secrets]
    "#},
    ],
    check: |object, hits| {
        let Some(rules) = AuditRule::all(object) else { return };
        if rules.iter().all(|r| r.level == "None") {
            let why = if rules.is_empty() { "it has no rules" } else { "every rule is level None" };
            hits.at(object.node.span, text!("the audit policy logs nothing: {why}"));
        }
    },
};

pub static OMIT_STAGES: Rule = Rule {
    id: "audit/omit-stages",
    family: Family::Audit,
    title: "Audit stages: duplicate events, or outcomes dropped",
    severity: Severity::Low,
    practice: Practice::Audit,
    rationale: "Every request produces a RequestReceived event and a ResponseComplete event. \
        Keeping RequestReceived doubles the log volume with an event that has no outcome; omitting \
        ResponseComplete (or Panic) drops the outcome, which is what an investigation needs.",
    references: &[AUDIT_DOC, AUDIT_API],
    cis: &[],
    sources: &[],
    kinds: &["Policy"],
    remediation: "Set `omitStages: [RequestReceived]` at the policy level and never omit \
        ResponseComplete or Panic.",
    snippet: "omitStages:\n  - RequestReceived",
    pss: None,
    bad: &[
        indoc! {r#"
        apiVersion: audit.k8s.io/v1  # expect: audit/omit-stages
        kind: Policy
        rules:
        - level: Metadata
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived, ResponseComplete]  # expect: audit/omit-stages
        rules:
        - level: Metadata
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: Metadata
          omitStages: [Panic]  # expect: audit/omit-stages
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1  # expect: audit/omit-stages
        kind: Policy
        rules:
        - level: Metadata
          omitStages: [RequestReceived]
          resources:
          - group: ""
            resources: [secrets]
        - level: Metadata
    "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: None
          nonResourceURLs: ["/healthz*"]
        - level: Metadata
          omitStages: [RequestReceived]
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: None
          users: [system:kube-proxy]
          omitStages: [ResponseComplete]
        - level: Metadata
    "#},
    ],
    check: |object, hits| {
        let Some(rules) = AuditRule::all(object) else { return };
        let policy = object.node.strings("omitStages");
        let logging: Vec<&AuditRule> = rules.iter().filter(|r| r.level != "None").collect();
        if !policy.contains(&"RequestReceived")
            && logging.iter().any(|r| !r.node.strings("omitStages").contains(&"RequestReceived"))
        {
            let at = object.node.entry("omitStages").map_or(object.node.span, |e| e.span());
            hits.at(at, "RequestReceived is not omitted: every request is logged twice");
        }
        for (stages, at) in std::iter::once((policy, object.node.entry("omitStages").map(|e| e.span())))
            .chain(logging.iter().map(|r| (r.node.strings("omitStages"), r.node.entry("omitStages").map(|e| e.span()))))
        {
            for stage in ["ResponseComplete", "Panic"] {
                if let (true, Some(at)) = (stages.contains(&stage), at) {
                    hits.at(at, text!("{stage} is omitted: the outcome of requests is not logged"));
                }
            }
        }
    },
};

/// High-volume read-only traffic.
const NOISY: [(&str, &str); 5] = [
    ("", "events"),
    ("", "endpoints"),
    ("discovery.k8s.io", "endpointslices"),
    ("coordination.k8s.io", "leases"),
    ("", "nodes/status"),
];
const NOISY_URLS: [&str; 5] = ["/healthz", "/readyz", "/livez", "/metrics", "/version"];

pub static NOISY_READS: Rule = Rule {
    id: "audit/noisy-reads",
    family: Family::Audit,
    title: "High-volume read-only requests logged with full bodies",
    severity: Severity::Low,
    practice: Practice::Audit,
    rationale: "Controllers and kubelets read and watch events, endpoints, leases and node status, \
        and probes hit /healthz and /readyz, constantly. Logging those at RequestResponse fills the \
        audit log (and its storage budget) with traffic of no security value, burying the requests \
        that matter.",
    references: &[AUDIT_DOC],
    cis: &[],
    sources: &[],
    kinds: &["Policy"],
    remediation: "Before the broad rule, add rules logging these at None or Metadata.",
    snippet: "- level: None\n  nonResourceURLs: [/healthz*, /readyz*, /livez*, /version]\n- level: Metadata\n  verbs: [get, list, watch]",
    pss: None,
    bad: &[indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: RequestResponse  # expect: audit/noisy-reads
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: RequestResponse  # expect: audit/noisy-reads
          nonResourceURLs: ["/healthz*", "/readyz*"]
        - level: Metadata
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: RequestResponse  # expect: audit/noisy-reads
          verbs: [get, list, watch]
          resources:
          - group: coordination.k8s.io
            resources: [leases]
        - level: Metadata
    "#},
        indoc! {r#"
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: [RequestReceived]
            rules:
            - level: Metadata
              verbs: [create]
            - level: RequestResponse  # expect: audit/noisy-reads
        "#},
    ],
    good: &[HARDENED,
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: RequestResponse
          verbs: [create, update, patch, delete]
        - level: Metadata
    "#},
    ],
    check: |object, hits| {
        let Some(rules) = AuditRule::all(object) else { return };
        let reads = |r: &AuditRule| r.verbs.is_empty() || r.verbs.iter().any(|v| matches!(*v, "get" | "list" | "watch"));
        let mut noisy: Vec<(usize, Vec<&str>)> = Vec::new();
        let mut note = |i: usize, what: &'static str| match noisy.iter_mut().find(|(r, _)| *r == i) {
            Some((_, w)) => w.push(what),
            None => noisy.push((i, vec![what])),
        };
        // The rule deciding for a read is the first one that can match a
        // read: a rule for other verbs only is passed over.
        for (group, resource) in NOISY {
            if let Some(i) = first_match(&rules, |r| r.matches_resource(group, resource).filter(|_| reads(r))) {
                if rules[i].level == "RequestResponse" {
                    note(i, resource);
                }
            }
        }
        for url in NOISY_URLS {
            let hit = first_match(&rules, |r| {
                // A rule naming resources or namespaces never matches a URL.
                let matches = r.resources.is_none()
                    && r.namespaces.is_empty()
                    && reads(r)
                    && (r.urls.is_empty() || r.urls.iter().any(|p| url_matches(p, url)));
                matches.then_some(r.unrestricted_requester())
            });
            if let Some(i) = hit.filter(|&i| rules[i].level == "RequestResponse") {
                note(i, url);
            }
        }
        crate::sort::sort_by_key(&mut noisy, |(i, _)| *i);
        for (i, what) in noisy {
            hits.at(rules[i].span(), text!("{} logs high-volume reads of {} at RequestResponse", rules[i].label(hits), what.join(", ")));
        }
    },
};

/// The first rule that can match (`matches` returns `Some` when it can).
fn first_match(rules: &[AuditRule], matches: impl Fn(&AuditRule) -> Option<bool>) -> Option<usize> {
    rules.iter().position(|r| matches(r).is_some())
}

pub static INVALID: Rule = Rule {
    id: "audit/invalid",
    family: Family::Audit,
    title: "The API server refuses this audit policy",
    severity: Severity::High,
    practice: Practice::Audit,
    rationale: "kube-apiserver validates the policy at start-up and exits on an error: an unknown \
        level, a rule naming both resources and non-resource URLs, a URL wildcard anywhere but at \
        the end, or a removed API version (audit.k8s.io/v1alpha1 and v1beta1 were removed in \
        Kubernetes 1.24).",
    references: &[AUDIT_API],
    cis: &[],
    sources: &[],
    kinds: &["Policy"],
    remediation: "Use apiVersion audit.k8s.io/v1, levels None, Metadata, Request or \
        RequestResponse, and separate rules for resources and non-resource URLs.",
    snippet: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata",
    pss: None,
    bad: &[
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: Everything  # expect: audit/invalid
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1beta1  # expect: audit/invalid
        kind: Policy
        rules:
        - level: Metadata
    "#},
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: None  # expect: audit/invalid
          resources:
          - group: ""
          nonResourceURLs: [/healthz]
        - level: Metadata  # expect: audit/invalid, audit/invalid
          nonResourceURLs: ["/api/*/status", healthz]
    "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: None
          nonResourceURLs: ["/healthz*", "/apis/*"]
        - level: Metadata
          nonResourceURLs: ["*"]
        - level: Metadata
    "#},
    ],
    check: |object, hits| {
        let Some(rules) = AuditRule::all(object) else { return };
        if object.api_version != "audit.k8s.io/v1" {
            let at = object.node.entry("apiVersion").map_or(object.node.span, |e| e.span());
            hits.at(at, text!("{} was removed in Kubernetes 1.24: use audit.k8s.io/v1", object.api_version));
        }
        for rule in &rules {
            if !LEVELS.contains(&rule.level) {
                hits.at(
                    rule.span(),
                    text!(
                        "{} has level {:?}; valid levels are None, Metadata, Request, RequestResponse",
                        rule.label(hits),
                        rule.level
                    ),
                );
            }
            if rule.resources.is_some() && !rule.urls.is_empty() {
                hits.node(rule.node, text!("{} names both resources and nonResourceURLs", rule.label(hits)));
            }
            for url in &rule.urls {
                if url.trim_end_matches('*').contains('*') || !url.starts_with('/') && *url != "*" {
                    hits.node(
                        rule.node,
                        text!(
                            "{} has an invalid non-resource URL {url:?}: it must start with / and may end with *",
                            rule.label(hits)
                        ),
                    );
                }
            }
        }
    },
};

pub static RULES: &[&Rule] =
    &[&SENSITIVE_BODIES, &SHADOWED, &NO_CATCH_ALL, &NOTHING_LOGGED, &OMIT_STAGES, &NOISY_READS, &INVALID];

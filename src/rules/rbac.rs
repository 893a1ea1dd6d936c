//! `rbac/*`: least privilege in Roles, ClusterRoles and their bindings.
//!
//! Matching follows the RBAC authorizer: a rule grants a request when its
//! apiGroups, resources and verbs each contain the request's value or `*`;
//! a subresource is named `pods/exec`, and `*/exec` matches it in any
//! resource. Rules that name a resource explicitly get the specific rule
//! below; grants through `*` are reported once, by `rbac/wildcard`.

use crate::k8s::{verb_bit, Object, PolicyRule, EVERY_VERB, RBAC};
use crate::rules::scope::{namespace_of, Scope};
use crate::rules::{
    checkov, kube_linter, kubescape, polaris, trivy, Family, Hits, Practice, Reference, Rule, Severity,
};
use crate::yaml::{Node, Span};
use indoc::indoc;

const RBAC_DOC: Reference = Reference {
    title: "Kubernetes: Using RBAC Authorization",
    url: "https://kubernetes.io/docs/reference/access-authn-authz/rbac/",
};
const GOOD_PRACTICES: Reference = Reference {
    title: "Kubernetes: Role Based Access Control Good Practices",
    url: "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
};

/// A Role with narrowly named permissions.
pub const HARDENED: &str = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: shop\nrules:\n- apiGroups: [\"\"]\n  resources: [\"pods\", \"services\"]\n  verbs: [\"get\", \"list\", \"watch\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\n  namespace: shop\nsubjects:\n- kind: ServiceAccount\n  name: web\n  namespace: shop\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\n";

impl PolicyRule<'_> {
    /// Grants `verb` on `resource` in `group`, naming the resource (not
    /// through `*`).
    fn names(&self, group: &str, resource: &str, verbs: &[&str]) -> bool {
        self.names_in(group, resource) && self.grants_some(verbs)
    }

    /// Grants one of `verbs` (or every verb, `*`).
    fn grants_some(&self, verbs: &[&str]) -> bool {
        self.verb_bits & EVERY_VERB != 0
            || verbs.iter().any(|v| match verb_bit(v) {
                0 => self.verbs.contains(v),
                bit => self.verb_bits & bit != 0,
            })
    }

    /// Names `resource` in `group` (not through `*`), whatever the verbs.
    fn names_in(&self, group: &str, resource: &str) -> bool {
        // The cheap test first (most policy rules fail the group), and the
        // subresource found once rather than for each resource listed:
        // every RBAC rule asks this of every policy rule of every role.
        if !(self.groups.contains(group) || self.groups.has_star()) {
            return false;
        }
        let sub = resource.bytes().position(|b| b == b'/').map(|slash| &resource[slash + 1..]);
        self.resources.iter().any(|r| r == resource || sub.is_some_and(|sub| r.strip_prefix("*/") == Some(sub)))
    }

    fn granted_verbs(&self, verbs: &[&str]) -> Vec<String> {
        if self.verbs.has_star() {
            return vec!["*".into()];
        }
        self.verbs.iter().filter(|v| verbs.contains(v)).map(|v| v.to_string()).collect()
    }

    fn is_full_wildcard(&self) -> bool {
        [self.groups, self.resources, self.verbs].iter().all(|list| list.has_star())
    }
}

/// A check on each rule of each role: which (group, resource) pairs, with
/// which verbs, make it dangerous, and how to say so.
fn role_check(object: &Object, hits: &mut Hits, targets: &[(&str, &str)], verbs: &[&str], what: &str) {
    for rule in object.policy_rules() {
        // The verbs once per policy rule, not once per target.
        if !rule.grants_some(verbs) {
            continue;
        }
        let named: Vec<&str> = targets.iter().filter(|(g, r)| rule.names_in(g, r)).map(|(_, r)| *r).collect();
        if !named.is_empty() {
            hits.node(
                rule.node,
                joined!(
                    object.kind,
                    " ",
                    ?object.name.unwrap_or(""),
                    " grants ",
                    rule.granted_verbs(verbs).join(", "),
                    " on ",
                    named.join(", "),
                    ": ",
                    what
                ),
            )
            .fix(narrowed(object, rule, targets, verbs));
        }
    }
}

/// A role as its fixes name it: its kind and its quoted name.
fn role_label(object: &Object) -> String {
    joined!(object.kind, " ", ?object.name.unwrap_or(""))
}

/// `["a", "b"]`: a YAML flow list.
fn flow(items: &[&str]) -> String {
    let mut list = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            list.push_str(", ");
        }
        crate::clip::push_debug(&mut list, item);
    }
    list.push(']');
    list
}

/// A policy rule as YAML list items, split so that the dangerous verbs on
/// the target resources are left out and everything else stays granted; in
/// words where that cannot be written out (a `*` verb, nothing left).
fn narrowed(object: &Object, rule: &PolicyRule, targets: &[(&str, &str)], verbs: &[&str]) -> String {
    let role = role_label(object);
    let hit = |r: &str| {
        targets
            .iter()
            .any(|(_, t)| *t == r || t.split_once('/').is_some_and(|(_, sub)| r.strip_prefix("*/") == Some(sub)))
    };
    let (risky, others): (Vec<&str>, Vec<&str>) = rule.resources.iter().partition(|r| hit(r));
    if rule.verbs.has_star() {
        return text!(
            "# in {role}: replace verbs: [\"*\"] of this rule with the verbs its subjects use,\n# leaving out {} on {}.\n",
            verbs.join(", "),
            risky.join(", ")
        );
    }
    let kept: Vec<&str> = rule.verbs.iter().filter(|v| !verbs.contains(v)).collect();
    let names = rule.node.strings("resourceNames");
    let item = |resources: &[&str], verbs: &[&str]| {
        let mut out = text!("- apiGroups: {}\n  resources: {}\n", flow(&rule.groups.to_vec()), flow(resources));
        if !names.is_empty() {
            out.push_str(&text!("  resourceNames: {}\n", flow(&names)));
        }
        out.push_str(&text!("  verbs: {}\n", flow(verbs)));
        out
    };
    let mut out = text!("# in {role}: this rule without {} on {}\n", verbs.join(", "), risky.join(", "));
    if !others.is_empty() {
        out.push_str(&item(&others, &rule.verbs.to_vec()));
    }
    if !kept.is_empty() {
        out.push_str(&item(&risky, &kept));
    }
    if others.is_empty() && kept.is_empty() {
        out =
            text!("# in {role}: remove this rule; it grants only {} on {}.\n", rule.verbs.join(", "), risky.join(", "));
    }
    out
}

/// API groups that serve resource usage numbers only.
const METRICS_GROUPS: [&str; 3] = ["metrics.k8s.io", "custom.metrics.k8s.io", "external.metrics.k8s.io"];

pub static WILDCARD: Rule = Rule {
    id: "rbac/wildcard",
    family: Family::Rbac,
    title: "Role grants with wildcards",
    severity: Severity::High,
    practice: Practice::ApiAccess,
    rationale: "A `*` in verbs, resources or apiGroups grants everything that exists today and \
        everything added later (new resources, CRDs, subresources such as pods/exec): `*` on all \
        three is cluster-admin. Least privilege means naming what is needed.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[cis!("5.1.3", "Minimize wildcard use in Roles and ClusterRoles")],
    sources: &[
        checkov("CKV_K8S_49"),
        kubescape("C-0187"),
        trivy("KSV-0044"),
        trivy("KSV-0045"),
        trivy("KSV-0046"),
        trivy("KSV-0112"),
        kube_linter("wildcard-in-rules"),
    ],
    kinds: &["Role", "ClusterRole"],
    remediation: "Replace each `*` with the exact API groups, resources and verbs the subject needs.",
    snippet: "# replace each * with the exact API groups, resources and verbs the subjects use",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: app
              namespace: shop
            rules:
            - apiGroups: [""]
              resources: ["*"]  # expect: rbac/wildcard
              verbs: ["get"]
            - apiGroups: [""]
              resources: ["configmaps"]
              verbs: ["*"]  # expect: rbac/wildcard
            - apiGroups: ["*"]  # expect: rbac/wildcard
              resources: ["deployments"]
              verbs: ["get", "list"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: ops
            rules:
            - apiGroups: ["*"]  # expect: rbac/wildcard
              resources: ["*"]
              verbs: ["*"]
            - apiGroups: ["apps"]  # expect: rbac/wildcard
              resources: ["*"]
              verbs: ["*"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: metrics-reader
            rules:
            - apiGroups: ["metrics.k8s.io"]
              resources: ["*"]  # expect: rbac/wildcard
              verbs: ["get", "list", "watch"]
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: health-reader
            rules:
            - nonResourceURLs: ["/healthz", "/healthz/*", "/livez", "/readyz"]
              verbs: ["get"]
        "#},
    ],
    check: |object, hits| {
        for rule in object.policy_rules() {
            let starred: Vec<&str> = ["apiGroups", "resources", "verbs"]
                .into_iter()
                .filter(|key| rule.node.strings(key).contains(&"*"))
                .collect();
            if starred.is_empty() {
                continue;
            }
            // One field alone: point at it; several: at the whole rule.
            let at = match starred.as_slice() {
                [key] => rule.node.entry(key).map_or(rule.node.span, |e| e.span()),
                _ => rule.node.span,
            };
            let role = role_label(object);
            let fix = text!(
                "# in {role}: replace * in {} of this rule with the exact values its subjects use\n",
                starred.join(", ")
            );
            // Reading every metrics resource exposes usage numbers, no
            // object data: the wildcard costs little there.
            let read_only = !rule.verbs.is_empty() && rule.verbs.iter().all(|v| matches!(v, "get" | "list" | "watch"));
            let metrics_only = !rule.groups.is_empty() && rule.groups.iter().all(|g| METRICS_GROUPS.contains(&g));
            if read_only && metrics_only {
                hits.at(
                    at,
                    text!(
                        "{role} reads every resource (*) of {}: read-only usage numbers, a small grant",
                        rule.groups.join(", ")
                    ),
                )
                .fix(fix)
                .severity(Severity::Low);
                continue;
            }
            let scope =
                if rule.is_full_wildcard() { ": every verb on every resource, which is cluster-admin" } else { "" };
            hits.at(at, text!("{role} uses * in {}{scope}", starred.join(", "))).fix(fix);
        }
    },
};

pub static SECRETS_READ: Rule = Rule {
    id: "rbac/secrets-read",
    family: Family::Rbac,
    title: "Role can read Secrets",
    severity: Severity::High,
    practice: Practice::ApiAccess,
    rationale: "get, list or watch on secrets reads every credential in scope (list and watch return \
        every Secret's data at once), including service account tokens that carry other \
        identities' permissions: it is a privilege escalation path, not a read-only right.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[cis!("5.1.2", "Minimize access to secrets")],
    sources: &[
        checkov("CKV2_K8S_5"),
        kubescape("C-0015"),
        kubescape("C-0186"),
        trivy("KSV-0041"),
        trivy("KSV-0113"),
        kube_linter("access-to-secrets"),
    ],
    kinds: &["Role", "ClusterRole"],
    remediation: "Grant access to specific Secrets by resourceNames with get only, or mount the Secret \
        into the workload instead of reading it through the API.",
    snippet: "- apiGroups: [\"\"]\n  resources: [\"secrets\"]\n  resourceNames: [\"app-config\"]\n  verbs: [\"get\"]",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: secret-lister
            rules:
            - apiGroups: [""]  # expect: rbac/secrets-read
              resources: ["secrets"]
              verbs: ["list"]
            - apiGroups: ["*"]  # expect: rbac/secrets-read
              resources: ["secrets"]
              verbs: ["watch"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: app
              namespace: shop
            rules:
            - apiGroups: [""]  # expect: rbac/secrets-read
              resources: ["secrets"]
              verbs: ["get"]
            - apiGroups: [""]  # expect: rbac/secrets-read
              resources: ["configmaps", "secrets"]
              verbs: ["*"]
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: app-config-reader
              namespace: shop
            rules:
            - apiGroups: [""]
              resources: ["secrets"]
              resourceNames: ["app-config"]
              verbs: ["get"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: secret-creator
              namespace: shop
            rules:
            - apiGroups: [""]
              resources: ["secrets"]
              verbs: ["create"]
        "#},
        HARDENED,
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: config-watcher
              namespace: shop
            rules:
            - apiGroups: [""]
              resources: ["secrets"]
              resourceNames: ["app-config"]
              verbs: ["get", "list", "watch"]
        "#},
    ],
    check: |object, hits| {
        for rule in object.policy_rules() {
            // Limited by resourceNames, even list and watch read only the named
            // Secrets: the API server then authorizes them only with a
            // metadata.name field selector.
            if rule.names("", "secrets", &["get", "list", "watch"]) && !rule.named_objects {
                hits.node(rule.node, joined!(
                    object.kind,
                    " ",
                    ?object.name.unwrap_or(""),
                    " grants ",
                    rule.granted_verbs(&["get", "list", "watch"]).join(", "),
                    " on secrets: it reads credentials"
                ))
                .fix(joined!(
                    "# in ",
                    object.kind,
                    " ",
                    ?object.name.unwrap_or(""),
                    ": drop list and watch on secrets, and add resourceNames\n# listing the Secrets its subjects read, with get only.\n"
                ));
            }
        }
    },
};

const WORKLOADS: [(&str, &str); 8] = [
    ("", "pods"),
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "replicationcontrollers"),
];

pub static WORKLOAD_CREATE: Rule = Rule {
    id: "rbac/workload-create",
    family: Family::Rbac,
    title: "Role can create pods or workloads",
    severity: Severity::Medium,
    practice: Practice::ApiAccess,
    rationale: "Whoever can create a pod (directly or through a Deployment, Job, DaemonSet...) can \
        run it as any service account in the namespace and mount any Secret there: the right is \
        worth the union of everything the namespace holds, unless Pod Security and admission \
        policies limit what the pod may do.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[cis!("5.1.4", "Minimize access to create pods")],
    sources: &[kubescape("C-0188"), trivy("KSV-0048"), kube_linter("access-to-create-pods")],
    kinds: &["Role", "ClusterRole"],
    remediation: "Limit workload creation to deployment automation, in namespaces that enforce the \
        restricted Pod Security level.",
    snippet: "- apiGroups: [\"apps\"]\n  resources: [\"deployments\"]\n  verbs: [\"get\", \"list\", \"watch\"]",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: deployer
              namespace: shop
            rules:
            - apiGroups: ["apps"]  # expect: rbac/workload-create
              resources: ["deployments"]
              verbs: ["create", "update"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: runner
            rules:
            - apiGroups: [""]  # expect: rbac/workload-create
              resources: ["pods"]
              verbs: ["*"]
            - apiGroups: ["batch"]  # expect: rbac/workload-create
              resources: ["jobs", "cronjobs"]
              verbs: ["get", "create"]
            - apiGroups: ["*"]  # expect: rbac/workload-create
              resources: ["daemonsets", "replicationcontrollers"]
              verbs: ["create"]
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: drainer
            rules:
            - apiGroups: [""]
              resources: ["pods"]
              verbs: ["get", "list", "delete"]
            - apiGroups: [""]
              resources: ["pods/eviction"]
              verbs: ["create"]
        "#},
    ],
    check: |object, hits| {
        role_check(object, hits, &WORKLOADS, &["create"], "it can run code as any service account of the namespace")
    },
};

pub static POD_EXEC: Rule = Rule {
    id: "rbac/pod-exec",
    family: Family::Rbac,
    title: "Role can exec, attach or port-forward into pods",
    severity: Severity::High,
    practice: Practice::ApiAccess,
    rationale: "pods/exec and pods/attach give a shell in running containers, with their secrets, \
        tokens and network position; pods/portforward reaches their ports past every \
        NetworkPolicy. It is interactive access to production.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[],
    sources: &[
        checkov("CKV2_K8S_2"),
        kubescape("C-0002"),
        kubescape("C-0063"),
        trivy("KSV-0053"),
        trivy("KSV-0054"),
        polaris("clusterrolePodExecAttach"),
        polaris("clusterrolebindingPodExecAttach"),
        polaris("rolePodExecAttach"),
        polaris("rolebindingClusterRolePodExecAttach"),
        polaris("rolebindingRolePodExecAttach"),
    ],
    kinds: &["Role", "ClusterRole"],
    remediation: "Grant exec, attach and port-forward only to break-glass roles, bound temporarily and \
        audited.",
    snippet: "- apiGroups: [\"\"]\n  resources: [\"pods\", \"pods/log\"]\n  verbs: [\"get\", \"list\"]",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: shell
              namespace: shop
            rules:
            - apiGroups: [""]  # expect: rbac/pod-exec
              resources: ["pods/exec"]
              verbs: ["create"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: debugger
            rules:
            - apiGroups: [""]  # expect: rbac/pod-exec
              resources: ["pods/attach", "pods/portforward"]
              verbs: ["get", "create"]
            - apiGroups: [""]  # expect: rbac/pod-exec
              resources: ["*/exec"]
              verbs: ["get"]
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: log-reader
              namespace: shop
            rules:
            - apiGroups: [""]
              resources: ["pods", "pods/log"]
              verbs: ["get", "list", "watch"]
        "#},
    ],
    check: |object, hits| {
        role_check(
            object,
            hits,
            &[("", "pods/exec"), ("", "pods/attach"), ("", "pods/portforward")],
            &["create", "get"],
            "interactive access to running containers",
        )
    },
};

pub static ESCALATION: Rule = Rule {
    id: "rbac/escalation",
    family: Family::Rbac,
    title: "Role can grant itself more (escalate, bind, impersonate)",
    severity: Severity::Critical,
    practice: Practice::ApiAccess,
    rationale: "escalate lets a subject write roles with permissions it does not have; bind lets it \
        bind any role (cluster-admin included) to itself; impersonate lets it act as any user, \
        group or service account. Each one is equivalent to the highest privilege in its scope.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[cis!("5.1.8", "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster")],
    sources: &[
        checkov("CKV2_K8S_3"),
        checkov("CKV_K8S_157"),
        checkov("CKV_K8S_158"),
        kubescape("C-0065"),
        kubescape("C-0191"),
        trivy("KSV-0043"),
        trivy("KSV-0050"),
    ],
    kinds: &["Role", "ClusterRole"],
    remediation: "Remove escalate, bind and impersonate; keep them for cluster administrators only.",
    snippet: "- apiGroups: [\"rbac.authorization.k8s.io\"]\n  resources: [\"roles\"]\n  verbs: [\"get\", \"list\"]",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: impersonator
            rules:
            - apiGroups: [""]  # expect: rbac/escalation
              resources: ["users", "groups"]
              verbs: ["impersonate"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: role-manager
            rules:
            - apiGroups: ["rbac.authorization.k8s.io"]  # expect: rbac/escalation
              resources: ["roles", "clusterroles"]
              verbs: ["get", "escalate"]
            - apiGroups: ["rbac.authorization.k8s.io"]  # expect: rbac/escalation
              resources: ["clusterroles"]
              verbs: ["bind"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: sa-impersonator
              namespace: ci
            rules:
            - apiGroups: [""]  # expect: rbac/escalation
              resources: ["serviceaccounts"]
              verbs: ["impersonate"]
            - apiGroups: ["authentication.k8s.io"]  # expect: rbac/escalation
              resources: ["userextras/scopes", "uids"]
              verbs: ["impersonate"]
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: rbac-editor
            rules:
            - apiGroups: ["rbac.authorization.k8s.io"]
              resources: ["roles", "rolebindings"]
              verbs: ["get", "list", "watch", "create", "update"]
        "#},
    ],
    check: |object, hits| {
        role_check(
            object,
            hits,
            &[(RBAC, "roles"), (RBAC, "clusterroles")],
            &["escalate", "bind"],
            "it can grant permissions it does not hold",
        );
        role_check(
            object,
            hits,
            &[
                ("", "users"),
                ("", "groups"),
                ("", "serviceaccounts"),
                ("authentication.k8s.io", "userextras/scopes"),
                ("authentication.k8s.io", "uids"),
            ],
            &["impersonate"],
            "it can act as other identities",
        );
    },
};

pub static NODES_PROXY: Rule = Rule {
    id: "rbac/nodes-proxy",
    family: Family::Rbac,
    title: "Role can reach kubelets through nodes/proxy",
    severity: Severity::High,
    practice: Practice::ApiAccess,
    rationale: "nodes/proxy forwards requests to the kubelet API of any node: running commands in \
        any container on it, bypassing the audit trail and admission control of pods/exec.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[cis!("5.1.10", "Minimize access to the proxy sub-resource of nodes")],
    sources: &[checkov("CKV2_K8S_2"), kubescape("C-0279"), trivy("KSV-0047")],
    kinds: &["Role", "ClusterRole"],
    remediation: "Remove nodes/proxy; monitoring agents should read metrics from the kubelet's \
        /metrics endpoints with a scoped role (nodes/metrics, nodes/stats).",
    snippet: "- apiGroups: [\"\"]\n  resources: [\"nodes/metrics\", \"nodes/stats\"]\n  verbs: [\"get\"]",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: node-proxy
            rules:
            - apiGroups: [""]  # expect: rbac/nodes-proxy
              resources: ["nodes/proxy"]
              verbs: ["get"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: proxy-all
            rules:
            - apiGroups: [""]  # expect: rbac/nodes-proxy
              resources: ["*/proxy"]
              verbs: ["*"]
            - apiGroups: ["*"]  # expect: rbac/nodes-proxy
              resources: ["nodes/proxy"]
              verbs: ["create"]
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: node-metrics
            rules:
            - apiGroups: [""]
              resources: ["nodes", "nodes/metrics", "nodes/stats"]
              verbs: ["get", "list"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: service-proxy
            rules:
            - apiGroups: [""]
              resources: ["services/proxy"]
              verbs: ["get"]
        "#},
    ],
    check: |object, hits| {
        role_check(
            object,
            hits,
            &[("", "nodes/proxy")],
            &["get", "create", "update", "patch", "delete"],
            "it can run commands on nodes through the kubelet",
        )
    },
};

pub static TOKEN_CREATE: Rule = Rule {
    id: "rbac/token-create",
    family: Family::Rbac,
    title: "Role can mint service account tokens",
    severity: Severity::High,
    practice: Practice::ApiAccess,
    rationale: "create on serviceaccounts/token issues a token for any service account in scope, so \
        the subject holds the union of all those accounts' permissions.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[cis!("5.1.13", "Minimize access to the service account token creation")],
    sources: &[kubescape("C-0282")],
    kinds: &["Role", "ClusterRole"],
    remediation: "Remove serviceaccounts/token create, or restrict it with resourceNames to the \
        account that needs it.",
    snippet: "- apiGroups: [\"\"]\n  resources: [\"serviceaccounts/token\"]\n  resourceNames: [\"ci-runner\"]\n  verbs: [\"create\"]",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: token-minter
              namespace: ci
            rules:
            - apiGroups: [""]  # expect: rbac/token-create
              resources: ["serviceaccounts/token"]
              verbs: ["create"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: token-minter
            rules:
            - apiGroups: ["*"]  # expect: rbac/token-create
              resources: ["serviceaccounts/token"]
              verbs: ["*"]
            - apiGroups: [""]  # expect: rbac/token-create
              resources: ["*/token"]
              verbs: ["create"]
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: ci-token
              namespace: ci
            rules:
            - apiGroups: [""]
              resources: ["serviceaccounts/token"]
              resourceNames: ["ci-runner"]
              verbs: ["create"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: sa-manager
              namespace: ci
            rules:
            - apiGroups: [""]
              resources: ["serviceaccounts"]
              verbs: ["get", "list", "create"]
        "#},
    ],
    check: |object, hits| {
        for rule in object.policy_rules() {
            if rule.names("", "serviceaccounts/token", &["create"]) && !rule.named_objects {
                hits.node(rule.node, text!("{} {:?} can create tokens for any service account in scope", object.kind, object.name.unwrap_or("")))
                    .fix(text!("# in {} {:?}: add resourceNames to this rule, listing the service accounts\n# whose tokens its subjects need.\n", object.kind, object.name.unwrap_or("")));
            }
        }
    },
};

pub static CSR_APPROVE: Rule = Rule {
    id: "rbac/csr-approve",
    family: Family::Rbac,
    title: "Role can approve certificate signing requests",
    severity: Severity::High,
    practice: Practice::ApiAccess,
    rationale: "Approving CertificateSigningRequests issues client certificates the API server \
        trusts; with a permissive signer that means certificates for any user or group, \
        system:masters included.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[cis!("5.1.11", "Minimize access to the approval sub-resource of certificatesigningrequests objects")],
    sources: &[checkov("CKV_K8S_156"), kubescape("C-0280")],
    kinds: &["Role", "ClusterRole"],
    remediation: "Keep CSR approval to the controller manager and cluster administrators.",
    snippet: "- apiGroups: [\"certificates.k8s.io\"]\n  resources: [\"certificatesigningrequests\"]\n  verbs: [\"get\", \"list\"]",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: csr-approver
            rules:
            - apiGroups: ["certificates.k8s.io"]  # expect: rbac/csr-approve
              resources: ["certificatesigningrequests/approval"]
              verbs: ["update"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: csr-admin
            rules:
            - apiGroups: ["certificates.k8s.io"]  # expect: rbac/csr-approve
              resources: ["certificatesigningrequests/approval"]
              verbs: ["patch"]
            - apiGroups: ["*"]  # expect: rbac/csr-approve
              resources: ["*/approval"]
              verbs: ["*"]
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: csr-requester
            rules:
            - apiGroups: ["certificates.k8s.io"]
              resources: ["certificatesigningrequests"]
              verbs: ["create", "get", "list", "watch"]
        "#},
    ],
    check: |object, hits| {
        role_check(object, hits, &[("certificates.k8s.io", "certificatesigningrequests/approval")], &["update", "patch"], "it can approve certificates the API server trusts")
    },
};

pub static WEBHOOK_CONFIG: Rule = Rule {
    id: "rbac/webhook-config",
    family: Family::Rbac,
    title: "Role can change admission webhooks",
    severity: Severity::High,
    practice: Practice::ApiAccess,
    rationale: "Whoever can create or change Validating/MutatingWebhookConfigurations decides what \
        the API server admits: they can switch off policy enforcement or inject a mutating webhook \
        that rewrites every pod.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[cis!("5.1.12", "Minimize access to webhook configuration objects")],
    sources: &[checkov("CKV_K8S_155"), kubescape("C-0281"), trivy("KSV-0114")],
    kinds: &["Role", "ClusterRole"],
    remediation: "Keep webhook configuration changes to cluster administrators and the operators \
        that own them (by resourceNames).",
    snippet: "- apiGroups: [\"admissionregistration.k8s.io\"]\n  resources: [\"validatingwebhookconfigurations\"]\n  verbs: [\"get\", \"list\"]",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: webhook-installer
            rules:
            - apiGroups: ["admissionregistration.k8s.io"]  # expect: rbac/webhook-config
              resources: ["mutatingwebhookconfigurations"]
              verbs: ["create", "patch"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: policy-admin
            rules:
            - apiGroups: ["admissionregistration.k8s.io"]  # expect: rbac/webhook-config
              resources: ["validatingwebhookconfigurations"]
              verbs: ["get", "update", "delete"]
            - apiGroups: ["admissionregistration.k8s.io"]  # expect: rbac/webhook-config
              resources: ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"]
              resourceNames: ["my-operator"]
              verbs: ["create", "patch"]
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: webhook-viewer
            rules:
            - apiGroups: ["admissionregistration.k8s.io"]
              resources: ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"]
              verbs: ["get", "list", "watch"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: ca-injector
            rules:
            - apiGroups: ["admissionregistration.k8s.io"]
              resources: ["mutatingwebhookconfigurations"]
              resourceNames: ["my-operator-webhook"]
              verbs: ["get", "update", "patch"]
        "#},
    ],
    check: |object, hits| {
        const KINDS: [(&str, &str); 2] = [
            ("validatingwebhookconfigurations", "ValidatingWebhookConfiguration"),
            ("mutatingwebhookconfigurations", "MutatingWebhookConfiguration"),
        ];
        let verbs = ["create", "update", "patch", "delete"];
        for rule in object.policy_rules() {
            let named: Vec<&str> = KINDS.iter().map(|(r, _)| *r).filter(|r| rule.names("admissionregistration.k8s.io", r, &verbs)).collect();
            if named.is_empty() || rule.named_objects && !rule.verbs.iter().any(|v| matches!(v, "create" | "*")) {
                continue;
            }
            let role = role_label(object);
            let fix = webhook_fix(hits.scope(), &role, rule, &named, &KINDS);
            hits.node(rule.node, text!("{role} grants {} on {}: it controls what the API server admits", rule.granted_verbs(&verbs).join(", "), named.join(", ")))
                .fix(fix);
        }
    },
};

pub static ENDPOINTS_WRITE: Rule = Rule {
    id: "rbac/endpoints-write",
    family: Family::Rbac,
    title: "Role can write Endpoints or EndpointSlices (CVE-2021-25740)",
    severity: Severity::Medium,
    practice: Practice::ApiAccess,
    rationale: "Endpoints and EndpointSlices say where a Service's traffic goes. Whoever can create \
        or change them can point a Service (and the LoadBalancers and Ingresses in front of it) at \
        any address, pods in other namespaces included: a traffic hijack and a confused deputy that \
        crosses namespace boundaries (CVE-2021-25740). Kubernetes removed these verbs from the \
        built-in admin and edit roles for that reason.",
    references: &[RBAC_DOC, Reference {
            title: "CVE-2021-25740: Endpoint and EndpointSlice permissions allow cross-Namespace forwarding",
            url: "https://github.com/kubernetes/kubernetes/issues/103675",
        }, Reference {
            title: "Kubernetes: Using RBAC Authorization (write access for EndpointSlices and Endpoints)",
            url: "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#write-access-for-endpoints",
        }, Reference {
            title: "Trivy KSV-0056: Manage Kubernetes networking",
            url: "https://avd.aquasec.com/misconfig/kubernetes/general/avd-ksv-0056/",
        }],
    cis: &[],
    sources: &[trivy("KSV-0056")],
    kinds: &["Role", "ClusterRole"],
    remediation: "Leave Endpoints and EndpointSlices to the control plane (Services with selectors); \
        grant create, update and patch on them only to controllers that must manage selector-less \
        Services, and review where those point.",
    snippet: "- apiGroups: [\"discovery.k8s.io\"]\n  resources: [\"endpointslices\"]\n  verbs: [\"get\", \"list\", \"watch\"]",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: endpoints-editor
              namespace: shop
            rules:
            - apiGroups: [""]  # expect: rbac/endpoints-write
              resources: ["endpoints"]
              verbs: ["get", "create", "update"]
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: endpoint-controller
            rules:
            - apiGroups: ["discovery.k8s.io"]  # expect: rbac/endpoints-write
              resources: ["endpointslices"]
              verbs: ["patch"]
            - apiGroups: ["*"]  # expect: rbac/endpoints-write
              resources: ["endpoints", "endpointslices"]
              verbs: ["*"]
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: service-editor
              namespace: shop
            rules:
            - apiGroups: [""]
              resources: ["services"]
              verbs: ["get", "list", "create", "update"]
            - apiGroups: ["", "discovery.k8s.io"]
              resources: ["endpoints", "endpointslices"]
              verbs: ["get", "list", "watch"]
        "#},
    ],
    check: |object, hits| {
        role_check(
            object,
            hits,
            &[("", "endpoints"), ("discovery.k8s.io", "endpointslices")],
            &["create", "update", "patch"],
            "it can send a Service's traffic to any address (CVE-2021-25740)",
        )
    },
};

/// The most webhook configurations a fix names; with more in the input,
/// it says in words to list them.
const WEBHOOK_NAMES_LISTED: usize = 32;

/// The webhook rule with its writes narrowed by resourceNames to the
/// configurations in the input (in words when there are none, or too many
/// to list), keeping its verbs: an operator that patches its own webhook's
/// CA bundle needs them, on its own objects only. Reads stay as they are; `create` cannot be
/// limited by name, so it is said apart.
fn webhook_fix(scope: &Scope, role: &str, rule: &PolicyRule, named: &[&str], kinds: &[(&str, &str)]) -> String {
    let (reads, writes): (Vec<&str>, Vec<&str>) =
        rule.verbs.iter().filter(|v| *v != "create").partition(|v| matches!(*v, "get" | "list" | "watch"));
    // The configurations' names, as YAML, once per run: every role of a
    // large input would otherwise list (and format) them all again.
    let names = scope.remember(text!("webhook-configurations {named:?}"), || {
        let mut names: Vec<&str> = kinds
            .iter()
            .filter(|(r, _)| named.contains(r))
            .flat_map(|(_, k)| scope.of_kind(k))
            .filter_map(|o| o.name)
            .collect();
        crate::sort::sort(&mut names);
        names.dedup();
        // Every role's fix lists them: past a few dozen, that list would
        // make the report grow as roles times configurations.
        (!names.is_empty() && names.len() <= WEBHOOK_NAMES_LISTED).then(|| flow(&names))
    });
    let mut out = text!("# in {role}: limit the writes to the webhook configurations its subjects own\n");
    if rule.verbs.contains("create") {
        out.push_str("# (create cannot be limited by name: grant it only where the subject must create them)\n");
    }
    let Some(names) = names.filter(|_| !writes.is_empty()) else {
        out.push_str("# with resourceNames listing those configurations.\n");
        return out;
    };
    let item = |verbs: &[&str], names: Option<&str>| {
        let names = names.map(|n| text!("  resourceNames: {n}\n")).unwrap_or_default();
        text!(
            "- apiGroups: [\"admissionregistration.k8s.io\"]\n  resources: {}\n{names}  verbs: {}\n",
            flow(named),
            flow(verbs)
        )
    };
    if !reads.is_empty() {
        out.push_str(&item(&reads, None));
    }
    out.push_str(&item(&writes, Some(&names)));
    out
}

/// A binding's parts.
struct Binding<'a> {
    role_kind: &'a str,
    role_name: &'a str,
    role_ref: Span,
    subjects: Vec<&'a Node>,
}

fn binding<'a>(object: &Object<'a>) -> Option<Binding<'a>> {
    if object.group() != RBAC || !matches!(object.kind, "RoleBinding" | "ClusterRoleBinding") {
        return None;
    }
    let role_ref = object.node.entry("roleRef")?;
    Some(Binding {
        role_kind: role_ref.value.get("kind").and_then(Node::as_str).unwrap_or(""),
        role_name: role_ref.value.get("name").and_then(Node::as_str).unwrap_or(""),
        role_ref: role_ref.span(),
        subjects: object.node.items("subjects").iter().collect(),
    })
}

fn subject(node: &Node) -> (&str, &str, Option<&str>) {
    let field = |k| node.get(k).and_then(Node::as_str);
    (field("kind").unwrap_or(""), field("name").unwrap_or(""), field("namespace"))
}

/// Kubernetes' own identities that hold cluster-admin by design (the
/// system:masters group, control-plane components and nodes), as opposed
/// to groups such as system:serviceaccounts that stand for workloads.
fn control_plane_identity(name: &str) -> bool {
    // Only system:masters holds cluster-admin by design; nodes and the
    // control-plane components have roles of their own, so cluster-admin
    // bound to system:nodes turns one stolen kubelet credential into the
    // whole cluster.
    name == "system:masters"
}

/// The role a binding refers to, if it is in the input.
fn bound_role<'s>(scope: &'s Scope, object: &Object, b: &Binding) -> Option<&'s Object<'s>> {
    let namespace = if b.role_kind == "ClusterRole" { "default" } else { namespace_of(object) };
    scope.find(b.role_kind, namespace, b.role_name).filter(|o| o.group() == RBAC)
}

pub static CLUSTER_ADMIN_BINDING: Rule = Rule {
    id: "rbac/cluster-admin-binding",
    family: Family::Rbac,
    title: "cluster-admin (or an equivalent role) bound to a non-system subject",
    severity: Severity::Critical,
    practice: Practice::ApiAccess,
    rationale: "cluster-admin is every permission on every object. Bound to a user, group or \
        service account (a CI robot, an operator), compromising that subject is compromising the \
        cluster; it should be reserved for break-glass use.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[cis!("5.1.1", "Ensure that the cluster-admin role is only used where required")],
    sources: &[
        kubescape("C-0035"),
        kubescape("C-0185"),
        trivy("KSV-0111"),
        kube_linter("cluster-admin-role-binding"),
        polaris("clusterrolebindingClusterAdmin"),
        polaris("rolebindingClusterAdminClusterRole"),
        polaris("rolebindingClusterAdminRole"),
    ],
    kinds: &["RoleBinding", "ClusterRoleBinding", "Role", "ClusterRole"],
    remediation: "Bind a role with only the permissions the subject needs; keep cluster-admin for \
        an audited break-glass group.",
    snippet: "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: my-app-deployer",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: ci
            subjects:
            - kind: ServiceAccount
              name: ci
              namespace: ci
            roleRef:  # expect: rbac/cluster-admin-binding
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: cluster-admin
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: dev-admins
              namespace: shop
            subjects:
            - kind: Group
              name: developers
              apiGroup: rbac.authorization.k8s.io
            - kind: User
              name: alice
              apiGroup: rbac.authorization.k8s.io
            roleRef:  # expect: rbac/cluster-admin-binding
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: cluster-admin
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: superuser
            rules:
            - apiGroups: ["*"]
              resources: ["*"]
              verbs: ["*"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: superuser
            subjects:
            - kind: Group
              name: system:masters
              apiGroup: rbac.authorization.k8s.io
            - kind: User
              name: bob
              apiGroup: rbac.authorization.k8s.io
            roleRef:  # expect: rbac/cluster-admin-binding
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: superuser
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: nodes-admin
            subjects:
            - kind: Group
              name: system:nodes
              apiGroup: rbac.authorization.k8s.io
            roleRef:  # expect: rbac/cluster-admin-binding
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: cluster-admin
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: cluster-admin
            subjects:
            - kind: Group
              name: system:masters
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: cluster-admin
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: shop-admins
              namespace: shop
            subjects:
            - kind: Group
              name: team-shop
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: admin
        "#},
    ],
    check: |object, hits| {
        let Some(b) = binding(object) else { return };
        let equivalent = bound_role(hits.scope(), object, &b)
            .is_some_and(|role| role.policy_rules().iter().any(PolicyRule::is_full_wildcard));
        let cluster_admin = b.role_kind == "ClusterRole" && b.role_name == "cluster-admin";
        if !cluster_admin && !equivalent {
            return;
        }
        let who: Vec<String> = b
            .subjects
            .iter()
            .map(|s| subject(s))
            .filter(|(_, name, _)| !control_plane_identity(name))
            .map(|(kind, name, ns)| text!("{kind} {}{name}", ns.map(|n| text!("{n}/")).unwrap_or_default()))
            .collect();
        if !who.is_empty() {
            let role = if equivalent {
                text!("{} (every verb on every resource)", b.role_name)
            } else {
                "cluster-admin".into()
            };
            hits.at(b.role_ref, text!("{role} is bound to {}", who.join(", "))).fix(text!(
                "# in {} {:?}: refer to a role holding only what {} needs\n# instead of {}.\n",
                object.kind,
                object.name.unwrap_or(""),
                who.join(", "),
                b.role_name
            ));
        }
    },
};

pub static SYSTEM_GROUP_BINDING: Rule = Rule {
    id: "rbac/system-group-binding",
    family: Family::Rbac,
    title: "Role bound to anonymous, unauthenticated, all authenticated users or all service accounts",
    severity: Severity::Critical,
    practice: Practice::ApiAccess,
    rationale: "system:anonymous and system:unauthenticated are anyone who can reach the API \
        server; system:authenticated is every user and every service account of the cluster; \
        system:serviceaccounts (or :<namespace>) is every workload's identity. Binding a role to them \
        gives its permissions to all of those at once.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[],
    sources: &[kubescape("C-0262"), kubescape("C-0265"), trivy("KSV-0122"), trivy("KSV-01011")],
    kinds: &["RoleBinding", "ClusterRoleBinding"],
    remediation: "Bind to the specific users, groups or service accounts that need the role.",
    snippet: "subjects:\n  - kind: Group\n    name: team-shop\n    apiGroup: rbac.authorization.k8s.io",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: everyone-reads
              namespace: shop
            subjects:
            - kind: Group  # expect: rbac/system-group-binding
              name: system:authenticated
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: reader
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: open-view
            subjects:
            - kind: User  # expect: rbac/system-group-binding
              name: system:anonymous
              apiGroup: rbac.authorization.k8s.io
            - kind: Group  # expect: rbac/system-group-binding
              name: system:unauthenticated
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: view
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: all-workloads
              namespace: shop
            subjects:
            - kind: Group  # expect: rbac/system-group-binding
              name: system:serviceaccounts
              apiGroup: rbac.authorization.k8s.io
            - kind: Group  # expect: rbac/system-group-binding
              name: system:serviceaccounts:shop
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: edit
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: everyone-controls
            subjects:
            - kind: Group  # expect: rbac/system-group-binding
              name: system:authenticated
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: system:kube-controller-manager
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: system:public-info-viewer
            subjects:
            - kind: Group
              name: system:authenticated
              apiGroup: rbac.authorization.k8s.io
            - kind: Group
              name: system:unauthenticated
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: system:public-info-viewer
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: web
              namespace: shop
            subjects:
            - kind: User
              name: system:serviceaccount:shop:web
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: reader
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: system:public-info-viewer
            subjects:
            - kind: Group
              name: system:authenticated
              apiGroup: rbac.authorization.k8s.io
            - kind: Group
              name: system:unauthenticated
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: system:public-info-viewer
        "#},
    ],
    check: |object, hits| {
        let Some(b) = binding(object) else { return };
        // Kubernetes' own bootstrap bindings give these groups a few
        // built-in read-only roles on purpose; any other role is a finding,
        // system: roles included.
        let bootstrap = b.role_kind == "ClusterRole"
            && matches!(
                b.role_name,
                "system:basic-user"
                    | "system:discovery"
                    | "system:public-info-viewer"
                    | "system:service-account-issuer-discovery"
            );
        if bootstrap {
            return;
        }
        for s in &b.subjects {
            let (_, name, _) = subject(s);
            let who = match name {
                "system:anonymous" | "system:unauthenticated" => "anyone who can reach the API server",
                "system:authenticated" => "every authenticated user and service account",
                "system:serviceaccounts" => "every service account of every namespace",
                _ if name.starts_with("system:serviceaccounts:") => "every service account of that namespace",
                _ => continue,
            };
            hits.node(s, text!("{} {:?} is bound to {name}: {who}", b.role_kind, b.role_name)).fix(text!(
                "# in {} {:?}: replace subject {name} with the users, groups or service\n# accounts that need {} {:?}.\n",
                object.kind,
                object.name.unwrap_or(""),
                b.role_kind,
                b.role_name
            ));
        }
    },
};

pub static DEFAULT_SA_BINDING: Rule = Rule {
    id: "rbac/default-sa-binding",
    family: Family::Rbac,
    title: "Role bound to a namespace's default service account",
    severity: Severity::Medium,
    practice: Practice::ApiAccess,
    rationale: "Every pod without its own serviceAccountName runs as `default`, so a role bound to it \
        is granted to all of them, including pods that never needed it.",
    references: &[RBAC_DOC, GOOD_PRACTICES],
    cis: &[cis!("5.1.5", "Ensure that default service accounts are not actively used")],
    sources: &[checkov("CKV_K8S_42")],
    kinds: &["RoleBinding", "ClusterRoleBinding"],
    remediation: "Create a dedicated ServiceAccount for the workload that needs the role and bind \
        that instead.",
    snippet: "subjects:\n  - kind: ServiceAccount\n    name: my-app\n    namespace: shop",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: reader
              namespace: shop
            subjects:
            - kind: ServiceAccount  # expect: rbac/default-sa-binding
              name: default
              namespace: shop
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: reader
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: monitoring-view
            subjects:
            - kind: ServiceAccount  # expect: rbac/default-sa-binding
              name: default
              namespace: monitoring
            - kind: ServiceAccount
              name: prometheus
              namespace: monitoring
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: view
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: reader
              namespace: shop
            subjects:
            - kind: ServiceAccount  # expect: rbac/default-sa-binding
              name: default
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: reader
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: reader
              namespace: shop
            subjects:
            - kind: User  # expect: rbac/default-sa-binding
              name: system:serviceaccount:shop:default
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: reader
        "#},
    ],
    good: &[
        HARDENED,
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: reader
              namespace: shop
            subjects:
            - kind: User
              name: default
              apiGroup: rbac.authorization.k8s.io
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: reader
        "#},
    ],
    check: |object, hits| {
        let Some(b) = binding(object) else { return };
        for s in &b.subjects {
            let (kind, name, ns) = subject(s);
            // The same identity as a User: system:serviceaccount:<ns>:default.
            let as_user = (kind == "User").then(|| name.strip_prefix("system:serviceaccount:")).flatten();
            let account = match as_user.and_then(|rest| rest.split_once(':')) {
                Some((ns, "default")) => Some(ns),
                _ if kind == "ServiceAccount" && name == "default" => Some(ns.unwrap_or(namespace_of(object))),
                _ => None,
            };
            if let Some(namespace) = account {
                hits.node(s, text!("{} {:?} is bound to the default service account of {namespace}", b.role_kind, b.role_name))
                    .fix(text!(
                        "# create a ServiceAccount in {namespace} for the workload that needs {} {:?},\n# set it as that workload's serviceAccountName, and name it here instead of default.\n",
                        b.role_kind, b.role_name
                    ));
            }
        }
    },
};

pub static EFFECTIVE_PERMISSIONS: Rule = Rule {
    id: "rbac/effective-permissions",
    family: Family::Rbac,
    title: "What each subject of a binding effectively gets",
    severity: Severity::Info,
    practice: Practice::ApiAccess,
    rationale: "Reading a binding alone does not say what it grants. When the bound Role or \
        ClusterRole is in the input too, this lists its permissions on the binding, in the \
        binding's scope, so a reviewer sees who can do what in one place.",
    references: &[RBAC_DOC],
    cis: &[],
    sources: &[],
    kinds: &["RoleBinding", "ClusterRoleBinding", "Role", "ClusterRole"],
    remediation: "Check that each subject needs every permission listed.",
    snippet: "# kubectl auth can-i --list --as=system:serviceaccount:shop:web -n shop",
    pss: None,
    bad: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: reader
              namespace: shop
            rules:
            - apiGroups: [""]
              resources: ["pods", "services"]
              verbs: ["get", "list", "watch"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: reader
              namespace: shop
            subjects:
            - kind: ServiceAccount
              name: web
              namespace: shop
            roleRef:  # expect: rbac/effective-permissions
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: reader
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: monitoring
            rules:
            - nonResourceURLs: ["/metrics"]
              verbs: ["get"]
            - apiGroups: [""]
              resources: ["configmaps"]
              resourceNames: ["prometheus-config"]
              verbs: ["get"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: monitoring
            subjects:
            - kind: Group
              name: monitoring-team
              apiGroup: rbac.authorization.k8s.io
            - kind: ServiceAccount
              name: prometheus
              namespace: monitoring
            roleRef:  # expect: rbac/effective-permissions
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: monitoring
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: deploy-viewer
            rules:
            - apiGroups: ["apps"]
              resources: ["deployments", "replicasets"]
              verbs: ["get", "list"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: alice-views-deployments
              namespace: shop
            subjects:
            - kind: User
              name: alice
              apiGroup: rbac.authorization.k8s.io
            roleRef:  # expect: rbac/effective-permissions
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: deploy-viewer
        "#},
    ],
    good: &[
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: b
              namespace: shop
            subjects:
            - kind: ServiceAccount
              name: web
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: not-in-the-input
        "#},
        indoc! {r#"
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: reader
              namespace: billing
            rules:
            - apiGroups: [""]
              resources: ["pods"]
              verbs: ["get"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: reader
              namespace: shop
            subjects:
            - kind: ServiceAccount
              name: web
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: reader
        "#},
    ],
    check: |object, hits| {
        let Some(b) = binding(object) else { return };
        let Some(role) = bound_role(hits.scope(), object, &b) else { return };
        let grants: Vec<String> = role.policy_rules().iter().map(describe).collect();
        let scope = match object.kind {
            "ClusterRoleBinding" => "cluster-wide".to_owned(),
            _ => joined!("in namespace ", namespace_of(object)),
        };
        let who: Vec<String> =
            b.subjects.iter().map(|s| subject(s)).map(|(kind, name, _)| joined!(kind, " ", name)).collect();
        let namespace = (object.kind == "RoleBinding").then(|| namespace_of(object));
        let checks: Vec<String> =
            b.subjects.iter().filter_map(|s| can_i(subject(s), namespace_of(object), namespace)).collect();
        hits.at(
            b.role_ref,
            joined!(
                who.join(", "),
                " get, ",
                scope,
                ": ",
                if grants.is_empty() { "nothing".into() } else { grants.join("; ") }
            ),
        )
        .fix(checks.concat());
    },
};

/// One policy rule in words: `get/list on secrets named a, b (core)`, or
/// `get on URLs /metrics, /healthz`.
fn describe(rule: &PolicyRule) -> String {
    let urls = rule.node.strings("nonResourceURLs");
    if rule.resources.is_empty() && !urls.is_empty() {
        return text!("{} on URLs {}", rule.verbs.join("/"), urls.join(", "));
    }
    let groups: Vec<&str> = rule.groups.iter().map(|g| if g.is_empty() { "core" } else { g }).collect();
    let names = rule.node.strings("resourceNames");
    let named = if names.is_empty() { String::new() } else { text!(" named {}", names.join(", ")) };
    joined!(rule.verbs.join("/"), " on ", rule.resources.join(", "), named, " (", groups.join(", "), ")")
}

/// The `kubectl auth can-i` line that lists a subject's permissions, as the
/// API server sees that subject. A group is checked through a stand-in user
/// (`--as-group` needs an `--as`).
fn can_i((kind, name, ns): (&str, &str, Option<&str>), binding_ns: &str, scope: Option<&str>) -> Option<String> {
    let who = match kind {
        "ServiceAccount" => joined!("--as=system:serviceaccount:", ns.unwrap_or(binding_ns), ":", name),
        "User" => joined!("--as=", name),
        "Group" => joined!("--as=someone --as-group=", name),
        _ => return None,
    };
    // Cluster-wide grants show in any namespace's listing.
    let (flag, ns) = scope.map_or(("", ""), |ns| (" -n ", ns));
    Some(joined!("# kubectl auth can-i --list ", who, flag, ns, "\n"))
}

pub static RULES: &[&Rule] = &[
    &WILDCARD,
    &SECRETS_READ,
    &WORKLOAD_CREATE,
    &POD_EXEC,
    &ESCALATION,
    &NODES_PROXY,
    &TOKEN_CREATE,
    &CSR_APPROVE,
    &WEBHOOK_CONFIG,
    &ENDPOINTS_WRITE,
    &CLUSTER_ADMIN_BINDING,
    &SYSTEM_GROUP_BINDING,
    &DEFAULT_SA_BINDING,
    &EFFECTIVE_PERMISSIONS,
];

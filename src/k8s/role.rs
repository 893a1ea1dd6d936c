//! The policy rules of a Role or ClusterRole, read once when the object is
//! found: every `rbac/*` rule reads every role's policy rules, and each
//! reading them again was a fifth of the RBAC rules' work.

use crate::yaml::Node;

/// The API group of Role, ClusterRole and their bindings.
pub const RBAC: &str = "rbac.authorization.k8s.io";

/// One entry of a role's `rules`.
#[derive(Clone, Debug)]
pub struct PolicyRule<'a> {
    pub node: &'a Node,
    pub groups: Strings<'a>,
    pub resources: Strings<'a>,
    pub verbs: Strings<'a>,
    /// Limited to named objects (`resourceNames`).
    pub named_objects: bool,
    /// The [`verb_bit`]s of its verbs: every RBAC rule asks each policy
    /// rule whether it grants one of a few verbs, a string search each.
    pub verb_bits: u32,
}

/// The verbs [`verb_bit`] knows: Kubernetes' own, which the rules ask of.
const VERBS: [&str; 16] = [
    "*",
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "impersonate",
    "bind",
    "escalate",
    "approve",
    "sign",
    "use",
    "proxy",
];

/// A bit for each verb of [`VERBS`], 0 for any other.
pub fn verb_bit(verb: &str) -> u32 {
    VERBS.iter().position(|&known| known == verb).map_or(0, |i| 1 << i)
}

/// The bit of `*`.
pub const EVERY_VERB: u32 = 1;

/// The strings of one of a policy rule's lists, read where they are in the
/// tree: copying the lists into vectors was a third of the allocations of
/// a check's rules.
#[derive(Clone, Copy, Debug)]
pub struct Strings<'a> {
    nodes: &'a [Node],
    /// Whether `*` is one of them, found once: the rules ask it of every
    /// list of every policy rule.
    star: bool,
}

impl<'a> Strings<'a> {
    fn of(node: &'a Node, key: &str) -> Self {
        let nodes = node.items(key);
        Strings { nodes, star: nodes.iter().any(|n| n.as_str() == Some("*")) }
    }

    /// Whether `*` is one of them.
    pub fn has_star(self) -> bool {
        self.star
    }

    pub fn iter(self) -> impl Iterator<Item = &'a str> {
        self.nodes.iter().filter_map(Node::as_str)
    }

    pub fn contains(self, s: &str) -> bool {
        self.iter().any(|item| item == s)
    }

    pub fn is_empty(self) -> bool {
        self.iter().next().is_none()
    }

    pub fn to_vec(self) -> Vec<&'a str> {
        self.iter().collect()
    }

    pub fn join(self, separator: &str) -> String {
        self.to_vec().join(separator)
    }
}

/// Whether an object of this group and kind is a Role or ClusterRole.
pub fn is_role(group: &str, kind: &str) -> bool {
    // The kind first: most objects fail it.
    matches!(kind, "Role" | "ClusterRole") && group == RBAC
}

/// A role's policy rules, in order.
pub fn policy_rules(role: &Node) -> Box<[PolicyRule<'_>]> {
    role.items("rules")
        .iter()
        .map(|node| {
            let verbs = Strings::of(node, "verbs");
            PolicyRule {
                node,
                groups: Strings::of(node, "apiGroups"),
                resources: Strings::of(node, "resources"),
                verbs,
                named_objects: !node.items("resourceNames").is_empty(),
                verb_bits: verbs.iter().fold(0, |bits, verb| bits | verb_bit(verb)),
            }
        })
        .collect()
}

//! Pods that operators create from custom resources. A NetworkPolicy or a
//! Service may select pods that no workload in the input templates, because
//! an operator makes them from a custom resource: for well-known operators
//! the labels of those pods are known; for others, that pods may exist.

use crate::yaml::Node;

use super::object::Object;

/// What a custom resource makes, as far as can be told from the input.
pub enum Made<'a> {
    /// Pods with these labels (read in place: every policy of a namespace
    /// with custom resources asks).
    Pods(Vec<(&'a str, &'a str)>),
    /// Nothing that runs: scrape targets, rules, configuration.
    NoPods,
    /// An operator this module does not know: it may create pods.
    Unknown,
}

/// The Prometheus Operator's pod-making kinds, with the value of
/// `app.kubernetes.io/name` (and of the kind's own label) on their pods.
const PROMETHEUS_OPERATOR: [(&str, &str); 4] = [
    ("Prometheus", "prometheus"),
    ("PrometheusAgent", "prometheus-agent"),
    ("Alertmanager", "alertmanager"),
    ("ThanosRuler", "thanos-ruler"),
];

/// What a custom resource makes (`Made::NoPods` for built-in objects).
pub fn made_by<'a>(object: &Object<'a>) -> Made<'a> {
    if !object.is_custom() {
        return Made::NoPods;
    }
    if object.group() != "monitoring.coreos.com" {
        return Made::Unknown;
    }
    let Some((_, app)) = PROMETHEUS_OPERATOR.iter().find(|(kind, _)| *kind == object.kind) else {
        return Made::NoPods;
    };
    let name = object.name.unwrap_or("");
    // The operator adds its own labels to those of spec.podMetadata.
    let mut labels: Vec<(&str, &str)> = object
        .node
        .at(&["spec", "podMetadata", "labels"])
        .and_then(Node::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|e| Some((e.key.as_str(), e.value.as_str()?)))
        .collect();
    let own = [
        ("app.kubernetes.io/name", *app),
        ("app.kubernetes.io/instance", name),
        ("app.kubernetes.io/managed-by", "prometheus-operator"),
        ("operator.prometheus.io/name", name),
        (app, name),
    ];
    labels.extend(own);
    Made::Pods(labels)
}

//! The object kinds a rule reads, for its `kinds` metadata: a kind's name,
//! `group/*` for every kind of an API group, or `*` for any object.

/// The built-in kinds that run or template a pod (see `k8s::PodView`),
/// and the kinds given: `workloads_and!("Namespace")`. The one place the
/// list is written; [`WORKLOADS`] is it alone.
macro_rules! workloads_and {
    ($($kind:literal),*) => {
        &[$($kind,)* "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "PodTemplate"]
    };
}
pub(crate) use workloads_and;

/// What a rule on pods or containers reads.
pub const WORKLOADS: &[&str] = workloads_and!();

/// What a control-plane flag rule reads: pods running the binary and the
/// kubeadm `ClusterConfiguration` that writes its flags.
pub const CONTROL_PLANE: &[&str] = workloads_and!("ClusterConfiguration");

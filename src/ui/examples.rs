//! The examples gallery: one insecure sample per practice, for workshops.

use posture::rules::Practice;
use yew::prelude::*;

use super::state::{Action, State};

pub struct Example {
    pub id: &'static str,
    pub practice: Practice,
    pub title: &'static str,
    /// What to point out when it is on the projector.
    pub look_for: &'static str,
    pub yaml: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        id: "pod-security",
        practice: Practice::PodSecurity,
        title: "A node agent with the keys to the node",
        look_for: "A DaemonSet that shares the node's PID and network namespaces, runs privileged with SYS_ADMIN, \
            and mounts the node's root file system; a CronJob that asks for UID 0. Switch the Pod Security level \
            between baseline and restricted and watch which findings remain.",
        yaml: include_str!("../../web/examples/pod-security.yaml"),
    },
    Example {
        id: "rbac",
        practice: Practice::ApiAccess,
        title: "A CI robot bound to cluster-admin",
        look_for: "cluster-admin bound to a service account, a Role with wildcards everywhere, Secret reads and \
            pods/exec, and that Role bound to every authenticated user. Least privilege means naming verbs and \
            resources, and never binding system groups to broad roles.",
        yaml: include_str!("../../web/examples/rbac.yaml"),
    },
    Example {
        id: "encryption-at-rest",
        practice: Practice::Encryption,
        title: "Secrets written in plaintext",
        look_for: "The first provider is the one used for writes: with identity first, new Secrets reach etcd \
            unencrypted even though an aescbc key follows. Keys kept inline in the file are only as safe as the \
            file; a KMS v2 plugin keeps them off the control-plane disk.",
        yaml: include_str!("../../web/examples/encryption-at-rest.yaml"),
    },
    Example {
        id: "image-policy",
        practice: Practice::ImagePolicy,
        title: "Images by mutable tag from anywhere",
        look_for: "An image with no tag (so latest), another explicitly :latest from a public registry, neither \
            pinned by digest. What runs can change without a deploy, and nothing restricts where it comes from.",
        yaml: include_str!("../../web/examples/image-policy.yaml"),
    },
    Example {
        id: "network-policy",
        practice: Practice::NetworkPolicy,
        title: "Egress to everywhere, metadata service included",
        look_for: "The namespace has no default-deny policy, and the only policy allows egress to 0.0.0.0/0 \
            without excepting 169.254.169.254, so a compromised pod can ask the cloud metadata service for the \
            node's credentials.",
        yaml: include_str!("../../web/examples/network-policy.yaml"),
    },
    Example {
        id: "audit-policy",
        practice: Practice::Audit,
        title: "An audit policy that writes Secrets to the log",
        look_for: "Audit rules are first-match. The first rule logs Secrets and ConfigMaps at RequestResponse, so \
            their contents land in the audit log; requests matching no rule are not logged at all.",
        yaml: include_str!("../../web/examples/audit-policy.yaml"),
    },
    Example {
        id: "control-plane",
        practice: Practice::ControlPlane,
        title: "An API server that lets everyone in",
        look_for: "Anonymous requests allowed, AlwaysAllow authorization, the AlwaysAdmit admission plugin, \
            profiling on, and no encryption provider configuration or audit log. The static pod itself also uses \
            the host network and a hostPath mount, which is expected for the API server but worth knowing.",
        yaml: include_str!("../../web/examples/control-plane.yaml"),
    },
    Example {
        id: "kubelet-config",
        practice: Practice::ControlPlane,
        title: "A kubelet anyone can drive",
        look_for: "Anonymous requests allowed and authorization AlwaysAllow: anyone who reaches port 10250 can run \
            commands in every container on the node. The read-only port 10255 serves pod specs without any \
            authentication, idle exec sessions never time out, and certificates are never rotated.",
        yaml: include_str!("../../web/examples/kubelet-config.yaml"),
    },
    Example {
        id: "admission-policies",
        practice: Practice::Admission,
        title: "Policies that only watch",
        look_for: "A Kyverno signature check without validationFailureAction (so Audit, the default), a \
            Gatekeeper registry allowlist in dryrun, and a ValidatingAdmissionPolicy binding that only warns. Each \
            describes a control; none of them stops anything.",
        yaml: include_str!("../../web/examples/admission-policies.yaml"),
    },
];

#[derive(Properties, PartialEq)]
pub struct Props {
    pub dispatch: UseReducerDispatcher<State>,
}

#[function_component(Gallery)]
pub fn gallery(props: &Props) -> Html {
    html! {
        <details class="menu gallery">
            <summary>{"Examples"}</summary>
            <ul>
                { for EXAMPLES.iter().map(|example| {
                    let dispatch = props.dispatch.clone();
                    let onclick = Callback::from(move |_| dispatch.dispatch(Action::Load(example.yaml.to_owned())));
                    html! {
                        <li data-testid="example" data-example={example.id}>
                            <button {onclick}>
                                <span class="practice">{example.practice.title()}</span>
                                <strong>{example.title}</strong>
                            </button>
                            <p>{example.look_for}</p>
                        </li>
                    }
                }) }
            </ul>
        </details>
    }
}

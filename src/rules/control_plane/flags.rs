//! Checks that several control-plane binaries share, written once: each
//! binary's rule is one row (`profiling_rule!`, `bind_address_rule!`) in its
//! own family's module, so `scheduler/profiling` is found in `scheduler.rs`.

use std::net::IpAddr;

use crate::fix::{Editor, Planned, Scalar};
use crate::k8s::Process;
use crate::rules::Hits;

/// The edits that make a process run with `--name=value`: the flag's own
/// list item rewritten (the last occurrence, the one that counts), or the
/// flag appended to the list the flags are in. Refused for flags inside a
/// shell script or written as two words, and for kubeadm's `extraArgs` (not
/// yet edited mechanically).
pub fn set_flag(p: &Process, editor: &Editor, name: &str, value: &str) -> Planned {
    let Some(container) = p.container else {
        return Err("the flag is set in kubeadm extraArgs; edit it there by hand".into());
    };
    let c = container.node;
    let lists = [c.get("command"), c.get("args")];
    let items = || lists.iter().flatten().flat_map(|l| l.as_seq().unwrap_or(&[]));
    if items()
        .next()
        .and_then(|n| n.as_str())
        .is_some_and(|first| matches!(first.rsplit('/').next(), Some("sh" | "bash")))
    {
        return Err("the flags are inside a shell script; edit it by hand".into());
    }
    let word = text!("--{name}={value}");
    match p.flag(name) {
        Some(flag) => {
            let node = items().find(|n| n.span == flag.span).ok_or("cannot find the flag's list item")?;
            let text = node.as_str().unwrap_or("");
            if !(text.starts_with(&text!("--{name}=")) || text == text!("--{name}")) {
                return Err(text!("--{name} and its value are separate words; edit them by hand"));
            }
            editor.replace(node, &Scalar::Str(word))
        }
        None => {
            let list = lists.iter().rev().flatten().find(|l| l.as_seq().is_some_and(|s| !s.is_empty()));
            let list = list.ok_or("no command or args list to add the flag to")?;
            editor.append(list, &Scalar::Str(word))
        }
    }
}

/// `--profiling` defaults to true in kube-apiserver, kube-controller-manager
/// and kube-scheduler.
pub fn profiling(p: &Process, hits: &mut Hits) {
    if p.bool("profiling", true) {
        let how = if p.flag("profiling").is_some() { "is on" } else { "is on by default" };
        let edit = set_flag(p, &hits.editor(), "profiling", "false");
        hits.at(p.at("profiling"), text!("{} profiling {how}", p.component.binary()))
            .fix(p.fix(&["--profiling=false"]))
            .edit(edit);
    }
}

/// `--bind-address` defaults to 0.0.0.0 in kube-controller-manager and
/// kube-scheduler; only a loopback address keeps their port on the node.
pub fn bind_address(p: &Process, hits: &mut Hits) {
    let address = p.value("bind-address").unwrap_or("0.0.0.0");
    let ip = address.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().ok();
    if address == "localhost" || ip.is_some_and(|ip| ip.is_loopback()) {
        return;
    }
    let how = if p.flag("bind-address").is_some() { "is" } else { "defaults to" };
    let edit = set_flag(p, &hits.editor(), "bind-address", "127.0.0.1");
    let reach = if ip.is_some_and(|ip| ip.is_unspecified()) {
        "listen on every interface"
    } else {
        "are reachable from the network"
    };
    hits.at(
        p.at("bind-address"),
        text!(
            "{} --bind-address {how} {address}: its metrics, health and debug endpoints {reach}",
            p.component.binary()
        ),
    )
    .fix(p.fix(&["--bind-address=127.0.0.1"]))
    .edit(edit);
}

/// The `<family>/profiling` rule of one binary.
macro_rules! profiling_rule {
    (
        family: $family:ident, id: $id:literal, component: $component:ident, binary: $binary:literal,
        who: $who:literal, cis: $cis:expr, sources: $sources:expr, doc: $doc:expr, good: $good:expr $(,)?
    ) => {
        crate::rules::Rule {
            id: $id,
            family: crate::rules::Family::$family,
            title: concat!($who, " exposes profiling endpoints"),
            severity: crate::rules::Severity::Low,
            practice: crate::rules::Practice::ControlPlane,
            rationale: concat!(
                "--profiling defaults to true in ",
                $binary,
                ": its /debug/pprof endpoints reveal the process's internals (goroutines, heap, ",
                "command line) to anyone allowed to reach them and can be used to load it. Production ",
                "servers do not need them."
            ),
            references: &[$doc],
            cis: &[$cis],
            sources: $sources,
            kinds: crate::rules::kinds::CONTROL_PLANE,
            remediation: "Set --profiling=false.",
            snippet: "- --profiling=false",
            pss: None,
            bad: &[
                static_pod!($binary, concat!("    - --profiling=true  # expect: ", $id, "\n")),
                static_pod!($binary, command: concat!("  # expect: ", $id), "    - --v=2\n"),
                shell_pod!($binary, "--v=2 --profiling", concat!("  # expect: ", $id)),
            ],
            // The last occurrence of a flag wins.
            good: &[$good, static_pod!($binary, "    - --profiling=true\n    - --profiling=false\n")],
            check: |object, hits| {
                crate::k8s::Process::each(object, crate::k8s::Component::$component, |p| {
                    crate::rules::control_plane::flags::profiling(p, hits)
                })
            },
        }
    };
}
pub(crate) use profiling_rule;

/// The `<family>/bind-address` rule of one binary.
macro_rules! bind_address_rule {
    (
        family: $family:ident, id: $id:literal, component: $component:ident, binary: $binary:literal,
        who: $who:literal, cis: $cis:expr, sources: $sources:expr, doc: $doc:expr, good: $good:expr $(,)?
    ) => {
        crate::rules::Rule {
            id: $id,
            family: crate::rules::Family::$family,
            title: concat!($who, " listens on all interfaces"),
            severity: crate::rules::Severity::Medium,
            practice: crate::rules::Practice::ControlPlane,
            rationale: concat!(
                "--bind-address defaults to 0.0.0.0 in ",
                $binary,
                ", exposing its secure port (metrics, health and, with profiling on, debug endpoints) ",
                "to the whole network instead of only the node it runs on."
            ),
            references: &[$doc],
            cis: &[$cis],
            sources: $sources,
            kinds: crate::rules::kinds::CONTROL_PLANE,
            remediation: "Set --bind-address=127.0.0.1 (or ::1).",
            snippet: "- --bind-address=127.0.0.1",
            pss: None,
            bad: &[
                static_pod!($binary, concat!("    - --bind-address=0.0.0.0  # expect: ", $id, "\n")),
                static_pod!($binary, command: concat!("  # expect: ", $id), "    - --profiling=false\n"),
                static_pod!($binary, concat!("    - --bind-address=10.0.0.12  # expect: ", $id, "\n")),
            ],
            good: &[
                $good,
                static_pod!($binary, "    - --bind-address=::1\n    - --profiling=false\n"),
                shell_pod!($binary, "--bind-address localhost"),
            ],
            check: |object, hits| {
                crate::k8s::Process::each(object, crate::k8s::Component::$component, |p| {
                    crate::rules::control_plane::flags::bind_address(p, hits)
                })
            },
        }
    };
}
pub(crate) use bind_address_rule;

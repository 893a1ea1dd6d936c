//! Remediation snippets shown where they go: inside one container, or in
//! the pod spec, with a comment naming the path. Every family that fixes
//! pods uses these, so snippets read the same everywhere.

use crate::k8s::{Container, ContainerList, PodView};

/// A fix inside one container, shown where it goes.
pub fn container_fix(pod: &PodView, c: &Container, body: &str) -> String {
    let list = c.list.field();
    let name = crate::clip::value(c.name);
    // An Argo Workflows template holds one container, not a list.
    let (mut fix, indent) = if c.list == ContainerList::Template {
        (text!("# in {}.templates[name: {name}]\n{list}:\n", pod.spec_path), "  ")
    } else {
        (text!("# in {}.{list}\n{list}:\n  - name: {name}\n", pod.spec_path), "    ")
    };
    for line in body.lines() {
        fix.push_str(indent);
        fix.push_str(line);
        fix.push('\n');
    }
    fix
}

/// A fix in the pod spec, shown where it goes.
pub fn pod_fix(pod: &PodView, body: &str) -> String {
    text!("# in {}\n{body}\n", pod.spec_path)
}

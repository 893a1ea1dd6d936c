//! Remediation snippets shown where they go: inside one container, or in
//! the pod spec, with a comment naming the path. Every family that fixes
//! pods uses these, so snippets read the same everywhere.

use crate::k8s::{Container, ContainerList, PodView};

/// A fix inside one container, shown where it goes. Laid out piece by
/// piece at its final length: many findings of a large input carry one
/// (and keep it fitted to its text).
pub fn container_fix(pod: &PodView, c: &Container, body: &str) -> String {
    let list = c.list.field();
    let name = crate::clip::value(c.name);
    // An Argo Workflows template holds one container, not a list.
    let (head, indent): (&[&str], &str) = if c.list == ContainerList::Template {
        (&["# in ", pod.spec_path, ".templates[name: ", &name, "]\n", list, ":\n"], "  ")
    } else {
        (&["# in ", pod.spec_path, ".", list, "\n", list, ":\n  - name: ", &name, "\n"], "    ")
    };
    // The body's lines, each indented and ended: its length (less any `\r`
    // before a line break, which `lines` drops), with an indentation and a
    // line break for each line.
    let breaks = body.bytes().filter(|&b| b == b'\n').count();
    let lines = breaks + usize::from(!body.is_empty() && !body.ends_with('\n'));
    let length = head.iter().map(|piece| piece.len()).sum::<usize>() + body.len() - breaks + lines * (indent.len() + 1);
    let mut fix = String::with_capacity(length);
    head.iter().for_each(|piece| fix.push_str(piece));
    // `body.lines()`, cut byte by byte: a body is a few short lines, where
    // a `char` searcher costs more to set up than the search.
    let mut rest = body;
    while !rest.is_empty() {
        // As `lines` does, a `\r` goes only before a line break: a last
        // line without one keeps it.
        let (line, next) = match rest.bytes().position(|b| b == b'\n') {
            Some(end) => (rest[..end].strip_suffix('\r').unwrap_or(&rest[..end]), &rest[end + 1..]),
            None => (rest, ""),
        };
        fix.push_str(indent);
        fix.push_str(line);
        fix.push('\n');
        rest = next;
    }
    fix
}

/// A fix in the pod spec, shown where it goes.
pub fn pod_fix(pod: &PodView, body: &str) -> String {
    joined!("# in ", pod.spec_path, "\n", body, "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::{contents, Contents};
    use crate::yaml::{parse_stream, LineIndex};

    /// A container fix's body is laid out line by line exactly as
    /// `str::lines` cuts it: a `\r` before a line break goes, a last
    /// line's bare `\r` stays.
    #[test]
    fn a_body_is_cut_as_lines_cuts_it() {
        let text =
            b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n";
        let stream = parse_stream(text, &LineIndex::new(text), &Default::default());
        let root = stream.documents[0].root.as_ref().expect("parses");
        let Ok(Contents::Objects(objects)) = contents(root) else { panic!("one object") };
        let pod = objects[0].pod().expect("a pod");
        let container = pod.containers().next().expect("a container");
        for body in ["a: 1\r\nb: 2\n", "a: 1\nb: 2\r", "a\r\n\r\nb", "x\r\r\n", ""] {
            let laid = container_fix(pod, &container, body);
            let lines: String = body.lines().map(|line| format!("    {line}\n")).collect();
            assert!(
                laid.ends_with(&format!("image: nginx\n{lines}")) || laid.ends_with(&format!("name: app\n{lines}")),
                "{body:?} -> {laid:?}"
            );
        }
    }
}

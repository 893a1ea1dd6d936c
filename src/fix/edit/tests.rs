use super::*;
use crate::fix::splice;
use crate::yaml::{parse_stream, Limits, LineIndex};

fn root(text: &str) -> Node {
    let lines = LineIndex::new(text.as_bytes());
    let stream = parse_stream(text.as_bytes(), &lines, &Limits::default());
    stream.documents.into_iter().next().unwrap().root.unwrap()
}

/// Applies `op` to the first document and returns the new text (or the
/// refusal).
fn run(text: &str, op: impl Fn(&Editor, &Node) -> Planned) -> Result<String, String> {
    let node = root(text);
    let edits = op(&Editor::new(text.as_bytes()), &node)?;
    let out = String::from_utf8(splice(text.as_bytes(), &edits)).unwrap();
    // Every result parses.
    let lines = LineIndex::new(out.as_bytes());
    let stream = parse_stream(out.as_bytes(), &lines, &Limits::default());
    assert!(stream.documents.iter().all(|d| d.root.is_ok()), "does not parse:\n{out}");
    Ok(out)
}

fn container(node: &Node) -> &Node {
    &node.at(&["spec"]).unwrap().items("containers")[0]
}

const POD2: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app  # the app\n    image: nginx:1.27\n  # trailing comment\n";

#[test]
fn inserts_chain_at_the_mapping_indentation() {
    let out =
        run(POD2, |e, n| e.set(container(n), &["securityContext", "allowPrivilegeEscalation"], Scalar::Bool(false)))
            .unwrap();
    assert_eq!(
        out,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app  # the app\n    image: nginx:1.27\n    securityContext:\n      allowPrivilegeEscalation: false\n  # trailing comment\n"
    );
}

#[test]
fn four_space_indentation_and_indented_sequences() {
    let text = "spec:\n    containers:\n        -   name: app\n            securityContext:\n                runAsUser: 1000\n";
    let out = run(text, |e, n| {
        e.set(
            &n.at(&["spec"]).unwrap().items("containers")[0],
            &["securityContext", "capabilities", "drop"],
            Val::Seq(vec![Scalar::str("ALL")]),
        )
    })
    .unwrap();
    assert_eq!(
        out,
        "spec:\n    containers:\n        -   name: app\n            securityContext:\n                runAsUser: 1000\n                capabilities:\n                    drop: [ALL]\n"
    );
}

#[test]
fn sets_existing_scalars_keeping_quotes() {
    let text = "a:\n  x: true # c\n  q: 'Unmasked'\n  z: \"v\"\n";
    let out = run(text, |e, n| e.set(n, &["a", "x"], Scalar::Bool(false))).unwrap();
    assert_eq!(out, "a:\n  x: false # c\n  q: 'Unmasked'\n  z: \"v\"\n");
    let out = run(text, |e, n| e.set(n, &["a", "q"], Scalar::str("Default"))).unwrap();
    assert_eq!(out, "a:\n  x: true # c\n  q: 'Default'\n  z: \"v\"\n");
    let out = run(text, |e, n| e.set(n, &["a", "z"], Scalar::str("yes"))).unwrap();
    assert_eq!(out, "a:\n  x: true # c\n  q: 'Unmasked'\n  z: \"yes\"\n");
    let out = run(text, |e, n| e.set(n, &["a", "w"], Scalar::str("on"))).unwrap();
    assert_eq!(out, "a:\n  x: true # c\n  q: 'Unmasked'\n  z: \"v\"\n  w: \"on\"\n");
    let out = run(text, |e, n| e.set(n, &["a", "w"], Scalar::str("0755"))).unwrap();
    assert!(out.ends_with("  w: \"0755\"\n"));
    let out = run(text, |e, n| e.set(n, &["a", "w"], Scalar::str("--profiling=false"))).unwrap();
    assert!(out.ends_with("  w: --profiling=false\n"));
    // Already so: no edit.
    assert_eq!(run(text, |e, n| e.set(n, &["a", "x"], Scalar::Bool(true))).unwrap(), text);
}

#[test]
fn crlf_bom_and_missing_final_newline() {
    let text = "\u{feff}a:\r\n  x: 1\r\n  y: 2";
    let out = run(text, |e, n| e.set(n, &["a", "z"], Scalar::Int(3))).unwrap();
    assert_eq!(out, "\u{feff}a:\r\n  x: 1\r\n  y: 2\r\n  z: 3");
    let out = run("a:\r\n  x: 1\r\n", |e, n| e.set(n, &["a", "b", "c"], Scalar::Bool(true))).unwrap();
    assert_eq!(out, "a:\r\n  x: 1\r\n  b:\r\n    c: true\r\n");
}

#[test]
fn empty_parents_are_filled() {
    let cases = [
        ("a:\n  sc:\n  k: 1\n", "a:\n  sc:\n    x: false\n  k: 1\n"),
        ("a:\n  sc: {}\n  k: 1\n", "a:\n  sc:\n    x: false\n  k: 1\n"),
        ("a:\n  sc: ~ # none\n  k: 1\n", "a:\n  sc:\n    x: false # none\n  k: 1\n"),
    ];
    for (text, want) in cases {
        assert_eq!(run(text, |e, n| e.set(n, &["a", "sc", "x"], Scalar::Bool(false))).unwrap(), want, "{text}");
    }
    assert_eq!(
        run("a:\n  x:\n  k: 1\n", |e, n| e.set(n, &["a", "x"], Scalar::Bool(false))).unwrap(),
        "a:\n  x: false\n  k: 1\n"
    );
}

#[test]
fn flow_mappings() {
    let text = "a: {x: 1, y: 2}\n";
    assert_eq!(
        run(text, |e, n| e.set(n, &["a", "z", "w"], Scalar::Bool(true))).unwrap(),
        "a: {x: 1, y: 2, z: {w: true}}\n"
    );
    assert_eq!(
        run("a: {}\n", |e, n| e.set(n, &["a", "z"], Scalar::Bool(true))).unwrap(),
        "a: {z: true}\n".replace("{z: true}", "\n  z: true").as_str().to_owned().replace("a: \n", "a:\n")
    );
    assert!(run("a: {x: 1,\n  y: 2}\n", |e, n| e.set(n, &["a", "z"], Scalar::Bool(true))).is_err());
}

#[test]
fn lists_append_in_their_style() {
    let text = "c:\n  drop:\n  - NET_RAW\n  add: [CHOWN]\n";
    assert_eq!(
        run(text, |e, n| e.add_item(n, &["c", "drop"], Scalar::str("ALL"))).unwrap(),
        "c:\n  drop:\n  - NET_RAW\n  - ALL\n  add: [CHOWN]\n"
    );
    assert_eq!(
        run(text, |e, n| e.add_item(n, &["c", "add"], Scalar::str("ALL"))).unwrap(),
        "c:\n  drop:\n  - NET_RAW\n  add: [CHOWN, ALL]\n"
    );
    assert_eq!(
        run(text, |e, n| e.add_item(n, &["c", "x"], Scalar::str("ALL"))).unwrap(),
        "c:\n  drop:\n  - NET_RAW\n  add: [CHOWN]\n  x: [ALL]\n"
    );
    assert_eq!(run(text, |e, n| e.add_item(n, &["c", "drop"], Scalar::str("NET_RAW"))).unwrap(), text);
    let quoted = "c:\n    - \"--a=1\"\n";
    assert_eq!(
        run(quoted, |e, n| e.append(n.get("c").unwrap(), &Scalar::str("--b=2"))).unwrap(),
        "c:\n    - \"--a=1\"\n    - \"--b=2\"\n"
    );
}

#[test]
fn removes_items() {
    let text = "c:\n  add: [A, B, C]\n  one: [A]\n  b:\n  - A\n  - B # x\n";
    let caps = |n: &Node, k: &str| n.get("c").unwrap().get(k).unwrap().clone();
    assert_eq!(
        run(text, |e, n| {
            let s = caps(n, "add");
            e.remove_item(&s, &s.as_seq().unwrap()[1])
        })
        .unwrap(),
        text.replace("[A, B, C]", "[A, C]")
    );
    assert_eq!(
        run(text, |e, n| {
            let s = caps(n, "add");
            e.remove_item(&s, &s.as_seq().unwrap()[2])
        })
        .unwrap(),
        text.replace("[A, B, C]", "[A, B]")
    );
    assert_eq!(
        run(text, |e, n| {
            let s = caps(n, "one");
            e.remove_item(&s, &s.as_seq().unwrap()[0])
        })
        .unwrap(),
        text.replace("[A]", "[]")
    );
    assert_eq!(
        run(text, |e, n| {
            let s = caps(n, "b");
            e.remove_item(&s, &s.as_seq().unwrap()[1])
        })
        .unwrap(),
        text.replace("  - B # x\n", "")
    );
}

#[test]
fn removes_lines() {
    let text = "spec:\n  hostNetwork: true  # why\n  containers: []\n";
    assert_eq!(run(text, |e, n| e.remove(n.get("spec").unwrap(), "hostNetwork")).unwrap(), "spec:\n  containers: []\n");
    let last = "spec:\n  a: 1\n  hostPID: true";
    assert_eq!(run(last, |e, n| e.remove(n.get("spec").unwrap(), "hostPID")).unwrap(), "spec:\n  a: 1");
    assert!(run("spec:\n  hostPID: true\n", |e, n| e.remove(n.get("spec").unwrap(), "hostPID")).is_err());
}

#[test]
fn refuses_anchors_aliases_merges_tags_block_scalars() {
    let anchored = "a:\n  sc: &sc\n    x: true\n  other: *sc\n";
    assert!(run(anchored, |e, n| e.set(n, &["a", "sc", "x"], Scalar::Bool(false))).is_err());
    assert!(run(anchored, |e, n| e.set(n, &["a", "other", "x"], Scalar::Bool(false))).is_err());
    let merged = "base: &b\n  x: true\na:\n  <<: *b\n  y: 1\n";
    assert!(run(merged, |e, n| e.set(n, &["a", "x"], Scalar::Bool(false))).is_err());
    assert!(run(merged, |e, n| e.set(n, &["a", "z"], Scalar::Bool(false))).is_err());
    let tagged = "a:\n  x: !!str true\n";
    assert!(run(tagged, |e, n| e.set(n, &["a", "x"], Scalar::Bool(false))).is_err());
    let block = "a:\n  x: |\n    text\n";
    assert!(run(block, |e, n| e.set(n, &["a", "x"], Scalar::str("t"))).is_err());
}

#[test]
fn inserts_after_a_trailing_block_scalar() {
    let text = "c:\n  args:\n  - |\n    echo hi\n\n  name: x\nd: 1\n";
    let out = run(text, |e, n| e.set(n, &["c", "z"], Scalar::Bool(true))).unwrap();
    assert_eq!(out, "c:\n  args:\n  - |\n    echo hi\n\n  name: x\n  z: true\nd: 1\n");
    let text = "c:\n  name: x\n  args:\n  - |\n    echo hi\nd: 1\n";
    let out = run(text, |e, n| e.set(n, &["c", "z"], Scalar::Bool(true))).unwrap();
    assert_eq!(out, "c:\n  name: x\n  args:\n  - |\n    echo hi\n  z: true\nd: 1\n");
}

#[test]
fn words_are_judged_as_the_parser_reads_them() {
    // Words take a short cut past the parse; it must agree with the parse.
    let words = [
        "securityContext",
        "allowPrivilegeEscalation",
        "RuntimeDefault",
        "ALL",
        "my-app",
        "docker.io/nginx",
        "a.b_c-d/e",
        "x1",
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "NO",
        "on",
        "On",
        "ON",
        "off",
        "OFF",
        "true",
        "True",
        "TRUE",
        "false",
        "FALSE",
        "null",
        "Null",
        "NULL",
        "nan",
        "NaN",
        "inf",
        "Infinity",
        "e3",
        "o17",
        "x1F",
        "b101",
        "yes.",
        "no-",
        "null/x",
    ];
    for word in words {
        assert!(is_word(word), "{word}");
        assert_eq!(crate::yaml::plain_is_str(word), reads_back(word), "{word}");
    }
    for not_word in ["", "1e3", "0755", ".inf", "-x", "_x", "/x", "a b", "a:b", "a*", "é"] {
        assert!(!is_word(not_word), "{not_word}");
    }
}

#[test]
fn double_quoted_strings_escape_what_yaml_keeps_out_of_them() {
    let specials = ['\x7f', '\u{80}', '\u{85}', '\u{9f}', '\u{2028}', '\u{2029}', '\u{feff}', '\u{fffe}', '\u{ffff}'];
    for c in specials.into_iter().chain(['"', '\\', '\t', '\0', 'é', '😀']) {
        let s = format!("a{c}b");
        let written = render(&Scalar::Str(s.clone()), Quote::Double);
        assert!(!written.contains(specials), "{written:?}");
        // Our parser reads the fixed YAML back as the same string.
        let text = format!("k: {written}\n");
        let lines = LineIndex::new(text.as_bytes());
        let stream = parse_stream(text.as_bytes(), &lines, &Limits::default());
        let read = stream.documents[0].root.as_ref().ok().and_then(|root| root.get("k")?.as_str().map(str::to_owned));
        assert_eq!(read.as_deref(), Some(s.as_str()), "{written}");
    }
    assert_eq!(render(&Scalar::Str("\u{7f}\u{2028}".into()), Quote::Double), r#""\x7F\u2028""#);
}

/// The step is the least indentation `line_indent` gives a line, whichever
/// line holds it (the search stops early only at one space).
#[test]
fn indent_unit_is_the_least_line_indent() {
    let pieces: [&[u8]; 10] =
        [b"a:\n", b"  ", b" ", b"    b: 1\n", b"#", b"\r\n", b"\n", b"- x\n", b"         deep\n", b"c"];
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..3000 {
        let mut text = Vec::new();
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..next() % 12 {
            text.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
        }
        let least = text.split(|&b| b == b'\n').filter_map(line_indent).min();
        assert_eq!(
            indent_unit(&text),
            least.filter(|&unit| unit <= 8).unwrap_or(2),
            "{:?}",
            String::from_utf8_lossy(&text)
        );
    }
}

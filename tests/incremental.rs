//! The incremental checker gives exactly the report of a full check after
//! every edit: random insertions, deletions and pastes (across document
//! boundaries too) on the corpus, and typing where other objects' rules
//! look (names, labels, bindings), documents added and removed, and edits
//! at document boundaries (`---` lines).
//! `POSTURE_EDITS=20000` runs more edits than the default.

mod common;

use common::Rng;
use std::collections::HashMap;

use posture::engine::Checker;
use posture::report::{to_json, to_text, Style};
use posture::{check_all, Input, Options};

/// Text an edit may insert: YAML structure, document markers, suppression
/// comments, a byte order mark, bytes that are not UTF-8.
const PIECES: &[&[u8]] = &[
    b"---\n",
    b"\n---\n",
    b"...\n",
    b"x",
    b"\n",
    b"  ",
    b": ",
    b"- ",
    b"#",
    b"  # posture:ignore workload reviewed\n",
    b"\xEF\xBB\xBF",
    b"\xFF",
    b"\xC3\xA9",
    b"&a ",
    b"*a",
    b"[",
    b"{",
    b"\"",
    b"hostNetwork: true\n",
    b"kind: Pod\n",
    b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
];

fn corpus() -> Vec<Vec<u8>> {
    let mut files: Vec<_> = ["tests/corpus", "tests/data"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_owned() + dir).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// The report as JSON (every finding, error, suppression and count) and as
/// text (which quotes the lines).
fn rendered(report: &posture::Report, files: &[(&str, &[u8])]) -> [String; 2] {
    let sources: HashMap<String, Vec<u8>> = files.iter().map(|(f, t)| (f.to_string(), t.to_vec())).collect();
    [to_json(report), to_text(report, &sources, Style::default())]
}

/// A range of a text and what replaces it.
type Edit = (std::ops::Range<usize>, Vec<u8>);

/// One random edit of `text`: a range and what replaces it.
fn edit(rng: &mut Rng, text: &[u8], corpus: &[Vec<u8>]) -> Edit {
    let at = rng.below(text.len() + 1);
    let len = match rng.below(4) {
        0 => 0,
        1 => rng.below(4),
        2 => rng.below(200),
        _ => rng.below(text.len() / 4 + 1),
    };
    let range = at..(at + len).min(text.len());
    let inserted = match rng.below(4) {
        0 => Vec::new(),
        1 => PIECES[rng.below(PIECES.len())].to_vec(),
        // A paste of some of the text itself or of another file.
        2 => {
            let from = if rng.below(2) == 0 { text } else { &corpus[rng.below(corpus.len())][..] };
            let start = rng.below(from.len());
            from[start..(start + rng.below(600)).min(from.len())].to_vec()
        }
        _ => {
            let mut bytes = PIECES[rng.below(PIECES.len())].to_vec();
            bytes.extend_from_slice(PIECES[rng.below(PIECES.len())]);
            bytes
        }
    };
    (range, inserted)
}

/// Two inputs of a few corpus files each, edited in turn by `edit`; after
/// every check the incremental report must be the full check's, rendered.
fn compare_after_edits(seed: u64, edits: usize, edit: impl Fn(&mut Rng, &[u8], &[Vec<u8>]) -> Edit) {
    let corpus = corpus();
    let mut rng = Rng(seed);
    let mut done = 0;
    while done < edits {
        let mut texts: Vec<Vec<u8>> = (0..2)
            .map(|_| {
                let mut text = Vec::new();
                for _ in 0..3 {
                    text.extend_from_slice(b"---\n");
                    text.extend_from_slice(&corpus[rng.below(corpus.len())]);
                }
                text
            })
            .collect();
        let names = ["a.yaml", "b.yaml"];
        let options = Options::default();
        let mut checker = Checker::new(options.clone());
        let inputs: Vec<Input> = names.iter().zip(&texts).map(|(file, text)| Input { file, text }).collect();
        checker.check(&inputs);
        for _ in 0..50 {
            // Some edits are applied without a check, as a typist outruns
            // the checker; the next report covers them.
            for _ in 0..rng.below(3) {
                let which = rng.below(texts.len());
                let (range, inserted) = edit(&mut rng, &texts[which], &corpus);
                checker.apply_edit(which, range.clone(), &inserted);
                texts[which].splice(range, inserted);
            }
            let which = rng.below(texts.len());
            let (range, inserted) = edit(&mut rng, &texts[which], &corpus);
            texts[which].splice(range.clone(), inserted.iter().copied());
            let inputs: Vec<Input> = names.iter().zip(&texts).map(|(file, text)| Input { file, text }).collect();
            let full = check_all(&inputs, &options);
            let files: Vec<(&str, &[u8])> = names.iter().copied().zip(texts.iter().map(Vec::as_slice)).collect();
            let (got, want) = (rendered(checker.edit(which, range, &inserted), &files), rendered(&full, &files));
            assert_eq!(checker.text(which), Some(&texts[which][..]));
            if got != want {
                let path = std::env::temp_dir().join(format!("posture-incremental-{seed:x}-{done}.yaml"));
                std::fs::write(&path, &texts[which]).unwrap();
                std::fs::write(path.with_extension("got"), &got[0]).unwrap();
                std::fs::write(path.with_extension("want"), &want[0]).unwrap();
                panic!("edit {done}: the incremental report differs; text saved to {}", path.display());
            }
            done += 1;
        }
    }
}

/// How many edits each test makes: `POSTURE_EDITS`, or `default`.
fn edits(default: usize) -> usize {
    std::env::var("POSTURE_EDITS").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn every_edit_gives_the_report_of_a_full_check() {
    compare_after_edits(0x5DEE_CE66_D1CE_4E5B, edits(2000), edit);
}

/// Where what other objects' rules look up is written: names, namespaces,
/// labels, kinds, role references, subjects, service accounts, selectors.
const LOOKED_UP: &[&[u8]] = &[
    b"name: ",
    b"namespace: ",
    b"kind: ",
    b"app: ",
    b"app.kubernetes.io/name: ",
    b"serviceAccountName: ",
    b"automountServiceAccountToken: ",
    b"podSelector:",
    b"matchLabels:",
    b"roleRef:",
    b"subjects:",
    b"verbs: ",
    b"resources: ",
    b"hostNetwork: ",
    b"# Source: ",
    b"pod-security.kubernetes.io/enforce: ",
];

/// An edit as a person types in one place: a character typed into or
/// deleted from a value that other objects' rules look up (or a
/// suppression comment, a line break), or a whole document added or
/// removed.
fn typed(rng: &mut Rng, text: &[u8], corpus: &[Vec<u8>]) -> Edit {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1))
        .filter(|&i| i <= text.len())
        .collect();
    let documents: Vec<usize> = starts.iter().copied().filter(|&i| text[i..].starts_with(b"---")).collect();
    match rng.below(10) {
        // A document added before another, or at the end.
        0 => {
            let at = *documents.get(rng.below(documents.len() + 1)).unwrap_or(&text.len());
            let mut added = b"---\n".to_vec();
            added.extend_from_slice(&corpus[rng.below(corpus.len())]);
            if !added.ends_with(b"\n") {
                added.push(b'\n');
            }
            (at..at, added)
        }
        // A document removed.
        1 if documents.len() > 1 => {
            let i = rng.below(documents.len());
            let end = documents.get(i + 1).copied().unwrap_or(text.len());
            (documents[i]..end, Vec::new())
        }
        // A line break, or a suppression comment on a line of its own.
        2 => {
            let at = starts[rng.below(starts.len())];
            let piece: &[u8] = match rng.below(3) {
                0 => b"\n",
                1 => b"# posture:ignore workload reviewed\n",
                _ => b"    # posture:ignore rbac,network reviewed\n",
            };
            (at..at, piece.to_vec())
        }
        // A character typed or deleted at the end of a looked-up value
        // (or anywhere, when the text holds none).
        _ => {
            let key = LOOKED_UP[rng.below(LOOKED_UP.len())];
            let found: Vec<usize> =
                text.windows(key.len()).enumerate().filter(|(_, w)| *w == key).map(|(i, _)| i).collect();
            let at = match found.get(rng.below(found.len())) {
                Some(&at) => at + key.len() + text[at + key.len()..].iter().take_while(|&&b| b != b'\n').count(),
                None => rng.below(text.len() + 1),
            };
            if rng.below(2) == 0 && at > 0 && text[at - 1] != b'\n' {
                (at - 1..at, Vec::new())
            } else {
                let typed: &[u8] = [&b"x"[..], b"-", b"0", b" ", b"*", b"\xC3\xA9"][rng.below(6)];
                (at..at, typed.to_vec())
            }
        }
    }
}

#[test]
fn typing_in_looked_up_values_and_moving_documents_gives_the_report_of_a_full_check() {
    compare_after_edits(0x0DDB_1A5E_5BAD_5EED, edits(2000), typed);
}

/// An edit at a document boundary: a `---` line joined to the line above,
/// broken, turned into `...`, or given a directive, an end marker, a
/// comment or a blank line before it. Documents are cut again only around
/// an edit, so these must cut exactly as cutting the whole text does.
fn at_boundary(rng: &mut Rng, text: &[u8], corpus: &[Vec<u8>]) -> Edit {
    let markers: Vec<usize> =
        (0..text.len()).filter(|&i| (i == 0 || text[i - 1] == b'\n') && text[i..].starts_with(b"---")).collect();
    let Some(&at) = markers.get(rng.below(markers.len().max(1))) else { return edit(rng, text, corpus) };
    let inserted: &[u8] =
        [&b"%YAML 1.2\n"[..], b"...\n", b"# c\n", b"--- \n", b"\n", b"x", b"%TAG ! tag:x,2000:\n"][rng.below(7)];
    match rng.below(7) {
        0 if at > 0 => (at - 1..at, Vec::new()),
        // A directive after an end marker belongs to the next document.
        1 if at > 0 => (at - 1..at - 1, b"\n...\n%YAML 1.2".to_vec()),
        2 => (at..at + 1, Vec::new()),
        3 => (at..at + 3, b"...".to_vec()),
        4 => (at + 3..at + 3, [&b"x"[..], b" # c", b"\n"][rng.below(3)].to_vec()),
        _ => (at..at, inserted.to_vec()),
    }
}

#[test]
fn edits_at_document_boundaries_give_the_report_of_a_full_check() {
    compare_after_edits(0xB0DA_4415_0F5E_7713, edits(1000), at_boundary);
}

#[test]
fn edits_out_of_range_are_clipped_or_ignored() {
    let mut checker = Checker::new(Options::default());
    checker.check(&[Input { file: "a.yaml", text: b"a: 1\n" }]);
    checker.edit(0, 3..100, b"2\n");
    assert_eq!(checker.text(0), Some(&b"a: 2\n"[..]));
    checker.edit(0, 50..60, b"");
    checker.edit(7, 0..1, b"x");
    assert_eq!(checker.text(0), Some(&b"a: 2\n"[..]));
    #[allow(clippy::reversed_empty_ranges)]
    checker.edit(0, 4..2, b"#");
    assert_eq!(checker.text(0), Some(&b"a:# 2\n"[..]));
}

/// A suppression comment on the line above a document's first line belongs
/// to the document before: editing it changes a finding of the next one,
/// whose text (and lines) did not change.
#[test]
fn a_suppression_above_a_document_follows_its_edits() {
    let text = b"a: 1\n# posture:ignore pss,workload,image,network reviewed\n--- {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: nginx}]}}\n";
    let mut checker = Checker::new(Options::default());
    let suppressed = checker.check(&[Input { file: "a.yaml", text }]).suppressed.len();
    assert!(suppressed > 0, "the comment suppresses findings on the line below it");
    // `posture:ignore` becomes `posture:ignorX`: no longer a suppression.
    let at = text.windows(6).position(|w| w == b"ignore").unwrap() + 5;
    let report = checker.edit(0, at..at + 1, b"X");
    let mut now = text.to_vec();
    now[at] = b'X';
    let full = check_all(&[Input { file: "a.yaml", text: &now }], &Options::default());
    let files = [("a.yaml", &now[..])];
    assert_eq!(rendered(report, &files), rendered(&full, &files));
    assert!(full.suppressed.len() < suppressed);
}

/// A new line moves every line below it: kept findings far below move with
/// it, and a finding whose message names a line (an audit policy rule's)
/// is found again, naming the new line.
#[test]
fn a_new_line_moves_the_lines_findings_name_far_below() {
    let corpus = corpus();
    let mut text =
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n"
            .to_vec();
    for file in corpus.iter().take(6) {
        text.extend_from_slice(b"---\n");
        text.extend_from_slice(file);
    }
    text.extend_from_slice(b"---\n");
    text.extend_from_slice(
        &std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/seed-audit-policy.yaml")).unwrap(),
    );
    let mut checker = Checker::new(Options::default());
    let naming = |report: &posture::Report| -> Vec<String> {
        report.findings.iter().filter(|f| f.message.contains("(line ")).map(|f| f.message.clone()).collect()
    };
    let before = naming(checker.check(&[Input { file: "a.yaml", text: &text }]));
    assert!(!before.is_empty(), "an audit finding names its policy rule's line");
    for at in [4, 0] {
        text.insert(at, b'\n');
        let report = checker.edit(0, at..at, b"\n");
        let full = check_all(&[Input { file: "a.yaml", text: &text }], &Options::default());
        let files = [("a.yaml", &text[..])];
        assert_eq!(rendered(report, &files), rendered(&full, &files));
        assert_ne!(naming(report), before);
    }
}

/// One input checked incrementally and compared with a full check.
struct Session {
    text: Vec<u8>,
    checker: Checker,
}

impl Session {
    fn new(text: Vec<u8>) -> Self {
        let mut checker = Checker::new(Options::default());
        checker.check(&[Input { file: "a.yaml", text: &text }]);
        Session { text, checker }
    }

    /// Applies an edit without checking.
    fn apply(&mut self, range: std::ops::Range<usize>, inserted: &[u8]) {
        self.checker.apply_edit(0, range.clone(), inserted);
        self.text.splice(range, inserted.iter().copied());
    }

    /// The incremental report must be the full check's.
    fn compare(&mut self, what: &str) {
        let files = [("a.yaml", &self.text[..])];
        let full = check_all(&[Input { file: "a.yaml", text: &self.text }], &Options::default());
        let got = rendered(self.checker.report(), &files);
        if got != rendered(&full, &files) {
            let path = std::env::temp_dir().join("posture-incremental-same-content.yaml");
            std::fs::write(&path, &self.text).unwrap();
            panic!("{what}: the incremental report differs; text saved to {}", path.display());
        }
    }

    /// Where each document (`---` line) starts, and the text's end.
    fn documents(&self) -> Vec<usize> {
        let text = &self.text;
        (0..text.len()).filter(|&i| (i == 0 || text[i - 1] == b'\n') && text[i..].starts_with(b"---")).collect()
    }
}

/// Edits after which objects others look up read as they did, or differ
/// from it, while their documents are parsed again: a comment or a blank
/// line typed into a document; a looked-up value changed and changed back
/// (with or without a check between); a document moved elsewhere (the same
/// content at another place: lookups list it in another order) or copied
/// next to itself. Copies of corpus files whose objects share namespaces,
/// so that many objects look up the ones edited.
#[test]
fn edits_that_leave_objects_reading_the_same_give_the_report_of_a_full_check() {
    let corpus = corpus();
    let mut rng = Rng(0x5A3E_C0DE_F1E1_D5AF);
    for _ in 0..edits(200) / 4 {
        let mut text = Vec::new();
        let files: Vec<usize> = (0..3).map(|_| rng.below(corpus.len())).collect();
        for copy in 0..2 {
            for &f in &files {
                let named = String::from_utf8_lossy(&corpus[f]).replace("name: ", &format!("name: c{copy}-"));
                text.extend_from_slice(b"---\n");
                text.extend_from_slice(named.trim_end_matches('\n').as_bytes());
                text.push(b'\n');
            }
        }
        let mut session = Session::new(text);
        for _ in 0..4 {
            let starts: Vec<usize> = std::iter::once(0)
                .chain(session.text.iter().enumerate().filter(|(_, &b)| b == b'\n').map(|(i, _)| i + 1))
                .filter(|&i| i < session.text.len())
                .collect();
            let line = starts[rng.below(starts.len())];
            match rng.below(6) {
                // A comment line, or a blank line, typed into a document
                // and removed again.
                0 | 1 => {
                    let typed: &[u8] = if rng.below(2) == 0 { b"# a note\n" } else { b"\n" };
                    session.apply(line..line, typed);
                    session.compare("a comment or blank line typed");
                    session.apply(line..line + typed.len(), b"");
                    session.compare("a comment or blank line removed");
                }
                // A `#` typed at the end of a line (a comment after a value)
                // or of the text.
                2 => {
                    let end =
                        session.text[line..].iter().position(|&b| b == b'\n').map_or(session.text.len(), |n| line + n);
                    let at = if rng.below(2) == 0 { end } else { session.text.len() };
                    session.apply(at..at, b" #");
                    session.compare("a comment typed at a line's end");
                }
                // A looked-up value changed then changed back, with or
                // without a check between.
                3 => {
                    let key = LOOKED_UP[rng.below(LOOKED_UP.len())];
                    let text = &session.text;
                    let found: Vec<usize> =
                        text.windows(key.len()).enumerate().filter(|(_, w)| *w == key).map(|(i, _)| i).collect();
                    let Some(&at) = found.get(rng.below(found.len())) else { continue };
                    let at = at + key.len() + text[at + key.len()..].iter().take_while(|&&b| b != b'\n').count();
                    session.apply(at..at, b"x");
                    if rng.below(2) == 0 {
                        session.compare("a looked-up value changed");
                    }
                    session.apply(at..at + 1, b"");
                    session.compare("a looked-up value changed back");
                }
                // A document moved before another (or to the end), with or
                // without a check between the cut and the paste.
                4 => {
                    let documents = session.documents();
                    let i = rng.below(documents.len());
                    let end = documents.get(i + 1).copied().unwrap_or(session.text.len());
                    let cut = session.text[documents[i]..end].to_vec();
                    session.apply(documents[i]..end, b"");
                    if rng.below(2) == 0 {
                        session.compare("a document cut");
                    }
                    let documents = session.documents();
                    let to = documents.get(rng.below(documents.len() + 1)).copied().unwrap_or(session.text.len());
                    let mut pasted = cut;
                    if to == session.text.len() && !session.text.ends_with(b"\n") {
                        pasted.insert(0, b'\n');
                    }
                    session.apply(to..to, &pasted);
                    session.compare("a document moved");
                }
                // A document copied next to itself.
                _ => {
                    let documents = session.documents();
                    let i = rng.below(documents.len());
                    let end = documents.get(i + 1).copied().unwrap_or(session.text.len());
                    let mut copy = session.text[documents[i]..end].to_vec();
                    if !copy.ends_with(b"\n") {
                        copy.insert(0, b'\n');
                    }
                    session.apply(end..end, &copy);
                    session.compare("a document copied next to itself");
                }
            }
        }
    }
}

/// A comment typed into a document that other objects' rules look up (a
/// NetworkPolicy: the namespace's workloads ask whether it denies by
/// default) leaves their findings kept: only the document's own are found
/// again. Its findings below the comment move a line.
#[test]
fn a_comment_in_a_looked_up_document_finds_again_only_its_own_findings() {
    let workload = |name: &str| {
        format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n")
    };
    let policy = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: open\n  namespace: shop\nspec:\n  podSelector: {matchLabels: {app: gone}}\n  ingress:\n  - {}\n";
    let text = format!("{}{}{policy}", workload("web"), workload("api"));
    let mut session = Session::new(text.into_bytes());
    let at = session.text.windows(6).rposition(|w| w == b"spec:\n").unwrap();
    session.apply(at..at, b"# a note\n");
    let (report, changed) = session.checker.report_and_changed();
    let added: Vec<String> = changed.unwrap().added.iter().map(|&i| report.findings[i].object.kind.clone()).collect();
    assert!(report.findings.iter().any(|f| f.object.kind == "Deployment" && f.message.contains("default-deny")));
    assert!(!added.is_empty() && added.iter().all(|kind| kind == "NetworkPolicy"), "found again: {added:?}");
    session.compare("a comment typed into the policy");
}

/// A Deployment `name` in namespace `namespace`, as one document.
fn deployment(name: &str, namespace: &str) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {namespace}\nspec:\n  \
         template:\n    spec:\n      containers:\n      - name: c\n        image: nginx\n"
    )
}

/// A workload pasted after an identical one, which the parse of the paste
/// keeps, then a comment typed into that one before a check: the kept
/// document stands for one replaced document at most, so the pasted copy
/// is new (three workloads, not two).
#[test]
fn a_copy_pasted_after_its_twin_then_a_comment_typed_into_the_twin() {
    let web = deployment("web", "shop");
    let mut session = Session::new(format!("{web}{web}").into_bytes());
    let end = session.text.len();
    session.apply(end..end, web.as_bytes());
    let at = web.len() + 4;
    session.apply(at..at, b"# c\n");
    let full = check_all(&[Input { file: "a.yaml", text: &session.text }], &Options::default());
    assert!(full.findings.iter().any(|f| f.message.contains("has 3 workload(s)")));
    session.compare("a copy pasted, then a comment typed into its twin");
}

/// Whole documents pasted, copied, replaced by themselves, swapped and
/// removed, and comments typed into them, several edits before each check
/// (as the playground's worker applies the edits that arrive while it
/// checks), among documents that read alike and look each other up.
#[test]
fn documents_pasted_copied_and_swapped_between_checks_give_the_report_of_a_full_check() {
    let pool = [
        deployment("web", "shop"),
        deployment("api", "shop"),
        deployment("web", "other"),
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\n\
         spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"
            .to_string(),
        "---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ServiceAccount, metadata: {name: sa, \
         namespace: shop}}\n- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n"
            .to_string(),
    ];
    let mut rng = Rng(0x1357_9BDF_2468_ACE0);
    for _ in 0..edits(2000) / 4 {
        let text: String = (0..3 + rng.below(3)).map(|_| pool[rng.below(pool.len())].as_str()).collect();
        let mut session = Session::new(text.into_bytes());
        for _ in 0..3 {
            for _ in 0..1 + rng.below(3) {
                let mut starts = session.documents();
                starts.push(session.text.len());
                let i = rng.below(starts.len() - 1);
                let (at, next) = (starts[i], starts[i + 1]);
                match rng.below(6) {
                    0 => session.apply(at..at, pool[rng.below(pool.len())].as_bytes()),
                    1 => {
                        let end = starts[(i + 1 + rng.below(2)).min(starts.len() - 1)];
                        let same = session.text[at..end].to_vec();
                        session.apply(at..end, &same);
                    }
                    2 if starts.len() > 3 => session.apply(at..next, b""),
                    3 if i + 2 < starts.len() => {
                        let mut swapped = session.text[next..starts[i + 2]].to_vec();
                        swapped.extend_from_slice(&session.text[at..next]);
                        session.apply(at..starts[i + 2], &swapped);
                    }
                    4 => {
                        let copy = session.text[at..next].to_vec();
                        let to = starts[rng.below(starts.len())];
                        session.apply(to..to, &copy);
                    }
                    _ => session.apply(at + 4..at + 4, b"# c\n"),
                }
            }
            session.compare("documents pasted, copied, swapped or removed between checks");
        }
    }
}

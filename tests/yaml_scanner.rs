//! The block scanner (`src/yaml/block.rs`) against the full parser: every
//! document it takes must give exactly the full parser's result (trees,
//! spans, scalars' values, errors, comments). On every YAML file of the
//! repository and the shared fixtures, on generated block YAML, and on
//! mutations of both. The fuzz target (`tests/robustness.rs`) checks the
//! same on its inputs.

mod common;

use std::path::{Path, PathBuf};

use common::{mutate, Rng};
use posture::yaml::{parse_chunks_both, Limits};

/// Compares both parses of every chunk of `text`; returns how many chunks
/// there were and how many the block scanner took.
fn compare(text: &[u8], what: &str) -> (usize, usize) {
    compare_with(text, what, &Limits::default())
}

fn compare_with(text: &[u8], what: &str, limits: &Limits) -> (usize, usize) {
    let chunks = parse_chunks_both(text, limits);
    let mut taken = 0;
    for (full, block) in &chunks {
        if let Some(block) = block {
            taken += 1;
            // Debug, not ==: a `.nan` is not equal to itself.
            let (full, block) = (format!("{full:#?}"), format!("{block:#?}"));
            if full != block {
                let line = full.lines().zip(block.lines()).position(|(a, b)| a != b).unwrap_or(0);
                let context = |s: &str| s.lines().skip(line.saturating_sub(8)).take(16).collect::<Vec<_>>().join("\n");
                panic!(
                    "{what}: the block scanner differs from the full parser\ninput: {:?}\nfull:\n{}\nblock:\n{}",
                    String::from_utf8_lossy(text),
                    context(&full),
                    context(&block)
                );
            }
        }
    }
    (chunks.len(), taken)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

fn all_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tests/corpus", "tests/data", "../shared/fixtures", "web/lessons"] {
        yaml_files(&root.join(dir), &mut files);
    }
    files.sort();
    files
}

#[test]
fn every_yaml_file_parses_the_same_both_ways() {
    let files = all_files();
    assert!(files.len() > 1000, "{} files: are ../shared/fixtures there?", files.len());
    let (mut chunks, mut taken) = (0, 0);
    for file in &files {
        let text = std::fs::read(file).unwrap();
        let (c, t) = compare(&text, &file.display().to_string());
        chunks += c;
        taken += t;
    }
    println!("{} files, {chunks} documents, the block scanner took {taken}", files.len());
    // It is there to take most real documents.
    assert!(taken * 10 >= chunks * 8, "the block scanner took only {taken} of {chunks} documents");
}

#[test]
fn the_corpus_is_mostly_read_by_the_block_scanner() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    yaml_files(&root.join("tests/corpus"), &mut files);
    let (mut chunks, mut taken) = (0, 0);
    for file in &files {
        let (c, t) = compare(&std::fs::read(file).unwrap(), &file.display().to_string());
        chunks += c;
        taken += t;
    }
    println!("tests/corpus: {chunks} documents, the block scanner took {taken}");
    assert!(taken * 10 >= chunks * 9, "the block scanner took only {taken} of {chunks} corpus documents");
}

#[test]
fn edge_cases_parse_the_same_both_ways() {
    let cases = [
        "a: 1\nb:\n  c: x y\n  d:\n  - e\n  - f: 1\n    g: \"q\"\n  h: []\n  i: {}\n# c\nj: 's'  # t\nk:\n",
        "- a\n-\n  b: 1\n- - x\n  - y\n-   c: 2\n    d:    # hi\n    e: \n- \"k\": v\n  'l'  : w\n",
        "a:\n- b: 1\n  c: 2\n-\n  d: 3\nz:\n  - x\ny:\n-\n  e: 1\nw:\n- - q\n",
        "--- # c\n  a: 1\n  b: \"x\" #c\n",
        "a: [x, \"y\" , 'z']  # c\nb: {k: v, \"q\": [1], m: {}}\nc: |\n  l1\n\n  l2\nd: |-\n    m\n  # not\ne: 1\n",
        "a: |\n  x\n\n\n",
        "a: |\n  x",
        "a: |-\n  x\n   y\n  z\nb: 1",
        "a: |\n    x\n  y\n",
        "a: |\n  \n  x\n",
        "a: |\n\n  x\n",
        "a: |  # c\n  x\n",
        "a: |#c\n  x\n",
        "a: 'it''s'\nb: ''\nc: \"\"\nd: ' x '\n",
        "a: \"x\\ny\"\n",
        "a: b: c\n",
        "a: b\n  c\n",
        "a:\n  b\n",
        "a: 1\n a: 2\n",
        "a: 1\n  b: 2\n",
        "  a: 1\nb: 2\n",
        "a: 1\na: 2\n",
        "~: 1\n",
        "null: 1\n",
        "1: a\n\"1\": b\n",
        "on: 1\nyes: 2\n",
        "<<: {a: 1}\nb: 2\n",
        "<<:\n  a: 1\nb: 2\n",
        "<<: 1\n",
        "a: [1, 2,]\n",
        "a: [1 2]\n",
        "a: [a: b]\n",
        "a: {b}\n",
        "a: {b: }\n",
        "a: {b: c, d: [e, {f: g}]}\n",
        "a: [ ]\nb: { }\n",
        "a: [x] y\n",
        "a: [x]#c\n",
        "a: \"x\"y\n",
        "\"a\":b\n",
        "a:b\n",
        "a: -\n",
        "a: - b\n",
        "- - - - x\n",
        "-\n-\n",
        "- a\n - b\n",
        "a:\n- b\n  - c\n",
        "a: x # c\nb: y#z\nc: 'q' #r\n",
        "key with spaces: value with spaces   \n",
        "a  : 1\n",
        "\"a\"  : 1\n",
        "a: .nan\nb: 1e3\nc: 0x1F\nd: 0755\ne: -1\nf: -.inf\n",
        "a: -x\nb: --flag\nc: -.5\n",
        "é: ü\nb: \"ç\"\nc: [ñ]\n",
        "a: x:y\nb: http://example.com/a#b\n",
        "a: [--v=2, unix:///x.sock, a:b, -1, -x, --]\nb: [a:, c]\nc: [a: b]\nd: [x:[y]]\ne: {a:b}\nf: {a: b:c}\n",
        "a: [-, x]\nb: [-[x]]\nc: -#\nd: [-#]\n",
        "---\n",
        "--- x\n",
        "---#x\na: 1\n",
        "--- #c\na: 1\n",
        "---   \na: 1\n",
        "---\n...\n",
        "a: 1\n...\n",
        "%YAML 1.2\n---\na: 1\n",
        "hello\n",
        "- x\ny: 1\n",
        "a:\n  - x\n  b: 1\n",
        "a:\n\n\n  b: 1\n\n# end\n",
        "a: 1 # c\n# d\n  # e\nb: 2\n",
        "a: '#'\nb: \"#\"\n",
        "a: [\"#\"]\n",
        "a: !!str 1\n",
        "a: &x 1\nb: *x\n",
        "? a\n: b\n",
        "a:\tb\n",
        "a: b\r\nc: d\r\n",
        "a: >\n  x\n",
        "a: |+\n  x\n\n",
        "a: |2\n   x\n",
        "- |\n  x\n",
        "a:\n  - |\n    x\n",
        "a: \"\u{feff}\"\n",
        "a: \u{85}b\n",
        "a: b\u{2028}c\n",
    ];
    for case in cases {
        compare(case.as_bytes(), case);
    }
    // Scanner-declined or not, the limits apply the same way.
    let tight = Limits { max_depth: 3, max_nodes: 12, ..Limits::default() };
    for case in cases {
        compare_with(case.as_bytes(), case, &tight);
    }
}

/// Block YAML of the kind manifests hold, with the near misses the scanner
/// must decline or read exactly: odd indentation, empty values, compact and
/// indentless sequences, quotes, flows, literal blocks, comments.
fn generated(rng: &mut Rng) -> String {
    const KEYS: &[&str] = &["name", "image", "a b", "on", "1", "\"q k\"", "'s k'", "x-y", "<<", "é", "null", "k:v"];
    const SCALARS: &[&str] = &[
        "x",
        "nginx:1.25",
        "\"quoted # not a comment\"",
        "'it''s'",
        "''",
        "\"\"",
        "[]",
        "{}",
        "[a, \"b\", 'c']",
        "{cpu: 100m, memory: \"1Gi\"}",
        "{drop: [ALL]}",
        "true",
        "0755",
        "-1",
        "1e3",
        "~",
        "x # comment",
        "a b  c",
        "http://x.example/#y",
        "ü",
        "[a, [b, {c: d}]]",
        "{a: b, a: c}",
    ];
    let mut out = String::new();
    let step = 1 + rng.below(4);
    // (indent, is a sequence) of the open collections.
    let mut depth: usize = 0;
    for _ in 0..1 + rng.below(40) {
        let indent = depth * step;
        let pad = " ".repeat(indent);
        match rng.below(12) {
            0 => out.push_str(&format!("{pad}# comment {}\n", rng.below(9))),
            1 => out.push('\n'),
            2 if depth < 8 => {
                out.push_str(&format!("{pad}{}:\n", KEYS[rng.below(KEYS.len())]));
                depth += 1;
            }
            3 if depth < 8 => {
                // An indentless sequence, or one on its own indentation.
                let key = KEYS[rng.below(KEYS.len())];
                let dash = if rng.below(2) == 0 { pad.clone() } else { " ".repeat(indent + step) };
                out.push_str(&format!("{pad}{key}:\n"));
                for _ in 0..1 + rng.below(3) {
                    match rng.below(4) {
                        0 => out.push_str(&format!("{dash}- {}\n", SCALARS[rng.below(SCALARS.len())])),
                        1 => out.push_str(&format!("{dash}- name: a\n{dash}  image: b\n")),
                        2 => out.push_str(&format!("{dash}-\n{dash}  name: c\n")),
                        _ => out.push_str(&format!("{dash}- - {}\n{dash}  - y\n", SCALARS[rng.below(SCALARS.len())])),
                    }
                }
            }
            4 => {
                let chomp = ["|", "|-", "| # c", ">", "|+"][rng.below(5)];
                out.push_str(&format!("{pad}script: {chomp}\n{pad}  line one\n\n{pad}    more\n{pad}  # text\n"));
            }
            5 if depth > 0 => depth -= 1 + rng.below(depth),
            6 => out.push_str(&format!("{pad}{}:\n", KEYS[rng.below(KEYS.len())])),
            _ => {
                out.push_str(&format!("{pad}{}: {}\n", KEYS[rng.below(KEYS.len())], SCALARS[rng.below(SCALARS.len())]))
            }
        }
        if rng.below(20) == 0 {
            out.push_str("---\n");
            depth = 0;
        }
    }
    out
}

#[test]
fn generated_and_mutated_inputs_parse_the_same_both_ways() {
    let seed = std::env::var("POSTURE_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5DEE_CE66_D1CE_4E5B);
    let mut rng = Rng(seed);
    let files: Vec<Vec<u8>> = all_files()
        .iter()
        .filter(|p| p.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    // Documents of generated inputs, unmutated: how many, how many taken.
    let (mut chunks, mut taken) = (0, 0);
    for round in 0..1500 {
        let what = format!("seed {seed}, round {round}");
        match round % 3 {
            0 => {
                let (c, t) = compare(generated(&mut rng).as_bytes(), &what);
                chunks += c;
                taken += t;
            }
            1 => {
                let text = generated(&mut rng);
                compare(&mutate(&mut rng, text.as_bytes()), &what);
            }
            _ => {
                let file = rng.below(files.len());
                compare(&mutate(&mut rng, &files[file]), &what);
            }
        }
    }
    println!("generated: {chunks} documents, the block scanner took {taken}");
    assert!(taken * 10 >= chunks * 3, "the block scanner took only {taken} of {chunks} generated documents");
}

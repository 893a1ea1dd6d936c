//! The fuzz target: mutated real manifests (bytes deleted, duplicated, or
//! replaced by YAML's special constructs: anchors and aliases, tags, flow
//! collections, odd indentation, huge numbers, deep nesting, invalid UTF-8,
//! CRLF, BOM, tabs; terminal escapes, C1 controls and bidi overrides; long
//! text aliased many times) through the whole pipeline (parse, views, every
//! rule, every report format) must never panic, the block scanner must read
//! each document it takes as the full parser does, every position it reports
//! must be inside the input, the text and Markdown reports hold no raw
//! control character, and no message grows with the input.
//!
//! The test suite runs a short, fixed-seed round. A long run on stable Rust:
//! `POSTURE_FUZZ_SECONDS=1800 POSTURE_FUZZ_SEED=$RANDOM cargo test --release --test robustness -- --nocapture`.
//! A failure prints its seed and round; the input it built becomes a
//! regression test in `regressions` below.

mod common;

use common::{mutate, Rng};
use std::collections::HashMap;

use posture::clip::{MESSAGE, SNIPPET};
use posture::report::{to_json, to_markdown, to_sarif, to_text, Style};
use posture::rules::PssLevel;
use posture::{check, Options};

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = ["hardened.yaml", "insecure.yaml", "list.yaml"]
        .iter()
        .map(|f| std::fs::read(format!("{}/tests/data/{f}", env!("CARGO_MANIFEST_DIR"))).unwrap())
        .collect();
    let pss = format!("{}/../shared/fixtures/pss/restricted/v1.37/fail", env!("CARGO_MANIFEST_DIR"));
    let mut fixtures: Vec<_> = std::fs::read_dir(pss).unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    seeds.extend(fixtures.iter().map(|p| std::fs::read(p).unwrap()));
    seeds
}

fn env(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

/// Runs one input through everything, checking what comes out.
fn exercise(input: &[u8], level: PssLevel) {
    let options =
        Options { pss_level: level, allowed_registries: vec!["registry.example.com".into()], ..Options::default() };
    let report = check("fuzz.yaml", input, &options);
    for f in report.findings.iter().chain(report.suppressed.iter().map(|s| &s.finding)) {
        assert!(f.span.start.at() <= f.span.end.at() && f.span.end.at() <= input.len());
        assert!(f.span.start.line >= 1 && f.span.start.column >= 1);
    }
    for e in &report.errors {
        let span = e.span.expect("document errors have a position");
        assert!(span.start.at() <= input.len() && span.start.line >= 1);
    }
    for f in &report.findings {
        assert!(f.message.chars().count() <= MESSAGE + 32, "{} characters", f.message.len());
        assert!(f.snippet.chars().count() <= SNIPPET + 32, "{} characters", f.snippet.len());
    }
    // The block scanner reads what it takes exactly as the full parser does.
    for (full, block) in posture::yaml::parse_chunks_both(input, &posture::yaml::Limits::default()) {
        if let Some(block) = block {
            assert_eq!(format!("{full:?}"), format!("{block:?}"), "the block scanner differs from the full parser");
        }
    }
    let sources = HashMap::from([("fuzz.yaml".to_owned(), input.to_vec())]);
    let text = to_text(&report, &sources, Style::default());
    let markdown = to_markdown(&report);
    for out in [&text, &markdown] {
        let raw = out.chars().find(|&c| c.is_control() && c != '\n' || ('\u{2028}'..='\u{202e}').contains(&c));
        assert!(raw.is_none(), "{raw:?} written raw");
    }
    // JSON and SARIF parse, and say what the report holds.
    let json: serde_json::Value = serde_json::from_str(&to_json(&report)).expect("JSON output parses");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(report.findings.len()));
    assert_eq!(json["errors"].as_array().map(Vec::len), Some(report.errors.len()));
    let sarif: serde_json::Value = serde_json::from_str(&to_sarif(&report)).expect("SARIF output parses");
    let results = sarif["runs"][0]["results"].as_array().map(Vec::len);
    assert_eq!(results, Some(report.findings.len() + report.suppressed.len()));
    let notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].as_array().map(Vec::len);
    assert_eq!(notifications, Some(report.errors.len()));
}

#[test]
fn mutated_manifests_never_panic() {
    let seeds = seeds();
    let seed = env("POSTURE_FUZZ_SEED").unwrap_or(0x9E37_79B9_7F4A_7C15);
    let seconds = env("POSTURE_FUZZ_SECONDS");
    let rounds = if seconds.is_some() { u64::MAX } else { 3000 };
    let started = std::time::Instant::now();
    let mut rng = Rng(seed.max(1));
    let levels = [PssLevel::Baseline, PssLevel::Restricted];
    let mut checked = 0u64;
    while checked < rounds && seconds.is_none_or(|s| started.elapsed().as_secs() < s) {
        let base = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, base);
        let result = std::panic::catch_unwind(|| exercise(&input, levels[checked as usize % 2]));
        if result.is_err() {
            let path = std::env::temp_dir().join(format!("posture-fuzz-{seed}-{checked}.yaml"));
            std::fs::write(&path, &input).unwrap();
            panic!("seed {seed}, round {checked}: panicked; input saved to {}", path.display());
        }
        checked += 1;
    }
    println!("fuzz: {checked} inputs in {:.0} s, seed {seed}, no panic", started.elapsed().as_secs_f64());
}

/// The playground's path for text from a share link: random texts with
/// CRLF, lone CR, and characters wider than a byte or a UTF-16 unit survive
/// a link unchanged; once their line breaks are normalised (as the editor
/// does), every position the engine reports is on the same line, at the same
/// column, in the editor's index, and its UTF-16 offset maps back to it.
/// Damaged links are read without panicking and never exceed the limit.
#[test]
fn share_links_and_line_breaks_agree() {
    use posture::playground::share::{self, Shared};
    use posture::playground::text::normalize_line_breaks;
    use posture::yaml::LineStarts;

    const PIECES: &[&str] =
        &["\r\n", "\r", "\n", "é", "😀", "\u{202E}", "\u{200B}", "e\u{0301}", "  ", "- ", ": ", "#", "hostPID: true\n"];
    const LIMIT: usize = 1024 * 1024;
    let seeds = seeds();
    let seed = env("POSTURE_FUZZ_SEED").unwrap_or(0x2545_F491_4F6C_DD1D);
    let mut rng = Rng(seed.max(1));
    for round in 0..300 {
        let mut text = String::from_utf8_lossy(&seeds[rng.below(seeds.len())]).into_owned();
        if rng.below(2) == 0 {
            text = text.replace('\n', if rng.below(2) == 0 { "\r\n" } else { "\r" });
        }
        for _ in 0..rng.below(12) {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, PIECES[rng.below(PIECES.len())]);
        }
        let context = format!("seed {seed}, round {round}");

        let fragment = share::encode(&Shared { text: text.clone(), level: PssLevel::Baseline, off: vec![] });
        let decoded = share::decode(&fragment, LIMIT).unwrap();
        assert_eq!((decoded.text.as_deref(), decoded.problems.len()), (Some(text.as_str()), 0), "{context}");
        let mut damaged = fragment.into_bytes();
        let cut = rng.below(damaged.len());
        damaged.truncate(cut + 1);
        damaged[rng.below(cut + 1)] = b"A_-=&!"[rng.below(6)];
        let damaged = share::decode(std::str::from_utf8(&damaged).unwrap(), LIMIT).unwrap();
        assert!(damaged.text.as_ref().is_none_or(|t| t.len() <= LIMIT), "{context}");

        let text = normalize_line_breaks(&text);
        assert!(!text.contains('\r'), "{context}");
        let lines = LineStarts::new(text.as_bytes());
        let report = check("link.yaml", text.as_bytes(), &Options::default());
        let positions = report.findings.iter().flat_map(|f| [f.span.start, f.span.end]);
        for pos in positions.chain(report.errors.iter().filter_map(|e| e.span).map(|s| s.start)) {
            let line = lines.line_of(pos.at());
            let (start, _) = lines.range(line);
            assert_eq!(line + 1, pos.line as usize, "{context}: line of {pos:?}");
            assert_eq!(text[start..pos.at()].chars().count() + 1, pos.column as usize, "{context}: column of {pos:?}");
            let units = lines.utf16_of(&text, pos.at());
            assert_eq!(units, text[..pos.at()].encode_utf16().count(), "{context}: UTF-16 of {pos:?}");
            assert_eq!(lines.byte_of_utf16(&text, units), pos.at(), "{context}: back from UTF-16 {units}");
        }
    }
}

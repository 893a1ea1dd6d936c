//! No input makes the engine panic: mutated real manifests (bytes deleted,
//! duplicated, or replaced by YAML's special characters) through the whole
//! pipeline and every report format. A deterministic generator keeps any
//! failure reproducible; the long, coverage-guided fuzzing is separate.

use std::collections::HashMap;

use posture::report::{to_json, to_markdown, to_sarif, to_text, Style};
use posture::rules::PssLevel;
use posture::{check, Options};

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SPECIAL: &[&[u8]] = &[
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!str ",
    b"!!int ",
    b"!custom ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b": ",
    b"- ",
    b"? ",
    b"|\n",
    b">-\n",
    b"\"",
    b"'",
    b"#",
    b"\t",
    b"\r\n",
    b"\n",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"\xEF\xBB\xBF",
    b"\xff",
    b"\xc3",
    b"0x7fffffffffffffffff",
    b"1e999",
    b".nan",
    b"~",
    b"yes",
    b"      ",
    b"\\u0000",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 if !out.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            1 => {
                let end = (at + rng.below(64)).min(out.len());
                let copy = out[at..end].to_vec();
                out.splice(at..at, copy);
            }
            _ => {
                let piece = SPECIAL[rng.below(SPECIAL.len())];
                out.splice(at..at, piece.iter().copied());
            }
        }
    }
    out
}

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

#[test]
fn mutated_manifests_never_panic() {
    let seeds = seeds();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let levels = [PssLevel::Baseline, PssLevel::Restricted];
    // POSTURE_MUTATIONS=1000000 for a longer run.
    let rounds: usize = std::env::var("POSTURE_MUTATIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(3000);
    let mut checked = 0;
    for round in 0..rounds {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed);
        let options = Options { pss_level: levels[round % 2], ..Options::default() };
        let report = check("fuzz.yaml", &input, &options);
        for f in &report.findings {
            assert!(f.span.start.offset <= f.span.end.offset && f.span.end.offset <= input.len());
            assert!(f.span.start.line >= 1 && f.span.start.column >= 1);
        }
        for e in &report.errors {
            let span = e.span.expect("document errors have a position");
            assert!(span.start.offset <= input.len() && span.start.line >= 1);
        }
        let sources = HashMap::from([("fuzz.yaml".to_owned(), input.clone())]);
        let _ =
            (to_text(&report, &sources, Style::default()), to_json(&report), to_sarif(&report), to_markdown(&report));
        checked += 1;
    }
    assert_eq!(checked, rounds);
}

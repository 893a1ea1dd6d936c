//! Pieces several integration tests share: a seeded random source, mutations
//! of manifests for the fuzz targets, and
//! Kubernetes' Pod Security fixtures with the rule that reports each check.
//! Each test binary uses part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

use posture::rules::standards::PolicyVersion;
use posture::rules::{self, PssLevel};

/// xorshift64*: reproducible from its seed, so a failing round can be run
/// again.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// YAML's special constructs, inserted by [`mutate`].
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
    // Terminal escapes, raw and as YAML escapes in a quoted string.
    b"\x1b]0;title\x07",
    b"\x1b[2J\x1b[1A\x1b[2K",
    b"\"\\e]8;;https://x.example\\e\\\\link\"",
    b"\r",
    b"\x7f",
    // C1 (CSI), line separator, right-to-left and isolate overrides.
    b"\xc2\x9b",
    b"\xe2\x80\xa8",
    b"\xe2\x80\xae",
    b"\xe2\x81\xa7",
    b"\"\\u202e\\u2066\"",
];

/// Larger structural pieces: nesting, long lines, many documents.
fn structural(rng: &mut Rng) -> Vec<u8> {
    let n = 1 + rng.below(400);
    match rng.below(6) {
        0 => "[".repeat(n).into_bytes(),
        // Long text anchored once and aliased many times (as container
        // names, so rules quote it).
        5 => {
            let mut out = format!("\n  - name: &big {}\n    image: x\n", "y".repeat(n * 250));
            for _ in 0..n {
                out.push_str("  - {name: *big, image: x, securityContext: {privileged: true}}\n");
            }
            out.into_bytes()
        }
        1 => "- ".repeat(n).into_bytes(),
        2 => "x".repeat(n * 200).into_bytes(),
        3 => "---\n".repeat(n).into_bytes(),
        _ => (0..n).map(|i| format!("{}k{i}:\n", " ".repeat(i % 40))).collect::<String>().into_bytes(),
    }
}

/// A manifest with a few bytes deleted, duplicated, or replaced by YAML's
/// special constructs or larger structural pieces.
pub fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            4 => {
                let piece = structural(rng);
                out.splice(at..at, piece);
            }
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

/// One expectation of a fixtures folder's EXPECTED.tsv.
pub struct PssRow {
    pub path: String,
    pub level: PssLevel,
    /// The policy version to evaluate at (latest where the file has no
    /// version column, as in `pss/`).
    pub version: PolicyVersion,
    pub pass: bool,
    /// The PSA check the fixture targets (`-` for implied rows).
    pub check: String,
    /// The library's own expectation rather than an implied one.
    pub direct: bool,
}

/// `../shared/fixtures/<folder>`.
pub fn fixtures(folder: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures").join(folder)
}

/// Every row of a fixtures folder's EXPECTED.tsv, read by its header.
pub fn pss_rows(folder: &str) -> Vec<PssRow> {
    let tsv =
        std::fs::read_to_string(fixtures(folder).join("EXPECTED.tsv")).expect("EXPECTED.tsv is beside the repository");
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    lines
        .map(|line| {
            let row: HashMap<&str, &str> = header.iter().copied().zip(line.split('\t')).collect();
            PssRow {
                path: row["path"].to_owned(),
                level: PssLevel::parse(row["level"]).unwrap(),
                version: row.get("version").map_or(PolicyVersion::Latest, |v| PolicyVersion::parse(v).unwrap()),
                pass: row["expected"] == "pass",
                check: row["check"].to_owned(),
                direct: row["source"] == "direct",
            }
        })
        .collect()
}

/// The rule that reports a PSA check at a level and version: at the
/// restricted level, a check overridden at that version is reported by the
/// restricted check that replaces it.
pub fn rule_for(check_id: &str, level: PssLevel, version: PolicyVersion) -> &'static str {
    let control = |r: &&&rules::Rule| r.pss.as_ref().is_some_and(|c| c.check == check_id);
    let rule = rules::all().iter().find(control).unwrap_or_else(|| panic!("no rule mirrors {check_id}"));
    if level == PssLevel::Restricted {
        let overriding = rules::all()
            .iter()
            .find(|r| r.pss.as_ref().is_some_and(|c| c.overrides == Some(check_id) && version.at_least(c.since)));
        if let Some(over) = overriding {
            return over.id;
        }
    }
    rule.id
}

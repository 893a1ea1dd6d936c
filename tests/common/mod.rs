//! Pieces several integration tests share: a seeded random source, and
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

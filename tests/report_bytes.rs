//! The JSON report and SARIF log byte for byte, pretty and compact, as the
//! CLI prints them: other tools parse these, and the writer is hand-made
//! (src/report/stream.rs), so a change of a single byte shows here.
//!
//! The snapshots were checked byte-identical to the output of the last
//! serde_json build (commit 9701e62) before they were accepted.

use std::process::Command;

const INPUT: &str = "tests/data/report-bytes.yaml";

fn posture(format: &str, compact: bool) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_posture"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).args(["check", "--format", format, INPUT]);
    if compact {
        command.arg("--compact");
    }
    let output = command.output().unwrap();
    // A document that does not parse makes the exit status 2.
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn json_report_bytes() {
    let pretty = posture("json", false);
    // What the input was written to hold.
    for expected in [r#""name": "we\"ird\\name\twith"#, "\u{2028}separator", r#""suppression": {"#, r#""fix": {"#] {
        assert!(pretty.contains(expected), "{expected}");
    }
    assert!(pretty.contains("\"errors\": [\n    {\n      \"document\": 2,"));
    insta::assert_snapshot!("json_pretty", pretty);
    insta::assert_snapshot!("json_compact", posture("json", true));
}

#[test]
fn sarif_bytes() {
    insta::assert_snapshot!("sarif_pretty", posture("sarif", false));
    insta::assert_snapshot!("sarif_compact", posture("sarif", true));
}

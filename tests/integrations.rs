//! The files that plug Posture into other tools: the pre-commit hook
//! manifest and the GitHub Action. These checks are cheap; the hook itself
//! is run with the real pre-commit by `cargo xtask test` (see
//! tests/pre-commit/try-repo.sh).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(name: &str) -> String {
    std::fs::read_to_string(root().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `posture check --format json` on files of the repository.
fn check(files: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(["check", "--format", "json"])
        .args(files)
        .current_dir(root())
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})"));
    (out.status.code().expect("exited"), json)
}

#[test]
fn hook_and_action_files_are_yaml_that_posture_skips() {
    // Both parse (a YAML error would be an error and exit 2), and neither is
    // a Kubernetes object, so a repository-wide run stays clean.
    let (code, json) = check(&[".pre-commit-hooks.yaml", "action.yml"]);
    assert_eq!(json["errors"], serde_json::json!([]), "{json:#}");
    assert_eq!(json["summary"]["skippedDocuments"], 2, "{json:#}");
    assert_eq!(json["summary"]["objects"], 0, "{json:#}");
    assert_eq!(code, 0);
}

#[test]
fn hook_manifest_builds_and_runs_the_posture_binary() {
    let hooks = read(".pre-commit-hooks.yaml");
    for line in
        ["- id: posture", "  entry: posture check", "  language: rust", "  files: \\.ya?ml$", "  require_serial: true"]
    {
        assert!(hooks.lines().any(|l| l == line), ".pre-commit-hooks.yaml lacks {line:?}");
    }
    // language: rust runs `cargo install --bins --path .`: the root package
    // must have a binary called posture.
    let manifest = read("Cargo.toml");
    assert!(manifest.contains("[[bin]]\nname = \"posture\""), "Cargo.toml has no posture binary");
}

#[test]
fn action_installs_from_its_own_checkout_and_uploads_sarif() {
    let action = read("action.yml");
    for needle in [
        "using: composite",
        "cargo install --locked --path \"$GITHUB_ACTION_PATH\"",
        "--format sarif",
        "uses: github/codeql-action/upload-sarif@v3",
        "inputs.upload-sarif == 'true'",
        "exit \"${CODE:-2}\"",
    ] {
        assert!(action.contains(needle), "action.yml lacks {needle:?}");
    }
    // Inputs reach the scripts through the environment, never spliced into
    // the script text (where a crafted input would run as shell code).
    let mut script_indent = None;
    for line in action.lines() {
        let indent = line.len() - line.trim_start().len();
        match script_indent {
            Some(i) if indent > i || line.trim().is_empty() => {
                assert!(!line.contains("${{"), "expression spliced into a script: {line}");
            }
            _ => script_indent = line.trim_start().starts_with("run: |").then_some(indent),
        }
    }
    for input in ["paths:", "fail-on:", "pss-level:", "args:", "upload-sarif:"] {
        assert!(action.contains(&format!("\n  {input}\n")), "action.yml has no input {input}");
    }
}

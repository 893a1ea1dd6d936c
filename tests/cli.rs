//! The `posture` command as other tools use it: arguments, exit codes, and
//! every output format, on real and hostile input.

use std::ffi::OsStr;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

fn posture(args: &[&str], stdin: &[u8]) -> Run {
    posture_os(&args.iter().map(OsStr::new).collect::<Vec<_>>(), stdin)
}

/// With arguments that need not be UTF-8 (file names).
fn posture_os(args: &[&OsStr], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_posture"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    // Written from a thread so a large input cannot deadlock against output.
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn check_stdin(yaml: &[u8], extra: &[&str]) -> Run {
    let mut args = vec!["check", "-", "--format", "json"];
    args.extend_from_slice(extra);
    posture(&args, yaml)
}

fn rules_of(json: &Value) -> Vec<String> {
    json["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
}

fn find<'a>(json: &'a Value, rule: &str) -> &'a Value {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {json}"))
}

const PRIVILEGED_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n";

#[test]
fn a_hardened_manifest_passes() {
    let run = posture(&["check", "tests/data/hardened.yaml"], b"");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("0 findings in 1 file (6 documents, 6 objects)"), "{}", run.stdout);
}

#[test]
fn findings_point_at_the_field_in_every_workload_kind() {
    let run = posture(&["check", "tests/data/insecure.yaml", "--format", "json", "--pss-level", "baseline"], b"");
    assert_eq!(run.code, 1);
    let json = run.json();
    let privileged = find(&json, "pss/privileged");
    assert_eq!(privileged["severity"], "critical");
    assert_eq!(privileged["file"], "tests/data/insecure.yaml");
    assert_eq!(privileged["document"], 1);
    assert_eq!(
        privileged["object"],
        serde_json::json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "node-agent", "namespace": "monitoring"})
    );
    assert_eq!(privileged["span"]["start"], serde_json::json!({"line": 19, "column": 11, "offset": 363}));
    assert_eq!(privileged["span"]["end"]["line"], 19);
    assert!(privileged["remediation"]["snippet"].as_str().unwrap().contains("privileged: false"));
    assert!(privileged["remediation"]["text"].as_str().unwrap().len() > 20);
    let caps: Vec<&Value> =
        json["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "pss/capabilities-baseline").collect();
    assert_eq!(caps.len(), 2);
    assert_eq!(
        (caps[0]["span"]["start"]["line"].as_u64(), caps[0]["span"]["start"]["column"].as_u64()),
        (Some(21), Some(19))
    );
    let host = find(&json, "pss/host-namespaces");
    assert_eq!(host["span"]["start"]["line"], 13);
    assert_eq!(find(&json, "pss/host-path-volumes")["span"]["start"]["line"], 27);
    // Baseline level: restricted-only rules stay silent, even for the CronJob's root user.
    assert!(rules_of(&json).iter().all(|r| !r.contains("run-as") && !r.contains("restricted")));
    assert_eq!(json["summary"]["objects"], 2);
    assert_eq!(json["summary"]["bySeverity"]["critical"], 1);
}

#[test]
fn restricted_is_the_default_level() {
    let json = posture(&["check", "tests/data/insecure.yaml", "--format", "json"], b"").json();
    let root = find(&json, "pss/run-as-user");
    assert_eq!(root["document"], 2);
    assert_eq!(root["object"]["kind"], "CronJob");
    assert_eq!(root["span"]["start"]["line"], 43);
    assert!(rules_of(&json).contains(&"pss/capabilities-restricted".to_owned()));
    // Overridden at restricted, as in Pod Security Admission.
    assert!(!rules_of(&json).contains(&"pss/capabilities-baseline".to_owned()));
}

#[test]
fn fail_on_sets_the_threshold() {
    let args = |fail_on| vec!["check", "tests/data/insecure.yaml", "--select", "pss/run-as-user", "--fail-on", fail_on];
    assert_eq!(posture(&args("high"), b"").code, 1);
    assert_eq!(posture(&args("critical"), b"").code, 0);
}

#[test]
fn select_and_ignore_take_families_and_exact_ids() {
    let json = posture(
        &[
            "check",
            "tests/data/insecure.yaml",
            "--format",
            "json",
            "--select",
            "pss",
            "--ignore",
            "pss/host-namespaces",
            "--pss-level",
            "baseline",
        ],
        b"",
    )
    .json();
    let rules = rules_of(&json);
    assert!(rules.contains(&"pss/host-path-volumes".to_owned()), "{rules:?}");
    assert!(rules.iter().all(|r| r.starts_with("pss/") && r != "pss/host-namespaces"), "{rules:?}");
}

/// `--select apiserver/audit-log` runs that rule only, not every id that
/// starts with the same letters; a string prefix of ids is a usage error.
#[test]
fn select_and_ignore_never_match_a_string_prefix() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.34.1\n    command:\n    - kube-apiserver\n    - --audit-log-path=/var/log/audit.log\n    securityContext:\n      procMount: Unmasked\n";
    let run = |args: &[&str]| {
        let mut all = vec!["check", "-", "--format", "json"];
        all.extend_from_slice(args);
        let mut rules = rules_of(&posture(&all, pod.as_bytes()).json());
        rules.sort();
        rules.dedup();
        rules
    };
    assert_eq!(run(&["--select", "apiserver/audit-log"]), ["apiserver/audit-log"]);
    assert_eq!(run(&["--select", "apiserver/audit-log-retention"]), ["apiserver/audit-log-retention"]);
    assert_eq!(
        run(&["--select", "apiserver/", "--ignore", "apiserver/audit-log", "--ignore", "apiserver/profiling"])
            .into_iter()
            .filter(|r| r.starts_with("apiserver/audit"))
            .collect::<Vec<_>>(),
        ["apiserver/audit-log-retention"]
    );
    let baseline = run(&["--pss-level", "baseline", "--select", "pss/proc-mount"]);
    assert_eq!(baseline, ["pss/proc-mount"]);
    let restricted = run(&["--select", "pss", "--ignore", "pss/proc-mount"]);
    assert!(restricted.contains(&"pss/proc-mount-restricted".to_owned()), "{restricted:?}");
    for prefix in ["apiserver/audit", "pss/host", "ps"] {
        let usage = posture(&["check", "-", "--select", prefix], pod.as_bytes());
        assert_eq!(usage.code, 2, "{prefix}");
        assert!(usage.stderr.contains("names no rule or family"), "{}", usage.stderr);
    }
}

#[test]
fn pss_version_pins_the_policy() {
    // runAsUser: 0 is a Pod Security violation from policy v1.23 on.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n  - name: app\n    image: app:1\n";
    let run = |version: &[&str]| {
        let mut args = vec!["--select", "pss/run-as-user"];
        args.extend_from_slice(version);
        rules_of(&check_stdin(pod.as_bytes(), &args).json())
    };
    assert_eq!(run(&[]), ["pss/run-as-user"]);
    assert_eq!(run(&["--pss-version", "latest"]), ["pss/run-as-user"]);
    assert_eq!(run(&["--pss-version", "v1.23"]), ["pss/run-as-user"]);
    assert!(run(&["--pss-version", "v1.22"]).is_empty());
    for bad in ["v1.38", "1.25", "v1.05"] {
        let usage = posture(&["check", "-", "--pss-version", bad], pod.as_bytes());
        assert_eq!(usage.code, 2, "{bad}");
        assert!(usage.stderr.contains("expected latest or v1.0 to v1.37"), "{}", usage.stderr);
    }
}

#[test]
fn kubernetes_version_judges_flags_for_that_version() {
    // --insecure-port is gone in 1.24, PodSecurityPolicy in 1.25; the
    // automatic reload flag arrives in 1.26.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.23.17\n    command:\n    - kube-apiserver\n    - --insecure-port=0\n    - --enable-admission-plugins=NodeRestriction,PodSecurityPolicy\n    - --encryption-provider-config-automatic-reload=true\n";
    let lines = |version: &[&str]| {
        let mut args = vec!["--select", "apiserver/removed-flag"];
        args.extend_from_slice(version);
        let json = check_stdin(pod.as_bytes(), &args).json();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["span"]["start"]["line"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(lines(&[]), [11, 12]);
    assert_eq!(lines(&["--kubernetes-version", "latest"]), [11, 12]);
    assert_eq!(lines(&["--kubernetes-version", "1.26"]), [11, 12]);
    assert_eq!(lines(&["--kubernetes-version", "1.24"]), [11, 13]);
    assert_eq!(lines(&["--kubernetes-version", "v1.23.4"]), [13]);
    for bad in ["1.15", "1.99", "2.0", "1.2x"] {
        let usage = posture(&["check", "-", "--kubernetes-version", bad], pod.as_bytes());
        assert_eq!(usage.code, 2, "{bad}");
        assert!(usage.stderr.contains("expected latest or 1.16 to 1.37"), "{}", usage.stderr);
    }
}

#[test]
fn lists_are_unwrapped() {
    let json = posture(&["check", "tests/data/list.yaml", "--format", "json"], b"").json();
    assert_eq!(json["summary"]["objects"], 2);
    assert_eq!(find(&json, "pss/host-ports")["object"]["name"], "one");
    assert_eq!(find(&json, "pss/host-ports")["span"]["start"]["line"], 16);
    assert_eq!(find(&json, "pss/host-namespaces")["object"]["name"], "two");
}

#[test]
fn directories_are_walked_for_yaml_only() {
    let dir = tempdir("walk");
    std::fs::write(dir.join("a.yaml"), PRIVILEGED_POD).unwrap();
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    std::fs::write(dir.join("nested/b.yml"), PRIVILEGED_POD).unwrap();
    std::fs::write(dir.join("c.txt"), PRIVILEGED_POD).unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git/d.yaml"), PRIVILEGED_POD).unwrap();
    let run = posture(&["check", dir.to_str().unwrap(), "--format", "json", "--select", "pss/privileged"], b"");
    let json = run.json();
    assert_eq!(json["summary"]["files"], 2);
    let files: Vec<&str> = json["findings"].as_array().unwrap().iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert!(files[0].ends_with("a.yaml") && files[1].ends_with("nested/b.yml"), "{files:?}");
}

#[test]
fn stdin_is_read_with_a_dash() {
    let json = check_stdin(PRIVILEGED_POD.as_bytes(), &[]).json();
    assert_eq!(find(&json, "pss/privileged")["file"], "-");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(posture(&["check", "--format", "yaml", "-"], b"").code, 2);
    assert_eq!(posture(&["check", "--pss-level", "privileged", "-"], b"").code, 2);
    let unknown = posture(&["check", "--select", "psss/", "-"], b"");
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("psss/"));
    assert_eq!(posture(&["frobnicate"], b"").code, 2);
}

#[test]
fn unreadable_input_exits_2_and_the_rest_is_checked() {
    let run = posture(&["check", "missing.yaml", "tests/data/list.yaml", "--format", "json"], b"");
    assert_eq!(run.code, 2);
    let json = run.json();
    assert_eq!(json["errors"][0]["file"], "missing.yaml");
    assert_eq!(json["errors"][0]["document"], Value::Null);
    assert!(!json["findings"].as_array().unwrap().is_empty());
}

#[test]
fn a_broken_document_between_good_ones_hides_nothing() {
    let input = format!("{PRIVILEGED_POD}---\nkind: Pod\nspec: [unclosed\n---\n{PRIVILEGED_POD}");
    let run = check_stdin(input.as_bytes(), &["--select", "pss/privileged"]);
    assert_eq!(run.code, 2);
    let json = run.json();
    let docs: Vec<u64> = json["findings"].as_array().unwrap().iter().map(|f| f["document"].as_u64().unwrap()).collect();
    assert_eq!(docs, [1, 3]);
    assert_eq!(json["findings"][1]["span"]["start"]["line"], 24);
    let error = &json["errors"][0];
    assert_eq!(error["document"], 2);
    assert_eq!(error["span"]["start"]["line"], 13);
    assert!(error["message"].as_str().unwrap().contains("YAML syntax error"));
}

#[test]
fn duplicate_keys_are_rejected_as_the_api_server_does() {
    let input = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\nspec: {}\n";
    let json = check_stdin(input.as_bytes(), &[]).json();
    let error = &json["errors"][0];
    assert!(error["message"].as_str().unwrap().contains("duplicate key \"name\""));
    assert_eq!(error["span"]["start"], serde_json::json!({"line": 5, "column": 3, "offset": 47}));
}

#[test]
fn hostile_documents_fail_alone_with_a_named_limit() {
    let deep = format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
    }
    for (hostile, expect) in [(deep.as_str(), "max_depth"), (bomb.as_str(), "max_alias_nodes")] {
        let input = format!("{PRIVILEGED_POD}---\n{hostile}---\n{PRIVILEGED_POD}");
        let run = check_stdin(input.as_bytes(), &["--select", "pss/privileged"]);
        assert_eq!(run.code, 2);
        let json = run.json();
        assert_eq!(json["findings"].as_array().unwrap().len(), 2, "{expect}");
        assert!(json["errors"][0]["message"].as_str().unwrap().contains(expect));
        assert_eq!(json["errors"][0]["document"], 2);
    }
}

#[test]
fn empty_input_is_fine() {
    for input in [&b""[..], b"\n\n", b"# just a comment\n", b"---\n---\n"] {
        let run = check_stdin(input, &[]);
        assert_eq!(run.code, 0, "{input:?}");
        assert_eq!(run.json()["summary"]["findings"], 0);
    }
}

#[test]
fn non_utf8_bytes_are_an_error_for_their_document_only() {
    let mut input = PRIVILEGED_POD.as_bytes().to_vec();
    input.extend_from_slice(b"---\nkind: Pod\nmetadata:\n  name: \xff\xfe\n");
    let run = check_stdin(&input, &["--select", "pss/privileged"]);
    assert_eq!(run.code, 2);
    let json = run.json();
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    assert!(json["errors"][0]["message"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(json["errors"][0]["span"]["start"]["line"], 14);
    assert_eq!(json["errors"][0]["span"]["start"]["column"], 9);
}

#[test]
fn a_huge_input_is_cut_at_the_size_limit() {
    let mut input = format!("{PRIVILEGED_POD}---\nblob: \"").into_bytes();
    input.resize(40 * 1024 * 1024, b'x');
    let run = check_stdin(&input, &["--select", "pss/privileged"]);
    assert_eq!(run.code, 2);
    let json = run.json();
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    assert!(json["errors"][0]["message"].as_str().unwrap().contains("max_bytes"));
}

#[test]
fn text_output_quotes_the_line_with_a_caret_and_no_color_in_a_pipe() {
    let run = posture(&["check", "-", "--select", "pss/privileged"], PRIVILEGED_POD.as_bytes());
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("critical[pss/privileged]: container \"app\" runs privileged"));
    assert!(run.stdout.contains("--> <stdin>:10:7 (document 1, Pod p)"));
    assert!(run.stdout.contains("10 |       privileged: true\n   |       ^^^^^^^^^^^^^^^^\n"), "{}", run.stdout);
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn sarif_has_rules_results_and_regions() {
    let run = posture(&["check", "tests/data/insecure.yaml", "--format", "sarif"], b"");
    let sarif = run.json();
    assert_eq!(sarif["version"], "2.1.0");
    let sarif_run = &sarif["runs"][0];
    let rules: Vec<&str> =
        sarif_run["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    for result in sarif_run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[key].as_u64().unwrap() >= 1, "{key}");
        }
    }
    let privileged = sarif_run["results"].as_array().unwrap().iter().find(|r| r["ruleId"] == "pss/privileged").unwrap();
    assert_eq!(privileged["level"], "error");
    assert_eq!(privileged["locations"][0]["physicalLocation"]["region"]["startLine"], 19);
    let artifact = &privileged["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "tests/data/insecure.yaml");
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
}

/// An absolute path is a `file://` URI of its own, not a reference against
/// `%SRCROOT%` (a relative reference may not start with `/`: SARIF1004).
#[test]
fn sarif_names_absolute_paths_with_file_uris() {
    let dir = tempdir("sarif abs");
    let file = dir.join("dé ploy.yaml");
    std::fs::copy("tests/data/insecure.yaml", &file).unwrap();
    let sarif = posture(&["check", file.to_str().unwrap(), "--format", "sarif"], b"").json();
    let artifact = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    let uri = artifact["uri"].as_str().unwrap();
    assert!(uri.starts_with("file:///") && uri.ends_with("/d%C3%A9%20ploy.yaml"), "{uri}");
    assert!(!uri.contains("//tmp") || uri.starts_with("file:///tmp/"), "{uri}");
    assert!(artifact.get("uriBaseId").is_none(), "{artifact}");
}

#[test]
fn markdown_lists_findings_and_fixes() {
    let run =
        posture(&["check", "tests/data/insecure.yaml", "--format", "markdown", "--select", "pss/privileged"], b"");
    assert!(
        run.stdout.contains(
            "| critical | `pss/privileged` | `tests/data/insecure.yaml:19:11` | `DaemonSet monitoring/node-agent` |"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("### `pss/privileged`: Privileged container"));
}

#[test]
fn rules_are_listed_from_the_registry() {
    let json: Value = serde_json::from_str(&posture(&["rules", "--format", "json"], b"").stdout).unwrap();
    let rules = json.as_array().unwrap();
    assert_eq!(rules.len(), posture::rules::all().len());
    for rule in rules {
        assert!(!rule["bad"].as_array().unwrap().is_empty() && !rule["good"].as_array().unwrap().is_empty());
        assert!(rule["snippet"].as_str().is_some() && rule["references"].as_array().is_some());
    }
    let text = posture(&["rules"], b"").stdout;
    assert!(text.lines().count() == rules.len() && text.contains("pss/privileged"));
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("posture-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn allowed_registries_turn_on_the_allowlist() {
    let args = |extra: &[&'static str]| {
        let mut a =
            vec!["check", "tests/data/insecure.yaml", "--format", "json", "--select", "image/registry-allowlist"];
        a.extend_from_slice(extra);
        a
    };
    assert_eq!(posture(&args(&[]), b"").json()["summary"]["findings"], 0);
    let json = posture(&args(&["--allowed-registry", "registry.example.com"]), b"").json();
    assert_eq!(json["summary"]["findings"], 2);
    assert!(find(&json, "image/registry-allowlist")["message"].as_str().unwrap().contains("docker.io"));
    let json = posture(&args(&["--allowed-registry", "docker.io/example"]), b"").json();
    assert_eq!(json["summary"]["findings"], 0);
}

#[test]
fn markdown_keeps_manifest_text_inert_and_paths_are_checked_once() {
    let pod = PRIVILEGED_POD.replace("name: p\n", "name: \"[x](https://evil.example)\"\n");
    let run = posture(&["check", "-", "--format", "markdown", "--select", "pss/privileged"], pod.as_bytes());
    // In a code span, which renders literally (tests/e2e/markdown.test.mjs
    // renders hostile reports with a GFM renderer).
    assert!(run.stdout.contains("| `Pod [x](https://evil.example)` |"), "{}", run.stdout);
    let twice =
        posture(&["check", "tests/data/list.yaml", "tests/data/list.yaml", "tests/data", "--format", "json"], b"")
            .json();
    let once = posture(&["check", "tests/data", "--format", "json"], b"").json();
    assert_eq!(twice["summary"]["findings"], once["summary"]["findings"]);
}

#[test]
fn sarif_marks_a_run_with_input_errors_unsuccessful() {
    let sarif = posture(&["check", "-", "--format", "sarif"], b"a: [\n").json();
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], false);
    let sarif = posture(&["check", "tests/data/hardened.yaml", "--format", "sarif"], b"").json();
    assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

// Hostile input (issue 18): what a manifest or a directory can do to the
// terminal, the file system walk and the output.

#[test]
fn text_output_escapes_terminal_controls_and_keeps_the_caret() {
    let dir = tempdir("escapes");
    let file = dir.join("x\x1b]0;title\x07.yaml");
    let manifest = concat!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"\\e]0;pwned\\a\\e[2J\"\n  namespace: \"\\u202eevil\"\n",
        "spec:\n  hostNetwork: true  # posture:ignore pss/host-namespaces ok \x1b[1A\u{2028}\x1b[2K\n",
        "  containers:\n  - name: \"c\\e[2K\"\n    image: nginx:1.27\n",
        "    securityContext: {a: \"\u{202e}\x1b\", privileged: true}\n",
    );
    std::fs::write(&file, manifest).unwrap();
    let file = file.to_str().unwrap();
    let run = posture(
        &[
            "check",
            file,
            "--select",
            "pss/privileged",
            "--select",
            "pss/host-namespaces",
            "--select",
            "pss/capabilities-restricted",
        ],
        b"",
    );
    let out = &run.stdout;
    let raw = |c: char| c.is_control() && c != '\n' || ('\u{2028}'..='\u{202e}').contains(&c);
    assert!(!out.chars().any(raw), "{out:?}");
    assert!(
        out.contains("x\\x1b]0;title\\x07.yaml:11:32 (document 1, Pod \\u{202e}evil/\\x1b]0;pwned\\x07\\x1b[2J)"),
        "{out}"
    );
    // The escapes before the span widen the line; the caret follows.
    assert!(
        out.contains(concat!(
            "11 |     securityContext: {a: \"\\u{202e}\\x1b\", privileged: true}\n",
            "   |                                          ^^^^^^^^^^^^^^^^\n"
        )),
        "{out}"
    );
    assert!(out.contains("- name: c\\x1b[2K"), "the snippet: {out}");
    assert!(out.contains("(comment: ok \\x1b[1A\\u{2028}\\x1b[2K)"), "the reason: {out}");
}

/// A directory with links out of it, a FIFO, and a link to standard input.
#[cfg(unix)]
#[test]
fn a_walk_reads_only_regular_files_inside_the_directory() {
    use std::os::unix::fs::symlink;
    let dir = tempdir("links");
    let outside = tempdir("links-outside");
    std::fs::write(outside.join("secret.txt"), "TOKEN=hunter2\n: [").unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("pod.yaml"), PRIVILEGED_POD).unwrap();
    symlink(outside.join("secret.txt"), dir.join("env.yaml")).unwrap();
    symlink("/dev/stdin", dir.join("stdin.yaml")).unwrap();
    symlink("../pod.yaml", dir.join("sub/inside.yaml")).unwrap();
    let fifo = dir.join("x.yaml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let run = posture(&["check", dir.to_str().unwrap(), "--format", "json", "--select", "pss/privileged"], b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains("hunter2") && !run.stderr.contains("hunter2"));
    assert_eq!(run.json()["summary"]["files"], 1, "the link inside the tree is the same file");
    for (name, why) in [
        ("env.yaml", "a symbolic link to a file outside the directory"),
        // Resolves to a pipe that is no file name, or to a terminal.
        ("stdin.yaml", "a symbolic link"),
        ("x.yaml", "not a regular file"),
    ] {
        let line = format!("posture: skipped {}: {why}", dir.join(name).display());
        assert!(run.stderr.contains(&line), "{line} in {}", run.stderr);
    }
    // Named on the command line, a FIFO is read like any file.
    let writer = std::thread::spawn(move || std::fs::write(&fifo, PRIVILEGED_POD).unwrap());
    let named = posture(&["check", dir.join("x.yaml").to_str().unwrap(), "--select", "pss/privileged"], b"");
    writer.join().unwrap();
    assert_eq!(named.code, 1, "{}", named.stdout);
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_are_checked_and_shown_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempdir("names");
    let name = OsStr::from_bytes(b"bad\xff\x1b.yaml");
    std::fs::write(dir.join(name), PRIVILEGED_POD).unwrap();
    let walked = posture(&["check", dir.to_str().unwrap(), "--format", "json", "--select", "pss/privileged"], b"");
    assert_eq!(walked.code, 1, "{}", walked.stdout);
    let file = walked.json()["findings"][0]["file"].as_str().unwrap().to_owned();
    assert!(file.ends_with("bad\\xff\u{1b}.yaml"), "{file}");
    let path = dir.join(name);
    let named =
        posture_os(&[OsStr::new("check"), path.as_os_str(), OsStr::new("--select"), OsStr::new("pss/privileged")], b"");
    assert_eq!(named.code, 1, "{}{}", named.stdout, named.stderr);
    assert!(named.stdout.contains("bad\\xff\\x1b.yaml:10:7"), "{}", named.stdout);
}

/// A pod whose `count` containers are all named by one alias to `name`.
fn aliased_containers(name: &str, count: usize) -> String {
    let mut pod = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: &n {name}\n    image: nginx:1.27\n    securityContext: {{privileged: true}}\n"
    );
    for _ in 1..count {
        pod.push_str("  - {name: *n, image: nginx:1.27, securityContext: {privileged: true}}\n");
    }
    pod
}

#[test]
fn aliases_cannot_multiply_the_output() {
    // 100 KB anchored once and aliased 1,000 times: a named limit, not gigabytes.
    let bomb = aliased_containers(&"x".repeat(100_000), 1000);
    let run = check_stdin(format!("{bomb}---\n{PRIVILEGED_POD}").as_bytes(), &["--select", "pss/privileged"]);
    assert_eq!(run.code, 2);
    let json = run.json();
    assert!(json["errors"][0]["message"].as_str().unwrap().contains("max_alias_bytes"), "{json}");
    assert_eq!(json["findings"].as_array().unwrap().len(), 1, "the next document is checked");

    // Under the limit, each finding shows the long name shortened, with its length.
    let name = format!("{}{}", "a".repeat(1500), "z".repeat(1500));
    let run = check_stdin(aliased_containers(&name, 1000).as_bytes(), &["--select", "pss/privileged"]);
    let json = run.json();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1000);
    let message = findings[999]["message"].as_str().unwrap();
    assert!(
        message.starts_with("container \"aaaa") && message.contains("zzz\" (3000 characters) runs privileged"),
        "{message}"
    );
    assert!(findings[999]["remediation"]["snippet"].as_str().unwrap().len() < 200);
    // Unclipped, the message and the snippet of each would carry all 3,000
    // characters: over 6 MB.
    assert!(run.stdout.len() < 2_000_000, "{} bytes of JSON", run.stdout.len());
}

#[test]
fn compact_json_and_sarif_hold_the_same_document_on_one_line() {
    for format in ["json", "sarif"] {
        let pretty = posture(&["check", "tests/data/insecure.yaml", "--format", format], b"");
        let compact = posture(&["check", "tests/data/insecure.yaml", "--format", format, "--compact"], b"");
        assert!(!compact.stdout.contains('\n') && compact.stdout.len() < pretty.stdout.len(), "{format}");
        assert_eq!(compact.json(), pretty.json(), "{format}");
    }
}

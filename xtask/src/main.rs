//! Project tasks, so a fresh machine needs only cargo:
//!
//! - `cargo xtask serve`: install what is missing, then serve the playground.
//! - `cargo xtask test`: install what is missing, then run every test
//!   (the pre-commit hook with the real pre-commit included).
//! - `cargo xtask setup`: only install what is missing.
//! - `cargo xtask bench`: engine and CLI benchmarks, the comparison with Checkov,
//!   and the playground's and the embed's timings in headless Chromium.
//! - `cargo xtask size`: build for release, print the size of both wasms.
//! - `cargo xtask pre-commit`: only the pre-commit hook test (part of `test`).
//! - `cargo xtask csp`, `cargo xtask module`: Trunk's post-build hooks (see `csp`, `module`).
//!
//! Everything comes from package registries (crates.io, Debian, npm, PyPI); tools
//! already on PATH at the right version are left alone.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{exit, Command};

const TRUNK_VERSION: &str = "0.21.14";
const CHROMIUM: &str = "/usr/bin/chromium";

fn main() {
    let task = env::args().nth(1).unwrap_or_default();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf();
    env::set_current_dir(&root).expect("workspace root");
    prepend_cargo_bin_to_path();
    match task.as_str() {
        "setup" => {
            setup_web(&root);
            setup_browser_tests(&root);
        }
        "serve" => {
            setup_web(&root);
            println!("Serving the playground at http://127.0.0.1:8080/ (Ctrl+C stops it)");
            run("trunk", &["serve"]);
        }
        "test" => {
            setup_web(&root);
            setup_browser_tests(&root);
            run("cargo", &["test", "--workspace"]);
            run("trunk", &["build", "--release"]);
            run("cargo", &["build", "--bin", "posture"]);
            size(&root);
            run_in(&root.join("tests/e2e"), "node", &["--test"]);
            pre_commit_hook(&root);
        }
        "size" => {
            setup_web(&root);
            run("trunk", &["build", "--release"]);
            size(&root);
        }
        "bench" => {
            // The bench runs the release CLI for its end-to-end figures.
            run("cargo", &["build", "--release", "--bin", "posture"]);
            run("cargo", &["bench", "--bench", "throughput"]);
            checkov(&root);
            setup_web(&root);
            setup_browser_tests(&root);
            run("trunk", &["build", "--release"]);
            size(&root);
            run_in(&root.join("tests/e2e"), "node", &["bench-module.mjs"]);
            run_in(&root.join("tests/e2e"), "node", &["bench.mjs"]);
            // As a person pastes: after reading the page a while (README, "The worker's warm-up").
            run_in(&root.join("tests/e2e"), "node", &["bench.mjs", "--pause=3000"]);
            run_in(&root.join("tests/e2e"), "node", &["bench-embed.mjs"]);
        }
        "pre-commit" => pre_commit_hook(&root),
        "csp" => csp(),
        "module" => module(&root),
        _ => {
            eprintln!("usage: cargo xtask <serve|test|setup|bench|size|pre-commit>");
            exit(2);
        }
    }
}

/// The pre-commit the hook is tested with (PyPI).
const PRE_COMMIT: &str = "pre-commit==4.7.0";

/// The pre-commit hook (.pre-commit-hooks.yaml), run with the real
/// pre-commit's `try-repo` on a good and a bad manifest; pre-commit comes
/// from PyPI into its own virtual environment under target/. The first run
/// builds the hook as pre-commit does (a release build of this crate), so it
/// takes a few minutes; the dependencies' build is kept under target/.
fn pre_commit_hook(root: &Path) {
    let venv = root.join("target/pre-commit/venv");
    let pre_commit = venv.join("bin/pre-commit");
    let version = PRE_COMMIT.rsplit('=').next().unwrap_or_default();
    if !pre_commit.exists() || !output(pre_commit.to_str().expect("utf-8 path"), &["--version"]).contains(version) {
        run("python3", &["-m", "venv", venv.to_str().expect("utf-8 path")]);
        run(venv.join("bin/pip").to_str().expect("utf-8 path"), &["install", "--quiet", PRE_COMMIT]);
    }
    run("bash", &["tests/pre-commit/try-repo.sh", pre_commit.to_str().expect("utf-8 path")]);
}

const CHECKOV: &str = "checkov==3.3.30";
/// Copies of the corpus the comparison checks, so start-up is not all
/// that is measured.
const CORPUS_COPIES: usize = 20;

/// Posture and Checkov on the same manifests: wall time of each, the ratio,
/// and what each reports. Checkov comes from PyPI into its own virtual
/// environment under target/.
fn checkov(root: &Path) {
    let bench = root.join("target/bench");
    let venv = bench.join("checkov-venv");
    let checkov = venv.join("bin/checkov");
    if !checkov.exists() {
        run("python3", &["-m", "venv", venv.to_str().expect("utf-8 path")]);
        run(venv.join("bin/pip").to_str().expect("utf-8 path"), &["install", "--quiet", CHECKOV]);
    }
    let input = bench.join("corpus");
    let _ = std::fs::remove_dir_all(&input);
    std::fs::create_dir_all(&input).expect("bench dir");
    let corpus: Vec<PathBuf> = std::fs::read_dir(root.join("tests/corpus"))
        .expect("tests/corpus")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    for copy in 0..CORPUS_COPIES {
        for file in &corpus {
            let name = format!("{copy}-{}", file.file_name().and_then(|n| n.to_str()).unwrap_or("f.yaml"));
            std::fs::copy(file, input.join(name)).expect("copy corpus");
        }
    }
    run("cargo", &["build", "--release", "--bin", "posture"]);
    let posture = root.join("target/release/posture");
    let dir = input.to_str().expect("utf-8 path");
    let time = |program: &Path, args: &[&str]| {
        let start = std::time::Instant::now();
        let out =
            Command::new(program).args(args).output().unwrap_or_else(|e| fail(&format!("{}: {e}", program.display())));
        (start.elapsed().as_secs_f64(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (posture_s, posture_out) = (0..3)
        .map(|_| time(&posture, &["check", dir, "--format", "json"]))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .expect("three runs");
    let (checkov_s, checkov_out) =
        time(&checkov, &["-d", dir, "--framework", "kubernetes", "-o", "json", "--quiet", "--compact"]);
    let files = corpus.len() * CORPUS_COPIES;
    println!("== Posture vs Checkov ({CHECKOV}) on {files} files ({CORPUS_COPIES} copies of tests/corpus)");
    println!("  posture: {:>8.3} s (best of 3, whole process)", posture_s);
    println!("  checkov: {:>8.3} s", checkov_s);
    println!("  posture is {:.0} times faster", checkov_s / posture_s);
    let mut families: std::collections::BTreeMap<String, usize> = Default::default();
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&posture_out) {
        for f in json["findings"].as_array().into_iter().flatten() {
            let family = f["rule"].as_str().unwrap_or("").split('/').next().unwrap_or("").to_owned();
            *families.entry(family).or_default() += 1;
        }
    }
    println!("  posture findings per family: {families:?}");
    let mut checks: std::collections::BTreeMap<String, usize> = Default::default();
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&checkov_out) {
        // One report, or a list of reports (one per framework).
        let reports: Vec<&serde_json::Value> = match json.as_array() {
            Some(list) => list.iter().collect(),
            None => vec![&json],
        };
        for report in reports {
            for c in report["results"]["failed_checks"].as_array().into_iter().flatten() {
                *checks.entry(checkov_family(c["check_id"].as_str().unwrap_or("")).to_owned()).or_default() += 1;
            }
        }
    }
    println!("  checkov failed checks per family (by check name): {checks:?}");
}

/// A rough family for a Checkov Kubernetes check id, to set beside Posture's.
fn checkov_family(id: &str) -> &'static str {
    let n: u32 = id.trim_start_matches("CKV_K8S_").trim_start_matches("CKV2_K8S_").parse().unwrap_or(0);
    match n {
        10..=13 => "resources",
        14 | 15 | 43 => "image",
        35 => "secrets",
        38 | 41 | 42 => "service-account",
        16..=31 | 37 | 39 | 40 => "pod-security",
        _ => "other",
    }
}

/// Prints the size of the release wasms, raw and gzipped (what a server
/// with compression sends): the playground's, the public engine module's
/// (issue 13's goal of 200 KB is for this one), and the playground's build
/// of the engine (its worker's).
fn size(root: &Path) {
    use std::io::Write;
    let dist = root.join("dist");
    let playground = std::fs::read_dir(&dist)
        .ok()
        .and_then(|entries| {
            entries.filter_map(Result::ok).map(|e| e.path()).find(|p| p.extension().is_some_and(|x| x == "wasm"))
        })
        .unwrap_or_else(|| fail("no .wasm in dist/: run trunk build --release first"));
    for (what, wasm) in [
        ("playground wasm", playground),
        ("engine module wasm", dist.join("pkg/posture_bg.wasm")),
        ("playground's engine wasm", dist.join("pkg/playground-engine_bg.wasm")),
    ] {
        let bytes = std::fs::read(&wasm).unwrap_or_else(|e| fail(&format!("{}: {e}", wasm.display())));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).expect("in-memory gzip");
        let gzipped = gz.finish().expect("in-memory gzip").len();
        println!("{what}: {} KB raw, {} KB gzipped ({})", bytes.len() / 1024, gzipped / 1024, wasm.display());
    }
}

/// Replaces `INLINE_SCRIPT_HASHES` in the built page's Content-Security-Policy
/// with the hashes of its inline scripts (Trunk's loader, and in `trunk
/// serve` its reload client), so the policy needs no 'unsafe-inline'.
fn csp() {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let Some(dir) = env::var_os("TRUNK_STAGING_DIR") else { fail("csp runs as a Trunk post_build hook") };
    let page = PathBuf::from(dir).join("index.html");
    let html = std::fs::read_to_string(&page).unwrap_or_else(|e| fail(&format!("{}: {e}", page.display())));
    let mut hashes = Vec::new();
    let mut rest = html.as_str();
    while let Some(open) = rest.find("<script") {
        let tag_end = rest[open..].find('>').map_or(rest.len(), |i| open + i + 1);
        let close = rest[tag_end..].find("</script>").map_or(rest.len(), |i| tag_end + i);
        if !rest[open..tag_end].contains(" src=") {
            let digest = Sha256::digest(&rest.as_bytes()[tag_end..close]);
            hashes.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &rest[close..];
    }
    if !html.contains("INLINE_SCRIPT_HASHES") {
        fail("index.html has no INLINE_SCRIPT_HASHES placeholder in its Content-Security-Policy");
    }
    let html = html.replace("INLINE_SCRIPT_HASHES", &hashes.join(" "));
    std::fs::write(&page, html).unwrap_or_else(|e| fail(&format!("{}: {e}", page.display())));
}

/// What Trunk builds from `js/` (named for its package, `posture-js`)
/// becomes the module's contract names in `dist/pkg/`: `posture.js`,
/// `posture_bg.wasm`, `posture.d.ts`. The loader's default wasm URL follows
/// the rename, and it gains `export const version`, the engine crate's
/// version (wasm-bindgen exports only functions and classes). The
/// playground's build (`js/playground/`) keeps its package's name,
/// `playground-engine.*`, and gains `version` too.
fn module(root: &Path) {
    let Some(dir) = env::var_os("TRUNK_STAGING_DIR") else { fail("module runs as a Trunk post_build hook") };
    let pkg = PathBuf::from(dir).join("pkg");
    let read = |name: &str| {
        std::fs::read_to_string(pkg.join(name)).unwrap_or_else(|e| fail(&format!("{}: {e}", pkg.join(name).display())))
    };
    let write = |name: &str, text: String| {
        std::fs::write(pkg.join(name), text).unwrap_or_else(|e| fail(&format!("{}: {e}", pkg.join(name).display())))
    };
    let with_version = |js: String| format!("{js}\nexport const version = '{}';\n", package_version(root));
    let js = read("posture-js.js");
    if js.matches("'posture-js_bg.wasm'").count() != 1 {
        fail("posture-js.js does not name posture-js_bg.wasm once: has wasm-bindgen's loader changed?");
    }
    write("posture.js", with_version(js.replace("'posture-js_bg.wasm'", "'posture_bg.wasm'")));
    write("posture.d.ts", read("posture-js.d.ts"));
    std::fs::rename(pkg.join("posture-js_bg.wasm"), pkg.join("posture_bg.wasm"))
        .unwrap_or_else(|e| fail(&format!("renaming the module's wasm: {e}")));
    for old in ["posture-js.js", "posture-js.d.ts"] {
        let _ = std::fs::remove_file(pkg.join(old));
    }
    write("playground-engine.js", with_version(read("playground-engine.js")));
}

/// The engine crate's version, from its Cargo.toml.
fn package_version(root: &Path) -> String {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_default();
    let Some(line) = manifest.lines().find(|l| l.starts_with("version = \"")) else {
        fail("Cargo.toml has no package version");
    };
    line.trim_start_matches("version = \"").trim_end_matches('"').to_owned()
}

/// The wasm target, wasm-bindgen-cli at the version in Cargo.lock, Trunk.
fn setup_web(root: &Path) {
    let targets = output("rustup", &["target", "list", "--installed"]);
    if !targets.lines().any(|t| t.trim() == "wasm32-unknown-unknown") {
        run("rustup", &["target", "add", "wasm32-unknown-unknown"]);
    }
    let bindgen = lock_version(root, "wasm-bindgen");
    let pinned = std::fs::read_to_string(root.join("Trunk.toml")).unwrap_or_default();
    if !pinned.contains(&format!("wasm_bindgen = \"{bindgen}\"")) {
        fail(&format!("Trunk.toml must pin wasm_bindgen = \"{bindgen}\", the version in Cargo.lock"));
    }
    if !version_of("wasm-bindgen").contains(&bindgen) {
        // Not --locked: one of its locked dependencies was yanked.
        run("cargo", &["install", "wasm-bindgen-cli", "--version", &bindgen]);
    }
    // wasm-opt shrinks both wasms; Trunk must find the version Trunk.toml
    // pins on PATH, or it would download one.
    let wasm_opt =
        pinned.lines().find_map(|l| l.strip_prefix("wasm_opt = \"version_")).map(|v| v.trim_end_matches('"'));
    let Some(wasm_opt) = wasm_opt else { fail("Trunk.toml must pin wasm_opt (Debian's binaryen)") };
    if !version_of("wasm-opt").contains(&format!("version {wasm_opt}")) {
        apt_install("binaryen");
        if !version_of("wasm-opt").contains(&format!("version {wasm_opt}")) {
            fail(&format!(
                "Trunk.toml pins wasm-opt {wasm_opt}, but Debian's binaryen is {}",
                version_of("wasm-opt").trim()
            ));
        }
    }
    if !version_of("trunk").contains(TRUNK_VERSION) {
        // Trunk 0.22 needs a newer rustc than this toolchain; 0.21 is pinned.
        run("cargo", &["install", "trunk", "--version", TRUNK_VERSION, "--locked"]);
    }
}

/// Debian's Chromium, and the npm packages the browser tests use.
fn setup_browser_tests(root: &Path) {
    if !Path::new(CHROMIUM).exists() {
        apt_install("chromium");
    }
    if which("npm").is_none() {
        fail("npm is needed for the browser tests (Debian package npm)");
    }
    run_in(&root.join("tests/e2e"), "npm", &["ci", "--no-audit", "--no-fund"]);
}

/// Installs a Debian package (as root, or through sudo).
fn apt_install(package: &str) {
    let sudo = if output("id", &["-u"]).trim() == "0" { vec![] } else { vec!["sudo"] };
    let apt = |args: &[&str]| {
        let mut full = sudo.clone();
        full.extend_from_slice(args);
        run(full[0], &full[1..]);
    };
    apt(&["apt-get", "update", "-qq"]);
    apt(&["apt-get", "install", "-y", "-qq", package]);
}

/// The version of `name` recorded in Cargo.lock.
fn lock_version(root: &Path, name: &str) -> String {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let marker = format!("name = \"{name}\"\nversion = \"");
    let Some(start) = lock.find(&marker).map(|i| i + marker.len()) else {
        fail(&format!("{name} is not in Cargo.lock"));
    };
    lock[start..].split('"').next().unwrap_or_default().to_owned()
}

fn version_of(tool: &str) -> String {
    if which(tool).is_none() {
        return String::new();
    }
    output(tool, &["--version"])
}

fn which(tool: &str) -> Option<PathBuf> {
    env::split_paths(&env::var_os("PATH")?).map(|dir| dir.join(tool)).find(|p| p.is_file())
}

fn prepend_cargo_bin_to_path() {
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(bin) = cargo_home.map(|h| h.join("bin")) {
        let mut paths = vec![bin];
        paths.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
        env::set_var("PATH", env::join_paths(paths).expect("valid PATH"));
    }
}

fn output(program: &str, args: &[&str]) -> String {
    match Command::new(program).args(args).output() {
        Ok(out) => String::from_utf8_lossy(&out.stdout).into_owned(),
        Err(e) => fail(&format!("cannot run {program}: {e}")),
    }
}

fn run(program: &str, args: &[&str]) {
    run_in(Path::new("."), program, args);
}

fn run_in(dir: &Path, program: &str, args: &[&str]) {
    println!("$ {program} {}", args.join(" "));
    match Command::new(program).args(args).current_dir(dir).status() {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!("{program} {} failed ({status})", args.join(" "))),
        Err(e) => fail(&format!("cannot run {program}: {e}")),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("xtask: {message}");
    exit(1);
}

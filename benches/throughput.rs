//! Engine and CLI benchmarks that print figures (never pass/fail assertions),
//! on inputs generated the same way every run from `tests/corpus/`:
//!
//! - engine throughput (MB/s, documents/s) on 1 and 15 MB streams;
//! - end to end: the release `posture check --format json` process on the
//!   15 MB stream, MB/s and its peak memory;
//! - 100,000 small Pods in one file (about a million findings): time and
//!   peak memory of the release CLI in every format;
//! - incremental re-checks: one edit (a character, a new line) inside one
//!   document of a 1 MB and a 10 MB stream, re-checked;
//! - growth: time and peak memory as the input doubles;
//! - hostile inputs at their limits: alias bomb, 100,000-deep nesting, a
//!   50 MB single line, 100,000 tiny documents.
//!
//! `cargo bench --bench throughput` (or `cargo xtask bench`, which builds the
//! release CLI first and adds the Checkov comparison and the browser
//! timings). The CLI figures need `target/release/posture` (or the binary
//! named by `POSTURE_BIN`) and are skipped without it. Each measurement of
//! memory runs in a child process, so its peak is its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use posture::engine::Checker;
use posture::{check, Input, Options};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The corpus manifests, in name order.
fn corpus() -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join("tests/corpus"))
        .expect("tests/corpus")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read_to_string(f).expect("corpus file")).collect()
}

/// About `target` bytes of real-world-style manifests: copies of the corpus,
/// each copy in its own namespaces and with its own names (so cross-object
/// rules relate objects within a copy, as in a real repository).
fn stream(target: usize) -> String {
    copies(target, true)
}

/// About `target` bytes of copies of the corpus, each with its own names
/// and, if `own_namespaces`, its own namespaces; without, the copies share
/// them, as `tests/e2e/bench.mjs`'s `real()` builds its text (so a
/// namespace's lookups gather every copy's objects).
fn copies(target: usize, own_namespaces: bool) -> String {
    let corpus = corpus();
    let mut out = String::with_capacity(target + 64 * 1024);
    let mut copy = 0;
    while out.len() < target {
        for file in &corpus {
            out.push_str("---\n");
            let file = if own_namespaces {
                file.replace("namespace: ", &format!("namespace: c{copy}-"))
            } else {
                file.clone()
            };
            out.push_str(&file.replace("name: ", &format!("name: c{copy}-")));
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        copy += 1;
    }
    out
}

/// `n` small Pods in one `List` (as `kubectl get pods -o yaml` prints
/// them: one document, so the stream's document limit does not apply),
/// each with its own name: about ten findings each under the default rules.
fn pods(n: usize) -> String {
    let mut out = String::with_capacity(n * 120);
    out.push_str("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..n {
        out.push_str(&format!(
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: pod-{i}\n  spec:\n    containers:\n    - name: app\n      image: nginx\n"
        ));
    }
    out
}

/// The hostile inputs, each just past one limit.
fn hostile(name: &str) -> Vec<u8> {
    match name {
        "alias-bomb" => {
            let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
            for i in 1..12 {
                text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
            }
            text.into_bytes()
        }
        "deep-nesting" => format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        "50MB-line" => {
            let mut text = b"data: \"".to_vec();
            text.resize(50 * 1024 * 1024, b'x');
            text
        }
        "100k-documents" => "---\na: 1\n".repeat(100_000).into_bytes(),
        _ => unreachable!("unknown case {name}"),
    }
}

/// Peak resident memory of this process, in KiB (Linux).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Child mode: run one case, print "millis peak_kib detail".
fn child(case: &str, arg: &str) {
    let options = Options::default();
    let input = match case {
        "growth" => stream(arg.parse::<usize>().expect("size in MB") * 1024 * 1024).into_bytes(),
        _ => hostile(arg),
    };
    let start = Instant::now();
    let report = check("bench", &input, &options);
    let millis = start.elapsed().as_secs_f64() * 1000.0;
    let detail = match report.errors.first() {
        Some(e) => format!("{} error(s), first: {}", report.errors.len(), e.message),
        None => format!("{} documents, {} findings", report.documents, report.findings.len()),
    };
    println!("{millis:.1} {} {detail}", peak_kib());
}

fn run_child(case: &str, arg: &str) -> (f64, u64, String) {
    let out = Command::new(std::env::current_exe().expect("bench binary"))
        .args(["--case", case, arg])
        .output()
        .expect("bench child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.trim().splitn(3, ' ');
    let millis = parts.next().and_then(|p| p.parse().ok()).unwrap_or(f64::NAN);
    let kib = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (millis, kib, parts.next().unwrap_or("").to_owned())
}

/// One run of the CLI: wall time and CPU time (user and system) in seconds,
/// and peak resident memory in KiB.
struct CliRun {
    wall: f64,
    cpu: f64,
    kib: u64,
}

/// Runs the CLI to completion with its output discarded; its CPU time and
/// peak memory come from the kernel's accounting of the reaped child
/// (`wait4`). CPU time is the steadier figure on a busy machine.
// The child is reaped by wait4, which `Child` does not know of.
#[allow(clippy::zombie_processes)]
fn run_cli(posture: &Path, args: &[&str]) -> CliRun {
    let start = Instant::now();
    let child =
        Command::new(posture).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("posture runs");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 reaps only this child,
    // which `Child` never waits for afterwards.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(pid > 0, "wait4 failed");
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    CliRun {
        wall: start.elapsed().as_secs_f64(),
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        kib: usage.ru_maxrss as u64,
    }
}

/// `run_cli` from a fresh small process (this binary in `--cli` mode): a
/// child forked from this one would count this process's memory at the fork
/// in its peak.
fn run_cli_apart(posture: &Path, args: &[&str]) -> CliRun {
    let out = Command::new(std::env::current_exe().expect("bench binary"))
        .arg("--cli")
        .arg(posture)
        .args(args)
        .output()
        .expect("bench child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let figures: Vec<f64> = text.split_whitespace().filter_map(|f| f.parse().ok()).collect();
    match figures[..] {
        [wall, cpu, kib] => CliRun { wall, cpu, kib: kib as u64 },
        _ => panic!("bench child: {text}"),
    }
}

/// The run with the least CPU time of `runs`, and the least wall time.
fn best_cli(posture: &Path, args: &[&str], runs: usize) -> (CliRun, f64) {
    let all: Vec<CliRun> = (0..runs).map(|_| run_cli_apart(posture, args)).collect();
    let wall = all.iter().map(|r| r.wall).fold(f64::INFINITY, f64::min);
    (all.into_iter().min_by(|a, b| a.cpu.total_cmp(&b.cpu)).expect("one run"), wall)
}

fn posture_bin() -> Option<PathBuf> {
    let bin = std::env::var_os("POSTURE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(ROOT).join("target/release/posture"));
    bin.exists().then_some(bin)
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn engine_throughput(options: &Options) {
    println!("== engine throughput (in-process, one core)");
    for size_mb in [1usize, 15] {
        let text = stream(size_mb * 1024 * 1024);
        let warm = check("bench", text.as_bytes(), options);
        assert!(warm.errors.is_empty(), "{:?}", &warm.errors[..1]);
        let rounds = 5;
        let (mut best, mut cpu) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..rounds {
            let (start, start_cpu) = (Instant::now(), thread_cpu());
            std::hint::black_box(check("bench", text.as_bytes(), options));
            best = best.min(start.elapsed().as_secs_f64());
            cpu = cpu.min(thread_cpu() - start_cpu);
        }
        println!(
            "  {:>5.1} MB stream: {:>7.1} ms/check ({:>7.1} ms thread CPU), {:>6.1} MB/s, {:>8.0} documents/s ({} documents, {} objects, {} findings; best of {rounds})",
            mb(text.len()),
            best * 1000.0,
            cpu * 1000.0,
            mb(text.len()) / best,
            warm.documents as f64 / best,
            warm.documents,
            warm.objects,
            warm.findings.len()
        );
    }
}

fn end_to_end(posture: &Path, dir: &Path) {
    let text = stream(15 * 1024 * 1024);
    let file = dir.join("stream-15MB.yaml");
    std::fs::write(&file, &text).expect("bench input");
    let path = file.to_str().expect("utf-8 path");
    println!(
        "== end to end: `posture check --format json` on a {:.1} MB stream (whole process, best of 5)",
        mb(text.len())
    );
    let (run, wall) = best_cli(posture, &["check", path, "--format", "json"], 5);
    println!(
        "  CPU {:>7.1} ms ({:>5.1} MB/s), wall {:>7.1} ms ({:>5.1} MB/s), {:>7.1} MB peak ({:.1}x the input)",
        run.cpu * 1000.0,
        mb(text.len()) / run.cpu,
        wall * 1000.0,
        mb(text.len()) / wall,
        run.kib as f64 / 1024.0,
        run.kib as f64 * 1024.0 / text.len() as f64
    );

    let text = pods(100_000);
    let file = dir.join("pods-100k.yaml");
    std::fs::write(&file, &text).expect("bench input");
    let path = file.to_str().expect("utf-8 path");
    println!("== 100,000 small Pods in one {:.1} MB List, every format (whole process, best of 3)", mb(text.len()));
    for format in ["text", "json", "sarif", "markdown"] {
        let (run, wall) = best_cli(posture, &["check", path, "--format", format], 3);
        println!(
            "  {format:<9} CPU {:>7.0} ms, wall {:>7.0} ms, {:>7.1} MB peak",
            run.cpu * 1000.0,
            wall * 1000.0,
            run.kib as f64 / 1024.0
        );
    }
}

/// CPU time of this thread, in seconds: on a machine others share, it is
/// steadier than wall time for short measurements.
fn thread_cpu() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// One edit inside one document in the middle of the stream, re-checked
/// with the incremental checker: a character typed into a value, then
/// deleted; and a blank line typed after it, then deleted, which moves
/// every line below (each re-check timed).
fn incremental(options: &Options) {
    let rounds = rounds();
    println!(
        "== incremental: one edit inside one document, re-checked (engine::Checker, best of {rounds}; wall / thread CPU)"
    );
    for size_mb in [1usize, 10] {
        let text = stream(size_mb * 1024 * 1024).into_bytes();
        let middle = text.len() / 2;
        let at = middle + text[middle..].windows(7).position(|w| w == b"image: ").expect("an image") + 7;
        let line_end = at + text[at..].iter().position(|&b| b == b'\n').expect("a line end") + 1;
        let mut checker = Checker::new(options.clone());
        let start = Instant::now();
        let findings = checker.check(&[Input { file: "bench", text: &text }]).findings.len();
        let first = start.elapsed().as_secs_f64();
        let (character, line) =
            (retyped(&mut checker, rounds, at, b"x"), retyped(&mut checker, rounds, line_end, b"\n"));
        println!(
            "  {:>5.1} MB stream: first check {:>7.1} ms ({findings} findings), re-check after one character {character}, after a new line {line}",
            mb(text.len()),
            first * 1000.0,
        );
        // Best of 20 at most: each round copies every finding held.
        let (compared, told) = changes_after_a_keystroke(&mut checker, at, rounds.min(20));
        println!(
            "  {:>5.1} MB stream: the change after one character (playground changes(), findings held patched): compared {compared}, told by the engine (compared if large) {told}",
            mb(text.len())
        );
    }
}

/// The playground's keystroke in 10 MB (`tests/e2e/bench.mjs`: its text,
/// whose copies share their namespaces, and its `#` typed at the end),
/// then as in [`incremental`] a character typed into a value in the middle
/// and a new line after it.
fn keystroke(options: &Options) {
    let rounds = rounds();
    let text = copies(10 * 1024 * 1024, false).into_bytes();
    let middle = text.len() / 2;
    let at = middle + text[middle..].windows(7).position(|w| w == b"image: ").expect("an image") + 7;
    let line_end = at + text[at..].iter().position(|&b| b == b'\n').expect("a line end") + 1;
    let mut checker = Checker::new(options.clone());
    let findings = checker.check(&[Input { file: "bench", text: &text }]).findings.len();
    let end = retyped(&mut checker, rounds, text.len(), b"#");
    let (character, line) = (retyped(&mut checker, rounds, at, b"x"), retyped(&mut checker, rounds, line_end, b"\n"));
    println!(
        "  {:>5.1} MB as bench.mjs builds it ({findings} findings, namespaces shared): `#` typed at the end {end}, one character {character}, a new line {line}",
        mb(text.len())
    );
    let first = first_after_set(options, &text, rounds.min(5));
    println!(
        "  {:>5.1} MB as bench.mjs builds it: `#` typed at the end, the first edit after set_text {first}",
        mb(text.len())
    );
}

/// The worker's first keystroke after an `open`: a fresh checker's
/// `set` and report (not timed), then `#` typed at the end and checked
/// (timed); the best of `rounds` checkers.
fn first_after_set(options: &Options, text: &[u8], rounds: usize) -> String {
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..rounds {
        let mut checker = Checker::new(options.clone());
        checker.set(&[Input { file: "bench", text }]);
        std::hint::black_box(checker.report());
        let (start, start_cpu) = (Instant::now(), thread_cpu());
        std::hint::black_box(checker.edit(0, text.len()..text.len(), b"#"));
        wall = wall.min(start.elapsed().as_secs_f64());
        cpu = cpu.min(thread_cpu() - start_cpu);
    }
    format!("{:>7.2} / {:>7.2} ms", wall * 1000.0, cpu * 1000.0)
}

/// How many times each edit is timed (more, `POSTURE_BENCH_ROUNDS=400`,
/// make a profile of the edits outweigh the first check's).
fn rounds() -> usize {
    std::env::var("POSTURE_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(20)
}

/// `typed` inserted at `at` then deleted, `rounds` times, each re-checked:
/// the best wall and thread CPU time.
fn retyped(checker: &mut Checker, rounds: usize, at: usize, typed: &[u8]) -> String {
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    for round in 0..rounds {
        let (range, replacement) = if round % 2 == 0 { (at..at, typed) } else { (at..at + typed.len(), &b""[..]) };
        let (start, start_cpu) = (Instant::now(), thread_cpu());
        std::hint::black_box(checker.edit(0, range, replacement));
        wall = wall.min(start.elapsed().as_secs_f64());
        cpu = cpu.min(thread_cpu() - start_cpu);
    }
    format!("{:>7.2} / {:>7.2} ms", wall * 1000.0, cpu * 1000.0)
}

/// What the module's `Checker.changes()` does after a keystroke besides
/// checking: the change between the findings held and the new ones, found
/// by comparing them or from what the engine kept, and the held copy
/// patched with it (each timed, best of `rounds`; wall / thread CPU).
fn changes_after_a_keystroke(checker: &mut Checker, at: usize, rounds: usize) -> (String, String) {
    use posture::playground::changes::{apply_in_place, between, told_or_compared, Shift};
    let mut held = checker.report().findings.clone();
    let (mut compared, mut told) = ([f64::INFINITY; 2], [f64::INFINITY; 2]);
    for round in 0..rounds {
        let (range, replacement) = if round % 2 == 0 { (at..at, &b"x"[..]) } else { (at..at + 1, &b""[..]) };
        checker.apply_edit(0, range, replacement);
        let (report, changed) = checker.report_and_changed();
        let shift = Shift { offset: if round % 2 == 0 { 1 } else { -1 }, line: 0, document: 0 };
        for (engine, best) in [(false, &mut compared), (true, &mut told)] {
            let mut copy = held.clone();
            let (start, start_cpu) = (Instant::now(), thread_cpu());
            let change = if engine {
                told_or_compared(changed, &copy, &report.findings, shift)
            } else {
                between(&copy, &report.findings, shift)
            };
            let patched = apply_in_place(&mut copy, &change, &report.findings);
            best[0] = best[0].min(start.elapsed().as_secs_f64());
            best[1] = best[1].min(thread_cpu() - start_cpu);
            assert!(patched && copy.len() == report.findings.len());
        }
        held = report.findings.clone();
    }
    let figure = |best: [f64; 2]| format!("{:>6.2} / {:>6.2} ms", best[0] * 1000.0, best[1] * 1000.0);
    (figure(compared), figure(told))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        child(&args[i + 1], &args[i + 2]);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--cli") {
        let rest: Vec<&str> = args[i + 2..].iter().map(String::as_str).collect();
        let run = run_cli(Path::new(&args[i + 1]), &rest);
        println!("{} {} {}", run.wall, run.cpu, run.kib);
        return;
    }
    // `cargo bench --bench throughput -- incremental` runs only the sections
    // whose name holds that word (engine, cli, incremental, growth, hostile).
    let only: Vec<&String> = args.iter().skip(1).filter(|a| !a.starts_with('-')).collect();
    let runs = |section: &str| only.is_empty() || only.iter().any(|o| section.contains(o.as_str()));
    let options = Options::default();
    if runs("engine") {
        engine_throughput(&options);
    }
    if runs("cli") {
        match posture_bin() {
            Some(posture) => {
                let dir = Path::new(ROOT).join("target/bench");
                std::fs::create_dir_all(&dir).expect("target/bench");
                end_to_end(&posture, &dir);
            }
            None => println!("== CLI figures skipped: build target/release/posture first (cargo xtask bench does)"),
        }
    }
    if runs("incremental") {
        incremental(&options);
    }
    // `-- keystroke` runs this part alone.
    if runs("incremental keystroke") {
        keystroke(&options);
    }
    if runs("growth") {
        println!("== growth: the input doubles (time, and the process's peak memory including the input)");
        for mb in [1, 2, 4, 8, 16] {
            let (millis, kib, detail) = run_child("growth", &mb.to_string());
            println!("  {mb:>3} MB: {millis:>8.1} ms, {:>7.1} MB peak ({detail})", kib as f64 / 1024.0);
        }
    }
    if runs("hostile") {
        println!("== hostile inputs at their limits");
        for case in ["alias-bomb", "deep-nesting", "50MB-line", "100k-documents"] {
            let (millis, kib, detail) = run_child("hostile", case);
            println!("  {case:<15} {millis:>8.1} ms, {:>7.1} MB peak: {detail}", kib as f64 / 1024.0);
        }
    }
}

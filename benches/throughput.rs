//! Engine benchmarks that print figures (never pass/fail assertions):
//!
//! - throughput (MB/s, documents/s) on realistic multi-megabyte streams;
//! - growth: time and peak memory as the input doubles;
//! - hostile inputs at their limits: alias bomb, 100,000-deep nesting, a
//!   50 MB single line, 100,000 tiny documents.
//!
//! `cargo bench --bench throughput` (or `cargo xtask bench`, which adds the
//! Checkov comparison and the browser timings). Each measurement of memory
//! runs in a child process, so its peak (VmHWM) is its own.

use std::process::Command;
use std::time::Instant;

use posture::{check, Options};

const SAMPLES: [&str; 3] = [
    include_str!("../tests/data/insecure.yaml"),
    include_str!("../tests/data/hardened.yaml"),
    include_str!("../tests/data/list.yaml"),
];

const CONFIG_MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-N\n  namespace: team-N\ndata:\n  app.properties: |\n    log.level=info\n    feature.flags=a,b,c\n  retries: \"3\"\n";

/// About `target` bytes of manifests, each copy with its own names.
fn stream(target: usize) -> String {
    let mut out = String::with_capacity(target + 4096);
    let mut i = 0;
    while out.len() < target {
        for sample in SAMPLES.iter().chain(std::iter::once(&CONFIG_MAP)) {
            out.push_str("---\n");
            out.push_str(&sample.replace("name: ", &format!("name: n{i}-")).replace("-N", &format!("-{i}")));
        }
        i += 1;
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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--case") {
        child(&args[i + 1], &args[i + 2]);
        return;
    }
    let options = Options::default();
    println!("== engine throughput (release build, one core)");
    for size_mb in [1usize, 8] {
        let text = stream(size_mb * 1024 * 1024);
        let warm = check("bench", text.as_bytes(), &options);
        assert!(warm.errors.is_empty(), "{:?}", &warm.errors[..1]);
        let rounds = 5;
        let start = Instant::now();
        for _ in 0..rounds {
            std::hint::black_box(check("bench", text.as_bytes(), &options));
        }
        let seconds = start.elapsed().as_secs_f64() / rounds as f64;
        let mb = text.len() as f64 / (1024.0 * 1024.0);
        println!(
            "  {:>5.1} MB stream: {:>7.1} ms/check, {:>6.1} MB/s, {:>8.0} documents/s ({} documents, {} objects, {} findings)",
            mb,
            seconds * 1000.0,
            mb / seconds,
            warm.documents as f64 / seconds,
            warm.documents,
            warm.objects,
            warm.findings.len()
        );
    }
    println!("== growth: the input doubles (time, and the process's peak memory including the input)");
    for mb in [1, 2, 4, 8, 16] {
        let (millis, kib, detail) = run_child("growth", &mb.to_string());
        println!("  {mb:>3} MB: {millis:>8.1} ms, {:>7.1} MB peak ({detail})", kib as f64 / 1024.0);
    }
    println!("== hostile inputs at their limits");
    for case in ["alias-bomb", "deep-nesting", "50MB-line", "100k-documents"] {
        let (millis, kib, detail) = run_child("hostile", case);
        println!("  {case:<15} {millis:>8.1} ms, {:>7.1} MB peak: {detail}", kib as f64 / 1024.0);
    }
}

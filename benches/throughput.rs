//! Engine throughput on a realistic multi-megabyte stream: prints MB/s and
//! documents/s (a figure, never a pass/fail assertion).
//!
//! Run with `cargo bench --bench throughput` (or `cargo xtask bench`).

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

fn main() {
    let options = Options::default();
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
            "engine {:>5.1} MB stream: {:>7.1} ms/check, {:>6.1} MB/s, {:>8.0} documents/s ({} documents, {} objects, {} findings)",
            mb,
            seconds * 1000.0,
            mb / seconds,
            warm.documents as f64 / seconds,
            warm.documents,
            warm.objects,
            warm.findings.len()
        );
    }
}

//! Turns the command line's paths into labelled inputs.

use std::fs;
use std::io::Read;
use std::path::Path;

pub struct Input {
    /// How reports name it: the path as given or found, or `-` for stdin.
    pub label: String,
    pub text: Result<Vec<u8>, String>,
}

/// Files in the order given; directories walked (sorted) for `*.yaml` and
/// `*.yml`, skipping hidden entries. Reads at most `max_bytes + 1` bytes of
/// each, so an oversized input is reported by the engine's limit rather than
/// exhausting memory.
pub fn collect(paths: &[String], max_bytes: usize) -> Vec<Input> {
    let mut inputs = collect_all(paths, max_bytes);
    // A file named twice (directly and through its directory) is one input.
    let mut seen = std::collections::HashSet::new();
    inputs.retain(|i| {
        i.label == "-" || seen.insert(fs::canonicalize(&i.label).unwrap_or_else(|_| i.label.clone().into()))
    });
    let mut stdin_seen = false;
    inputs.retain(|i| i.label != "-" || !std::mem::replace(&mut stdin_seen, true));
    inputs
}

fn collect_all(paths: &[String], max_bytes: usize) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        if path == "-" {
            inputs.push(Input { label: "-".into(), text: read(std::io::stdin().lock(), max_bytes) });
            continue;
        }
        let p = Path::new(path);
        if p.is_dir() {
            walk(p, max_bytes, &mut inputs);
        } else {
            inputs.push(file(p, max_bytes));
        }
    }
    inputs
}

fn file(path: &Path, max_bytes: usize) -> Input {
    let text = fs::File::open(path).map_err(|e| format!("cannot read: {e}")).and_then(|f| read(f, max_bytes));
    Input { label: path.display().to_string(), text }
}

fn read(reader: impl Read, max_bytes: usize) -> Result<Vec<u8>, String> {
    let mut text = Vec::new();
    reader.take(max_bytes as u64 + 1).read_to_end(&mut text).map_err(|e| format!("cannot read: {e}"))?;
    Ok(text)
}

fn walk(dir: &Path, max_bytes: usize, inputs: &mut Vec<Input>) {
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            inputs.push(Input { label: dir.display().to_string(), text: Err(format!("cannot read directory: {e}")) });
            return;
        }
    };
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        // Symlinked directories are not followed, so a link loop cannot trap the walk.
        let is_link = path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink());
        if path.is_dir() {
            if !is_link {
                walk(&path, max_bytes, inputs);
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            inputs.push(file(&path, max_bytes));
        }
    }
}

//! Turns the command line's paths into labelled inputs.
//!
//! A directory may come from anyone (a pull request, an unpacked chart), so
//! its walk reads only what it is meant to: regular files inside it. A
//! symbolic link out of the tree (`env.yaml -> /proc/self/environ`) would
//! otherwise put a secret into an error's quoted line, and a FIFO or device
//! would block the walk forever. What is skipped is reported with the reason.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

pub struct Input {
    /// How reports name it: the path as given or found (escaped where it is
    /// not UTF-8), or `-` for stdin.
    pub label: String,
    /// The file it came from; `None` for stdin.
    path: Option<PathBuf>,
    pub text: Result<Vec<u8>, String>,
}

impl Input {
    /// The file it came from; `None` for stdin.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

/// A file a directory walk left out, and why.
pub struct Skipped {
    pub label: String,
    pub reason: &'static str,
}

/// Files in the order given; directories walked (sorted) for `*.yaml` and
/// `*.yml`, skipping hidden entries. Reads at most `max_bytes + 1` bytes of
/// each, so an oversized input is reported by the engine's limit rather than
/// exhausting memory.
pub fn collect(paths: &[PathBuf], max_bytes: usize) -> (Vec<Input>, Vec<Skipped>) {
    let mut inputs = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input { label: "-".into(), path: None, text: read(std::io::stdin().lock(), max_bytes, 0) });
        } else if path.is_dir() {
            // The tree is what the directory resolves to, so a link inside
            // it to a sibling file stays in.
            let root = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            walk(path, &root, max_bytes, &mut inputs, &mut skipped);
        } else {
            // Named explicitly: read whatever it is (a FIFO, /dev/stdin),
            // within the byte limit.
            inputs.push(file(path, max_bytes));
        }
    }
    // A file named twice (directly and through its directory) is one input.
    let mut seen = std::collections::HashSet::new();
    let mut stdin_seen = false;
    inputs.retain(|i| match &i.path {
        Some(path) => seen.insert(fs::canonicalize(path).unwrap_or_else(|_| path.clone())),
        None => !std::mem::replace(&mut stdin_seen, true),
    });
    (inputs, skipped)
}

/// A path as reports show it: bytes that are not UTF-8 become `\xNN`, so two
/// such names stay distinct and the output stays text.
pub fn label(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned()
    }
}

fn file(path: &Path, max_bytes: usize) -> Input {
    let text = fs::File::open(path).map_err(|e| format!("cannot read: {e}")).and_then(|f| {
        // Read into a buffer of the file's size, not one doubled past it.
        let size = f.metadata().map_or(0, |m| m.len()).min(max_bytes as u64 + 1) as usize;
        read(f, max_bytes, size)
    });
    Input { label: label(path), path: Some(path.to_owned()), text }
}

fn read(reader: impl Read, max_bytes: usize, size: usize) -> Result<Vec<u8>, String> {
    let mut text = Vec::with_capacity(size);
    reader.take(max_bytes as u64 + 1).read_to_end(&mut text).map_err(|e| format!("cannot read: {e}"))?;
    Ok(text)
}

fn walk(dir: &Path, root: &Path, max_bytes: usize, inputs: &mut Vec<Input>, skipped: &mut Vec<Skipped>) {
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) => {
            let text = Err(format!("cannot read directory: {e}"));
            inputs.push(Input { label: label(dir), path: Some(dir.to_owned()), text });
            return;
        }
    };
    entries.sort();
    for path in entries {
        let name = path.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default();
        if name.starts_with(b".") {
            continue;
        }
        let Ok(meta) = path.symlink_metadata() else { continue };
        // Symlinked directories are not followed, so a link loop cannot trap the walk.
        if meta.is_dir() {
            walk(&path, root, max_bytes, inputs, skipped);
            continue;
        }
        if !(name.ends_with(b".yaml") || name.ends_with(b".yml")) {
            continue;
        }
        match walked_file(&path, &meta, root) {
            Ok(()) => inputs.push(file(&path, max_bytes)),
            Err(reason) => skipped.push(Skipped { label: label(&path), reason }),
        }
    }
}

/// Whether a `*.yaml` entry of a walk is read: a regular file, itself or
/// through links that stay inside the tree.
fn walked_file(path: &Path, meta: &fs::Metadata, root: &Path) -> Result<(), &'static str> {
    if meta.is_symlink() {
        match fs::canonicalize(path) {
            Ok(target) if target.starts_with(root) => {}
            Ok(_) => return Err("a symbolic link to a file outside the directory"),
            Err(_) => return Err("a symbolic link that does not resolve to a file"),
        }
    }
    // Opening a FIFO blocks until something writes to it; a device never ends.
    match fs::metadata(path) {
        Ok(target) if target.is_file() => Ok(()),
        _ => Err("not a regular file"),
    }
}

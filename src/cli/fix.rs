//! `posture fix`: applies fixes in place (or prints them as a diff), and
//! says what it fixed and what it left, and why.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use posture::fix::{fix_inputs, FileFix, Mode};
use posture::report;
use posture::Input;

use super::{diff, inputs, RuleArgs, EXIT_USAGE};

#[derive(clap::Args)]
pub struct FixArgs {
    /// Files or directories to fix; - reads standard input and writes the fixed text to standard output.
    /// Default: the current directory.
    paths: Vec<PathBuf>,
    /// Apply unsafe fixes too (they may break the workload: runAsNonRoot, readOnlyRootFilesystem, ...).
    #[arg(long = "unsafe")]
    unsafe_fixes: bool,
    /// Print a unified diff of the fixes and write nothing.
    #[arg(long)]
    diff: bool,
    /// The rules whose findings are fixed, chosen as for `posture check`.
    #[command(flatten)]
    rules: RuleArgs,
}

pub fn run(args: FixArgs) -> ExitCode {
    let options = match args.rules.options() {
        Ok(options) => options,
        Err(code) => return code,
    };
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths };
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && paths.len() > 1 {
        eprintln!("posture: - (standard input) cannot be fixed together with files");
        return ExitCode::from(EXIT_USAGE);
    }
    let (found, skipped) = inputs::collect(&paths, options.limits.max_bytes);
    for s in skipped {
        eprintln!("posture: skipped {}: {}", report::escape(&s.label), s.reason);
    }
    let mut texts = Vec::new();
    let mut failed = false;
    for input in &found {
        match &input.text {
            Ok(text) => texts.push((input, text)),
            Err(message) => {
                eprintln!("posture: {}: {message}", report::escape(&input.label));
                failed = true;
            }
        }
    }
    let all: Vec<Input> = texts.iter().map(|(i, t)| Input { file: &i.label, text: t }).collect();
    // Input errors: say so, write nothing.
    let checked = posture::check_all(&all, &options);
    for e in &checked.errors {
        let at = e.span.map_or(String::new(), |s| format!(":{}", s.start.line));
        eprintln!("posture: {}{at}: {}", report::escape(&e.file), e.message);
        failed = true;
    }
    if failed {
        eprintln!("posture: input errors; nothing written");
        return ExitCode::from(EXIT_USAGE);
    }
    let results = fix_inputs(&all, &options, Mode { unsafe_fixes: args.unsafe_fixes });
    // The summary goes where the text does not.
    let mut summary = String::new();
    let mut out = String::new();
    let mut remaining = 0;
    let mut changes = false;
    for (result, (input, original)) in results.iter().zip(&texts) {
        summarize(result, &mut summary);
        remaining += result.fixable_left();
        changes |= result.changed;
        if args.diff {
            out.push_str(&diff::unified(&input.label, original, &result.text));
        } else if let Some(path) = input.path().filter(|_| result.changed) {
            if let Err(e) = write_atomic(path, &result.text) {
                eprintln!("posture: cannot write {}: {e}", report::escape(&input.label));
                return ExitCode::from(EXIT_USAGE);
            }
        }
    }
    let fixed: usize = results.iter().map(|r| r.applied.len()).sum();
    summary.push_str(&format!(
        "{} {fixed} finding{} in {} file{}; {remaining} fixable finding{} left\n",
        if args.diff { "would fix" } else { "fixed" },
        if fixed == 1 { "" } else { "s" },
        results.iter().filter(|r| r.changed).count(),
        if results.iter().filter(|r| r.changed).count() == 1 { "" } else { "s" },
        if remaining == 1 { "" } else { "s" },
    ));
    let stdout_text = stdin && !args.diff;
    let mut stdout = std::io::stdout().lock();
    let written = if stdout_text {
        let text = results.first().map_or(&[][..], |r| &r.text[..]);
        stdout.write_all(text)
    } else if args.diff {
        stdout.write_all(out.as_bytes())
    } else {
        stdout.write_all(summary.as_bytes())
    };
    if let Err(e) = written.and_then(|()| stdout.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("posture: cannot write output: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    }
    if stdout_text || args.diff {
        eprint!("{summary}");
    }
    if remaining > 0 || (args.diff && changes) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn summarize(result: &FileFix, out: &mut String) {
    let file = report::escape(&result.file);
    for item in &result.applied {
        let how = item.applicability.map_or("", |a| a.name());
        out.push_str(&format!("fixed {file}:{} {} ({how}): {}\n", item.line, item.rule, item.message));
    }
    if let Some(why) = &result.refused {
        out.push_str(&format!("left {file} untouched: {why}\n"));
    }
    for item in result.left.iter().filter(|i| i.applicability.is_some()) {
        out.push_str(&format!("left {file}:{} {}: {} ({})\n", item.line, item.rule, item.message, item.reason));
    }
}

/// Writes through a temporary file in the same directory, renamed over
/// the original, keeping its permissions.
fn write_atomic(path: &Path, text: &[u8]) -> std::io::Result<()> {
    // Through a symbolic link, to the file it names.
    let path = &std::fs::canonicalize(path)?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{name}.posture-fix.{}", std::process::id()));
    let permissions = std::fs::metadata(path)?.permissions();
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text)?;
        file.sync_all()?;
        std::fs::set_permissions(&temp, permissions)?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

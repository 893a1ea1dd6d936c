//! The `posture` command line (native builds only).

mod diff;
mod fix;
mod inputs;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use posture::report::{self, Style};
use posture::rules::kubernetes_version::KubernetesVersion;
use posture::rules::standards::PolicyVersion;
use posture::rules::{self, PssLevel, Severity};
use posture::{Input, Options};

#[derive(Parser)]
#[command(name = "posture", version, about = "Check Kubernetes YAML for security-posture problems")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check files, directories (walked for *.yaml and *.yml) or standard input (-).
    Check(CheckArgs),
    /// Fix findings in place: safe fixes, and unsafe ones with --unsafe (see README, "Fixing").
    Fix(fix::FixArgs),
    /// List every rule with its metadata.
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: RulesFormat,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or directories to check; - reads standard input. Default: the current directory.
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    rules: RuleArgs,
    /// JSON and SARIF without indentation or line breaks: the same document
    /// in 30 to 45% fewer bytes, for inputs with very many findings.
    #[arg(long)]
    compact: bool,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value = "low")]
    fail_on: FailOn,
}

/// Which rules run and how: the same for `check` and `fix`.
#[derive(clap::Args)]
struct RuleArgs {
    /// The Pod Security Standards level that pss/* rules enforce.
    #[arg(long, value_enum, default_value = "restricted")]
    pss_level: Level,
    /// The Pod Security policy version pss/* rules evaluate at, as Pod
    /// Security Admission does: v1.0 to v1.37, or latest.
    #[arg(long, value_name = "VERSION", default_value = "latest", value_parser = parse_pss_version)]
    pss_version: PolicyVersion,
    /// The Kubernetes version control-plane configuration is judged for:
    /// 1.16 to the latest (1.37), or latest. Flags and admission plugins
    /// that version does not accept are reported (apiserver/removed-flag).
    #[arg(long, value_name = "VERSION", default_value = "latest", value_parser = parse_kubernetes_version)]
    kubernetes_version: KubernetesVersion,
    /// Run only this rule (its exact id) or family (`pss` or `pss/`); repeatable.
    #[arg(long, value_name = "NAME")]
    select: Vec<String>,
    /// Skip this rule (its exact id) or family (`pss` or `pss/`); repeatable.
    #[arg(long, value_name = "NAME")]
    ignore: Vec<String>,
    /// A registry images may come from, e.g. registry.example.com or
    /// ghcr.io/my-org (repeatable); turns on image/registry-allowlist.
    #[arg(long, value_name = "REGISTRY")]
    allowed_registry: Vec<String>,
}

impl RuleArgs {
    /// The engine's options; a name that matches no rule is a usage error,
    /// said on standard error.
    fn options(self) -> Result<Options, ExitCode> {
        let options = Options {
            pss_level: match self.pss_level {
                Level::Baseline => PssLevel::Baseline,
                Level::Restricted => PssLevel::Restricted,
            },
            pss_version: self.pss_version,
            kubernetes_version: self.kubernetes_version,
            select: self.select,
            ignore: self.ignore,
            allowed_registries: self.allowed_registry,
            ..Options::default()
        };
        let unknown = options.unknown_names();
        if !unknown.is_empty() {
            eprintln!(
                "posture: {} names no rule or family (a rule is named by its exact id); see `posture rules`",
                unknown.join(", ")
            );
            return Err(ExitCode::from(EXIT_USAGE));
        }
        Ok(options)
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum Level {
    Baseline,
    Restricted,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

const EXIT_USAGE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { 0 });
        }
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Fix(args) => fix::run(args),
        Command::Rules { format } => {
            let out = match format {
                RulesFormat::Text => rules_text(),
                RulesFormat::Json => report::rules_json(),
                RulesFormat::Markdown => rules::docs::markdown(),
            };
            emit(&out)
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let options = match args.rules.options() {
        Ok(options) => options,
        Err(code) => return code,
    };
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths };
    let mut sources = HashMap::new();
    let mut unreadable = Vec::new();
    let mut order = Vec::new();
    let (inputs, skipped) = inputs::collect(&paths, options.limits.max_bytes);
    for s in skipped {
        eprintln!("posture: skipped {}: {}", report::escape(&s.label), s.reason);
    }
    for input in inputs {
        match input.text {
            Ok(text) => {
                order.push(input.label.clone());
                sources.insert(input.label, text);
            }
            Err(message) => {
                unreadable.push(posture::InputError { file: input.label, document: None, message, span: None })
            }
        }
    }
    // Checked together, so rules relate objects across files.
    let all: Vec<Input> = order.iter().map(|label| Input { file: label, text: &sources[label] }).collect();
    let parsed = posture::engine::parse_all(&all, &options);
    let mut report = parsed.check(&options);
    // The process exits once the report is written: its trees are left for
    // the system to reclaim rather than freed node by node.
    std::mem::forget(parsed);
    report.files += unreadable.len();
    report.errors.splice(0..0, unreadable);
    // Written as produced: a million findings never become one string.
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, unbuffered_stdout());
    let layout = if args.compact { report::Layout::Compact } else { report::Layout::Pretty };
    let result = match args.format {
        Format::Text => report::write_text(&report, &sources, Style { color }, &mut stdout),
        Format::Json => report::write_json(&report, layout, &mut stdout),
        Format::Sarif => report::write_sarif(&report, layout, &mut stdout),
        Format::Markdown => report::write_markdown(&report, &mut stdout),
    };
    let written = outcome(result.and_then(|()| stdout.flush()));
    let threshold = match args.fail_on {
        FailOn::Info => Severity::Info,
        FailOn::Low => Severity::Low,
        FailOn::Medium => Severity::Medium,
        FailOn::High => Severity::High,
        FailOn::Critical => Severity::Critical,
    };
    let code = if written != ExitCode::SUCCESS || !report.errors.is_empty() {
        ExitCode::from(EXIT_USAGE)
    } else if report.findings.iter().any(|f| f.severity >= threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // Like the trees: the report's strings are left for the system to
    // reclaim at exit (freeing them one by one was 1% of a check).
    std::mem::forget(report);
    code
}

fn parse_pss_version(text: &str) -> Result<PolicyVersion, String> {
    PolicyVersion::parse(text)
        .ok_or_else(|| format!("expected latest or v1.0 to v1.{} (as in v1.25)", PolicyVersion::NEWEST))
}

fn parse_kubernetes_version(text: &str) -> Result<KubernetesVersion, String> {
    KubernetesVersion::parse(text).ok_or_else(|| {
        format!("expected latest or 1.{} to {} (as in 1.30)", KubernetesVersion::OLDEST.0, KubernetesVersion::LATEST)
    })
}

/// Standard output without std's line buffering: the report writers hand
/// it pieces of 64 KB, each of which a line-buffered stdout wrote in two
/// (up to its last line break, then the rest once the next piece came). A
/// duplicate of its descriptor, or std's handle where none can be made.
fn unbuffered_stdout() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout().lock())
}

/// Writes to stdout.
fn emit(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    outcome(stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()))
}

/// The exit code for writing the output; a closed pipe (`| head`) is not an
/// error worth a panic.
fn outcome(written: std::io::Result<()>) -> ExitCode {
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("posture: cannot write output: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn rules_text() -> String {
    let mut out = String::new();
    for rule in rules::all() {
        out.push_str(&format!("{:<34} {:<8} {}\n", rule.id, rule.severity.name(), rule.title));
    }
    out
}

//! Repository tooling: `cargo xtask <command>`.
//!
//! * `cargo xtask ci`: every check CI runs (`.ci/run` calls exactly this), in order, stopping at
//!   the first failure.
//! * `cargo xtask api-coverage [--verbose]`: compares the wire names our types (de)serialize with
//!   the v1beta field inventory (`../shared/spec/schema-v1beta.json`); exits non-zero below 100%.
//! * `cargo xtask deps-check`: fails if `gemini-types` depends on an I/O or async crate.
//! * `cargo xtask bench [--calls N]`: client instructions and distinct lines of code executed
//!   per call (callgrind) of each layer beside its plain hyper-util baseline, in one run, and
//!   the CLI's cold start; written to `BENCHMARKS.md`.

mod api_coverage;
mod bench;
mod cli_bench;
mod deps_check;
mod roots;
mod upload_bench;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = args.first().map_or("help", String::as_str);
    let result = match cmd {
        "ci" => ci(),
        "api-coverage" => api_coverage(),
        "deps-check" => deps_check::run(&root()),
        "bench" => bench::run(&root(), &args[1..]),
        "upload-bench" => upload_bench::run(&root()).map(|t| println!("{t}")),
        "help" | "--help" | "-h" => {
            println!(
                "usage: cargo xtask <command>\n\ncommands:\n  ci            run every CI step (fmt, clippy, docs, tests, api-coverage, deps-check)\n  api-coverage  compare our types with ../shared/spec/schema-v1beta.json (--verbose lists every message)\n  deps-check    fail if gemini-types pulls in tokio/hyper/http/futures or another I/O crate\n  bench         instructions and code lines per call (callgrind) of transport and facade beside plain hyper-util, and the CLI's cold start; writes BENCHMARKS.md (--calls N)\n  upload-bench  file upload throughput, peak memory and results-file parsing beside plain hyper (part of bench)\n"
            );
            Ok(())
        }
        other => Err(format!(
            "unknown xtask command `{other}` (try `cargo xtask help`)"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root (the parent of `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `../shared/spec` relative to the repository root.
fn spec_dir() -> PathBuf {
    root().join("..").join("shared").join("spec")
}

fn api_coverage() -> Result<(), String> {
    let spec = spec_dir();
    if !spec.join("schema-v1beta.json").is_file() {
        // A clone without ../shared beside it skips the report; CI must have it.
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            return Err(
                "api-coverage: ../shared/spec/schema-v1beta.json not found (required under CI=true)"
                    .to_owned(),
            );
        }
        println!("skipping api-coverage: ../shared/spec not found");
        return Ok(());
    }
    if api_coverage::run(&spec)? {
        Ok(())
    } else {
        Err("api-coverage: below 100%".to_owned())
    }
}

fn run(step: &str, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    eprintln!("\n==> {step}: {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(root())
        .status()
        .map_err(|e| format!("{step}: could not run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step} failed ({status})"))
    }
}

fn ci() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    run("fmt", &cargo, &["fmt", "--all", "--", "--check"], &[])?;
    run(
        "clippy",
        &cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    run(
        "doc",
        &cargo,
        &["doc", "--workspace", "--no-deps", "--locked"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    run("test", &cargo, &["test", "--workspace", "--locked"], &[])?;
    // Drift detection: the fixture and real-corpus suites with every unknown value an error. A
    // `--cfg`, not a feature (features are additive; this one takes forward compatibility away),
    // built in its own target directory so the changed flags keep the main build cache.
    let strict_target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root().join("target"), PathBuf::from)
        .join("strict");
    let strict_target = strict_target.to_string_lossy().into_owned();
    let strict_cfg = "--cfg gemini_strict_unknown";
    run(
        "test strict-unknown",
        &cargo,
        &["test", "-p", "gemini-types", "--locked"],
        &[
            ("RUSTFLAGS", strict_cfg),
            ("RUSTDOCFLAGS", strict_cfg),
            ("CARGO_TARGET_DIR", strict_target.as_str()),
        ],
    )?;
    eprintln!("\n==> api-coverage");
    api_coverage()?;
    eprintln!("\n==> deps-check: cargo tree -p gemini-types -e normal");
    deps_check::run(&root())?;
    // The official Python SDK (google-genai, pinned) against the emulator binary. Last, so that
    // its closing `python-compat: N passed, N failed` line ends the run.
    run(
        "python-compat",
        "bash",
        &["tests/compat/python/run.sh"],
        &[],
    )?;
    eprintln!("\nxtask ci: all steps passed");
    Ok(())
}

//! The CLI's cold start: how long `gemini-rs` takes from spawn to the first byte of its output.
//!
//! Builds the release binary, then runs `gemini-rs --help` and a one-shot
//! `gemini-rs generate "..."` against the built-in emulator (no key in the environment) a
//! number of times each, measuring the time from spawning the process to the first byte read
//! from its stdout, and the time until it exits. Returns a markdown table (median and p90).

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Runs per command (after [`WARMUP`] runs that are not counted).
const RUNS: usize = 20;
const WARMUP: usize = 2;

/// The target the issue sets for the first byte of output.
const TARGET: Duration = Duration::from_millis(50);

/// The one place this module reads the time (wall-clock durations are what is measured).
mod clock {
    use std::time::Instant;

    #[allow(clippy::disallowed_methods)]
    pub(super) fn now() -> Instant {
        Instant::now()
    }
}

/// Builds `gemini-rs` in release mode, measures its cold start and returns a markdown table.
pub(crate) fn run(root: &Path) -> Result<String, String> {
    let binary = build(root)?;
    let cases: [(&str, &[&str]); 2] = [
        ("gemini-rs --help", &["--help"]),
        (
            "gemini-rs generate \"Explain how AI works in a few words\" (built-in emulator)",
            &["generate", "Explain how AI works in a few words"],
        ),
    ];
    let mut table = format!(
        "CLI cold start ({RUNS} runs each after {WARMUP} warm-up runs; target: first byte under {} ms)\n\n\
         | command | first byte, median | first byte, p90 | exit, median | target met |\n\
         |---|---|---|---|---|\n",
        TARGET.as_millis()
    );
    for (name, args) in cases {
        for _ in 0..WARMUP {
            measure(&binary, args)?;
        }
        let mut first = Vec::with_capacity(RUNS);
        let mut exit = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let (f, e) = measure(&binary, args)?;
            first.push(f);
            exit.push(e);
        }
        let (first_median, first_p90) = (percentile(&mut first, 50), percentile(&mut first, 90));
        let exit_median = percentile(&mut exit, 50);
        // Writing to a String cannot fail.
        let _ = writeln!(
            table,
            "| `{name}` | {} | {} | {} | {} |",
            ms(first_median),
            ms(first_p90),
            ms(exit_median),
            if first_p90 < TARGET { "yes" } else { "no" },
        );
    }
    Ok(table)
}

/// `cargo build --release -p gemini-cli`; the binary's path as cargo reports it.
fn build(root: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("==> cli-bench: cargo build --release -p gemini-cli");
    let output = Command::new(&cargo)
        .args([
            "build",
            "--release",
            "-p",
            "gemini-cli",
            "--bin",
            "gemini-rs",
            "--message-format=json",
        ])
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cli-bench: could not run {cargo}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cli-bench: the release build failed ({})",
            output.status
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "gemini-rs")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cli-bench: cargo did not report the gemini-rs binary".to_owned())
}

/// One run: (time to the first byte of stdout, time to exit). The environment holds no key, so
/// commands that call the API use the built-in emulator.
fn measure(binary: &Path, args: &[&str]) -> Result<(Duration, Duration), String> {
    let mut command = Command::new(binary);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for var in [
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "GOOGLE_GEMINI_BASE_URL",
        "RUST_LOG",
    ] {
        command.env_remove(var);
    }
    let start = clock::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cli-bench: cannot run {}: {e}", binary.display()))?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| "cli-bench: no stdout pipe".to_owned())?;
    let mut byte = [0_u8; 1];
    let read = stdout
        .read(&mut byte)
        .map_err(|e| format!("cli-bench: reading stdout: {e}"))?;
    let first = start.elapsed();
    if read == 0 {
        let _ = child.wait();
        return Err(format!(
            "cli-bench: `gemini-rs {}` printed nothing",
            args.join(" ")
        ));
    }
    let mut rest = Vec::new();
    stdout
        .read_to_end(&mut rest)
        .map_err(|e| format!("cli-bench: reading stdout: {e}"))?;
    let status = child
        .wait()
        .map_err(|e| format!("cli-bench: waiting for gemini-rs: {e}"))?;
    let exit = start.elapsed();
    if !status.success() {
        return Err(format!(
            "cli-bench: `gemini-rs {}` failed ({status})",
            args.join(" ")
        ));
    }
    Ok((first, exit))
}

/// The `p`th percentile (nearest rank) of the samples; zero when there are none.
fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let rank = (p * samples.len()).div_ceil(100).max(1);
    samples[rank.min(samples.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut samples: Vec<Duration> = (1..=20).rev().map(Duration::from_millis).collect();
        assert_eq!(percentile(&mut samples, 50), Duration::from_millis(10));
        assert_eq!(percentile(&mut samples, 90), Duration::from_millis(18));
        assert_eq!(percentile(&mut samples, 100), Duration::from_millis(20));
        assert_eq!(
            percentile(&mut [Duration::from_millis(7)], 90),
            Duration::from_millis(7)
        );
        assert_eq!(percentile(&mut [], 50), Duration::ZERO);
    }

    #[test]
    fn milliseconds() {
        assert_eq!(ms(Duration::from_micros(12_345)), "12.3 ms");
    }
}

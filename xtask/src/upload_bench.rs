//! Uploads and batch results files: the `gemini` facade beside plain hyper-util + serde_json
//! doing the same work on loopback (`cargo bench -p gemini --bench upload`, one mode per
//! process, the server in a child process).
//!
//! Measures upload throughput (wall, median of interleaved runs; the goal is at least 0.8x the
//! plain upload), the peak memory (`VmHWM`) of a 1 GiB upload, and results-file parsing in
//! lines per second against `serde_json::from_str::<Value>` per line. Returns a markdown table.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Interleaved runs of each throughput measurement.
const RUNS: usize = 5;
/// MiB per throughput run.
const UPLOAD_MIB: u64 = 256;
/// MiB of the peak-memory run.
const MEMORY_MIB: u64 = 1024;
/// Lines of the results file.
const LINES: u64 = 200_000;
/// The goal for upload throughput, as a fraction of the plain upload's.
const THROUGHPUT_GOAL: f64 = 0.8;
/// The upload's default chunk, MiB (the facade holds at most two).
const CHUNK_MIB: u64 = 8;
/// glibc's malloc keeps a freed buffer resident when its dynamic mmap threshold has grown past
/// it, so the peak RSS counts freed chunks too. With a fixed threshold of 1 MiB, every chunk
/// is its own mapping, returned to the system when freed: the RSS then follows the buffers
/// the client holds.
const MMAP_THRESHOLD: (&str, &str) = ("MALLOC_MMAP_THRESHOLD_", "1048576");
/// What the client may hold beside its chunks (connection and runtime buffers, parsed
/// answers), MiB; the plain client's own is about 1.6 MiB.
const SLACK_MIB: f64 = 4.0;

/// What one run printed on its `result` line.
#[derive(Clone, Debug, PartialEq)]
struct Sample {
    /// MiB/s or lines/s (wall).
    per_s: f64,
    /// Client CPU seconds (all threads of the client process).
    cpu_s: f64,
    /// `VmRSS` before the work, KiB.
    rss_before_kib: u64,
    /// `VmHWM` after it, KiB.
    peak_rss_kib: u64,
    /// Where the bytes came from (`generated_AsyncRead`, `loopback_download`).
    source: String,
}

/// Builds the bench, runs every mode and returns the markdown table.
pub(crate) fn run(root: &Path) -> Result<String, String> {
    let exe = build(root)?;
    let mut upload = [Vec::new(), Vec::new()];
    let mut jsonl = [Vec::new(), Vec::new()];
    for round in 0..RUNS {
        // Alternate the order so load from elsewhere falls on both alike.
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let who = ["plain", "gemini"][i];
            upload[i].push(run_mode(&exe, &format!("upload:{who}:{UPLOAD_MIB}"), None)?);
            jsonl[i].push(run_mode(&exe, &format!("jsonl:{who}:{LINES}"), None)?);
        }
    }
    let mut memory = Vec::new();
    for env in [None, Some(MMAP_THRESHOLD)] {
        for who in ["plain", "gemini"] {
            memory.push(run_mode(&exe, &format!("upload:{who}:{MEMORY_MIB}"), env)?);
        }
    }
    let memory: [Sample; 4] = memory.try_into().map_err(|_| "four memory runs")?;
    Ok(table(&upload, &jsonl, &memory))
}

/// `memory`: plain and gemini with the default allocator, then plain and gemini with
/// [`MMAP_THRESHOLD`].
fn table(upload: &[Vec<Sample>; 2], jsonl: &[Vec<Sample>; 2], memory: &[Sample; 4]) -> String {
    let med = |s: &[Sample], f: fn(&Sample) -> f64| median(s.iter().map(f).collect());
    let [up_plain, up_gemini] = [med(&upload[0], |s| s.per_s), med(&upload[1], |s| s.per_s)];
    let [cpu_plain, cpu_gemini] = [med(&upload[0], |s| s.cpu_s), med(&upload[1], |s| s.cpu_s)];
    let [lines_plain, lines_gemini] = [med(&jsonl[0], |s| s.per_s), med(&jsonl[1], |s| s.per_s)];
    let up_ratio = up_gemini / up_plain;
    let mib = |kib: u64| kib as f64 / 1024.0;
    let growth = |s: &Sample| mib(s.peak_rss_kib.saturating_sub(s.rss_before_kib));
    let limit = 2.0 * CHUNK_MIB as f64 + SLACK_MIB;
    let source = jsonl[1].first().map_or("", |s| s.source.as_str());
    let mut out = format!(
        "Uploads and batch results files (`cargo bench -p gemini --bench upload`): each run in \
         its own process, the loopback server in a child process; the upload source is a \
         generated `AsyncRead` (no buffer of the upload's size), sent with the resumable \
         protocol in {CHUNK_MIB} MiB chunks by both clients. Throughput is wall time, the median \
         of {RUNS} interleaved runs.\n\n\
         | measure | plain hyper-util + serde_json | gemini facade | ratio (gemini / plain) | goal |\n\
         |---|---:|---:|---:|---|\n"
    );
    let _ = writeln!(
        out,
        "| upload throughput, {UPLOAD_MIB} MiB | {up_plain:.0} MiB/s | {up_gemini:.0} MiB/s | \
         {up_ratio:.3} | at least {THROUGHPUT_GOAL}: {} |",
        if up_ratio >= THROUGHPUT_GOAL {
            "met"
        } else {
            "not met"
        }
    );
    let _ = writeln!(
        out,
        "| client CPU per {UPLOAD_MIB} MiB upload | {cpu_plain:.3} s | {cpu_gemini:.3} s | {:.3} | |",
        cpu_gemini / cpu_plain
    );
    let _ = writeln!(
        out,
        "| peak RSS (`VmHWM`), {MEMORY_MIB} MiB upload | {:.1} MiB | {:.1} MiB | {:.3} | |",
        mib(memory[0].peak_rss_kib),
        mib(memory[1].peak_rss_kib),
        memory[1].peak_rss_kib as f64 / memory[0].peak_rss_kib as f64
    );
    let _ = writeln!(
        out,
        "| peak RSS growth over the process's start, {MEMORY_MIB} MiB upload | {:.1} MiB | {:.1} MiB | {:.3} | |",
        growth(&memory[0]),
        growth(&memory[1]),
        growth(&memory[1]) / growth(&memory[0]),
    );
    let _ = writeln!(
        out,
        "| the same with `{}={}` (freed chunks leave the RSS) | {:.1} MiB | {:.1} MiB | {:.3} | at most two {CHUNK_MIB} MiB chunks + {SLACK_MIB} MiB ({limit} MiB): {} |",
        MMAP_THRESHOLD.0,
        MMAP_THRESHOLD.1,
        growth(&memory[2]),
        growth(&memory[3]),
        growth(&memory[3]) / growth(&memory[2]),
        if growth(&memory[3]) <= limit {
            "met"
        } else {
            "not met"
        }
    );
    let _ = writeln!(
        out,
        "| results file parsing, {LINES} lines ({}) | {lines_plain:.0} lines/s | {lines_gemini:.0} lines/s | {:.3} | |",
        source.replace('_', " "),
        lines_gemini / lines_plain
    );
    out
}

/// The median (the upper one of an even count); NaN for none.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs the bench binary in one mode and reads its `result` line.
fn run_mode(exe: &Path, spec: &str, env: Option<(&str, &str)>) -> Result<Sample, String> {
    let mut command = Command::new(exe);
    command.env("GEMINI_BENCH_ONLY", spec);
    if let Some((name, value)) = env {
        command.env(name, value);
    }
    let out = command
        .output()
        .map_err(|e| format!("upload-bench: could not run {}: {e}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("upload-bench: {spec} failed:\n{stderr}"));
    }
    eprint!("{stderr}");
    parse_result(&stdout)
        .ok_or_else(|| format!("upload-bench: no result line for {spec}:\n{stdout}"))
}

/// The `result key=value ...` line of a run.
fn parse_result(stdout: &str) -> Option<Sample> {
    let line = stdout.lines().find_map(|l| l.strip_prefix("result "))?;
    let fields: HashMap<&str, &str> = line
        .split_whitespace()
        .filter_map(|f| f.split_once('='))
        .collect();
    Some(Sample {
        per_s: fields.get("per_s")?.parse().ok()?,
        cpu_s: fields.get("cpu_s")?.parse().ok()?,
        rss_before_kib: fields.get("rss_before_kib")?.parse().ok()?,
        peak_rss_kib: fields.get("peak_rss_kib")?.parse().ok()?,
        source: (*fields.get("source")?).to_owned(),
    })
}

/// `cargo bench -p gemini --bench upload --no-run`; the executable cargo reports.
fn build(root: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("==> cargo bench -p gemini --bench upload --no-run");
    let out = Command::new(cargo)
        .args([
            "bench",
            "-p",
            "gemini",
            "--bench",
            "upload",
            "--no-run",
            "--message-format=json",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("upload-bench: could not run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "upload-bench: building gemini/upload failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "upload")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "upload-bench: cargo reported no executable for gemini/upload".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(per_s: f64, cpu_s: f64, before: u64, peak: u64) -> Sample {
        Sample {
            per_s,
            cpu_s,
            rss_before_kib: before,
            peak_rss_kib: peak,
            source: "loopback_download".to_owned(),
        }
    }

    #[test]
    fn parses_the_result_line() {
        let out = "noise\nresult mode=upload:gemini:256 units=268435456 unit=bytes wall_s=0.2100 \
                   cpu_s=0.1200 per_s=1219.5 rss_before_kib=5000 peak_rss_kib=23000 chunk_mib=8 \
                   source=generated_AsyncRead\n";
        assert_eq!(
            parse_result(out),
            Some(Sample {
                per_s: 1219.5,
                cpu_s: 0.12,
                rss_before_kib: 5000,
                peak_rss_kib: 23000,
                source: "generated_AsyncRead".to_owned(),
            })
        );
        assert_eq!(parse_result("no result here"), None);
        assert_eq!(parse_result("result per_s=abc cpu_s=1"), None);
    }

    #[test]
    fn medians_and_ratios() {
        assert!((median(vec![3.0, 1.0, 2.0]) - 2.0).abs() < 1e-9);
        assert!(median(Vec::new()).is_nan());
        let upload = [
            vec![sample(1000.0, 0.2, 0, 0), sample(900.0, 0.2, 0, 0)],
            vec![sample(850.0, 0.3, 0, 0), sample(700.0, 0.3, 0, 0)],
        ];
        let jsonl = [
            vec![sample(100_000.0, 1.0, 0, 0)],
            vec![sample(200_000.0, 1.0, 0, 0)],
        ];
        let memory = [
            sample(0.0, 0.0, 4096, 20480),
            sample(0.0, 0.0, 4096, 4096 + 20 * 1024),
            sample(0.0, 0.0, 4096, 8192),
            sample(0.0, 0.0, 4096, 4096 + 21 * 1024),
        ];
        let t = table(&upload, &jsonl, &memory);
        // Medians 1000 and 850: 0.85, the goal is met.
        assert!(
            t.contains("| 1000 MiB/s | 850 MiB/s | 0.850 | at least 0.8: met |"),
            "{t}"
        );
        assert!(
            t.contains("| 100000 lines/s | 200000 lines/s | 2.000 |"),
            "{t}"
        );
        // 21 MiB over the start: more than two 8 MiB chunks and 4 MiB.
        assert!(t.contains("| 4.0 MiB | 21.0 MiB | 5.250 |"), "{t}");
        assert!(t.contains("+ 4 MiB (20 MiB): not met |"), "{t}");
        assert!(t.contains("loopback download"), "{t}");
    }
}

//! `cargo xtask bench`: client instructions per call, counted with valgrind's callgrind, for
//! every benchmark that compares a gemini-rs layer with a plain hyper-util baseline.
//!
//! Wall and CPU time are noisy on shared machines; instruction counts repeat. Each variant runs
//! in its own process under callgrind (the loopback server is a child process, not traced)
//! twice, with `n` and `2n` calls after a warm-up of the same size; the difference divided by
//! the extra calls is the marginal cost of one call, free of start-up work. Every variant is
//! printed beside its baseline from the same run.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One benchmark binary and the variants it can run alone (`GEMINI_BENCH_ONLY=<spec>`).
struct Suite {
    package: &'static str,
    bench: &'static str,
    /// Groups of (label, `GEMINI_BENCH_ONLY` prefix); the first of each group is the baseline.
    groups: Vec<Vec<(&'static str, String)>>,
}

fn suites() -> Vec<Suite> {
    let mut transport = Vec::new();
    for c in [1, 64] {
        transport.push(vec![
            ("plain hyper-util", format!("plain_hyper_util:{c}")),
            ("HyperTransport", format!("hyper_transport:{c}")),
            ("HttpClient", format!("http_client:{c}")),
        ]);
    }
    let mut facade = Vec::new();
    for call in ["unary", "stream"] {
        for c in [1, 32] {
            facade.push(vec![
                ("plain hyper-util + serde_json", format!("plain:{call}:{c}")),
                ("client.raw() (Value)", format!("raw:{call}:{c}")),
                (
                    "HttpClient + typed bodies",
                    format!("http-typed:{call}:{c}"),
                ),
                ("gemini facade (typed)", format!("facade:{call}:{c}")),
            ]);
        }
    }
    vec![
        Suite {
            package: "gemini-transport",
            bench: "unary",
            groups: transport,
        },
        Suite {
            package: "gemini",
            bench: "facade_vs_plain",
            groups: facade,
        },
    ]
}

pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let calls: u64 = match args.iter().position(|a| a == "--calls") {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or("--calls needs a number")?,
        None => 500,
    };
    let valgrind = Command::new("valgrind").arg("--version").output();
    if !valgrind.is_ok_and(|o| o.status.success()) {
        return Err(
            "bench: valgrind is not installed (apt-get install valgrind); it counts the instructions"
                .to_owned(),
        );
    }
    println!(
        "client instructions per call (callgrind; marginal cost between {calls} and {} calls; \
         server in an untraced child process)",
        calls * 2
    );
    for suite in suites() {
        let exe = build(root, suite.package, suite.bench)?;
        println!("\n{} ({}):", suite.bench, suite.package);
        for group in &suite.groups {
            let mut baseline = None;
            for (label, spec) in group {
                let per_call = instructions_per_call(&exe, spec, calls)?;
                let base = *baseline.get_or_insert(per_call);
                println!(
                    "  {spec:<22} {label:<30} {per_call:>9.0} instr/call   ratio {:.3}",
                    per_call / base
                );
            }
        }
    }
    Ok(())
}

/// Builds a bench target and returns its executable.
fn build(root: &Path, package: &str, bench: &str) -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("==> cargo bench -p {package} --bench {bench} --no-run");
    let out = Command::new(cargo)
        .args([
            "bench",
            "-p",
            package,
            "--bench",
            bench,
            "--no-run",
            "--message-format=json",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("bench: could not run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "bench: building {package}/{bench} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == bench)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("bench: cargo reported no executable for {package}/{bench}"))
}

/// The marginal instructions of one call of `spec`, from runs of `calls` and `2 * calls`.
fn instructions_per_call(exe: &Path, spec: &str, calls: u64) -> Result<f64, String> {
    let a = total_instructions(exe, &format!("{spec}:{calls}"))?;
    let b = total_instructions(exe, &format!("{spec}:{}", calls * 2))?;
    // Each run makes its calls twice (warm-up, then measured): 2 * calls more in the second.
    Ok(b.saturating_sub(a) as f64 / (2 * calls) as f64)
}

/// Runs one variant under callgrind and returns the instructions it collected.
fn total_instructions(exe: &Path, only: &str) -> Result<u64, String> {
    let out_file = std::env::temp_dir().join(format!(
        "xtask-callgrind-{}-{}.out",
        std::process::id(),
        only.replace(':', "_")
    ));
    let out = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(exe)
        .env("GEMINI_BENCH_ONLY", only)
        .output()
        .map_err(|e| format!("bench: could not run valgrind: {e}"))?;
    let _ = std::fs::remove_file(&out_file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("bench: {only} failed under callgrind:\n{stderr}"));
    }
    parse_collected(&stderr).ok_or_else(|| format!("bench: no `Collected` line for {only}"))
}

/// The number on callgrind's `==pid== Collected : N` line.
fn parse_collected(stderr: &str) -> Option<u64> {
    stderr
        .lines()
        .find_map(|l| l.split_once("Collected :").map(|(_, n)| n.trim()))
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_collected_line() {
        let s = "==1== Events    : Ir\n==1== Collected : 35726496\n==1==\n";
        assert_eq!(parse_collected(s), Some(35_726_496));
        assert_eq!(parse_collected("nothing"), None);
    }

    #[test]
    fn every_group_starts_with_its_baseline() {
        for suite in suites() {
            for group in &suite.groups {
                assert!(group[0].1.starts_with("plain"), "{}", group[0].1);
                assert!(group.len() >= 2);
            }
        }
    }
}

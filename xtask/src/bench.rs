//! `cargo xtask bench`: client instructions and code footprint per call, counted with
//! valgrind's callgrind, for every benchmark that compares a gemini-rs layer with a plain
//! hyper-util baseline, file uploads and results-file parsing beside plain hyper and
//! `serde_json`, Live throughput and idle memory beside bare tokio-tungstenite, and the CLI's
//! cold start; all of it written to `BENCHMARKS.md`.
//!
//! Wall and CPU time are noisy on shared machines; instruction counts repeat. Each variant runs
//! in its own process under callgrind (the loopback server is a child process, not traced)
//! twice, with `n` and `2n` calls after a warm-up of the same size; the difference divided by
//! the extra calls is the marginal cost of one call, free of start-up work. Every variant is
//! printed beside its baseline from the same run.
//!
//! The code footprint is the number of distinct 64-byte lines of machine code that one call
//! executes: the instruction addresses whose execution count grew between the two runs
//! (callgrind's `--dump-instr`). It is what a call costs when it starts with cold caches, as
//! every call does at concurrency 1 on a machine whose CPU idles while the call waits on the
//! network (docs/ARCHITECTURE.md, Performance).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
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
    let mut interactions = Vec::new();
    for c in [1, 32] {
        interactions.push(vec![
            ("plain hyper-util + serde_json", format!("plain:{c}")),
            ("InteractionStream (typed events)", format!("facade:{c}")),
            ("InteractionStream + accumulate", format!("facade-fold:{c}")),
        ]);
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
        Suite {
            package: "gemini",
            bench: "interactions",
            groups: interactions,
        },
        Suite {
            package: "gemini-live",
            bench: "live",
            groups: vec![vec![
                ("plain tokio-tungstenite", "plain:msg".to_owned()),
                ("gemini-live session", "live:msg".to_owned()),
            ]],
        },
    ]
}

/// Runs every suite, prints each result as it comes, and writes them all to `BENCHMARKS.md` at
/// the repository root (the one file that holds measured numbers; the docs link to it).
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
        "client cost per call (callgrind; marginal cost between {calls} and {} calls; server in \
         an untraced child process): instructions, and distinct 64-byte lines of code executed",
        calls * 2
    );
    let mut report = format!(
        "# Benchmarks\n\nWritten by `cargo xtask bench` (do not edit by hand) on {}, {}.\n\n\
         ## Client cost per call\n\nCounted with valgrind's callgrind: the marginal cost of one \
         call between runs of {calls} and {} calls, the loopback server in an untraced child \
         process. *Instructions* repeat from run to run; *code lines* are the distinct 64-byte \
         lines of machine code one call executes (its cold-cache footprint). Each group's first \
         row is its baseline, measured in the same run; ratios are to it.\n",
        command_line("date", &["-u", "+%Y-%m-%d"]).unwrap_or_else(|| "an unknown date".to_owned()),
        machine(),
        calls * 2
    );
    for suite in suites() {
        let exe = build(root, suite.package, suite.bench)?;
        println!("\n{} ({}):", suite.bench, suite.package);
        let _ = write!(
            report,
            "\n### `{}` (`cargo bench -p {} --bench {}`)\n\n\
             | variant | what | instructions | ratio | code lines | ratio |\n\
             |---|---|---:|---:|---:|---:|\n",
            suite.bench, suite.package, suite.bench
        );
        for group in &suite.groups {
            let mut baseline = None;
            for (label, spec) in group {
                let cost = cost_per_call(&exe, spec, calls)?;
                let base = *baseline.get_or_insert(cost);
                let (ratio, lines_ratio) = (
                    cost.instructions / base.instructions,
                    cost.code_lines as f64 / base.code_lines as f64,
                );
                println!(
                    "  {spec:<22} {label:<30} {:>9.0} instr/call  ratio {ratio:.3}   {:>5} code lines  ratio {lines_ratio:.3}",
                    cost.instructions, cost.code_lines,
                );
                let _ = writeln!(
                    report,
                    "| `{spec}` | {label} | {:.0} | {ratio:.3} | {} | {lines_ratio:.3} |",
                    cost.instructions, cost.code_lines
                );
            }
        }
    }
    println!("\nfiles and batches (upload throughput, peak memory, results-file parsing):");
    let upload = crate::upload_bench::run(root)?;
    println!("{upload}");
    report.push_str("\n## Files and batches\n\n");
    report.push_str(&upload);
    println!("\nLive sessions (messages per second, memory per idle session):");
    let live = live_report(root)?;
    println!("{live}");
    report.push_str("\n## Live sessions\n\n");
    report.push_str(&live);
    println!("\nthe CLI's cold start (release build):");
    let cli = crate::cli_bench::run(root)?;
    println!("{cli}");
    report.push_str("\n## The CLI's cold start\n\n");
    report.push_str(&cli);
    let path = root.join("BENCHMARKS.md");
    std::fs::write(&path, report)
        .map_err(|e| format!("bench: could not write {}: {e}", path.display()))?;
    println!("\nwrote {}", path.display());
    Ok(())
}

/// The Live bench's wall-time section: paired throughput rounds beside bare tokio-tungstenite
/// and the memory of idle sessions, as the bench binary prints it (`GEMINI_BENCH_REPORT=1`).
fn live_report(root: &Path) -> Result<String, String> {
    let exe = build(root, "gemini-live", "live")?;
    let out = Command::new(&exe)
        .env("GEMINI_BENCH_REPORT", "1")
        .output()
        .map_err(|e| format!("bench: could not run {}: {e}", exe.display()))?;
    if !out.status.success() {
        return Err(format!(
            "bench: the Live report failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("bench: the Live report is not UTF-8: {e}"))
}

/// The first line a command prints, if it runs.
fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    text.lines()
        .next()
        .map(str::to_owned)
        .filter(|_| out.status.success())
}

/// The machine, in a few words: cores and CPU model.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "an unknown CPU".to_owned());
    format!("{cores} cores, {model}")
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

/// What one call costs: instructions, and distinct lines of code executed.
#[derive(Clone, Copy, Debug)]
struct Cost {
    instructions: f64,
    code_lines: usize,
}

/// The marginal cost of one call of `spec`, from runs of `calls` and `2 * calls`.
fn cost_per_call(exe: &Path, spec: &str, calls: u64) -> Result<Cost, String> {
    let a = profile(exe, &format!("{spec}:{calls}"))?;
    let b = profile(exe, &format!("{spec}:{}", calls * 2))?;
    Ok(Cost {
        // Each run makes its calls twice (warm-up, then measured): 2 * calls more in the second.
        instructions: b.instructions.saturating_sub(a.instructions) as f64 / (2 * calls) as f64,
        code_lines: grown_code_lines(&a.executed, &b.executed).ok_or_else(|| {
            format!("bench: {spec}: the code addresses of the two runs do not line up")
        })?,
    })
}

/// One callgrind run: the instructions collected and how often each instruction ran.
struct Profile {
    instructions: u64,
    executed: Executed,
}

/// Execution count of each instruction, by object file and address.
type Executed = HashMap<String, HashMap<u64, u64>>;

/// Runs one variant under callgrind, with per-instruction counts.
fn profile(exe: &Path, only: &str) -> Result<Profile, String> {
    let out_file = std::env::temp_dir().join(format!(
        "xtask-callgrind-{}-{}.out",
        std::process::id(),
        only.replace(':', "_")
    ));
    let out = Command::new("valgrind")
        .arg("--tool=callgrind")
        .args([
            "--dump-instr=yes",
            "--compress-pos=no",
            "--compress-strings=no",
        ])
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(exe)
        .env("GEMINI_BENCH_ONLY", only)
        .output()
        .map_err(|e| format!("bench: could not run valgrind: {e}"))?;
    let dump = std::fs::read_to_string(&out_file);
    let _ = std::fs::remove_file(&out_file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("bench: {only} failed under callgrind:\n{stderr}"));
    }
    let instructions =
        parse_collected(&stderr).ok_or_else(|| format!("bench: no `Collected` line for {only}"))?;
    let dump = dump.map_err(|e| format!("bench: could not read callgrind's output: {e}"))?;
    Ok(Profile {
        instructions,
        executed: parse_executed(&dump),
    })
}

/// The per-instruction counts of a callgrind dump written with `--dump-instr=yes
/// --compress-pos=no --compress-strings=no`. The cost line after a `calls=` line is the call's
/// inclusive cost, not the call instruction's own, so it is skipped.
fn parse_executed(dump: &str) -> Executed {
    let mut executed = Executed::new();
    let mut object = "";
    let mut positions = 1;
    let mut after_call = false;
    for line in dump.lines() {
        if let Some(p) = line.strip_prefix("positions:") {
            positions = p.split_whitespace().count();
        } else if let Some(ob) = line.strip_prefix("ob=") {
            object = ob.trim();
        } else if line.starts_with("calls=") {
            after_call = true;
        } else if let Some(hex) = line.strip_prefix("0x") {
            if std::mem::take(&mut after_call) {
                continue;
            }
            let mut fields = hex.split_whitespace();
            let addr = fields.next().and_then(|a| u64::from_str_radix(a, 16).ok());
            let count = fields
                .nth(positions - 1)
                .and_then(|c| c.parse::<u64>().ok());
            if let (Some(addr), Some(count)) = (addr, count) {
                let counts = match executed.get_mut(object) {
                    Some(counts) => counts,
                    None => executed.entry(object.to_owned()).or_default(),
                };
                *counts.entry(addr).or_default() += count;
            }
        }
    }
    executed
}

/// The distinct 64-byte code lines holding an instruction that ran more often in `more` than
/// in `fewer`: the code the extra calls executed. valgrind loads every object at the same
/// address in both runs, so addresses compare; `None` if they visibly do not (most of the
/// instructions of `more` never ran in `fewer`, although both runs did the same work).
fn grown_code_lines(fewer: &Executed, more: &Executed) -> Option<usize> {
    let mut lines = HashSet::new();
    let (mut seen, mut new) = (0usize, 0usize);
    for (object, counts) in more {
        let before = fewer.get(object);
        for (addr, n) in counts {
            seen += 1;
            let was = before.and_then(|b| b.get(addr)).copied();
            new += usize::from(was.is_none());
            if *n > was.unwrap_or(0) {
                lines.insert((object.as_str(), addr >> 6));
            }
        }
    }
    (new * 2 <= seen).then_some(lines.len())
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
    fn counts_the_code_lines_that_ran_more() {
        let dump = |n: u64| {
            format!(
                "version: 1\npositions: instr line\nevents: Ir\n\
                 ob=/bin/a\nfn=f\n0x1000 10 {n}\n0x1004 10 {n}\n0x1040 11 1\n\
                 calls=1 0x2000 5\n0x1044 11 {}\n\
                 ob=/lib/b\nfn=g\n0x1000 3 {n}\n",
                n * 100
            )
        };
        let (a, b) = (parse_executed(&dump(1)), parse_executed(&dump(2)));
        // The call's inclusive cost line is not an instruction count.
        assert!(!a["/bin/a"].contains_key(&0x1044));
        assert_eq!(a["/bin/a"][&0x1004], 1);
        // 0x1000 and 0x1004 share a line of /bin/a; 0x1040 ran as often in both runs; the
        // same address in another object is another line.
        assert_eq!(grown_code_lines(&a, &b), Some(2));
        assert_eq!(grown_code_lines(&b, &b), Some(0));
        // Runs whose code sits at other addresses do not compare.
        let moved = parse_executed(&dump(2).replace("0x10", "0x90"));
        assert_eq!(grown_code_lines(&a, &moved), None);
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

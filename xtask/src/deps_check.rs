//! `cargo xtask deps-check`: `gemini-types` is the pure data model, so its normal dependency tree
//! (`cargo tree -p gemini-types -e normal`) must not contain an async runtime, an HTTP stack, or any
//! other I/O crate.

use std::path::Path;
use std::process::Command;

/// Crates that mean I/O or async (exact names, or a prefix ending in `-`).
const BANNED: &[&str] = &[
    "tokio",
    "tokio-",
    "hyper",
    "hyper-",
    "http",
    "http-",
    "httparse",
    "h2",
    "futures",
    "futures-",
    "async-",
    "mio",
    "socket2",
    "reqwest",
    "ureq",
    "curl",
    "isahc",
    "smol",
    "rustls",
    "rustls-",
    "native-tls",
    "openssl",
    "tungstenite",
    "tokio-tungstenite",
    "tower",
    "tower-",
];

fn banned(name: &str) -> bool {
    BANNED.iter().any(|b| {
        if b.ends_with('-') {
            name.starts_with(b)
        } else {
            name == *b
        }
    })
}

/// Crate names in `cargo tree` output (`--prefix none --format {p}` prints `name vX.Y.Z ...`).
pub(crate) fn crate_names(tree: &str) -> Vec<String> {
    tree.lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Runs the check for the default feature set and for every feature.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut offenders = Vec::new();
    for extra in [&[][..], &["--all-features"][..]] {
        let out = Command::new(&cargo)
            .args([
                "tree",
                "-p",
                "gemini-types",
                "-e",
                "normal",
                "--prefix",
                "none",
                "--format",
                "{p}",
            ])
            .args(extra)
            .current_dir(root)
            .output()
            .map_err(|e| format!("deps-check: could not run cargo tree: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "deps-check: cargo tree failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        for name in crate_names(&text) {
            if banned(&name) && !offenders.contains(&name) {
                offenders.push(name);
            }
        }
    }
    if offenders.is_empty() {
        println!("deps-check: gemini-types has no I/O or async dependency");
        Ok(())
    } else {
        Err(format!(
            "deps-check: gemini-types depends on I/O/async crates: {}",
            offenders.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_matched_exactly_or_by_family() {
        assert!(banned("tokio"));
        assert!(banned("tokio-util"));
        assert!(banned("http"));
        assert!(banned("futures-core"));
        assert!(!banned("httpdate-not"));
        assert!(!banned("serde"));
        assert!(!banned("bytes"));
        assert!(!banned("base64"));
        let names = crate_names("gemini-types v0.1.0 (/x)\nserde v1.0.219\nbytes v1.10.1\n");
        assert_eq!(names, ["gemini-types", "serde", "bytes"]);
    }
}

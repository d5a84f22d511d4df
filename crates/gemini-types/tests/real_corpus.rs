//! Every document of the real recorded traffic in `../shared/spec/real` (786 request, response,
//! stream, error and Live documents; see its README.md and MANIFEST.tsv) decodes into our types
//! and re-serializes with nothing lost, modulo what JSON lets vary (see `common/mod.rs`).
//!
//! The corpus is read from `../shared/spec/real`, never copied into the repository; without it
//! the tests print `skipping real_corpus: ../shared/spec not found` and pass (under `CI=true` they
//! fail).
//!
//! Run `cargo test -p gemini-types --test real_corpus -- --nocapture` for the per-surface table.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use common::corpus::{Doc, kind_for, manifest};
use common::kinds::Kind;
use common::{Outcome, jsonl, scrubbed, shared_spec};

/// Result of one file: every unit (document, stream line, Live frame) that failed.
struct FileResult {
    units: usize,
    failures: Vec<String>,
}

fn check_file(real: &Path, doc: &Doc, kind: Kind) -> FileResult {
    let path = real.join(&doc.file);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            return FileResult {
                units: 1,
                failures: vec![format!("cannot read: {e}")],
            };
        }
    };
    let request = doc.file.starts_with("requests/");
    let units: Vec<&str> = if common::ext(&doc.file) == "jsonl" {
        jsonl(&text)
    } else {
        vec![text.as_str()]
    };
    let mut failures = Vec::new();
    for (n, unit) in units.iter().enumerate() {
        let mut outcome = kind.check(unit, request);
        if rejected_placeholder(&outcome) {
            // A source replaced `inlineData.data` with a placeholder that is not base64: it is
            // rejected with an error naming the field (checked here), and the rest of the
            // document is checked with the placeholder replaced (see `scrub_placeholders`).
            let (scrubbed, replaced) = scrubbed(unit);
            if replaced > 0 {
                outcome = kind.check(&scrubbed, request);
            }
        }
        if !outcome.is_ok() {
            let at = if units.len() > 1 {
                format!("line {}: ", n + 1)
            } else {
                String::new()
            };
            failures.push(format!("{at}{kind:?}: {}", outcome.describe()));
        }
    }
    FileResult {
        units: units.len(),
        failures,
    }
}

/// Decoding failed only because `inlineData.data` is not base64, with an error naming it.
fn rejected_placeholder(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::DecodeError(e)
        if e.contains("inlineData.data") && e.contains("is not valid base64"))
}

#[derive(Default)]
struct Tally {
    ok: usize,
    total: usize,
    units: usize,
}

#[test]
fn real_corpus_round_trips_without_loss() {
    let Some(spec) = shared_spec("real_corpus") else {
        return;
    };
    let real = spec.join("real");
    let docs = manifest(&real);
    assert!(
        docs.len() >= 785,
        "MANIFEST.tsv lists {} documents",
        docs.len()
    );

    let mut by_surface: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = String::new();
    let mut failed_files = 0usize;
    for doc in &docs {
        let tally = by_surface.entry(doc.surface.clone()).or_default();
        tally.total += 1;
        let Some(kind) = kind_for(&doc.surface, &doc.message) else {
            failed_files += 1;
            let _ = writeln!(
                failures,
                "{}: no Rust type mapped for ({}, {})",
                doc.file, doc.surface, doc.message
            );
            continue;
        };
        let r = check_file(&real, doc, kind);
        tally.units += r.units;
        if r.failures.is_empty() {
            tally.ok += 1;
        } else {
            failed_files += 1;
            for f in r.failures {
                let _ = writeln!(failures, "{}: {f}", doc.file);
            }
        }
    }

    let mut table = String::from("real corpus round trip, by surface (files ok / total, units):\n");
    let (mut ok, mut total) = (0, 0);
    for (surface, t) in &by_surface {
        ok += t.ok;
        total += t.total;
        let _ = writeln!(
            table,
            "  {surface:<22} {:>4} / {:<4} ({} documents/lines/frames)",
            t.ok, t.total, t.units
        );
    }
    let _ = writeln!(table, "  {:<22} {ok:>4} / {total:<4}", "TOTAL");
    println!("{table}");
    write_report(&table, &failures);
    assert!(
        failed_files == 0,
        "{failed_files} of {total} real documents failed to round-trip:\n{}",
        truncate(&failures, 40_000)
    );
}

/// The full report, for reading when the assertion message is truncated.
fn write_report(table: &str, failures: &str) {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("real_corpus_report.txt");
    let _ = std::fs::write(&path, format!("{table}\n{failures}"));
    println!("full report: {}", path.display());
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    &s[..cut]
}

/// The drift run: with `--cfg gemini_strict_unknown`, every unknown enum value, part kind or field is a decode
/// error. Documents that legitimately carry data outside the current API are listed with the
/// reason; everything else must decode strictly.
#[cfg(gemini_strict_unknown)]
#[test]
fn real_corpus_decodes_strictly() {
    let Some(spec) = shared_spec("real_corpus (strict-unknown)") else {
        return;
    };
    let real = spec.join("real");
    let mut unexpected = String::new();
    let mut tolerated = 0usize;
    for doc in manifest(&real) {
        let Some(kind) = kind_for(&doc.surface, &doc.message) else {
            continue;
        };
        let r = check_file(&real, &doc, kind);
        let decode_errors: Vec<&String> = r
            .failures
            .iter()
            .filter(|f| f.contains("decode error"))
            .collect();
        if decode_errors.is_empty() {
            continue;
        }
        if let Some(reason) = strict_exemption(&doc) {
            tolerated += 1;
            println!("tolerated ({reason}): {}", doc.file);
            continue;
        }
        for f in decode_errors {
            let _ = writeln!(unexpected, "{}: {f}", doc.file);
        }
    }
    println!("strict-unknown: {tolerated} documents tolerated");
    assert!(
        unexpected.is_empty(),
        "strict-unknown drift in the real corpus:\n{}",
        truncate(&unexpected, 40_000)
    );
}

/// Documents allowed to fail under `--cfg gemini_strict_unknown`, with the reason.
#[cfg(gemini_strict_unknown)]
fn strict_exemption(doc: &Doc) -> Option<&'static str> {
    if doc.surface == "interactions" && doc.notes.contains("OLD schema") {
        // Interactions recordings from before the 2026-05 schema change (outputs[] instead of
        // steps[]): they must round-trip (checked above) but carry fields the API no longer has.
        return Some("Interactions OLD schema (before 2026-05)");
    }
    None
}

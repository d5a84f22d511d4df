//! The `gemini-rs` binary end to end: against its built-in emulator (no key in the
//! environment) and against an emulator started here (`--base-url`), which scripts errors and
//! records the requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

mod common;

use common::{NOTICE, against, gemini_rs, interrupt, interrupted, stdout_json, wait_bounded};
use gemini_emulator::{Emulator, Reply};
use predicates::prelude::*;
use serde_json::Value;

// --- help, completions, usage --------------------------------------------------------------

#[test]
fn every_command_has_help() {
    let commands: &[&[&str]] = &[
        &[],
        &["generate"],
        &["chat"],
        &["count-tokens"],
        &["embed"],
        &["models"],
        &["models", "list"],
        &["models", "get"],
        &["files"],
        &["files", "upload"],
        &["files", "list"],
        &["files", "get"],
        &["files", "download"],
        &["files", "delete"],
        &["cache"],
        &["cache", "create"],
        &["cache", "list"],
        &["cache", "get"],
        &["cache", "update"],
        &["cache", "delete"],
        &["batch"],
        &["batch", "submit"],
        &["batch", "status"],
        &["batch", "wait"],
        &["batch", "results"],
        &["batch", "list"],
        &["batch", "cancel"],
        &["batch", "delete"],
        &["emulator"],
        &["demo"],
        &["completions"],
        &["image"],
        &["speak"],
        &["video"],
        &["store"],
        &["token"],
    ];
    for args in commands {
        gemini_rs()
            .args(*args)
            .arg("--help")
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: gemini-rs"))
            .stderr("");
    }
    // The exit codes are documented in the top-level help.
    gemini_rs()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes:").and(predicate::str::contains("130")));
}

#[test]
fn version() {
    gemini_rs()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("gemini-rs "));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        gemini_rs()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("count-tokens"))
            .stderr("");
    }
}

#[test]
fn usage_errors_exit_with_2() {
    let cases: &[&[&str]] = &[
        &[],
        &["no-such-command"],
        &["generate", "--no-such-flag"],
        &["embed"],
        &["--output", "yaml", "demo"],
        &["--timeout", "soon", "demo"],
        &["completions", "nosh"],
        &["models", "get"],
        &["--output", "json", "demo"],
    ];
    for args in cases {
        gemini_rs()
            .args(*args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::is_empty().not());
    }
}

// --- generate --------------------------------------------------------------------------------

#[test]
fn generate_streams_from_the_built_in_emulator_and_says_so_once() {
    let out = gemini_rs()
        .args(["generate", "Explain how AI works in a few words"])
        .assert()
        .success()
        .stdout("You said: Explain how AI works in a few words\n")
        // Off a terminal: no spinner, no colour, nothing but the notice.
        .stderr(NOTICE)
        .get_output()
        .clone();
    assert!(!out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b));
}

#[test]
fn generate_reads_the_prompt_from_stdin() {
    gemini_rs()
        .arg("generate")
        .write_stdin("Hello from a pipe\n")
        .assert()
        .success()
        .stdout("You said: Hello from a pipe\n")
        .stderr(NOTICE);
    gemini_rs()
        .args(["generate", "-"])
        .write_stdin("dash means stdin")
        .assert()
        .success()
        .stdout("You said: dash means stdin\n");
}

#[test]
fn an_empty_prompt_is_a_usage_error() {
    gemini_rs()
        .arg("generate")
        .write_stdin("  \n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("error: the prompt is empty"));
}

#[test]
fn generate_json_prints_the_raw_response() {
    for args in [
        &["generate", "--json", "Hi"][..],
        &["--output", "json", "generate", "Hi"],
    ] {
        let out = gemini_rs()
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        let v = stdout_json(&out);
        assert_eq!(
            v["candidates"][0]["content"]["parts"][0]["text"],
            "You said: Hi"
        );
        assert!(v["usageMetadata"]["totalTokenCount"].is_number(), "{v}");
    }
}

#[test]
fn generate_no_stream_makes_one_unary_call() {
    let emu = Emulator::start();
    against(&emu)
        .args(["generate", "--no-stream", "Hi"])
        .assert()
        .success()
        .stdout("You said: Hi\n")
        .stderr("");
    assert_eq!(emu.count("generateContent"), 1);
    assert_eq!(emu.count("streamGenerateContent"), 0);
}

#[test]
fn generate_with_a_schema_prints_json_that_follows_it() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("recipe.json");
    std::fs::write(
        &schema,
        r#"{"type":"object","properties":{"name":{"type":"string"},"minutes":{"type":"integer"},
            "ingredients":{"type":"array","items":{"type":"string"}}},
            "required":["name","minutes","ingredients"]}"#,
    )
    .unwrap();
    let out = gemini_rs()
        .args(["generate", "--schema"])
        .arg(&schema)
        .arg("A pancake recipe")
        .assert()
        .success()
        .stderr(NOTICE)
        .get_output()
        .clone();
    let v = stdout_json(&out);
    assert!(v["name"].is_string(), "{v}");
    assert!(v["minutes"].is_i64(), "{v}");
    assert!(v["ingredients"].is_array(), "{v}");

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{not json").unwrap();
    gemini_rs()
        .args(["generate", "--schema"])
        .arg(&bad)
        .arg("x")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.json").and(predicate::str::contains("not JSON")));
}

#[test]
fn generate_sends_the_system_instruction_files_and_settings() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "the notes").unwrap();
    against(&emu)
        .args([
            "generate",
            "--system",
            "Be brief.",
            "--temperature",
            "0.5",
            "--file",
        ])
        .arg(&notes)
        .arg("Summarise")
        .assert()
        .success()
        .stdout("[Be brief.] You said: Summarise\n");
    let body = emu.last_body("streamGenerateContent").unwrap();
    assert_eq!(body["systemInstruction"]["parts"][0]["text"], "Be brief.");
    assert_eq!(body["generationConfig"]["temperature"], 0.5);
    let parts = &body["contents"][0]["parts"];
    assert_eq!(parts[0]["inlineData"]["mimeType"], "text/plain");
    // "the notes", base64.
    assert_eq!(parts[0]["inlineData"]["data"], "dGhlIG5vdGVz");
    assert_eq!(parts[1]["text"], "Summarise");
}

#[test]
fn files_too_large_to_inline_are_uploaded_and_too_large_to_upload_refused() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.mp4");
    std::fs::write(&big, vec![7u8; 16_000_000]).unwrap(); // 21.3 MB as base64
    let small = dir.path().join("notes.txt");
    std::fs::write(&small, "the notes").unwrap();
    against(&emu)
        .args(["generate", "--no-stream", "--file"])
        .arg(&small)
        .arg("--file")
        .arg(&big)
        .arg("Describe")
        .assert()
        .success()
        .stderr("");
    assert!(
        emu.count("files.upload") >= 2,
        "the big file was not uploaded"
    );
    let parts = emu.last_body("generateContent").unwrap()["contents"][0]["parts"].clone();
    assert_eq!(parts[0]["inlineData"]["mimeType"], "text/plain");
    assert_eq!(parts[1]["fileData"]["mimeType"], "video/mp4");
    assert!(
        parts[1]["fileData"]["fileUri"]
            .as_str()
            .unwrap()
            .contains("/files/"),
        "{parts}"
    );
    assert_eq!(parts[2]["text"], "Describe");

    let huge = dir.path().join("huge.bin");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(2 * 1024 * 1024 * 1024 + 1)
        .unwrap();
    emu.clear_requests();
    against(&emu)
        .args(["generate", "--file"])
        .arg(&huge)
        .arg("Describe")
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::starts_with("error: ")
                .and(predicate::str::contains("huge.bin"))
                .and(predicate::str::contains("files API")),
        );
    assert_eq!(emu.count("*"), 0);

    gemini_rs()
        .args(["generate", "--file", "/nonexistent/photo.png", "Describe"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/nonexistent/photo.png"));
}

// --- files, cache, batch ----------------------------------------------------------------------

#[test]
fn files_upload_list_get_download_delete() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    let bytes: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &bytes).unwrap();
    // Not a terminal: no progress bar, nothing on stderr, the file on stdout.
    let out = against(&emu)
        .args([
            "--output",
            "json",
            "files",
            "upload",
            "--chunk-size",
            "256KiB",
            "--display-name",
            "Q3",
        ])
        .arg(&path)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .clone();
    let file = stdout_json(&out);
    let name = file["name"].as_str().unwrap().to_owned();
    assert_eq!(file["displayName"], "Q3");
    assert_eq!(file["mimeType"], "application/pdf");
    assert_eq!(file["sizeBytes"], "700000");
    // 700 000 bytes in 256 KiB chunks: the start and three chunks.
    assert_eq!(emu.count("files.upload"), 4);

    against(&emu)
        .args(["files", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&name).and(predicate::str::contains("Q3")));
    against(&emu)
        .args(["files", "get", &name])
        .assert()
        .success()
        .stdout(predicate::str::contains("size           700000 bytes"));
    let copy = dir.path().join("copy.pdf");
    against(&emu)
        .args(["files", "download", &name, "--out"])
        .arg(&copy)
        .assert()
        .success()
        .stderr(predicate::str::contains("700000 bytes written"));
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
    let out = against(&emu)
        .args(["files", "download", &name])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(out.stdout, bytes);
    against(&emu)
        .args(["files", "delete", &name])
        .assert()
        .success()
        .stdout(format!("deleted {name}\n"));
    against(&emu)
        .args(["files", "get", &name])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("403 Forbidden"));
    gemini_rs()
        .args(["files", "upload", "/nonexistent/x.pdf"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/nonexistent/x.pdf"));
}

#[test]
fn ctrl_c_during_an_upload_leaves_it_resumable() {
    let emu = Emulator::start();
    // The start and the first chunk go through; the second chunk hangs.
    emu.script("files.upload").reply(Reply::model()).times(2);
    emu.script("files.upload")
        .reply(Reply::model().delay(Duration::from_secs(60)));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    let bytes: Vec<u8> = (0..1_048_576u32).map(|i| (i % 241) as u8).collect();
    std::fs::write(&path, &bytes).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gemini-rs"))
        .args(["--api-key", "k", "--base-url", &emu.base_url()])
        .args(["files", "upload", "--chunk-size", "256KiB"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..500 {
        if emu.count("files.upload") >= 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(emu.count("files.upload"), 3);
    let err = interrupted(&mut child);
    assert!(
        err.starts_with("error: interrupted; the upload stopped at 262144 of 1048576 bytes"),
        "{err}"
    );
    let url = err
        .split("--resume '")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no resume command in {err:?}"));
    assert!(url.contains("upload_id="), "{url}");

    let out = against(&emu)
        .args(["--output", "json", "files", "upload", "--resume", url])
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .clone();
    let file = stdout_json(&out);
    assert_eq!(file["sizeBytes"], "1048576");
    let mut downloaded = Vec::new();
    let name = file["name"].as_str().unwrap();
    let out = against(&emu)
        .args(["files", "download", name])
        .assert()
        .success()
        .get_output()
        .clone();
    downloaded.extend_from_slice(&out.stdout);
    assert_eq!(downloaded, bytes);
}

#[test]
fn cache_create_list_update_delete() {
    let emu = Emulator::start();
    let long = "The cat sat on the mat and looked at the moon. ".repeat(200);
    let out = against(&emu)
        .args([
            "--output",
            "json",
            "cache",
            "create",
            "--system",
            "Be brief",
            "--ttl",
            "10m",
            "--display-name",
            "cats",
        ])
        .arg(&long)
        .assert()
        .success()
        .get_output()
        .clone();
    let cache = stdout_json(&out);
    let name = cache["name"].as_str().unwrap().to_owned();
    let sent = emu.last_body("cachedContents.create").unwrap();
    assert_eq!(sent["ttl"], "600s");
    assert_eq!(sent["model"], "models/gemini-2.5-flash");
    assert_eq!(sent["systemInstruction"]["parts"][0]["text"], "Be brief");
    against(&emu)
        .args(["cache", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&name).and(predicate::str::contains("cats")));
    against(&emu)
        .args(["cache", "update", &name, "--ttl", "2h"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&name));
    assert_eq!(
        emu.last_body("cachedContents.patch").unwrap()["ttl"],
        "7200s"
    );
    against(&emu)
        .args(["cache", "get", &name])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "model          models/gemini-2.5-flash",
        ));
    against(&emu)
        .args(["cache", "delete", &name])
        .assert()
        .success();
    // Too small for the model: the API's own error, exit 3.
    against(&emu)
        .args(["cache", "create", "short"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("too small"));
    gemini_rs().args(["cache", "create"]).assert().code(2);
}

#[test]
fn batch_submit_wait_results() {
    let emu = Emulator::builder()
        .batch_timing(Duration::from_millis(100), Duration::from_millis(200))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"key\":\"a\",\"request\":{\"contents\":[{\"parts\":[{\"text\":\"Hi there\"}]}]}}\n\
         {\"key\":\"b\",\"request\":{\"contents\":[{\"parts\":[{\"text\":\"Bye now\"}]}]}}\n",
    )
    .unwrap();
    let out = against(&emu)
        .args([
            "--output",
            "json",
            "batch",
            "submit",
            "--display-name",
            "nightly",
        ])
        .arg(&input)
        .assert()
        .success()
        .stderr("")
        .get_output()
        .clone();
    let op = stdout_json(&out);
    let name = op["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("batches/"), "{name}");
    against(&emu)
        .args(["batch", "status", &name])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("name      {name}")));
    against(&emu)
        .args(["batch", "wait", &name])
        .assert()
        .success()
        .stderr("")
        .stdout(
            predicate::str::contains("BATCH_STATE_SUCCEEDED")
                .and(predicate::str::contains("2 in all, 2 succeeded")),
        );
    against(&emu)
        .args(["batch", "results", &name])
        .assert()
        .success()
        .stdout("a\tYou said: Hi there\nb\tYou said: Bye now\n");
    let out = against(&emu)
        .args(["--output", "json", "batch", "results", &name])
        .assert()
        .success()
        .get_output()
        .clone();
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["key"], "a");
    assert!(lines[0]["response"]["candidates"].is_array());
    against(&emu)
        .args(["batch", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(&name));
    against(&emu)
        .args(["batch", "delete", &name])
        .assert()
        .success();

    // A bad line is named before anything is sent.
    std::fs::write(&input, "{\"key\":\"a\",\"request\":{}}\nnot json\n").unwrap();
    emu.clear_requests();
    against(&emu)
        .args(["batch", "submit"])
        .arg(&input)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("line 2"));
    assert_eq!(emu.count("*"), 0);
}

#[test]
fn batch_submit_wait_on_the_built_in_emulator() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"key\":\"q\",\"request\":{\"contents\":[{\"parts\":[{\"text\":\"Hello\"}]}]}}\n",
    )
    .unwrap();
    gemini_rs()
        .args(["batch", "submit", "--wait"])
        .arg(&input)
        .assert()
        .success()
        .stdout("q\tYou said: Hello\n")
        .stderr(
            predicate::str::starts_with(NOTICE).and(predicate::str::contains("submitted batches/")),
        );
}

#[test]
fn api_version_and_key_from_the_environment() {
    let emu = Emulator::builder().api_key("env-key").start();
    let mut c = gemini_rs();
    c.env("GEMINI_API_KEY", "env-key")
        .args(["--base-url", &emu.base_url(), "--api-version", "v1"])
        .args(["generate", "Hi"])
        .assert()
        .success()
        .stdout("You said: Hi\n")
        // A key is set: no emulator notice.
        .stderr("");
    let requests = emu.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].api_version(), "v1");
    assert_eq!(requests[0].api_key(), Some("env-key"));
}

// --- chat ------------------------------------------------------------------------------------

#[test]
fn chat_reads_piped_messages_and_saves_and_loads_its_history() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("history.json");
    let script = format!(
        "I have two dogs.\n/save {path}\n/reset\n/load {path}\n\nHow many paws?\n/exit\nnot sent\n",
        path = saved.display()
    );
    against(&emu)
        .arg("chat")
        .write_stdin(script)
        .assert()
        .success()
        .stdout("You said: I have two dogs.\nYou said: How many paws?\n")
        .stderr(
            predicate::str::contains("saved 2 turns")
                .and(predicate::str::contains("loaded 2 turns")),
        );
    let history: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(history["full"].as_array().unwrap().len(), 2);
    // The second message went with the loaded history.
    let body = emu.last_body("streamGenerateContent").unwrap();
    let contents = body["contents"].as_array().unwrap();
    assert_eq!(contents.len(), 3, "{body}");
    assert_eq!(contents[0]["parts"][0]["text"], "I have two dogs.");
    assert_eq!(emu.count("streamGenerateContent"), 2);
}

#[test]
fn chat_runs_on_the_built_in_emulator_with_reset_and_model() {
    gemini_rs()
        .args(["chat", "--system", "Be brief."])
        .write_stdin("one\n/reset\n/model gemini-2.5-pro\ntwo\n")
        .assert()
        .success()
        .stdout("[Be brief.] You said: one\n[Be brief.] You said: two\n")
        .stderr(predicate::str::starts_with(NOTICE));
}

#[test]
fn chat_json_prints_one_response_per_line() {
    let out = gemini_rs()
        .args(["--output", "json", "chat"])
        .write_stdin("a\nb\n")
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[1]["candidates"][0]["content"]["parts"][0]["text"],
        "You said: b"
    );
}

#[test]
fn piped_chat_fails_on_a_bad_line() {
    gemini_rs()
        .arg("chat")
        .write_stdin("/frobnicate\nhello\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("/frobnicate"));
    gemini_rs()
        .arg("chat")
        .write_stdin("/load /nonexistent/history.json\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/nonexistent/history.json"));
}

// --- tokens, embeddings, models --------------------------------------------------------------

#[test]
fn count_tokens_from_an_argument_or_stdin() {
    let out = gemini_rs()
        .args(["count-tokens", "How many tokens is this?"])
        .assert()
        .success()
        .stderr(NOTICE)
        .get_output()
        .clone();
    let n: u32 = String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(n > 0);
    let out = gemini_rs()
        .args(["--output", "json", "count-tokens"])
        .write_stdin("How many tokens is this?")
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(stdout_json(&out)["totalTokens"], n);
}

#[test]
fn embed_prints_vectors_or_similarities() {
    let out = gemini_rs()
        .args(["embed", "a cat", "a kitten"])
        .assert()
        .success()
        .stderr(NOTICE)
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    let vectors: Vec<Vec<f64>> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(vectors.len(), 2);
    assert!(vectors.iter().all(|v| v.len() == 3072));

    let out = gemini_rs()
        .args(["embed", "--similarity", "a cat", "a kitten", "a car"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    for line in text.lines() {
        let s: f64 = line.split_whitespace().next().unwrap().parse().unwrap();
        assert!((-1.0..=1.0).contains(&s), "{line}");
    }

    let out = gemini_rs()
        .args(["--output", "json", "embed", "--dimensions", "8", "x"])
        .assert()
        .success()
        .get_output()
        .clone();
    let v = stdout_json(&out);
    assert_eq!(v["embeddings"][0]["values"].as_array().unwrap().len(), 8);

    gemini_rs()
        .args(["embed", "--similarity", "alone"])
        .assert()
        .code(2);
}

#[test]
fn models_list_and_get() {
    gemini_rs()
        .args(["models", "list"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("gemini-2.5-flash")
                .and(predicate::str::contains("gemini-embedding-001")),
        )
        .stderr(NOTICE);
    let out = gemini_rs()
        .args(["--output", "json", "models", "list"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(stdout_json(&out).as_array().unwrap().len() > 3);
    gemini_rs()
        .args(["models", "get", "gemini-2.5-flash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("models/gemini-2.5-flash"));
    gemini_rs()
        .args(["models", "get", "no-such-model"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("404"));
}

// --- errors ----------------------------------------------------------------------------------

#[test]
fn api_errors_exit_with_3_in_one_line() {
    let emu = Emulator::start();
    for code in [400, 403, 429, 500, 503] {
        emu.script("streamGenerateContent").reply_status(code);
        let out = against(&emu)
            .args(["generate", "Hi"])
            .assert()
            .code(3)
            .stdout("")
            .get_output()
            .clone();
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("error: ") && err.contains(&code.to_string()),
            "{err}"
        );
    }
    // An error event in the middle of a stream.
    emu.script("streamGenerateContent")
        .reply(Reply::model().error_after(1, 500));
    against(&emu).args(["generate", "Hi"]).assert().code(3);
    emu.script("countTokens").reply(Reply::error(429, "quota"));
    against(&emu)
        .args(["count-tokens", "Hi"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("quota"));
}

#[test]
fn network_errors_and_timeouts_exit_with_4() {
    // A port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    gemini_rs()
        .args(["--retries", "0", "--api-key", "k", "--base-url"])
        .arg(format!("http://127.0.0.1:{port}"))
        .args(["generate", "Hi"])
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::starts_with("error: "));

    let emu = Emulator::start();
    emu.script("streamGenerateContent")
        .reply(Reply::model().delay(Duration::from_secs(10)));
    against(&emu)
        .args(["--timeout", "300ms", "generate", "Hi"])
        .assert()
        .code(4);
    emu.script("streamGenerateContent")
        .reply(Reply::model().drop_after(1));
    against(&emu).args(["generate", "Hi"]).assert().code(4);
}

#[test]
fn verbose_shows_the_chain_and_tracing() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let run = |verbose: bool| {
        let mut c = gemini_rs();
        if verbose {
            c.arg("-v");
        }
        let out = c
            .args(["--retries", "0", "--api-key", "k", "--base-url"])
            .arg(format!("http://127.0.0.1:{port}"))
            .args(["generate", "Hi"])
            .assert()
            .code(4)
            .get_output()
            .clone();
        String::from_utf8(out.stderr).unwrap()
    };
    let quiet = run(false);
    let verbose = run(true);
    assert_eq!(quiet.lines().count(), 1, "{quiet}");
    assert!(verbose.lines().count() > 1, "{verbose}");
    let last = verbose.lines().last().unwrap();
    assert!(
        last.starts_with("error: ") && last.len() > quiet.trim_end().len(),
        "{verbose}"
    );
}

// --- emulator, Ctrl-C, demo ------------------------------------------------------------------

#[test]
fn the_emulator_command_serves_until_ctrl_c() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gemini-rs"))
        .args(["emulator", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    gemini_rs()
        .args(["--api-key", "k", "--base-url", &url, "generate", "Hi"])
        .assert()
        .success()
        .stdout("You said: Hi\n")
        .stderr("");
    interrupt(&child);
    let status = wait_bounded(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn ctrl_c_interrupts_a_call_with_130() {
    let emu = Emulator::start();
    emu.script("streamGenerateContent")
        .reply(Reply::model().delay(Duration::from_secs(30)));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gemini-rs"))
        .args([
            "--api-key",
            "k",
            "--base-url",
            &emu.base_url(),
            "generate",
            "Hi",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..500 {
        if emu.count("streamGenerateContent") > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(emu.count("streamGenerateContent"), 1);
    let err = interrupted(&mut child);
    assert_eq!(err, "error: interrupted\n");
}

#[test]
fn demo_tours_every_surface_on_the_built_in_emulator() {
    gemini_rs()
        .arg("demo")
        .assert()
        .success()
        .stderr(NOTICE)
        .stdout(
            predicate::str::contains("== 1. generate")
                .and(predicate::str::contains("== 3. chat"))
                .and(predicate::str::contains("== 6. structured output"))
                .and(predicate::str::contains("(get_weather ran for"))
                .and(predicate::str::contains("== 8. files"))
                .and(predicate::str::contains("q2: "))
                .and(predicate::str::contains("an image: "))
                .and(predicate::str::contains("Hz audio"))
                .and(predicate::str::contains("(previous interaction "))
                .and(predicate::str::contains("(connected to gemini-live"))
                .and(predicate::str::contains("== done ==")),
        );
}

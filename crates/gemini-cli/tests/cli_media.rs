//! The media, file search store and ephemeral token commands of the `gemini-rs` binary, end to
//! end: against its built-in emulator (no key in the environment) and, where state must
//! outlive one process, against an emulator started here on loopback (`--base-url`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;
use std::time::Duration;

mod common;

use common::{NOTICE, against, gemini_rs, interrupted, stdout_json};
use gemini_emulator::Emulator;
use predicates::prelude::*;

fn stdout_text(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

// --- image -----------------------------------------------------------------------------------

#[test]
fn image_saves_pngs_from_a_gemini_image_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = gemini_rs()
        .current_dir(dir.path())
        .args(["image", "A watercolor fox in the snow", "-n", "2"])
        .assert()
        .success()
        .stderr(NOTICE)
        .get_output()
        .clone();
    let paths: Vec<String> = stdout_text(&out).lines().map(str::to_owned).collect();
    assert_eq!(paths, ["image-1.png", "image-2.png"]);
    for path in &paths {
        let bytes = std::fs::read(dir.path().join(path)).unwrap();
        assert!(bytes.starts_with(PNG_MAGIC), "{path} is not a PNG");
    }
    // A second run never overwrites: the numbers go on.
    gemini_rs()
        .current_dir(dir.path())
        .args(["image", "Another fox"])
        .assert()
        .success()
        .stdout("image-3.png\n");
}

#[test]
fn image_with_imagen_reports_filtered_samples_and_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let pics = dir.path().join("pics");
    let out = gemini_rs()
        .args([
            "image",
            "A [filtered] lighthouse at dusk",
            "-m",
            "imagen-4.0-generate-001",
            "-n",
            "2",
            "--aspect-ratio",
            "16:9",
            "--output",
            "json",
            "--out",
        ])
        .arg(&pics)
        .assert()
        .success()
        .stderr(predicate::str::contains("sample 1 was filtered: "))
        .get_output()
        .clone();
    let v = stdout_json(&out);
    assert_eq!(v["model"], "imagen-4.0-generate-001");
    assert_eq!(v["images"].as_array().unwrap().len(), 1);
    assert_eq!(v["images"][0]["mimeType"], "image/png");
    assert_eq!(v["filtered"][0]["index"], 1);
    let path = v["images"][0]["path"].as_str().unwrap();
    assert!(path.ends_with("image-1.png"), "{path}");
    assert!(std::fs::read(path).unwrap().starts_with(PNG_MAGIC));

    // --out-prefix names the files.
    let prefix = dir.path().join("lighthouse");
    gemini_rs()
        .args(["image", "A lighthouse", "-m", "imagen-4.0-generate-001"])
        .arg("--out-prefix")
        .arg(&prefix)
        .assert()
        .success()
        .stdout(predicate::str::ends_with("lighthouse-1.png\n"));
}

#[test]
fn image_arguments_the_api_refuses_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    gemini_rs()
        .current_dir(dir.path())
        .args([
            "image",
            "A fox",
            "-m",
            "imagen-4.0-generate-001",
            "--aspect-ratio",
            "5:1",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: invalid aspectRatio: \"5:1\" is not one of",
        ));
    gemini_rs()
        .current_dir(dir.path())
        .args(["image", "A fox", "-n", "9"])
        .assert()
        .code(2);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

// --- speak -----------------------------------------------------------------------------------

/// The sample rate of a WAV file's `fmt ` chunk (the canonical 44-byte header).
fn wav_sample_rate(wav: &[u8]) -> u32 {
    assert!(wav.len() > 44, "too short for a WAV: {} bytes", wav.len());
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(&wav[8..12], b"WAVE");
    assert_eq!(&wav[12..16], b"fmt ");
    u32::from_le_bytes([wav[24], wav[25], wav[26], wav[27]])
}

#[test]
fn speak_writes_a_24_khz_wav() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello.wav");
    gemini_rs()
        .args(["speak", "Have a wonderful day", "--voice", "Kore", "--out"])
        .arg(&path)
        .assert()
        .success()
        .stderr(NOTICE)
        .stdout(format!("{}\n", path.display()));
    assert_eq!(wav_sample_rate(&std::fs::read(&path).unwrap()), 24_000);
}

#[test]
fn speak_reads_stdin_and_prints_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = gemini_rs()
        .current_dir(dir.path())
        .args(["speak", "--output", "json"])
        .write_stdin("Read this from a pipe\n")
        .assert()
        .success()
        .get_output()
        .clone();
    let v = stdout_json(&out);
    assert_eq!(v["path"], "speech.wav");
    assert_eq!(v["sampleRate"], 24_000);
    assert!(v["seconds"].as_f64().unwrap() > 0.0);
    let wav = std::fs::read(dir.path().join("speech.wav")).unwrap();
    assert_eq!(wav_sample_rate(&wav), 24_000);
}

// --- video -----------------------------------------------------------------------------------

fn assert_mp4(bytes: &[u8]) {
    assert!(bytes.len() > 8, "too short for an MP4");
    assert_eq!(&bytes[4..8], b"ftyp", "no ftyp box first");
}

#[test]
fn video_waits_and_downloads_an_mp4_on_the_built_in_emulator() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cat.mp4");
    // On a pipe: no spinner, only the notice on stderr.
    gemini_rs()
        .args(["video", "A cat surfing a wave at sunset", "--out"])
        .arg(&path)
        .timeout(Duration::from_secs(30))
        .assert()
        .success()
        .stderr(NOTICE)
        .stdout(format!("{}\n", path.display()));
    assert_mp4(&std::fs::read(&path).unwrap());
}

#[test]
fn video_no_wait_then_status_and_download() {
    let emu = Emulator::builder()
        .video_generation_time(Duration::from_millis(500))
        .start();
    let out = against(&emu)
        .args(["video", "A cat surfing", "--no-wait"])
        .assert()
        .success()
        .stderr("")
        .get_output()
        .clone();
    let operation = stdout_text(&out).trim().to_owned();
    assert!(
        operation.starts_with("models/veo-3.1-generate-preview/operations/"),
        "{operation}"
    );
    against(&emu)
        .args(["video", "status", &operation])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("name      {operation}")));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("later.mp4");
    against(&emu)
        .args(["video", "download", &operation, "--out"])
        .arg(&path)
        .assert()
        .success()
        .stdout(format!("{}\n", path.display()));
    assert_mp4(&std::fs::read(&path).unwrap());
    against(&emu)
        .args(["video", "status", &operation, "--output", "json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"done\": true"));
}

#[test]
fn ctrl_c_while_a_video_generates_names_the_operation() {
    let emu = Emulator::builder()
        .video_generation_time(Duration::from_secs(600))
        .start();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gemini-rs"))
        .args(["--api-key", "k", "--base-url", &emu.base_url()])
        .args(["video", "A slow cat"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Started, and polled at least once: the wait is under way.
    for _ in 0..500 {
        if emu.count("predictLongRunning") > 0 && emu.requests().len() > 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(emu.count("predictLongRunning"), 1);
    let err = interrupted(&mut child);
    assert!(
        err.contains("gemini-rs video download models/veo-3.1-generate-preview/operations/"),
        "{err}"
    );
}

// --- store -----------------------------------------------------------------------------------

#[test]
fn store_create_and_list_on_the_built_in_emulator() {
    gemini_rs()
        .args(["store", "create", "manuals"])
        .assert()
        .success()
        .stderr(NOTICE)
        .stdout(
            predicate::str::contains("name           fileSearchStores/manuals")
                .and(predicate::str::contains("display name   manuals"))
                .and(predicate::str::contains("0 active")),
        );
    gemini_rs()
        .args(["store", "list", "--output", "json"])
        .assert()
        .success()
        .stdout("[]\n");
}

#[test]
fn a_missing_store_exits_with_3() {
    gemini_rs()
        .args(["store", "ask", "fileSearchStores/missing", "Anything?"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains("fileSearchStores/missing"));
    gemini_rs()
        .args(["store", "documents", "fileSearchStores/missing"])
        .assert()
        .code(3);
}

#[test]
fn store_upload_then_ask_cites_the_right_document() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let kettle = dir.path().join("kettle.txt");
    std::fs::write(
        &kettle,
        "To descale the kettle, fill it with white vinegar and water, boil it once, \
         and rinse it three times before use.",
    )
    .unwrap();
    let warranty = dir.path().join("warranty.txt");
    std::fs::write(
        &warranty,
        "Every appliance carries a two year warranty; keep the receipt.",
    )
    .unwrap();

    let out = against(&emu)
        .args(["store", "create", "appliances", "--output", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let store = stdout_json(&out)["name"].as_str().unwrap().to_owned();
    assert!(store.starts_with("fileSearchStores/"), "{store}");

    // One document uploaded into the store, one imported from the files API.
    against(&emu)
        .args(["store", "upload", &store])
        .arg(&kettle)
        .assert()
        .success()
        .stdout(
            predicate::str::contains(format!("name           {store}/documents/"))
                .and(predicate::str::contains("display name   kettle.txt"))
                .and(predicate::str::contains("ACTIVE")),
        );
    let out = against(&emu)
        .args(["files", "upload", "--output", "json"])
        .arg(&warranty)
        .assert()
        .success()
        .get_output()
        .clone();
    let file = stdout_json(&out)["name"].as_str().unwrap().to_owned();
    against(&emu)
        .args(["store", "import", &store, &file])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("{store}/documents/")));
    against(&emu)
        .args(["store", "documents", &store])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("kettle.txt")
                .and(predicate::function(|s: &str| s.lines().count() == 2)),
        );

    let out = against(&emu)
        .args(["store", "ask", &store, "How do I descale the kettle?"])
        .args(["--top-k", "1"])
        .assert()
        .success()
        .stderr("")
        .get_output()
        .clone();
    let text = stdout_text(&out);
    let (answer, citations) = text
        .split_once("\ncitations:\n")
        .unwrap_or_else(|| panic!("no citations: {text}"));
    assert!(answer.contains("vinegar"), "{text}");
    assert!(citations.contains("<- kettle.txt"), "{text}");
    assert!(!citations.contains("warranty"), "{text}");
    assert_eq!(citations.lines().count(), 1, "{text}");

    against(&emu)
        .args(["store", "get", &store])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 active"));
    // A store that holds documents is deleted only with --force.
    against(&emu)
        .args(["store", "delete", &store])
        .assert()
        .code(3);
    against(&emu)
        .args(["store", "delete", &store, "--force"])
        .assert()
        .success()
        .stdout(format!("deleted {store}\n"));
}

// --- token -----------------------------------------------------------------------------------

#[test]
fn token_create_prints_the_token_and_its_expiry() {
    let out = gemini_rs()
        .args([
            "token",
            "create",
            "--uses",
            "2",
            "--expire-in",
            "10m",
            "--new-session-expire-in",
            "1m",
        ])
        .assert()
        .success()
        .stderr(NOTICE)
        .get_output()
        .clone();
    let text = stdout_text(&out);
    let token = text
        .lines()
        .find_map(|l| l.strip_prefix("token"))
        .unwrap_or_else(|| panic!("no token line: {text}"))
        .trim();
    assert!(token.starts_with("auth_tokens/"), "{text}");
    assert!(text.contains("\nuses                 2\n"), "{text}");
    assert!(text.contains("\nexpires              20"), "{text}");
    assert!(text.contains("\nnew sessions until   20"), "{text}");

    let out = gemini_rs()
        .args(["token", "create", "--output", "json"])
        .assert()
        .success()
        .get_output()
        .clone();
    let v = stdout_json(&out);
    assert!(v["name"].as_str().unwrap().starts_with("auth_tokens/"));
    assert!(v["expireTime"].is_string());
}

#[test]
fn a_token_expiring_in_the_past_is_a_usage_error() {
    gemini_rs()
        .args(["token", "create", "--expire-at", "2000-01-01T00:00:00Z"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: invalid expireTime: 2000-01-01T00:00:00Z has already passed",
        ));
    gemini_rs()
        .args(["token", "create", "--uses", "0"])
        .assert()
        .code(2)
        .stdout("");
}

// --- help ------------------------------------------------------------------------------------

#[test]
fn every_media_command_has_help() {
    let commands: &[&[&str]] = &[
        &["image"],
        &["speak"],
        &["video"],
        &["video", "status"],
        &["video", "download"],
        &["store"],
        &["store", "create"],
        &["store", "list"],
        &["store", "get"],
        &["store", "delete"],
        &["store", "upload"],
        &["store", "import"],
        &["store", "documents"],
        &["store", "ask"],
        &["token"],
        &["token", "create"],
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
}

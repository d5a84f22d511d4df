//! `client.files()` against the emulator: resumable uploads (chunked, with progress, at constant
//! memory (peak resident size, Linux); cut and resumed in-process and with `resume`), streamed downloads, FAILED and
//! expired files, and the typed errors raised before anything is sent.

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::TryStreamExt as _;
use gemini::{Error, UploadOptions, UploadSource, WaitOptions};
use gemini_emulator::{Emulator, ManualClock, UploadFault};
use integration_tests::{KEY, client, emulator, within};

#[path = "../../crates/gemini/examples/files.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod files_example;

/// The process's peak resident memory in bytes (`VmHWM`), after resetting it to the current
/// resident size; `None` where `/proc` does not offer that (not Linux).
fn reset_peak_rss() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    peak_rss()
}

fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The tests of this file run one at a time, so the memory test sees only its own upload.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const MIB: u64 = 1 << 20;

/// The byte at `i` of the test pattern.
fn pattern(i: u64) -> u8 {
    (i.wrapping_mul(31) ^ (i >> 13)) as u8
}

fn pattern_bytes(len: u64) -> Vec<u8> {
    (0..len).map(pattern).collect()
}

/// An `AsyncRead` producing the pattern without holding it.
struct PatternReader {
    pos: u64,
    len: u64,
}

impl tokio::io::AsyncRead for PatternReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = (buf.remaining() as u64).min(self.len - self.pos);
        let start = self.pos;
        let out = buf.initialize_unfilled_to(n as usize);
        for (k, b) in out.iter_mut().enumerate() {
            *b = pattern(start + k as u64);
        }
        buf.advance(n as usize);
        self.pos += n;
        Poll::Ready(Ok(()))
    }
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("gemini-rs-{}-{name}", std::process::id()))
}

async fn download(client: &gemini::Client, name: &str) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    within(client.files().download(name, &mut out)).await?;
    Ok(out)
}

/// 64 MiB from a reader in 1 MiB chunks: progress after every chunk, and the peak resident
/// memory grows by a few chunks at most, not by the file.
#[tokio::test]
async fn a_64_mib_upload_in_1_mib_chunks_at_constant_memory() {
    let _serial = SERIAL.lock().await;
    // The emulator drops the bytes as they arrive and records no request bodies, so the
    // process's memory is the client's (and the emulator's chunk in flight).
    let emu = Emulator::builder()
        .api_key(KEY)
        .keep_file_bytes(false)
        .max_recorded(0)
        .start();
    let client = client(&emu);
    let total = 64 * MIB;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    // A first, smaller upload warms up the allocators (their arenas keep freed memory), so
    // what follows measures what an upload holds, not what malloc keeps around.
    let warm = 16 * MIB;
    within(
        client.files().upload(
            UploadSource::reader(PatternReader { pos: 0, len: warm }, warm),
            UploadOptions::new()
                .with_mime_type("application/octet-stream")
                .with_chunk_size(MIB),
        ),
    )
    .await
    .unwrap();
    let before = reset_peak_rss();
    let file = within(
        client.files().upload(
            UploadSource::reader(PatternReader { pos: 0, len: total }, total),
            UploadOptions::new()
                .with_mime_type("application/octet-stream")
                .with_chunk_size(MIB)
                .with_progress(move |p| log.lock().unwrap().push((p.sent(), p.total()))),
        ),
    )
    .await
    .unwrap();
    let grown = before.and_then(|b| Some(peak_rss()?.saturating_sub(b)));
    assert_eq!(file.size_bytes, Some(total as i64));
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen.len(),
        65,
        "a report at the start and after every chunk"
    );
    assert_eq!(seen.first(), Some(&(0, total)));
    assert_eq!(seen.last(), Some(&(total, total)));
    assert!(seen.windows(2).all(|w| w[1].0 == w[0].0 + MIB));
    // The client's chunk, the emulator's copy of the request body in flight, and buffers:
    // far below the 64 MiB uploaded.
    match grown {
        Some(grown) => {
            println!("the peak resident memory grew by {grown} bytes for a 64 MiB upload");
            assert!(
                grown < 8 * MIB,
                "the peak resident memory grew by {grown} bytes during a 64 MiB upload"
            );
        }
        None => println!("skipping the peak-memory check: /proc/self/status has no VmHWM"),
    }
}

/// A chunk cut after some of its bytes, then a 503: the upload asks the server for its offset
/// and goes on; the downloaded bytes are the uploaded ones.
#[tokio::test]
async fn an_interrupted_upload_resumes_from_the_servers_offset() {
    let _serial = SERIAL.lock().await;
    let emu = emulator();
    let client = client(&emu);
    let data = pattern_bytes(3 * MIB + 12_345);
    emu.upload_fault(UploadFault::drop_after(100_000).on_chunk(2));
    emu.upload_fault(UploadFault::status(503));
    let file = within(client.files().upload(
        UploadSource::bytes(data.clone()).with_file_name("data.bin"),
        UploadOptions::new().with_chunk_size(MIB),
    ))
    .await
    .unwrap();
    assert_eq!(file.mime_type.as_deref(), Some("application/octet-stream"));
    let queries = emu
        .requests()
        .iter()
        .filter(|r| r.header("x-goog-upload-command") == Some("query"))
        .count();
    assert_eq!(queries, 2);
    assert_eq!(download(&client, file.id()).await.unwrap(), data);
}

/// An upload that gives up keeps its session URL (from the progress callback); `resume` in a
/// "new process" (a new client) finishes it from a file on disk.
#[tokio::test]
async fn resume_finishes_an_upload_from_its_url() {
    let _serial = SERIAL.lock().await;
    let emu = emulator();
    let data = pattern_bytes(2 * MIB + 777);
    let path = temp_path("resume.bin");
    std::fs::write(&path, &data).unwrap();
    emu.upload_fault(UploadFault::drop_after(300_000).on_chunk(1));
    let url = Arc::new(Mutex::new(String::new()));
    let keep = url.clone();
    let e = within(
        client(&emu).files().upload(
            UploadSource::path(&path),
            UploadOptions::new()
                .with_chunk_size(MIB)
                .with_max_attempts(1)
                .with_progress(move |p| *keep.lock().unwrap() = p.upload_url().to_owned()),
        ),
    )
    .await
    .unwrap_err();
    assert!(
        e.is_retryable() || matches!(e, Error::Transport(_)),
        "{e:?}"
    );
    let url = url.lock().unwrap().clone();
    assert!(url.contains("upload_id="), "{url}");

    let other = client(&emu);
    let file = within(
        other
            .files()
            .resume(&url, UploadSource::path(&path), UploadOptions::new()),
    )
    .await
    .unwrap();
    assert_eq!(file.size_bytes, Some(data.len() as i64));
    // Streamed to a file on disk, then compared byte for byte.
    let out = temp_path("resume-download.bin");
    let mut writer = tokio::fs::File::create(&out).await.unwrap();
    let n = within(other.files().download(file.id(), &mut writer))
        .await
        .unwrap();
    drop(writer);
    assert_eq!(n, data.len() as u64);
    assert_eq!(std::fs::read(&out).unwrap(), data);
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&out);
}

/// PROCESSING until the clock moves, then ACTIVE; a FAILED file is a typed error with its
/// status; a file past its 48 hours is gone.
#[tokio::test]
async fn processing_failed_and_expired_files() {
    let _serial = SERIAL.lock().await;
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .api_key(KEY)
        .clock(clock.clone())
        .file_processing_time(Duration::from_secs(10))
        .start();
    let client = client(&emu);
    let files = client.files();
    let upload = |name: &'static str| {
        files.upload(
            UploadSource::bytes(b"%PDF-1.4 tiny".to_vec()).with_file_name(name),
            UploadOptions::new().with_display_name(name),
        )
    };
    let a = within(upload("a.pdf")).await.unwrap();
    assert!(a.is_processing(), "{a:?}");
    assert_eq!(a.mime_type.as_deref(), Some("application/pdf"));
    let quick = WaitOptions::new()
        .with_initial_interval(Duration::from_millis(5))
        .with_timeout(Duration::from_millis(60));
    let e = within(files.wait_until_active(a.id(), quick.clone()))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Operation(op) if op.is_deadline()),
        "{e:?}"
    );
    clock.advance(Duration::from_secs(10));
    let a = within(files.wait_until_active(a.id(), quick.clone()))
        .await
        .unwrap();
    assert!(a.is_active());
    // As a prompt part in one call.
    let part = serde_json::to_value(a.as_part()).unwrap();
    assert_eq!(part["fileData"]["fileUri"], a.uri.clone().unwrap().as_str());

    let b = within(upload("b.pdf")).await.unwrap();
    emu.fail_file(b.name.as_deref().unwrap(), "the PDF is corrupt")
        .unwrap();
    let e = within(files.wait_until_active(b.id(), quick))
        .await
        .unwrap_err();
    let Error::Operation(op) = &e else {
        panic!("expected Error::Operation, got {e:?}")
    };
    assert_eq!(op.status().unwrap().message(), "the PDF is corrupt");

    let listed: Vec<_> = within(files.list().try_collect::<Vec<_>>()).await.unwrap();
    assert_eq!(listed.len(), 2);
    clock.advance(Duration::from_secs(48 * 3600 + 1));
    let e = within(files.get(a.id())).await.unwrap_err();
    assert!(e.status().is_some_and(|s| s.is_client_error()), "{e:?}");
}

/// A missing file, a directory, an unknown MIME type: typed errors, nothing sent.
#[tokio::test]
async fn bad_input_is_rejected_before_sending() {
    let _serial = SERIAL.lock().await;
    let emu = emulator();
    let client = client(&emu);
    let files = client.files();
    for (source, what) in [
        (
            UploadSource::path(temp_path("missing.txt")),
            "cannot be read",
        ),
        (UploadSource::path(std::env::temp_dir()), "is a directory"),
        (
            UploadSource::bytes(vec![0; 10]).with_file_name("blob.unknownext"),
            "is unknown",
        ),
    ] {
        let e = files
            .upload(source, UploadOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Build(_)), "{e:?}");
        assert!(e.to_string().contains(what), "{e}");
    }
    assert_eq!(emu.count("*"), 0);
}

#[tokio::test]
async fn example_files() {
    let _serial = SERIAL.lock().await;
    let emu = emulator();
    let client = client(&emu);
    within(files_example::run(&client, integration_tests::MODEL))
        .await
        .unwrap();
    assert!(emu.count("*") > 0);
}

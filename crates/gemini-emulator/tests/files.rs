//! Files over HTTP: the resumable upload protocol (start, chunks, query, finalize, cancel),
//! its checks and fault injection, and `files.get` / `list` / `delete` / `download` with the
//! clock driving PROCESSING → ACTIVE and the 48-hour expiry.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use bytes::Bytes;
use gemini_emulator::{Emulator, ManualClock, Reply, UploadFault};
use serde_json::{Value, json};
use support::{TIMEOUT, get, send};

const KEY: (&str, &str) = ("x-goog-api-key", "k");
const MIB: usize = 1024 * 1024;

/// Starts an upload of `size` bytes; returns the upload path (with its query).
async fn start(emu: &Emulator, size: Option<u64>, body: &Value) -> String {
    let size = size.map(|s| s.to_string());
    let mut headers = vec![
        KEY,
        ("content-type", "application/json"),
        ("x-goog-upload-protocol", "resumable"),
        ("x-goog-upload-command", "start"),
        (
            "x-goog-upload-header-content-type",
            "application/octet-stream",
        ),
    ];
    if let Some(s) = &size {
        headers.push(("x-goog-upload-header-content-length", s));
    }
    let r = send(
        emu,
        "POST",
        "/upload/v1beta/files",
        &headers,
        body.to_string(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-goog-upload-status"), Some("active"));
    assert_eq!(r.header("x-goog-upload-chunk-granularity"), Some("262144"));
    let url = r.header("x-goog-upload-url").expect("upload url");
    let path = url.strip_prefix("http://127.0.0.1").expect(url).to_owned();
    assert!(
        path.starts_with("/upload/v1beta/files?upload_id=")
            && path.ends_with("&upload_protocol=resumable"),
        "{path}"
    );
    path
}

async fn chunk(
    emu: &Emulator,
    url: &str,
    command: &str,
    offset: u64,
    data: Bytes,
) -> support::Resp {
    let offset = offset.to_string();
    send(
        emu,
        "POST",
        url,
        &[
            KEY,
            ("x-goog-upload-command", command),
            ("x-goog-upload-offset", &offset),
        ],
        data,
    )
    .await
}

async fn query(emu: &Emulator, url: &str) -> (String, u64) {
    let r = send(
        emu,
        "POST",
        url,
        &[KEY, ("x-goog-upload-command", "query")],
        Bytes::new(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let received = r
        .header("x-goog-upload-size-received")
        .unwrap()
        .parse()
        .unwrap();
    (
        r.header("x-goog-upload-status").unwrap().to_owned(),
        received,
    )
}

fn data(len: usize) -> Bytes {
    (0..len)
        .map(|i| (i * 7 % 251) as u8)
        .collect::<Vec<u8>>()
        .into()
}

async fn download(emu: &Emulator, name: &str) -> support::Resp {
    get(emu, &format!("/v1beta/{name}:download?alt=media")).await
}

fn sha256_field(bytes: &[u8]) -> String {
    use base64::Engine as _;
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let hex: String = digest.as_ref().iter().fold(String::new(), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    });
    base64::engine::general_purpose::STANDARD.encode(hex)
}

#[tokio::test]
async fn a_64_mib_upload_in_1_mib_chunks_is_reassembled() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .clock(clock.clone())
        .file_processing_time(Duration::from_secs(30))
        .max_recorded(0)
        .start();
    let all = data(64 * MIB);
    let url = start(
        &emu,
        Some(all.len() as u64),
        &json!({"file": {"displayName": "big.bin"}}),
    )
    .await;
    let chunks = all.len() / MIB;
    let mut last = None;
    for i in 0..chunks {
        let command = if i + 1 == chunks {
            "upload, finalize"
        } else {
            "upload"
        };
        let r = chunk(
            &emu,
            &url,
            command,
            (i * MIB) as u64,
            all.slice(i * MIB..(i + 1) * MIB),
        )
        .await;
        assert_eq!(r.status, 200, "chunk {i}: {}", r.text());
        if i + 1 < chunks {
            assert_eq!(r.header("x-goog-upload-status"), Some("active"));
            assert!(r.body.is_empty());
        }
        last = Some(r);
    }
    let last = last.unwrap();
    assert_eq!(last.header("x-goog-upload-status"), Some("final"));
    let file = last.json()["file"].clone();
    assert_eq!(file["sizeBytes"], (64 * MIB).to_string());
    assert_eq!(file["displayName"], "big.bin");
    assert_eq!(file["mimeType"], "application/octet-stream");
    assert_eq!(file["state"], "PROCESSING");
    assert_eq!(file["source"], "UPLOADED");
    assert_eq!(file["sha256Hash"], sha256_field(&all));
    assert_eq!(file["createTime"], "2026-01-01T00:00:00Z");
    assert_eq!(file["expirationTime"], "2026-01-03T00:00:00Z");
    let name = file["name"].as_str().unwrap().to_owned();
    assert_eq!(file["uri"], format!("http://127.0.0.1/v1beta/{name}"));

    // PROCESSING until the clock passes the processing time, then ACTIVE.
    assert_eq!(
        get(&emu, &format!("/v1beta/{name}")).await.json()["state"],
        "PROCESSING"
    );
    clock.advance(Duration::from_secs(30));
    let f = get(&emu, &format!("/v1beta/{name}")).await.json();
    assert_eq!(f["state"], "ACTIVE");
    assert_eq!(f["updateTime"], "2026-01-01T00:00:30Z");

    let d = download(&emu, &name).await;
    assert_eq!(d.status, 200);
    assert_eq!(d.header("content-type"), Some("application/octet-stream"));
    assert!(d.body == all, "downloaded bytes differ");

    // A query after the end reports the final size and the file.
    let (status, received) = query(&emu, &url).await;
    assert_eq!((status.as_str(), received), ("final", (64 * MIB) as u64));
}

#[tokio::test]
async fn a_cut_upload_resumes_from_the_size_the_server_reports() {
    let emu = Emulator::builder().max_recorded(0).start();
    let all = data(3 * MIB + 5);
    let url = start(&emu, Some(all.len() as u64), &json!({})).await;
    assert_eq!(
        chunk(&emu, &url, "upload", 0, all.slice(..MIB))
            .await
            .status,
        200
    );

    // The second chunk breaks after 1000 bytes: the connection closes without an answer.
    emu.upload_fault(UploadFault::drop_after(1000));
    let stream = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let req = http::Request::post(url.as_str())
        .header("host", "127.0.0.1")
        .header(KEY.0, KEY.1)
        .header("x-goog-upload-command", "upload")
        .header("x-goog-upload-offset", MIB.to_string())
        .body(http_body_util::Full::new(all.slice(MIB..2 * MIB)))
        .unwrap();
    let cut = tokio::time::timeout(TIMEOUT, sender.send_request(req))
        .await
        .unwrap();
    assert!(
        cut.is_err(),
        "the connection should close without an answer"
    );

    let (status, received) = query(&emu, &url).await;
    assert_eq!((status.as_str(), received), ("active", (MIB + 1000) as u64));

    // Resending from the old offset is the protocol error; from the reported one it works.
    let wrong = chunk(&emu, &url, "upload", MIB as u64, all.slice(MIB..2 * MIB)).await;
    assert_eq!(wrong.status, 400);
    assert!(
        wrong
            .text()
            .contains("upload offset is 1048576 byte(s), which is less than"),
        "{}",
        wrong.text()
    );
    assert_eq!(wrong.header("x-goog-upload-status"), Some("active"));
    let ahead = chunk(
        &emu,
        &url,
        "upload",
        2 * MIB as u64,
        all.slice(MIB..2 * MIB),
    )
    .await;
    assert!(
        ahead
            .text()
            .contains("which exceeds the already uploaded size of 1049576"),
        "{}",
        ahead.text()
    );

    // A 503 on a chunk keeps nothing.
    emu.upload_fault(UploadFault::status(503).on_chunk(2));
    let ok = chunk(
        &emu,
        &url,
        "upload",
        received,
        all.slice(received as usize..2 * MIB),
    )
    .await;
    assert_eq!(ok.status, 200);
    let unavailable = chunk(
        &emu,
        &url,
        "upload",
        2 * MIB as u64,
        all.slice(2 * MIB..3 * MIB),
    )
    .await;
    assert_eq!(unavailable.status, 503);
    assert_eq!(unavailable.json()["error"]["status"], "UNAVAILABLE");
    assert_eq!(query(&emu, &url).await.1, 2 * MIB as u64);

    // A script on files.upload answers any upload request.
    emu.script("files.upload").reply(Reply::status(503));
    assert_eq!(
        chunk(&emu, &url, "upload", 2 * MIB as u64, Bytes::new())
            .await
            .status,
        503
    );

    let last = chunk(
        &emu,
        &url,
        "upload, finalize",
        2 * MIB as u64,
        all.slice(2 * MIB..),
    )
    .await;
    assert_eq!(
        last.header("x-goog-upload-status"),
        Some("final"),
        "{}",
        last.text()
    );
    let name = last.json()["file"]["name"].as_str().unwrap().to_owned();
    assert_eq!(last.json()["file"]["sha256Hash"], sha256_field(&all));
    assert!(download(&emu, &name).await.body == all);
    // A finalize retried after its answer was lost gets the same file.
    let again = chunk(
        &emu,
        &url,
        "upload, finalize",
        2 * MIB as u64,
        all.slice(2 * MIB..),
    )
    .await;
    assert_eq!(again.json()["file"]["name"], name.as_str());
}

#[tokio::test]
async fn sizes_are_checked() {
    let emu = Emulator::start();
    // More than declared.
    let url = start(&emu, Some(10), &json!({})).await;
    let r = chunk(&emu, &url, "upload", 0, data(11)).await;
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("more than the declared size"),
        "{}",
        r.text()
    );
    // Finalized short of the declared size.
    let r = chunk(&emu, &url, "upload, finalize", 0, data(9)).await;
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("finalized with 9 byte(s)"),
        "{}",
        r.text()
    );
    assert_eq!(query(&emu, &url).await, ("active".to_owned(), 9));
    // Over 2 GB at the start.
    let r = send(
        &emu,
        "POST",
        "/upload/v1beta/files",
        &[
            KEY,
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", "start"),
            ("x-goog-upload-header-content-length", "2147483649"),
            ("x-goog-upload-header-content-type", "video/mp4"),
        ],
        Bytes::new(),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("exceeds the maximum"), "{}", r.text());
    // An unknown field in the start body.
    let r = send(
        &emu,
        "POST",
        "/upload/v1beta/files",
        &[
            KEY,
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", "start"),
            ("x-goog-upload-header-content-type", "text/plain"),
        ],
        r#"{"file": {"displayName": "x", "colour": "red"}}"#,
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(
        r.message().contains("Unknown name \"colour\""),
        "{}",
        r.text()
    );
    // An unknown session.
    let r = chunk(
        &emu,
        "/upload/v1beta/files?upload_id=nope&upload_protocol=resumable",
        "upload",
        0,
        data(1),
    )
    .await;
    assert_eq!(r.status, 404);
    // The storage limit.
    let small = Emulator::builder().file_storage_limit(100).start();
    let url = start(&small, None, &json!({})).await;
    let r = chunk(&small, &url, "upload", 0, data(101)).await;
    assert_eq!(r.status, 429, "{}", r.text());
}

#[tokio::test]
async fn files_are_listed_fail_expire_and_delete() {
    let clock = ManualClock::new();
    let emu = Emulator::builder().clock(clock.clone()).start();
    let mut names = Vec::new();
    for i in 0..3 {
        let url = start(
            &emu,
            Some(4),
            &json!({"file": {"displayName": format!("f{i}")}}),
        )
        .await;
        let r = chunk(&emu, &url, "upload, finalize", 0, data(4)).await;
        names.push(r.json()["file"]["name"].as_str().unwrap().to_owned());
        clock.advance(Duration::from_secs(3600));
    }
    // A chosen name; a taken one is 409.
    let url = start(&emu, Some(1), &json!({"file": {"name": "files/my-file-1"}})).await;
    let r = chunk(&emu, &url, "upload, finalize", 0, data(1)).await;
    assert_eq!(r.json()["file"]["name"], "files/my-file-1");
    let url = start(&emu, Some(1), &json!({"file": {"name": "my-file-1"}})).await;
    assert_eq!(
        chunk(&emu, &url, "upload, finalize", 0, data(1))
            .await
            .status,
        409
    );

    let page = get(&emu, "/v1beta/files?pageSize=2").await.json();
    let listed: Vec<&str> = page["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["files/my-file-1", names[2].as_str()]);
    let token = page["nextPageToken"].as_str().unwrap();
    let rest = get(&emu, &format!("/v1beta/files?pageSize=2&pageToken={token}"))
        .await
        .json();
    assert_eq!(rest["files"].as_array().unwrap().len(), 2);

    // FAILED carries its status.
    let failed = emu
        .fail_file(&names[1], "Unsupported video codec.")
        .unwrap();
    assert_eq!(failed["state"], "FAILED");
    let f = get(&emu, &format!("/v1beta/{}", names[1])).await.json();
    assert_eq!(f["state"], "FAILED");
    assert_eq!(f["error"]["message"], "Unsupported video codec.");
    assert!(emu.fail_file("files/nope", "x").is_none());

    // 48 hours after its creation a file is gone.
    clock.advance(Duration::from_secs(45 * 3600));
    let gone = get(&emu, &format!("/v1beta/{}", names[0])).await;
    assert_eq!(gone.status, 403, "{}", gone.text());
    assert!(gone.message().contains("or it may not exist"));
    assert_eq!(
        get(&emu, &format!("/v1beta/{}", names[1])).await.status,
        200
    );

    let d = send(
        &emu,
        "DELETE",
        &format!("/v1beta/{}", names[2]),
        &[KEY],
        Bytes::new(),
    )
    .await;
    assert_eq!((d.status, d.json()), (200, json!({})));
    assert_eq!(
        get(&emu, &format!("/v1beta/{}", names[2])).await.status,
        403
    );
    assert_eq!(download(&emu, &names[2]).await.status, 403);
    assert_eq!(
        get(&emu, &format!("/v1beta/{}:download", names[1]))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn bytes_can_be_dropped_and_uploads_cancelled() {
    let emu = Emulator::builder().keep_file_bytes(false).start();
    let url = start(&emu, Some(8), &json!({})).await;
    let r = chunk(&emu, &url, "upload, finalize", 0, data(8)).await;
    let file = r.json()["file"].clone();
    assert_eq!(file["sha256Hash"], sha256_field(&data(8)));
    let d = download(&emu, file["name"].as_str().unwrap()).await;
    assert_eq!(d.status, 404);

    let url = start(&emu, Some(8), &json!({})).await;
    let r = send(
        &emu,
        "POST",
        &url,
        &[KEY, ("x-goog-upload-command", "cancel")],
        Bytes::new(),
    )
    .await;
    assert_eq!(r.header("x-goog-upload-status"), Some("cancelled"));
    assert_eq!(chunk(&emu, &url, "upload", 0, data(1)).await.status, 404);
}

#[tokio::test]
async fn chunks_without_a_key_are_authenticated_by_their_upload_id() {
    let emu = Emulator::builder().api_key("secret").start();
    let start = send(
        &emu,
        "POST",
        "/upload/v1beta/files",
        &[
            ("x-goog-api-key", "secret"),
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", "start"),
            ("x-goog-upload-header-content-length", "3"),
            ("x-goog-upload-header-content-type", "text/plain"),
        ],
        Bytes::new(),
    )
    .await;
    let url = start.header("x-goog-upload-url").unwrap();
    let path = url.strip_prefix("http://127.0.0.1").unwrap().to_owned();
    let headers = [
        ("x-goog-upload-command", "upload, finalize"),
        ("x-goog-upload-offset", "0"),
    ];
    // A forged id is refused before it reaches the upload.
    let forged = path.replace("upload_id=", "upload_id=x");
    let r = send(&emu, "POST", &forged, &headers, data(3)).await;
    assert_eq!(r.status, 403);
    let r = send(&emu, "POST", &path, &headers, data(3)).await;
    assert_eq!(
        r.header("x-goog-upload-status"),
        Some("final"),
        "{}",
        r.text()
    );
    let recorded = emu.requests_for("files.upload");
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].api_key(), Some("secret"));
    assert_eq!(recorded[1].api_key(), None);
}

#[tokio::test]
async fn generate_content_uses_only_active_files() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .clock(clock.clone())
        .file_processing_time(Duration::from_secs(5))
        .start();
    let url = start(&emu, Some(4), &json!({})).await;
    let file = chunk(&emu, &url, "upload, finalize", 0, data(4))
        .await
        .json()["file"]
        .clone();
    let generate = |uri: String| {
        let emu = &emu;
        async move {
            let body = json!({"contents": [{"role": "user", "parts": [
                {"fileData": {"mimeType": "application/octet-stream", "fileUri": uri}},
                {"text": "Describe it"}
            ]}]});
            support::post(
                emu,
                "/v1beta/models/gemini-2.5-flash:generateContent",
                &body,
            )
            .await
        }
    };
    let uri = file["uri"].as_str().unwrap().to_owned();
    let id = uri.rsplit('/').next().unwrap().to_owned();
    let r = generate(uri.clone()).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["error"]["status"], "FAILED_PRECONDITION");
    assert_eq!(
        r.message(),
        format!("The File {id} is not in an ACTIVE state and usage is not allowed.")
    );
    clock.advance(Duration::from_secs(5));
    assert_eq!(generate(uri).await.status, 200);
    // The SDKs' other spellings of the same file.
    assert_eq!(generate(format!("files/{id}")).await.status, 200);
    let missing =
        generate("https://generativelanguage.googleapis.com/v1beta/files/nope".into()).await;
    assert_eq!(missing.status, 403, "{}", missing.text());
    // Other URIs are not files of the API.
    let web = generate("https://www.youtube.com/watch?v=9hE5-98ZeCg".into()).await;
    assert_eq!(web.status, 200, "{}", web.text());
}

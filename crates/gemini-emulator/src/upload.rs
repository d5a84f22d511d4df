//! The resumable upload protocol of `POST /upload/{v}/files` (`../shared/spec/API.md`
//! section 11.1), as the official SDKs use it:
//!
//! 1. **start**: `X-Goog-Upload-Protocol: resumable`, `X-Goog-Upload-Command: start`,
//!    `X-Goog-Upload-Header-Content-Length` (the total size, optional) and
//!    `X-Goog-Upload-Header-Content-Type`, body `{"file": {"displayName", "name"?}}` →
//!    `200` with `X-Goog-Upload-Status: active`, `X-Goog-Upload-URL` (this emulator's
//!    `/upload/{v}/files?upload_id=...&upload_protocol=resumable`) and
//!    `X-Goog-Upload-Chunk-Granularity: 262144`;
//! 2. **chunks** to the upload URL: `X-Goog-Upload-Command: upload` (or `upload, finalize` on
//!    the last one) and `X-Goog-Upload-Offset` → `X-Goog-Upload-Status: active`, or `final`
//!    with body `{"file": File}`;
//! 3. **query** (`X-Goog-Upload-Command: query`) → `X-Goog-Upload-Size-Received` and the
//!    status; **cancel** ends the session.
//!
//! Uploads into a file search store (`POST /upload/{v}/fileSearchStores/{id}:uploadToFileSearchStore`,
//! `../shared/spec/API.md` section 16) follow the same protocol: the start body is an
//! `UploadToFileSearchStoreRequest` (`displayName`, `mimeType`, `customMetadata`,
//! `chunkingConfig`), the upload URL is the store's, and the final chunk is answered with the
//! operation that indexes the document ([`crate::resources::file_search_stores`]).
//!
//! Chunks are checked: the offset must equal the bytes received so far, the total may not pass
//! the declared size nor 2 GiB, and the finalized size must equal the declared size; these
//! protocol errors are `400` with a `text/plain` body, as the upload server sends them. The
//! bytes are kept as the chunks arrived (no copy) and hashed as they come (`sha256Hash`).
//!
//! Chunk requests may come without an API key (the Python SDK sends none): the upload id
//! authenticates them ([`crate::auth`]).
//!
//! The answers carry headers, so they are [`Reply`]s: [`reply`] is consulted after the scripts
//! for every `files.upload` request. A scripted `Reply::model()` for `files.upload` (with a
//! delay or faults) gets the upload answer as its body ([`complete`]).
//!
//! Fault injection: [`UploadFault`]s queued with
//! [`Emulator::upload_fault`](crate::Emulator::upload_fault) hit the next chunks; any
//! `files.upload` request can also be scripted (`emu.script("files.upload").reply_status(503)`).

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use gemini_types::{CreateFileRequest, UploadToFileSearchStoreRequest};
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::recorded::RecordedRequest;
use crate::resources::file_search_stores::{self, DocOptions, NewDocument, Via};
use crate::resources::files::{self, FileState, NewFile, Source};
use crate::resources::{Settings, base_url};
use crate::script::{Reply, ReplyBody};
use crate::state::State;
use crate::store::{Record, Resource};
use crate::validate::parse_strict;

/// The largest file: 2 GiB.
pub(crate) const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// `X-Goog-Upload-Chunk-Granularity`.
const GRANULARITY: u64 = 256 * 1024;
/// How long an upload session stays open.
const SESSION_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
const TEXT: &str = "text/plain; charset=utf-8";

/// A fault for a chunk of a resumable upload, queued with
/// [`Emulator::upload_fault`](crate::Emulator::upload_fault).
///
/// ```
/// use gemini_emulator::{Emulator, UploadFault};
///
/// let emu = Emulator::start();
/// // The third chunk from now: keep its first 1000 bytes, then cut the connection.
/// emu.upload_fault(UploadFault::drop_after(1000).on_chunk(3));
/// // The chunk after that: 503, nothing kept.
/// emu.upload_fault(UploadFault::status(503));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFault {
    kind: FaultKind,
    /// Chunks to let through first.
    skip: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FaultKind {
    DropAfter(u64),
    Status(u16),
}

impl UploadFault {
    /// Keeps the first `bytes` bytes of the chunk (what a server had received when the
    /// connection broke), then closes the connection without an answer
    /// ([`Reply::reset`](crate::Reply::reset)): the client sees the exchange fail, and a
    /// `query` reports the bytes kept.
    pub fn drop_after(bytes: u64) -> Self {
        Self {
            kind: FaultKind::DropAfter(bytes),
            skip: 0,
        }
    }

    /// Answers the chunk with HTTP `code` (the real error envelope, e.g. `503 UNAVAILABLE`)
    /// without keeping any of its bytes.
    pub fn status(code: u16) -> Self {
        Self {
            kind: FaultKind::Status(code),
            skip: 0,
        }
    }

    /// Hits the `n`-th chunk request from the time this fault is first in the queue
    /// (`1`, the default, is the next one).
    #[must_use]
    pub fn on_chunk(mut self, n: usize) -> Self {
        self.skip = n.saturating_sub(1);
        self
    }
}

/// The queue of pending upload faults (one record per emulator).
pub(crate) struct Faults(VecDeque<UploadFault>);

impl Resource for Faults {
    const KIND: &'static str = "UploadFaults";
    fn to_json(_: &Record<Self>) -> Value {
        json!({})
    }
}

const FAULTS: &str = "uploadFaults";

/// Queues `fault` (for [`Emulator::upload_fault`](crate::Emulator::upload_fault)).
pub(crate) fn push_fault(state: &State, fault: UploadFault) {
    let now = state.config.clock.now();
    state.store.with::<Faults, _>(now, |t| {
        if let Ok(r) = t.get_mut(now, FAULTS) {
            r.value.0.push_back(fault);
        } else if let Ok(r) = t.insert(now, FAULTS.into(), Faults(VecDeque::new())) {
            r.value.0.push_back(fault);
        }
    });
}

/// The fault for the chunk arriving now, if any.
fn next_fault(state: &State, now: SystemTime) -> Option<FaultKind> {
    state.store.with::<Faults, _>(now, |t| {
        let r = t.get_mut(now, FAULTS).ok()?;
        let front = r.value.0.front_mut()?;
        if front.skip > 0 {
            front.skip -= 1;
            return None;
        }
        r.value.0.pop_front().map(|f| f.kind)
    })
}

/// An open (or finished) upload session.
pub(crate) struct Session {
    declared: Option<u64>,
    mime_type: String,
    display_name: Option<String>,
    /// The requested `files/{id}`.
    file_name: Option<String>,
    received: u64,
    chunks: Vec<Bytes>,
    hasher: ring::digest::Context,
    uri_base: String,
    /// For `uploadToFileSearchStore`: the store and the document's options.
    store: Option<(String, DocOptions)>,
    /// The answer once finalized: `{"file": File}`, or the store upload's operation.
    finished: Option<Value>,
}

impl Resource for Session {
    const KIND: &'static str = "Upload";
    fn to_json(r: &Record<Self>) -> Value {
        json!({"name": r.name, "sizeReceived": r.value.received.to_string()})
    }
}

/// The RPC of uploads into a file search store.
const STORE_UPLOAD: &str = "fileSearchStores.uploadToFileSearchStore";

/// The upload answer for `request`, when it is a `files.upload` or
/// `fileSearchStores.uploadToFileSearchStore` request.
pub(crate) fn reply(state: &State, request: &RecordedRequest) -> Option<Reply> {
    if !request.routed || (request.rpc != "files.upload" && request.rpc != STORE_UPLOAD) {
        return None;
    }
    Some(serve(state, request))
}

/// A scripted reply for `files.upload`: a `Reply::model()` gets the upload answer as its body
/// (keeping the script's delay, status, headers and faults).
pub(crate) fn complete(state: &State, request: &RecordedRequest, scripted: Reply) -> Reply {
    if !matches!(scripted.body, ReplyBody::Model) {
        return scripted;
    }
    let Some(mut answer) = reply(state, request) else {
        return scripted;
    };
    answer.status = scripted.status.or(answer.status);
    answer.headers.extend(scripted.headers);
    answer.delay = scripted.delay;
    answer.faults.extend(scripted.faults);
    answer
}

fn serve(state: &State, request: &RecordedRequest) -> Reply {
    let now = state.config.clock.now();
    let command = request
        .header("x-goog-upload-command")
        .unwrap_or("")
        .to_ascii_lowercase();
    let commands: Vec<&str> = command.split(',').map(str::trim).collect();
    match request.query_param("upload_id") {
        None => start(state, request, now, &commands).unwrap_or_else(api_error),
        Some(id) => chunk(state, request, now, &id, &commands),
    }
}

fn api_error(e: ApiError) -> Reply {
    Reply::error(e.code, e.message)
}

fn text_error(code: u16, message: String, status: Option<&str>) -> Reply {
    let r = Reply::raw(code, TEXT, message);
    match status {
        Some(s) => r.with_header("x-goog-upload-status", s),
        None => r,
    }
}

fn header_u64(request: &RecordedRequest, name: &str) -> Result<Option<u64>, String> {
    match request.header(name) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| format!("Invalid request.  The {name} header is not a number: {v:?}.")),
    }
}

/// What a start request says of the file to be.
struct NamedFile {
    display_name: Option<String>,
    mime_type: Option<String>,
    name: Option<String>,
}

fn start(
    state: &State,
    request: &RecordedRequest,
    now: SystemTime,
    commands: &[&str],
) -> Result<Reply, ApiError> {
    let protocol = request.header("x-goog-upload-protocol").unwrap_or("");
    if !protocol.eq_ignore_ascii_case("resumable") || commands != ["start"] {
        return Err(ApiError::invalid_argument(format!(
            "The emulator serves resumable uploads only: send X-Goog-Upload-Protocol: \
             resumable and X-Goog-Upload-Command: start (got protocol {protocol:?}, command \
             {:?}).",
            commands.join(", ")
        )));
    }
    let declared = header_u64(request, "x-goog-upload-header-content-length")
        .map_err(ApiError::invalid_argument)?;
    let body = if request.body().iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice::<Value>(request.body())
            .map_err(|e| crate::validate::malformed_json_error(request.body(), &e))?
    };
    // A store upload: the store named by the path, and the document's options.
    let (file, store, upload_path) = if request.rpc == STORE_UPLOAD {
        let store = request
            .path()
            .strip_prefix(&format!("/upload/{}/", request.api_version()))
            .and_then(|p| p.strip_suffix(":uploadToFileSearchStore"))
            .unwrap_or("")
            .to_owned();
        file_search_stores::check_store(state, now, &store)?;
        let (parsed, canonical) = parse_strict::<UploadToFileSearchStoreRequest>(&body, |_, _| {})?;
        let options =
            file_search_stores::document_options(&canonical, "UploadToFileSearchStoreRequest")?;
        let file = NamedFile {
            display_name: parsed.display_name,
            mime_type: parsed.mime_type,
            name: None,
        };
        let path = format!("{store}:uploadToFileSearchStore");
        (file, Some((store, options)), path)
    } else {
        let (parsed, _) = parse_strict::<CreateFileRequest>(&body, |_, _| {})?;
        let f = parsed.file.unwrap_or_default();
        let file = NamedFile {
            display_name: f.display_name,
            mime_type: f.mime_type,
            name: f.name,
        };
        (file, None, "files".to_owned())
    };
    let mime_type = request
        .header("x-goog-upload-header-content-type")
        .map(str::to_owned)
        .or_else(|| file.mime_type.clone())
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| {
            ApiError::invalid_argument(
                "The MIME type of the upload is missing: send X-Goog-Upload-Header-Content-Type.",
            )
        })?;
    if let Some(size) = declared {
        if size > MAX_FILE_BYTES {
            return Err(ApiError::invalid_argument(format!(
                "File size {size} bytes exceeds the maximum of {MAX_FILE_BYTES} bytes (2 GB) per \
                 file."
            )));
        }
    }
    let file_name = match file.name.as_deref().filter(|n| !n.is_empty()) {
        None => None,
        Some(n) => Some(check_file_name(n)?),
    };
    let settings = &state.config.resources;
    let used = stored_bytes(state, now);
    if used.saturating_add(declared.unwrap_or(0)) > settings.file_storage_limit {
        return Err(storage_exhausted(settings, used));
    }
    let uri_base = format!("{}/{}/", base_url(request), request.api_version());
    let key = request.api_key().unwrap_or("");
    let id = state.store.with::<Session, _>(now, |t| {
        let nonce = format!("{}{}", t.new_id("uploads/"), t.new_id("uploads/"));
        let id = crate::auth::upload_id(&nonce, key);
        let session = Session {
            declared,
            mime_type,
            display_name: file.display_name.clone(),
            file_name,
            received: 0,
            chunks: Vec::new(),
            hasher: ring::digest::Context::new(&ring::digest::SHA256),
            uri_base,
            store,
            finished: None,
        };
        if let Ok(r) = t.insert(now, format!("uploads/{id}"), session) {
            r.expire_time = Some(now + SESSION_TTL);
        }
        id
    });
    let url = format!(
        "{}/upload/{}/{upload_path}?upload_id={id}&upload_protocol=resumable",
        base_url(request),
        request.api_version()
    );
    Ok(empty_ok()
        .with_header("x-goog-upload-status", "active")
        .with_header("x-goog-upload-url", &url)
        .with_header("x-goog-upload-control-url", &url)
        .with_header("x-goog-upload-chunk-granularity", &GRANULARITY.to_string()))
}

/// `files/{id}` with the id rules of the API (lowercase alphanumerics and dashes, at most 40).
fn check_file_name(name: &str) -> Result<String, ApiError> {
    let id = name.strip_prefix("files/").unwrap_or(name);
    let ok = !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-');
    if ok {
        Ok(format!("files/{id}"))
    } else {
        Err(ApiError::invalid_argument(format!(
            "* CreateFileRequest.file.name: Invalid file name {name:?}: the id may contain only \
             lowercase alphanumeric characters and dashes, at most 40 characters, and may not \
             start or end with a dash.\n"
        )))
    }
}

fn stored_bytes(state: &State, now: SystemTime) -> u64 {
    let sessions: u64 = state.store.with::<Session, _>(now, |t| {
        t.iter()
            .filter(|r| r.value.finished.is_none())
            .map(|r| r.value.chunks.iter().map(|c| c.len() as u64).sum::<u64>())
            .sum()
    });
    sessions + files::stored_bytes(state, now) + file_search_stores::stored_bytes(state, now)
}

fn storage_exhausted(settings: &Settings, used: u64) -> ApiError {
    ApiError::new(
        429,
        format!(
            "The emulator's file storage limit of {} bytes is reached ({used} bytes in use): \
             delete files or raise EmulatorBuilder::file_storage_limit.",
            settings.file_storage_limit
        ),
    )
}

fn empty_ok() -> Reply {
    Reply::raw(200, TEXT, Bytes::new())
}

fn status_reply(session: &Session) -> Reply {
    match &session.finished {
        Some(file) => Reply::json(file.clone()).with_header("x-goog-upload-status", "final"),
        None => empty_ok().with_header("x-goog-upload-status", "active"),
    }
    .with_header("x-goog-upload-size-received", &session.received.to_string())
}

/// What a chunk did to its session (a short-lived value: its size does not matter).
#[allow(clippy::large_enum_variant)]
enum Step {
    Answer(Reply),
    Finalize {
        name: Option<String>,
        file: files::File,
    },
    /// The last chunk of a store upload: the document's bytes.
    Document {
        store: String,
        options: DocOptions,
        display_name: Option<String>,
        mime_type: String,
        bytes: Vec<u8>,
    },
}

fn chunk(
    state: &State,
    request: &RecordedRequest,
    now: SystemTime,
    id: &str,
    commands: &[&str],
) -> Reply {
    let key = format!("uploads/{id}");
    let has = |c: &str| commands.contains(&c);
    if has("query") {
        return state
            .store
            .with::<Session, _>(now, |t| t.get(&key).map(|r| status_reply(&r.value)))
            .unwrap_or_else(|_| no_session(id));
    }
    if has("cancel") {
        return match state.store.with::<Session, _>(now, |t| t.remove(&key)) {
            Ok(_) => empty_ok().with_header("x-goog-upload-status", "cancelled"),
            Err(_) => no_session(id),
        };
    }
    if !has("upload") && !has("finalize") {
        return text_error(
            400,
            format!(
                "Invalid request.  Unknown X-Goog-Upload-Command {:?}: expected upload, \
                 finalize, query or cancel.",
                commands.join(", ")
            ),
            None,
        );
    }
    // A bare `finalize` needs no offset.
    let offset = match header_u64(request, "x-goog-upload-offset") {
        Ok(Some(o)) => Some(o),
        Ok(None) if !has("upload") => None,
        Ok(None) => {
            return text_error(
                400,
                "Invalid request.  The X-Goog-Upload-Offset header is missing.".into(),
                Some("active"),
            );
        }
        Err(m) => return text_error(400, m, Some("active")),
    };
    let body = if has("upload") {
        request.body().clone()
    } else {
        Bytes::new()
    };
    let exists = state
        .store
        .with::<Session, _>(now, |t| t.get(&key).map(|r| r.value.finished.is_none()));
    match exists {
        Err(_) => return no_session(id),
        // A finalize retried after its answer was lost gets the same answer.
        Ok(false) => {
            return state
                .store
                .with::<Session, _>(now, |t| t.get(&key).map(|r| status_reply(&r.value)))
                .unwrap_or_else(|_| no_session(id));
        }
        Ok(true) => {}
    }
    let fault = if body.is_empty() {
        None
    } else {
        next_fault(state, now)
    };
    if let Some(FaultKind::Status(code)) = fault {
        return Reply::status(code);
    }
    let settings = state.config.resources.clone();
    let used = if state.config.resources.keep_file_bytes {
        stored_bytes(state, now)
    } else {
        0
    };
    let step = state.store.with::<Session, _>(now, |t| {
        let Ok(r) = t.get_mut(now, &key) else {
            return Step::Answer(no_session(id));
        };
        let s = &mut r.value;
        if let Some(offset) = offset.filter(|o| *o != s.received) {
            let relation = if offset > s.received {
                "exceeds"
            } else {
                "is less than"
            };
            return Step::Answer(text_error(
                400,
                format!(
                    "Invalid request.  According to the X-Goog-Upload-Offset header, the upload \
                     offset is {offset} byte(s), which {relation} the already uploaded size of \
                     {} byte(s).",
                    s.received
                ),
                Some("active"),
            ));
        }
        let (body, drop) = match fault {
            Some(FaultKind::DropAfter(n)) => {
                let keep = usize::try_from(n).unwrap_or(usize::MAX).min(body.len());
                (body.slice(..keep), true)
            }
            _ => (body, false),
        };
        let total = s.received + body.len() as u64;
        let limit = s.declared.unwrap_or(MAX_FILE_BYTES).min(MAX_FILE_BYTES);
        if total > limit {
            return Step::Answer(text_error(
                400,
                format!(
                    "Invalid request.  The upload would hold {total} byte(s), more than the {} \
                     of {limit} byte(s).",
                    if s.declared.is_some() {
                        "declared size (X-Goog-Upload-Header-Content-Length)"
                    } else {
                        "per-file maximum"
                    }
                ),
                Some("active"),
            ));
        }
        if settings.keep_file_bytes
            && used.saturating_add(body.len() as u64) > settings.file_storage_limit
        {
            return Step::Answer(api_error(storage_exhausted(&settings, used)));
        }
        s.hasher.update(&body);
        s.received = total;
        // A store upload keeps its bytes until it is indexed.
        if (settings.keep_file_bytes || s.store.is_some()) && !body.is_empty() {
            s.chunks.push(body);
        }
        if drop {
            return Step::Answer(Reply::raw(503, TEXT, Bytes::new()).reset());
        }
        if !has("finalize") {
            return Step::Answer(status_reply(s));
        }
        if let Some(d) = s.declared.filter(|d| *d != total) {
            return Step::Answer(text_error(
                400,
                format!(
                    "Invalid request.  The upload was finalized with {total} byte(s), but \
                     X-Goog-Upload-Header-Content-Length declared {d} byte(s)."
                ),
                Some("active"),
            ));
        }
        if let Some((store, options)) = s.store.clone() {
            let bytes = std::mem::take(&mut s.chunks).concat();
            return Step::Document {
                store,
                options,
                display_name: s.display_name.clone(),
                mime_type: s.mime_type.clone(),
                bytes,
            };
        }
        let digest = s.hasher.clone().finish();
        let file = files::File {
            display_name: s.display_name.clone(),
            mime_type: s.mime_type.clone(),
            size: total,
            sha256: files::sha256_field(digest.as_ref()),
            state: FileState::Processing,
            source: Source::Uploaded,
            error: None,
            data: settings
                .keep_file_bytes
                .then(|| std::mem::take(&mut s.chunks)),
            uri_base: s.uri_base.clone(),
            visible_from: None,
            redirect: false,
        };
        Step::Finalize {
            name: s.file_name.clone(),
            file,
        }
    });
    match step {
        Step::Answer(reply) => reply,
        Step::Document {
            store,
            options,
            display_name,
            mime_type,
            bytes,
        } => {
            let new = NewDocument {
                store: &store,
                display_name,
                mime_type,
                bytes: &bytes,
                options,
                via: Via::Upload,
            };
            let operation = file_search_stores::add_document(state, now, new);
            match operation {
                Ok(op) => {
                    state.store.with::<Session, _>(now, |t| {
                        if let Ok(r) = t.get_mut(now, &key) {
                            r.value.finished = Some(op.clone());
                        }
                    });
                    Reply::json(op)
                        .with_header("x-goog-upload-status", "final")
                        .with_header("x-goog-upload-size-received", &offset_after(state, &key))
                }
                Err(e) => api_error(e),
            }
        }
        Step::Finalize { name, file } => {
            let new = NewFile { name, file };
            match files::create(state, now, new, settings.file_processing) {
                Ok(file) => {
                    let answer = json!({ "file": file });
                    state.store.with::<Session, _>(now, |t| {
                        if let Ok(r) = t.get_mut(now, &key) {
                            r.value.finished = Some(answer.clone());
                            r.value.chunks = Vec::new();
                        }
                    });
                    Reply::json(answer)
                        .with_header("x-goog-upload-status", "final")
                        .with_header("x-goog-upload-size-received", &offset_after(state, &key))
                }
                Err(e) => api_error(e),
            }
        }
    }
}

fn offset_after(state: &State, key: &str) -> String {
    let now = state.config.clock.now();
    state
        .store
        .with::<Session, _>(now, |t| t.get(key).map(|r| r.value.received))
        .unwrap_or(0)
        .to_string()
}

fn no_session(id: &str) -> Reply {
    text_error(
        404,
        format!("Invalid request.  The upload session {id} does not exist or has expired."),
        None,
    )
}

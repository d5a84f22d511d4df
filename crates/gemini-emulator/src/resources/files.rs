//! The `files` resource (`../shared/spec/API.md` section 11): `files.get`, `files.list`,
//! `files.delete` and `files.download` of the files made by resumable uploads
//! ([`crate::upload`]) and of batch results files ([`crate::resources::batches`]).
//!
//! A file is `PROCESSING` until the emulator's clock passes its processing time
//! ([`EmulatorBuilder::file_processing_time`](crate::EmulatorBuilder::file_processing_time),
//! default zero: the upload's final answer says `PROCESSING` and the first read says `ACTIVE`),
//! then `ACTIVE`; [`Emulator::fail_file`](crate::Emulator::fail_file) makes it `FAILED`. Every
//! file expires 48 hours after it was created. The bytes are kept in memory (bounded by
//! [`EmulatorBuilder::file_storage_limit`](crate::EmulatorBuilder::file_storage_limit)) and
//! served by `GET /{v}/files/{id}:download?alt=media`: for generated files, as the real
//! service, and for uploaded files too (the real service refuses those; the emulator serves
//! them so tests can compare what arrived). Videos made by Veo ([`crate::resources::videos`])
//! are downloaded as the real service does it: `files/{id}:download?alt=media` answers `302
//! Found` to `/download/{v}/files/{id}:download?alt=media`, which serves the bytes (with the
//! same authentication).

use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use serde_json::{Map, Value, json};

use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::paging::PageSpec;
use crate::resources::{Call, Handler, base_url, empty};
use crate::respond::Payload;
use crate::routes::Prefix;
use crate::state::State;
use crate::store::{Record, Resource};

/// How long a file lives.
pub(crate) const FILE_TTL: Duration = Duration::from_secs(48 * 3600);

/// `files.list` page sizes (the API's documented default and maximum).
const PAGES: PageSpec = PageSpec {
    default: 10,
    max: 100,
};

/// The served file RPCs.
pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("files.get", get),
    ("files.list", list),
    ("files.delete", delete),
    ("files.download", download),
];

/// A file's processing state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileState {
    Processing,
    Active,
    Failed,
}

impl FileState {
    fn wire(self) -> &'static str {
        match self {
            Self::Processing => "PROCESSING",
            Self::Active => "ACTIVE",
            Self::Failed => "FAILED",
        }
    }
}

/// Where a file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Uploaded,
    Generated,
}

/// A stored file.
pub(crate) struct File {
    pub(crate) display_name: Option<String>,
    pub(crate) mime_type: String,
    pub(crate) size: u64,
    /// `sha256Hash` as served: base64 of the hex digest.
    pub(crate) sha256: String,
    pub(crate) state: FileState,
    pub(crate) source: Source,
    /// The `google.rpc.Status` of a `FAILED` file.
    pub(crate) error: Option<Value>,
    /// The bytes, in the chunks they arrived in; `None` when bytes are not kept.
    pub(crate) data: Option<Vec<Bytes>>,
    /// `http://host:port/{v}/` the file's `uri` starts with.
    pub(crate) uri_base: String,
    /// Before this time the file is not visible (a batch results file before the batch ends).
    pub(crate) visible_from: Option<SystemTime>,
    /// `files.download` answers `302 Found` to the `/download/{v}/...` URL that serves the
    /// bytes (generated videos, as the real service redirects their downloads).
    pub(crate) redirect: bool,
}

impl File {
    fn visible(&self, now: SystemTime) -> bool {
        self.visible_from.is_none_or(|t| t <= now)
    }

    fn kept_bytes(&self) -> u64 {
        self.data
            .as_ref()
            .map_or(0, |d| d.iter().map(|b| b.len() as u64).sum())
    }

    /// The whole content, or `None` when the bytes were not kept.
    pub(crate) fn bytes(&self) -> Option<Bytes> {
        let data = self.data.as_ref()?;
        if let [one] = data.as_slice() {
            return Some(one.clone());
        }
        let mut all = BytesMut::with_capacity(usize::try_from(self.size).unwrap_or(0));
        for b in data {
            all.extend_from_slice(b);
        }
        Some(all.freeze())
    }
}

impl Resource for File {
    const KIND: &'static str = "File";

    fn to_json(r: &Record<Self>) -> Value {
        let f = &r.value;
        let id = r.name.strip_prefix("files/").unwrap_or(&r.name);
        let mut out = Map::new();
        out.insert("name".into(), json!(r.name));
        if let Some(d) = &f.display_name {
            out.insert("displayName".into(), json!(d));
        }
        out.insert("mimeType".into(), json!(f.mime_type));
        out.insert("sizeBytes".into(), json!(f.size.to_string()));
        out.insert("createTime".into(), json!(rfc3339(r.create_time)));
        out.insert("updateTime".into(), json!(rfc3339(r.update_time)));
        if let Some(t) = r.expire_time {
            out.insert("expirationTime".into(), json!(rfc3339(t)));
        }
        out.insert("sha256Hash".into(), json!(f.sha256));
        out.insert("uri".into(), json!(format!("{}files/{id}", f.uri_base)));
        if f.source == Source::Generated {
            out.insert(
                "downloadUri".into(),
                json!(format!("{}files/{id}:download?alt=media", f.uri_base)),
            );
        }
        out.insert("state".into(), json!(f.state.wire()));
        out.insert(
            "source".into(),
            json!(match f.source {
                Source::Uploaded => "UPLOADED",
                Source::Generated => "GENERATED",
            }),
        );
        if let Some(e) = &f.error {
            out.insert("error".into(), e.clone());
        }
        Value::Object(out)
    }

    fn not_found(name: &str) -> ApiError {
        // The real message for a missing (or someone else's) file.
        ApiError::new(
            403,
            format!(
                "You do not have permission to access the File {} or it may not exist.",
                name.strip_prefix("files/").unwrap_or(name)
            ),
        )
    }
}

/// `sha256Hash` of a digest: base64 of its lowercase hex form, as the real service sends it.
pub(crate) fn sha256_field(digest: &[u8]) -> String {
    use base64::Engine as _;
    use std::fmt::Write as _;
    let mut hex = String::with_capacity(digest.len() * 2);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    base64::engine::general_purpose::STANDARD.encode(hex)
}

/// What a new file is made of.
pub(crate) struct NewFile {
    /// `files/{id}`, or `None` for a new id.
    pub(crate) name: Option<String>,
    pub(crate) file: File,
}

/// Stores a new file; it turns `ACTIVE` after `processing` (from `from`, its creation or
/// visibility time). Returns the file as served at creation.
pub(crate) fn create(
    state: &State,
    now: SystemTime,
    new: NewFile,
    processing: Duration,
) -> Result<Value, ApiError> {
    let created = new.file.visible_from.unwrap_or(now).max(now);
    state.store.with::<File, _>(now, |t| {
        let name = match new.name {
            Some(n) => n,
            None => format!("files/{}", t.new_id("files/")),
        };
        let r = t.insert(now, name, new.file)?;
        r.create_time = created;
        r.update_time = created;
        r.expire_time = Some(created + FILE_TTL);
        if r.value.state == FileState::Processing {
            r.at(created + processing, |r| {
                if r.value.state == FileState::Processing {
                    r.value.state = FileState::Active;
                }
            });
        }
        Ok(File::to_json(r))
    })
}

/// The bytes of visible file `name` (a batch input file).
pub(crate) fn read(state: &State, now: SystemTime, name: &str) -> Result<FileContent, ApiError> {
    state.store.with::<File, _>(now, |t| {
        let r = t.get(name).ok().filter(|r| r.value.visible(now));
        let r = r.ok_or_else(|| File::not_found(name))?;
        Ok(FileContent {
            state: r.value.state,
            bytes: r.value.bytes(),
        })
    })
}

/// What [`read`] returns: the file's state and bytes (`None` when not kept).
pub(crate) struct FileContent {
    pub(crate) state: FileState,
    pub(crate) bytes: Option<Bytes>,
}

/// Bytes held by files (visible or not).
pub(crate) fn stored_bytes(state: &State, now: SystemTime) -> u64 {
    state
        .store
        .with::<File, _>(now, |t| t.iter().map(|r| r.value.kept_bytes()).sum())
}

/// Removes file `name` if it is not visible yet (the results file of a cancelled batch).
pub(crate) fn remove_hidden(state: &State, now: SystemTime, name: &str) {
    state.store.with::<File, _>(now, |t| {
        if t.get(name).is_ok_and(|r| !r.value.visible(now)) {
            let _ = t.remove(name);
        }
    });
}

/// Marks file `name` `FAILED` with `message` (for [`Emulator::fail_file`](crate::Emulator::fail_file)).
pub(crate) fn fail(state: &State, name: &str, message: &str) -> Result<Value, ApiError> {
    let now = state.config.clock.now();
    let name = if name.starts_with("files/") {
        name.to_owned()
    } else {
        format!("files/{name}")
    };
    state.store.with::<File, _>(now, |t| {
        let r = t.get_mut(now, &name)?;
        r.clear_schedule();
        r.value.state = FileState::Failed;
        r.value.error = Some(json!({"code": 3, "message": message}));
        Ok(File::to_json(r))
    })
}

/// Checks the files that `contents` (canonical `Content`s) reference with `fileData`: a URI
/// naming `files/{id}` must name a file of this emulator that is `ACTIVE`, else the real
/// errors (`403` for a missing file, `400 FAILED_PRECONDITION` for one not `ACTIVE`). Other
/// URIs (YouTube, web pages) are not checked.
pub(crate) fn check_references(state: &State, contents: &[Value]) -> Result<(), ApiError> {
    let mut names = contents
        .iter()
        .filter_map(|c| c.get("parts").and_then(Value::as_array))
        .flatten()
        .filter_map(|p| p.pointer("/fileData/fileUri").and_then(Value::as_str))
        .filter_map(file_name_in)
        .peekable();
    if names.peek().is_none() {
        return Ok(());
    }
    let now = state.config.clock.now();
    state.store.with::<File, _>(now, |t| {
        for name in names {
            let r = t
                .get(&name)
                .ok()
                .filter(|r| r.value.visible(now))
                .ok_or_else(|| File::not_found(&name))?;
            if r.value.state != FileState::Active {
                let mut e = ApiError::invalid_argument(format!(
                    "The File {} is not in an ACTIVE state and usage is not allowed.",
                    name.strip_prefix("files/").unwrap_or(&name)
                ));
                "FAILED_PRECONDITION".clone_into(&mut e.status);
                return Err(e);
            }
        }
        Ok(())
    })
}

/// `files/{id}` from a file URI (`https://.../v1beta/files/{id}`, `files/{id}`): the run of
/// `[a-z0-9-]` after the last `files/`, as the official SDKs extract it.
pub(crate) fn file_name_in(uri: &str) -> Option<String> {
    let at = uri.rfind("files/")?;
    if at > 0 && !uri[..at].ends_with('/') {
        return None;
    }
    let id: String = uri[at + "files/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    (!id.is_empty()).then(|| format!("files/{id}"))
}

fn get(call: &Call<'_>) -> Result<Payload, ApiError> {
    let now = call.now();
    let name = &call.route.name;
    call.state
        .store
        .with::<File, _>(now, |t| {
            t.get(name)
                .ok()
                .filter(|r| r.value.visible(now))
                .map(File::to_json)
                .ok_or_else(|| File::not_found(name))
        })
        .map(Payload::Unary)
}

fn list(call: &Call<'_>) -> Result<Payload, ApiError> {
    let page = call.page(PAGES)?;
    let now = call.now();
    call.state
        .store
        .with::<File, _>(now, |t| {
            t.list(&page, |r| r.value.visible(now))
                .map(|p| p.to_json("files"))
        })
        .map(Payload::Unary)
}

fn delete(call: &Call<'_>) -> Result<Payload, ApiError> {
    let now = call.now();
    let name = &call.route.name;
    call.state.store.with::<File, _>(now, |t| {
        if !t.get(name).is_ok_and(|r| r.value.visible(now)) {
            return Err(File::not_found(name));
        }
        t.remove(name).map(|_| ())
    })?;
    Ok(empty())
}

fn download(call: &Call<'_>) -> Result<Payload, ApiError> {
    if call.request.query_param("alt").as_deref() != Some("media") {
        return Err(ApiError::invalid_argument(
            "Downloading a file needs the query parameter alt=media.",
        ));
    }
    let now = call.now();
    let name = &call.route.name;
    let (mime, bytes, redirect) = call.state.store.with::<File, _>(now, |t| {
        let r = t
            .get(name)
            .ok()
            .filter(|r| r.value.visible(now))
            .ok_or_else(|| File::not_found(name))?;
        Ok::<_, ApiError>((r.value.mime_type.clone(), r.value.bytes(), r.value.redirect))
    })?;
    if redirect && call.route.prefix() == Prefix::Api {
        return Ok(Payload::Redirect(format!(
            "{}/download/{}/{name}:download?alt=media",
            base_url(call.request),
            call.route.version
        )));
    }
    let body = bytes.ok_or_else(|| {
        ApiError::new(
            404,
            format!("The bytes of {name} were not kept (EmulatorBuilder::keep_file_bytes(false))."),
        )
    })?;
    Ok(Payload::Raw {
        content_type: mime,
        body,
    })
}

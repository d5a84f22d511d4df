//! Requests the emulator received, captured for assertions.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};
use serde_json::Value;

/// One request as the emulator received it (after routing and authentication).
///
/// The API key is kept (see [`api_key`](Self::api_key)) but never printed: `Debug` shows `***`,
/// the stored query string has the `key` parameter redacted, and the `x-goog-api-key` header
/// is marked sensitive.
#[derive(Clone)]
pub struct RecordedRequest {
    pub(crate) rpc: Cow<'static, str>,
    /// Whether the path is in the route table (else a path script answered it).
    pub(crate) routed: bool,
    pub(crate) model: Option<String>,
    pub(crate) api_version: String,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) json: Option<Value>,
    pub(crate) api_key: Option<String>,
}

impl RecordedRequest {
    /// The RPC name the request was routed to.
    ///
    /// The model RPCs keep their wire names: `generateContent`, `streamGenerateContent`,
    /// `countTokens`, `embedContent`, `batchEmbedContents`, `listModels`, `getModel`, and the
    /// other model verbs (`predict`, `predictLongRunning`, `batchGenerateContent`,
    /// `asyncBatchEmbedContent`, ...). Every other method is `{collection}.{method}`:
    /// `files.upload` (the `/upload` path), `files.create`, `files.list`, `files.get`,
    /// `files.delete`, `files.download`, `files.register`, `cachedContents.create` / `list` /
    /// `get` / `patch` / `delete`, `batches.list` / `get` / `cancel` / `delete`,
    /// `operations.get` / `list` (every `.../operations[/*]` path), `tunedModels.get` / `list` /
    /// ..., `fileSearchStores.create` / ... / `importFile` / `uploadToFileSearchStore`,
    /// `fileSearchStores.documents.list` / `get` / `delete`, `corpora.create` / `get`,
    /// `authTokens.create`, `interactions.create` / `get` / `delete` / `cancel`, and
    /// `live.connect` / `live.connectConstrained` (the WebSocket paths).
    ///
    /// A request to a path outside the route table that a path script answered is recorded
    /// under that script's key (`"GET /v1beta/newThings/*"`).
    pub fn rpc(&self) -> &str {
        &self.rpc
    }

    /// The bare model id from the path (`gemini-2.5-flash`), if the path names one.
    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    /// The API version from the path: `v1beta`, `v1` or `v1alpha`.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The decoded path, e.g. `/v1beta/models/gemini-2.5-flash:generateContent`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The raw query string with any `key=` value replaced by `REDACTED`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The percent-decoded value of query parameter `name` (`key` is redacted).
    pub fn query_param(&self, name: &str) -> Option<String> {
        query_param(self.query.as_deref()?, name)
    }

    /// Whether the request asked for SSE framing (`alt=sse`).
    pub fn is_sse(&self) -> bool {
        self.query_param("alt").as_deref() == Some("sse")
    }

    /// All request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One header as a string (the first value), if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The raw body bytes.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body parsed as JSON, if it is valid JSON.
    pub fn json(&self) -> Option<&Value> {
        self.json.as_ref()
    }

    /// The API key the request authenticated with (header or `?key=`); `None` for an upload
    /// chunk that came without a key (its upload id authenticated it).
    pub fn api_key(&self) -> Option<&str> {
        self.api_key
            .as_deref()
            .filter(|k| !k.starts_with("upload_id:"))
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("rpc", &self.rpc)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// The percent-decoded value of `name` in a raw query string.
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k) == name).then(|| decode(v))
    })
}

fn decode(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}

/// The query string with the values of `key` and `access_token` (an ephemeral token) replaced
/// by `REDACTED`.
pub(crate) fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if matches!(decode(k).as_str(), "key" | "access_token") => {
                format!("{k}=REDACTED")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_helpers() {
        assert_eq!(
            query_param("alt=sse&key=abc", "alt").as_deref(),
            Some("sse")
        );
        assert_eq!(query_param("a=b%20c", "a").as_deref(), Some("b c"));
        assert_eq!(query_param("a", "a").as_deref(), Some(""));
        assert_eq!(query_param("a=1", "b"), None);
        assert_eq!(redact_query("alt=sse&key=secret"), "alt=sse&key=REDACTED");
        assert_eq!(
            redact_query("access_token=auth_tokens/x"),
            "access_token=REDACTED"
        );
    }
}

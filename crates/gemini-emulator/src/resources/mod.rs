//! One module per REST resource, and the registry binding their handlers to the RPC names of
//! the route table ([`crate::routes::TABLE`]).
//!
//! Adding a resource: write `resources/<name>.rs` with its record type (a
//! [`Resource`](crate::store::Resource) kept in the store), its handlers and a
//! `pub(crate) const HANDLERS: &[(&str, Handler)]` naming the RPCs it serves; then add that
//! list to [`MODULES`]. The route table already has every method of the API.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::paging::{PageRequest, PageSpec};
use crate::recorded::RecordedRequest;
use crate::respond::Payload;
use crate::routes::Route;
use crate::state::State;
use crate::validate::malformed_json_error;

pub(crate) mod auth_tokens;
pub(crate) mod batches;
pub(crate) mod caches;
pub(crate) mod file_search_stores;
pub(crate) mod files;
pub(crate) mod interactions;
pub(crate) mod models;
pub(crate) mod operations;
pub(crate) mod predict;
pub(crate) mod tuned_models;
pub(crate) mod videos;

/// Resource behaviour set on the [`EmulatorBuilder`](crate::EmulatorBuilder).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// How long an uploaded file stays `PROCESSING` (by the emulator's clock).
    pub(crate) file_processing: Duration,
    /// The most bytes kept for files and open uploads together.
    pub(crate) file_storage_limit: u64,
    /// Whether uploaded bytes are kept (for download and batch input files).
    pub(crate) keep_file_bytes: bool,
    /// How long a new batch stays `BATCH_STATE_PENDING`.
    pub(crate) batch_pending: Duration,
    /// How long a batch then runs before it succeeds.
    pub(crate) batch_running: Duration,
    /// How long a Veo operation runs before its videos are ready.
    pub(crate) video_generation: Duration,
    /// How long a file search document stays `STATE_PENDING` (its operation running).
    pub(crate) document_processing: Duration,
    /// How long a background interaction stays `queued`.
    pub(crate) interaction_queued: Duration,
    /// How long a background interaction (model form) then runs before it completes.
    pub(crate) interaction_running: Duration,
    /// How long an agent run (always in the background) runs before it completes.
    pub(crate) agent_running: Duration,
    /// Interactions answers longer than this many output tokens end `requires_continuation`.
    pub(crate) continuation_after: Option<u32>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            file_processing: Duration::ZERO,
            file_storage_limit: DEFAULT_FILE_STORAGE_LIMIT,
            keep_file_bytes: true,
            batch_pending: Duration::from_secs(1),
            batch_running: Duration::from_secs(2),
            video_generation: Duration::from_secs(2),
            document_processing: Duration::ZERO,
            interaction_queued: Duration::from_secs(1),
            interaction_running: Duration::from_secs(2),
            agent_running: Duration::from_secs(10),
            continuation_after: None,
        }
    }
}

/// The default of [`EmulatorBuilder::file_storage_limit`](crate::EmulatorBuilder::file_storage_limit): 2 GiB.
pub const DEFAULT_FILE_STORAGE_LIMIT: u64 = 2 * 1024 * 1024 * 1024;

/// The `http://host[:port]` requests reached the emulator at (from the `Host` header), for
/// URLs the emulator hands out (upload URLs, file URIs).
pub(crate) fn base_url(request: &RecordedRequest) -> String {
    let host = request
        .header("host")
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// Serves one routed, authenticated request.
pub(crate) type Handler = fn(&Call<'_>) -> Result<Payload, ApiError>;

/// Every module's handlers, by RPC name.
pub(crate) const MODULES: &[&[(&str, Handler)]] = &[
    auth_tokens::HANDLERS,
    batches::HANDLERS,
    caches::HANDLERS,
    file_search_stores::HANDLERS,
    files::HANDLERS,
    interactions::HANDLERS,
    models::HANDLERS,
    operations::HANDLERS,
    predict::HANDLERS,
    tuned_models::HANDLERS,
    videos::HANDLERS,
];

/// The handler serving `rpc`, if a module serves it.
pub(crate) fn handler_for(rpc: &str) -> Option<Handler> {
    MODULES
        .iter()
        .flat_map(|m| m.iter())
        .find(|(name, _)| *name == rpc)
        .map(|(_, h)| *h)
}

/// One request as a handler sees it.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub(crate) state: &'a Arc<State>,
    pub(crate) route: &'a Route,
    pub(crate) request: &'a RecordedRequest,
}

impl Call<'_> {
    /// The injected clock's time.
    pub(crate) fn now(&self) -> SystemTime {
        self.state.config.clock.now()
    }

    /// The request body as JSON (an empty body is `{}`), or the real malformed-JSON error.
    pub(crate) fn body_json(&self) -> Result<Cow<'_, Value>, ApiError> {
        if let Some(v) = self.request.json() {
            return Ok(Cow::Borrowed(v));
        }
        let body = self.request.body();
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Cow::Owned(json!({})));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => Ok(Cow::Owned(v)),
            Err(e) => Err(malformed_json_error(body, &e)),
        }
    }

    /// The `pageSize` / `pageToken` of a list request.
    pub(crate) fn page(&self, spec: PageSpec) -> Result<PageRequest, ApiError> {
        PageRequest::from_request(self.request, spec)
    }
}

/// The answer for a path no module serves: the real `404 NOT_FOUND`.
pub(crate) fn method_not_found(method: &http::Method, path: &str) -> ApiError {
    ApiError::not_found(format!("Method not found: {method} {path}"))
}

/// `{}`: what deletes and cancels answer.
pub(crate) fn empty() -> Payload {
    Payload::Unary(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::TABLE;

    #[test]
    fn every_handler_serves_a_method_of_the_table_once() {
        let mut seen = Vec::new();
        for (rpc, _) in MODULES.iter().flat_map(|m| m.iter()) {
            assert!(
                TABLE.iter().any(|r| r.rpc == *rpc),
                "{rpc} is not in the route table"
            );
            assert!(!seen.contains(rpc), "{rpc} is served twice");
            seen.push(*rpc);
        }
    }
}

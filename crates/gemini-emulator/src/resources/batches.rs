//! Batch mode (`../shared/spec/API.md` section 12): `models/{m}:batchGenerateContent` and
//! `models/{m}:asyncBatchEmbedContent` create a batch, a long-running operation named
//! `batches/{id}` ([`crate::lro`]); `batches.get` / `list` / `cancel` / `delete` are served by
//! [`crate::resources::operations`].
//!
//! Input is inline (`inputConfig.requests.requests[]`, each with optional `metadata`) or an
//! uploaded JSONL file (`inputConfig.fileName`, one `{"key", "request"}` per line). Every
//! request is answered by the emulator's model, the same code as `generateContent` (or
//! `embedContent`); a request the model rejects, or a JSONL line that is not JSON, gets its own
//! error and the others still succeed.
//!
//! The batch is `BATCH_STATE_PENDING`, then `BATCH_STATE_RUNNING` with `batchStats` moving in
//! up to ten steps, then `BATCH_STATE_SUCCEEDED`, by the emulator's clock
//! ([`EmulatorBuilder::batch_timing`](crate::EmulatorBuilder::batch_timing)). Results are
//! inline (`metadata.output.inlinedResponses.inlinedResponses[]`, or
//! `inlinedEmbedContentResponses` for embeddings) for inline input, or a generated JSONL file
//! `files/batch-{id}` (`{"key", "response"}` or `{"key", "error"}` per line, downloadable)
//! for file input. A batch that would run past 48 hours ends `BATCH_STATE_EXPIRED` then (error
//! code 4), without results. A cancelled batch ends `BATCH_STATE_CANCELLED` and publishes no results;
//! a pending or running batch cannot be deleted.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{BufMut, Bytes, BytesMut};
use gemini_types::{
    AsyncBatchEmbedContentRequest, BatchGenerateContentRequest, EmbedContentRequest,
};
use serde_json::{Map, Value, json};

use crate::catalogue::ModelSpec;
use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::lro::{self, Operation, Outcome, Step};
use crate::resources::files::{self, FileState, NewFile, Source};
use crate::resources::models::{embed_one, find_model, generate};
use crate::resources::{Call, Handler, base_url, caches};
use crate::respond::Payload;
use crate::state::State;
use crate::store::Record;
use crate::validate::parse_strict;

/// The batch-creating RPCs.
pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("batchGenerateContent", batch_generate_content),
    ("asyncBatchEmbedContent", async_batch_embed_content),
];

const TYPE_PREFIX: &str = "type.googleapis.com/google.ai.generativelanguage.v1main.";
/// How long a batch may take before it expires.
const BATCH_TTL: Duration = Duration::from_secs(48 * 3600);
/// The most progress steps while running.
const PROGRESS_STEPS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Generate,
    Embed,
}

impl Kind {
    fn batch_type(self) -> &'static str {
        match self {
            Self::Generate => "GenerateContentBatch",
            Self::Embed => "EmbedContentBatch",
        }
    }

    fn inline_key(self) -> &'static str {
        match self {
            Self::Generate => "inlinedResponses",
            Self::Embed => "inlinedEmbedContentResponses",
        }
    }
}

/// One request's result.
type Answer = Result<Value, ApiError>;

/// Everything the timed steps of one batch render.
struct Plan {
    kind: Kind,
    name: String,
    model: String,
    display_name: Option<String>,
    create_time: SystemTime,
    /// `ok[i]`: how many of the first `i` requests succeeded.
    ok: Vec<usize>,
    /// `metadata.output` (and, with its `@type`, the operation's `response`).
    output: Value,
}

impl Plan {
    fn total(&self) -> usize {
        self.ok.len() - 1
    }

    /// The metadata at `time` in `state`, with `done` requests finished.
    fn metadata(&self, time: SystemTime, batch_state: &str, done: usize) -> Value {
        let mut m = Map::new();
        m.insert(
            "@type".into(),
            json!(format!("{TYPE_PREFIX}{}", self.kind.batch_type())),
        );
        m.insert("model".into(), json!(self.model));
        if let Some(d) = &self.display_name {
            m.insert("displayName".into(), json!(d));
        }
        m.insert("createTime".into(), json!(rfc3339(self.create_time)));
        m.insert("updateTime".into(), json!(rfc3339(time)));
        let succeeded = self.ok[done];
        let mut stats = Map::new();
        // int64 counts are strings; zero counts are left out (proto3 JSON).
        for (key, n) in [
            ("requestCount", self.total()),
            ("successfulRequestCount", succeeded),
            ("failedRequestCount", done - succeeded),
            ("pendingRequestCount", self.total() - done),
        ] {
            if n > 0 {
                stats.insert(key.into(), json!(n.to_string()));
            }
        }
        m.insert("batchStats".into(), Value::Object(stats));
        m.insert("state".into(), json!(batch_state));
        m.insert("name".into(), json!(self.name));
        if batch_state == "BATCH_STATE_SUCCEEDED" {
            m.insert("endTime".into(), json!(rfc3339(time)));
            m.insert("output".into(), self.output.clone());
        }
        Value::Object(m)
    }

    fn response(&self) -> Value {
        let mut r = Map::new();
        r.insert(
            "@type".into(),
            json!(format!("{TYPE_PREFIX}{}Output", self.kind.batch_type())),
        );
        if let Some(o) = self.output.as_object() {
            r.extend(o.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Value::Object(r)
    }
}

fn batch_generate_content(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let model = find_model(call, "batchGenerateContent")?;
    let (_, canonical) = parse_strict::<BatchGenerateContentRequest>(&body, |_, _| {})?;
    create(
        call,
        &model,
        Kind::Generate,
        &canonical,
        "BatchGenerateContentRequest",
    )
}

fn async_batch_embed_content(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let model = find_model(call, "asyncBatchEmbedContent")?;
    let (_, canonical) = parse_strict::<AsyncBatchEmbedContentRequest>(&body, |_, _| {})?;
    create(
        call,
        &model,
        Kind::Embed,
        &canonical,
        "AsyncBatchEmbedContentRequest",
    )
}

/// Runs one request through the model.
fn run(state: &State, model: &ModelSpec, kind: Kind, request: &Value, field: &str) -> Answer {
    match kind {
        Kind::Generate => {
            let (generation, cache) = generate(state, model, request)?;
            let mut response = generation.to_response();
            if let Some(cache) = &cache {
                caches::report(&mut response, cache);
            }
            Ok(response)
        }
        Kind::Embed => {
            let (_, canonical) = parse_strict::<EmbedContentRequest>(request, |_, _| {})?;
            let (embedding, tokens) = embed_one(model, &canonical, field)?;
            Ok(json!({"embedding": embedding, "tokenCount": tokens.total().to_string()}))
        }
    }
}

/// A gRPC status code number for an HTTP status (inline errors carry gRPC codes).
fn grpc_code(http: u16) -> u16 {
    match http {
        400 => 3,
        401 => 16,
        403 => 7,
        404 => 5,
        409 => 10,
        429 => 8,
        499 => 1,
        501 => 12,
        503 => 14,
        504 => 4,
        _ => 13,
    }
}

fn create(
    call: &Call<'_>,
    model: &ModelSpec,
    kind: Kind,
    canonical: &Value,
    what: &str,
) -> Result<Payload, ApiError> {
    let state = call.state;
    let now = call.now();
    let Some(batch) = canonical.get("batch") else {
        return Err(ApiError::invalid_argument(format!(
            "* {what}.batch: batch is not specified\n"
        )));
    };
    let input = batch.get("inputConfig").unwrap_or(&Value::Null);
    let inline = input
        .pointer("/requests/requests")
        .and_then(Value::as_array);
    let file = input.get("fileName").and_then(Value::as_str);
    let display_name = batch
        .get("displayName")
        .and_then(Value::as_str)
        .map(str::to_owned);

    // Results, and the output they make.
    let (ok, output, results_file) = match (inline, file) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_argument(format!(
                "* {what}.batch.input_config: only one of requests or file_name can be set\n"
            )));
        }
        (Some(requests), None) if !requests.is_empty() => {
            let mut ok = vec![0];
            let mut items = Vec::with_capacity(requests.len());
            for (i, item) in requests.iter().enumerate() {
                let request = item.get("request").cloned().unwrap_or_else(|| json!({}));
                let field = format!("{what}.batch.input_config.requests.requests[{i}].request");
                let answer = run(state, model, kind, &request, &field);
                let mut out = Map::new();
                match answer {
                    Ok(r) => {
                        out.insert("response".into(), r);
                        ok.push(ok[i] + 1);
                    }
                    Err(e) => {
                        out.insert(
                            "error".into(),
                            json!({"code": grpc_code(e.code), "message": e.message}),
                        );
                        ok.push(ok[i]);
                    }
                }
                if let Some(m) = item.get("metadata") {
                    out.insert("metadata".into(), m.clone());
                }
                items.push(Value::Object(out));
            }
            let output = json!({ kind.inline_key(): { "inlinedResponses": items } });
            (ok, output, None)
        }
        (None, Some(name)) => {
            let (ok, lines) = run_file(state, now, model, kind, name, what)?;
            (ok, Value::Null, Some(lines))
        }
        _ => {
            return Err(ApiError::invalid_argument(format!(
                "* {what}.batch.input_config: the batch has no requests: set \
                 input_config.requests.requests or input_config.file_name\n"
            )));
        }
    };

    let settings = &state.config.resources;
    let running_at = now + settings.batch_pending;
    let done_at = running_at + settings.batch_running;
    let id = state
        .store
        .with::<Operation, _>(now, |t| t.new_id("batches/"));
    let name = format!("batches/{id}");
    // A batch that would not end within 48 hours expires instead (and writes no results).
    let expires_at = now + BATCH_TTL;
    let expires = done_at > expires_at;
    let output = match results_file {
        None => output,
        Some(_) if expires => Value::Null,
        Some(lines) => {
            let file = files::File {
                display_name: Some(format!("batch-{id}-results")),
                mime_type: "application/jsonl".into(),
                size: lines.len() as u64,
                sha256: files::sha256_field(
                    ring::digest::digest(&ring::digest::SHA256, &lines).as_ref(),
                ),
                state: FileState::Active,
                source: Source::Generated,
                error: None,
                data: Some(vec![lines]),
                uri_base: format!("{}/{}/", base_url(call.request), call.route.version),
                visible_from: Some(done_at),
                redirect: false,
            };
            let file_name = format!("files/batch-{id}");
            let new = NewFile {
                name: Some(file_name.clone()),
                file,
            };
            files::create(state, now, new, Duration::ZERO)?;
            json!({ "responsesFile": file_name })
        }
    };
    let plan = Arc::new(Plan {
        kind,
        name: name.clone(),
        model: format!("models/{}", model.id()),
        display_name,
        create_time: now,
        ok,
        output,
    });
    let mut steps = steps(&plan, running_at, done_at);
    if expires {
        steps.retain(|s| s.at < expires_at);
        steps.push(Step {
            at: expires_at,
            apply: Box::new(|r| {
                let time = r.update_time;
                if let Some(m) = r.value.metadata.as_mut().and_then(Value::as_object_mut) {
                    m.insert("state".into(), json!("BATCH_STATE_EXPIRED"));
                    m.insert("updateTime".into(), json!(rfc3339(time)));
                    m.insert("endTime".into(), json!(rfc3339(time)));
                }
                r.value.outcome = Some(Outcome::Error {
                    code: 4,
                    message: "The batch did not finish within 48 hours and expired.".into(),
                    details: Vec::new(),
                });
            }),
        });
    }
    let mut operation = Operation::new(Some(plan.metadata(now, "BATCH_STATE_PENDING", 0)));
    operation.on_cancel = Some(Box::new(|r: &mut Record<Operation>| {
        let time = r.update_time;
        if let Some(m) = r.value.metadata.as_mut().and_then(Value::as_object_mut) {
            m.insert("state".into(), json!("BATCH_STATE_CANCELLED"));
            m.insert("updateTime".into(), json!(rfc3339(time)));
            m.insert("endTime".into(), json!(rfc3339(time)));
        }
    }));
    state
        .store
        .with::<Operation, _>(now, |t| lro::start_steps(t, now, name, operation, steps))
        .map(Payload::Unary)
}

/// The timed steps of a batch: running, progress, success.
fn steps(plan: &Arc<Plan>, running_at: SystemTime, done_at: SystemTime) -> Vec<Step> {
    let total = plan.total();
    let mut steps = Vec::new();
    let p = Arc::clone(plan);
    steps.push(Step {
        at: running_at,
        apply: Box::new(move |r| {
            r.value.metadata = Some(p.metadata(r.update_time, "BATCH_STATE_RUNNING", 0));
        }),
    });
    let n = PROGRESS_STEPS.min(total).max(1);
    let span = done_at.duration_since(running_at).unwrap_or_default();
    for i in 1..n {
        let p = Arc::clone(plan);
        let done = total * i / n;
        let at = running_at + span.mul_f64(i as f64 / n as f64);
        steps.push(Step {
            at,
            apply: Box::new(move |r| {
                r.value.metadata = Some(p.metadata(r.update_time, "BATCH_STATE_RUNNING", done));
            }),
        });
    }
    let p = Arc::clone(plan);
    steps.push(Step {
        at: done_at,
        apply: Box::new(move |r| {
            r.value.metadata = Some(p.metadata(r.update_time, "BATCH_STATE_SUCCEEDED", total));
            r.value.outcome = Some(Outcome::Response(p.response()));
        }),
    });
    steps
}

/// Runs the requests of JSONL input file `name`: the success prefix counts and the results
/// file's bytes.
fn run_file(
    state: &State,
    now: SystemTime,
    model: &ModelSpec,
    kind: Kind,
    name: &str,
    what: &str,
) -> Result<(Vec<usize>, Bytes), ApiError> {
    let name = if name.starts_with("files/") {
        name.to_owned()
    } else {
        format!("files/{name}")
    };
    let content = files::read(state, now, &name)?;
    if content.state != FileState::Active {
        let mut e = ApiError::new(
            400,
            format!("* {what}.batch.input_config.file_name: {name} is not ACTIVE\n"),
        );
        "FAILED_PRECONDITION".clone_into(&mut e.status);
        return Err(e);
    }
    let Some(bytes) = content.bytes else {
        return Err(ApiError::invalid_argument(format!(
            "* {what}.batch.input_config.file_name: the bytes of {name} were not kept \
             (EmulatorBuilder::keep_file_bytes(false))\n"
        )));
    };
    let mut ok = vec![0];
    let mut out = BytesMut::new();
    let lines = bytes
        .split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace));
    for (i, line) in lines {
        let mut result = Map::new();
        let answer = match serde_json::from_slice::<Value>(line) {
            Err(e) => Err(ApiError::invalid_argument(format!(
                "Invalid JSON on line {} of {name}: {e}",
                i + 1
            ))),
            Ok(v) => {
                if let Some(key) = v.get("key") {
                    result.insert("key".into(), key.clone());
                }
                match v.get("request") {
                    Some(request) => run(
                        state,
                        model,
                        kind,
                        request,
                        &format!("line {}.request", i + 1),
                    ),
                    None => Err(ApiError::invalid_argument(format!(
                        "* line {}.request: request is not specified\n",
                        i + 1
                    ))),
                }
            }
        };
        let last = ok[ok.len() - 1];
        match answer {
            Ok(r) => {
                result.insert("response".into(), r);
                ok.push(last + 1);
            }
            Err(e) => {
                result.insert(
                    "error".into(),
                    json!({"code": e.code, "message": e.message, "status": e.status}),
                );
                ok.push(last);
            }
        }
        let mut w = (&mut out).writer();
        let _ = serde_json::to_writer(&mut w, &Value::Object(result));
        out.put_u8(b'\n');
    }
    if ok.len() == 1 {
        return Err(ApiError::invalid_argument(format!(
            "* {what}.batch.input_config.file_name: {name} has no requests\n"
        )));
    }
    Ok((ok, out.freeze()))
}

/// After `batches.cancel`: the results file of a batch that did not finish is dropped.
pub(crate) fn cancelled(state: &State, now: SystemTime, name: &str) {
    if let Some(id) = name.strip_prefix("batches/") {
        files::remove_hidden(state, now, &format!("files/batch-{id}"));
    }
}

/// The error for deleting batch `name` while it is pending or running.
pub(crate) fn delete_running(name: &str, r: &Record<Operation>) -> ApiError {
    let state = r
        .value
        .metadata
        .as_ref()
        .and_then(|m| m.get("state"))
        .and_then(Value::as_str)
        .unwrap_or("BATCH_STATE_RUNNING");
    let mut e = ApiError::new(
        400,
        format!(
            "Batch {name} is in state {state} and cannot be deleted: cancel it first, or wait \
             until it ends."
        ),
    );
    "FAILED_PRECONDITION".clone_into(&mut e.status);
    e
}

//! The Interactions API (`../shared/spec/API.md` section 20; snake_case on the wire), on every
//! API version: `POST /{v}/interactions` (create), `GET /{v}/interactions/{id}` (with
//! `include_input`, and `stream=true&last_event_id=...` to stream or resume), `DELETE` and
//! `POST /{v}/interactions/{id}/cancel`.
//!
//! * **Model form** (`model`, `generation_config`, `tools`, `response_format`, ...): the
//!   emulator's model answers the whole conversation, the stored turns before
//!   `previous_interaction_id` included, so answers depend on earlier turns (ask "what did I
//!   say earlier?"). Declared functions the input names are called (one `function_call` step
//!   each, in parallel) and the interaction is `requires_action` until a new interaction with
//!   `previous_interaction_id` and `function_result` steps answers them. A JSON
//!   `response_format` gives JSON that validates against its schema.
//! * **Agent form** (`agent`, `agent_config`): the deterministic deep-research agent
//!   ([`agent`]), which must run with `"background": true`.
//! * **Background** (`"background": true`): `queued`, then `in_progress`, then the final
//!   status, on the emulator's clock
//!   ([`EmulatorBuilder::interaction_timing`](crate::EmulatorBuilder::interaction_timing),
//!   [`EmulatorBuilder::agent_run_time`](crate::EmulatorBuilder::agent_run_time)); the output
//!   steps appear one by one over the running time; `cancel` stops it (`cancelled`).
//! * **Streams**: every event has an `event_id` (`evt_1`, `evt_2`, ...); a `GET` with
//!   `stream=true` sends the events after `last_event_id` (all of them without it), and follows
//!   a running interaction as the clock moves ([`stream`]).
//! * **Continuation** (off by default,
//!   [`EmulatorBuilder::interaction_continuation_after`](crate::EmulatorBuilder::interaction_continuation_after)):
//!   a long answer stops `requires_continuation` with a `continuation_token`; the same
//!   request with the token gets the next part.
//! * `"store": false`: the interaction is answered but not kept (a later `get` is a 404, and it
//!   cannot be continued); a background interaction must be stored.
//!
//! Errors use the Interactions envelope, `{"error": {"message", "code": "invalid_request"}}`
//! (`../shared/spec/real/errors/`): unknown fields (`Invalid input at 'bogus'.`), the mutually
//! exclusive pairs (`model` + `agent`, `generation_config` + `agent`, `cached_content` +
//! `agent`), and `not_found` for an unknown interaction, model or agent.

use std::time::SystemTime;

use serde_json::{Map, Value, json};

use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::model::hash::hash64;
use crate::model::tokenizer::{count_text, truncate};
use crate::resources::models::generate;
use crate::resources::{Call, Handler};
use crate::respond::Payload;
use crate::store::{Record, Resource};

mod agent;
mod convert;
mod stream;

pub use agent::DEEP_RESEARCH_AGENT;

/// The Interactions RPCs.
pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("interactions.create", create),
    ("interactions.get", get),
    ("interactions.delete", delete),
    ("interactions.cancel", cancel),
];

/// `400 invalid_request` in the Interactions envelope.
pub(super) fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::interactions(400, message)
}

/// The statuses after which nothing more happens on the server.
fn is_terminal(status: &str) -> bool {
    !matches!(status, "queued" | "in_progress")
}

/// One event of an interaction's stream and when it happens.
struct Timed {
    at: SystemTime,
    /// The status the interaction has from this event on (`None`: unchanged).
    status: Option<&'static str>,
    /// The event, `event_id` included.
    event: Value,
}

/// A stored interaction.
pub(crate) struct Interaction {
    model: Option<String>,
    agent: Option<String>,
    /// Request fields the resource echoes (`previous_interaction_id`, `agent_config`, ...).
    echo: Map<String, Value>,
    background: bool,
    /// The input, as steps.
    input: Vec<Value>,
    /// The output steps (all of them; a view shows those whose `step.stop` is due).
    output: Vec<Value>,
    usage: Option<Value>,
    /// Every event, in order of time.
    events: Vec<Timed>,
    /// The conversation up to and including this turn, as `generateContent` contents.
    history: Vec<Value>,
}

impl Resource for Interaction {
    const KIND: &'static str = "Interaction";

    /// The interaction once every event has happened.
    fn to_json(r: &Record<Self>) -> Value {
        let end = r.value.events.last().map_or(r.create_time, |e| e.at);
        r.value.view(&r.name, r.create_time, end, false)
    }

    fn not_found(name: &str) -> ApiError {
        ApiError::interactions(404, format!("Interaction '{name}' not found."))
    }
}

impl Interaction {
    /// The status at `now`.
    fn status_at(&self, now: SystemTime) -> &'static str {
        self.events
            .iter()
            .take_while(|e| e.at <= now)
            .filter_map(|e| e.status)
            .last()
            .unwrap_or("queued")
    }

    /// The resource as it stands at `now`.
    fn view(&self, id: &str, created: SystemTime, now: SystemTime, include_input: bool) -> Value {
        let mut status = "queued";
        let mut updated = created;
        let mut done = 0usize;
        let mut finished = false;
        for e in self.events.iter().take_while(|e| e.at <= now) {
            updated = e.at;
            if let Some(s) = e.status {
                status = s;
            }
            match e.event.get("event_type").and_then(Value::as_str) {
                Some("step.stop") => done += 1,
                Some("interaction.completed") => finished = true,
                _ => {}
            }
        }
        self.snapshot(id, created, updated, status, done, finished, include_input)
    }

    /// The resource with `status`, the first `done` output steps, and usage when `finished`.
    #[allow(clippy::too_many_arguments)]
    fn snapshot(
        &self,
        id: &str,
        created: SystemTime,
        updated: SystemTime,
        status: &str,
        done: usize,
        finished: bool,
        include_input: bool,
    ) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("object".into(), json!("interaction"));
        m.insert("status".into(), json!(status));
        if let Some(model) = &self.model {
            m.insert("model".into(), json!(model));
        }
        if let Some(agent) = &self.agent {
            m.insert("agent".into(), json!(agent));
        }
        m.insert("created".into(), json!(rfc3339(created)));
        m.insert("updated".into(), json!(rfc3339(updated)));
        let mut steps = if include_input {
            self.input.clone()
        } else {
            Vec::new()
        };
        steps.extend(self.output.iter().take(done).cloned());
        if !steps.is_empty() {
            m.insert("steps".into(), Value::Array(steps));
        }
        if finished {
            if let Some(u) = &self.usage {
                m.insert("usage".into(), u.clone());
            }
        }
        for (k, v) in &self.echo {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }

    /// The events from index `next` that are due at `now`, and whether they are the last.
    fn due(&self, next: usize, now: SystemTime) -> (Vec<Value>, bool) {
        let available = self.events.iter().take_while(|e| e.at <= now).count();
        let events = self
            .events
            .get(next..available)
            .unwrap_or(&[])
            .iter()
            .map(|e| e.event.clone())
            .collect();
        (events, available == self.events.len())
    }

    /// The index after event `event_id`, if this interaction has it.
    fn position_after(&self, event_id: &str) -> Option<usize> {
        self.events
            .iter()
            .position(|e| e.event.get("event_id").and_then(Value::as_str) == Some(event_id))
            .map(|i| i + 1)
    }

    /// Appends an event at `at` (its `event_id` is `evt_{n}`).
    fn push(&mut self, at: SystemTime, status: Option<&'static str>, mut event: Value) {
        if let Some(m) = event.as_object_mut() {
            m.insert(
                "event_id".into(),
                json!(format!("evt_{}", self.events.len() + 1)),
            );
        }
        self.events.push(Timed { at, status, event });
    }

    /// The final `interaction.completed` event at `at`, which sets the final status.
    fn finish(&mut self, id: &str, created: SystemTime, at: SystemTime, status: &'static str) {
        // Like the recorded streams, the final snapshot carries no steps (the stream built
        // them) but the usage and times.
        let snapshot = self.snapshot(id, created, at, status, 0, true, false);
        self.push(
            at,
            Some(status),
            json!({"event_type": "interaction.completed", "interaction": snapshot}),
        );
    }

    /// Lays out the events of a run: created at `created`, `in_progress` at `start`, the
    /// output steps spread until `end`, then the final status.
    fn plan(
        &mut self,
        id: &str,
        created: SystemTime,
        start: SystemTime,
        end: SystemTime,
        final_status: &'static str,
    ) {
        let initial = if start > created {
            "queued"
        } else {
            "in_progress"
        };
        let mut skeleton = Map::new();
        skeleton.insert("id".into(), json!(id));
        skeleton.insert("object".into(), json!("interaction"));
        skeleton.insert("status".into(), json!(initial));
        if let Some(model) = &self.model {
            skeleton.insert("model".into(), json!(model));
        }
        if let Some(agent) = &self.agent {
            skeleton.insert("agent".into(), json!(agent));
        }
        skeleton.insert("created".into(), json!(rfc3339(created)));
        self.push(
            created,
            Some(initial),
            json!({"event_type": "interaction.created", "interaction": skeleton}),
        );
        self.push(
            start,
            Some("in_progress"),
            json!({"event_type": "interaction.status_update", "interaction_id": id, "status": "in_progress"}),
        );
        let span = end.duration_since(start).unwrap_or_default();
        let n = self.output.len();
        let steps = self.output.clone();
        for (i, step) in steps.iter().enumerate() {
            let at = if n == 0 {
                end
            } else {
                start + span.mul_f64((i + 1) as f64 / n as f64)
            };
            for event in stream::step_events(i, step) {
                self.push(at, None, event);
            }
        }
        self.finish(id, created, end, final_status);
    }

    /// Cancels the run at `now`: the events after `now` never happen; the steps done stay.
    fn cancel(&mut self, id: &str, created: SystemTime, now: SystemTime) {
        self.events.retain(|e| e.at <= now);
        let done = self
            .events
            .iter()
            .filter(|e| e.event.get("event_type").and_then(Value::as_str) == Some("step.stop"))
            .count();
        self.output.truncate(done);
        self.usage = None;
        self.finish(id, created, now, "cancelled");
    }
}

/// What one turn produced.
struct Turn {
    output: Vec<Value>,
    usage: Value,
    /// The answer as the conversation keeps it (`None`: the conversation already has it).
    content: Option<Value>,
    status: &'static str,
}

/// The rest of a long answer, sent by the creates that pass its token back
/// (`continuation_token`, [`EmulatorBuilder::interaction_continuation_after`](crate::EmulatorBuilder::interaction_continuation_after)).
#[derive(Clone)]
pub(crate) struct Continuation {
    /// The text not sent yet.
    rest: String,
    /// The conversation, with the whole answer.
    history: Vec<Value>,
    prompt_tokens: u64,
}

impl Resource for Continuation {
    const KIND: &'static str = "ContinuationToken";

    fn to_json(r: &Record<Self>) -> Value {
        json!({ "continuation_token": r.name })
    }

    fn not_found(_: &str) -> ApiError {
        convert::invalid_at("continuation_token")
    }
}

impl Continuation {
    /// The next turn: the rest of the text (cut again by [`hold_back`] when it is long).
    fn turn(&self) -> Turn {
        let output = count_text(&self.rest);
        Turn {
            output: vec![
                json!({"type": "model_output", "content": [{"type": "text", "text": self.rest}]}),
            ],
            usage: json!({
                "total_input_tokens": self.prompt_tokens,
                "total_output_tokens": output,
                "total_thought_tokens": 0,
                "total_cached_tokens": 0,
                "total_tool_use_tokens": 0,
                "total_tokens": self.prompt_tokens + u64::from(output),
                "input_tokens_by_modality": [{"modality": "text", "tokens": self.prompt_tokens}],
            }),
            content: None,
            status: "completed",
        }
    }
}

/// Cuts a completed answer whose text is longer than `limit` tokens after `limit` tokens: the
/// turn becomes `requires_continuation` and the rest of the text is returned.
fn hold_back(turn: &mut Turn, limit: u32) -> Option<String> {
    if turn.status != "completed" {
        return None;
    }
    let step = turn
        .output
        .iter_mut()
        .find(|s| s["type"] == "model_output")?;
    let text = step.pointer("/content/0/text")?.as_str()?.to_owned();
    if count_text(&text) <= limit.max(1) {
        return None;
    }
    let first = truncate(&text, limit.max(1));
    let rest = text.get(first.len()..).unwrap_or("").to_owned();
    let sent = count_text(first);
    if let Some(slot) = step.pointer_mut("/content/0/text") {
        *slot = json!(first);
    }
    turn.status = "requires_continuation";
    if let Some(u) = turn.usage.as_object_mut() {
        let n = |u: &Map<String, Value>, k: &str| u.get(k).and_then(Value::as_u64).unwrap_or(0);
        let total = n(u, "total_input_tokens") + n(u, "total_thought_tokens") + u64::from(sent);
        u.insert("total_output_tokens".into(), json!(sent));
        u.insert("total_tokens".into(), json!(total));
    }
    Some(rest)
}

/// The model's answer to `contents`.
fn model_turn(
    call: &Call<'_>,
    model: &str,
    body: &Map<String, Value>,
    contents: Vec<Value>,
) -> Result<Turn, ApiError> {
    let id = model.strip_prefix("models/").unwrap_or(model);
    let spec = call
        .state
        .config
        .catalogue
        .resolve(id)
        .filter(|m| m.supports("generateContent"))
        .ok_or_else(|| ApiError::interactions(404, format!("Model '{id}' not found.")))?;
    let request = convert::generate_request(body, contents);
    let (generation, _) = generate(call.state, &spec, &request)
        .map_err(|e| ApiError::interactions(e.code, e.message))?;
    let response = generation.to_response();
    let candidate = response.pointer("/candidates/0").unwrap_or(&Value::Null);
    let content = candidate
        .get("content")
        .cloned()
        .unwrap_or_else(|| json!({"role": "model", "parts": []}));
    let seed = hash64(
        call.state.next_response_number(),
        content.to_string().as_bytes(),
    );
    let (output, content) = convert::output_steps(content, seed);
    let status = if output.iter().any(|s| s["type"] == "function_call") {
        "requires_action"
    } else if candidate.get("finishReason").and_then(Value::as_str) == Some("MAX_TOKENS") {
        "incomplete"
    } else {
        "completed"
    };
    Ok(Turn {
        output,
        usage: convert::usage(response.get("usageMetadata").unwrap_or(&Value::Null)),
        content: Some(content),
        status,
    })
}

/// The text of the user's input steps (what an agent works on).
fn input_text(steps: &[Value]) -> String {
    steps
        .iter()
        .filter(|s| s["type"] == "user_input")
        .filter_map(|s| s.get("content").and_then(Value::as_array))
        .flatten()
        .filter_map(|c| c.get("text").and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}

fn flag(body: &Map<String, Value>, key: &str) -> Option<bool> {
    body.get(key).and_then(Value::as_bool)
}

/// The stored conversation that `previous_interaction_id` continues (empty without it).
fn previous_history(call: &Call<'_>, body: &Map<String, Value>) -> Result<Vec<Value>, ApiError> {
    let now = call.now();
    match body.get("previous_interaction_id") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(previous)) => call.state.store.with::<Interaction, _>(now, |t| {
            let r = t.get(previous)?;
            let status = r.value.status_at(now);
            if is_terminal(status) {
                Ok(r.value.history.clone())
            } else {
                Err(invalid(format!(
                    "Invalid input at 'previous_interaction_id': interaction '{previous}' is \
                     still {status}."
                )))
            }
        }),
        Some(_) => Err(convert::invalid_at("previous_interaction_id")),
    }
}

/// Keeps the rest of a held-back answer; its token.
fn keep_continuation(call: &Call<'_>, continuation: Continuation) -> Result<String, ApiError> {
    let now = call.now();
    call.state.store.with::<Continuation, _>(now, |t| {
        let name = format!("ct_{}", t.new_id("ct_"));
        t.insert(now, name, continuation).map(|r| r.name.clone())
    })
}

fn create(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call
        .body_json()
        .map_err(|e| ApiError::interactions(e.code, e.message))?;
    let Some(body) = body.as_object() else {
        return Err(invalid(
            "Invalid input: the request body must be a JSON object.",
        ));
    };
    convert::check_request(body)?;
    let state = call.state;
    let now = call.now();
    let stream = flag(body, "stream") == Some(true);
    let background = flag(body, "background") == Some(true);
    let store = flag(body, "store") != Some(false);
    if background && !store {
        return Err(invalid(
            "Invalid input at 'store': a background interaction must be stored.",
        ));
    }
    let agent = body.get("agent").and_then(Value::as_str).map(str::to_owned);
    let model = body.get("model").and_then(Value::as_str).map(str::to_owned);
    if let Some(a) = &agent {
        if !agent::is_known(a) {
            return Err(ApiError::interactions(
                404,
                format!("Agent '{a}' not found."),
            ));
        }
        if !background {
            return Err(invalid(
                "Invalid input at 'background': agent interactions must run in the background \
                 (set background=true).",
            ));
        }
    }

    let mut history = previous_history(call, body)?;
    let input = convert::input_steps(body.get("input"))?;
    history.extend(convert::to_contents(&input, &history)?);

    let settings = &state.config.resources;
    let continued = match body.get("continuation_token") {
        None | Some(Value::Null) => None,
        Some(Value::String(token)) => Some(
            state
                .store
                .with::<Continuation, _>(now, |t| t.get(token).map(|r| r.value.clone()))?,
        ),
        Some(_) => return Err(convert::invalid_at("continuation_token")),
    };
    let (mut turn, run_time) = if let Some(c) = &continued {
        // The conversation already holds the whole answer; this turn sends the next part.
        history.clone_from(&c.history);
        (c.turn(), settings.interaction_running)
    } else if agent.is_some() {
        let research = agent::research(&input_text(&input));
        let turn = Turn {
            output: research.steps,
            usage: research.usage,
            content: Some(research.content),
            status: "completed",
        };
        (turn, settings.agent_running)
    } else {
        let model = model.as_deref().unwrap_or("");
        if model.is_empty() {
            return Err(convert::invalid_at("model"));
        }
        (
            model_turn(call, model, body, history.clone())?,
            settings.interaction_running,
        )
    };
    if let Some(content) = turn.content.take() {
        history.push(content);
    }
    let mut continuation_token = None;
    if let (Some(limit), None) = (settings.continuation_after, &agent) {
        if let Some(rest) = hold_back(&mut turn, limit) {
            let prompt_tokens = turn.usage["total_input_tokens"].as_u64().unwrap_or(0);
            let c = Continuation {
                rest,
                history: history.clone(),
                prompt_tokens,
            };
            continuation_token = Some(keep_continuation(call, c)?);
        }
    }

    let mut echo = Map::new();
    for key in ["previous_interaction_id", "agent_config"] {
        if let Some(v) = body.get(key).filter(|v| !v.is_null()) {
            echo.insert(key.into(), v.clone());
        }
    }
    if let Some(token) = continuation_token {
        echo.insert("continuation_token".into(), json!(token));
    }
    echo.insert(
        "service_tier".into(),
        body.get("service_tier")
            .filter(|v| v.is_string())
            .cloned()
            .unwrap_or_else(|| json!("standard")),
    );
    let mut interaction = Interaction {
        model: model.filter(|_| agent.is_none()),
        agent,
        echo,
        background,
        input,
        output: turn.output,
        usage: Some(turn.usage),
        events: Vec::new(),
        history,
    };
    let (start, end) = if background {
        let start = now + settings.interaction_queued;
        (start, start + run_time)
    } else {
        (now, now)
    };
    let id = state.store.with::<Interaction, _>(now, |t| t.new_id("v1_"));
    let id = format!("v1_{id}");
    interaction.plan(&id, now, start, end, turn.status);

    if !store {
        let view = interaction.view(&id, now, now, false);
        return Ok(if stream {
            let events = interaction.events.into_iter().map(|e| e.event).collect();
            Payload::Live(stream::live(
                std::sync::Arc::clone(state),
                stream::Source::Fixed(events),
                0,
            ))
        } else {
            Payload::Unary(view)
        });
    }
    let view = state.store.with::<Interaction, _>(now, |t| {
        t.insert(now, id.clone(), interaction)
            .map(|r| r.value.view(&id, now, now, false))
    })?;
    Ok(if stream {
        Payload::Live(stream::live(
            std::sync::Arc::clone(state),
            stream::Source::Stored(id),
            0,
        ))
    } else {
        Payload::Unary(view)
    })
}

fn get(call: &Call<'_>) -> Result<Payload, ApiError> {
    let id = call.route.id(0).to_owned();
    let now = call.now();
    let request = call.request;
    let include_input = request.query_param("include_input").as_deref() == Some("true");
    let stream = request.query_param("stream").as_deref() == Some("true");
    let last = request.query_param("last_event_id");
    if !stream {
        if last.is_some() {
            return Err(invalid(
                "Invalid input at 'last_event_id': it can only be used with stream=true.",
            ));
        }
        return call
            .state
            .store
            .with::<Interaction, _>(now, |t| {
                t.get(&id)
                    .map(|r| r.value.view(&id, r.create_time, now, include_input))
            })
            .map(Payload::Unary);
    }
    let after = call.state.store.with::<Interaction, _>(now, |t| {
        let r = t.get(&id)?;
        match &last {
            None => Ok(0),
            Some(event_id) => r.value.position_after(event_id).ok_or_else(|| {
                invalid(format!(
                    "Invalid input at 'last_event_id': '{event_id}' is not an event of \
                     interaction '{id}'."
                ))
            }),
        }
    })?;
    Ok(Payload::Live(stream::live(
        std::sync::Arc::clone(call.state),
        stream::Source::Stored(id),
        after,
    )))
}

fn delete(call: &Call<'_>) -> Result<Payload, ApiError> {
    let id = call.route.id(0);
    call.state
        .store
        .with::<Interaction, _>(call.now(), |t| t.remove(id).map(|_| ()))?;
    Ok(super::empty())
}

fn cancel(call: &Call<'_>) -> Result<Payload, ApiError> {
    let id = call.route.id(0).to_owned();
    let now = call.now();
    call.state
        .store
        .with::<Interaction, _>(now, |t| {
            let r = t.get_mut(now, &id)?;
            let created = r.create_time;
            let status = r.value.status_at(now);
            if !r.value.background {
                return Err(invalid(format!(
                    "Invalid input: interaction '{id}' did not run in the background and cannot \
                     be cancelled."
                )));
            }
            if is_terminal(status) {
                return Err(invalid(format!(
                    "Invalid input: interaction '{id}' is already {status} and cannot be \
                     cancelled."
                )));
            }
            r.value.cancel(&id, created, now);
            Ok(r.value.view(&id, created, now, false))
        })
        .map(Payload::Unary)
}

//! The event streams of interactions: `POST /{v}/interactions` with `"stream": true` and
//! `GET /{v}/interactions/{id}?stream=true[&last_event_id=...]`.
//!
//! Every event is one SSE `data:` line (CRLF framed, like every stream of the service) whose
//! JSON carries its `event_type` and `event_id`. A stream of a stored interaction follows
//! the interaction as the emulator's clock moves: the events due by the clock are sent, then
//! the writer checks the clock again every [`POLL`] until the interaction's last event
//! (`interaction.completed`) is sent, the client goes away or the interaction is deleted.
//!
//! The faults of a scripted reply ([`Reply::drop_after`](crate::Reply::drop_after),
//! [`Reply::stall_forever_after`](crate::Reply::stall_forever_after), ...) count the events
//! sent on this connection.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::Interaction;
use crate::body::{self, BodySender};
use crate::errors::ApiError;
use crate::respond::LiveStream;
use crate::script::{FOREVER, Fault, FaultKind};
use crate::sse::sse_event;
use crate::state::State;

/// How often (real time) a stream waiting for an interaction's next event reads the clock.
pub(super) const POLL: Duration = Duration::from_millis(10);

/// Where a stream's events come from.
pub(super) enum Source {
    /// These events, all due (an interaction that is not stored).
    Fixed(Vec<Value>),
    /// The stored interaction with this id, as its events fall due.
    Stored(String),
}

/// The body streaming `source`'s events after the first `after`.
pub(super) fn live(state: Arc<State>, source: Source, after: usize) -> LiveStream {
    LiveStream(Box::new(move |faults: &[Fault], interval: Duration| {
        let faults = faults.to_vec();
        let (tx, body) = body::channel(None);
        tokio::spawn(write(state, source, after, faults, interval, tx));
        body
    }))
}

/// The events of `source` from index `next` that are due, and whether they end the stream.
fn due(state: &State, source: &Source, next: usize) -> Option<(Vec<Value>, bool)> {
    match source {
        Source::Fixed(events) => Some((events.get(next..).unwrap_or(&[]).to_vec(), true)),
        Source::Stored(id) => {
            let now = state.config.clock.now();
            state
                .store
                .with::<Interaction, _>(now, |t| t.get(id).map(|r| r.value.due(next, now)))
                .ok()
        }
    }
}

async fn write(
    state: Arc<State>,
    source: Source,
    mut next: usize,
    faults: Vec<Fault>,
    interval: Duration,
    tx: BodySender,
) {
    let mut sent = 0usize;
    let polls = FOREVER.as_millis() / POLL.as_millis();
    for _ in 0..polls {
        // The interaction was deleted: the stream ends.
        let Some((events, end)) = due(&state, &source, next) else {
            return;
        };
        for event in events {
            if fault(&faults, sent, &tx).await {
                return;
            }
            if sent > 0 && !interval.is_zero() {
                tokio::time::sleep(interval).await;
            }
            if tx.send(Ok(sse_event(&event))).await.is_err() {
                return;
            }
            sent += 1;
            next += 1;
        }
        if end {
            fault(&faults, sent, &tx).await;
            return;
        }
        if tx.is_closed() {
            return;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Applies the faults due after `sent` events; `true` when the stream is over.
async fn fault(faults: &[Fault], sent: usize, tx: &BodySender) -> bool {
    for f in faults.iter().filter(|f| f.after == sent) {
        match &f.kind {
            FaultKind::Stall(Some(pause)) => tokio::time::sleep(*pause).await,
            FaultKind::Stall(None) => {
                let _ = tokio::time::timeout(FOREVER, tx.closed()).await;
                return true;
            }
            FaultKind::Drop => {
                // Let the connection flush what was sent, so the client sees it before the cut.
                tokio::time::sleep(Duration::from_millis(20)).await;
                let _ = tx
                    .send(Err(io::Error::new(
                        io::ErrorKind::ConnectionReset,
                        "connection dropped by fault injection",
                    )))
                    .await;
                return true;
            }
            FaultKind::ErrorEvent(e) => {
                let error = ApiError::interactions(e.code, e.message.clone()).to_json();
                let event = json!({"event_type": "error", "error": error["error"]});
                let _ = tx.send(Ok(sse_event(&event))).await;
                return true;
            }
        }
    }
    false
}

/// The events of one output step: `step.start` with its skeleton, the deltas that build it,
/// `step.stop` (without `event_id`s, which the timeline adds).
pub(super) fn step_events(index: usize, step: &Value) -> Vec<Value> {
    let kind = step.get("type").and_then(Value::as_str).unwrap_or("");
    let start =
        |skeleton: Value| json!({"event_type": "step.start", "index": index, "step": skeleton});
    let delta = |d: Value| json!({"event_type": "step.delta", "index": index, "delta": d});
    let mut out = Vec::new();
    match kind {
        "thought" => {
            out.push(start(json!({"type": "thought"})));
            for s in step
                .get("summary")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push(delta(json!({"type": "thought_summary", "content": s})));
            }
            if let Some(sig) = step.get("signature") {
                out.push(delta(
                    json!({"type": "thought_signature", "signature": sig}),
                ));
            }
        }
        "model_output" => {
            out.push(start(json!({"type": "model_output"})));
            for c in step
                .get("content")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                match (c.get("type").and_then(Value::as_str), c.get("text")) {
                    (Some("text"), Some(Value::String(text))) => {
                        for piece in crate::model::generator::split_text(text) {
                            out.push(delta(json!({"type": "text", "text": piece})));
                        }
                    }
                    _ => out.push(delta(c.clone())),
                }
            }
        }
        "function_call" => {
            let mut skeleton = step.clone();
            if let Some(m) = skeleton.as_object_mut() {
                m.insert("arguments".into(), json!({}));
            }
            out.push(start(skeleton));
            let args = step
                .get("arguments")
                .map_or_else(|| "{}".to_owned(), Value::to_string);
            // Two fragments, split on a character boundary.
            let mid = (0..=args.len() / 2)
                .rev()
                .find(|i| args.is_char_boundary(*i))
                .unwrap_or(0);
            for piece in [&args[..mid], &args[mid..]] {
                if !piece.is_empty() {
                    out.push(delta(
                        json!({"type": "arguments_delta", "arguments": piece}),
                    ));
                }
            }
        }
        // Tool calls and results arrive whole.
        _ => out.push(start(step.clone())),
    }
    out.push(json!({"event_type": "step.stop", "index": index}));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_stream_as_start_deltas_stop() {
        let text = "The quick brown fox jumps over the lazy dog, then runs far away again.";
        let events = step_events(
            1,
            &json!({"type": "model_output", "content": [{"type": "text", "text": text}]}),
        );
        assert_eq!(events[0]["event_type"], "step.start");
        assert_eq!(events[0]["step"], json!({"type": "model_output"}));
        let deltas: String = events[1..events.len() - 1]
            .iter()
            .map(|e| e["delta"]["text"].as_str().unwrap())
            .collect();
        assert!(events.len() > 3);
        assert_eq!(deltas, text);
        assert_eq!(events.last().unwrap()["event_type"], "step.stop");
        assert!(events.iter().all(|e| e["index"] == 1));

        let call = json!({"type": "function_call", "id": "c", "name": "f",
                          "arguments": {"city": "Zürich"}});
        let events = step_events(0, &call);
        assert_eq!(events[0]["step"]["arguments"], json!({}));
        let args: String = events[1..events.len() - 1]
            .iter()
            .map(|e| e["delta"]["arguments"].as_str().unwrap())
            .collect();
        assert_eq!(
            serde_json::from_str::<Value>(&args).unwrap(),
            call["arguments"]
        );

        let events = step_events(
            0,
            &json!({"type": "thought", "signature": "c2ln", "summary": [{"type": "text", "text": "hm"}]}),
        );
        assert_eq!(events[1]["delta"]["type"], "thought_summary");
        assert_eq!(
            events[2]["delta"],
            json!({"type": "thought_signature", "signature": "c2ln"})
        );

        let search =
            json!({"type": "google_search_call", "id": "s", "arguments": {"queries": ["q"]}});
        let events = step_events(2, &search);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0]["step"], search);
    }
}

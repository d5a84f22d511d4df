//! The long-running-operation engine shared by batches, Veo (`predictLongRunning`) and file
//! search imports.
//!
//! An operation is a [`Record<Operation>`] in the store, named by whoever starts it
//! (`batches/abc`, `models/veo-3.1-generate-preview/operations/xyz`,
//! `fileSearchStores/s/upload/operations/o`). It is started with a plan: either one deadline and
//! the outcome it finishes with ([`start`]), or a list of timed steps that update the metadata
//! and finish it ([`start_steps`]). The injected clock decides when it is done; the
//! `operations` resource ([`crate::resources::operations`]) serves `get`, `list`, `cancel`
//! and `delete` for every operation name the route table binds.
//!
//! On the wire (`../shared/spec/API.md` section 13):
//! `{"name", "metadata"?, "done": true?, "response"? | "error"?}`, with `done` left out while
//! running and `error.code` a gRPC code number.

use std::time::SystemTime;

use serde_json::{Map, Value, json};

use crate::errors::ApiError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::state::State;
use crate::store::{Record, Resource, Table, Transition};

/// How an operation ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// Succeeded with this `response` (including its `@type`).
    Response(Value),
    /// Failed with this `google.rpc.Status` (`code` is a gRPC code number).
    Error {
        code: i32,
        message: String,
        details: Vec<Value>,
    },
}

impl Outcome {
    /// The failure `google.longrunning` reports for a cancelled operation (gRPC `CANCELLED`).
    pub(crate) fn cancelled() -> Self {
        Self::Error {
            code: 1,
            message: "Operation was cancelled.".into(),
            details: Vec::new(),
        }
    }
}

/// A long-running operation.
pub(crate) struct Operation {
    /// `metadata` as served (with its `@type`), updated by the plan's steps.
    pub(crate) metadata: Option<Value>,
    /// Set when the operation is done.
    pub(crate) outcome: Option<Outcome>,
    /// Runs when the operation is cancelled while running (a batch sets its state to
    /// `BATCH_STATE_CANCELLED`), after its outcome is set.
    pub(crate) on_cancel: Option<Transition<Self>>,
}

impl Operation {
    /// A running operation with this metadata.
    pub(crate) fn new(metadata: Option<Value>) -> Self {
        Self {
            metadata,
            outcome: None,
            on_cancel: None,
        }
    }

    /// Whether the operation has finished.
    pub(crate) fn is_done(&self) -> bool {
        self.outcome.is_some()
    }
}

impl Resource for Operation {
    const KIND: &'static str = "Operation";

    fn to_json(r: &Record<Self>) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), Value::String(r.name.clone()));
        if let Some(m) = &r.value.metadata {
            out.insert("metadata".into(), m.clone());
        }
        match &r.value.outcome {
            None => {}
            Some(Outcome::Response(v)) => {
                out.insert("done".into(), Value::Bool(true));
                out.insert("response".into(), v.clone());
            }
            Some(Outcome::Error {
                code,
                message,
                details,
            }) => {
                out.insert("done".into(), Value::Bool(true));
                let mut e = Map::new();
                e.insert("code".into(), json!(code));
                e.insert("message".into(), json!(message));
                if !details.is_empty() {
                    e.insert("details".into(), Value::Array(details.clone()));
                }
                out.insert("error".into(), Value::Object(e));
            }
        }
        Value::Object(out)
    }

    fn not_found(name: &str) -> ApiError {
        ApiError::not_found(format!("Operation {name} not found."))
    }
}

/// One timed step of a plan: at `at`, `apply` updates the operation (set metadata, finish it).
pub(crate) struct Step {
    pub(crate) at: SystemTime,
    pub(crate) apply: Transition<Operation>,
}

/// Starts operation `name` that finishes with `outcome` once the clock reaches `done_at`.
/// Returns the operation as served now.
pub(crate) fn start(
    table: &mut Table<Operation>,
    now: SystemTime,
    name: String,
    operation: Operation,
    done_at: SystemTime,
    outcome: Outcome,
) -> Result<Value, ApiError> {
    start_steps(
        table,
        now,
        name,
        operation,
        vec![Step {
            at: done_at,
            apply: Box::new(move |r| r.value.outcome = Some(outcome)),
        }],
    )
}

/// Starts operation `name` driven by `steps` (applied in time order as the clock reaches
/// them; the plan should finish the operation in its last step). A step at or before `now`
/// applies at once.
pub(crate) fn start_steps(
    table: &mut Table<Operation>,
    now: SystemTime,
    name: String,
    operation: Operation,
    steps: Vec<Step>,
) -> Result<Value, ApiError> {
    let r = table.insert(now, name, operation)?;
    for step in steps {
        r.at(step.at, step.apply);
    }
    let name = r.name.clone();
    table.tick(now);
    table.get(&name).map(Operation::to_json)
}

/// Cancels operation `name`: a running one stops its plan and finishes as cancelled; a finished
/// one is left as it is. `Ok` either way, as `google.longrunning`.
pub(crate) fn cancel(
    table: &mut Table<Operation>,
    now: SystemTime,
    name: &str,
) -> Result<(), ApiError> {
    let r = table.get_mut(now, name)?;
    if r.value.is_done() {
        return Ok(());
    }
    r.clear_schedule();
    r.value.outcome = Some(Outcome::cancelled());
    if let Some(hook) = r.value.on_cancel.take() {
        hook(r);
    }
    Ok(())
}

/// Starts a long-running operation the emulator then serves through `operations.get`, `list`,
/// `cancel` and `delete` (and `batches.*` for names under `batches/`); made by
/// [`Emulator::operation`](crate::Emulator::operation).
///
/// For tests of code that polls operations. The operation is done once the emulator's
/// [`Clock`](crate::Clock) reaches its start plus [`done_after`](Self::done_after), and then
/// carries its [`response`](Self::response) or [`error`](Self::error).
///
/// ```
/// use std::time::Duration;
/// use gemini_emulator::{Emulator, ManualClock};
/// use serde_json::json;
///
/// let clock = ManualClock::new();
/// let emu = Emulator::builder().clock(clock.clone()).start();
/// let op = emu
///     .operation("models/veo-3.1-generate-preview/operations/")
///     .metadata(json!({"@type": "type.googleapis.com/example.Metadata"}))
///     .done_after(Duration::from_secs(30))
///     .response(json!({"@type": "type.googleapis.com/example.Response"}))
///     .start();
/// assert!(op["name"].as_str().unwrap().starts_with("models/veo-3.1-generate-preview/operations/"));
/// assert_eq!(op.get("done"), None);
/// clock.advance(Duration::from_secs(30));
/// // GET /v1beta/{name} now answers "done": true with the response.
/// ```
#[must_use = "the operation starts only with `start`"]
pub struct OperationBuilder {
    state: Arc<State>,
    name: String,
    metadata: Option<Value>,
    done_after: Duration,
    outcome: Outcome,
}

impl fmt::Debug for OperationBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationBuilder")
            .field("name", &self.name)
            .field("done_after", &self.done_after)
            .finish_non_exhaustive()
    }
}

impl OperationBuilder {
    pub(crate) fn new(state: Arc<State>, name: &str) -> Self {
        Self {
            state,
            name: name.to_owned(),
            metadata: None,
            done_after: Duration::ZERO,
            outcome: Outcome::Response(json!({})),
        }
    }

    /// The operation's `metadata` (default none).
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// How long after its start (by the emulator's clock) the operation is done (default: at
    /// once).
    pub fn done_after(mut self, after: Duration) -> Self {
        self.done_after = after;
        self
    }

    /// Finishes with this `response` (default `{}`).
    pub fn response(mut self, response: Value) -> Self {
        self.outcome = Outcome::Response(response);
        self
    }

    /// Finishes with this error; `code` is a gRPC code number (`3`: `INVALID_ARGUMENT`).
    pub fn error(mut self, code: i32, message: impl Into<String>) -> Self {
        self.outcome = Outcome::Error {
            code,
            message: message.into(),
            details: Vec::new(),
        };
        self
    }

    /// Starts the operation and returns it as served now. A name ending in `/` gets a new id
    /// (`models/veo/operations/` becomes `models/veo/operations/abc123def456`); an operation
    /// of the same name is replaced.
    pub fn start(self) -> Value {
        let now = self.state.config.clock.now();
        let done_at = now + self.done_after;
        let Self {
            state,
            name,
            metadata,
            outcome,
            ..
        } = self;
        state.store.with::<Operation, _>(now, |t| {
            let name = if name.ends_with('/') {
                let id = t.new_id(&name);
                format!("{name}{id}")
            } else {
                name
            };
            let _ = t.remove(&name);
            start(t, now, name, Operation::new(metadata), done_at, outcome)
                .unwrap_or_else(|e| e.to_json())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::clock::{Clock, ManualClock};
    use crate::store::Store;

    const VEO: &str = "models/veo-3.1-generate-preview/operations/";

    #[test]
    fn an_operation_finishes_when_the_clock_passes_its_deadline() {
        let clock = ManualClock::new();
        let store = Store::new(0);
        let now = clock.now();
        let started = store
            .with::<Operation, _>(now, |t| {
                let name = format!("{VEO}{}", t.new_id(VEO));
                start(
                    t,
                    now,
                    name,
                    Operation::new(Some(json!({"@type": "x.Meta"}))),
                    now + Duration::from_secs(30),
                    Outcome::Response(json!({"@type": "x.Response", "ok": true})),
                )
            })
            .unwrap();
        let name = started["name"].as_str().unwrap().to_owned();
        assert_eq!(started.get("done"), None);
        assert_eq!(started["metadata"]["@type"], "x.Meta");
        let get = |c: &ManualClock| {
            store.with::<Operation, _>(c.now(), |t| t.get(&name).map(Operation::to_json))
        };
        clock.advance(Duration::from_secs(29));
        assert_eq!(get(&clock).unwrap().get("done"), None);
        clock.advance(Duration::from_secs(1));
        let done = get(&clock).unwrap();
        assert_eq!(done["done"], true);
        assert_eq!(done["response"]["ok"], true);
        assert_eq!(done.get("error"), None);
    }

    #[test]
    fn steps_update_metadata_and_cancel_stops_the_plan() {
        let clock = ManualClock::new();
        let store = Store::new(0);
        let now = clock.now();
        store
            .with::<Operation, _>(now, |t| {
                let op = Operation::new(Some(json!({"state": "PENDING"})));
                start_steps(
                    t,
                    now,
                    "batches/b1".into(),
                    op,
                    vec![
                        Step {
                            at: now,
                            apply: Box::new(|r| {
                                r.value.metadata = Some(json!({"state": "RUNNING"}));
                            }),
                        },
                        Step {
                            at: now + Duration::from_secs(60),
                            apply: Box::new(|r| {
                                r.value.outcome = Some(Outcome::Response(json!({})));
                            }),
                        },
                    ],
                )
            })
            .map(|v| assert_eq!(v["metadata"]["state"], "RUNNING"))
            .unwrap();
        clock.advance(Duration::from_secs(10));
        let now = clock.now();
        let v = store.with::<Operation, _>(now, |t| {
            cancel(t, now, "batches/b1")?;
            // Cancelling again is fine.
            cancel(t, now, "batches/b1")?;
            t.get("batches/b1").map(Operation::to_json)
        });
        let v = v.unwrap();
        assert_eq!(v["metadata"]["state"], "RUNNING");
        assert_eq!(v["error"]["code"], 1);
        assert_eq!(v["done"], true);
        // The plan no longer runs.
        clock.advance(Duration::from_secs(100));
        let v = store
            .with::<Operation, _>(clock.now(), |t| t.get("batches/b1").map(Operation::to_json));
        assert_eq!(v.unwrap()["error"]["code"], 1);
        let missing = store.with::<Operation, _>(now, |t| cancel(t, now, "batches/nope"));
        assert_eq!(missing.unwrap_err().code, 404);
    }
}

//! Folds an Interactions event stream into the final [`Interaction`].

use std::collections::BTreeMap;

use serde_json::Value;

use super::{
    Content, ContentStep, Delta, DeltaType, Event, FunctionCallStep, Interaction, InteractionError,
    MediaContent, Step, TextContent, ThoughtStep,
};

/// How far past the last known step an event's `index` may point; indices beyond are ignored
/// (indices are sequential in practice, and a bogus one must not allocate without bound).
const MAX_INDEX_GAP: usize = 64;

/// Builds the [`Interaction`] a stream describes, event by event.
///
/// Steps are created by `step.start` and grown by `step.delta` (text appended, thought signatures
/// and summaries collected, `arguments_delta` fragments joined and parsed at `step.stop`, media
/// and annotations added); `interaction.status_update` updates status, usage and continuation
/// token; `interaction.completed` brings the final fields, keeping the accumulated steps when the
/// final snapshot carries none (streams usually omit them). Pre-2026-05 streams
/// (`content.*`) accumulate into [`Interaction::outputs`].
///
/// ```
/// use gemini_types::interactions::{Event, InteractionAccumulator};
/// let lines = [
///     r#"{"event_type":"interaction.created","interaction":{"id":"v1_a","status":"in_progress"}}"#,
///     r#"{"event_type":"step.start","index":0,"step":{"type":"model_output"}}"#,
///     r#"{"event_type":"step.delta","index":0,"delta":{"type":"text","text":"Hel"}}"#,
///     r#"{"event_type":"step.delta","index":0,"delta":{"type":"text","text":"lo"}}"#,
///     r#"{"event_type":"step.stop","index":0}"#,
///     r#"{"event_type":"interaction.completed","interaction":{"id":"v1_a","status":"completed"}}"#,
/// ];
/// let mut acc = InteractionAccumulator::new();
/// for l in lines {
///     acc.push(&serde_json::from_str::<Event>(l).unwrap());
/// }
/// assert!(acc.is_finished());
/// assert_eq!(acc.interaction().text(), "Hello");
/// ```
#[derive(Clone, Debug, Default)]
pub struct InteractionAccumulator {
    interaction: Interaction,
    arguments: BTreeMap<usize, String>,
    error: Option<InteractionError>,
    finished: bool,
}

impl InteractionAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies one event.
    pub fn push(&mut self, event: &Event) {
        match event {
            Event::InteractionCreated(e) | Event::InteractionStart(e) => {
                if let Some(snapshot) = &e.interaction {
                    self.merge_snapshot(snapshot.clone());
                }
            }
            Event::InteractionCompleted(e) | Event::InteractionComplete(e) => {
                if let Some(snapshot) = &e.interaction {
                    self.merge_snapshot(snapshot.clone());
                }
                self.finished = true;
            }
            Event::InteractionStatusUpdate(e) => {
                if e.status.is_some() {
                    self.interaction.status.clone_from(&e.status);
                }
                if e.continuation_token.is_some() {
                    self.interaction
                        .continuation_token
                        .clone_from(&e.continuation_token);
                }
                if e.usage.is_some() {
                    self.interaction.usage.clone_from(&e.usage);
                }
            }
            Event::StepStart(e) => {
                if let (Some(index), Some(step)) = (e.index, &e.step) {
                    let index = index as usize;
                    if index > self.interaction.steps.len() + MAX_INDEX_GAP {
                        return;
                    }
                    self.ensure_steps(index + 1);
                    if let Some(slot) = self.interaction.steps.get_mut(index) {
                        *slot = step.clone();
                    }
                }
            }
            Event::StepDelta(e) => {
                if let Some(index) = e.index {
                    self.apply_delta(index as usize, &e.delta);
                }
            }
            Event::StepStop(e) => {
                if let Some(index) = e.index {
                    self.finish_arguments(index as usize);
                }
                if e.usage.is_some() {
                    self.interaction.usage.clone_from(&e.usage);
                }
            }
            Event::Error(e) => {
                self.error.clone_from(&e.error);
                self.finished = true;
            }
            Event::ContentStart(e) => {
                if let (Some(index), Some(content)) = (e.index, &e.content) {
                    let index = index as usize;
                    let outputs = &mut self.interaction.outputs;
                    if index > outputs.len() + MAX_INDEX_GAP {
                        return;
                    }
                    if outputs.len() <= index {
                        outputs.resize(index + 1, Value::Object(serde_json::Map::new()));
                    }
                    if let Some(slot) = outputs.get_mut(index) {
                        *slot = content.clone();
                    }
                }
            }
            Event::ContentDelta(e) => {
                if let Some(index) = e.index {
                    self.apply_legacy_delta(index as usize, &e.delta);
                }
            }
            Event::ContentStop(_) | Event::Unknown(_) => {}
        }
    }

    /// The interaction so far.
    pub fn interaction(&self) -> &Interaction {
        &self.interaction
    }

    /// The error of an `error` event, if one arrived.
    pub fn error(&self) -> Option<&InteractionError> {
        self.error.as_ref()
    }

    /// Whether a terminal event (`interaction.completed`, legacy `interaction.complete`, or
    /// `error`) arrived.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The accumulated interaction.
    pub fn into_interaction(self) -> Interaction {
        self.interaction
    }

    fn merge_snapshot(&mut self, mut snapshot: Interaction) {
        if snapshot.steps.is_empty() {
            snapshot.steps = std::mem::take(&mut self.interaction.steps);
        }
        if snapshot.outputs.is_empty() {
            snapshot.outputs = std::mem::take(&mut self.interaction.outputs);
        }
        if snapshot.usage.is_none() {
            snapshot.usage = self.interaction.usage.take();
        }
        self.interaction = snapshot;
    }

    fn ensure_steps(&mut self, len: usize) {
        while self.interaction.steps.len() < len {
            self.interaction
                .steps
                .push(Step::ModelOutput(ContentStep::default()));
        }
    }

    fn apply_delta(&mut self, index: usize, delta: &Delta) {
        if index > self.interaction.steps.len() + MAX_INDEX_GAP {
            return;
        }
        if self.interaction.steps.len() <= index {
            // A delta without its `step.start`: create the step its kind implies.
            let step = match delta.kind {
                Some(DeltaType::ThoughtSignature | DeltaType::ThoughtSummary) => {
                    Step::Thought(ThoughtStep::default())
                }
                Some(DeltaType::ArgumentsDelta) => Step::FunctionCall(FunctionCallStep::default()),
                _ => Step::ModelOutput(ContentStep::default()),
            };
            self.ensure_steps(index);
            self.interaction.steps.push(step);
        }
        let Some(step) = self.interaction.steps.get_mut(index) else {
            return;
        };
        match (&delta.kind, step) {
            (Some(DeltaType::Text), Step::ModelOutput(s) | Step::UserInput(s)) => {
                if let Some(text) = &delta.text {
                    match s.content.last_mut() {
                        Some(Content::Text(t)) => {
                            t.text.get_or_insert_with(String::new).push_str(text);
                        }
                        _ => s.content.push(Content::text(text.clone())),
                    }
                }
            }
            (
                Some(DeltaType::TextAnnotationDelta | DeltaType::TextAnnotation),
                Step::ModelOutput(s),
            ) => {
                if !matches!(s.content.last(), Some(Content::Text(_))) {
                    s.content.push(Content::Text(TextContent::default()));
                }
                if let Some(Content::Text(t)) = s.content.last_mut() {
                    t.annotations.extend(delta.annotations.iter().cloned());
                }
            }
            (
                Some(
                    kind @ (DeltaType::Image
                    | DeltaType::Audio
                    | DeltaType::Video
                    | DeltaType::Document),
                ),
                Step::ModelOutput(s),
            ) => {
                let media = MediaContent {
                    data: delta.data.clone(),
                    uri: delta.uri.clone(),
                    mime_type: delta.mime_type.clone(),
                    ..MediaContent::default()
                };
                s.content.push(match kind {
                    DeltaType::Image => Content::Image(media),
                    DeltaType::Audio => Content::Audio(media),
                    DeltaType::Video => Content::Video(media),
                    _ => Content::Document(media),
                });
            }
            (Some(DeltaType::ThoughtSignature), Step::Thought(t)) => {
                if let Some(sig) = &delta.signature {
                    t.signature.get_or_insert_with(String::new).push_str(sig);
                }
            }
            (Some(DeltaType::ThoughtSummary), Step::Thought(t)) => {
                if let Some(text) = &delta.text {
                    match t.summary.last_mut() {
                        Some(Content::Text(s)) => {
                            s.text.get_or_insert_with(String::new).push_str(text);
                        }
                        _ => t.summary.push(Content::text(text.clone())),
                    }
                } else if let Some(c) = delta
                    .content
                    .as_ref()
                    .and_then(|c| serde_json::from_value::<Content>(c.clone()).ok())
                {
                    t.summary.push(c);
                }
            }
            (Some(DeltaType::ArgumentsDelta), Step::FunctionCall(_)) => {
                if let Some(fragment) = delta.arguments_fragment() {
                    self.arguments.entry(index).or_default().push_str(fragment);
                }
            }
            (_, Step::FunctionCall(c)) => {
                if delta.arguments.is_some() {
                    c.arguments.clone_from(&delta.arguments);
                }
                if delta.signature.is_some() {
                    c.signature.clone_from(&delta.signature);
                }
            }
            (
                _,
                Step::GoogleSearchCall(c)
                | Step::CodeExecutionCall(c)
                | Step::UrlContextCall(c)
                | Step::FileSearchCall(c)
                | Step::GoogleMapsCall(c)
                | Step::McpServerToolCall(c)
                | Step::RetrievalCall(c)
                | Step::ToolSearchCall(c)
                | Step::ProcessingCall(c),
            ) => {
                if delta.arguments.is_some() {
                    c.arguments.clone_from(&delta.arguments);
                }
                if delta.signature.is_some() {
                    c.signature.clone_from(&delta.signature);
                }
            }
            (
                _,
                Step::GoogleSearchResult(r)
                | Step::CodeExecutionResult(r)
                | Step::UrlContextResult(r)
                | Step::FileSearchResult(r)
                | Step::GoogleMapsResult(r)
                | Step::McpServerToolResult(r)
                | Step::RetrievalResult(r)
                | Step::ToolSearchResult(r)
                | Step::ProcessingResult(r),
            ) => {
                if delta.result.is_some() {
                    r.result.clone_from(&delta.result);
                }
                if delta.is_error.is_some() {
                    r.is_error = delta.is_error;
                }
            }
            (_, Step::FunctionResult(r)) => {
                if delta.result.is_some() {
                    r.result.clone_from(&delta.result);
                }
                if delta.is_error.is_some() {
                    r.is_error = delta.is_error;
                }
            }
            _ => {}
        }
    }

    fn finish_arguments(&mut self, index: usize) {
        let Some(json) = self.arguments.remove(&index) else {
            return;
        };
        if let Some(Step::FunctionCall(c)) = self.interaction.steps.get_mut(index) {
            c.arguments = Some(serde_json::from_str(&json).unwrap_or(Value::String(json)));
        }
    }

    fn apply_legacy_delta(&mut self, index: usize, delta: &Delta) {
        let outputs = &mut self.interaction.outputs;
        if index > outputs.len() + MAX_INDEX_GAP {
            return;
        }
        if outputs.len() <= index {
            outputs.resize(index + 1, Value::Object(serde_json::Map::new()));
        }
        let Some(Value::Object(item)) = outputs.get_mut(index) else {
            return;
        };
        let mut append = |key: &str, piece: &str| {
            let slot = item
                .entry(key.to_owned())
                .or_insert_with(|| Value::String(String::new()));
            if let Value::String(s) = slot {
                s.push_str(piece);
            }
        };
        if let Some(text) = &delta.text {
            append("text", text);
        }
        if let Some(sig) = &delta.signature {
            append("signature", sig);
        }
        for (key, value) in [
            (
                "data",
                delta.data.as_ref().map(|d| Value::String(d.clone())),
            ),
            (
                "mime_type",
                delta.mime_type.as_ref().map(|m| Value::String(m.clone())),
            ),
            ("arguments", delta.arguments.clone()),
            ("id", delta.id.as_ref().map(|i| Value::String(i.clone()))),
            (
                "name",
                delta.name.as_ref().map(|n| Value::String(n.clone())),
            ),
        ] {
            if let Some(v) = value {
                item.insert(key.to_owned(), v);
            }
        }
    }
}

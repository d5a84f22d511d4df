//! A Live conversation: its history, the model's turns (planned as the server messages that
//! carry them) and the resumption handles that restore it.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

use super::Close;
use super::audio;
use super::setup::{Setup, model_input_limit};
use crate::model::generator::{self, Answer, Context, split_text};
use crate::model::hash::hash64;
use crate::model::tokenizer::{self, ModalityCounts, count_text};
use crate::state::State;
use crate::store::{Record, Resource};

/// One history entry and its tokens.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) content: Value,
    pub(crate) tokens: ModalityCounts,
}

impl Entry {
    /// An entry whose tokens are counted from its parts.
    pub(crate) fn counted(content: Value) -> Self {
        let tokens = tokenizer::count_content(&content);
        Self { content, tokens }
    }
}

/// What a resumption handle restores: the conversation so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct Conversation {
    /// Shared entries: a snapshot for a handle copies pointers, not contents.
    pub(crate) history: Vec<Arc<Entry>>,
    /// Tokens of the whole history.
    pub(crate) tokens: ModalityCounts,
    /// Completed model turns (the `(turn N)` of the replies).
    pub(crate) turns: u64,
    /// Function calls the model waits for.
    pub(crate) pending_calls: Vec<String>,
    /// Function calls made so far (for their ids).
    pub(crate) calls_made: u64,
    /// A number unique to the session (seeds call ids).
    pub(crate) seed: u64,
}

impl Conversation {
    /// Appends an entry.
    pub(crate) fn push(&mut self, entry: Entry) {
        self.tokens.add(entry.tokens);
        self.history.push(Arc::new(entry));
    }

    /// Removes the last entry (an interrupted turn that produced nothing).
    pub(crate) fn pop(&mut self) {
        if let Some(e) = self.history.pop() {
            self.tokens = sub(self.tokens, e.tokens);
        }
    }

    /// Replaces the last entry.
    pub(crate) fn replace_last(&mut self, entry: Entry) {
        self.pop();
        self.push(entry);
    }

    /// Applies the context window: with compression, the oldest entries go once the history
    /// passes `triggerTokens`, until it is within `targetTokens` (the newest entry stays);
    /// without it, a history past the model's input limit ends the session.
    pub(crate) fn fit(&mut self, setup: &Setup) -> Result<(), Close> {
        let total = u64::from(self.tokens.total());
        match setup.compression {
            Some((trigger, target)) if total > trigger => {
                let mut drop = 0;
                let mut left = self.tokens;
                while drop + 1 < self.history.len() && u64::from(left.total()) > target {
                    left = sub(left, self.history[drop].tokens);
                    drop += 1;
                }
                self.history.drain(..drop);
                self.tokens = left;
                Ok(())
            }
            Some(_) => Ok(()),
            None => {
                let limit = model_input_limit(&setup.model);
                if total > u64::from(limit) {
                    return Err(Close::invalid(format!(
                        "The input token count ({total}) exceeds the maximum number of tokens \
                         allowed ({limit})."
                    )));
                }
                Ok(())
            }
        }
    }
}

fn sub(a: ModalityCounts, b: ModalityCounts) -> ModalityCounts {
    ModalityCounts {
        text: a.text.saturating_sub(b.text),
        image: a.image.saturating_sub(b.image),
        audio: a.audio.saturating_sub(b.audio),
        video: a.video.saturating_sub(b.video),
        document: a.document.saturating_sub(b.document),
    }
}

/// One queued server message of a model turn.
#[derive(Debug, Clone)]
pub(crate) enum Out {
    /// A message; `text` is the part of the reply it carries (for an interrupted turn's
    /// history).
    Msg { msg: Value, text: String },
    /// The turn's messages are all out: time for a resumption update.
    End,
}

impl Out {
    fn msg(msg: Value) -> Self {
        Self::Msg {
            msg,
            text: String::new(),
        }
    }
}

/// A planned model turn.
#[derive(Debug)]
pub(crate) struct Turn {
    pub(crate) queue: Vec<Out>,
    /// Whether the turn is function calls (the model then waits for a tool response).
    pub(crate) calls: bool,
}

/// The `generationConfig` fields the generator reads from a Live setup.
fn generation_config(setup: &Setup) -> Value {
    let mut config = setup
        .raw
        .get("generationConfig")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(obj) = config.as_object_mut() {
        for k in ["responseModalities", "speechConfig", "responseMimeType"] {
            obj.remove(k);
        }
    }
    config
}

/// The prompt the model sees for its next turn: the history, the system instruction and the
/// tools.
fn prompt_tokens(setup: &Setup, conv: &Conversation) -> ModalityCounts {
    let mut c = conv.tokens;
    if let Some(sys) = setup.raw.get("systemInstruction") {
        c.add(tokenizer::count_content(sys));
    }
    if let Some(tools) = setup.raw.get("tools") {
        c.text += count_text(&tools.to_string());
    }
    c
}

/// Plans the model's turn answering the conversation's last entry, and adds the model's
/// content to the history.
///
/// Text replies are the generator's (`You said: ...`, `Function results: ...`) followed by
/// ` (turn N)`, `N` counting the session's completed turns, so an answer shows whether the
/// conversation was restored. They stream as several `serverContent.modelTurn` messages (text
/// parts, or `audio/pcm;rate=24000` inline data with `outputTranscription` when configured),
/// then `generationComplete`, then `turnComplete` with `usageMetadata`. A prompt that asks for a
/// declared function gets a `toolCall` instead.
pub(crate) fn plan_turn(
    state: &State,
    setup: &Setup,
    conv: &mut Conversation,
) -> Result<Turn, Close> {
    let Some(last) = conv.history.last() else {
        return Err(Close::invalid(super::setup::INVALID_ARGUMENT));
    };
    let mut req = json!({
        "contents": [last.content.clone()],
        "generationConfig": generation_config(setup),
    });
    for key in ["systemInstruction", "tools"] {
        if let Some(v) = setup.raw.get(key) {
            req[key] = v.clone();
        }
    }
    let ctx = Context {
        model: &setup.model,
        signer: state.config.signer,
        grounded: None,
        response_number: state.next_response_number(),
    };
    let generation = generator::generate(&req, &ctx).map_err(|e| Close::invalid(e.message))?;
    let prompt = prompt_tokens(setup, conv);
    let (answer, output_tokens) = generation.answer();
    match answer {
        Answer::Calls(calls) => {
            let mut with_ids = Vec::new();
            let mut ids = Vec::new();
            for call in calls {
                conv.calls_made += 1;
                let id = format!(
                    "function-call-{}",
                    hash64(conv.seed, &conv.calls_made.to_le_bytes()) % 100_000_000_000_000
                );
                let mut call = call;
                call["id"] = json!(id);
                ids.push(id);
                with_ids.push(call);
            }
            let parts: Vec<Value> = with_ids
                .iter()
                .map(|c| json!({"functionCall": c}))
                .collect();
            conv.push(Entry {
                content: json!({"role": "model", "parts": parts}),
                tokens: ModalityCounts {
                    text: output_tokens,
                    ..ModalityCounts::default()
                },
            });
            conv.pending_calls = ids;
            Ok(Turn {
                queue: vec![
                    Out::msg(json!({"toolCall": {"functionCalls": with_ids}})),
                    Out::End,
                ],
                calls: true,
            })
        }
        Answer::Text(text) => {
            conv.turns += 1;
            let text = format!("{text} (turn {})", conv.turns);
            let mut queue = Vec::new();
            let mut audio_ms = 0;
            for piece in split_text(&text) {
                if setup.audio_out {
                    if setup.output_transcription {
                        queue.push(Out::msg(
                            json!({"serverContent": {"outputTranscription": {"text": piece}}}),
                        ));
                    }
                    let pcm = audio::speak(piece);
                    audio_ms += audio::duration_ms(pcm.len(), audio::OUTPUT_RATE);
                    let data = base64::engine::general_purpose::STANDARD.encode(&pcm);
                    queue.push(Out::Msg {
                        msg: json!({"serverContent": {"modelTurn": {"parts": [{"inlineData": {
                            "mimeType": format!("audio/pcm;rate={}", audio::OUTPUT_RATE),
                            "data": data,
                        }}]}}}),
                        text: piece.to_owned(),
                    });
                } else {
                    queue.push(Out::Msg {
                        msg: json!({"serverContent": {"modelTurn": {"parts": [{"text": piece}]}}}),
                        text: piece.to_owned(),
                    });
                }
            }
            let (modality, response_tokens) = if setup.audio_out {
                ("AUDIO", audio::tokens_for_ms(audio_ms))
            } else {
                ("TEXT", output_tokens.max(count_text(&text)))
            };
            let total = prompt.total() + response_tokens;
            queue.push(Out::msg(
                json!({"serverContent": {"generationComplete": true}}),
            ));
            queue.push(Out::msg(json!({
                "serverContent": {"turnComplete": true},
                "usageMetadata": {
                    "promptTokenCount": prompt.total(),
                    "responseTokenCount": response_tokens,
                    "totalTokenCount": total,
                    "promptTokensDetails": prompt.details(),
                    "responseTokensDetails": [{"modality": modality, "tokenCount": response_tokens}],
                },
            })));
            queue.push(Out::End);
            conv.push(Entry::counted(
                json!({"role": "model", "parts": [{"text": text}]}),
            ));
            Ok(Turn {
                queue,
                calls: false,
            })
        }
    }
}

/// A stored resumption handle: the conversation as it was when the handle was issued.
pub(crate) struct Handle {
    pub(crate) conversation: Conversation,
}

impl Resource for Handle {
    const KIND: &'static str = "LiveSessionHandle";

    fn to_json(r: &Record<Self>) -> Value {
        json!({"name": r.name})
    }
}

/// Stores a snapshot of `conv` under a new handle valid for `ttl` (by the emulator's clock)
/// and returns the handle.
pub(crate) fn issue_handle(state: &State, conv: &Conversation, ttl: Duration) -> String {
    let now = state.config.clock.now();
    state.store.with::<Handle, _>(now, |t| {
        let handle = format!("{}-{}", t.new_id(""), t.new_id(""));
        if let Ok(r) = t.insert(
            now,
            handle.clone(),
            Handle {
                conversation: conv.clone(),
            },
        ) {
            r.expire_time = Some(now + ttl);
        }
        handle
    })
}

/// Forgets a handle (superseded ones beyond the kept few).
pub(crate) fn drop_handle(state: &State, handle: &str) {
    let now = state.config.clock.now();
    state
        .store
        .with::<Handle, _>(now, |t| t.remove(handle).map(|_| ()))
        .ok();
}

/// The conversation a handle restores; `None` when it is unknown or has expired.
pub(crate) fn restore(state: &State, handle: &str) -> Option<Conversation> {
    let now = state.config.clock.now();
    state.store.with::<Handle, _>(now, |t| {
        t.get(handle).ok().map(|r| r.value.conversation.clone())
    })
}

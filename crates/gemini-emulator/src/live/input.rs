//! Client input on a Live connection: content turns, realtime input (text, audio with voice
//! activity detection, video frames, activity signals), tool responses and context updates,
//! and the interruption of the model by new input.

use base64::Engine as _;
use gemini_types::{
    BidiGenerateContentClientContent, BidiGenerateContentContextUpdate,
    BidiGenerateContentRealtimeInput, BidiGenerateContentToolResponse,
};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncWrite};

use super::Close;
use super::audio;
use super::connection::{Conn, End, Speech};
use super::session::{self, Entry};
use super::setup::INVALID_ARGUMENT;
use crate::model::tokenizer::{IMAGE_TOKENS, ModalityCounts};
use crate::validate::{content_extras, contents_extras, parse_strict_under};

/// The most media tokens one user turn carries.
const MEDIA_TOKENS_CAP: u32 = 1 << 24;

impl<S> Conn<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    /// New user input cuts the model off: the rest of a streaming turn is dropped (the history
    /// keeps what was sent, and the client gets `interrupted`), and function calls still
    /// waiting for a response are cancelled (`toolCallCancellation`).
    pub(super) async fn interrupt(&mut self) -> Result<(), End> {
        if !self.outbox.is_empty() {
            self.outbox.clear();
            if self.turn_calls {
                if self.turn_sent == 0 {
                    // The calls were never sent: as if they had not been made.
                    self.conv.pop();
                    self.conv.pending_calls.clear();
                }
            } else {
                let partial = std::mem::take(&mut self.turn_text);
                if partial.is_empty() {
                    self.conv.pop();
                } else {
                    self.conv.replace_last(Entry::counted(
                        json!({"role": "model", "parts": [{"text": partial}]}),
                    ));
                }
                self.conv.turns = self.conv.turns.saturating_sub(1);
                self.send_counted(&json!({"serverContent": {"interrupted": true}}))
                    .await?;
            }
            self.turn_sent = 0;
            self.turn_text.clear();
        }
        if !self.conv.pending_calls.is_empty() {
            let ids = std::mem::take(&mut self.conv.pending_calls);
            self.send_counted(&json!({"toolCallCancellation": {"ids": ids}}))
                .await?;
        }
        Ok(())
    }

    /// Adds a user entry (with the media received since the last one) and plans the reply.
    fn user_turn(&mut self, mut entry: Entry) -> Result<(), Close> {
        entry.tokens.add(std::mem::take(&mut self.media));
        self.conv.push(entry);
        self.conv.fit(&self.setup)?;
        self.answer()
    }

    fn answer(&mut self) -> Result<(), Close> {
        let turn = session::plan_turn(&self.state, &self.setup, &mut self.conv)?;
        self.conv.fit(&self.setup)?;
        self.turn_calls = turn.calls;
        self.turn_sent = 0;
        self.turn_text.clear();
        self.outbox.extend(turn.queue);
        Ok(())
    }

    pub(super) async fn client_content(&mut self, value: &Value) -> Result<(), End> {
        let (parsed, canonical) = parse_strict_under::<BidiGenerateContentClientContent>(
            value,
            "client_content",
            |c, u| contents_extras(&c.turns, "turns", u),
        )
        .map_err(|e| Close::invalid(e.message))?;
        let complete = parsed.turn_complete == Some(true);
        if parsed.turns.is_empty() && !complete {
            return Ok(());
        }
        self.interrupt().await?;
        let turns = canonical
            .get("turns")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let n = turns.len();
        for (i, turn) in turns.into_iter().enumerate() {
            let entry = Entry::counted(turn);
            if complete && i + 1 == n {
                self.user_turn(entry)?;
                return Ok(());
            }
            self.conv.push(entry);
        }
        self.conv.fit(&self.setup)?;
        if complete {
            // `turnComplete` alone: answer the history as it stands.
            if self.conv.history.is_empty() {
                return Err(Close::invalid(INVALID_ARGUMENT).into());
            }
            self.answer()?;
        }
        Ok(())
    }

    pub(super) async fn realtime_input(&mut self, value: &Value) -> Result<(), End> {
        let (parsed, canonical) = parse_strict_under::<BidiGenerateContentRealtimeInput>(
            value,
            "realtime_input",
            |_, _| {},
        )
        .map_err(|e| Close::invalid(e.message))?;
        let _ = parsed;
        let obj = canonical.as_object().cloned().unwrap_or_default();
        let mut blobs: Vec<Value> = Vec::new();
        for key in ["audio", "video"] {
            if let Some(b) = obj.get(key) {
                blobs.push(b.clone());
            }
        }
        if let Some(Value::Array(chunks)) = obj.get("mediaChunks") {
            blobs.extend(chunks.iter().cloned());
        }
        for blob in &blobs {
            self.blob(blob).await?;
        }
        if obj.contains_key("activityStart") {
            self.start_speech().await?;
        }
        if obj.contains_key("activityEnd") && self.speech.active {
            self.end_speech().await?;
        }
        if obj.get("audioStreamEnd").and_then(Value::as_bool) == Some(true)
            && self.speech.active
            && !self.setup.manual_activity
        {
            self.end_speech().await?;
        }
        if let Some(text) = obj.get("text").and_then(Value::as_str) {
            self.interrupt().await?;
            self.user_turn(Entry::counted(
                json!({"role": "user", "parts": [{"text": text}]}),
            ))?;
        }
        Ok(())
    }

    /// One audio chunk or video frame.
    async fn blob(&mut self, blob: &Value) -> Result<(), End> {
        let mime = blob.get("mimeType").and_then(Value::as_str).unwrap_or("");
        let data = blob.get("data").and_then(Value::as_str).unwrap_or("");
        if mime.starts_with("image/") || mime.starts_with("video/") {
            // Saturating, and capped: a flood of frames cannot overflow the counts.
            self.media.image = self
                .media
                .image
                .saturating_add(IMAGE_TOKENS)
                .min(MEDIA_TOKENS_CAP);
            return Ok(());
        }
        let Some(rate) = audio::pcm_rate(mime) else {
            return Err(Close::invalid(INVALID_ARGUMENT).into());
        };
        let pcm = decode_b64(data).ok_or_else(|| Close::invalid(INVALID_ARGUMENT))?;
        let ms = audio::duration_ms(pcm.len(), rate);
        if self.setup.manual_activity {
            if self.speech.active {
                self.speech.ms += ms;
            }
            return Ok(());
        }
        if audio::is_voiced(&pcm) {
            if !self.speech.active {
                self.start_speech().await?;
            }
            self.speech.ms += ms;
            self.speech.silence_ms = 0;
        } else if self.speech.active {
            self.speech.ms += ms;
            self.speech.silence_ms += ms;
            if self.speech.silence_ms >= self.setup.silence_ms {
                self.end_speech().await?;
            }
        }
        Ok(())
    }

    async fn start_speech(&mut self) -> Result<(), End> {
        if self.setup.interrupts {
            self.interrupt().await?;
        }
        self.speech = Speech {
            active: true,
            ..Speech::default()
        };
        Ok(())
    }

    /// The end of a spoken turn: the emulator "hears" its duration.
    async fn end_speech(&mut self) -> Result<(), End> {
        let speech = std::mem::take(&mut self.speech);
        // What was said, without the silence that ended it.
        let ms = speech.ms.saturating_sub(speech.silence_ms);
        let heard = format!("[{}.{:02} s of audio]", ms / 1000, (ms % 1000) / 10);
        if self.setup.input_transcription {
            self.send_counted(&json!({"serverContent": {"inputTranscription": {"text": heard}}}))
                .await?;
        }
        let mut entry = Entry::counted(json!({"role": "user", "parts": [{"text": heard}]}));
        entry.tokens = ModalityCounts {
            audio: audio::tokens_for_ms(ms),
            ..ModalityCounts::default()
        };
        self.user_turn(entry)?;
        Ok(())
    }

    pub(super) fn tool_response(&mut self, value: &Value) -> Result<(), Close> {
        let (parsed, canonical) = parse_strict_under::<BidiGenerateContentToolResponse>(
            value,
            "tool_response",
            |t, u| {
                for (i, r) in t.function_responses.iter().enumerate() {
                    for key in r.extra.keys() {
                        u.push((format!("function_responses[{i}]"), key.clone()));
                    }
                }
            },
        )
        .map_err(|e| Close::invalid(e.message))?;
        let _ = parsed;
        let responses = canonical
            .get("functionResponses")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if responses.is_empty() {
            return Err(Close::invalid(INVALID_ARGUMENT));
        }
        for r in &responses {
            let id = r.get("id").and_then(Value::as_str).unwrap_or("");
            let Some(i) = self.conv.pending_calls.iter().position(|p| p == id) else {
                return Err(Close::invalid(INVALID_ARGUMENT));
            };
            self.conv.pending_calls.remove(i);
        }
        let parts: Vec<Value> = responses
            .into_iter()
            .map(|r| json!({"functionResponse": r}))
            .collect();
        let entry = Entry::counted(json!({"role": "user", "parts": parts}));
        if self.conv.pending_calls.is_empty() {
            self.user_turn(entry)?;
        } else {
            self.conv.push(entry);
        }
        Ok(())
    }

    /// `contextUpdate`: a new system instruction and tools for the coming turns.
    pub(super) fn context_update(&mut self, value: &Value) -> Result<(), Close> {
        let (_, canonical) = parse_strict_under::<BidiGenerateContentContextUpdate>(
            value,
            "context_update",
            |u, unknown| {
                if let Some(si) = &u.system_instruction {
                    content_extras(si, "system_instruction", unknown);
                }
            },
        )
        .map_err(|e| Close::invalid(e.message))?;
        let mut raw: Map<String, Value> = self.setup.raw.as_object().cloned().unwrap_or_default();
        if let Some(si) = canonical.get("systemInstruction") {
            raw.insert("systemInstruction".into(), si.clone());
        }
        if let Some(tools) = canonical.pointer("/tools/tools") {
            raw.insert("tools".into(), tools.clone());
        }
        self.setup.raw = Value::Object(raw);
        Ok(())
    }
}

/// Base64 in either alphabet, padded or not (the real service takes all four).
fn decode_b64(s: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = s.trim_end_matches('=');
    STANDARD_NO_PAD
        .decode(trimmed)
        .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed))
        .ok()
}

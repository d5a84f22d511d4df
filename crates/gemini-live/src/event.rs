//! The typed events a session yields.

use std::time::Duration;

use bytes::Bytes;
use gemini_types::live::{
    LiveUsageMetadata, SessionResumptionUpdate, TurnCompleteReason, VoiceActivity,
    VoiceActivityDetectionSignal,
};
use gemini_types::{FunctionCall, GroundingMetadata, Part, UrlContextMetadata};
use serde_json::Value;

use crate::LiveError;

/// One thing that happened in a Live session, in the order the server sent it.
///
/// A server message can hold several: a `serverContent` with a model turn chunk, a
/// `turnComplete` and a `usageMetadata` sibling becomes [`Text`](Self::Text) (or
/// [`Audio`](Self::Audio)), [`TurnComplete`](Self::TurnComplete) and [`Usage`](Self::Usage).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LiveEvent {
    /// A text chunk of the model's turn.
    Text(String),
    /// An audio chunk of the model's turn: 16-bit little-endian mono PCM.
    Audio {
        /// The PCM bytes.
        data: Bytes,
        /// The sample rate from the MIME type (24 000 for the Live models).
        sample_rate: u32,
    },
    /// Any other part of the model's turn (a thought, inline data that is not PCM, executable
    /// code, ...), unchanged.
    ModelPart(Box<Part>),
    /// Transcription of the user's audio.
    InputTranscription {
        /// The text.
        text: String,
        /// Whether this ends the utterance's transcription.
        finished: bool,
    },
    /// Transcription of the model's audio.
    OutputTranscription {
        /// The text.
        text: String,
        /// Whether this ends the utterance's transcription.
        finished: bool,
    },
    /// The model finished generating (its audio may still be playing).
    GenerationComplete,
    /// The model's turn is complete; the next user input is expected.
    TurnComplete {
        /// Why, when the server says.
        reason: Option<TurnCompleteReason>,
    },
    /// The user barged in: stop playback and drop queued audio.
    Interrupted,
    /// The model waits for more input (newer servers).
    WaitingForInput,
    /// Grounding information of the turn.
    Grounding(Box<GroundingMetadata>),
    /// URL context information of the turn.
    UrlContext(Box<UrlContextMetadata>),
    /// Functions the client must run; answer with a tool response carrying each call's `id`.
    ToolCall(Vec<FunctionCall>),
    /// Calls cancelled by a user interruption: do not answer them.
    ToolCallCancellation(Vec<String>),
    /// The server will close this connection soon. With automatic resumption on, the session
    /// reconnects by itself; this event is informative.
    GoAway {
        /// Time left before the server closes the connection.
        time_left: Option<Duration>,
    },
    /// Token usage.
    Usage(Box<LiveUsageMetadata>),
    /// A `sessionResumptionUpdate` (the session keeps the latest usable handle itself).
    ResumptionUpdate(SessionResumptionUpdate),
    /// A voice activity detection signal (newer servers).
    VoiceActivityDetection(VoiceActivityDetectionSignal),
    /// Voice activity (newer servers).
    VoiceActivity(VoiceActivity),
    /// A message kind (or sibling key) this SDK does not know, with its raw value.
    Unknown {
        /// The top-level key.
        key: String,
        /// Its raw value.
        value: Value,
    },
    /// The connection was lost or is going away; the session is reconnecting.
    Reconnecting {
        /// The attempt about to be made (1 for the first).
        attempt: u32,
        /// Why: the close code and reason, or `goAway`.
        reason: String,
    },
    /// The session was resumed on a new connection.
    Resumed {
        /// The connection attempts it took.
        attempts: u32,
        /// Messages sent again because the server had not consumed them.
        resent: usize,
        /// Messages that could not be sent again because the replay buffer overflowed (0 in a
        /// healthy session).
        lost: usize,
    },
    /// The session ended. `Ok(())` for a clean close (by you, or the server with code 1000);
    /// otherwise why it failed. Always the last event.
    Closed(Result<(), LiveError>),
}

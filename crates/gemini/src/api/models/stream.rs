//! [`GenerateContentStream`]: the typed chunks of `streamGenerateContent`, across continuation
//! hops and function-calling rounds.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use gemini_transport::BoxFuture;
use gemini_types::{Content, GenerateContentRequest, GenerateContentResponse};
use http::Method;

use crate::rest::events::Events;
use crate::turns::{Next, Turns};
use crate::{Error, Models};

/// The answer of [`Models::generate_content_stream`] as it is generated: a
/// `futures_core::Stream` of `Result<GenerateContentResponse, Error>`, each item one chunk (a
/// delta: new parts only).
///
/// * **Errors end the stream.** An `{"error": ...}` event sent after the `200` becomes
///   [`Error::Api`]; a cut connection or a malformed event becomes [`Error::Stream`]; a JSON
///   chunk that does not decode becomes [`Error::Decode`]. After an error, the stream yields
///   `None`.
/// * **No silent success.** A stream whose body ends without any chunk is an
///   [`Error::Decode`] whose [`unexpected_response`](crate::DecodeError::unexpected_response)
///   says what came (as is a `200` that is empty or not `text/event-stream`, when opening). A
///   stream that ends after chunks, but whose last chunk with candidates left one without a
///   finish reason, was cut short: its last item is an [`Error::Stream`]
///   ([`is_body`](crate::StreamError::is_body)), after the chunks that did arrive. (A blocked
///   prompt, a chunk with `promptFeedback.blockReason` and no candidate, is a whole answer.)
/// * **Stalls are caught.** The idle timeout ([`Timeouts::idle`](crate::Timeouts), 5 minutes
///   between events by default) bounds the wait for each chunk, and the stream's total
///   timeout bounds the whole stream; when one fires, the stream yields [`Error::Timeout`]
///   and ends.
/// * **Retries** happen only before the response head (while
///   [`generate_content_stream`](Models::generate_content_stream) is opening it), never once
///   a `2xx` began.
/// * **Continuation**: when a hop ends with finish reason `CONTINUATION` and a token, the next
///   hop is requested and its chunks follow in the same stream.
/// * **Automatic function calling** (with [`Models::with_tools`]): when a round ends with
///   function calls that all have handlers, they run concurrently and the next round's chunks
///   follow. The chunks carrying the calls are yielded too.
///
/// Fold the chunks with [`accumulate`](Self::accumulate). Dropping the stream closes the
/// connection. It is `Send + Unpin` and can be stored in a struct.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use futures_util::StreamExt;
/// let client = gemini::Client::from_env()?;
/// let mut stream = client
///     .models()
///     .generate_content_stream("gemini-2.5-flash", "Write a haiku about Rust")
///     .await?;
/// while let Some(chunk) = stream.next().await {
///     print!("{}", chunk?.text().unwrap_or_default());
/// }
/// # Ok(()) }
/// ```
pub struct GenerateContentStream {
    ctx: Box<Ctx>,
    state: State,
}

struct Ctx {
    models: Models,
    path: String,
    turns: Turns,
    /// Whether the stream ended normally (the chat commits its history only then).
    finished: bool,
}

// The streaming state is the common one; the others are short-lived.
#[allow(clippy::large_enum_variant)]
enum State {
    Events(Events),
    Opening(BoxFuture<'static, Result<Events, Error>>),
    Tools(BoxFuture<'static, Content>),
    Done,
}

impl fmt::Debug for GenerateContentStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Events(_) => "streaming",
            State::Opening(_) => "opening",
            State::Tools(_) => "running functions",
            State::Done => "done",
        };
        f.debug_struct("GenerateContentStream")
            .field("path", &self.ctx.path)
            .field("state", &state)
            .field("turns", &self.ctx.turns)
            .finish_non_exhaustive()
    }
}

impl GenerateContentStream {
    /// Starts opening the first hop: the request is encoded now and sent when the returned
    /// future is first polled.
    pub(crate) fn open(
        models: Models,
        path: String,
        request: GenerateContentRequest,
        record: bool,
    ) -> OpenStream {
        // The engine is made in place in its box (it is large; each move copies all of it).
        let ctx = Box::new(Ctx {
            turns: Turns::new(request, models.policy(record)),
            models,
            path,
            finished: false,
        });
        let opening = open_hop(&ctx.models, &ctx.path, &ctx.turns);
        OpenStream {
            stream: Some(Self {
                ctx,
                state: State::Opening(opening),
            }),
            error: None,
        }
    }

    /// Reads the rest of the stream and folds its chunks into one response, as the unary
    /// call would have returned it: text parts joined, every `thoughtSignature` kept on its
    /// part, function calls whole, the last finish reason and usage.
    ///
    /// Across continuation hops the hops are merged as in the unary call (token counts
    /// summed). With automatic function calling, the result is the final round's answer.
    /// An error before any chunk of the round is returned as it is (a stream with no chunk at
    /// all is an error too); an error after some chunks, a stream cut short before its finish
    /// reason included, is an [`Error::Incomplete`] holding the answer folded so far and the
    /// cause.
    pub async fn accumulate(mut self) -> Result<GenerateContentResponse, Error> {
        self.ctx.turns.keep_chunks();
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            if let Err(e) = chunk {
                return Err(self.ctx.turns.fail(e));
            }
        }
        Ok(self.ctx.turns.answer())
    }

    /// Folds the chunks from now on ([`ChatStream`](crate::ChatStream) accumulates).
    pub(crate) fn turns_mut(&mut self) -> &mut Turns {
        &mut self.ctx.turns
    }

    /// Whether the stream reached its normal end (no error, not dropped early).
    pub(crate) fn finished(&self) -> bool {
        self.ctx.finished
    }

    /// The conversation turns recorded so far (chats).
    pub(crate) fn take_turns(&mut self) -> Vec<Content> {
        self.ctx.turns.take_turns()
    }

    /// What follows the end of a hop, or the answers to function calls.
    fn next_state(&mut self, next: Next) -> State {
        let ctx = &mut *self.ctx;
        match next {
            Next::Send => State::Opening(open_hop(&ctx.models, &ctx.path, &ctx.turns)),
            Next::CallFunctions(tools, calls) => {
                State::Tools(Box::pin(async move { tools.respond(&calls).await }))
            }
            Next::Done => {
                ctx.finished = true;
                State::Done
            }
        }
    }
}

/// Starts opening one hop (the request body is encoded now, so the future owns everything).
fn open_hop(
    models: &Models,
    path: &str,
    turns: &Turns,
) -> BoxFuture<'static, Result<Events, Error>> {
    models
        .rest
        .call(Method::POST, [path, ":streamGenerateContent"].concat())
        .json(turns.request())
        .open_events()
}

/// The future of [`Models::generate_content_stream`]: resolves to the
/// [`GenerateContentStream`] once the server has accepted the request and its first event
/// has arrived, or to the error that prevented it (after retries).
///
/// The request is sent when the future is first polled. It is `Send + Unpin`; dropping it
/// cancels the call.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct OpenStream {
    stream: Option<GenerateContentStream>,
    error: Option<Error>,
}

impl OpenStream {
    /// A future that fails with `error` (the request was not valid).
    pub(crate) fn failed(error: Error) -> Self {
        Self {
            stream: None,
            error: Some(error),
        }
    }
}

impl fmt::Debug for OpenStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenStream")
            .field("stream", &self.stream)
            .field("error", &self.error)
            .finish()
    }
}

impl Future for OpenStream {
    type Output = Result<GenerateContentStream, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(e) = this.error.take() {
            return Poll::Ready(Err(e));
        }
        let Some(stream) = this.stream.as_mut() else {
            return Poll::Ready(Err(completed()));
        };
        if let State::Opening(opening) = &mut stream.state {
            match opening.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(events)) => stream.state = State::Events(events),
                Poll::Ready(Err(e)) => {
                    this.stream = None;
                    return Poll::Ready(Err(e));
                }
            }
        }
        Poll::Ready(this.stream.take().ok_or_else(completed))
    }
}

/// The error of an [`OpenStream`] polled again after it completed.
fn completed() -> Error {
    Error::build("OpenStream polled after it completed")
}

impl Stream for GenerateContentStream {
    type Item = Result<GenerateContentResponse, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Done => return Poll::Ready(None),
                State::Events(events) => match events.poll_decoded::<GenerateContentResponse>(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Some(Ok(chunk))) => {
                        this.ctx.turns.on_chunk(&chunk);
                        return Poll::Ready(Some(Ok(chunk)));
                    }
                    Poll::Ready(Some(Err(e))) => {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(e)));
                    }
                    Poll::Ready(None) => match this.ctx.turns.end_hop() {
                        Ok(next) => this.state = this.next_state(next),
                        Err(e) => {
                            this.state = State::Done;
                            return Poll::Ready(Some(Err(e)));
                        }
                    },
                },
                State::Opening(opening) => match opening.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(events)) => this.state = State::Events(events),
                    Poll::Ready(Err(e)) => {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(e)));
                    }
                },
                State::Tools(fut) => match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(responses) => {
                        this.ctx.turns.on_function_responses(responses);
                        this.state = this.next_state(Next::Send);
                    }
                },
            }
        }
    }
}

impl FusedStream for GenerateContentStream {
    fn is_terminated(&self) -> bool {
        matches!(self.state, State::Done)
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt as _;

    use crate::Client;

    /// A bad model name fails the future at once, without a request; a finished future
    /// answers an error rather than panicking.
    #[test]
    fn an_open_stream_that_cannot_start_fails_at_once() {
        let client = Client::builder().api_key("k").build().unwrap();
        let mut open = client.models().generate_content_stream("../files/x", "hi");
        let first = (&mut open).now_or_never().expect("ready at once");
        assert!(first.unwrap_err().to_string().contains("model"));
        let again = (&mut open).now_or_never().expect("ready at once");
        assert!(
            again
                .unwrap_err()
                .to_string()
                .contains("polled after it completed")
        );
    }
}

//! [`GenerateContentStream`]: the typed chunks of `streamGenerateContent`, across continuation
//! hops and function-calling rounds.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::{FusedStream, Stream};
use gemini_transport::BoxFuture;
use gemini_types::{
    Content, FinishReason, GenerateContentRequest, GenerateContentResponse, StreamAccumulator,
};
use http::Method;

use crate::call::{self, Events};
use crate::fold::fold_hops;
use crate::{Error, Models};

/// The answer of [`Models::generate_content_stream`] as it is generated: a
/// `futures_core::Stream` of `Result<GenerateContentResponse, Error>`, each item one chunk (a
/// delta: new parts only).
///
/// * **Errors end the stream.** An `{"error": ...}` event sent after the `200` becomes
///   [`Error::Api`]; a cut connection or a malformed event becomes [`Error::Stream`]; a JSON
///   chunk that does not decode becomes [`Error::Decode`]. After an error, the stream yields
///   `None`.
/// * **Stalls are caught.** The idle timeout ([`Timeouts::idle`](crate::Timeouts), 2 minutes
///   by default) bounds the wait for each chunk; when it fires, the stream yields
///   [`Error::Timeout`] and ends.
/// * **Retries** happen only before the first chunk (while
///   [`generate_content_stream`](Models::generate_content_stream) is opening it), never after
///   data reached you.
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
    request: GenerateContentRequest,
    /// Continuation hops followed in the current round.
    hops: u32,
    /// Function-calling rounds run so far.
    rounds: u32,
    /// Bumped whenever a new hop (or round) starts, so `accumulate` can tell them apart.
    hop_serial: u64,
    round_serial: u64,
    /// The token of the current hop's last chunk, if it asked to be continued.
    pending_token: Option<Bytes>,
    /// The current round folded so far, kept when a tool round or a chat needs it (boxed and
    /// made on the first chunk: a plain stream never has one).
    round: Option<Box<StreamAccumulator>>,
    keep_round: bool,
    /// Keep the conversation turns (chats).
    record: bool,
    turns: Vec<Content>,
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
            .field("hops", &self.ctx.hops)
            .field("rounds", &self.ctx.rounds)
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
        let keep_round = record || models.tools.is_some();
        let state = match open_hop(&models, &path, &request) {
            Ok(opening) => State::Opening(opening),
            Err(e) => return OpenStream::failed(e),
        };
        OpenStream {
            stream: Some(Self {
                ctx: Box::new(Ctx {
                    models,
                    path,
                    request,
                    hops: 0,
                    rounds: 0,
                    hop_serial: 0,
                    round_serial: 0,
                    pending_token: None,
                    round: None,
                    keep_round,
                    record,
                    turns: Vec::new(),
                    finished: false,
                }),
                state,
            }),
            error: None,
        }
    }

    /// Reads the stream to its end and folds every chunk into one response, as the unary
    /// call would have returned it: text parts joined, every `thoughtSignature` kept on its
    /// part, function calls whole, the last finish reason and usage.
    ///
    /// Across continuation hops the hops are merged as in the unary call (token counts
    /// summed). With automatic function calling, the result is the final round's answer.
    /// An empty stream gives an empty response (no candidates). An error before any chunk is
    /// returned as it is; an error after some chunks is an [`Error::Incomplete`] holding the
    /// answer folded so far and the cause.
    pub async fn accumulate(mut self) -> Result<GenerateContentResponse, Error> {
        let mut acc = Accumulated::default();
        let mut chunks = 0_usize;
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            match chunk {
                Ok(chunk) => {
                    acc.push(chunk, self.serials());
                    chunks += 1;
                }
                Err(e) if chunks == 0 => return Err(e),
                Err(e) => return Err(Error::incomplete(acc.finish(), e)),
            }
        }
        Ok(acc.finish())
    }

    /// Which hop and round the last chunk belonged to.
    pub(crate) fn serials(&self) -> (u64, u64) {
        (self.ctx.hop_serial, self.ctx.round_serial)
    }

    /// Whether the stream reached its normal end (no error, not dropped early).
    pub(crate) fn finished(&self) -> bool {
        self.ctx.finished
    }

    /// The conversation turns recorded so far (chats).
    pub(crate) fn take_turns(&mut self) -> Vec<Content> {
        std::mem::take(&mut self.ctx.turns)
    }

    /// A hop's events ended: continue, run the functions, or finish.
    fn end_of_hop(&mut self) -> State {
        let ctx = &mut *self.ctx;
        let max_hops = ctx.models.continuation().max_hops();
        if let Some(token) = ctx.pending_token.take() {
            if ctx.hops < max_hops {
                ctx.hops += 1;
                ctx.hop_serial += 1;
                tracing::debug!(hop = ctx.hops, "following a continuation token");
                ctx.request.continuation_token = Some(token);
                let opening = open_hop(&ctx.models, &ctx.path, &ctx.request);
                ctx.request.continuation_token = None;
                return match opening {
                    Ok(f) => State::Opening(f),
                    Err(e) => fail_later(e),
                };
            }
        }
        let turn = ctx
            .round
            .take()
            .filter(|round| !round.is_empty())
            .and_then(|round| crate::generate::model_turn(&round.finish()));
        if let Some(tools) = &ctx.models.tools {
            if ctx.rounds < tools.max_rounds() && tools.should_answer(turn.as_ref()) {
                if let Some(turn) = turn {
                    ctx.rounds += 1;
                    tracing::debug!(round = ctx.rounds, "running function calls");
                    ctx.request.contents.push(turn.clone());
                    if ctx.record {
                        ctx.turns.push(turn.clone());
                    }
                    let tools = tools.clone();
                    return State::Tools(Box::pin(async move {
                        tools.respond(turn.function_calls()).await
                    }));
                }
            }
        }
        if ctx.record {
            ctx.turns.extend(turn);
        }
        ctx.finished = true;
        State::Done
    }

    /// The functions answered: send the next round.
    fn next_round(&mut self, answers: Content) -> State {
        let ctx = &mut *self.ctx;
        ctx.request.contents.push(answers.clone());
        if ctx.record {
            ctx.turns.push(answers);
        }
        ctx.hops = 0;
        ctx.hop_serial += 1;
        ctx.round_serial += 1;
        match open_hop(&ctx.models, &ctx.path, &ctx.request) {
            Ok(f) => State::Opening(f),
            Err(e) => fail_later(e),
        }
    }

    fn on_chunk(&mut self, chunk: &GenerateContentResponse) {
        let ctx = &mut *self.ctx;
        if let Some(c) = chunk.candidate() {
            match (&c.finish_reason, &c.continuation_token) {
                (Some(FinishReason::Continuation), Some(t)) if !t.is_empty() => {
                    ctx.pending_token = Some(t.clone());
                }
                (Some(_), _) => ctx.pending_token = None,
                (None, _) => {}
            }
        }
        if ctx.keep_round {
            ctx.round.get_or_insert_default().push(chunk.clone());
        }
    }
}

/// Folds chunks the way [`GenerateContentStream::accumulate`] documents.
#[derive(Default)]
pub(crate) struct Accumulated {
    total: Option<GenerateContentResponse>,
    hop: StreamAccumulator,
    serials: (u64, u64),
}

impl Accumulated {
    /// Adds a chunk from the hop and round `serials` (see [`GenerateContentStream::serials`]).
    pub(crate) fn push(&mut self, chunk: GenerateContentResponse, serials: (u64, u64)) {
        if serials.1 != self.serials.1 {
            // A new function-calling round: only the final round's answer is returned.
            self.total = None;
            self.hop = StreamAccumulator::new();
        } else if serials.0 != self.serials.0 {
            self.end_hop();
        }
        self.serials = serials;
        self.hop.push(chunk);
    }

    /// Merges the finished hop into the total (hops are billed separately: counts add up).
    fn end_hop(&mut self) {
        let hop = std::mem::take(&mut self.hop);
        if hop.is_empty() {
            return;
        }
        let hop = hop.finish();
        match &mut self.total {
            Some(total) => fold_hops(total, hop),
            None => self.total = Some(hop),
        }
    }

    /// The folded response (empty when there was no chunk).
    pub(crate) fn finish(mut self) -> GenerateContentResponse {
        self.end_hop();
        self.total.unwrap_or_default()
    }
}

fn fail_later(e: Error) -> State {
    State::Opening(Box::pin(async move { Err(e) }))
}

/// Starts opening one hop (the request body is encoded now, so the future owns everything).
fn open_hop(
    models: &Models,
    path: &str,
    request: &GenerateContentRequest,
) -> Result<BoxFuture<'static, Result<Events, Error>>, Error> {
    let options = models.options.as_deref();
    let body = call::encode(request, options)?;
    let spec = call::spec(
        Method::POST,
        call::method_path(path, "streamGenerateContent"),
        Some(body),
        options,
    );
    Ok(call::open_events(&models.client, spec))
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
                        this.on_chunk(&chunk);
                        return Poll::Ready(Some(Ok(chunk)));
                    }
                    Poll::Ready(Some(Err(e))) => {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(e)));
                    }
                    Poll::Ready(None) => this.state = this.end_of_hop(),
                },
                State::Opening(fut) => match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(events)) => this.state = State::Events(events),
                    Poll::Ready(Err(e)) => {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(e)));
                    }
                },
                State::Tools(fut) => match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(answers) => this.state = this.next_round(answers),
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

    /// The futures of the generation calls stay small: a caller holds (and copies) all of
    /// one. They were 3.7 KB (stream) and 4.1 KB (unary) when every layer was an `async fn`
    /// holding its own copy of the request.
    #[test]
    fn generation_futures_are_small() {
        let client = Client::builder().api_key("k").build().unwrap();
        let models = client.models();
        let stream = models.generate_content_stream("gemini-2.5-flash", "hi");
        let unary = models.generate_content("gemini-2.5-flash", "hi");
        assert!(
            size_of_val(&stream) <= 1024,
            "{} bytes",
            size_of_val(&stream)
        );
        assert!(size_of_val(&unary) <= 1024, "{} bytes", size_of_val(&unary));
    }
}

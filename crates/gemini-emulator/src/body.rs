//! Response bodies: a whole buffer, or a channel fed by a task (streams, delays, faults).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{Either, Full};
use tokio::sync::mpsc;

/// The body type of every emulator response.
pub(crate) type ResponseBody = Either<Full<Bytes>, ChannelBody>;

/// A whole body.
pub(crate) fn full(bytes: Bytes) -> ResponseBody {
    Either::Left(Full::new(bytes))
}

/// A body whose frames arrive through a channel; an `Err` item aborts the connection.
#[derive(Debug)]
pub(crate) struct ChannelBody {
    rx: mpsc::Receiver<Result<Bytes, io::Error>>,
    /// The whole length, when known up front (sent as `Content-Length`).
    len: Option<u64>,
}

/// Sends frames into a [`ChannelBody`].
pub(crate) type BodySender = mpsc::Sender<Result<Bytes, io::Error>>;

/// A connected sender and body; `len` is the body's whole length when it is known up front.
/// At most 16 frames wait in the channel, so a writer never gets far ahead of the client.
pub(crate) fn channel(len: Option<u64>) -> (BodySender, ResponseBody) {
    let (tx, rx) = mpsc::channel(16);
    (tx, Either::Right(ChannelBody { rx, len }))
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        self.rx
            .poll_recv(cx)
            .map(|item| item.map(|r| r.map(Frame::data)))
    }

    fn size_hint(&self) -> SizeHint {
        self.len
            .map_or_else(SizeHint::default, SizeHint::with_exact)
    }
}

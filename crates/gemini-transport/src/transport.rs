//! The object-safe transport boundary.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

use crate::{Error, ResponseBody};

/// A boxed, `Send` future, as returned by [`Transport::send`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A boxed error, `Send + Sync`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Sends one HTTP request and returns the response head with a streaming body.
///
/// This is the only thing a custom transport has to provide. Everything else (the API key, the
/// user agent, URL building, timeouts other than connecting, retries, error parsing and tracing)
/// lives above it in [`HttpClient`](crate::HttpClient), so every transport gets it.
///
/// Contract:
/// * `send` makes exactly one attempt; it never retries on its own.
/// * A non-2xx status is a normal `Ok` response, not an error.
/// * Errors say whether the request may have reached the server
///   ([`Error::is_request_sent`]); build them with [`Error::connect`] (nothing sent) or
///   [`Error::request`] (possibly sent), or [`Error::tls`].
/// * The request URI is absolute (`https://host/v1beta/...`).
///
/// ```
/// use gemini_transport::{BoxFuture, Error, ResponseBody, Transport};
/// use bytes::Bytes;
///
/// /// Answers every request with `{}`.
/// #[derive(Debug)]
/// struct Static;
///
/// impl Transport for Static {
///     fn send(&self, _req: http::Request<Bytes>) -> BoxFuture<'_, Result<http::Response<ResponseBody>, Error>> {
///         Box::pin(async { Ok(http::Response::new(ResponseBody::from(Bytes::from_static(b"{}")))) })
///     }
/// }
///
/// let transport: std::sync::Arc<dyn Transport> = std::sync::Arc::new(Static);
/// # let _ = transport;
/// ```
pub trait Transport: Send + Sync + std::fmt::Debug + 'static {
    /// Sends `request` once.
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, Error>>;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, Error>> {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, Error>> {
        (**self).send(request)
    }
}

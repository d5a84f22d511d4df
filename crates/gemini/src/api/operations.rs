//! Long-running operations: read, wait for, cancel and delete them, whatever started them
//! (batches, Veo video generation, file search imports, tuning).

use std::sync::Arc;

use gemini_types::{ListOperationsResponse, Operation};
use http::Method;
use serde::de::DeserializeOwned;

use crate::rest::{Rest, names, wait};
use crate::{Client, Error, OperationError, Pager, RequestOptions, WaitOptions};

/// Long-running operations: `client.operations()`.
///
/// An operation is named after what started it: `batches/{id}`,
/// `models/{model}/operations/{id}` (Veo), `fileSearchStores/{store}/operations/{id}`,
/// `tunedModels/{model}/operations/{id}`, or `operations/{id}`. Every method takes that
/// name (a bare id means `operations/{id}`).
///
/// [`wait`](Self::wait) polls until the operation is done, with backoff and a deadline
/// ([`WaitOptions`]); a failed operation is an [`Error::Operation`] carrying its status.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// let client = gemini::Client::from_env()?;
/// let op = client
///     .operations()
///     .wait("models/veo-3.0-generate-001/operations/abc", gemini::WaitOptions::new())
///     .await?;
/// println!("{:?}", op.response);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Operations {
    rest: Rest,
}

impl Operations {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            rest: Rest::new(client),
        }
    }

    /// Per-call options for the calls made through this handle.
    #[must_use]
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.rest.options = Some(Arc::new(options));
        self
    }

    /// `operations.get`: the operation's current state, with untyped metadata and response.
    pub async fn get(&self, name: impl AsRef<str>) -> Result<Operation, Error> {
        self.get_as(name).await
    }

    /// `operations.get`, with the metadata decoded as `M` and the response as `R`.
    pub async fn get_as<M, R>(&self, name: impl AsRef<str>) -> Result<Operation<M, R>, Error>
    where
        M: DeserializeOwned + Send + 'static,
        R: DeserializeOwned + Send + 'static,
    {
        let name = names::operation(name.as_ref())?;
        self.rest.call(Method::GET, name).send().await
    }

    /// `operations.list` under `parent` (for example `tunedModels/my-model`, or
    /// `fileSearchStores/my-store`): every operation, as a stream that fetches the pages as
    /// you go.
    pub fn list(&self, parent: impl AsRef<str>) -> Pager<Operation> {
        self.rest.list::<ListOperationsResponse>(
            format!("{}/operations", parent.as_ref().trim_end_matches('/')),
            Vec::new(),
        )
    }

    /// `operations.cancel`: asks the server to stop the operation (it may still finish).
    pub async fn cancel(&self, name: impl AsRef<str>) -> Result<(), Error> {
        let name = names::operation(name.as_ref())?;
        self.rest
            .call(Method::POST, format!("{name}:cancel"))
            .json(&serde_json::json!({}))
            .send_empty()
            .await
    }

    /// `operations.delete`: forgets the operation (not its result).
    pub async fn delete(&self, name: impl AsRef<str>) -> Result<(), Error> {
        let name = names::operation(name.as_ref())?;
        self.rest.call(Method::DELETE, name).send_empty().await
    }

    /// Polls the operation until it is done; see [`wait_as`](Self::wait_as).
    pub async fn wait(
        &self,
        name: impl AsRef<str>,
        options: WaitOptions,
    ) -> Result<Operation, Error> {
        self.wait_as(name, options).await
    }

    /// Polls the operation until it is done, with backoff and a deadline (`options`), and
    /// returns it decoded as `Operation<M, R>`.
    ///
    /// A done operation with an `error` is an [`Error::Operation`] holding that status; a
    /// deadline that passes first is an [`Error::Operation`] whose
    /// [`is_deadline`](OperationError::is_deadline) is true (the operation may still finish:
    /// wait on it again by name).
    pub async fn wait_as<M, R>(
        &self,
        name: impl AsRef<str>,
        options: WaitOptions,
    ) -> Result<Operation<M, R>, Error>
    where
        M: DeserializeOwned + Send + 'static,
        R: DeserializeOwned + Send + 'static,
    {
        let name = names::operation(name.as_ref())?;
        let op: Operation<M, R> = wait::poll_until(
            &self.rest.client,
            &options,
            &name,
            || self.rest.call(Method::GET, name.as_str()).send(),
            Operation::is_done,
        )
        .await?;
        match op.error {
            Some(status) => Err(Error::Operation(OperationError::failed(name, status))),
            None => Ok(op),
        }
    }
}

//! Long-running operations: read, wait for, cancel and delete them, whatever started them
//! (batches, Veo video generation, file search imports, tuning).

use gemini_types::{ListOperationsResponse, Operation};
use http::Method;
use serde::de::DeserializeOwned;

use crate::rest::{Rest, names, wait};
use crate::{Error, OperationError, Pager, WaitOptions};

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

crate::rest::resource_handle!(Operations);

impl Operations {
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::TryStreamExt as _;
    use gemini_transport::MockTransport;

    use super::*;

    use crate::rest::mock_client as client;

    const RUNNING: &str = r#"{"name": "models/veo/operations/o1", "metadata": {"progress": 10}}"#;

    /// A result type of the caller's.
    #[derive(serde::Deserialize)]
    struct Done {
        videos: u32,
    }

    /// Polls with growing intervals until done; the result decodes into the caller's types.
    #[tokio::test(start_paused = true)]
    async fn wait_polls_until_done() {
        let mock = MockTransport::new();
        mock.push_json(200, RUNNING)
            .push_json(200, RUNNING)
            .push_json(
                200,
                r#"{"name": "models/veo/operations/o1", "done": true, "response": {"videos": 1}}"#,
            );
        let start = tokio::time::Instant::now();
        let op: Operation<serde_json::Value, Done> = client(&mock)
            .operations()
            .wait_as("models/veo/operations/o1", WaitOptions::new())
            .await
            .unwrap();
        assert_eq!(op.response.unwrap().videos, 1);
        // 1 s, then 1.5 s.
        assert_eq!(start.elapsed(), Duration::from_millis(2500));
        let requests = mock.requests();
        assert_eq!(requests.len(), 3);
        assert!(
            requests
                .iter()
                .all(|r| r.uri.path() == "/v1beta/models/veo/operations/o1")
        );
    }

    /// A failed operation is an `Error::Operation` with its status; a wait past its deadline
    /// is one whose `is_deadline` is true, after a bounded number of polls.
    #[tokio::test(start_paused = true)]
    async fn failures_and_deadlines_are_typed() {
        let mock = MockTransport::new();
        mock.push_json(
            200,
            r#"{"name": "batches/b1", "done": true, "error": {"code": 3, "message": "bad input"}}"#,
        );
        let e = client(&mock)
            .operations()
            .wait("batches/b1", WaitOptions::new())
            .await
            .unwrap_err();
        let Error::Operation(op) = &e else {
            panic!("expected Error::Operation, got {e:?}");
        };
        assert_eq!(op.name(), "batches/b1");
        assert_eq!(op.status().unwrap().message.as_deref(), Some("bad input"));
        assert!(!op.is_deadline());
        assert_eq!(e.to_string(), "batches/b1 failed (code 3): bad input");

        let mock = MockTransport::new();
        for _ in 0..20 {
            mock.push_json(200, RUNNING);
        }
        let e = client(&mock)
            .operations()
            .wait(
                "models/veo/operations/o1",
                WaitOptions::new().with_timeout(Duration::from_secs(10)),
            )
            .await
            .unwrap_err();
        assert!(matches!(&e, Error::Operation(op) if op.is_deadline()));
        // 1 + 1.5 + 2.25 + 3.375 s, then the 1.875 s left.
        assert_eq!(mock.requests().len(), 6);
    }

    #[tokio::test]
    async fn get_cancel_delete_and_list_use_the_operation_paths() {
        let mock = MockTransport::new();
        mock.push_json(200, RUNNING)
            .push_json(200, "{}")
            .push_json(200, "{}")
            .push_json(
                200,
                r#"{"operations": [{"name": "tunedModels/t/operations/a"}], "nextPageToken": ""}"#,
            );
        let ops = client(&mock).operations();
        assert_eq!(
            ops.get("models/veo/operations/o1").await.unwrap().name(),
            "models/veo/operations/o1"
        );
        ops.cancel("batches/b1").await.unwrap();
        ops.delete("o2").await.unwrap();
        let listed: Vec<Operation> = ops.list("tunedModels/t").try_collect().await.unwrap();
        assert_eq!(listed.len(), 1);
        let seen: Vec<String> = mock
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.uri.path()))
            .collect();
        assert_eq!(
            seen,
            [
                "GET /v1beta/models/veo/operations/o1",
                "POST /v1beta/batches/b1:cancel",
                "DELETE /v1beta/operations/o2",
                "GET /v1beta/tunedModels/t/operations",
            ]
        );
        assert!(ops.get("files/x").await.is_err());
    }
}

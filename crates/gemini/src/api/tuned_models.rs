//! The `tunedModels` resource (read-only): the tuned models of the project. Generation with a
//! tuned model goes through [`Models`](crate::Models) with its `tunedModels/{id}` name.

use gemini_types::{ListTunedModelsResponse, TunedModel};
use http::Method;

use crate::rest::{Rest, names};
use crate::{Error, Pager};

/// The `tunedModels` resource: `client.tuned_models()`.
///
/// Gemini API tuning is largely retired; existing tuned models can still be listed, read and
/// used for generation (`client.models().generate_content("tunedModels/my-model", ...)`).
/// Creating tuned models is retired on the Gemini API, so this handle has no `create` (tuning
/// lives on Vertex AI).
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use futures_util::TryStreamExt;
/// let client = gemini::Client::from_env()?;
/// let tuned: Vec<gemini::types::TunedModel> = client.tuned_models().list().try_collect().await?;
/// for model in &tuned {
///     println!("{}", model.name.as_deref().unwrap_or_default());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct TunedModels {
    rest: Rest,
}

crate::rest::resource_handle!(TunedModels);

impl TunedModels {
    /// `tunedModels.get`: one tuned model, by `tunedModels/{id}` or its id.
    pub async fn get(&self, name: impl AsRef<str>) -> Result<TunedModel, Error> {
        let name = names::resource("tunedModels", name.as_ref())?;
        self.rest.call(Method::GET, name).send().await
    }

    /// `tunedModels.list`: every tuned model, as a stream that fetches the pages as you go.
    pub fn list(&self) -> Pager<TunedModel> {
        self.rest
            .list::<ListTunedModelsResponse>("tunedModels", Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt as _;
    use gemini_transport::MockTransport;

    use super::*;

    #[tokio::test]
    async fn get_and_list_walk_the_pages() {
        let mock = MockTransport::new();
        mock.push_json(200, r#"{"name": "tunedModels/a", "state": "ACTIVE"}"#)
            .push_json(
                200,
                r#"{"tunedModels": [{"name": "tunedModels/a"}], "nextPageToken": "p2"}"#,
            )
            .push_json(200, r#"{"tunedModels": [{"name": "tunedModels/b"}]}"#);
        let tuned = crate::rest::mock_client(&mock).tuned_models();
        assert_eq!(
            tuned.get("a").await.unwrap().name.as_deref(),
            Some("tunedModels/a")
        );
        let all: Vec<TunedModel> = tuned.list().try_collect().await.unwrap();
        assert_eq!(all.len(), 2);
        let uris: Vec<String> = mock.requests().iter().map(|r| r.uri.to_string()).collect();
        assert_eq!(
            uris,
            [
                "https://generativelanguage.googleapis.com/v1beta/tunedModels/a",
                "https://generativelanguage.googleapis.com/v1beta/tunedModels",
                "https://generativelanguage.googleapis.com/v1beta/tunedModels?pageToken=p2",
            ]
        );
        let e = tuned.get("models/x").await.unwrap_err();
        assert!(matches!(e, Error::Build(_)), "{e}");
    }
}

//! The `models` resource: generation (unary in `generate.rs`, streamed in `stream.rs`, both
//! driving the turn engine), token counting, embeddings, and the model catalogue.

mod generate;
mod stream;

use std::future::Future;
use std::sync::Arc;

use gemini_types::{
    BatchEmbedContentsRequest, BatchEmbedContentsResponse, CountTokensRequest, CountTokensResponse,
    EmbedContentRequest, EmbedContentResponse, GenerateContentRequest, GenerateContentResponse,
    ListModelsResponse, Model,
};
use http::Method;

pub use self::stream::{GenerateContentStream, OpenStream};
use crate::rest::Rest;
use crate::rest::names::resolve;
use crate::turns::{Policy, Turns};
use crate::{Client, Continuation, Error, Pager, RequestOptions, Tools};

/// The `models` resource: `client.models()`.
///
/// Methods are named after the REST RPCs (`models.generateContent` is
/// [`generate_content`](Self::generate_content), ...). Every method takes the model as
/// `"gemini-2.5-flash"`, `"models/gemini-2.5-flash"` or a [`ModelName`](crate::ModelName), and
/// the request as its `gemini-types` struct or anything that converts into it (a `&str` is one
/// user turn).
///
/// The handle is cheap; configure a call by chaining [`with_options`](Self::with_options)
/// (timeout, retries, headers, `extra_body`, continuation) and [`with_tools`](Self::with_tools)
/// (function calling) before the method.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use futures_util::StreamExt;
/// let client = gemini::Client::from_env()?;
///
/// // One expression for one answer.
/// let text = client.models().generate_content("gemini-2.5-flash", "Hi!").await?.text();
///
/// // A stream of chunks as they are generated.
/// let mut stream = client.models().generate_content_stream("gemini-2.5-flash", "Tell a story").await?;
/// while let Some(chunk) = stream.next().await {
///     print!("{}", chunk?.text().unwrap_or_default());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Models {
    pub(crate) rest: Rest,
    pub(crate) tools: Option<Tools>,
}

impl Models {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            rest: Rest::new(client),
            tools: None,
        }
    }

    /// Per-call options for the calls made through this handle.
    #[must_use]
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.rest.options = Some(Arc::new(options));
        self
    }

    /// Functions the model may call, run by automatic function calling (see [`Tools`]).
    #[must_use]
    pub fn with_tools(mut self, tools: Tools) -> Self {
        self.tools = Some(tools);
        self
    }

    pub(crate) fn continuation(&self) -> Continuation {
        self.rest
            .options()
            .and_then(|o| o.continuation)
            .unwrap_or(self.rest.client.inner.continuation)
    }

    /// The turn engine's policy for a call through this handle.
    pub(crate) fn policy(&self, record: bool) -> Policy {
        Policy {
            max_hops: self.continuation().max_hops(),
            tools: self.tools.clone(),
            record,
        }
    }

    /// `models.generateContent`: one complete answer.
    ///
    /// A response ending with finish reason `CONTINUATION` is continued automatically and
    /// merged (see [`Continuation`]); with [`with_tools`](Self::with_tools), function calls
    /// are answered automatically and the final response is returned.
    pub fn generate_content(
        &self,
        model: impl AsRef<str>,
        request: impl Into<GenerateContentRequest>,
    ) -> impl Future<Output = Result<GenerateContentResponse, Error>> + Send {
        let path = resolve(model.as_ref()).map(std::borrow::Cow::into_owned);
        let request = request.into();
        async move {
            let path = path?;
            crate::api::file_search_stores::check_file_search(&request.tools)?;
            let mut turns = Turns::new(request, self.policy(false));
            self.drive(&path, &mut turns).await?;
            Ok(turns.answer())
        }
    }

    /// `models.streamGenerateContent` (SSE): the answer as a stream of chunks.
    ///
    /// The future resolves once the server accepted the request (errors before the stream
    /// starts, after retries, are returned here). See [`GenerateContentStream`] for what the
    /// stream does with errors, stalls, continuation and function calls.
    pub fn generate_content_stream(
        &self,
        model: impl AsRef<str>,
        request: impl Into<GenerateContentRequest>,
    ) -> OpenStream {
        let request = request.into();
        let checked = resolve(model.as_ref()).and_then(|path| {
            crate::api::file_search_stores::check_file_search(&request.tools).map(|()| path)
        });
        match checked {
            Ok(path) => {
                GenerateContentStream::open(self.clone(), path.into_owned(), request, false)
            }
            Err(e) => OpenStream::failed(e),
        }
    }

    /// Structured output: asks for `application/json` following the JSON schema of `T`
    /// (derived with schemars and sent as `responseJsonSchema`) and decodes the answer into `T`.
    ///
    /// Never a silent `None`: when the text is missing or does not decode, the error is an
    /// [`Error::Decode`] whose [`raw_text`](crate::DecodeError::raw_text) is the model's text
    /// and whose [`json_error`](crate::DecodeError::json_error) is the serde error.
    ///
    /// ```no_run
    /// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Recipe { name: String, ingredients: Vec<String> }
    ///
    /// let client = gemini::Client::from_env()?;
    /// let recipe: Recipe = client
    ///     .models()
    ///     .generate_json("gemini-2.5-flash", "A cookie recipe")
    ///     .await?;
    /// println!("{}: {}", recipe.name, recipe.ingredients.join(", "));
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "schemars")]
    #[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
    pub async fn generate_json<T>(
        &self,
        model: impl AsRef<str>,
        request: impl Into<GenerateContentRequest>,
    ) -> Result<T, Error>
    where
        T: serde::de::DeserializeOwned + schemars::JsonSchema,
    {
        self.generate_json_with_schema(model, request, crate::schema_for::<T>())
            .await
    }

    /// [`generate_json`](Self::generate_json) with a JSON schema you wrote yourself.
    pub async fn generate_json_with_schema<T>(
        &self,
        model: impl AsRef<str>,
        request: impl Into<GenerateContentRequest>,
        schema: serde_json::Value,
    ) -> Result<T, Error>
    where
        T: serde::de::DeserializeOwned,
    {
        let mut request = request.into();
        crate::structured::request_json(&mut request, schema);
        let response = self.generate_content(model, request).await?;
        response.parsed::<T>().map_err(Error::structured)
    }

    /// `models.countTokens`.
    pub async fn count_tokens(
        &self,
        model: impl AsRef<str>,
        request: impl Into<CountTokensRequest>,
    ) -> Result<CountTokensResponse, Error> {
        let path = resolve(model.as_ref())?;
        let mut request = Box::new(request.into());
        // The wrapped form needs the full model name inside (../shared/spec/API.md §7).
        if let Some(inner) = request.generate_content_request.as_mut() {
            if inner.model.is_none() {
                inner.model = Some(path.clone().into_owned());
            }
        }
        self.rest
            .call(Method::POST, format!("{path}:countTokens"))
            .json(&request)
            .send()
            .await
    }

    /// `models.embedContent`.
    pub async fn embed_content(
        &self,
        model: impl AsRef<str>,
        request: impl Into<EmbedContentRequest>,
    ) -> Result<EmbedContentResponse, Error> {
        let path = resolve(model.as_ref())?;
        self.rest
            .call(Method::POST, format!("{path}:embedContent"))
            .json(&request.into())
            .send()
            .await
    }

    /// `models.batchEmbedContents`: embeddings of several inputs in one call, in order. Each
    /// request gets the model when it has none (the API requires it in every item).
    pub async fn batch_embed_contents(
        &self,
        model: impl AsRef<str>,
        requests: impl IntoIterator<Item = EmbedContentRequest>,
    ) -> Result<BatchEmbedContentsResponse, Error> {
        let path = resolve(model.as_ref())?;
        let requests = requests.into_iter().map(|mut r| {
            if r.model.is_none() {
                r.model = Some(path.clone().into_owned());
            }
            r
        });
        let mut body = BatchEmbedContentsRequest::default();
        body.requests = requests.collect();
        self.rest
            .call(Method::POST, format!("{path}:batchEmbedContents"))
            .json(&body)
            .send()
            .await
    }

    /// `models.get`: one model's metadata.
    pub async fn get(&self, model: impl AsRef<str>) -> Result<Model, Error> {
        let path = resolve(model.as_ref())?;
        self.rest.call(Method::GET, path).send().await
    }

    /// `models.list`: every model, as a stream that fetches the pages as you go.
    ///
    /// ```no_run
    /// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
    /// use futures_util::TryStreamExt;
    /// let client = gemini::Client::from_env()?;
    /// let models: Vec<gemini::types::Model> = client.models().list().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> Pager<Model> {
        self.rest.list::<ListModelsResponse>("models", Vec::new())
    }

    /// `models.list`, one page: at most `page_size` models (the server's default when `None`)
    /// starting at `page_token` (the first page when `None`).
    pub async fn list_page(
        &self,
        page_size: Option<u32>,
        page_token: Option<&str>,
    ) -> Result<ListModelsResponse, Error> {
        self.rest.page("models", &[], page_size, page_token).await
    }
}

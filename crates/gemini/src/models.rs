//! The `models` resource.

use std::future::Future;
use std::sync::Arc;

use gemini_types::{
    BatchEmbedContentsRequest, BatchEmbedContentsResponse, CountTokensRequest, CountTokensResponse,
    EmbedContentRequest, EmbedContentResponse, GenerateContentRequest, GenerateContentResponse,
    ListModelsResponse, Model,
};
use http::Method;

use crate::model_name::resolve;
use crate::{
    Client, Continuation, Error, GenerateContentStream, OpenStream, Pager, RequestOptions, Tools,
    call,
};

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
    pub(crate) client: Client,
    pub(crate) options: Option<Arc<RequestOptions>>,
    pub(crate) tools: Option<Tools>,
}

impl Models {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            options: None,
            tools: None,
        }
    }

    /// Per-call options for the calls made through this handle.
    #[must_use]
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = Some(Arc::new(options));
        self
    }

    /// Functions the model may call, run by automatic function calling (see [`Tools`]).
    #[must_use]
    pub fn with_tools(mut self, tools: Tools) -> Self {
        self.tools = Some(tools);
        self
    }

    pub(crate) fn continuation(&self) -> Continuation {
        self.options
            .as_ref()
            .and_then(|o| o.continuation)
            .unwrap_or(self.client.inner.continuation)
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
        // The arguments are converted now, so the future holds the request once (an `async fn`
        // would hold the argument and a moved copy of it).
        let (path, mut request, error) = match resolve(model.as_ref()) {
            Ok(path) => (path.into_owned(), request.into(), None),
            Err(e) => (String::new(), GenerateContentRequest::default(), Some(e)),
        };
        async move {
            if let Some(e) = error {
                return Err(e);
            }
            self.run(&path, &mut request, None).await
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
        let path = match resolve(model.as_ref()) {
            Ok(path) => path.into_owned(),
            Err(e) => return OpenStream::failed(e),
        };
        let mut request = request.into();
        if let Some(tools) = &self.tools {
            tools.declare(&mut request);
        }
        GenerateContentStream::open(self.clone(), path, request, false)
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
        Box::pin(self.post(call::method_path(&path, "countTokens"), &request)).await
    }

    /// `models.embedContent`.
    pub async fn embed_content(
        &self,
        model: impl AsRef<str>,
        request: impl Into<EmbedContentRequest>,
    ) -> Result<EmbedContentResponse, Error> {
        let path = resolve(model.as_ref())?;
        self.post(call::method_path(&path, "embedContent"), &request.into())
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
        self.post(call::method_path(&path, "batchEmbedContents"), &body)
            .await
    }

    /// `models.get`: one model's metadata.
    pub async fn get(&self, model: impl AsRef<str>) -> Result<Model, Error> {
        let path = resolve(model.as_ref())?;
        let options = self.options.as_deref();
        let spec = call::spec(Method::GET, path.into_owned(), None, options);
        call::unary(&self.client, spec).await
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
        let this = self.clone();
        Pager::new(move |size, token| {
            let this = this.clone();
            Box::pin(async move {
                let page = this.list_page(size, token.as_deref()).await?;
                let next = page.next_page_token().map(str::to_owned);
                Ok((page.models, next))
            })
        })
    }

    /// `models.list`, one page: at most `page_size` models (the server's default when `None`)
    /// starting at `page_token` (the first page when `None`).
    pub async fn list_page(
        &self,
        page_size: Option<u32>,
        page_token: Option<&str>,
    ) -> Result<ListModelsResponse, Error> {
        let options = self.options.as_deref();
        let mut spec = call::spec(Method::GET, "models".to_owned(), None, options);
        if let Some(size) = page_size {
            spec = spec.query("pageSize", &size.to_string());
        }
        if let Some(token) = page_token.filter(|t| !t.is_empty()) {
            spec = spec.query("pageToken", token);
        }
        call::unary(&self.client, spec).await
    }

    async fn post<B, T>(&self, path: String, body: &B) -> Result<T, Error>
    where
        B: serde::Serialize + ?Sized,
        T: serde::de::DeserializeOwned,
    {
        let options = self.options.as_deref();
        let body = call::encode(body, options)?;
        call::unary(
            &self.client,
            call::spec(Method::POST, path, Some(body), options),
        )
        .await
    }
}

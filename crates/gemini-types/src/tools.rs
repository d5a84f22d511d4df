//! Tools the model may use (function declarations, Google Search, code execution, URL context,
//! file search, Google Maps, computer use, MCP servers) and ToolConfig
//! (../shared/spec/API.md §4.1-4.2).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Timestamp;
use crate::schema::Schema;
use crate::wire;

/// A tool the model may use (`tools[]`). One kind per `Tool` is safest.
///
/// ```
/// use gemini_types::{FunctionDeclaration, Schema, Tool};
/// let tools = [
///     Tool::functions([FunctionDeclaration::new("get_weather", "Current weather")
///         .with_parameters(Schema::object([("city", Schema::string())]))]),
///     Tool::google_search(),
///     Tool::code_execution(),
/// ];
/// let json = serde_json::to_value(&tools).unwrap();
/// assert_eq!(json[1], serde_json::json!({"googleSearch": {}}));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Tool {
    /// `functionDeclarations`: client-side functions.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "function_declarations"
    )]
    pub function_declarations: Vec<FunctionDeclaration>,
    /// `googleSearchRetrieval`: legacy (Gemini 1.5) search grounding.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "google_search_retrieval"
    )]
    pub google_search_retrieval: Option<GoogleSearchRetrieval>,
    /// `codeExecution`: let the model run Python.
    #[serde(skip_serializing_if = "Option::is_none", alias = "code_execution")]
    pub code_execution: Option<CodeExecution>,
    /// `googleSearch`: Google Search grounding.
    #[serde(skip_serializing_if = "Option::is_none", alias = "google_search")]
    pub google_search: Option<GoogleSearch>,
    /// `computerUse`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "computer_use")]
    pub computer_use: Option<ComputerUse>,
    /// `urlContext`: let the model fetch URLs in the prompt.
    #[serde(skip_serializing_if = "Option::is_none", alias = "url_context")]
    pub url_context: Option<UrlContext>,
    /// `fileSearch`: retrieval from file search stores.
    #[serde(skip_serializing_if = "Option::is_none", alias = "file_search")]
    pub file_search: Option<FileSearch>,
    /// `googleMaps`: Google Maps grounding.
    #[serde(skip_serializing_if = "Option::is_none", alias = "google_maps")]
    pub google_maps: Option<GoogleMaps>,
    /// `mcpServers`: remote MCP servers the service calls.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "mcp_servers"
    )]
    pub mcp_servers: Vec<McpServer>,
    /// `retrieval` (Vertex AI only; passed through as JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrieval: Option<Value>,
    /// `enterpriseWebSearch` (Vertex AI only; passed through as JSON).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "enterprise_web_search"
    )]
    pub enterprise_web_search: Option<Value>,
    /// `parallelAiSearch` (Vertex AI only; passed through as JSON).
    #[serde(skip_serializing_if = "Option::is_none", alias = "parallel_ai_search")]
    pub parallel_ai_search: Option<Value>,
    /// `exaAiSearch` (Vertex AI only; passed through as JSON).
    #[serde(skip_serializing_if = "Option::is_none", alias = "exa_ai_search")]
    pub exa_ai_search: Option<Value>,
}

impl Tool {
    /// A tool declaring client-side functions.
    pub fn functions(declarations: impl IntoIterator<Item = FunctionDeclaration>) -> Self {
        Self {
            function_declarations: declarations.into_iter().collect(),
            ..Self::default()
        }
    }

    /// `{"googleSearch": {}}`.
    pub fn google_search() -> Self {
        Self {
            google_search: Some(GoogleSearch::default()),
            ..Self::default()
        }
    }

    /// `{"codeExecution": {}}`.
    pub fn code_execution() -> Self {
        Self {
            code_execution: Some(CodeExecution::default()),
            ..Self::default()
        }
    }

    /// `{"urlContext": {}}`.
    pub fn url_context() -> Self {
        Self {
            url_context: Some(UrlContext::default()),
            ..Self::default()
        }
    }

    /// `{"googleMaps": {}}`.
    pub fn google_maps() -> Self {
        Self {
            google_maps: Some(GoogleMaps::default()),
            ..Self::default()
        }
    }

    /// `{"fileSearch": {"fileSearchStoreNames": [...]}}`.
    pub fn file_search<S: Into<String>>(store_names: impl IntoIterator<Item = S>) -> Self {
        Self {
            file_search: Some(FileSearch {
                file_search_store_names: store_names.into_iter().map(Into::into).collect(),
                ..FileSearch::default()
            }),
            ..Self::default()
        }
    }
}

impl From<FunctionDeclaration> for Tool {
    fn from(decl: FunctionDeclaration) -> Self {
        Self::functions([decl])
    }
}

crate::open_enum! {
    /// Whether a function blocks the conversation (`FunctionDeclaration.behavior`, Live only).
    pub enum FunctionBehavior {
        /// Unspecified.
        Unspecified = "UNSPECIFIED",
        /// The model waits for the response.
        Blocking = "BLOCKING",
        /// The model keeps talking; the response arrives later.
        NonBlocking = "NON_BLOCKING",
    }
}

/// A client-side function the model may call (`functionDeclarations[]`).
///
/// Give either `parameters` (OpenAPI subset) or `parametersJsonSchema` (JSON Schema).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FunctionDeclaration {
    /// `name`: `[a-zA-Z0-9_.:-]`, at most 64 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `parameters`: OpenAPI-subset schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Schema>,
    /// `parametersJsonSchema`: JSON Schema (exclusive with `parameters`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "parameters_json_schema"
    )]
    pub parameters_json_schema: Option<Value>,
    /// `response`: OpenAPI-subset schema of the result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Schema>,
    /// `responseJsonSchema`: JSON Schema of the result (exclusive with `response`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "response_json_schema"
    )]
    pub response_json_schema: Option<Value>,
    /// `behavior` (Live only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub behavior: Option<FunctionBehavior>,
}

impl FunctionDeclaration {
    /// A function with a name and description.
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            description: Some(description.into()),
            ..Self::default()
        }
    }

    /// Sets `parameters` (OpenAPI subset).
    #[must_use]
    pub fn with_parameters(mut self, schema: Schema) -> Self {
        self.parameters = Some(schema);
        self
    }

    /// Sets `parametersJsonSchema` (JSON Schema).
    #[must_use]
    pub fn with_parameters_json_schema(mut self, schema: Value) -> Self {
        self.parameters_json_schema = Some(schema);
        self
    }

    /// Sets `response` (OpenAPI subset).
    #[must_use]
    pub fn with_response(mut self, schema: Schema) -> Self {
        self.response = Some(schema);
        self
    }

    /// Sets `responseJsonSchema` (JSON Schema).
    #[must_use]
    pub fn with_response_json_schema(mut self, schema: Value) -> Self {
        self.response_json_schema = Some(schema);
        self
    }

    /// Sets `behavior` (Live only).
    #[must_use]
    pub fn with_behavior(mut self, behavior: FunctionBehavior) -> Self {
        self.behavior = Some(behavior);
        self
    }
}

/// A time interval (`google.type.Interval`), e.g. `googleSearch.timeRangeFilter`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Interval {
    /// `startTime` (inclusive).
    #[serde(skip_serializing_if = "Option::is_none", alias = "start_time")]
    pub start_time: Option<Timestamp>,
    /// `endTime` (exclusive).
    #[serde(skip_serializing_if = "Option::is_none", alias = "end_time")]
    pub end_time: Option<Timestamp>,
}

/// Which kinds of search Google Search grounding runs (`googleSearch.searchTypes`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SearchTypes {
    /// `webSearch`: `{}` to enable.
    #[serde(skip_serializing_if = "Option::is_none", alias = "web_search")]
    pub web_search: Option<Value>,
    /// `imageSearch`: `{}` to enable.
    #[serde(skip_serializing_if = "Option::is_none", alias = "image_search")]
    pub image_search: Option<Value>,
}

/// Google Search grounding (`googleSearch`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GoogleSearch {
    /// `timeRangeFilter`: only results published in this interval.
    #[serde(skip_serializing_if = "Option::is_none", alias = "time_range_filter")]
    pub time_range_filter: Option<Interval>,
    /// `searchTypes`: web and/or image search.
    #[serde(skip_serializing_if = "Option::is_none", alias = "search_types")]
    pub search_types: Option<SearchTypes>,
    /// `excludeDomains` (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "exclude_domains"
    )]
    pub exclude_domains: Vec<String>,
    /// `blockingConfidence` (Vertex AI only; wire string).
    #[serde(skip_serializing_if = "Option::is_none", alias = "blocking_confidence")]
    pub blocking_confidence: Option<String>,
}

crate::open_enum! {
    /// When legacy search retrieval runs (`dynamicRetrievalConfig.mode`).
    pub enum DynamicRetrievalMode {
        /// Always search.
        Unspecified = "MODE_UNSPECIFIED",
        /// Search only when the model judges it useful.
        Dynamic = "MODE_DYNAMIC",
    }
}

/// Legacy search grounding (`googleSearchRetrieval`, Gemini 1.5).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GoogleSearchRetrieval {
    /// `dynamicRetrievalConfig`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "dynamic_retrieval_config"
    )]
    pub dynamic_retrieval_config: Option<DynamicRetrievalConfig>,
}

/// When to run legacy search retrieval (`dynamicRetrievalConfig`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DynamicRetrievalConfig {
    /// `mode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<DynamicRetrievalMode>,
    /// `dynamicThreshold`: search when the prediction score exceeds this.
    #[serde(skip_serializing_if = "Option::is_none", alias = "dynamic_threshold")]
    pub dynamic_threshold: Option<f64>,
}

/// The code-execution tool (`codeExecution: {}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct CodeExecution {}

/// The URL-context tool (`urlContext: {}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct UrlContext {}

/// Retrieval from file search stores (`fileSearch`).
///
/// The flat form (`fileSearchStoreNames`, `topK`, `metadataFilter`) is what the SDKs send;
/// the proto's nested form (`retrievalResources`, `retrievalConfig`) is accepted too.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FileSearch {
    /// `fileSearchStoreNames`: `fileSearchStores/{id}`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "file_search_store_names"
    )]
    pub file_search_store_names: Vec<String>,
    /// `topK`: number of chunks to retrieve.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "top_k",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub top_k: Option<i32>,
    /// `metadataFilter`, e.g. `author = "x"`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "metadata_filter")]
    pub metadata_filter: Option<String>,
    /// `retrievalResources` (proto form).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "retrieval_resources"
    )]
    pub retrieval_resources: Vec<FileSearchRetrievalResource>,
    /// `retrievalConfig` (proto form).
    #[serde(skip_serializing_if = "Option::is_none", alias = "retrieval_config")]
    pub retrieval_config: Option<FileSearchRetrievalConfig>,
}

/// A store to search (`FileSearch.RetrievalResource`, proto form).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FileSearchRetrievalResource {
    /// `ragStoreName`: `fileSearchStores/{id}`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "rag_store_name")]
    pub rag_store_name: Option<String>,
}

/// Retrieval options (`FileSearch.RetrievalConfig`, proto form).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FileSearchRetrievalConfig {
    /// `topK`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "top_k",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub top_k: Option<i32>,
    /// `metadataFilter`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "metadata_filter")]
    pub metadata_filter: Option<String>,
}

/// Google Maps grounding (`googleMaps`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GoogleMaps {
    /// `enableWidget`: return a `googleMapsWidgetContextToken`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "enable_widget")]
    pub enable_widget: Option<bool>,
    /// `groundingTypes` (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "grounding_types"
    )]
    pub grounding_types: Vec<String>,
    /// `authConfig` (Vertex AI only; passed through as JSON).
    #[serde(skip_serializing_if = "Option::is_none", alias = "auth_config")]
    pub auth_config: Option<Value>,
}

crate::open_enum! {
    /// The environment computer use operates in.
    pub enum ComputerUseEnvironment {
        /// Unspecified.
        Unspecified = "ENVIRONMENT_UNSPECIFIED",
        /// A web browser.
        Browser = "ENVIRONMENT_BROWSER",
        /// A mobile device.
        Mobile = "ENVIRONMENT_MOBILE",
        /// A desktop.
        Desktop = "ENVIRONMENT_DESKTOP",
    }
}

/// The computer-use tool (`computerUse`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ComputerUse {
    /// `environment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<ComputerUseEnvironment>,
    /// `excludedPredefinedFunctions`, e.g. `drag_and_drop`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "excluded_predefined_functions"
    )]
    pub excluded_predefined_functions: Vec<String>,
    /// `enablePromptInjectionDetection`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "enable_prompt_injection_detection"
    )]
    pub enable_prompt_injection_detection: Option<bool>,
    /// `disabledSafetyPolicies` (wire strings).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "disabled_safety_policies"
    )]
    pub disabled_safety_policies: Vec<String>,
}

/// A remote MCP server the service calls (`mcpServers[]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct McpServer {
    /// `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `streamableHttpTransport`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "streamable_http_transport"
    )]
    pub streamable_http_transport: Option<StreamableHttpTransport>,
}

/// How to reach an MCP server (`streamableHttpTransport`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StreamableHttpTransport {
    /// `url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `headers` sent to the server.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// `timeout`, e.g. `"30s"`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::duration::serialize",
        deserialize_with = "wire::duration::deserialize"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub timeout: Option<Duration>,
    /// `sseReadTimeout`, e.g. `"300s"`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::duration::serialize",
        deserialize_with = "wire::duration::deserialize",
        alias = "sse_read_timeout"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub sse_read_timeout: Option<Duration>,
    /// `terminateOnClose`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "terminate_on_close")]
    pub terminate_on_close: Option<bool>,
}

crate::open_enum! {
    /// How the model uses function declarations (`functionCallingConfig.mode`).
    pub enum FunctionCallingMode {
        /// Unspecified (same as AUTO).
        Unspecified = "MODE_UNSPECIFIED",
        /// The model decides whether to call a function.
        Auto = "AUTO",
        /// The model must call a function.
        Any = "ANY",
        /// The model must not call functions.
        None = "NONE",
        /// The model may call functions or answer; calls are schema-validated.
        Validated = "VALIDATED",
    }
}

/// Function calling options (`functionCallingConfig`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FunctionCallingConfig {
    /// `mode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<FunctionCallingMode>,
    /// `allowedFunctionNames` (only with ANY / VALIDATED).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "allowed_function_names"
    )]
    pub allowed_function_names: Vec<String>,
    /// `streamFunctionCallArguments` (Vertex AI only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "stream_function_call_arguments"
    )]
    pub stream_function_call_arguments: Option<bool>,
}

impl FunctionCallingConfig {
    /// A config with the given mode.
    pub fn new(mode: FunctionCallingMode) -> Self {
        Self {
            mode: Some(mode),
            ..Self::default()
        }
    }

    /// Sets `allowedFunctionNames`.
    #[must_use]
    pub fn with_allowed_function_names<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Self {
        self.allowed_function_names = names.into_iter().map(Into::into).collect();
        self
    }
}

/// A latitude/longitude pair (`google.type.LatLng`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LatLng {
    /// `latitude` in degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// `longitude` in degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

impl LatLng {
    /// A position.
    pub fn new(latitude: f64, longitude: f64) -> Self {
        Self {
            latitude: Some(latitude),
            longitude: Some(longitude),
        }
    }
}

/// Context for retrieval tools (`toolConfig.retrievalConfig`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RetrievalConfig {
    /// `latLng`: the user's location.
    #[serde(skip_serializing_if = "Option::is_none", alias = "lat_lng")]
    pub lat_lng: Option<LatLng>,
    /// `languageCode`, e.g. `en-US`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "language_code")]
    pub language_code: Option<String>,
}

/// Tool options shared by all tools of a request (`toolConfig`).
///
/// ```
/// use gemini_types::{FunctionCallingMode, ToolConfig};
/// let c = ToolConfig::function_calling(FunctionCallingMode::Any, ["get_weather"]);
/// assert_eq!(
///     serde_json::to_value(&c).unwrap(),
///     serde_json::json!({"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}})
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ToolConfig {
    /// `functionCallingConfig`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "function_calling_config"
    )]
    pub function_calling_config: Option<FunctionCallingConfig>,
    /// `retrievalConfig`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "retrieval_config")]
    pub retrieval_config: Option<RetrievalConfig>,
    /// `includeServerSideToolInvocations`: surface `toolCall` / `toolResponse` parts.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "include_server_side_tool_invocations"
    )]
    pub include_server_side_tool_invocations: Option<bool>,
}

impl ToolConfig {
    /// A function-calling config with a mode and (for ANY / VALIDATED) allowed names.
    pub fn function_calling<S: Into<String>>(
        mode: FunctionCallingMode,
        allowed: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            function_calling_config: Some(
                FunctionCallingConfig::new(mode).with_allowed_function_names(allowed),
            ),
            ..Self::default()
        }
    }

    /// Sets `includeServerSideToolInvocations`.
    #[must_use]
    pub fn with_server_side_tool_invocations(mut self, include: bool) -> Self {
        self.include_server_side_tool_invocations = Some(include);
        self
    }

    /// Sets `retrievalConfig`.
    #[must_use]
    pub fn with_retrieval_config(mut self, config: RetrievalConfig) -> Self {
        self.retrieval_config = Some(config);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tool_kinds_round_trip() {
        let v = json!([
            {"functionDeclarations": [{"name": "f", "parametersJsonSchema": {"type": "object"}, "behavior": "NON_BLOCKING"}]},
            {"googleSearch": {"timeRangeFilter": {"startTime": "2026-01-01T00:00:00Z", "endTime": "2026-02-01T00:00:00Z"},
                              "searchTypes": {"webSearch": {}, "imageSearch": {}}}},
            {"googleSearchRetrieval": {"dynamicRetrievalConfig": {"mode": "MODE_DYNAMIC", "dynamicThreshold": 0.3}}},
            {"codeExecution": {}},
            {"urlContext": {}},
            {"fileSearch": {"fileSearchStoreNames": ["fileSearchStores/x"], "topK": 5, "metadataFilter": "a = 1"}},
            {"googleMaps": {"enableWidget": true}},
            {"computerUse": {"environment": "ENVIRONMENT_BROWSER", "excludedPredefinedFunctions": ["drag_and_drop"]}},
            {"mcpServers": [{"name": "m", "streamableHttpTransport": {"url": "https://x", "headers": {"a": "b"},
                "timeout": "30s", "sseReadTimeout": "300s", "terminateOnClose": true}}]}
        ]);
        let tools: Vec<Tool> = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&tools).unwrap(), v);
    }

    #[test]
    fn snake_case_tool_keys() {
        let t: Tool = serde_json::from_value(json!({
            "function_declarations": {"name": "f", "parameters_json_schema": {"type": "object"}},
            "file_search": {"file_search_store_names": ["fileSearchStores/a"]}
        }))
        .unwrap();
        assert_eq!(t.function_declarations.len(), 1);
        assert!(t.function_declarations[0].parameters_json_schema.is_some());
        assert_eq!(
            t.file_search.unwrap().file_search_store_names,
            ["fileSearchStores/a"]
        );
        let c: ToolConfig = serde_json::from_value(json!({
            "function_calling_config": {"mode": "VALIDATED", "allowed_function_names": "f"},
            "retrieval_config": {"lat_lng": {"latitude": 1.5, "longitude": 2.0}, "language_code": "en"}
        }))
        .unwrap();
        let f = c.function_calling_config.unwrap();
        assert_eq!(f.mode, Some(FunctionCallingMode::Validated));
        assert_eq!(f.allowed_function_names, ["f"]);
    }
}

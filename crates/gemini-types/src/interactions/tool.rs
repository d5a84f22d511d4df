//! Interactions tools: `type`-tagged function declarations and server-side tools.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, tagged_union};

tagged_union! {
    /// A tool the model may use, tagged by `type`.
    pub enum Tool: tag = "type" {
        /// A function the client implements: `{"type": "function", "name", "description", "parameters"}`.
        Function(FunctionTool) = "function",
        /// Google Search grounding.
        GoogleSearch(GoogleSearchTool) = "google_search",
        /// Server-side Python code execution.
        CodeExecution(ToolOptions) = "code_execution",
        /// Fetches URLs mentioned in the prompt.
        UrlContext(ToolOptions) = "url_context",
        /// Retrieval from file search stores.
        FileSearch(FileSearchTool) = "file_search",
        /// Google Maps grounding.
        GoogleMaps(ToolOptions) = "google_maps",
        /// Computer use (browser control).
        ComputerUse(ToolOptions) = "computer_use",
        /// A remote MCP server.
        McpServer(McpServerTool) = "mcp_server",
        /// Retrieval from an external source.
        Retrieval(ToolOptions) = "retrieval",
        /// Lets the model search the available tools.
        ToolSearch(ToolOptions) = "tool_search",
    }
}

impl Tool {
    /// A function tool; `parameters` is a JSON Schema object.
    pub fn function(
        name: impl Into<String>,
        description: impl Into<String>,
        parameters: Value,
    ) -> Self {
        Self::Function(FunctionTool {
            name: Some(name.into()),
            description: Some(description.into()),
            parameters: Some(parameters),
            ..FunctionTool::default()
        })
    }

    /// The Google Search tool with default options.
    pub fn google_search() -> Self {
        Self::GoogleSearch(GoogleSearchTool::default())
    }

    /// The code execution tool.
    pub fn code_execution() -> Self {
        Self::CodeExecution(ToolOptions::default())
    }

    /// The URL context tool.
    pub fn url_context() -> Self {
        Self::UrlContext(ToolOptions::default())
    }

    /// The file search tool over the given stores (`fileSearchStores/...`).
    pub fn file_search(store_names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self::FileSearch(FileSearchTool {
            file_search_store_names: store_names.into_iter().map(Into::into).collect(),
            ..FileSearchTool::default()
        })
    }
}

/// A function declaration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct FunctionTool {
    /// The function name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the function does (the model reads this).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The parameters as a JSON Schema object (lowercase types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// Options of the Google Search tool.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct GoogleSearchTool {
    /// Which searches to allow (e.g. `web_search`, `image_search`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub search_types: Vec<String>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// Options of the file search tool.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct FileSearchTool {
    /// Store names, `fileSearchStores/...`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_search_store_names: Vec<String>,
    /// How many chunks to retrieve.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub top_k: Option<i32>,
    /// A metadata filter expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_filter: Option<String>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// A remote MCP server the model may call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct McpServerTool {
    /// The server's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The server's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Headers to send to the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<serde_json::Map<String, Value>>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// Options of a tool with no typed fields (code execution, URL context, ...): everything but
/// `type` is kept verbatim.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ToolOptions {
    /// The tool's options, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

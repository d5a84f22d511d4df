//! Interactions steps: the `type`-tagged units of a conversation (inputs, outputs, thoughts, tool
//! calls and their results).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Content, Extra, tagged_union};

tagged_union! {
    /// One step of an interaction, tagged by `type`. Steps are both the input history you send
    /// and the output the model produces.
    ///
    /// ```
    /// use gemini_types::interactions::Step;
    /// let s: Step = serde_json::from_str(
    ///     r#"{"type":"function_call","id":"c1","name":"get_weather","arguments":{"city":"Paris"}}"#,
    /// ).unwrap();
    /// let Step::FunctionCall(call) = &s else { panic!() };
    /// assert_eq!(call.name.as_deref(), Some("get_weather"));
    ///
    /// let reply = Step::function_result("c1", "get_weather", serde_json::json!("14 °C"));
    /// assert_eq!(serde_json::to_value(&reply).unwrap()["call_id"], "c1");
    /// ```
    pub enum Step: tag = "type" {
        /// Input from the user.
        UserInput(ContentStep) = "user_input",
        /// Output from the model.
        ModelOutput(ContentStep) = "model_output",
        /// A thought: its signature (echo it back) and optional summary.
        Thought(ThoughtStep) = "thought",
        /// A call of a function tool that the client must run.
        FunctionCall(FunctionCallStep) = "function_call",
        /// The client's result for a function call.
        FunctionResult(FunctionResultStep) = "function_result",
        /// A server-side Google Search call.
        GoogleSearchCall(ToolCallStep) = "google_search_call",
        /// The result of a Google Search call.
        GoogleSearchResult(ToolResultStep) = "google_search_result",
        /// A server-side code execution call.
        CodeExecutionCall(ToolCallStep) = "code_execution_call",
        /// The result of a code execution call.
        CodeExecutionResult(ToolResultStep) = "code_execution_result",
        /// A server-side URL context fetch.
        UrlContextCall(ToolCallStep) = "url_context_call",
        /// The result of a URL context fetch.
        UrlContextResult(ToolResultStep) = "url_context_result",
        /// A server-side file search call.
        FileSearchCall(ToolCallStep) = "file_search_call",
        /// The result of a file search call.
        FileSearchResult(ToolResultStep) = "file_search_result",
        /// A server-side Google Maps call.
        GoogleMapsCall(ToolCallStep) = "google_maps_call",
        /// The result of a Google Maps call.
        GoogleMapsResult(ToolResultStep) = "google_maps_result",
        /// A call of a tool on a remote MCP server.
        McpServerToolCall(ToolCallStep) = "mcp_server_tool_call",
        /// The result of an MCP server tool call.
        McpServerToolResult(ToolResultStep) = "mcp_server_tool_result",
        /// A retrieval call.
        RetrievalCall(ToolCallStep) = "retrieval_call",
        /// The result of a retrieval call.
        RetrievalResult(ToolResultStep) = "retrieval_result",
        /// A tool search call.
        ToolSearchCall(ToolCallStep) = "tool_search_call",
        /// The result of a tool search call.
        ToolSearchResult(ToolResultStep) = "tool_search_result",
        /// A media processing call.
        ProcessingCall(ToolCallStep) = "processing_call",
        /// The result of a media processing call.
        ProcessingResult(ToolResultStep) = "processing_result",
    }
}

impl Step {
    /// A `user_input` step with the given contents.
    pub fn user_input(content: impl IntoIterator<Item = Content>) -> Self {
        Self::UserInput(ContentStep {
            content: content.into_iter().collect(),
            ..ContentStep::default()
        })
    }

    /// A `user_input` step with one text item.
    pub fn user_text(text: impl Into<String>) -> Self {
        Self::user_input([Content::text(text)])
    }

    /// A `function_result` step answering the call `call_id`. `result` may be a JSON string,
    /// a list of contents, or an object.
    pub fn function_result(
        call_id: impl Into<String>,
        name: impl Into<String>,
        result: impl Into<Value>,
    ) -> Self {
        Self::FunctionResult(FunctionResultStep {
            call_id: Some(call_id.into()),
            name: Some(name.into()),
            result: Some(result.into()),
            ..FunctionResultStep::default()
        })
    }

    /// The text of a `model_output` step (text items concatenated), if this is one.
    pub fn model_text(&self) -> Option<String> {
        match self {
            Self::ModelOutput(s) => {
                let mut out = String::new();
                super::content::join_text(&s.content, &mut out);
                Some(out)
            }
            _ => None,
        }
    }
}

/// A `user_input` or `model_output` step: a list of contents.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ContentStep {
    /// The contents, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<Content>,
    /// An error that cut a model output short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// A `thought` step. Send it back unchanged in a stateless history: the `signature` carries the
/// model's reasoning state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ThoughtStep {
    /// The opaque thought signature (base64, kept as received).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Thought summaries (when `thinking_summaries` is `auto`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub summary: Vec<Content>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// A `function_call` step: the model asks the client to run a function.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct FunctionCallStep {
    /// The call id; answer with a `function_result` whose `call_id` is this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The function name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The arguments, a JSON object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Value>,
    /// A thought signature attached to the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// A `function_result` step: the client's answer to a `function_call`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct FunctionResultStep {
    /// The `id` of the call this answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// The function name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The result: a string, a list of contents, or an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Whether the function failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_error: Option<bool>,
    /// A thought signature attached to the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// A server-side tool call step (`google_search_call`, `code_execution_call`, ...).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ToolCallStep {
    /// The call id, referenced by the result's `call_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The tool name (MCP tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The MCP server name (MCP tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    /// The call's arguments (e.g. `{"queries": [...]}` for search).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Value>,
    /// The search kind of a search call (e.g. `web_search`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_type: Option<String>,
    /// A thought signature attached to the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// A server-side tool result step (`google_search_result`, `code_execution_result`, ...).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ToolResultStep {
    /// The `id` of the call this answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// The tool name (MCP tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The MCP server name (MCP tools).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    /// The result (shape depends on the tool).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Whether the tool failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_error: Option<bool>,
    /// A thought signature attached to the result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

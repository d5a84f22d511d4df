//! CachedContent (explicit context caching) and its list/update messages
//! (../shared/spec/API.md section 10).
//!
//! ```
//! use std::time::Duration;
//! use gemini_types::{CachedContent, Content};
//! let cache = CachedContent::new("gemini-2.5-flash")
//!     .with_display_name("contract-v3")
//!     .with_system_instruction("Answer only from the contract.")
//!     .with_content(Content::user("...long document..."))
//!     .with_ttl(Duration::from_secs(3600));
//! let v = serde_json::to_value(&cache).unwrap();
//! assert_eq!(v["model"], "models/gemini-2.5-flash");
//! assert_eq!(v["ttl"], "3600s");
//!
//! // PATCH body: only the expiration is mutable.
//! let patch = CachedContent::ttl_update(Duration::from_secs(7200));
//! assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"ttl":"7200s"}"#);
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{Content, Timestamp, Tool, ToolConfig, wire};

/// A cached prompt prefix (`cachedContents/{id}`). The create request's body is the
/// CachedContent itself; responses never contain `contents`, `tools` or `systemInstruction`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CachedContent {
    /// The resource name, `cachedContents/{id}` (output only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A human-readable name (at most 128 characters, immutable).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "display_name"
    )]
    pub display_name: Option<String>,
    /// The model, full name `models/...` (required, immutable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The cached system instruction (input only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "system_instruction"
    )]
    pub system_instruction: Option<Content>,
    /// The cached contents (input only).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize"
    )]
    pub contents: Vec<Content>,
    /// The cached tools (input only).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize"
    )]
    pub tools: Vec<Tool>,
    /// The cached tool config (input only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "tool_config"
    )]
    pub tool_config: Option<ToolConfig>,
    /// Time to live (input only; `oneof expiration` with `expireTime`). Default 1 hour.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::duration"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub ttl: Option<Duration>,
    /// When the cache expires (`oneof expiration` with `ttl`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "expire_time"
    )]
    pub expire_time: Option<Timestamp>,
    /// When it was created (output only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "create_time"
    )]
    pub create_time: Option<Timestamp>,
    /// When it last changed (output only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "update_time"
    )]
    pub update_time: Option<Timestamp>,
    /// Token usage of the cached content (output only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "usage_metadata"
    )]
    pub usage_metadata: Option<CachedContentUsageMetadata>,
}

impl CachedContent {
    /// A cache for `model`; a bare id gets the `models/` prefix.
    pub fn new(model: impl Into<String>) -> Self {
        let model = model.into();
        let model = if model.starts_with("models/") || model.starts_with("tunedModels/") {
            model
        } else {
            format!("models/{model}")
        };
        Self {
            model: Some(model),
            ..Self::default()
        }
    }

    /// The body of an update that sets a new time to live.
    pub fn ttl_update(ttl: Duration) -> Self {
        Self {
            ttl: Some(ttl),
            ..Self::default()
        }
    }

    /// The body of an update that sets a new expiration time.
    pub fn expire_time_update(expire_time: Timestamp) -> Self {
        Self {
            expire_time: Some(expire_time),
            ..Self::default()
        }
    }

    /// Sets the display name.
    #[must_use]
    pub fn with_display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// Sets the system instruction.
    #[must_use]
    pub fn with_system_instruction(mut self, instruction: impl Into<Content>) -> Self {
        self.system_instruction = Some(instruction.into());
        self
    }

    /// Appends a content.
    #[must_use]
    pub fn with_content(mut self, content: impl Into<Content>) -> Self {
        self.contents.push(content.into());
        self
    }

    /// Replaces the contents.
    #[must_use]
    pub fn with_contents(mut self, contents: impl IntoIterator<Item = Content>) -> Self {
        self.contents = contents.into_iter().collect();
        self
    }

    /// Appends a tool.
    #[must_use]
    pub fn with_tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Sets the tool config.
    #[must_use]
    pub fn with_tool_config(mut self, config: ToolConfig) -> Self {
        self.tool_config = Some(config);
        self
    }

    /// Sets the time to live (clears `expireTime`: they are a oneof).
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self.expire_time = None;
        self
    }

    /// Sets the expiration time (clears `ttl`: they are a oneof).
    #[must_use]
    pub fn with_expire_time(mut self, expire_time: Timestamp) -> Self {
        self.expire_time = Some(expire_time);
        self.ttl = None;
        self
    }

    /// The id after `cachedContents/`.
    pub fn id(&self) -> &str {
        let name = self.name.as_deref().unwrap_or_default();
        name.strip_prefix("cachedContents/").unwrap_or(name)
    }

    /// The cached token count (`usageMetadata.totalTokenCount`), 0 when absent.
    pub fn total_token_count(&self) -> i32 {
        self.usage_metadata
            .as_ref()
            .and_then(|u| u.total_token_count)
            .unwrap_or(0)
    }
}

/// Token usage of a cached content (`CachedContent.UsageMetadata`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CachedContentUsageMetadata {
    /// Tokens in the cached content.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "total_token_count"
    )]
    pub total_token_count: Option<i32>,
}

/// A page of `GET /{v}/cachedContents`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListCachedContentsResponse {
    /// The caches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cached_contents: Vec<CachedContent>,
    /// The next page's token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `UpdateCachedContentRequest`: the new expiration and the field mask. Over REST the body is
/// [`UpdateCachedContentRequest::cached_content`] and the mask is the `updateMask` query
/// parameter (optional; the official SDKs do not send it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdateCachedContentRequest {
    /// The cache with only the new `ttl` or `expireTime` set.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "cached_content"
    )]
    pub cached_content: Option<CachedContent>,
    /// The fields to update, comma-separated (`"ttl"` or `"expireTime"`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "update_mask"
    )]
    pub update_mask: Option<String>,
}

impl UpdateCachedContentRequest {
    /// An update of the expiration; the mask names whichever of `ttl` / `expireTime` is set.
    pub fn new(cached_content: CachedContent) -> Self {
        let mask = match (&cached_content.ttl, &cached_content.expire_time) {
            (Some(_), _) => Some("ttl".to_owned()),
            (None, Some(_)) => Some("expireTime".to_owned()),
            (None, None) => None,
        };
        Self {
            cached_content: Some(cached_content),
            update_mask: mask,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::testutil::{documents, real_files, round_trip, shared_spec};
    use serde_json::json;

    #[test]
    fn examples_and_real_round_trip() {
        if shared_spec("caches::examples_and_real_round_trip").is_none() {
            return;
        }
        for doc in documents("examples/cached_content_create_request.json") {
            let c: CachedContent = round_trip("create", &doc);
            assert_eq!(c.ttl, Some(Duration::from_secs(3600)));
            assert_eq!(c.contents.len(), 1);
        }
        for doc in documents("examples/cached_content_response.json") {
            let c: CachedContent = round_trip("response", &doc);
            assert_eq!(c.total_token_count(), 48_213);
            assert_eq!(c.id(), "w8x1c9z0a7");
        }
        for file in real_files("caches") {
            for doc in documents(&file) {
                if doc.get("cachedContents").is_some() {
                    let page: ListCachedContentsResponse = round_trip(&file, &doc);
                    assert_eq!(page.cached_contents.len(), 2);
                } else {
                    let _: CachedContent = round_trip(&file, &doc);
                }
            }
        }
    }

    #[test]
    fn snake_case_and_single_object_requests() {
        let c: CachedContent = serde_json::from_value(json!({
            "model": "models/m", "display_name": "d",
            "system_instruction": {"parts": [{"text": "s"}]},
            "contents": {"role": "user", "parts": [{"text": "x"}]},
            "ttl": "1.5s"
        }))
        .unwrap();
        assert_eq!(c.contents.len(), 1);
        assert_eq!(c.ttl, Some(Duration::from_millis(1500)));
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["displayName"], "d");
        assert!(v["contents"].is_array());
        assert!(serde_json::from_value::<CachedContent>(json!({"ttl": "forever"})).is_err());
    }

    #[test]
    fn expiration_oneof_and_update_mask() {
        let t: Timestamp = "2026-11-25T15:00:00Z".parse().unwrap();
        let c = CachedContent::new("m")
            .with_ttl(Duration::from_secs(60))
            .with_expire_time(t);
        assert_eq!(c.ttl, None);
        let u = UpdateCachedContentRequest::new(CachedContent::expire_time_update(t));
        assert_eq!(u.update_mask.as_deref(), Some("expireTime"));
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            json!({"cachedContent": {"expireTime": "2026-11-25T15:00:00Z"}, "updateMask": "expireTime"})
        );
        let u = UpdateCachedContentRequest::new(CachedContent::ttl_update(Duration::from_secs(5)));
        assert_eq!(u.update_mask.as_deref(), Some("ttl"));
    }
}

//! Ephemeral auth tokens for the Live API (`POST /v1alpha/auth_tokens`,
//! ../shared/spec/API.md section 15).
//!
//! A server holding the API key creates a short-lived token and hands its `name`
//! (`auth_tokens/...`) to a client app, which opens a Live session with it. The token may pin the
//! session configuration (`bidiGenerateContentSetup`) and lock fields of it (`fieldMask`).
//!
//! ```
//! use gemini_types::{AuthToken, BidiGenerateContentSetup, Modality, Timestamp};
//! let expire: Timestamp = "2026-11-25T14:00:00Z".parse().unwrap();
//! let req = AuthToken::new()
//!     .with_uses(1)
//!     .with_expire_time(expire)
//!     .with_live_connect_constraints(
//!         BidiGenerateContentSetup::new("gemini-live-2.5-flash")
//!             .with_response_modalities([Modality::Audio]),
//!     )
//!     .with_lock_additional_fields(["temperature"]);
//! let v = serde_json::to_value(&req).unwrap();
//! assert_eq!(v["fieldMask"], "model,generationConfig.responseModalities,generationConfig.temperature");
//! assert_eq!(v["bidiGenerateContentSetup"]["model"], "models/gemini-live-2.5-flash");
//! ```

use serde::{Deserialize, Serialize};

use crate::{BidiGenerateContentSetup, Timestamp};

/// An ephemeral auth token: the body of the create request and the created token.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AuthToken {
    /// The token, `auth_tokens/...` (output only): what the client connects with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// When the token expires (default: 30 minutes after creation).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "expire_time"
    )]
    pub expire_time: Option<Timestamp>,
    /// Sessions must start before this (default: 1 minute after creation).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "new_session_expire_time"
    )]
    pub new_session_expire_time: Option<Timestamp>,
    /// How many sessions the token may start (default 1).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub uses: Option<i32>,
    /// The session configuration the token imposes (a Live `setup` without the wrapper).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "bidi_generate_content_setup"
    )]
    pub bidi_generate_content_setup: Option<BidiGenerateContentSetup>,
    /// The setup fields the client may not override, comma-separated (`google.protobuf.FieldMask`).
    /// Omitted: every field of the constraints is locked.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "field_mask")]
    pub field_mask: Option<String>,
}

/// `generationConfig` fields that a bare name in a lock list refers to (the SDKs prefix these).
const GENERATION_CONFIG_FIELDS: &[&str] = &[
    "candidateCount",
    "enableAffectiveDialog",
    "frequencyPenalty",
    "maxOutputTokens",
    "mediaResolution",
    "presencePenalty",
    "responseModalities",
    "seed",
    "speechConfig",
    "stopSequences",
    "temperature",
    "thinkingConfig",
    "topK",
    "topP",
    "translationConfig",
];

impl AuthToken {
    /// An empty create request (server defaults: one use, 30 minutes, 1 minute to start).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of sessions the token may start.
    #[must_use]
    pub fn with_uses(mut self, uses: i32) -> Self {
        self.uses = Some(uses);
        self
    }

    /// Sets the token's expiry.
    #[must_use]
    pub fn with_expire_time(mut self, t: Timestamp) -> Self {
        self.expire_time = Some(t);
        self
    }

    /// Sets the deadline for starting a session.
    #[must_use]
    pub fn with_new_session_expire_time(mut self, t: Timestamp) -> Self {
        self.new_session_expire_time = Some(t);
        self
    }

    /// Pins the session configuration (the SDKs' `liveConnectConstraints`). Without a field
    /// mask, every field of it is locked.
    #[must_use]
    pub fn with_live_connect_constraints(mut self, setup: BidiGenerateContentSetup) -> Self {
        self.bidi_generate_content_setup = Some(setup);
        self
    }

    /// Sets the field mask as the official SDKs derive it from `lockAdditionalFields`: the
    /// fields set in the constraints (a field holding a non-empty object expanded to its own
    /// fields, e.g. `generationConfig.temperature`) plus `fields`, where bare generation-config
    /// field names (`temperature`) get the `generationConfig.` prefix. An empty `fields` locks
    /// exactly the fields set in the constraints. Without this call the mask is omitted and
    /// every field of the constraints is locked. Without constraints, `fields` are sent as
    /// given. Call after [`Self::with_live_connect_constraints`].
    #[must_use]
    pub fn with_lock_additional_fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut mask: Vec<String> = Vec::new();
        let constrained = self.bidi_generate_content_setup.is_some();
        if let Some(setup) = &self.bidi_generate_content_setup {
            mask = locked_setup_fields(setup);
        }
        for f in fields {
            let f = f.as_ref();
            let name = if constrained && GENERATION_CONFIG_FIELDS.contains(&f) {
                format!("generationConfig.{f}")
            } else {
                f.to_owned()
            };
            if !mask.contains(&name) {
                mask.push(name);
            }
        }
        self.field_mask = Some(mask.join(","));
        self
    }

    /// Sets the raw field mask (comma-separated field paths).
    #[must_use]
    pub fn with_field_mask(mut self, mask: impl Into<String>) -> Self {
        self.field_mask = Some(mask.into());
        self
    }
}

/// The setup's top-level wire names, in the order the field mask lists them (others follow,
/// sorted).
const SETUP_FIELDS: &[&str] = &[
    "model",
    "generationConfig",
    "systemInstruction",
    "tools",
    "realtimeInputConfig",
    "sessionResumption",
    "contextWindowCompression",
    "inputAudioTranscription",
    "outputAudioTranscription",
    "proactivity",
    "historyConfig",
    "safetySettings",
    "avatarConfig",
    "explicitVadSignal",
];

/// The field paths set in `setup`, as the official SDKs derive them: each top-level field
/// that is set, and for one whose value is a non-empty object, each of its own fields instead
/// (`generationConfig.temperature`, `systemInstruction.parts`); nested keys sorted.
fn locked_setup_fields(setup: &BidiGenerateContentSetup) -> Vec<String> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(setup) else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = SETUP_FIELDS
        .iter()
        .filter_map(|k| map.get_key_value(*k).map(|(k, _)| k))
        .collect();
    let mut others: Vec<&String> = map
        .keys()
        .filter(|k| !SETUP_FIELDS.contains(&k.as_str()))
        .collect();
    others.sort();
    keys.extend(others);
    let mut out = Vec::new();
    for k in keys {
        match &map[k.as_str()] {
            serde_json::Value::Object(inner) if !inner.is_empty() => {
                let mut sub: Vec<&String> = inner.keys().collect();
                sub.sort();
                out.extend(sub.into_iter().map(|kk| format!("{k}.{kk}")));
            }
            _ => out.push(k.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::testutil::{documents, round_trip, shared_spec};
    use serde_json::json;

    #[test]
    fn examples_round_trip() {
        if shared_spec("auth_tokens::examples_round_trip").is_none() {
            return;
        }
        for doc in documents("examples/auth_token_create_request.json") {
            let t: AuthToken = round_trip("create", &doc);
            let setup = t.bidi_generate_content_setup.unwrap();
            assert!(setup.session_resumption.is_some());
            assert_eq!(t.uses, Some(1));
        }
        for doc in documents("examples/auth_token_response.json") {
            let t: AuthToken = round_trip("response", &doc);
            assert!(t.name.unwrap().starts_with("auth_tokens/"));
        }
    }

    #[test]
    fn field_mask_derivation() {
        let setup = BidiGenerateContentSetup::new("m").with_session_resumption(None);
        let t = AuthToken::new()
            .with_live_connect_constraints(setup.clone())
            .with_lock_additional_fields(Vec::<String>::new());
        assert_eq!(t.field_mask.as_deref(), Some("model,sessionResumption"));
        let t = AuthToken::new()
            .with_live_connect_constraints(setup)
            .with_lock_additional_fields(["topK", "systemInstruction", "model"]);
        assert_eq!(
            t.field_mask.as_deref(),
            Some("model,sessionResumption,generationConfig.topK,systemInstruction")
        );
        let snake: AuthToken = serde_json::from_value(json!({
            "expire_time": "2026-11-25T14:00:00Z", "new_session_expire_time": "2026-11-25T13:11:00Z",
            "field_mask": "model", "bidi_generate_content_setup": {"model": "models/m"}
        }))
        .unwrap();
        assert_eq!(snake.field_mask.as_deref(), Some("model"));
        assert!(snake.new_session_expire_time.is_some());
    }
}

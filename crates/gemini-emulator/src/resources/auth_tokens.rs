//! Ephemeral auth tokens (`POST /v1alpha/auth_tokens`, `../shared/spec/API.md` section 15) and
//! their enforcement on the constrained Live endpoint ([`redeem`], [`constrain`]).
//!
//! A token is created with an API key and handed to a client app, which opens Live sessions on
//! `BidiGenerateContentConstrained` with it (`?access_token=auth_tokens/...` or
//! `Authorization: Token auth_tokens/...`). The emulator enforces, by its [`Clock`](crate::Clock):
//!
//! * `expireTime` (default 30 minutes): an expired token is gone from the store, so every use
//!   is refused;
//! * `newSessionExpireTime` (default 1 minute): no new session starts after it;
//! * `uses` (default 1; `0` means no limit): each new session spends one. Resuming a session
//!   with a `sessionResumption.handle` spends none and only needs the token unexpired (the
//!   `AuthToken.uses` documentation: "Resuming a Live API session does not count as a use");
//! * `bidiGenerateContentSetup` with `fieldMask`: see [`constrain`];
//! * a token is not an API key: REST calls with one get the invalid-key error
//!   ([`crate::auth::check`]).
//!
//! Refusals close the WebSocket with code 1008 (policy violation) after the client's `setup`
//! arrives; the reasons are the emulator's wording, starting with the real 401 message.

use std::time::{Duration, SystemTime};

use gemini_types::AuthToken;
use serde_json::{Map, Value, json};

use crate::clock::rfc3339;
use crate::errors::{ApiError, default_message};
use crate::resources::{Call, Handler};
use crate::respond::Payload;
use crate::state::State;
use crate::store::{Record, Resource};
use crate::validate::{camel, content_extras, parse_strict};

/// The default lifetime of a token.
const DEFAULT_EXPIRY: Duration = Duration::from_secs(30 * 60);
/// The default time a token can start sessions in.
const DEFAULT_NEW_SESSION_EXPIRY: Duration = Duration::from_secs(60);
/// The top-level fields of a Live setup, which a field mask path may start with.
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

/// The served token RPCs.
pub(crate) const HANDLERS: &[(&str, Handler)] = &[("authTokens.create", create)];

/// A stored token (its name is the secret).
pub(crate) struct Token {
    /// As created (`0`: unlimited).
    uses: u32,
    /// New sessions it may still start (unused when `uses` is 0).
    uses_left: u32,
    new_session_expire: SystemTime,
    /// The constraints, canonical camelCase (`None`: the client's setup is used as sent).
    setup: Option<Value>,
    /// Locked paths (`None`: the whole setup is locked).
    mask: Option<Vec<String>>,
}

impl Resource for Token {
    const KIND: &'static str = "AuthToken";

    fn to_json(r: &Record<Self>) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), json!(r.name));
        if let Some(t) = r.expire_time {
            out.insert("expireTime".into(), json!(rfc3339(t)));
        }
        out.insert(
            "newSessionExpireTime".into(),
            json!(rfc3339(r.value.new_session_expire)),
        );
        out.insert("uses".into(), json!(r.value.uses));
        Value::Object(out)
    }
}

fn time_of(t: &gemini_types::Timestamp) -> SystemTime {
    let secs = t.unix_seconds();
    let base = if secs >= 0 {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64)
    } else {
        SystemTime::UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
    };
    base + Duration::from_nanos(u64::from(t.subsec_nanos()))
}

fn invalid(field: &str, what: &str) -> ApiError {
    ApiError::invalid_argument(format!("* AuthToken.{field}: {what}\n"))
}

/// The locked paths of a `fieldMask` (camelCase segments), or the real-style 400 for a path
/// outside the setup.
fn parse_mask(mask: &str) -> Result<Vec<String>, ApiError> {
    let mut out = Vec::new();
    for path in mask.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let camel_path: Vec<String> = path.split('.').map(camel).collect();
        let top = camel_path.first().map_or("", String::as_str);
        if !SETUP_FIELDS.contains(&top) || camel_path.iter().any(String::is_empty) {
            return Err(invalid(
                "field_mask",
                &format!(
                    "invalid field mask path {path:?}: not a field of BidiGenerateContentSetup"
                ),
            ));
        }
        let joined = camel_path.join(".");
        if !out.contains(&joined) {
            out.push(joined);
        }
    }
    Ok(out)
}

fn create(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let (parsed, canonical) = parse_strict::<AuthToken>(&body, |t, u| {
        if let Some(si) = t
            .bidi_generate_content_setup
            .as_ref()
            .and_then(|s| s.system_instruction.as_ref())
        {
            content_extras(si, "bidi_generate_content_setup.system_instruction", u);
        }
    })?;
    let now = call.now();
    let expire = parsed
        .expire_time
        .as_ref()
        .map_or(now + DEFAULT_EXPIRY, time_of);
    if expire <= now {
        return Err(invalid("expire_time", "expire_time must be in the future"));
    }
    let new_session_expire = parsed
        .new_session_expire_time
        .as_ref()
        .map_or(now + DEFAULT_NEW_SESSION_EXPIRY, time_of)
        .min(expire);
    if new_session_expire <= now {
        return Err(invalid(
            "new_session_expire_time",
            "new_session_expire_time must be in the future",
        ));
    }
    let uses = match parsed.uses {
        None => 1,
        Some(n) if n >= 0 => n as u32,
        Some(_) => return Err(invalid("uses", "uses must not be negative")),
    };
    let setup = canonical.get("bidiGenerateContentSetup").cloned();
    let mask = match parsed.field_mask.as_deref() {
        Some(m) if setup.is_some() => Some(parse_mask(m)?),
        _ => None,
    };
    let token = Token {
        uses,
        uses_left: uses,
        new_session_expire,
        setup,
        mask,
    };
    call.state
        .store
        .with::<Token, _>(now, |t| {
            // Two store ids: 24 characters of name, the token's only secret.
            let id = format!("{}{}", t.new_id("auth_tokens/"), t.new_id("auth_tokens/"));
            let r = t.insert(now, format!("auth_tokens/{id}"), token)?;
            r.expire_time = Some(expire);
            Ok(Token::to_json(r))
        })
        .map(Payload::Unary)
}

/// What a redeemed token imposes on the session's setup.
#[derive(Debug, Clone, Default)]
pub(crate) struct Constraints {
    setup: Option<Value>,
    mask: Option<Vec<String>>,
}

/// Why a token was refused: the close reason (the close code is 1008).
pub(crate) fn unauthenticated(detail: &str) -> String {
    let base = default_message(401);
    if detail.is_empty() {
        base.to_owned()
    } else {
        format!("{base} {detail}")
    }
}

/// Checks token `name` for a session: a new one (`resume == false`) must start before the
/// token's `newSessionExpireTime` and spends one use; a resumed one only needs the token
/// unexpired. Returns the token's constraints, or the close reason.
pub(crate) fn redeem(state: &State, name: &str, resume: bool) -> Result<Constraints, String> {
    let now = state.config.clock.now();
    state.store.with::<Token, _>(now, |t| {
        let Ok(r) = t.get_mut(now, name) else {
            return Err(unauthenticated(""));
        };
        let token = &mut r.value;
        if !resume {
            if now >= token.new_session_expire {
                return Err(unauthenticated(
                    "The auth token can no longer start new sessions.",
                ));
            }
            if token.uses > 0 {
                if token.uses_left == 0 {
                    return Err(unauthenticated("The auth token has no uses left."));
                }
                token.uses_left -= 1;
            }
        }
        Ok(Constraints {
            setup: token.setup.clone(),
            mask: token.mask.clone(),
        })
    })
}

fn get_path<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, seg| v.get(seg))
}

fn set_path(v: &mut Value, path: &str, value: Option<Value>) {
    let segments: Vec<&str> = path.split('.').collect();
    let Some((last, parents)) = segments.split_last() else {
        return;
    };
    let mut cur = v;
    for seg in parents {
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        if value.is_none() && !obj.contains_key(*seg) {
            return;
        }
        cur = obj.entry((*seg).to_owned()).or_insert_with(|| json!({}));
    }
    if let Some(obj) = cur.as_object_mut() {
        match value {
            Some(v) => {
                obj.insert((*last).to_owned(), v);
            }
            None => {
                obj.remove(*last);
            }
        }
    }
}

/// The setup a constrained session runs with, from the client's (canonical) `setup` and the
/// token's constraints.
///
/// * No constraints: the client's setup.
/// * Constraints without a field mask: the whole setup is locked; the session runs with the
///   token's setup and the client's `sessionResumption` (a handle is not configuration).
/// * Constraints with a field mask: the client's setup, where every locked path takes the
///   token's value (or is removed when the token does not set it), and fields the client left
///   out take the token's.
///
/// A locked field the client sets differently is overridden, not refused: the official SDK's
/// `auth_tokens.create` documentation says a change to a locked field "will be ignored by the
/// API" (google-genai `tokens.py`, `Tokens.create`).
pub(crate) fn constrain(constraints: &Constraints, client: &Value) -> Value {
    let Some(token_setup) = &constraints.setup else {
        return client.clone();
    };
    match &constraints.mask {
        None => {
            let mut out = token_setup.clone();
            if let (Some(obj), Some(resumption)) =
                (out.as_object_mut(), client.get("sessionResumption"))
            {
                obj.insert("sessionResumption".into(), resumption.clone());
            }
            out
        }
        Some(paths) => {
            let mut out = client.clone();
            if let (Some(obj), Some(defaults)) = (out.as_object_mut(), token_setup.as_object()) {
                for (k, v) in defaults {
                    if !obj.contains_key(k) {
                        obj.insert(k.clone(), v.clone());
                    }
                }
            }
            for path in paths {
                set_path(&mut out, path, get_path(token_setup, path).cloned());
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(
            parse_mask("model, generation_config.temperature,,model").unwrap(),
            vec!["model", "generationConfig.temperature"]
        );
        assert_eq!(parse_mask("nope").unwrap_err().code, 400);
    }

    #[test]
    fn constraints_override_locked_fields() {
        let token = json!({
            "model": "models/gemini-live-2.5-flash-preview",
            "generationConfig": {"temperature": 0.2, "responseModalities": ["TEXT"]},
            "systemInstruction": {"parts": [{"text": "Be brief."}]},
        });
        let client = json!({
            "model": "models/other",
            "generationConfig": {"temperature": 1.5, "topK": 3},
            "sessionResumption": {"handle": "h"},
        });
        // No constraints at all.
        let free = constrain(&Constraints::default(), &client);
        assert_eq!(free, client);
        // Whole setup locked.
        let all = constrain(
            &Constraints {
                setup: Some(token.clone()),
                mask: None,
            },
            &client,
        );
        assert_eq!(all["model"], token["model"]);
        assert_eq!(all["generationConfig"], token["generationConfig"]);
        assert_eq!(all["sessionResumption"]["handle"], "h");
        // Only the model and the temperature locked.
        let some = constrain(
            &Constraints {
                setup: Some(token.clone()),
                mask: Some(vec!["model".into(), "generationConfig.temperature".into()]),
            },
            &client,
        );
        assert_eq!(some["model"], token["model"]);
        assert_eq!(some["generationConfig"]["temperature"], 0.2);
        assert_eq!(some["generationConfig"]["topK"], 3);
        assert!(some["generationConfig"].get("responseModalities").is_none());
        assert_eq!(some["systemInstruction"], token["systemInstruction"]);
        // A locked path the token leaves unset is removed from the client's setup.
        let unset = constrain(
            &Constraints {
                setup: Some(token),
                mask: Some(vec!["generationConfig.topK".into()]),
            },
            &client,
        );
        assert!(unset["generationConfig"].get("topK").is_none());
        assert_eq!(unset["generationConfig"]["temperature"], 1.5);
    }
}

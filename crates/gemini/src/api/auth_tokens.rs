//! Ephemeral auth tokens (`POST /v1alpha/auth_tokens`, ../shared/spec/API.md section 15): a
//! server holding the API key creates a short-lived token for a client app, which opens Live
//! sessions with it ([`ClientBuilder::ephemeral_token`](crate::ClientBuilder::ephemeral_token)).

use std::fmt;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use gemini_types::{AuthToken, Timestamp};
use http::Method;

use crate::Error;
use crate::api::input::{InvalidInput, InvalidInputKind};
use crate::rest::Rest;

/// Ephemeral auth tokens: `client.auth_tokens()`.
///
/// [`create`](Self::create) always calls `v1alpha` (the only version that serves tokens),
/// whatever the client's version. The request is [`AuthToken`]: uses, expiry, the deadline
/// for starting a session, the Live setup the token imposes, and the fields of it that are
/// locked, with the official SDKs' semantics:
///
/// * constraints without a mask ([`AuthToken::with_live_connect_constraints`] alone): every
///   field of the constraints is locked (no `fieldMask` is sent);
/// * [`with_lock_additional_fields`](AuthToken::with_lock_additional_fields) with an empty
///   list: exactly the fields set in the constraints are locked;
/// * with names: those fields plus the named ones (`temperature` means
///   `generationConfig.temperature`).
///
/// An expiry (or session deadline) that has already passed on the client's clock, or fewer
/// than one use, is an [`Error::Build`] ([`InvalidInput`]) before anything is sent.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use gemini::types::{AuthToken, BidiGenerateContentSetup, Timestamp};
/// let client = gemini::Client::from_env()?;
/// let token = client
///     .auth_tokens()
///     .create(
///         AuthToken::new()
///             .with_uses(1)
///             .with_expire_time("2030-01-01T00:30:00Z".parse::<Timestamp>().unwrap())
///             .with_live_connect_constraints(BidiGenerateContentSetup::new("gemini-live-2.5-flash"))
///             .with_lock_additional_fields(["temperature"]),
///     )
///     .await?;
/// // Hand `token.name` to the app; it builds its client with `ephemeral_token`.
/// # let _ = token;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct AuthTokens {
    rest: Rest,
}

crate::rest::resource_handle!(AuthTokens);

impl AuthTokens {
    /// `auth_tokens.create` (`POST /v1alpha/auth_tokens`): the created token, whose `name`
    /// (`auth_tokens/...`) is what a client app connects with.
    pub async fn create(&self, request: AuthToken) -> Result<AuthToken, Error> {
        let now = self.rest.client.http().clock().system_now();
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let now = (
            i64::try_from(now.as_secs()).unwrap_or(i64::MAX),
            now.subsec_nanos(),
        );
        validate(&request, now)?;
        let base = self.rest.client.config().base_url().trim_end_matches('/');
        let url: http::Uri = format!("{base}/v1alpha/auth_tokens")
            .parse()
            .map_err(|e| Error::build_with("invalid base URL for auth_tokens", e))?;
        self.rest
            .call_absolute(Method::POST, url)
            .json(&request)
            .send()
            .await
    }
}

/// Refuses what the API would: no uses, or an expiry in the past (`now` is seconds and
/// nanoseconds since the Unix epoch).
fn validate(request: &AuthToken, now: (i64, u32)) -> Result<(), Error> {
    if let Some(uses) = request.uses {
        if uses < 1 {
            return Err(InvalidInput::new(
                "uses",
                InvalidInputKind::OutOfRange,
                format!("{uses} sessions: a token allows at least one"),
            )
            .into());
        }
    }
    let past = |field: &str, t: Option<&Timestamp>| -> Result<(), Error> {
        match t {
            Some(t) if (t.unix_seconds(), t.subsec_nanos()) <= now => Err(InvalidInput::new(
                field,
                InvalidInputKind::InThePast,
                format!("{t} has already passed"),
            )
            .into()),
            _ => Ok(()),
        }
    };
    past("expireTime", request.expire_time.as_ref())?;
    past(
        "newSessionExpireTime",
        request.new_session_expire_time.as_ref(),
    )
}

/// An ephemeral token (`auth_tokens/...`): a secret, never shown in `Debug` output.
///
/// ```
/// let token = gemini::EphemeralToken::new("auth_tokens/abc");
/// assert_eq!(token.expose_secret(), "auth_tokens/abc");
/// assert_eq!(format!("{token:?}"), "EphemeralToken(***)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct EphemeralToken(Arc<str>);

impl EphemeralToken {
    /// Wraps a token's name; surrounding whitespace is trimmed.
    pub fn new(token: impl AsRef<str>) -> Self {
        Self(Arc::from(token.as_ref().trim()))
    }

    /// The token from a created [`AuthToken`] (its `name`); `None` when it has none.
    pub fn from_auth_token(token: &AuthToken) -> Option<Self> {
        token.name.as_deref().map(Self::new)
    }

    /// The token itself. Avoid logging it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EphemeralToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EphemeralToken(***)")
    }
}

impl From<&str> for EphemeralToken {
    fn from(token: &str) -> Self {
        Self::new(token)
    }
}

impl From<String> for EphemeralToken {
    fn from(token: String) -> Self {
        Self::new(token)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use gemini_transport::MockTransport;
    use gemini_types::{BidiGenerateContentSetup, GenerationConfig, Modality};
    use serde_json::{Value, json};

    use super::*;
    use crate::Client;

    fn client(mock: &MockTransport) -> Client {
        Client::builder()
            .api_key("k")
            .transport(Arc::new(mock.clone()))
            // 2026-11-25T13:09:31Z.
            .clock(Arc::new(gemini_transport::TestClock::new()))
            .build()
            .unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn sent(mock: &MockTransport) -> Value {
        serde_json::from_slice(&mock.requests()[0].body).unwrap()
    }

    const CREATED: &str = r#"{"name": "auth_tokens/t1", "uses": 1,
        "expireTime": "2026-11-25T13:30:00Z", "newSessionExpireTime": "2026-11-25T13:11:00Z"}"#;

    /// The body is the API's: v1alpha whatever the client's version, the setup without a
    /// `setup` wrapper, and no `fieldMask` when the constraints are wholly locked.
    #[tokio::test]
    async fn create_sends_the_request_as_the_api_expects() {
        let mock = MockTransport::new();
        mock.push_json(200, CREATED);
        let setup = BidiGenerateContentSetup::new("gemini-live-2.5-flash")
            .with_generation_config(GenerationConfig::new().with_temperature(0.5));
        let token = client(&mock)
            .auth_tokens()
            .create(
                AuthToken::new()
                    .with_uses(1)
                    .with_expire_time(ts("2026-11-25T13:30:00Z"))
                    .with_new_session_expire_time(ts("2026-11-25T13:11:00Z"))
                    .with_live_connect_constraints(setup),
            )
            .await
            .unwrap();
        assert_eq!(token.name.as_deref(), Some("auth_tokens/t1"));
        let r = &mock.requests()[0];
        assert_eq!(r.method, Method::POST);
        assert_eq!(
            r.uri.to_string(),
            "https://generativelanguage.googleapis.com/v1alpha/auth_tokens"
        );
        assert_eq!(r.headers["x-goog-api-key"], "k");
        assert_eq!(
            sent(&mock),
            json!({
                "uses": 1,
                "expireTime": "2026-11-25T13:30:00Z",
                "newSessionExpireTime": "2026-11-25T13:11:00Z",
                "bidiGenerateContentSetup": {
                    "model": "models/gemini-live-2.5-flash",
                    "generationConfig": {"temperature": 0.5}
                }
            })
        );
    }

    /// The field mask follows the SDKs: an empty lock list locks the fields set, names add
    /// to them (bare generation-config names get their prefix).
    #[tokio::test]
    async fn field_masks_follow_the_sdks() {
        let setup = || {
            BidiGenerateContentSetup::new("m").with_generation_config(
                GenerationConfig::new()
                    .with_temperature(0.2)
                    .with_response_modalities([Modality::Audio]),
            )
        };
        let cases: [(AuthToken, &str); 3] = [
            (
                AuthToken::new()
                    .with_live_connect_constraints(setup())
                    .with_lock_additional_fields(Vec::<String>::new()),
                "model,generationConfig.responseModalities,generationConfig.temperature",
            ),
            (
                AuthToken::new()
                    .with_live_connect_constraints(setup())
                    .with_lock_additional_fields(["topK", "systemInstruction"]),
                "model,generationConfig.responseModalities,generationConfig.temperature,generationConfig.topK,systemInstruction",
            ),
            (
                AuthToken::new().with_lock_additional_fields(["temperature"]),
                "temperature",
            ),
        ];
        for (request, mask) in cases {
            let mock = MockTransport::new();
            mock.push_json(200, CREATED);
            client(&mock).auth_tokens().create(request).await.unwrap();
            assert_eq!(sent(&mock)["fieldMask"], mask);
        }
    }

    /// An expiry in the past, a session deadline in the past, or no uses: typed errors,
    /// nothing sent.
    #[tokio::test]
    async fn bad_tokens_are_refused_before_sending() {
        let mock = MockTransport::new();
        let tokens = client(&mock).auth_tokens();
        let cases = [
            (
                AuthToken::new().with_expire_time(ts("2026-11-25T12:59:59Z")),
                "expireTime",
                InvalidInputKind::InThePast,
            ),
            (
                AuthToken::new().with_expire_time(ts("2026-11-25T13:09:31Z")),
                "expireTime",
                InvalidInputKind::InThePast,
            ),
            (
                AuthToken::new().with_new_session_expire_time(ts("2020-01-01T00:00:00Z")),
                "newSessionExpireTime",
                InvalidInputKind::InThePast,
            ),
            (
                AuthToken::new().with_uses(0),
                "uses",
                InvalidInputKind::OutOfRange,
            ),
        ];
        for (request, field, kind) in cases {
            let e = tokens.create(request).await.unwrap_err();
            let invalid = InvalidInput::find(&e).unwrap();
            assert_eq!((invalid.field(), invalid.kind()), (field, kind), "{e}");
        }
        assert!(mock.requests().is_empty());
    }

    /// A client built from a token refuses every REST call before sending, never shows the
    /// token, and cannot also hold a key.
    #[tokio::test]
    async fn token_clients_open_live_sessions_only() {
        let mock = MockTransport::new();
        let client = Client::builder()
            .ephemeral_token("auth_tokens/secret-token")
            .transport(Arc::new(mock.clone()))
            .build()
            .unwrap();
        assert_eq!(
            client.ephemeral_token().unwrap().expose_secret(),
            "auth_tokens/secret-token"
        );
        assert_eq!(client.config().api_version().as_str(), "v1alpha");
        assert!(!format!("{client:?}").contains("secret-token"));
        let errors = [
            client
                .models()
                .generate_content("gemini-2.5-flash", "hi")
                .await
                .unwrap_err(),
            client.files().get("files/a").await.unwrap_err(),
            client
                .auth_tokens()
                .create(AuthToken::new())
                .await
                .unwrap_err(),
            client
                .files()
                .download("files/a", &mut Vec::new())
                .await
                .unwrap_err(),
        ];
        for e in &errors {
            assert_eq!(
                InvalidInput::find(e).unwrap().kind(),
                InvalidInputKind::EphemeralTokenClient
            );
            assert!(!e.report().contains("secret-token"));
        }
        assert!(mock.requests().is_empty());
        let both = Client::builder()
            .api_key("k")
            .ephemeral_token("auth_tokens/x")
            .transport(Arc::new(mock.clone()))
            .build()
            .unwrap_err();
        assert!(matches!(both, Error::Build(_)));
        let created: AuthToken = serde_json::from_str(CREATED).unwrap();
        assert_eq!(
            EphemeralToken::from_auth_token(&created)
                .unwrap()
                .expose_secret(),
            "auth_tokens/t1"
        );
    }
}

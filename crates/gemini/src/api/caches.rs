//! The `cachedContents` resource: explicit context caches.

use std::time::Duration;

use gemini_types::{CachedContent, ListCachedContentsResponse, Timestamp};
use http::Method;

use crate::rest::{Rest, names};
use crate::{Error, Pager};

/// The `cachedContents` resource: `client.caches()`.
///
/// A cache holds a prompt prefix (contents, system instruction, tools) for a model, until its
/// expiration. Use it in a request with
/// [`GenerateContentRequest::with_cached_content`](crate::GenerateContentRequest::with_cached_content)
/// and the same model; the answer's `usageMetadata.cachedContentTokenCount` counts the tokens
/// read from the cache.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use std::time::Duration;
/// use gemini::types::CachedContent;
/// use gemini::{Content, GenerateContentRequest};
/// let client = gemini::Client::from_env()?;
/// let cache = client
///     .caches()
///     .create(
///         CachedContent::new("gemini-2.5-flash")
///             .with_system_instruction("Answer only from the contract.")
///             .with_content(Content::user("...a long contract..."))
///             .with_ttl(Duration::from_secs(3600)),
///     )
///     .await?;
/// let request = GenerateContentRequest::from("Who signs it?")
///     .with_cached_content(cache.name.clone().unwrap_or_default());
/// let answer = client.models().generate_content("gemini-2.5-flash", request).await?;
/// println!("{}", answer.text().unwrap_or_default());
/// client.caches().update_ttl(cache.id(), Duration::from_secs(7200)).await?;
/// client.caches().delete(cache.id()).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Caches {
    rest: Rest,
}

crate::rest::resource_handle!(Caches);

impl Caches {
    /// `cachedContents.create`: caches `cache` (its model, contents, system instruction and
    /// tools) and returns the cache's name and token count.
    ///
    /// A cache without a model, or with neither a `ttl` nor an `expire_time`, is an
    /// [`Error::Build`] before anything is sent.
    pub async fn create(&self, cache: CachedContent) -> Result<CachedContent, Error> {
        let Some(model) = cache.model.as_deref() else {
            return Err(Error::build(
                "a cache needs a model: use CachedContent::new(model)",
            ));
        };
        names::resolve(model)?;
        if cache.ttl.is_none() && cache.expire_time.is_none() {
            return Err(Error::build(
                "a cache needs an expiration: set a ttl (CachedContent::with_ttl) or an expire_time (CachedContent::with_expire_time)",
            ));
        }
        self.rest
            .call(Method::POST, "cachedContents")
            .json(&cache)
            .send()
            .await
    }

    /// `cachedContents.get`: one cache (without its contents, which are never returned), by
    /// `cachedContents/{id}` or its id.
    pub async fn get(&self, name: impl AsRef<str>) -> Result<CachedContent, Error> {
        let name = names::resource("cachedContents", name.as_ref())?;
        self.rest.call(Method::GET, name).send().await
    }

    /// `cachedContents.list`: every cache, as a stream that fetches the pages as you go.
    pub fn list(&self) -> Pager<CachedContent> {
        self.rest
            .list::<ListCachedContentsResponse>("cachedContents", Vec::new())
    }

    /// `cachedContents.patch` of the time to live (`?updateMask=ttl`): the cache now expires
    /// `ttl` from now.
    pub async fn update_ttl(
        &self,
        name: impl AsRef<str>,
        ttl: Duration,
    ) -> Result<CachedContent, Error> {
        self.patch(name.as_ref(), "ttl", &CachedContent::ttl_update(ttl))
            .await
    }

    /// `cachedContents.patch` of the expiration time (`?updateMask=expireTime`).
    pub async fn update_expire_time(
        &self,
        name: impl AsRef<str>,
        expire_time: Timestamp,
    ) -> Result<CachedContent, Error> {
        self.patch(
            name.as_ref(),
            "expireTime",
            &CachedContent::expire_time_update(expire_time),
        )
        .await
    }

    async fn patch(
        &self,
        name: &str,
        mask: &str,
        body: &CachedContent,
    ) -> Result<CachedContent, Error> {
        let name = names::resource("cachedContents", name)?;
        self.rest
            .call(Method::PATCH, name)
            .query("updateMask", mask)
            .json(body)
            .send()
            .await
    }

    /// `cachedContents.delete`.
    pub async fn delete(&self, name: impl AsRef<str>) -> Result<(), Error> {
        let name = names::resource("cachedContents", name.as_ref())?;
        self.rest.call(Method::DELETE, name).send_empty().await
    }
}

#[cfg(test)]
mod tests {

    use futures_util::TryStreamExt as _;
    use gemini_transport::MockTransport;
    use gemini_types::Content;
    use serde_json::{Value, json};

    use super::*;

    use crate::rest::mock_client as client;

    const CACHE: &str = r#"{"name": "cachedContents/c1", "model": "models/gemini-2.5-flash",
        "usageMetadata": {"totalTokenCount": 4096}, "expireTime": "2026-12-04T18:00:00Z"}"#;

    #[tokio::test]
    async fn create_get_list_update_delete_wire_shapes() {
        let mock = MockTransport::new();
        for _ in 0..4 {
            mock.push_json(200, CACHE);
        }
        mock.push_json(
            200,
            r#"{"cachedContents": [{"name": "cachedContents/c1"}]}"#,
        )
        .push_json(200, "{}");
        let caches = client(&mock).caches();
        let created = caches
            .create(
                CachedContent::new("gemini-2.5-flash")
                    .with_system_instruction("Be brief.")
                    .with_content(Content::user("a long text"))
                    .with_ttl(Duration::from_secs(600)),
            )
            .await
            .unwrap();
        assert_eq!(created.total_token_count(), 4096);
        caches.get("c1").await.unwrap();
        caches
            .update_ttl("cachedContents/c1", Duration::from_secs(7200))
            .await
            .unwrap();
        let at: Timestamp = "2026-12-05T00:00:00Z".parse().unwrap();
        caches.update_expire_time("c1", at).await.unwrap();
        let all: Vec<CachedContent> = caches.list().try_collect().await.unwrap();
        assert_eq!(all.len(), 1);
        caches.delete("c1").await.unwrap();
        let requests = mock.requests();
        let seen: Vec<(String, String, Value)> = requests
            .iter()
            .map(|r| {
                (
                    r.method.to_string(),
                    r.uri.to_string(),
                    serde_json::from_slice(&r.body).unwrap_or(Value::Null),
                )
            })
            .collect();
        let base = "https://generativelanguage.googleapis.com/v1beta/cachedContents";
        assert_eq!(
            seen,
            [
                (
                    "POST".into(),
                    base.to_owned(),
                    json!({"model": "models/gemini-2.5-flash",
                           "systemInstruction": {"role": "user", "parts": [{"text": "Be brief."}]},
                           "contents": [{"role": "user", "parts": [{"text": "a long text"}]}],
                           "ttl": "600s"})
                ),
                ("GET".into(), format!("{base}/c1"), Value::Null),
                (
                    "PATCH".into(),
                    format!("{base}/c1?updateMask=ttl"),
                    json!({"ttl": "7200s"})
                ),
                (
                    "PATCH".into(),
                    format!("{base}/c1?updateMask=expireTime"),
                    json!({"expireTime": "2026-12-05T00:00:00Z"})
                ),
                ("GET".into(), base.to_owned(), Value::Null),
                ("DELETE".into(), format!("{base}/c1"), Value::Null),
            ]
        );
    }

    /// No model, or neither ttl nor expiry: typed errors, nothing sent.
    #[tokio::test]
    async fn create_checks_model_and_expiration_before_sending() {
        let mock = MockTransport::new();
        let caches = client(&mock).caches();
        let e = caches
            .create(CachedContent::new("gemini-2.5-flash").with_content(Content::user("x")))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Build(_)), "{e}");
        assert!(e.to_string().contains("expiration"), "{e}");
        let e = caches
            .create(CachedContent::ttl_update(Duration::from_secs(60)))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("needs a model"), "{e}");
        assert!(caches.get("files/x").await.is_err());
        assert!(mock.requests().is_empty());
    }
}

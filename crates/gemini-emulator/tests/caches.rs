//! Cached contents over HTTP: create (with the model's minimum size), get, list, patch of the
//! expiry, delete, expiry on the clock, and use by generateContent with
//! `cachedContentTokenCount` in the usage.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use bytes::Bytes;
use gemini_emulator::{Emulator, ManualClock};
use serde_json::{Value, json};
use support::{get, post, send};

const KEY: (&str, &str) = ("x-goog-api-key", "k");

fn long_text(sentences: usize) -> String {
    "Paris is the capital of France. ".repeat(sentences)
}

fn cache_body(model: &str, sentences: usize) -> Value {
    json!({
        "model": model,
        "displayName": "facts",
        "systemInstruction": {"parts": [{"text": "Answer from the facts."}]},
        "contents": [{"role": "user", "parts": [{"text": long_text(sentences)}]}],
        "ttl": "600s"
    })
}

async fn patch(emu: &Emulator, path: &str, body: &Value) -> support::Resp {
    send(
        emu,
        "PATCH",
        path,
        &[KEY, ("content-type", "application/json")],
        body.to_string(),
    )
    .await
}

#[tokio::test]
async fn a_cache_is_used_then_updated_then_expires() {
    let clock = ManualClock::new();
    let emu = Emulator::builder().clock(clock.clone()).start();
    let created = post(
        &emu,
        "/v1beta/cachedContents",
        &cache_body("models/gemini-2.5-flash", 300),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text());
    let cache = created.json();
    let name = cache["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("cachedContents/"), "{name}");
    assert_eq!(cache["model"], "models/gemini-2.5-flash");
    assert_eq!(cache["displayName"], "facts");
    assert_eq!(cache["createTime"], "2026-01-01T00:00:00Z");
    assert_eq!(cache["expireTime"], "2026-01-01T00:10:00Z");
    assert_eq!(cache.get("contents"), None);
    let cached_tokens = cache["usageMetadata"]["totalTokenCount"].as_u64().unwrap();
    assert!(cached_tokens >= 1024, "{cache}");

    // generateContent with the cache: its system instruction and contents are in the prompt.
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &json!({"cachedContent": name, "contents": [{"role": "user", "parts": [{"text": "Capital?"}]}]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = r.json();
    assert_eq!(
        r["candidates"][0]["content"]["parts"][0]["text"],
        "[Answer from the facts.] You said: Capital?"
    );
    let usage = &r["usageMetadata"];
    assert_eq!(
        usage["cachedContentTokenCount"].as_u64(),
        Some(cached_tokens)
    );
    assert_eq!(
        usage["cacheTokensDetails"][0]["tokenCount"].as_u64(),
        Some(cached_tokens)
    );
    let prompt = usage["promptTokenCount"].as_u64().unwrap();
    assert!(prompt > cached_tokens, "{usage}");
    // The same request without the cache counts only its own tokens.
    let plain = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:countTokens",
        &json!({"contents": [{"role": "user", "parts": [{"text": "Capital?"}]}]}),
    )
    .await
    .json();
    assert_eq!(
        prompt,
        cached_tokens + plain["totalTokens"].as_u64().unwrap()
    );

    // Streaming reports it too.
    let s = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
        &json!({"cachedContent": name, "contents": [{"parts": [{"text": "Capital?"}]}]}),
    )
    .await
    .json();
    let last = s.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["usageMetadata"]["cachedContentTokenCount"].as_u64(),
        Some(cached_tokens)
    );

    // The real errors: tools or a system instruction beside a cache, another model.
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &json!({"cachedContent": name, "contents": [{"parts": [{"text": "x"}]}],
                "systemInstruction": {"parts": [{"text": "no"}]}}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.message().starts_with("CachedContent can not be used with GenerateContent request setting system_instruction, tools or tool_config."), "{}", r.text());
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-pro:generateContent",
        &json!({"cachedContent": name, "contents": [{"parts": [{"text": "x"}]}]}),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("has to be the same"), "{}", r.text());

    // Update the ttl (with and without updateMask), then the expiry time.
    clock.advance(Duration::from_secs(300));
    let p = patch(&emu, &format!("/v1beta/{name}"), &json!({"ttl": "7200s"})).await;
    assert_eq!(p.status, 200, "{}", p.text());
    assert_eq!(p.json()["expireTime"], "2026-01-01T02:05:00Z");
    assert_eq!(p.json()["updateTime"], "2026-01-01T00:05:00Z");
    let p = patch(
        &emu,
        &format!("/v1beta/{name}?updateMask=expireTime"),
        &json!({"expireTime": "2026-01-01T01:00:00Z"}),
    )
    .await;
    assert_eq!(
        p.json()["expireTime"],
        "2026-01-01T01:00:00Z",
        "{}",
        p.text()
    );
    let bad = patch(
        &emu,
        &format!("/v1beta/{name}?updateMask=contents"),
        &json!({"ttl": "1s"}),
    )
    .await;
    assert_eq!(bad.status, 400);
    let bad = patch(
        &emu,
        &format!("/v1beta/{name}"),
        &json!({"displayName": "other"}),
    )
    .await;
    assert_eq!(bad.status, 400);
    let bad = patch(&emu, &format!("/v1beta/{name}"), &json!({})).await;
    assert_eq!(bad.status, 400);

    let got = get(&emu, &format!("/v1beta/{name}")).await.json();
    assert_eq!(got["expireTime"], "2026-01-01T01:00:00Z");

    // Expired: gone, and generateContent with it is the real 403.
    clock.advance(Duration::from_secs(55 * 60));
    let gone = get(&emu, &format!("/v1beta/{name}")).await;
    assert_eq!(gone.status, 403);
    assert_eq!(
        gone.message(),
        "CachedContent not found (or permission denied)"
    );
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &json!({"cachedContent": name, "contents": [{"parts": [{"text": "x"}]}]}),
    )
    .await;
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn create_checks_size_model_and_expiry() {
    let emu = Emulator::start();
    let small = post(
        &emu,
        "/v1beta/cachedContents",
        &cache_body("models/gemini-2.5-flash", 3),
    )
    .await;
    assert_eq!(small.status, 400);
    assert!(
        small
            .message()
            .starts_with("Cached content is too small. total_token_count=")
            && small.message().ends_with(", min_total_token_count=1024"),
        "{}",
        small.text()
    );
    // Pro models need 4,096 tokens.
    let pro = post(
        &emu,
        "/v1beta/cachedContents",
        &cache_body("models/gemini-2.5-pro", 300),
    )
    .await;
    assert!(
        pro.message().ends_with("min_total_token_count=4096"),
        "{}",
        pro.text()
    );
    let pro = post(
        &emu,
        "/v1beta/cachedContents",
        &cache_body("models/gemini-2.5-pro", 1000),
    )
    .await;
    assert_eq!(pro.status, 200, "{}", pro.text());

    let mut both = cache_body("models/gemini-2.5-flash", 300);
    both["expireTime"] = json!("2030-01-01T00:00:00Z");
    assert_eq!(
        post(&emu, "/v1beta/cachedContents", &both).await.status,
        400
    );
    let mut unknown = cache_body("models/gemini-2.5-flash", 300);
    unknown["colour"] = json!("red");
    let r = post(&emu, "/v1beta/cachedContents", &unknown).await;
    assert!(
        r.message().contains("Unknown name \"colour\""),
        "{}",
        r.text()
    );
    let r = post(
        &emu,
        "/v1beta/cachedContents",
        &cache_body("models/gemini-9-imaginary", 300),
    )
    .await;
    assert_eq!(r.status, 404);
    let mut no_model = cache_body("", 300);
    no_model.as_object_mut().unwrap().remove("model");
    assert_eq!(
        post(&emu, "/v1beta/cachedContents", &no_model).await.status,
        400
    );
}

#[tokio::test]
async fn caches_list_and_delete() {
    let clock = ManualClock::new();
    let emu = Emulator::builder().clock(clock.clone()).start();
    let mut body = cache_body("models/gemini-2.5-flash", 300);
    body.as_object_mut().unwrap().remove("ttl");
    let mut names = Vec::new();
    for _ in 0..3 {
        let c = post(&emu, "/v1beta/cachedContents", &body).await.json();
        // The default ttl is one hour.
        assert_eq!(c["expireTime"], "2026-01-01T01:00:00Z");
        names.push(c["name"].as_str().unwrap().to_owned());
    }
    let page = get(&emu, "/v1beta/cachedContents?pageSize=2").await.json();
    assert_eq!(page["cachedContents"].as_array().unwrap().len(), 2);
    assert_eq!(page["cachedContents"][0]["name"], names[2].as_str());
    assert!(page["nextPageToken"].is_string());
    let d = send(
        &emu,
        "DELETE",
        &format!("/v1beta/{}", names[1]),
        &[KEY],
        Bytes::new(),
    )
    .await;
    assert_eq!((d.status, d.json()), (200, json!({})));
    let all = get(&emu, "/v1beta/cachedContents").await.json();
    assert_eq!(all["cachedContents"].as_array().unwrap().len(), 2);
    assert_eq!(
        get(&emu, &format!("/v1beta/{}", names[1])).await.status,
        403
    );
}

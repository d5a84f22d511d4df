//! `client.caches()` against the emulator: a cache used by generateContent (cached tokens in
//! the usage), updated, expired; and the typed error raised before sending.

use std::time::Duration;

use futures_util::TryStreamExt as _;
use gemini::types::CachedContent;
use gemini::{Content, Error, GenerateContentRequest};
use gemini_emulator::{Emulator, ManualClock};
use integration_tests::{KEY, MODEL, client, emulator, within};

#[path = "../../crates/gemini/examples/caches.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod caches_example;

fn long_document() -> String {
    "The warehouse opens at seven and closes at nine. ".repeat(300)
}

#[tokio::test]
async fn a_cache_is_used_updated_and_expires() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .api_key(KEY)
        .clock(clock.clone())
        .start();
    let client = client(&emu);
    let caches = client.caches();
    let cache = within(
        caches.create(
            CachedContent::new(MODEL)
                .with_system_instruction("Answer from the document.")
                .with_content(Content::user(long_document()))
                .with_ttl(Duration::from_secs(600)),
        ),
    )
    .await
    .unwrap();
    let name = cache.name.clone().unwrap();
    assert!(cache.total_token_count() >= 1024, "{cache:?}");
    let first_expiry = cache.expire_time.unwrap();

    let answer = within(client.models().generate_content(
        MODEL,
        GenerateContentRequest::from("When does it open?").with_cached_content(&name),
    ))
    .await
    .unwrap();
    let usage = answer.usage_metadata.clone().unwrap();
    assert_eq!(
        usage.cached_content_token_count,
        Some(cache.total_token_count())
    );
    let sent = emu.last_body("generateContent").unwrap();
    assert_eq!(sent["cachedContent"], name.as_str());

    let listed: Vec<CachedContent> = within(caches.list().try_collect()).await.unwrap();
    assert_eq!(listed.len(), 1);

    let updated = within(caches.update_ttl(&name, Duration::from_secs(7200)))
        .await
        .unwrap();
    assert_ne!(updated.expire_time.unwrap(), first_expiry);
    let patch = emu
        .requests()
        .into_iter()
        .rfind(|r| *r.method() == http::Method::PATCH)
        .unwrap();
    assert_eq!(patch.query_param("updateMask").as_deref(), Some("ttl"));

    clock.advance(Duration::from_secs(7201));
    let e = within(caches.get(&name)).await.unwrap_err();
    assert!(e.status().is_some_and(|s| s.is_client_error()), "{e:?}");
    let e = within(client.models().generate_content(
        MODEL,
        GenerateContentRequest::from("Still there?").with_cached_content(&name),
    ))
    .await
    .unwrap_err();
    assert!(e.status().is_some_and(|s| s.is_client_error()), "{e:?}");
}

#[tokio::test]
async fn delete_and_typed_errors() {
    let emu = emulator();
    let client = client(&emu);
    let caches = client.caches();
    let e = caches
        .create(CachedContent::new(MODEL).with_content(Content::user(long_document())))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Build(_)), "{e:?}");
    assert_eq!(emu.count("*"), 0);
    // Too small for the model's minimum: the server's error.
    let e = within(
        caches.create(
            CachedContent::new(MODEL)
                .with_content(Content::user("short"))
                .with_ttl(Duration::from_secs(60)),
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400), "{e:?}");
    let cache = within(
        caches.create(
            CachedContent::new(MODEL)
                .with_content(Content::user(long_document()))
                .with_ttl(Duration::from_secs(60)),
        ),
    )
    .await
    .unwrap();
    within(caches.delete(cache.id())).await.unwrap();
    assert!(within(caches.get(cache.id())).await.is_err());
}

#[tokio::test]
async fn example_caches() {
    let emu = emulator();
    let client = client(&emu);
    within(caches_example::run(&client, MODEL)).await.unwrap();
    assert!(emu.count("*") > 0);
}

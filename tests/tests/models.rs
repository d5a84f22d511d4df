//! The `models` surface against the emulator: every method, the wire details, and the escape
//! hatches.

use futures_util::TryStreamExt;
use gemini::types::{CountTokensRequest, EmbedContentRequest};
use gemini::{Error, RequestOptions};
use integration_tests::{EMBEDDING_MODEL, KEY, MODEL, client, emulator, within};
use serde_json::json;

#[tokio::test]
async fn generate_content_is_one_expression() {
    let emu = emulator();
    let client = client(&emu);
    let text = within(
        client
            .models()
            .generate_content(MODEL, "Explain how AI works in a few words"),
    )
    .await
    .unwrap()
    .text();
    assert_eq!(
        text.as_deref(),
        Some("You said: Explain how AI works in a few words")
    );

    let req = &emu.requests_for("generateContent")[0];
    assert_eq!(
        req.path(),
        "/v1beta/models/gemini-2.5-flash:generateContent"
    );
    assert_eq!(req.header("x-goog-api-key"), Some(KEY));
    assert_eq!(req.query(), None, "the key never goes in the URL");
    assert!(req.header("user-agent").is_some_and(|ua| !ua.is_empty()));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(
        req.json().unwrap()["contents"],
        json!([{"role": "user", "parts": [{"text": "Explain how AI works in a few words"}]}])
    );
}

#[tokio::test]
async fn model_names_are_validated_before_sending() {
    let emu = emulator();
    let client = client(&emu);
    for bad in ["../files/x", "gemini?alt=json", "a&b", ""] {
        let e = client
            .models()
            .generate_content(bad, "hi")
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Build(_)), "{bad:?}: {e:?}");
    }
    assert_eq!(emu.count("*"), 0);
    let r = within(
        client
            .models()
            .generate_content("models/gemini-2.5-flash", "hi"),
    )
    .await
    .unwrap();
    assert!(r.text().is_some());
}

#[tokio::test]
async fn count_tokens_plain_and_wrapped() {
    let emu = emulator();
    let client = client(&emu);
    let plain = within(client.models().count_tokens(MODEL, "one two three"))
        .await
        .unwrap();
    assert!(plain.total() > 0);
    let wrapped = CountTokensRequest::for_request(
        "models/gemini-2.5-flash",
        gemini::GenerateContentRequest::from("one two three").with_system_instruction("Be brief."),
    );
    let with_system = within(client.models().count_tokens(MODEL, wrapped))
        .await
        .unwrap();
    assert!(with_system.total() > plain.total());
    let body = emu.last_body("countTokens").unwrap();
    assert_eq!(
        body["generateContentRequest"]["model"],
        "models/gemini-2.5-flash"
    );
}

#[tokio::test]
async fn embed_content_and_batch() {
    let emu = emulator();
    let client = client(&emu);
    let one = within(client.models().embed_content(EMBEDDING_MODEL, "hello"))
        .await
        .unwrap();
    let values = one.embedding.unwrap().values;
    assert!(!values.is_empty());

    let batch = within(client.models().batch_embed_contents(
        EMBEDDING_MODEL,
        [
            EmbedContentRequest::new("hello"),
            EmbedContentRequest::new("world"),
        ],
    ))
    .await
    .unwrap();
    assert_eq!(batch.embeddings.len(), 2);
    assert_eq!(
        batch.embeddings[0].values, values,
        "same input, same embedding"
    );
    let body = emu.last_body("batchEmbedContents").unwrap();
    for r in body["requests"].as_array().unwrap() {
        assert_eq!(r["model"], "models/gemini-embedding-001");
    }
}

#[tokio::test]
async fn get_and_list_across_pages() {
    let emu = emulator();
    let client = client(&emu);
    let model = within(client.models().get(MODEL)).await.unwrap();
    assert_eq!(model.name.as_deref(), Some("models/gemini-2.5-flash"));
    let missing = within(client.models().get("no-such-model"))
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(http::StatusCode::NOT_FOUND));

    // Page by page.
    let first = within(client.models().list_page(Some(3), None))
        .await
        .unwrap();
    assert_eq!(first.models.len(), 3);
    let token = first.next_page_token().unwrap().to_owned();
    let second = within(client.models().list_page(Some(3), Some(&token)))
        .await
        .unwrap();
    assert_ne!(first.models[0].name, second.models[0].name);

    // The stream walks every page.
    let mut pager = client.models().list().with_page_size(3);
    let mut all = Vec::new();
    while let Some(m) = within(pager.try_next()).await.unwrap() {
        all.push(m.name.unwrap());
        assert!(all.len() < 1000, "the pager terminates");
    }
    assert!(pager.pages_fetched() >= 2, "more than one page");
    let unpaged: Vec<_> = within(client.models().list().try_collect::<Vec<_>>())
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name.unwrap())
        .collect();
    assert_eq!(all, unpaged);
    assert!(all.contains(&"models/gemini-2.5-flash".to_owned()));
    let list_requests = emu.requests_for("listModels");
    assert!(
        list_requests
            .iter()
            .any(|r| r.query_param("pageToken").is_some())
    );
    assert!(
        list_requests
            .iter()
            .any(|r| r.query_param("pageSize").as_deref() == Some("3"))
    );
}

#[tokio::test]
async fn options_add_headers_and_extra_body() {
    let emu = emulator();
    let client = client(&emu);
    let options = RequestOptions::new()
        .with_header(
            http::HeaderName::from_static("x-test"),
            http::HeaderValue::from_static("yes"),
        )
        .with_extra_body(json!({"generationConfig": {"seed": 7}, "labels": {"team": "a"}}));
    within(
        client.models().with_options(options).generate_content(
            MODEL,
            gemini::GenerateContentRequest::from("hi")
                .with_generation_config(gemini::GenerationConfig::new().with_temperature(0.5)),
        ),
    )
    .await
    .unwrap();
    let req = &emu.requests_for("generateContent")[0];
    assert_eq!(req.header("x-test"), Some("yes"));
    let body = req.json().unwrap();
    assert_eq!(body["generationConfig"]["seed"], 7);
    assert_eq!(body["generationConfig"]["temperature"], 0.5);
    assert_eq!(body["labels"]["team"], "a");
}

#[tokio::test]
async fn api_errors_are_typed() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("generateContent")
        .reply(
            integration_tests::Reply::status(400).with_error_detail(json!({
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID", "domain": "googleapis.com"
            })),
        );
    let e = within(client.models().generate_content(MODEL, "hi"))
        .await
        .unwrap_err();
    let api = e.api_error().unwrap();
    assert_eq!(api.status(), http::StatusCode::BAD_REQUEST);
    assert_eq!(api.reason(), Some("API_KEY_INVALID"));
    assert!(!e.is_retryable());
    assert_eq!(emu.count("generateContent"), 1, "a 400 is not retried");
    assert!(!format!("{e:?} {e}").contains(KEY));

    // A wrong key is rejected by the emulator like the real service.
    let other = gemini::Client::builder()
        .api_key("wrong")
        .base_url(emu.base_url())
        .build()
        .unwrap();
    let e = within(other.models().generate_content(MODEL, "hi"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::BAD_REQUEST));
}

#[tokio::test]
async fn raw_calls_share_auth_and_errors() {
    let emu = emulator();
    let client = client(&emu);
    let v = within(client.raw().post_json(
        "models/gemini-2.5-flash:generateContent",
        &json!({"contents": [{"role": "user", "parts": [{"text": "raw"}]}]}),
    ))
    .await
    .unwrap();
    assert_eq!(
        v["candidates"][0]["content"]["parts"][0]["text"],
        "You said: raw"
    );
    let models = within(client.raw().get_json("models")).await.unwrap();
    assert!(models["models"].as_array().is_some_and(|m| !m.is_empty()));
    let e = within(client.raw().get_json("models/nope"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::NOT_FOUND));

    let mut events = within(client.raw().post_stream(
        "models/gemini-2.5-flash:streamGenerateContent",
        &json!({"contents": [{"role": "user", "parts": [{"text": "raw stream"}]}]}),
    ))
    .await
    .unwrap();
    let mut text = String::new();
    while let Some(v) = within(events.try_next()).await.unwrap() {
        if let Some(t) = v["candidates"][0]["content"]["parts"][0]["text"].as_str() {
            text.push_str(t);
        }
    }
    assert_eq!(text, "You said: raw stream");
    assert_eq!(
        emu.requests_for("streamGenerateContent")[0]
            .query_param("alt")
            .as_deref(),
        Some("sse")
    );
}

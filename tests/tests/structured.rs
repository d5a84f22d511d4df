//! Structured output: JSON decoded into a Rust type, or an error that keeps the raw text.

use gemini::Error;
use integration_tests::{MODEL, client, emulator, within};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[allow(dead_code)] // Fields are read through Debug and the assertions below.
struct Recipe {
    /// The recipe's name.
    name: String,
    /// Minutes of work.
    minutes: u32,
    ingredients: Vec<Ingredient>,
    vegetarian: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[allow(dead_code)]
struct Ingredient {
    item: String,
    grams: f64,
}

#[tokio::test]
async fn json_into_a_struct() {
    let emu = emulator();
    let client = client(&emu);
    let recipe: Recipe = within(client.models().generate_json(MODEL, "A cookie recipe"))
        .await
        .unwrap();
    assert!(!recipe.name.is_empty());
    let config = &emu.last_body("generateContent").unwrap()["generationConfig"];
    assert_eq!(config["responseMimeType"], "application/json");
    let schema = &config["responseJsonSchema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(
        schema["properties"]["ingredients"]["items"]["properties"]["grams"]["type"],
        "number"
    );
    assert!(schema.get("$schema").is_none());
}

#[tokio::test]
async fn invalid_json_is_a_typed_error_with_the_raw_text() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("generateContent").reply_json(json!({
        "candidates": [{"content": {"role": "model", "parts": [{"text": "{\"name\": \"Cookies\", \"minutes\": \"soon\"}"}]},
            "finishReason": "STOP"}]
    }));
    let e = within(
        client
            .models()
            .generate_json::<Recipe>(MODEL, "A cookie recipe"),
    )
    .await
    .unwrap_err();
    let Error::Decode(d) = &e else {
        panic!("expected a decode error, got {e:?}")
    };
    assert!(d.is_structured_output());
    assert_eq!(
        d.raw_text(),
        Some("{\"name\": \"Cookies\", \"minutes\": \"soon\"}")
    );
    assert!(d.json_error().is_some());
    assert!(!e.is_retryable());

    // No text at all (blocked): still an error, never a silent None.
    emu.script("generateContent")
        .reply_json(json!({"promptFeedback": {"blockReason": "SAFETY"}}));
    let e = within(
        client
            .models()
            .generate_json::<Recipe>(MODEL, "A cookie recipe"),
    )
    .await
    .unwrap_err();
    assert!(matches!(&e, Error::Decode(d) if d.raw_text() == Some("") && d.json_error().is_none()));
}

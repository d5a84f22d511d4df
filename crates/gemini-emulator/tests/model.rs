//! The deterministic model: schema-valid JSON output and function calling with signatures.

// Test helpers outside #[test] functions may panic too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use gemini_emulator::{Emulator, validate_json};
use serde_json::{Value, json};
use support::post;

const G3: &str = "/v1beta/models/gemini-3-pro-preview:generateContent";

fn reply_text(v: &Value) -> String {
    v["candidates"][0]["content"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["thought"] != json!(true))
        .filter_map(|p| p["text"].as_str())
        .collect()
}

#[tokio::test]
async fn json_output_validates_against_json_schema_and_openapi_schema() {
    let emu = Emulator::start();
    let json_schema = json!({
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 1},
            "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
            "rating": {"type": "number", "minimum": 0, "maximum": 5},
            "genre": {"type": "string", "enum": ["drama", "comedy", "horror"]},
            "cast": {"type": "array", "minItems": 2, "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "age": {"type": ["integer", "null"]}},
                "required": ["name"]
            }},
            "sequel": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/ref"}]}
        },
        "required": ["title", "year", "genre", "cast"],
        "additionalProperties": false,
        "$defs": {"ref": {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}}
    });
    let openapi = json!({
        "type": "ARRAY",
        "minItems": "2",
        "items": {
            "type": "OBJECT",
            "properties": {
                "recipe_name": {"type": "STRING"},
                "ingredients": {"type": "ARRAY", "items": {"type": "STRING"}},
                "difficulty": {"type": "STRING", "format": "enum", "enum": ["easy", "hard"]}
            },
            "required": ["recipe_name", "ingredients"],
            "propertyOrdering": ["recipe_name", "ingredients", "difficulty"]
        }
    });
    for (key, schema) in [
        ("responseJsonSchema", &json_schema),
        ("responseSchema", &openapi),
    ] {
        for prompt in ["List two", "Something else entirely"] {
            let body = json!({
                "contents": [{"role": "user", "parts": [{"text": prompt}]}],
                "generationConfig": {"responseMimeType": "application/json", key: schema}
            });
            let r = post(
                &emu,
                "/v1beta/models/gemini-2.5-flash:generateContent",
                &body,
            )
            .await;
            assert_eq!(r.status, 200, "{}", r.text());
            let text = reply_text(&r.json());
            let value: Value = serde_json::from_str(&text).unwrap();
            if let Err(e) = validate_json(schema, &value) {
                panic!("{key}: {value} does not validate: {e}");
            }
        }
    }
    // Function calling and JSON output together is refused, as by the real service.
    let body = json!({
        "contents": [{"parts": [{"text": "x"}]}],
        "tools": [{"functionDeclarations": [{"name": "f"}]}],
        "generationConfig": {"responseMimeType": "application/json"}
    });
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &body,
    )
    .await;
    assert_eq!(
        r.message(),
        "Function calling with a response mime type: 'application/json' is unsupported"
    );
}

fn tools() -> Value {
    json!([{"functionDeclarations": [
        {"name": "get_weather", "description": "Weather for a city",
         "parameters": {"type": "OBJECT", "properties": {
             "city": {"type": "STRING"},
             "unit": {"type": "STRING", "enum": ["celsius", "fahrenheit"]}},
           "required": ["city", "unit"]}},
        {"name": "get_time", "parametersJsonSchema": {"type": "object",
            "properties": {"zone": {"type": "string"}}, "required": ["zone"]}},
        {"name": "unused"}
    ]}])
}

#[tokio::test]
async fn function_calling_round_trip_with_signatures() {
    let emu = Emulator::start();
    let user = json!({"role": "user", "parts": [{"text": "Please call get_weather and get_time for Paris"}]});
    let first = post(&emu, G3, &json!({"contents": [user], "tools": tools()})).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let first = first.json();
    let model_turn = first["candidates"][0]["content"].clone();
    let parts = model_turn["parts"].as_array().unwrap();
    // Parallel calls in one content; the first carries the signature.
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["functionCall"]["name"], "get_weather");
    assert_eq!(parts[1]["functionCall"]["name"], "get_time");
    assert!(parts[0]["thoughtSignature"].is_string());
    let args = &parts[0]["functionCall"]["args"];
    assert!(args["city"].is_string());
    assert!(["celsius", "fahrenheit"].contains(&args["unit"].as_str().unwrap()));
    assert!(parts[1]["functionCall"]["args"]["zone"].is_string());

    let responses = json!({"role": "user", "parts": [
        {"functionResponse": {"name": "get_weather", "response": {"temp_c": 21}}},
        {"functionResponse": {"name": "get_time", "response": {"time": "12:00"}}}
    ]});
    let follow_up = json!({"contents": [user, model_turn, responses], "tools": tools()});
    let second = post(&emu, G3, &follow_up).await;
    assert_eq!(second.status, 200, "{}", second.text());
    let second = second.json();
    let text = reply_text(&second);
    assert!(
        text.contains(r#"get_weather returned {"temp_c":21}"#),
        "{text}"
    );
    assert!(
        text.contains(r#"get_time returned {"time":"12:00"}"#),
        "{text}"
    );
    assert!(second["candidates"][0]["content"]["parts"][0]["thoughtSignature"].is_string());

    // Dropping the signature from the function-call turn is rejected like the real service.
    let mut dropped = follow_up.clone();
    dropped["contents"][1]["parts"][0]
        .as_object_mut()
        .unwrap()
        .remove("thoughtSignature");
    let r = post(&emu, G3, &dropped).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.message(),
        "Function call is missing a thought_signature in functionCall parts. This is required \
         for tools to work correctly, and missing thought_signature may lead to degraded model \
         performance. Additional data, function call `default_api:get_weather` , position 2. \
         Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details."
    );
    assert_eq!(r.json()["error"]["status"], "INVALID_ARGUMENT");

    // An altered call (or signature) is "corrupted".
    let mut altered = follow_up.clone();
    altered["contents"][1]["parts"][0]["functionCall"]["args"]["city"] = json!("Elsewhere");
    let r = post(&emu, G3, &altered).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.message(), "Corrupted thought signature.");

    // The documented bypass value is accepted; older models do not require signatures.
    let mut bypass = dropped.clone();
    bypass["contents"][1]["parts"][0]["thoughtSignature"] =
        json!("c2tpcF90aG91Z2h0X3NpZ25hdHVyZV92YWxpZGF0b3I=");
    assert_eq!(post(&emu, G3, &bypass).await.status, 200);
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &dropped,
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn function_calling_config_modes() {
    let emu = Emulator::start();
    let url = "/v1beta/models/gemini-2.5-flash:generateContent";
    // No mention: text.
    let v = post(
        &emu,
        url,
        &json!({"contents": [{"parts": [{"text": "hello"}]}], "tools": tools()}),
    )
    .await
    .json();
    assert!(v["candidates"][0]["content"]["parts"][0]["text"].is_string());
    // ANY forces a call, restricted to the allowed names.
    let body = json!({
        "contents": [{"parts": [{"text": "hello"}]}], "tools": tools(),
        "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_time"]}}
    });
    let v = post(&emu, url, &body).await.json();
    assert_eq!(
        v["candidates"][0]["content"]["parts"][0]["functionCall"]["name"],
        "get_time"
    );
    // NONE never calls.
    let body = json!({
        "contents": [{"parts": [{"text": "call get_weather"}]}], "tools": tools(),
        "toolConfig": {"functionCallingConfig": {"mode": "NONE"}}
    });
    let v = post(&emu, url, &body).await.json();
    assert!(v["candidates"][0]["content"]["parts"][0]["text"].is_string());
}

//! Routing, authentication, strict validation and the non-streaming endpoints.

// Test helpers outside #[test] functions may panic too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use gemini_emulator::{Catalogue, Emulator, ModelSpec};
use serde_json::{Value, json};
use support::{get, post, prompt, send};

const GEN: &str = "/v1beta/models/gemini-2.5-flash:generateContent";

#[tokio::test]
async fn missing_key_is_403_and_wrong_key_is_the_real_400() {
    let emu = Emulator::builder().api_key("right").start();
    let body = prompt("hi").to_string();

    let r = send(&emu, "POST", GEN, &[], body.clone()).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"]["status"], "PERMISSION_DENIED");

    let r = send(
        &emu,
        "POST",
        GEN,
        &[("x-goog-api-key", "wrong")],
        body.clone(),
    )
    .await;
    assert_eq!(r.status, 400);
    let e = r.json();
    assert_eq!(
        e["error"]["message"],
        "API key not valid. Please pass a valid API key."
    );
    assert_eq!(e["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(e["error"]["details"][0]["reason"], "API_KEY_INVALID");
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );

    let r = send(
        &emu,
        "POST",
        GEN,
        &[("x-goog-api-key", "right")],
        body.clone(),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = send(&emu, "POST", &format!("{GEN}?key=right"), &[], body).await;
    assert_eq!(r.status, 200);
    // Rejected requests are not counted; the key never shows in what was captured.
    assert_eq!(emu.count("generateContent"), 2);
    let last = emu.requests().pop().unwrap();
    assert_eq!(last.query(), Some("key=REDACTED"));
    assert_eq!(last.api_key(), Some("right"));
    assert!(!format!("{last:?}").contains("right"));
}

#[tokio::test]
async fn any_key_by_default_on_every_version() {
    let emu = Emulator::start();
    for v in ["v1beta", "v1", "v1alpha"] {
        let r = post(
            &emu,
            &format!("/{v}/models/gemini-2.5-flash:generateContent"),
            &prompt("hi"),
        )
        .await;
        assert_eq!(r.status, 200, "{v}: {}", r.text());
    }
}

#[tokio::test]
async fn unknown_fields_are_named_with_proto_paths() {
    let emu = Emulator::start();
    let cases = [
        (
            json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}], "foo": 1}),
            "Invalid JSON payload received. Unknown name \"foo\": Cannot find field.",
            None,
        ),
        (
            json!({"contents": [{"role": "user", "parts": [{"text": "hi"}], "foo": 1}]}),
            "Invalid JSON payload received. Unknown name \"foo\" at 'contents[0]': Cannot find field.",
            Some("contents[0]"),
        ),
        (
            json!({"contents": [{"parts": [{"text": "hi", "bar": true}]}]}),
            "Invalid JSON payload received. Unknown name \"bar\" at 'contents[0].parts[0]': Cannot find field.",
            Some("contents[0].parts[0]"),
        ),
        (
            json!({"contents": [{"parts": [{"text": "hi"}]}], "generationConfig": {"max_tokens": 5}}),
            "Invalid JSON payload received. Unknown name \"max_tokens\" at 'generation_config': Cannot find field.",
            Some("generation_config"),
        ),
        (
            json!({"contents": [{"parts": [{"text": "hi"}]}],
                   "generationConfig": {"thinkingConfig": {"includeThoughts": true, "budget": 3}}}),
            "Invalid JSON payload received. Unknown name \"budget\" at 'generation_config.thinking_config': Cannot find field.",
            Some("generation_config.thinking_config"),
        ),
    ];
    for (body, message, field) in cases {
        let r = post(&emu, GEN, &body).await;
        assert_eq!(r.status, 400, "{body}");
        let e = r.json();
        assert_eq!(e["error"]["message"], message);
        assert_eq!(e["error"]["status"], "INVALID_ARGUMENT");
        let violation = &e["error"]["details"][0]["fieldViolations"][0];
        assert_eq!(
            e["error"]["details"][0]["@type"],
            "type.googleapis.com/google.rpc.BadRequest"
        );
        assert_eq!(violation["description"], message);
        assert_eq!(violation.get("field").and_then(Value::as_str), field);
    }
}

#[tokio::test]
async fn proto_json_leniency_is_accepted() {
    let emu = Emulator::start();
    // snake_case message fields, a single object for lists, int64 as a string, and snake_case
    // keys inside Struct payloads left alone.
    let body = json!({
        "contents": {"role": "user", "parts": {"text": "call get_weather"}},
        "system_instruction": {"parts": [{"text": "Be brief."}]},
        "generation_config": {"max_output_tokens": 100, "candidate_count": 1,
                              "response_mime_type": "text/plain"},
        "tools": [{"function_declarations": [{
            "name": "get_weather",
            "parameters_json_schema": {"type": "object",
                "properties": {"city_name": {"type": "string"}}, "required": ["city_name"]}
        }]}]
    });
    let r = post(&emu, GEN, &body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let call = &r.json()["candidates"][0]["content"]["parts"][0]["functionCall"];
    assert_eq!(call["name"], "get_weather");
    assert!(call["args"]["city_name"].is_string());
}

#[tokio::test]
async fn scalar_spellings_proto_json_allows_are_accepted() {
    let emu = Emulator::start();
    let body = json!({
        "contents": [{"role": "user", "parts": [
            // URL-safe base64 without padding, and a duration with a fractional part.
            {"inline_data": {"mime_type": "video/mp4", "data": "-_8"},
             "video_metadata": {"start_offset": "1.500s", "end_offset": "20s"}},
            {"text": "describe"}
        ]}],
        "generationConfig": {
            "responseMimeType": "application/json",
            // int64 bounds as strings and as numbers.
            "responseSchema": {"type": "ARRAY", "minItems": "1", "maxItems": 3,
                               "items": {"type": "STRING"}}
        }
    });
    let r = post(&emu, GEN, &body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let text = r.json()["candidates"][0]["content"]["parts"][0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    let items: Vec<String> = serde_json::from_str(&text).unwrap();
    assert!((1..=3).contains(&items.len()));
}

#[tokio::test]
async fn every_real_recorded_request_is_accepted() {
    let Some(dir) = support::real_dir("the real requests check") else {
        return;
    };
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let emu = Emulator::start();
    let mut checked = 0;
    let mut rejected = Vec::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(surface), Some(vertex)) = (cols.first(), cols.get(1), cols.get(6))
        else {
            continue;
        };
        let method = match *surface {
            "generateContent"
            | "streamGenerateContent"
            | "countTokens"
            | "embedContent"
            | "batchEmbedContents" => *surface,
            _ => continue,
        };
        if !file.starts_with("requests/") || *vertex == "yes" {
            continue;
        }
        let body: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        let model = match method {
            "embedContent" | "batchEmbedContents" => "gemini-embedding-001",
            _ => "gemini-2.5-flash",
        };
        let mut body = body;
        if method == "batchEmbedContents" {
            if let Some(reqs) = body["requests"].as_array_mut() {
                for r in reqs {
                    r["model"] = json!("models/gemini-embedding-001");
                }
            }
        }
        let r = post(&emu, &format!("/v1beta/models/{model}:{method}"), &body).await;
        checked += 1;
        if r.status == 400 && r.message().contains("Unknown name") {
            rejected.push(format!("{file}: {}", r.message()));
        }
    }
    assert!(checked > 20, "only {checked} real requests found");
    assert!(
        rejected.is_empty(),
        "real requests rejected:\n{}",
        rejected.join("\n")
    );
}

#[tokio::test]
async fn unknown_model_malformed_json_and_unknown_paths() {
    let emu = Emulator::start();
    let r = post(&emu, "/v1beta/models/xyz:generateContent", &prompt("hi")).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.message(),
        "models/xyz is not found for API version v1beta, or is not supported for \
         generateContent. Call ListModels to see the list of available models and their \
         supported methods."
    );
    assert_eq!(r.json()["error"]["status"], "NOT_FOUND");
    // An embedding model does not generate.
    let r = post(
        &emu,
        "/v1/models/gemini-embedding-001:generateContent",
        &prompt("hi"),
    )
    .await;
    assert_eq!(r.status, 404);
    assert!(r.message().contains("API version v1,"));

    let r = send(
        &emu,
        "POST",
        GEN,
        &[("x-goog-api-key", "k")],
        "{\"contents\": [",
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(
        r.message().starts_with("Invalid JSON payload received."),
        "{}",
        r.message()
    );

    let r = get(&emu, "/v1beta/nothing").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["status"], "NOT_FOUND");
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let emu = Emulator::builder().max_body_bytes(1024).start();
    let big = json!({"contents": [{"parts": [{"text": "x".repeat(4096)}]}]});
    let r = post(&emu, GEN, &big).await;
    assert_eq!(r.status, 413);
    assert!(r.message().contains("exceeds the limit: 1024 bytes"));
    assert_eq!(post(&emu, GEN, &prompt("small")).await.status, 200);
}

#[tokio::test]
async fn generate_reflects_the_request() {
    let emu = Emulator::start();
    let body = json!({
        "contents": [{"role": "user", "parts": [{"text": "Tell me a story about a fox"}]}],
        "systemInstruction": {"parts": [{"text": "Speak like a pirate"}]},
        "generationConfig": {"candidateCount": 2, "stopSequences": ["fox"]}
    });
    let r = post(&emu, GEN, &body).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    let text = |i: usize| {
        v["candidates"][i]["content"]["parts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["thought"] != json!(true))
            .filter_map(|p| p["text"].as_str())
            .collect::<String>()
    };
    assert_eq!(
        text(0),
        "[Speak like a pirate] You said: Tell me a story about a "
    );
    assert_eq!(
        text(1),
        "(candidate 2) [Speak like a pirate] You said: Tell me a story about a "
    );
    assert_eq!(v["candidates"][0]["finishReason"], "STOP");
    assert_eq!(v["candidates"][1]["index"], 1);
    assert_eq!(v["modelVersion"], "gemini-2.5-flash");
    assert!(v["responseId"].as_str().is_some_and(|s| !s.is_empty()));
    // The reply decodes into our data model.
    let typed: gemini_types::GenerateContentResponse = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(typed.candidates.len(), 2);

    let body = json!({"contents": [{"parts": [{"text": "one two three four five six"}]}],
                      "generationConfig": {"maxOutputTokens": 5}});
    let v = post(&emu, GEN, &body).await.json();
    assert_eq!(v["candidates"][0]["finishReason"], "MAX_TOKENS");
    assert_eq!(v["usageMetadata"]["candidatesTokenCount"], 5);
}

#[tokio::test]
async fn count_tokens_matches_usage_metadata() {
    let emu = Emulator::start();
    let req = json!({
        "contents": [{"role": "user", "parts": [{"text": "How many tokens is this sentence, exactly?"}]}],
        "systemInstruction": {"parts": [{"text": "You count."}]},
    });
    let usage = post(&emu, GEN, &req).await.json()["usageMetadata"].clone();
    let mut wrapped = req.clone();
    wrapped["model"] = json!("models/gemini-2.5-flash");
    let count = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:countTokens",
        &json!({"generateContentRequest": wrapped}),
    )
    .await
    .json();
    assert_eq!(count["totalTokens"], usage["promptTokenCount"]);
    assert_eq!(count["promptTokensDetails"][0]["modality"], "TEXT");
    let total = usage["promptTokenCount"].as_u64().unwrap()
        + usage["candidatesTokenCount"].as_u64().unwrap()
        + usage["thoughtsTokenCount"].as_u64().unwrap_or(0);
    assert_eq!(usage["totalTokenCount"].as_u64().unwrap(), total);

    let plain = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:countTokens",
        &json!({"contents": req["contents"]}),
    )
    .await
    .json();
    assert_eq!(plain["totalTokens"], 11);
}

fn cosine(a: &Value, b: &Value) -> f64 {
    let a = a.as_array().unwrap();
    let b = b.as_array().unwrap();
    a.iter()
        .zip(b)
        .map(|(x, y)| x.as_f64().unwrap() * y.as_f64().unwrap())
        .sum()
}

#[tokio::test]
async fn embeddings_are_deterministic_normalised_and_sized() {
    let emu = Emulator::start();
    let one = |text: &str, dims: Option<u32>| {
        let mut b = json!({"content": {"parts": [{"text": text}]}});
        if let Some(d) = dims {
            b["outputDimensionality"] = json!(d);
        }
        b
    };
    let url = "/v1beta/models/gemini-embedding-001:embedContent";
    let a = post(&emu, url, &one("The cat sat on the mat", None))
        .await
        .json();
    let values = &a["embedding"]["values"];
    assert_eq!(values.as_array().unwrap().len(), 3072);
    assert!((cosine(values, values) - 1.0).abs() < 1e-3);
    let small = post(&emu, url, &one("The cat sat on the mat", Some(768)))
        .await
        .json();
    assert_eq!(small["embedding"]["values"].as_array().unwrap().len(), 768);
    let r = post(&emu, url, &one("x", Some(5000))).await;
    assert_eq!(r.status, 400);

    let batch = json!({"requests": [
        {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "The cat sat on the mat"}]}, "outputDimensionality": 256},
        {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "A cat sat on a mat"}]}, "outputDimensionality": 256},
        {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "Quarterly revenue grew"}]}, "outputDimensionality": 256}
    ]});
    let r = post(
        &emu,
        "/v1beta/models/gemini-embedding-001:batchEmbedContents",
        &batch,
    )
    .await
    .json();
    let e = r["embeddings"].as_array().unwrap();
    assert_eq!(e.len(), 3);
    let near = cosine(&e[0]["values"], &e[1]["values"]);
    let far = cosine(&e[0]["values"], &e[2]["values"]);
    assert!(near > far + 0.3, "near {near}, far {far}");

    let mut missing = batch.clone();
    missing["requests"][1]
        .as_object_mut()
        .unwrap()
        .remove("model");
    let r = post(
        &emu,
        "/v1beta/models/gemini-embedding-001:batchEmbedContents",
        &missing,
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("requests[1].model"));

    let too_many = json!({"requests": vec![batch["requests"][0].clone(); 101]});
    let r = post(
        &emu,
        "/v1beta/models/gemini-embedding-001:batchEmbedContents",
        &too_many,
    )
    .await;
    assert_eq!(
        r.message(),
        "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n"
    );
}

#[tokio::test]
async fn models_list_paginates_and_get_works() {
    let emu = Emulator::builder()
        .model(ModelSpec::text("my-model").thinking(true))
        .start();
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..50 {
        let path = match &token {
            Some(t) => format!("/v1beta/models?pageSize=4&pageToken={t}"),
            None => "/v1beta/models?pageSize=4".to_owned(),
        };
        let page = get(&emu, &path).await.json();
        let models = page["models"].as_array().unwrap();
        assert!(models.len() <= 4);
        names.extend(
            models
                .iter()
                .map(|m| m["name"].as_str().unwrap().to_owned()),
        );
        match page["nextPageToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    let all = Catalogue::realistic().models().len() + 1;
    assert_eq!(names.len(), all);
    assert!(names.contains(&"models/my-model".to_owned()));
    let full = get(&emu, "/v1beta/models").await.json();
    assert_eq!(full["models"].as_array().unwrap().len(), all);
    assert!(full.get("nextPageToken").is_none());

    let m = get(&emu, "/v1/models/gemini-2.5-pro").await.json();
    assert_eq!(m["name"], "models/gemini-2.5-pro");
    assert_eq!(m["inputTokenLimit"], 1_048_576);
    assert_eq!(m["thinking"], true);
    let r = get(&emu, "/v1/models/nope").await;
    assert_eq!(r.status, 404);
    assert_eq!(get(&emu, "/v1/models?pageToken=bogus").await.status, 400);
}

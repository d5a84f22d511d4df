//! Wire-format edge cases: int64 as string or number, base64 alphabets and padding, durations,
//! timestamps, snake_case request keys and single objects for lists, and bad input (wrong types,
//! truncated JSON) that must give an error naming the field, never a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::decode;
use gemini_types::{
    CachedContent, Content, File, GenerateContentRequest, GenerateContentResponse, Part,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Decodes `v` as `T` and re-serializes it.
fn through<T: serde::de::DeserializeOwned + Serialize>(v: &Value) -> Result<Value, String> {
    let t: T = decode(&v.to_string())?;
    Ok(serde_json::to_value(&t).unwrap())
}

// ---------------------------------------------------------------- int64

#[derive(Debug, Deserialize, Serialize)]
struct I64 {
    #[serde(
        default,
        with = "gemini_types::wire::int64",
        skip_serializing_if = "Option::is_none"
    )]
    n: Option<i64>,
}

fn int64(json: &str) -> Result<Option<i64>, String> {
    decode::<I64>(json).map(|v| v.n)
}

#[test]
fn int64_accepts_strings_and_numbers() {
    assert_eq!(int64(r#"{"n":"123"}"#), Ok(Some(123)));
    assert_eq!(int64(r#"{"n":123}"#), Ok(Some(123)));
    assert_eq!(int64(r#"{"n":"-42"}"#), Ok(Some(-42)));
    assert_eq!(int64(r#"{"n":-42}"#), Ok(Some(-42)));
    assert_eq!(int64(r#"{"n":"9223372036854775807"}"#), Ok(Some(i64::MAX)));
    assert_eq!(int64(r#"{"n":-9223372036854775808}"#), Ok(Some(i64::MIN)));
    assert_eq!(int64(r#"{"n":"0"}"#), Ok(Some(0)));
    // Proto JSON accepts an integral float for an integer field.
    assert_eq!(int64(r#"{"n":1e3}"#), Ok(Some(1000)));
    assert_eq!(int64(r#"{"n":null}"#), Ok(None));
    assert_eq!(int64(r"{}"), Ok(None));
}

#[test]
fn int64_rejects_what_is_not_an_int64() {
    for bad in [
        r#"{"n":"9223372036854775808"}"#,
        r#"{"n":9223372036854775808}"#,
        r#"{"n":18446744073709551616}"#,
        r#"{"n":1.5}"#,
        r#"{"n":"1.5"}"#,
        r#"{"n":"abc"}"#,
        r#"{"n":""}"#,
        r#"{"n":true}"#,
        r#"{"n":[1]}"#,
    ] {
        let err = int64(bad).expect_err(bad);
        assert!(
            err.contains("`n`"),
            "{bad}: error does not name the field: {err}"
        );
    }
}

#[test]
fn int64_is_sent_as_a_string() {
    assert_eq!(
        serde_json::to_string(&I64 { n: Some(-7) }).unwrap(),
        r#"{"n":"-7"}"#
    );
    assert_eq!(serde_json::to_string(&I64 { n: None }).unwrap(), "{}");
}

#[test]
fn int64_fields_of_real_types() {
    // File.sizeBytes arrives as a string; a number is accepted too; both go out as the string.
    for size in [json!("10485760"), json!(10_485_760)] {
        let out = through::<File>(&json!({"name": "files/a", "sizeBytes": size})).unwrap();
        assert_eq!(out["sizeBytes"], json!("10485760"));
    }
    let err = through::<File>(&json!({"name": "files/a", "sizeBytes": "12x"})).unwrap_err();
    assert!(err.contains("sizeBytes"), "{err}");
    let err = through::<File>(&json!({"name": "files/a", "sizeBytes": "99999999999999999999"}))
        .unwrap_err();
    assert!(err.contains("sizeBytes"), "{err}");
}

// ---------------------------------------------------------------- base64

/// The bytes of a signature, decoded on request (the part itself always decodes).
fn signature(s: &str) -> Result<Vec<u8>, String> {
    let part: Part = decode(&json!({"text": "x", "thoughtSignature": s}).to_string())?;
    let sig = part.thought_signature.unwrap_or_default();
    sig.decode().map_err(|e| e.to_string())
}

/// The bytes of an `inlineData.data` field.
fn blob(s: &str) -> Result<Vec<u8>, String> {
    let part: Part = decode(&json!({"inlineData": {"data": s}}).to_string())?;
    Ok(part
        .as_inline_data()
        .and_then(|b| b.data.clone())
        .unwrap_or_default()
        .to_vec())
}

#[test]
fn base64_accepts_both_alphabets_padded_or_not() {
    assert_eq!(signature("AQID").unwrap(), [1, 2, 3]);
    assert_eq!(signature("aGk=").unwrap(), b"hi");
    assert_eq!(signature("aGk").unwrap(), b"hi");
    assert_eq!(signature("+/8=").unwrap(), [0xfb, 0xff]);
    assert_eq!(signature("-_8=").unwrap(), [0xfb, 0xff]);
    assert_eq!(signature("-_8").unwrap(), [0xfb, 0xff]);
    assert_eq!(signature("").unwrap(), b"");
    for (s, bytes) in [
        ("AQID", &[1u8, 2, 3][..]),
        ("aGk", b"hi"),
        ("-_8", &[0xfb, 0xff]),
        ("+/8=", &[0xfb, 0xff]),
    ] {
        assert_eq!(blob(s).unwrap(), bytes, "{s}");
    }
}

#[test]
fn base64_is_sent_standard_and_padded_and_signatures_as_received() {
    // A signature is only echoed: it goes back exactly as it came.
    let part: Part = decode(r#"{"text":"x","thoughtSignature":"-_8"}"#).unwrap();
    let out = serde_json::to_value(&part).unwrap();
    assert_eq!(out["thoughtSignature"], "-_8");
    // One made from bytes is written as the API writes them.
    let part = Part::text("x").with_thought_signature(vec![0xfb, 0xff]);
    assert_eq!(
        serde_json::to_value(&part).unwrap()["thoughtSignature"],
        "+/8="
    );
    let blob: Part = decode(r#"{"inlineData":{"mimeType":"image/png","data":"aGk"}}"#).unwrap();
    assert_eq!(
        serde_json::to_value(&blob).unwrap()["inlineData"]["data"],
        "aGk="
    );
}

#[test]
fn invalid_base64_names_the_field() {
    for bad in ["!!!", "a", "aGk=x", "aG=k", "<redacted>"] {
        let err = blob(bad).expect_err(bad);
        assert!(
            err.contains("inlineData.data") && err.contains("not valid base64"),
            "{bad}: {err}"
        );
        // An echo-only signature never fails the decoding, and is kept exactly.
        let doc = json!({"functionCall": {"name": "f"}, "thoughtSignature": bad});
        let part: Part = decode(&doc.to_string()).unwrap();
        assert_eq!(serde_json::to_value(&part).unwrap(), doc);
        assert!(signature(bad).is_err(), "{bad}");
    }
    let err = decode::<GenerateContentResponse>(
        r#"{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"@@"}}]}}]}"#,
    )
    .unwrap_err();
    assert!(
        err.contains("candidates[0].content.parts[0].inlineData.data"),
        "{err}"
    );
}

// ---------------------------------------------------------------- durations

/// A duration field (`videoMetadata.startOffset`) through the real `Part` type.
fn ttl(v: &Value) -> Result<Value, String> {
    through::<Part>(
        &json!({"fileData": {"fileUri": "files/v"}, "videoMetadata": {"startOffset": v}}),
    )
    .map(|o| o["videoMetadata"]["startOffset"].clone())
}

#[test]
fn durations_parse_and_print_canonically() {
    assert_eq!(ttl(&json!("300s")).unwrap(), "300s");
    assert_eq!(ttl(&json!("3.5s")).unwrap(), "3.5s");
    assert_eq!(ttl(&json!("3.50s")).unwrap(), "3.5s");
    assert_eq!(ttl(&json!("0.000000001s")).unwrap(), "0.000000001s");
    assert_eq!(ttl(&json!("0s")).unwrap(), "0s");
    assert_eq!(ttl(&json!("86400.25s")).unwrap(), "86400.25s");
}

#[test]
fn bad_durations_name_the_field() {
    for bad in [
        json!("5m"),
        json!("-1s"),
        json!("1.0000000001s"),
        json!("s"),
        json!(""),
        json!(300),
        json!("1e3s"),
    ] {
        let err = ttl(&bad).expect_err(&bad.to_string());
        assert!(err.contains("videoMetadata.startOffset"), "{bad}: {err}");
    }
}

#[test]
fn cached_content_ttl_is_a_duration() {
    let out = through::<CachedContent>(&json!({"model": "models/m", "ttl": "300.50s"})).unwrap();
    assert_eq!(out["ttl"], "300.5s");
    let err = through::<CachedContent>(&json!({"model": "models/m", "ttl": "5m"})).unwrap_err();
    assert!(err.contains("ttl"), "{err}");
}

// ---------------------------------------------------------------- timestamps

fn create_time(s: &str) -> Result<Value, String> {
    through::<File>(&json!({"name": "files/a", "createTime": s})).map(|o| o["createTime"].clone())
}

#[test]
fn timestamps_normalize_to_utc_with_needed_digits() {
    assert_eq!(
        create_time("2026-11-25T13:05:00.100Z").unwrap(),
        "2026-11-25T13:05:00.100Z"
    );
    assert_eq!(
        create_time("2026-11-25T13:05:00Z").unwrap(),
        "2026-11-25T13:05:00Z"
    );
    assert_eq!(
        create_time("2026-11-25T13:05:00.123456789Z").unwrap(),
        "2026-11-25T13:05:00.123456789Z"
    );
    assert_eq!(
        create_time("2026-11-25T13:05:00.123456Z").unwrap(),
        "2026-11-25T13:05:00.123456Z"
    );
    assert_eq!(
        create_time("2026-11-25T14:35:00+01:30").unwrap(),
        "2026-11-25T13:05:00Z"
    );
    assert_eq!(
        create_time("2026-11-25T13:05:00.1-00:00").unwrap(),
        "2026-11-25T13:05:00.100Z"
    );
}

#[test]
fn bad_timestamps_name_the_field() {
    for bad in [
        "2026-11-25",
        "2026-13-25T13:05:00Z",
        "2026-11-25T25:05:00Z",
        "2026-11-25T13:05:00",
        "2026-11-25T13:05:00.Z",
        "2026-11-25T13:05:00.1234567891Z",
        "yesterday",
    ] {
        let err = create_time(bad).expect_err(bad);
        assert!(err.contains("createTime"), "{bad}: {err}");
    }
}

// ---------------------------------------------------------------- request spellings

#[test]
fn snake_case_request_keys_and_single_objects_are_accepted() {
    let snake = json!({
        "contents": {"role": "user", "parts": {"inline_data": {"mime_type": "image/png", "data": "aGk="}}},
        "system_instruction": {"parts": [{"text": "Be brief."}]},
        "generation_config": {
            "max_output_tokens": 64,
            "response_mime_type": "application/json",
            "thinking_config": {"thinking_budget": 0, "include_thoughts": false}
        },
        "tools": [{"function_declarations": [{"name": "f", "parameters_json_schema": {"type": "object"}}]}],
        "tool_config": {"function_calling_config": {"mode": "ANY", "allowed_function_names": ["f"]}},
        "safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
        "cached_content": "cachedContents/abc"
    });
    let camel = json!({
        "contents": [{"role": "user", "parts": [{"inlineData": {"mimeType": "image/png", "data": "aGk="}}]}],
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "generationConfig": {
            "maxOutputTokens": 64,
            "responseMimeType": "application/json",
            "thinkingConfig": {"thinkingBudget": 0, "includeThoughts": false}
        },
        "tools": [{"functionDeclarations": [{"name": "f", "parametersJsonSchema": {"type": "object"}}]}],
        "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["f"]}},
        "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
        "cachedContent": "cachedContents/abc"
    });
    let from_snake = through::<GenerateContentRequest>(&snake).unwrap();
    assert_eq!(from_snake, camel, "snake_case request decoded differently");
    assert_eq!(through::<GenerateContentRequest>(&camel).unwrap(), camel);
}

#[test]
fn content_accepts_a_single_part_object() {
    let c: Content = decode(r#"{"role":"user","parts":{"text":"hi"}}"#).unwrap();
    assert_eq!(c.parts.len(), 1);
    assert_eq!(c.parts[0].as_text(), Some("hi"));
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        json!({"role": "user", "parts": [{"text": "hi"}]})
    );
}

// ---------------------------------------------------------------- bad input

#[test]
fn wrong_types_name_the_field_path() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"candidates":[{"content":{"parts":[{"text":5}]}}]}"#,
            "candidates[0].content.parts[0].text",
        ),
        (
            r#"{"candidates":[{"index":"zero"}]}"#,
            "candidates[0].index",
        ),
        (
            r#"{"candidates":[{"content":{"role":"model","parts":[{"text":"a"},{"functionCall":{"name":"f","args":[1]}}]}}]}"#,
            "candidates[0].content.parts[1].functionCall.args",
        ),
        (
            r#"{"usageMetadata":{"promptTokenCount":"many"}}"#,
            "usageMetadata.promptTokenCount",
        ),
        (r#"{"candidates":"none"}"#, "candidates"),
        (
            r#"{"candidates":[{"safetyRatings":[{"category":7}]}]}"#,
            "candidates[0].safetyRatings[0].category",
        ),
        (
            r#"{"candidates":[{"content":{"parts":[{"thought":"yes","text":"a"}]}}]}"#,
            "candidates[0].content.parts[0].thought",
        ),
    ];
    for (json, path) in cases {
        let err = decode::<GenerateContentResponse>(json).expect_err(json);
        assert!(
            err.contains(path),
            "{json}: expected path `{path}` in `{err}`"
        );
        // Without the path tracker, serde_json still says where (line and column).
        let plain = serde_json::from_str::<GenerateContentResponse>(json).unwrap_err();
        assert!(plain.to_string().contains("line 1 column"), "{plain}");
    }
}

#[test]
fn truncated_json_is_an_error_at_every_cut_never_a_panic() {
    let full = json!({
        "candidates": [{
            "content": {"role": "model", "parts": [
                {"text": "thinking", "thought": true},
                {"functionCall": {"id": "c1", "name": "get_weather", "args": {"city": "Paris", "days": [1, 2]}}, "thoughtSignature": "AQIDBA=="},
                {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}
            ]},
            "finishReason": "STOP",
            "index": 0,
            "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}]
        }],
        "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 7, "totalTokenCount": 12,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 5}]},
        "modelVersion": "gemini-2.5-flash",
        "responseId": "abc"
    })
    .to_string();
    decode::<GenerateContentResponse>(&full).unwrap();
    let mut cut = 0;
    while cut < full.len() {
        if full.is_char_boundary(cut) {
            let prefix = &full[..cut];
            let r = std::panic::catch_unwind(|| decode::<GenerateContentResponse>(prefix));
            match r {
                Ok(Err(e)) => assert!(!e.is_empty()),
                Ok(Ok(_)) => panic!("truncated input at {cut} decoded: {prefix}"),
                Err(e) => panic!(
                    "decoder panicked on truncated input at {cut}: {prefix} ({:?})",
                    e.downcast_ref::<String>()
                ),
            }
        }
        cut += 1;
    }
}

#[test]
fn garbage_never_panics() {
    // Each byte of a real payload replaced by characters that break JSON structure or types.
    let base = r#"{"candidates":[{"content":{"parts":[{"text":"hi","thoughtSignature":"AQID"},{"functionCall":{"name":"f","args":{"a":1}}}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":1,"totalTokenCount":2},"modelVersion":"m"}"#;
    let bytes = base.as_bytes();
    let mut decoded_ok = 0usize;
    for i in 0..bytes.len() {
        for repl in [b'"', b'{', b']', b'1', b'x', b':'] {
            let mut b = bytes.to_vec();
            b[i] = repl;
            let r = std::panic::catch_unwind(|| {
                serde_json::from_slice::<GenerateContentResponse>(&b).is_ok()
            });
            match r {
                Ok(true) => decoded_ok += 1,
                Ok(false) => {}
                Err(e) => panic!(
                    "panic on mutated input: {} ({:?})",
                    String::from_utf8_lossy(&b),
                    e.downcast_ref::<String>()
                ),
            }
        }
    }
    // Many mutations stay valid (a letter inside a string); the structural ones must not.
    let total = bytes.len() * 6;
    assert!(
        decoded_ok > 0 && decoded_ok < total * 3 / 4,
        "{decoded_ok}/{total} mutated inputs decoded"
    );
}

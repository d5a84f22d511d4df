//! Media over HTTP: pictures from image-output models and speech from TTS models
//! (`generateContent`, unary and streamed), Imagen `predict` and Veo `predictLongRunning`
//! with the video download.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use base64::Engine as _;
use gemini_emulator::Emulator;
use serde_json::{Value, json};
use support::{post, sse_events};

fn b64(s: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(s.as_str().expect("base64 string"))
        .expect("base64")
}

/// Decodes a PNG: `(width, height, RGB pixels)`.
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("PNG header");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("PNG frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn request(text: &str, config: &Value) -> Value {
    json!({
        "contents": [{"role": "user", "parts": [{"text": text}]}],
        "generationConfig": config,
    })
}

#[tokio::test]
async fn image_models_answer_text_and_a_png_drawn_from_the_prompt() {
    let emu = Emulator::start();
    let path = "/v1beta/models/gemini-2.5-flash-image:generateContent";
    let r = post(
        &emu,
        path,
        &request(
            "A red fox in the snow",
            &json!({"responseModalities": ["TEXT", "IMAGE"], "imageConfig": {"aspectRatio": "16:9"}}),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let parts = v["candidates"][0]["content"]["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!(parts[0]["text"], "You said: A red fox in the snow");
    assert_eq!(parts[1]["inlineData"]["mimeType"], "image/png");
    let png = b64(&parts[1]["inlineData"]["data"]);
    let (w, h, pixels) = decode_png(&png);
    assert_eq!((w, h), (96, 54));
    assert!(pixels[0] > 150 && pixels[1] < 100, "red at the top");
    let details = &v["usageMetadata"]["candidatesTokensDetails"];
    assert_eq!(details[1], json!({"modality": "IMAGE", "tokenCount": 1290}));

    // The same prompt draws the same picture; IMAGE alone has no text part.
    let again = post(
        &emu,
        path,
        &request(
            "A red fox in the snow",
            &json!({"responseModalities": ["IMAGE"], "imageConfig": {"aspectRatio": "16:9"}}),
        ),
    )
    .await
    .json();
    let only = again["candidates"][0]["content"]["parts"]
        .as_array()
        .unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(b64(&only[0]["inlineData"]["data"]), png);

    // Streamed: the text, then the picture in the last chunk with the finish reason.
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash-image:streamGenerateContent?alt=sse",
        &request("A blue whale", &json!({})),
    )
    .await;
    let events = sse_events(&r.body);
    let last = events.last().unwrap();
    assert_eq!(last["candidates"][0]["finishReason"], "STOP");
    let part = &last["candidates"][0]["content"]["parts"][0];
    let (w, h, _) = decode_png(&b64(&part["inlineData"]["data"]));
    assert_eq!((w, h), (96, 96));

    // Bad input: an unknown aspect ratio, a modality the model does not produce, and an
    // image asked of a text model.
    for (model, config, needle) in [
        (
            "gemini-2.5-flash-image",
            json!({"imageConfig": {"aspectRatio": "5:2"}}),
            "aspect_ratio",
        ),
        (
            "gemini-2.5-flash-image",
            json!({"responseModalities": ["AUDIO"]}),
            "response modalities (AUDIO)",
        ),
        (
            "gemini-2.5-flash",
            json!({"responseModalities": ["TEXT", "IMAGE"]}),
            "response modalities (TEXT, IMAGE)",
        ),
    ] {
        let r = post(
            &emu,
            &format!("/v1beta/models/{model}:generateContent"),
            &request("x", &config),
        )
        .await;
        assert_eq!(r.status, 400, "{config}");
        assert!(r.message().contains(needle), "{}", r.message());
    }
}

#[tokio::test]
async fn tts_models_answer_24khz_pcm_in_the_chosen_voices() {
    let emu = Emulator::start();
    let path = "/v1beta/models/gemini-2.5-flash-preview-tts:generateContent";
    let config = json!({
        "responseModalities": ["AUDIO"],
        "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}},
    });
    let r = post(
        &emu,
        path,
        &request("Say cheerfully: have a wonderful day", &config),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let parts = v["candidates"][0]["content"]["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(
        parts[0]["inlineData"]["mimeType"],
        "audio/L16;codec=pcm;rate=24000"
    );
    let pcm = b64(&parts[0]["inlineData"]["data"]);
    assert_eq!(pcm.len() % 2, 0);
    let seconds = pcm.len() as f64 / 2.0 / 24_000.0;
    assert!(seconds > 0.5 && seconds < 10.0, "{seconds}");
    let loud = pcm
        .chunks(2)
        .map(|s| i16::from_le_bytes([s[0], s[1]]).unsigned_abs())
        .max()
        .unwrap();
    assert!(loud > 5000, "{loud}");
    assert_eq!(
        v["usageMetadata"]["candidatesTokensDetails"][0]["modality"],
        "AUDIO"
    );

    // Another voice, another sound.
    let puck = json!({
        "responseModalities": ["AUDIO"],
        "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}},
    });
    let other = post(
        &emu,
        path,
        &request("Say cheerfully: have a wonderful day", &puck),
    )
    .await
    .json();
    assert_ne!(
        b64(&other["candidates"][0]["content"]["parts"][0]["inlineData"]["data"]),
        pcm
    );

    // Two speakers.
    let voice = |v: &str| json!({"prebuiltVoiceConfig": {"voiceName": v}});
    let multi = json!({
        "responseModalities": ["AUDIO"],
        "speechConfig": {"multiSpeakerVoiceConfig": {"speakerVoiceConfigs": [
            {"speaker": "Joe", "voiceConfig": voice("Puck")},
            {"speaker": "Jane", "voiceConfig": voice("Kore")},
        ]}},
    });
    let r = post(
        &emu,
        path,
        &request("Joe: How are you?\nJane: Fine, thanks.", &multi),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());

    // Bad input: no AUDIO modality, an unknown voice, one speaker only.
    for config in [
        json!({}),
        json!({"responseModalities": ["AUDIO"],
               "speechConfig": {"voiceConfig": voice("Nobody")}}),
        json!({"responseModalities": ["AUDIO"],
               "speechConfig": {"multiSpeakerVoiceConfig": {"speakerVoiceConfigs": [
                   {"speaker": "Joe", "voiceConfig": voice("Puck")}]}}}),
    ] {
        let r = post(&emu, path, &request("Hello", &config)).await;
        assert_eq!(r.status, 400, "{config}: {}", r.text());
    }
    // Speech asked of a text model.
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &request("Hello", &config),
    )
    .await;
    assert_eq!(r.status, 400);
}

//! Media over HTTP: pictures from image-output models and speech from TTS models
//! (`generateContent`, unary and streamed), Imagen `predict` and Veo `predictLongRunning`
//! with the video download.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use base64::Engine as _;
use gemini_emulator::{Emulator, ManualClock};
use serde_json::{Value, json};
use support::{get, post, send, sse_events};

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

    // Streamed: the same audio, a second of it a chunk.
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash-preview-tts:streamGenerateContent?alt=sse",
        &request("Say cheerfully: have a wonderful day", &config),
    )
    .await;
    let events = sse_events(&r.body);
    let pieces: Vec<Vec<u8>> = events
        .iter()
        .filter_map(|e| e["candidates"][0]["content"]["parts"][0].get("inlineData"))
        .map(|d| b64(&d["data"]))
        .collect();
    assert!(pieces.len() >= 2, "{} pieces", pieces.len());
    assert!(pieces.iter().all(|p| p.len() <= 48_000));
    assert_eq!(pieces.concat(), pcm);
    assert_eq!(
        events.last().unwrap()["candidates"][0]["finishReason"],
        "STOP"
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

fn imagen(prompt: &str, parameters: &Value) -> Value {
    json!({"instances": [{"prompt": prompt}], "parameters": parameters})
}

#[tokio::test]
async fn imagen_predicts_pictures_with_a_filtered_sample_and_safety_attributes() {
    let emu = Emulator::start();
    let path = "/v1beta/models/imagen-4.0-generate-001:predict";
    let r = post(
        &emu,
        path,
        &imagen(
            "A robot painting [filtered]",
            &json!({"sampleCount": 2, "includeRaiReason": true, "aspectRatio": "4:3",
                    "personGeneration": "ALLOW_ADULT", "safetySetting": "block_low_and_above"}),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let predictions = r.json()["predictions"].as_array().unwrap().clone();
    assert_eq!(predictions.len(), 2, "{predictions:?}");
    assert_eq!(predictions[0]["mimeType"], "image/png");
    let (w, h, _) = decode_png(&b64(&predictions[0]["bytesBase64Encoded"]));
    assert_eq!((w, h), (96, 72));
    assert!(
        predictions[1]["raiFilteredReason"]
            .as_str()
            .unwrap()
            .contains("filtered")
    );
    assert_eq!(predictions[1].get("bytesBase64Encoded"), None);

    // Without includeRaiReason the filtered sample is left out; the default is 4 samples;
    // safety attributes come with each picture and for the prompt.
    let r = post(
        &emu,
        path,
        &imagen(
            "A robot painting [FILTERED]",
            &json!({"includeSafetyAttributes": true}),
        ),
    )
    .await
    .json();
    let predictions = r["predictions"].as_array().unwrap();
    assert_eq!(predictions.len(), 4);
    for p in &predictions[..3] {
        assert_eq!(
            p["safetyAttributes"]["categories"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }
    assert_eq!(predictions[3]["contentType"], "Positive Prompt");
    assert_ne!(
        predictions[0]["bytesBase64Encoded"],
        predictions[1]["bytesBase64Encoded"]
    );

    // JPEG output.
    let r = post(
        &emu,
        path,
        &imagen(
            "A lighthouse",
            &json!({"sampleCount": 1, "outputOptions": {"mimeType": "image/jpeg", "compressionQuality": 60}}),
        ),
    )
    .await
    .json();
    assert_eq!(r["predictions"][0]["mimeType"], "image/jpeg");
    assert!(b64(&r["predictions"][0]["bytesBase64Encoded"]).starts_with(&[0xff, 0xd8, 0xff]));

    // The Gemini API's refusals.
    for (params, needle) in [
        (
            json!({"negativePrompt": "x"}),
            "negativePrompt is not supported",
        ),
        (json!({"seed": 3}), "seed is not supported"),
        (json!({"addWatermark": false}), "addWatermark"),
        (json!({"enhancePrompt": true}), "enhancePrompt"),
        (json!({"storageUri": "gs://b"}), "storageUri"),
        (json!({"labels": {"a": "b"}}), "labels"),
        (
            json!({"personGeneration": "allow_all"}),
            "allow_all is not supported",
        ),
        (
            json!({"safetySetting": "BLOCK_NONE"}),
            "BLOCK_NONE is not supported",
        ),
        (json!({"aspectRatio": "2:1"}), "aspect ratio"),
        (json!({"sampleCount": 5}), "[1, 4]"),
        (json!({"language": "fr"}), "language"),
        (json!({"colour": "red"}), "Unknown name \"colour\""),
    ] {
        let r = post(&emu, path, &imagen("x", &params)).await;
        assert_eq!(r.status, 400, "{params}");
        assert!(r.message().contains(needle), "{params}: {}", r.message());
    }
    let r = post(&emu, path, &json!({"instances": []})).await;
    assert_eq!(r.status, 400);
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:predict",
        &imagen("x", &json!({})),
    )
    .await;
    assert_eq!(r.status, 404);
}

/// Runs `ffprobe` on `mp4` when it is installed (decoding every frame); `None` when it is
/// not installed.
fn ffprobe(mp4: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("gemini-emulator-veo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("video.mp4");
    std::fs::write(&path, mp4).ok()?;
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-show_entries"])
        .arg("stream=codec_type,width,height,nb_read_frames")
        .args(["-of", "csv=p=0"])
        .arg(&path)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let out = out.ok()?;
    assert!(
        out.status.success(),
        "ffprobe: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[tokio::test]
async fn veo_operations_finish_on_the_clock_and_their_videos_download_as_mp4() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .clock(clock.clone())
        .video_generation_time(Duration::from_secs(30))
        .start();
    let path = "/v1beta/models/veo-3.1-generate-preview:predictLongRunning";
    let r = post(
        &emu,
        path,
        &json!({"instances": [{"prompt": "A cat surfing"}],
                "parameters": {"durationSeconds": 6, "aspectRatio": "16:9"}}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let op = r.json();
    let name = op["name"].as_str().unwrap().to_owned();
    assert!(
        name.starts_with("models/veo-3.1-generate-preview/operations/"),
        "{name}"
    );
    assert_eq!(op.get("done"), None);
    let id = name.rsplit('/').next().unwrap().to_owned();
    // Not visible before the operation is done.
    assert_eq!(get(&emu, &format!("/v1beta/files/{id}")).await.status, 403);

    clock.advance(Duration::from_secs(30));
    let done = get(&emu, &format!("/v1beta/{name}")).await.json();
    assert_eq!(done["done"], true, "{done}");
    let response = &done["response"];
    assert_eq!(
        response["@type"],
        "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse"
    );
    let uri = response["generateVideoResponse"]["generatedSamples"][0]["video"]["uri"]
        .as_str()
        .unwrap();
    let path_of = |uri: &str| uri.strip_prefix("http://127.0.0.1").unwrap().to_owned();
    assert_eq!(
        path_of(uri),
        format!("/v1beta/files/{id}:download?alt=media")
    );
    // The download is redirected (the key goes in the header, not the URL).
    let r = get(&emu, &path_of(uri)).await;
    assert_eq!(r.status, 302);
    let location = r.header("location").unwrap().to_owned();
    assert_eq!(
        path_of(&location),
        format!("/download/v1beta/files/{id}:download?alt=media")
    );
    assert_eq!(
        send(&emu, "GET", &path_of(&location), &[], bytes::Bytes::new())
            .await
            .status,
        403,
        "the download needs the key too"
    );
    let r = get(&emu, &path_of(&location)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("video/mp4"));
    let mp4 = r.body.to_vec();
    let kinds: Vec<String> = walk(&mp4)
        .iter()
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .collect();
    assert_eq!(kinds, ["ftyp", "moov", "mdat"]);
    if let Some(streams) = ffprobe(&mp4) {
        // Every frame decodes: 6 seconds at 8 frames a second.
        assert_eq!(streams, "video,32,18,48");
    }
    let file = get(&emu, &format!("/v1beta/files/{id}")).await.json();
    assert_eq!(file["mimeType"], "video/mp4");
    assert_eq!(file["source"], "GENERATED");

    // Extension of that video, and image-to-video with a last frame.
    let png = {
        let r = post(
            &emu,
            "/v1beta/models/imagen-4.0-generate-001:predict",
            &imagen("first frame", &json!({"sampleCount": 1})),
        )
        .await
        .json();
        r["predictions"][0]["bytesBase64Encoded"].clone()
    };
    let image = json!({"bytesBase64Encoded": png, "mimeType": "image/png"});
    for instance in [
        json!({"prompt": "keep surfing", "video": {"uri": uri}}),
        json!({"prompt": "a sunrise", "image": image, "lastFrame": image}),
        json!({"prompt": "a toy", "referenceImages": [{"image": image, "referenceType": "asset"}]}),
    ] {
        let r = post(&emu, path, &json!({"instances": [instance]})).await;
        assert_eq!(r.status, 200, "{instance}: {}", r.text());
    }

    // A filtered sample is counted, not listed.
    let r = post(
        &emu,
        path,
        &json!({"instances": [{"prompt": "[filtered] storm"}], "parameters": {"sampleCount": 2}}),
    )
    .await
    .json();
    clock.advance(Duration::from_secs(30));
    let done = get(&emu, &format!("/v1beta/{}", r["name"].as_str().unwrap()))
        .await
        .json();
    let generated = &done["response"]["generateVideoResponse"];
    assert_eq!(generated["generatedSamples"].as_array().unwrap().len(), 1);
    assert_eq!(generated["raiMediaFilteredCount"], 1);

    // Bad input.
    let bad_image = json!({"bytesBase64Encoded": "aGVsbG8=", "mimeType": "image/png"});
    for (body, needle) in [
        (
            json!({"instances": [{"prompt": "x"}], "parameters": {"seed": 1}}),
            "seed is not supported",
        ),
        (
            json!({"instances": [{"prompt": "x"}], "parameters": {"generateAudio": true}}),
            "generateAudio",
        ),
        (
            json!({"instances": [{"prompt": "x"}], "parameters": {"fps": 24}}),
            "fps",
        ),
        (
            json!({"instances": [{"prompt": "x"}], "parameters": {"durationSeconds": 20}}),
            "[4, 8]",
        ),
        (
            json!({"instances": [{"prompt": "x"}], "parameters": {"aspectRatio": "1:1"}}),
            "aspect ratio",
        ),
        (
            json!({"instances": [{"prompt": "x", "lastFrame": image}]}),
            "lastFrame needs",
        ),
        (
            json!({"instances": [{"prompt": "x", "image": bad_image}]}),
            "could not be decoded",
        ),
        (
            json!({"instances": [{"prompt": "x", "video": {"encodedVideo": "AAAA"}}]}),
            "video bytes",
        ),
        (
            json!({"instances": [{"prompt": "x", "video": {"uri": "files/nope"}}]}),
            "nope",
        ),
        (json!({"instances": [{}]}), "prompt is not specified"),
    ] {
        let r = post(&emu, path, &body).await;
        assert!(r.status == 400 || r.status == 403, "{body}: {}", r.status);
        assert!(r.message().contains(needle), "{body}: {}", r.message());
    }
}

/// The top-level box types of an MP4.
fn walk(mp4: &[u8]) -> Vec<[u8; 4]> {
    let mut out = Vec::new();
    let mut rest = mp4;
    for _ in 0..16 {
        if rest.is_empty() {
            break;
        }
        let size = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        assert!(size >= 8 && size <= rest.len(), "box size {size}");
        out.push(rest[4..8].try_into().unwrap());
        rest = &rest[size..];
    }
    assert!(rest.is_empty());
    out
}

/// The key paths of `v` (array positions collapsed to `[]`).
fn paths(v: &Value) -> std::collections::BTreeSet<String> {
    fn walk(v: &Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let path = format!("{prefix}.{k}");
                    out.insert(path.clone());
                    walk(child, &path, out);
                }
            }
            Value::Array(a) => {
                for child in a {
                    walk(child, &format!("{prefix}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    walk(v, "", &mut out);
    out
}

#[tokio::test]
async fn image_and_imagen_answers_have_the_fields_of_real_recordings() {
    let Some(recorded) = support::real_dir("the media shapes check") else {
        return;
    };
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(recorded.join("responses").join(name)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let emu = Emulator::start();
    let image = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash-image:generateContent",
        &request(
            "A simple geometric pattern",
            &json!({"responseModalities": ["TEXT", "IMAGE"]}),
        ),
    )
    .await
    .json();
    let imagen = post(
        &emu,
        "/v1beta/models/imagen-4.0-generate-001:predict",
        &imagen("A simple geometric pattern", &json!({"sampleCount": 1})),
    )
    .await
    .json();
    for (what, real, ours) in [
        (
            "image output",
            read("llmgemini-test_cli_gemini_generate_with_stdin.2025-07-22.json"),
            image,
        ),
        (
            "imagen",
            read("vercel-issue-10843-google-imagen-generate-image.json"),
            imagen,
        ),
    ] {
        let ours = paths(&ours);
        let missing: Vec<String> = paths(&real)
            .into_iter()
            .filter(|p| !ours.contains(p))
            .collect();
        assert!(missing.is_empty(), "{what}: missing {missing:?}");
    }
}

//! Media against the emulator: images and speech from Gemini models (`images()`, `audio()`,
//! WAV), Imagen (`client.images()`) and Veo (`client.videos()`: waited with progress on the
//! emulator's clock, downloaded through its redirect, the MP4 checked box by box), and the
//! typed errors raised before anything is sent.

// The decoders below are test support: a panic there is a test failure with a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use gemini::types::{
    GenerateContentRequest, GenerationConfig, ImageConfig, ImagenParameters, ImagenRequest,
    Modality, SpeechConfig,
};
use gemini::{
    AspectRatio, Error, GenerateImages, GenerateVideos, InvalidInput, InvalidInputKind,
    ReferenceType, WaitOptions,
};
use gemini_emulator::{Emulator, ManualClock};
use integration_tests::{KEY, client, emulator, within};

const IMAGE_MODEL: &str = "gemini-2.5-flash-image";
const TTS_MODEL: &str = "gemini-2.5-flash-preview-tts";
const IMAGEN: &str = "imagen-4.0-generate-001";
const VEO: &str = "veo-3.1-generate-preview";

/// Decodes a PNG fully: `(width, height)`.
fn decode_png(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a buffer size")];
    let info = reader.next_frame(&mut buf).expect("a whole PNG frame");
    (info.width, info.height)
}

/// What a WAV reader needs from a file: `(channels, sample rate, bits, samples)`. Walks the
/// RIFF chunks as a reader does and fails on anything a reader would refuse.
fn read_wav(wav: &[u8]) -> (u16, u32, u16, Vec<i16>) {
    let u32_at = |i: usize| u32::from_le_bytes(wav[i..i + 4].try_into().unwrap());
    let u16_at = |i: usize| u16::from_le_bytes(wav[i..i + 2].try_into().unwrap());
    assert_eq!(&wav[0..4], b"RIFF");
    assert_eq!(u32_at(4) as usize, wav.len() - 8, "RIFF size");
    assert_eq!(&wav[8..12], b"WAVE");
    let mut at = 12;
    let mut format = None;
    let mut samples = None;
    while at + 8 <= wav.len() {
        let id = &wav[at..at + 4];
        let len = u32_at(at + 4) as usize;
        let body = at + 8;
        assert!(body + len <= wav.len(), "chunk {id:?} runs past the end");
        match id {
            b"fmt " => {
                assert!(len >= 16);
                assert_eq!(u16_at(body), 1, "PCM");
                let (channels, rate, bits) =
                    (u16_at(body + 2), u32_at(body + 4), u16_at(body + 14));
                let align = u16_at(body + 12);
                assert_eq!(align, channels * bits / 8, "block align");
                assert_eq!(u32_at(body + 8), rate * u32::from(align), "byte rate");
                format = Some((channels, rate, bits));
            }
            b"data" => {
                assert!(format.is_some(), "fmt comes before data");
                samples = Some(
                    wav[body..body + len]
                        .chunks_exact(2)
                        .map(|c| i16::from_le_bytes([c[0], c[1]]))
                        .collect::<Vec<_>>(),
                );
            }
            _ => {}
        }
        at = body + len + (len & 1);
    }
    assert_eq!(at, wav.len(), "the chunks fill the file");
    let (channels, rate, bits) = format.expect("a fmt chunk");
    (channels, rate, bits, samples.expect("a data chunk"))
}

/// The top-level MP4 boxes `(type, payload)`, checking that they tile the file exactly.
fn mp4_boxes(data: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        assert!(at + 8 <= data.len(), "a box header past the end");
        let size = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = data[at + 4..at + 8].try_into().unwrap();
        assert!(
            size >= 8 && at + size <= data.len(),
            "box {kind:?} of size {size}"
        );
        out.push((kind, &data[at + 8..at + size]));
        at += size;
    }
    out
}

/// The `mvhd` duration of an MP4, in seconds.
fn mp4_seconds(mp4: &[u8]) -> f64 {
    let boxes = mp4_boxes(mp4);
    let moov = boxes.iter().find(|(k, _)| k == b"moov").unwrap().1;
    let inner = mp4_boxes(moov);
    let mvhd = inner.iter().find(|(k, _)| k == b"mvhd").unwrap().1;
    assert_eq!(mvhd[0], 0, "version 0 mvhd");
    let timescale = u32::from_be_bytes(mvhd[12..16].try_into().unwrap());
    let duration = u32::from_be_bytes(mvhd[16..20].try_into().unwrap());
    f64::from(duration) / f64::from(timescale)
}

/// Waits for a Veo operation, moving the emulator's clock 1 s per poll.
async fn wait_video(
    client: &gemini::Client,
    clock: &ManualClock,
    name: &str,
) -> gemini::GeneratedVideos {
    within(
        client.videos().wait_with_progress(
            name,
            WaitOptions::new()
                .with_initial_interval(Duration::from_millis(2))
                .with_max_interval(Duration::from_millis(2))
                .with_timeout(Duration::from_secs(10)),
            |_| clock.advance(Duration::from_secs(1)),
        ),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn an_image_output_answer_decodes_as_a_png() {
    let emu = emulator();
    let client = client(&emu);
    let request = GenerateContentRequest::from("A red fox in the snow").with_generation_config(
        GenerationConfig::new()
            .with_response_modalities([Modality::Text, Modality::Image])
            .with_image_config(ImageConfig::aspect_ratio("16:9")),
    );
    let answer = within(client.models().generate_content(IMAGE_MODEL, request))
        .await
        .unwrap();
    let images = answer.images();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].mime_type, "image/png");
    let (w, h) = decode_png(&images[0].data);
    assert_eq!(w * 9, h * 16, "16:9: {w}x{h}");
    assert!(answer.audio().is_none());
    let sent = emu.last_body("generateContent").unwrap();
    assert_eq!(
        sent["generationConfig"],
        serde_json::json!({"responseModalities": ["TEXT", "IMAGE"], "imageConfig": {"aspectRatio": "16:9"}})
    );
}

#[tokio::test]
async fn a_tts_answer_is_written_as_a_wav_a_reader_accepts() {
    let emu = emulator();
    let client = client(&emu);
    for speech in [
        SpeechConfig::voice("Kore"),
        SpeechConfig::multi_speaker([("Joe", "Puck"), ("Jane", "Kore")]),
    ] {
        let request = GenerateContentRequest::from("Joe: Hello there. Jane: Hi, Joe!")
            .with_generation_config(
                GenerationConfig::new()
                    .with_response_modalities([Modality::Audio])
                    .with_speech_config(speech),
            );
        let answer = within(client.models().generate_content(TTS_MODEL, request))
            .await
            .unwrap();
        let audio = answer.audio().expect("PCM audio").unwrap();
        assert_eq!((audio.sample_rate, audio.channels), (24_000, 1));
        assert!(audio.duration() > Duration::from_millis(100));
        let mut wav = Vec::new();
        audio.write_wav(&mut wav).unwrap();
        let (channels, rate, bits, samples) = read_wav(&wav);
        assert_eq!((channels, rate, bits), (1, 24_000, 16));
        assert_eq!(samples.len() * 2, audio.pcm.len());
        assert!(
            samples.iter().any(|s| s.unsigned_abs() > 1000),
            "not silence"
        );
        assert_eq!(audio.to_wav().unwrap(), wav);
    }
}

#[tokio::test]
async fn imagen_gives_two_samples_one_of_them_filtered() {
    let emu = emulator();
    let client = client(&emu);
    let answer = within(
        client.images().generate(
            IMAGEN,
            GenerateImages::new("A lighthouse at dusk [filtered]")
                .with_sample_count(2)
                .with_aspect_ratio(AspectRatio::Square)
                .with_rai_reason(true)
                .with_safety_attributes(true),
        ),
    )
    .await
    .unwrap();
    assert_eq!(answer.images.len(), 1, "{:?}", answer.raw);
    assert_eq!(answer.filtered.len(), 1);
    assert!(!answer.filtered[0].reason.is_empty());
    assert_eq!(answer.images[0].mime_type, "image/png");
    let (w, h) = decode_png(&answer.images[0].data);
    assert_eq!(w, h);
    assert!(answer.images[0].safety_attributes.is_some());
    // The prompt's own safety attributes are kept apart from the images.
    assert!(answer.prompt_safety_attributes.is_some());
    assert_eq!(emu.count("predict"), 1);
}

#[tokio::test]
async fn imagen_bad_input_is_refused_before_sending() {
    let emu = emulator();
    let client = client(&emu);
    let mut vertex_only = ImagenParameters::default();
    vertex_only.negative_prompt = Some("people".into());
    let cases = [
        (
            ImagenRequest::imagen("a cat", vertex_only),
            "parameters.negativePrompt",
            InvalidInputKind::NotOnGeminiApi,
        ),
        (
            ImagenRequest::imagen(
                "a cat",
                ImagenParameters::default().with_aspect_ratio("5:1"),
            ),
            "parameters.aspectRatio",
            InvalidInputKind::UnknownValue,
        ),
        (
            ImagenRequest::imagen(
                "a cat",
                ImagenParameters::default().with_person_generation("ALLOW_ALL"),
            ),
            "parameters.personGeneration",
            InvalidInputKind::UnknownValue,
        ),
    ];
    for (request, field, kind) in cases {
        let e = within(client.images().generate(IMAGEN, request))
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Build(_)), "{e:?}");
        let invalid = InvalidInput::find(&e).unwrap();
        assert_eq!((invalid.field(), invalid.kind()), (field, kind));
    }
    assert_eq!(emu.count("*"), 0, "nothing was sent");
}

#[tokio::test]
async fn veo_text_to_video_is_waited_and_downloaded_as_an_mp4() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .api_key(KEY)
        .clock(clock.clone())
        .video_generation_time(Duration::from_secs(30))
        .start();
    let client = client(&emu);
    let videos = client.videos();
    let op = within(
        videos.generate(
            VEO,
            GenerateVideos::new("A cat surfing a wave")
                .with_aspect_ratio("16:9")
                .with_duration_seconds(4),
        ),
    )
    .await
    .unwrap();
    assert!(
        op.name()
            .starts_with("models/veo-3.1-generate-preview/operations/")
    );
    // Every poll moves the emulator's clock 10 s: done on the fourth poll.
    let mut polls = Vec::new();
    let done = within(
        videos.wait_with_progress(
            op.name(),
            WaitOptions::new()
                .with_initial_interval(Duration::from_millis(5))
                .with_max_interval(Duration::from_millis(5))
                .with_timeout(Duration::from_secs(10)),
            |p| {
                polls.push((p.polls(), p.is_done()));
                clock.advance(Duration::from_secs(10));
            },
        ),
    )
    .await
    .unwrap();
    assert_eq!(polls, [(1, false), (2, false), (3, false), (4, true)]);
    assert_eq!(done.videos.len(), 1);
    assert_eq!(done.filtered_count, 0);

    let mut mp4 = Vec::new();
    let n = within(videos.download(&done.videos[0], &mut mp4))
        .await
        .unwrap();
    assert_eq!(n as usize, mp4.len());
    let boxes = mp4_boxes(&mp4);
    let kinds: Vec<&[u8; 4]> = boxes.iter().map(|(k, _)| k).collect();
    assert_eq!(kinds[0], b"ftyp");
    assert!(
        kinds.contains(&b"moov") && kinds.contains(&b"mdat"),
        "{kinds:?}"
    );
    let moov = boxes.iter().find(|(k, _)| k == b"moov").unwrap().1;
    let inner: Vec<[u8; 4]> = mp4_boxes(moov).into_iter().map(|(k, _)| k).collect();
    assert!(
        inner.contains(b"mvhd") && inner.contains(b"trak"),
        "{inner:?}"
    );
    // The download went through the redirect (`/download/...`), with the key in the header
    // on both hops, never in a URL.
    let downloads = emu.requests_for("files.download");
    assert_eq!(
        downloads.len(),
        2,
        "the API path, then the redirect's target"
    );
    assert!(
        downloads[1].path().starts_with("/download/"),
        "{}",
        downloads[1].path()
    );
    assert!(downloads.iter().all(|r| r.api_key() == Some(KEY)));
    assert!(
        emu.requests()
            .iter()
            .all(|r| r.query().is_none_or(|q| !q.contains(KEY)))
    );
}

#[tokio::test]
async fn veo_deadlines_and_bad_input_are_typed() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .api_key(KEY)
        .clock(clock)
        .video_generation_time(Duration::from_secs(3600))
        .start();
    let client = client(&emu);
    let videos = client.videos();
    let op = within(videos.generate(VEO, GenerateVideos::new("A slow sunrise")))
        .await
        .unwrap();
    let e = within(
        videos.wait(
            op.name(),
            WaitOptions::new()
                .with_initial_interval(Duration::from_millis(5))
                .with_timeout(Duration::from_millis(50)),
        ),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, Error::Operation(o) if o.is_deadline()),
        "{e:?}"
    );

    let before = emu.count("*");
    let e = within(videos.generate(VEO, GenerateVideos::new("x").with_aspect_ratio("4:3")))
        .await
        .unwrap_err();
    assert_eq!(
        InvalidInput::find(&e).unwrap().field(),
        "parameters.aspectRatio"
    );
    assert_eq!(emu.count("*"), before, "nothing was sent");
}

#[tokio::test]
async fn veo_image_to_video_last_frame_reference_images_and_extension() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .api_key(KEY)
        .clock(clock.clone())
        .video_generation_time(Duration::from_secs(3))
        .start();
    let client = client(&emu);
    let picture = within(client.images().generate(
        IMAGEN,
        GenerateImages::new("A lighthouse").with_sample_count(1),
    ))
    .await
    .unwrap()
    .images
    .remove(0);
    let png = picture.data.to_vec();
    let videos = client.videos();

    // Image-to-video, from a first frame to a last frame.
    let op = within(
        videos.generate(
            VEO,
            GenerateVideos::new("The beam sweeps over the sea")
                .with_image(&png, "image/png")
                .with_last_frame(&png, "image/png")
                .with_duration_seconds(4),
        ),
    )
    .await
    .unwrap();
    let first = wait_video(&client, &clock, op.name()).await;
    let mut mp4 = Vec::new();
    within(videos.download(&first.videos[0], &mut mp4))
        .await
        .unwrap();
    let first_seconds = mp4_seconds(&mp4);
    assert!((first_seconds - 4.0).abs() < 0.5, "{first_seconds}");

    // Extension of that video: longer than its source.
    let op = within(videos.generate(
        VEO,
        GenerateVideos::extend("Then night falls", &first.videos[0]).with_resolution("720p"),
    ))
    .await
    .unwrap();
    let extended = wait_video(&client, &clock, op.name()).await;
    let mut mp4 = Vec::new();
    within(videos.download(&extended.videos[0], &mut mp4))
        .await
        .unwrap();
    assert!(mp4_seconds(&mp4) > first_seconds + 1.0);

    // Reference images.
    let op = within(videos.generate(
        VEO,
        GenerateVideos::new("A dog on a beach in this style").with_reference_image(
            &png,
            "image/png",
            ReferenceType::Style,
        ),
    ))
    .await
    .unwrap();
    assert_eq!(wait_video(&client, &clock, op.name()).await.videos.len(), 1);

    let bodies: Vec<serde_json::Value> = emu
        .requests_for("predictLongRunning")
        .iter()
        .map(|r| r.json().unwrap().clone())
        .collect();
    let instance = |i: usize| &bodies[i]["instances"][0];
    assert_eq!(instance(0)["image"]["mimeType"], "image/png");
    assert_eq!(instance(0)["lastFrame"]["mimeType"], "image/png");
    assert_eq!(
        instance(1)["video"]["uri"].as_str(),
        first.videos[0].uri.as_deref()
    );
    assert_eq!(instance(2)["referenceImages"][0]["referenceType"], "STYLE");
}

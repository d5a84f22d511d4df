//! `demo`: a short tour of what gemini-rs does, as a readable transcript.

use futures_util::StreamExt;
use gemini::live::{LiveConfig, LiveEvent};
use gemini::types::{
    Content, EmbedContentRequest, FunctionDeclaration, GenerateContentRequest, GenerationConfig,
    Modality, Part, Role,
};
use gemini::{ChatConfig, Tools, UploadOptions, UploadSource, WaitOptions};
use serde_json::{Value, json};

use super::Ctx;
use super::embed::cosine;
use crate::cli::{DEFAULT_IMAGE_MODEL, DEFAULT_LIVE_MODEL, DEFAULT_SPEECH_MODEL};
use crate::exit::Failure;
use crate::term::Io;

pub(super) async fn run(ctx: &Ctx, io: &mut Io) -> Result<(), Failure> {
    let model = ctx.model().to_owned();
    let models = ctx.client().models();
    if ctx.backend.is_emulated() {
        io.println(&format!(
            "A tour of gemini-rs with {model}, answered by the built-in emulator: its answers \
             echo the prompt (set GEMINI_API_KEY for real ones)."
        ))?;
    } else {
        io.println(&format!("A tour of gemini-rs with {model}."))?;
    }

    section(io, "1. generate: one answer")?;
    let prompt = "Explain how AI works in a few words";
    io.println(&format!("> {prompt}"))?;
    let answer = models.generate_content(&model, prompt).await?;
    io.println(&answer.text().unwrap_or_default())?;

    section(io, "2. stream: the answer as it is generated")?;
    let prompt = "Write a four-line poem about the sea";
    io.println(&format!("> {prompt}"))?;
    let mut stream = models.generate_content_stream(&model, prompt).await?;
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        io.print(&chunk?.text().unwrap_or_default())?;
        io.flush()?;
        chunks += 1;
    }
    io.println(&format!("\n({chunks} chunks)"))?;

    section(io, "3. chat: a conversation that keeps its history")?;
    let mut chat = ctx.client().chats().create(
        &model,
        ChatConfig::new().with_system_instruction("Answer in one sentence."),
    )?;
    for message in [
        "I have two dogs and a cat.",
        "How many paws are in my house?",
    ] {
        io.println(&format!("> {message}"))?;
        let mut stream = chat.send_message_stream(message).await?;
        while let Some(chunk) = stream.next().await {
            io.print(&chunk?.text().unwrap_or_default())?;
        }
        io.println("")?;
    }
    io.println(&format!(
        "(the history holds {} turns; `gemini-rs chat` saves it with /save)",
        chat.history().full().len()
    ))?;

    section(io, "4. count tokens")?;
    let prompt = "How many tokens is this sentence?";
    let tokens = models.count_tokens(&model, prompt).await?;
    io.println(&format!("{prompt:?} is {} tokens", tokens.total()))?;

    section(io, "5. embeddings and similarity")?;
    let texts = [
        "a cat sleeps on the sofa",
        "a kitten naps on the couch",
        "the stock market fell",
    ];
    let embedding_model = ctx.embedding_model();
    let batch = models
        .batch_embed_contents(embedding_model, texts.map(EmbedContentRequest::new))
        .await?;
    let vectors: Vec<&[f64]> = batch
        .embeddings
        .iter()
        .map(|e| e.values.as_slice())
        .collect();
    if let [first, rest @ ..] = vectors.as_slice() {
        io.println(&format!(
            "{} vectors of {} dimensions from {embedding_model}",
            vectors.len(),
            first.len()
        ))?;
        for (text, v) in texts.iter().skip(1).zip(rest) {
            io.println(&format!(
                "{:+.3}  {:?} vs {text:?}",
                cosine(first, v),
                texts[0]
            ))?;
        }
    }

    section(io, "6. structured output: JSON that follows a schema")?;
    let schema = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "minutes": {"type": "integer"},
            "ingredients": {"type": "array", "items": {"type": "string"}}
        },
        "required": ["name", "minutes", "ingredients"]
    });
    let prompt = "A simple pancake recipe";
    io.println(&format!(
        "> {prompt}  (with a JSON schema: name, minutes, ingredients)"
    ))?;
    let recipe: Value = models
        .generate_json_with_schema(&model, prompt, schema)
        .await?;
    io.println(&recipe.to_string())?;

    section(io, "7. function calling: the model calls your code")?;
    let declaration =
        FunctionDeclaration::new("get_weather", "Returns the current weather in a city.")
            .with_parameters_json_schema(json!({
                "type": "object",
                "properties": {"city": {"type": "string", "description": "A city name"}},
                "required": ["city"]
            }));
    let (calls_tx, calls_rx) = std::sync::mpsc::channel::<String>();
    let tools = Tools::new().function_with_declaration(declaration, move |args: Value| {
        let calls_tx = calls_tx.clone();
        async move {
            let city = args
                .get("city")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            let _ = calls_tx.send(city.clone());
            Ok::<_, String>(json!({"city": city, "celsius": 21, "sky": "clear"}))
        }
    });
    let prompt = "Use get_weather: what's the weather like in Paris?";
    io.println(&format!("> {prompt}"))?;
    let answer = models
        .clone()
        .with_tools(tools)
        .generate_content(&model, prompt)
        .await?;
    for city in calls_rx.try_iter() {
        io.println(&format!("(get_weather ran for {city:?})"))?;
    }
    io.println(&answer.text().unwrap_or_default())?;

    section(io, "8. files: upload once, then ask about the file")?;
    let notes = "Meeting notes: the launch moves to March; Ana owns the budget.";
    let file = ctx
        .client()
        .files()
        .upload(
            UploadSource::bytes(notes.as_bytes().to_vec()).with_file_name("notes.txt"),
            UploadOptions::new().with_display_name("meeting notes"),
        )
        .await?;
    io.println(&format!(
        "uploaded {} ({} bytes, resumable protocol)",
        file.name.as_deref().unwrap_or("?"),
        notes.len()
    ))?;
    let prompt = "Who owns the budget?";
    io.println(&format!("> {prompt}  (with the file attached)"))?;
    let request = GenerateContentRequest::new([Content::new(
        Role::User,
        [file.as_part(), Part::text(prompt)],
    )]);
    let answer = models.generate_content(&model, request).await?;
    io.println(&answer.text().unwrap_or_default())?;

    section(io, "9. batch mode: many requests, one job")?;
    let batches = ctx.client().batches();
    let op = batches
        .create_inline(
            &model,
            [
                ("q1", GenerateContentRequest::from("Name a planet")),
                ("q2", GenerateContentRequest::from("Name a color")),
            ],
        )
        .await?;
    io.println(&format!("started {}; waiting for it to end", op.name()))?;
    let done = batches.wait(op.name(), WaitOptions::new()).await?;
    let mut results = batches.results(&done).await?;
    while let Some(item) = results.next().await {
        let item = item?;
        let answer = match &item.result {
            Ok(response) => response.text().unwrap_or_default(),
            Err(status) => format!("error: {}", status.message()),
        };
        io.println(&format!(
            "{}: {}",
            item.key.as_deref().unwrap_or("?"),
            answer.trim_end()
        ))?;
    }

    section(io, "10. images and speech: other output modalities")?;
    let prompt = "A lighthouse at dawn, watercolour";
    io.println(&format!("> {prompt}  ({DEFAULT_IMAGE_MODEL})"))?;
    let request = GenerateContentRequest::from(prompt).with_generation_config(
        GenerationConfig::new().with_response_modalities([Modality::Image]),
    );
    let answer = models
        .generate_content(DEFAULT_IMAGE_MODEL, request)
        .await?;
    for image in answer.images() {
        io.println(&format!(
            "an image: {} bytes of {} (`gemini-rs image` saves it)",
            image.data.len(),
            image.mime_type
        ))?;
    }
    let text = "Have a wonderful day!";
    io.println(&format!("> read aloud: {text:?}  ({DEFAULT_SPEECH_MODEL})"))?;
    let request = GenerateContentRequest::from(text).with_generation_config(
        GenerationConfig::new().with_response_modalities([Modality::Audio]),
    );
    let answer = models
        .generate_content(DEFAULT_SPEECH_MODEL, request)
        .await?;
    if let Some(Ok(audio)) = answer.audio() {
        io.println(&format!(
            "{:.1} s of {} Hz audio (`gemini-rs speak` writes a WAV file)",
            audio.duration().as_secs_f64(),
            audio.sample_rate
        ))?;
    }

    section(io, "11. Interactions: the server keeps the conversation")?;
    let interactions = ctx.client().interactions();
    let message = "My name is Ada. Remember it.";
    io.println(&format!("> {message}"))?;
    let first = interactions
        .create()
        .model(&model)
        .input(message)
        .send()
        .await?;
    io.println(first.output_text().trim_end())?;
    let id = first.id.clone().unwrap_or_default();
    let message = "What is my name?";
    io.println(&format!("> {message}  (previous interaction {id})"))?;
    let second = interactions
        .create()
        .model(&model)
        .input(message)
        .previous_id(id)
        .send()
        .await?;
    io.println(second.output_text().trim_end())?;

    section(io, "12. Live: a WebSocket session that resumes by itself")?;
    let live_model = DEFAULT_LIVE_MODEL;
    let config = LiveConfig::default()
        .response_modalities([Modality::Text])
        .session_resumption(true);
    let mut session = ctx.client().live().connect(live_model, config).await?;
    io.println(&format!("(connected to {live_model})"))?;
    for message in ["Hello! Who are you?", "Say that again, shorter."] {
        io.println(&format!("> {message}"))?;
        session.send_text(message).await?;
        while let Some(event) = session.next_event().await {
            match event? {
                LiveEvent::Text(text) => {
                    io.print(&text)?;
                    io.flush()?;
                }
                LiveEvent::TurnComplete { .. } => break,
                _ => {}
            }
        }
        io.println("")?;
    }
    session.close().await?;

    section(io, "done")?;
    io.println("Try: gemini-rs generate \"...\", gemini-rs chat, gemini-rs --help")
}

fn section(io: &mut Io, title: &str) -> Result<(), Failure> {
    io.println(&format!("\n== {title} =="))
}

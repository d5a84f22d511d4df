//! `video`: a Veo generation, waited on (a spinner on a terminal; Ctrl-C says how to pick it
//! up again) and downloaded as an MP4; `video status` and `video download` follow an
//! operation started earlier.

use std::path::Path;
use std::time::Duration;

use gemini::types::{PredictLongRunningOperation, PredictLongRunningResponse};
use gemini::{GenerateVideos, GeneratedVideos, WaitOptions};
use serde_json::{Value, json};

use super::{Ctx, create_new, print_rows, refused, to_json};
use crate::cli::{DEFAULT_VIDEO_MODEL, VideoArgs, VideoCommand};
use crate::exit::Failure;
use crate::input;
use crate::term::Io;

/// How long a wait lasts at most (generation takes minutes; the operation goes on after).
const WAIT_LIMIT: Duration = Duration::from_secs(3600);

pub(super) async fn run(ctx: &Ctx, args: VideoArgs, io: &mut Io) -> Result<(), Failure> {
    match args.command {
        Some(VideoCommand::Status { operation }) => status(ctx, &operation, io).await,
        Some(VideoCommand::Download { operation, out }) => {
            let done = wait(ctx, &operation, io).await?;
            download(ctx, &done, out.as_deref(), io).await
        }
        None => generate(ctx, args, io).await,
    }
}

async fn generate(ctx: &Ctx, args: VideoArgs, io: &mut Io) -> Result<(), Failure> {
    let prompt = input::prompt(args.prompt, io).await?;
    let model = ctx.model_or(DEFAULT_VIDEO_MODEL);
    let mut request = GenerateVideos::new(prompt);
    if let Some(path) = &args.image {
        let (data, mime_type) = read_image(path)?;
        request = request.with_image(data, mime_type);
    }
    if let Some(ratio) = &args.aspect_ratio {
        request = request.with_aspect_ratio(ratio.as_str());
    }
    let mut spinner = io.spinner(&format!("starting a video on {model}"));
    let operation = ctx
        .client()
        .videos()
        .generate(model, request)
        .await
        .map_err(refused)?;
    spinner.stop();
    if args.no_wait {
        if ctx.json() {
            return io.println(&to_json(&operation)?);
        }
        return io.println(operation.name());
    }
    let done = wait(ctx, operation.name(), io).await?;
    download(ctx, &done, args.out.as_deref(), io).await
}

/// A local image for image-to-video: its bytes and MIME type (PNG, JPEG or WebP).
fn read_image(path: &Path) -> Result<(Vec<u8>, String), Failure> {
    let mime_type = mime_guess::from_path(path)
        .first()
        .map(|m| m.essence_str().to_owned())
        .filter(|m| m.starts_with("image/"))
        .ok_or_else(|| {
            Failure::Input(format!(
                "{} is not an image (PNG, JPEG or WebP, by its name)",
                path.display()
            ))
        })?;
    let data = std::fs::read(path)
        .map_err(|e| Failure::io(format!("cannot read {}", path.display()), e))?;
    Ok((data, mime_type))
}

/// Waits for the operation with a spinner on a terminal (nothing on a pipe). Ctrl-C stops
/// waiting, not the generation, and says how to pick it up again.
async fn wait(ctx: &Ctx, operation: &str, io: &Io) -> Result<GeneratedVideos, Failure> {
    let options = if ctx.backend.is_emulated() {
        WaitOptions::new()
            .with_initial_interval(Duration::from_millis(200))
            .with_max_interval(Duration::from_millis(500))
    } else {
        WaitOptions::new()
            .with_initial_interval(Duration::from_secs(5))
            .with_max_interval(Duration::from_secs(15))
    }
    .with_timeout(WAIT_LIMIT);
    let spinner = io.spinner(&format!("generating {operation}"));
    let videos = ctx.client().videos();
    let result = tokio::select! {
        biased;
        r = videos.wait_with_progress(operation, options, |p| {
            spinner.set_message(&format!(
                "generating {operation} ({}s)",
                p.elapsed().as_secs()
            ));
        }) => r,
        _ = tokio::signal::ctrl_c() => {
            return Err(interrupted(ctx, operation));
        }
    };
    drop(spinner);
    result.map_err(Failure::from)
}

/// What Ctrl-C during a wait says: the operation, and how to download its video later.
fn interrupted(ctx: &Ctx, operation: &str) -> Failure {
    if ctx.backend.is_emulated() {
        return Failure::InterruptedResumable(format!(
            "stopped waiting for {operation}; the built-in emulator's videos end with the process"
        ));
    }
    Failure::InterruptedResumable(format!(
        "the video keeps generating as {operation}; download it later with:\n  gemini-rs video download {operation}"
    ))
}

/// Downloads the first video of a finished operation to `out` (or `video.mp4`, never
/// overwriting), and prints its path.
async fn download(
    ctx: &Ctx,
    done: &GeneratedVideos,
    out: Option<&Path>,
    io: &mut Io,
) -> Result<(), Failure> {
    if done.filtered_count > 0 {
        io.note(&format!(
            "gemini-rs: {} video(s) filtered: {}",
            done.filtered_count,
            done.filtered_reasons.join("; ")
        ));
    }
    let Some(video) = done.videos.first() else {
        return Err(Failure::Input(format!(
            "{} generated no video",
            done.operation.name()
        )));
    };
    let (path, file) = match out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| Failure::io(format!("cannot create {}", path.display()), e))?;
            (path.to_owned(), file)
        }
        None => create_new(Path::new(""), "video", "mp4", false)?,
    };
    let mut file = tokio::fs::File::from_std(file);
    let mut spinner = io.spinner(&format!("downloading {}", path.display()));
    let written = ctx.client().videos().download(video, &mut file).await?;
    spinner.stop();
    if ctx.json() {
        let summary = json!({
            "path": path.display().to_string(),
            "sizeBytes": written,
            "operation": done.operation,
        });
        return io.println(&to_json(&summary)?);
    }
    io.println(&path.display().to_string())
}

/// `video status`: running, or done with its videos (or its error).
async fn status(ctx: &Ctx, operation: &str, io: &mut Io) -> Result<(), Failure> {
    let op: PredictLongRunningOperation = ctx
        .client()
        .operations()
        .get_as::<Value, PredictLongRunningResponse>(operation)
        .await?;
    if ctx.json() {
        return io.println(&to_json(&op)?);
    }
    let state = match (&op.error, op.is_done()) {
        (Some(error), _) => format!("failed: {}", error.message()),
        (None, true) => "done".to_owned(),
        (None, false) => "running".to_owned(),
    };
    let name = op.name().to_owned();
    let done = GeneratedVideos::from_operation(op);
    let uris: Vec<String> = done.videos.iter().filter_map(|v| v.uri.clone()).collect();
    print_rows(
        io,
        9,
        &[
            ("name", Some(name)),
            ("state", Some(state)),
            ("videos", (!uris.is_empty()).then(|| uris.join(" "))),
            (
                "filtered",
                (done.filtered_count > 0).then(|| {
                    format!(
                        "{} ({})",
                        done.filtered_count,
                        done.filtered_reasons.join("; ")
                    )
                }),
            ),
        ],
    )
}

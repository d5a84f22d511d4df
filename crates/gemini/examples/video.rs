//! Video: Veo makes a clip from a prompt; the operation is waited with progress and a
//! deadline; the clip is downloaded (following the redirect, the key in the header).
//!
//! ```sh
//! cargo run -p gemini --example video
//! ```

#[path = "common/mod.rs"]
#[allow(dead_code)] // `common::model()` is the text model; this example names its own.
mod common;

use std::time::Duration;

use gemini::{GenerateVideos, WaitOptions};

/// The Veo model.
pub(crate) const VEO_MODEL: &str = "veo-3.1-generate-preview";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    let mp4 = run(&client, VEO_MODEL).await?;
    let path = std::env::temp_dir().join("cat.mp4");
    std::fs::write(&path, mp4)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Generates the clip and returns its bytes.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let videos = client.videos();
    let operation = videos
        .generate(
            model,
            GenerateVideos::new("A cat surfing a wave at sunset, cinematic")
                .with_aspect_ratio("16:9")
                .with_duration_seconds(8),
        )
        .await?;
    println!("started {}", operation.name());

    // Generation takes minutes on the real service: poll every few seconds, give up after
    // ten minutes (the operation goes on; wait on it again by name).
    let done = videos
        .wait_with_progress(
            operation.name(),
            WaitOptions::new()
                .with_initial_interval(Duration::from_secs(1))
                .with_max_interval(Duration::from_secs(10))
                .with_timeout(Duration::from_secs(600)),
            |p| println!("poll {}: {:?} elapsed", p.polls(), p.elapsed()),
        )
        .await?;
    if done.filtered_count > 0 {
        println!(
            "{} video(s) filtered: {:?}",
            done.filtered_count, done.filtered_reasons
        );
    }
    let video = done.videos.first().ok_or("no video was generated")?;
    // Any `AsyncWrite` works: a `tokio::fs::File` streams the clip to disk.
    let mut mp4 = Vec::new();
    let n = videos.download(video, &mut mp4).await?;
    println!("downloaded {n} bytes");
    Ok(mp4)
}

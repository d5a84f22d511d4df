//! Files: upload a document with progress, wait until it is ready, ask about it, download it,
//! list and delete.
//!
//! ```sh
//! cargo run -p gemini --example files
//! ```

#[path = "common/mod.rs"]
mod common;

use futures_util::TryStreamExt as _;
use gemini::{Content, Role, UploadOptions, UploadSource, WaitOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Uploads a small text file, waits for it, uses it in a prompt, then cleans up.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let files = client.files();
    let text = "Minutes of the meeting: the budget was approved; the launch moves to May.\n";
    // A path works the same way: `UploadSource::path("minutes.txt")`; the MIME type comes
    // from the file name.
    let file = files
        .upload(
            UploadSource::bytes(text.as_bytes().to_vec()).with_file_name("minutes.txt"),
            UploadOptions::new()
                .with_display_name("minutes")
                .with_progress(|p| println!("uploaded {}/{} bytes", p.sent(), p.total())),
        )
        .await?;
    println!("uploaded {} ({:?})", file.id(), file.state);

    let file = files
        .wait_until_active(file.id(), WaitOptions::new())
        .await?;
    let prompt = Content::new(
        Role::User,
        [file.as_part(), "Summarize this file in one line.".into()],
    );
    let answer = client.models().generate_content(model, prompt).await?;
    println!("{}", answer.text().unwrap_or_default());

    let listed: Vec<_> = files.list().try_collect().await?;
    println!("{} file(s) in the project", listed.len());
    // Downloads stream into any `AsyncWrite` (a `tokio::fs::File`, a socket, a `Vec<u8>`).
    // The real API serves downloads for generated files only (a Veo video, a batch's results).
    let mut bytes = Vec::new();
    match files.download(file.id(), &mut bytes).await {
        Ok(n) => println!("downloaded {n} bytes"),
        Err(e) => println!("no download: {e}"),
    }
    files.delete(file.id()).await?;
    Ok(())
}

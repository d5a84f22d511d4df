//! Models: list every model (the pages are fetched as you go) and get one.
//!
//! ```sh
//! cargo run -p gemini --example list_models
//! ```

#[path = "common/mod.rs"]
mod common;

use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Prints the models that can generate content, then one model's limits.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut models = client.models().list().with_page_size(20);
    while let Some(m) = models.try_next().await? {
        if m.supports("generateContent") {
            println!("{}", m.name.unwrap_or_default());
        }
    }
    let m = client.models().get(model).await?;
    println!(
        "{}: {} input tokens, {} output tokens",
        m.display_name.unwrap_or_default(),
        m.input_token_limit.unwrap_or_default(),
        m.output_token_limit.unwrap_or_default()
    );
    Ok(())
}

//! Escape hatches: send a field this SDK does not model yet (`extra_body`), or make a raw
//! JSON call, with the same authentication, retries and errors.
//!
//! ```sh
//! cargo run -p gemini --example raw
//! ```

#[path = "common/mod.rs"]
mod common;

use gemini::RequestOptions;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// A typed call with extra JSON merged in, then an untyped call.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let typed = client
        .models()
        .with_options(
            RequestOptions::new()
                .with_extra_body(json!({"generationConfig": {"temperature": 0.1}})),
        )
        .generate_content(model, "Pick a number")
        .await?;
    println!("{}", typed.text().unwrap_or_default());

    let name = gemini::ModelName::new(model)?;
    let raw = client
        .raw()
        .post_json(
            &format!("{name}:generateContent"),
            &json!({"contents": [{"role": "user", "parts": [{"text": "Hello from raw JSON"}]}]}),
        )
        .await?;
    println!("{}", raw["candidates"][0]["content"]["parts"][0]["text"]);
    Ok(())
}

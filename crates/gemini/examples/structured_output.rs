//! Structured output: the answer as a Rust struct, with a schema derived from the type.
//!
//! ```sh
//! cargo run -p gemini --example structured_output
//! ```

#[path = "common/mod.rs"]
mod common;

use serde::Deserialize;

/// What we want back.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Recipe {
    /// The dish.
    name: String,
    /// Preparation time in minutes.
    minutes: u32,
    /// What goes in.
    ingredients: Vec<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Asks for a recipe as JSON and decodes it.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let result = client
        .models()
        .generate_json::<Recipe>(model, "A simple pancake recipe")
        .await;
    match result {
        Ok(recipe) => println!(
            "{} ({} min): {}",
            recipe.name,
            recipe.minutes,
            recipe.ingredients.join(", ")
        ),
        // Never a silent None: the raw text and the serde error are kept.
        Err(gemini::Error::Decode(e)) => {
            println!("not a recipe: {:?} ({:?})", e.raw_text(), e.json_error());
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

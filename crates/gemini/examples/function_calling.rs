//! Function calling: declare a Rust function with typed arguments and let automatic function
//! calling run it (thought signatures and parallel calls are handled for you).
//!
//! ```sh
//! cargo run -p gemini --example function_calling
//! ```

#[path = "common/mod.rs"]
mod common;

use gemini::Tools;
use serde::Deserialize;

/// The arguments of `get_weather`; the doc comments become the schema's descriptions.
#[derive(Deserialize, schemars::JsonSchema)]
struct WeatherQuery {
    /// A city name, e.g. "Paris".
    city: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Asks a question the model answers by calling `get_weather`.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let tools = Tools::new().function(
        "get_weather",
        "Returns the current weather in a city.",
        |query: WeatherQuery| async move {
            println!("(get_weather called for {:?})", query.city);
            // A real handler would call a weather service; errors go back to the model.
            Ok::<_, String>(serde_json::json!({"city": query.city, "celsius": 21, "sky": "clear"}))
        },
    );
    let answer = client
        .models()
        .with_tools(tools)
        .generate_content(model, "Use get_weather: what's the weather like in Paris?")
        .await?;
    println!("{}", answer.text().unwrap_or_default());
    Ok(())
}

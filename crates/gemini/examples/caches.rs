//! Context caching: cache a long document once, ask several questions against it, extend the
//! cache's life, delete it.
//!
//! ```sh
//! cargo run -p gemini --example caches
//! ```

#[path = "common/mod.rs"]
mod common;

use std::time::Duration;

use gemini::types::CachedContent;
use gemini::{Content, GenerateContentRequest};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Caches a document (above the model's minimum cache size), uses it twice, updates its ttl.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let document = "Clause: the supplier delivers every Monday before noon. ".repeat(400);
    let caches = client.caches();
    let cache = caches
        .create(
            CachedContent::new(model)
                .with_display_name("supply-contract")
                .with_system_instruction("Answer only from the contract.")
                .with_content(Content::user(document))
                .with_ttl(Duration::from_secs(600)),
        )
        .await?;
    let name = cache.name.clone().unwrap_or_default();
    println!("cached {name}: {} tokens", cache.total_token_count());

    for question in ["When are deliveries due?", "Who delivers?"] {
        // The cache is one field of the request; the model must be the cache's.
        let request = GenerateContentRequest::from(question).with_cached_content(&name);
        let answer = client.models().generate_content(model, request).await?;
        let from_cache = answer
            .usage_metadata
            .as_ref()
            .and_then(|u| u.cached_content_token_count)
            .unwrap_or(0);
        println!(
            "{question} -> {} ({from_cache} cached tokens)",
            answer.text().unwrap_or_default()
        );
    }

    let cache = caches.update_ttl(&name, Duration::from_secs(3600)).await?;
    println!("now expires at {:?}", cache.expire_time);
    caches.delete(&name).await?;
    Ok(())
}

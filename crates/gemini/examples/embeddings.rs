//! Embeddings and token counting.
//!
//! ```sh
//! cargo run -p gemini --example embeddings
//! ```

#[path = "common/mod.rs"]
mod common;

use gemini::types::{EmbedContentRequest, TaskType};

const EMBEDDING_MODEL: &str = "gemini-embedding-001";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Embeds a query and two documents and ranks the documents; counts a prompt's tokens.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let query = client
        .models()
        .embed_content(
            EMBEDDING_MODEL,
            EmbedContentRequest::new("How do rivers form?")
                .with_task_type(TaskType::RetrievalQuery),
        )
        .await?
        .embedding
        .unwrap_or_default()
        .values;
    let docs = [
        "Rain collects into streams that join into rivers.",
        "Rust has no garbage collector.",
    ];
    let batch = client
        .models()
        .batch_embed_contents(
            EMBEDDING_MODEL,
            docs.map(|d| EmbedContentRequest::new(d).with_task_type(TaskType::RetrievalDocument)),
        )
        .await?;
    for (doc, e) in docs.iter().zip(&batch.embeddings) {
        println!("{:+.3}  {doc}", cosine(&query, &e.values));
    }

    let tokens = client
        .models()
        .count_tokens(model, "How do rivers form?")
        .await?;
    println!("the question is {} tokens for {model}", tokens.total());
    Ok(())
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    dot / (norm(a) * norm(b)).max(f64::MIN_POSITIVE)
}

//! Retrieval (RAG): a file search store with two documents (one uploaded into it, one
//! imported from the files API); a question answered with the `fileSearch` tool, and its
//! citations: which span of the answer comes from which document.
//!
//! ```sh
//! cargo run -p gemini --example rag
//! ```

#[path = "common/mod.rs"]
mod common;

use gemini::types::{
    ChunkingConfig, CustomMetadata, FileSearchStore, GenerateContentRequest, ImportFileRequest,
};
use gemini::{DocumentUploadOptions, FileSearchTool, UploadOptions, UploadSource, WaitOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Builds the store, asks the question, prints the citations, and deletes the store.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let stores = client.file_search_stores();
    let store = stores
        .create(FileSearchStore::new("appliance manuals"))
        .await?;
    let store_name = store.name.clone().ok_or("the store has no name")?;

    // Upload straight into the store, with metadata and a chunking config.
    let manual = "To descale the kettle, fill it with white vinegar and water, boil it once, \
                  and rinse it three times before use.";
    let upload = stores
        .upload_to_store(
            &store_name,
            UploadSource::bytes(manual.as_bytes().to_vec()).with_file_name("kettle.txt"),
            DocumentUploadOptions::new()
                .with_custom_metadata(CustomMetadata::string("product", "kettle"))
                .with_chunking_config(ChunkingConfig::white_space(200, 20)),
        )
        .await?;

    // Or import a file uploaded with the files API.
    let warranty = "Every appliance carries a two year warranty; keep the receipt.";
    let file = client
        .files()
        .upload(
            UploadSource::bytes(warranty.as_bytes().to_vec()).with_file_name("warranty.txt"),
            UploadOptions::new().with_display_name("warranty.txt"),
        )
        .await?;
    let file = client
        .files()
        .wait_until_active(file.id(), WaitOptions::new())
        .await?;
    let import = stores
        .import_file(&store_name, ImportFileRequest::new(file.id()))
        .await?;
    for op in [upload.name(), import.name()] {
        let done = stores.wait_for_document(op, WaitOptions::new()).await?;
        println!("indexed {}", done.document_name.unwrap_or_default());
    }

    let tool = FileSearchTool::new([&store_name]).with_top_k(3).build()?;
    let request = GenerateContentRequest::from("How do I descale the kettle?").with_tool(tool);
    let answer = client.models().generate_content(model, request).await?;
    println!("{}", answer.text().unwrap_or_default());
    for citation in answer.citations() {
        let sources: Vec<&str> = citation
            .sources
            .iter()
            .filter_map(gemini::types::CitedChunk::title)
            .collect();
        println!(
            "  {:?} <- {}",
            citation.text().unwrap_or_default(),
            sources.join(", ")
        );
    }

    // `force` deletes the documents with the store.
    stores.delete(&store_name, true).await?;
    client.files().delete(file.id()).await?;
    Ok(())
}

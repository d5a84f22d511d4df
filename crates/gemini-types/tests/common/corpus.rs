//! The real corpus manifest (`../shared/spec/real/MANIFEST.tsv`) and the kind of each document.

#![allow(dead_code, unreachable_pub, clippy::expect_used)]

use std::path::Path;

use super::kinds::Kind;

/// A manifest row.
pub struct Doc {
    pub file: String,
    pub surface: String,
    pub message: String,
    /// The manifest's notes column (mentions "OLD schema" for old Interactions recordings).
    pub notes: String,
}

pub fn manifest(real: &Path) -> Vec<Doc> {
    let text = std::fs::read_to_string(real.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let col = |i: usize| cols.get(i).copied().unwrap_or_default().to_owned();
            Doc {
                file: col(0),
                surface: col(1),
                message: col(2),
                notes: col(7),
            }
        })
        .collect()
}

/// Maps a manifest row to the kind of document. Every (surface, message) pair of the corpus is
/// covered; an unexpected new pair fails the test, so it cannot be skipped silently.
pub fn kind_for(surface: &str, message: &str) -> Option<Kind> {
    let m = message;
    Some(match surface {
        "generateContent" | "streamGenerateContent" if m.starts_with("GenerateContentRequest") => {
            Kind::GenerateContentRequest
        }
        "generateContent" if m.starts_with("GenerateContentResponse") => {
            Kind::GenerateContentResponse
        }
        "streamGenerateContent" if m.starts_with("GenerateContentResponse") => Kind::StreamEvent,
        "countTokens" if m.starts_with("CountTokensRequest") => Kind::CountTokensRequest,
        "countTokens" if m.starts_with("CountTokensResponse") => Kind::CountTokensResponse,
        "embedContent" if m.starts_with("EmbedContentRequest") => Kind::EmbedContentRequest,
        "embedContent" if m.starts_with("EmbedContentResponse") => Kind::EmbedContentResponse,
        "batchEmbedContents" if m.starts_with("BatchEmbedContentsRequest") => {
            Kind::BatchEmbedContentsRequest
        }
        "batchEmbedContents" if m.starts_with("BatchEmbedContentsResponse") => {
            Kind::BatchEmbedContentsResponse
        }
        "models" if m.starts_with("ListModelsResponse") => Kind::ListModelsResponse,
        "models" if m.starts_with("Model") => Kind::Model,
        "caches" if m.starts_with("ListCachedContentsResponse") => Kind::ListCachedContentsResponse,
        "caches" if m.starts_with("CachedContent") => Kind::CachedContent,
        "files" if m.starts_with("CreateFileResponse") => Kind::CreateFileResponse,
        "files" if m.starts_with("File") => Kind::File,
        "fileSearchStores" if m.starts_with("FileSearchStore") => Kind::FileSearchStore,
        "fileSearchStores" if m.starts_with("Operation") => Kind::FileSearchOperation,
        "fileSearchStores" if m.starts_with("Empty") => Kind::Empty,
        "predict" if m.starts_with("PredictRequest") => Kind::PredictRequest,
        "predict" if m.starts_with("PredictResponse (Imagen") => Kind::ImagenResponse,
        "predict" if m.starts_with("PredictResponse") => Kind::PredictResponse,
        "batches" if m.starts_with("Batch input-file line") => Kind::BatchInputLine,
        "batches" if m.starts_with("Batch results-file line") => Kind::BatchResultLine,
        "batches" if m.starts_with("Embeddings batch input-file line") => Kind::EmbedBatchInputLine,
        "batches" if m.starts_with("Embeddings batch results-file line") => {
            Kind::EmbedBatchResultLine
        }
        "error" if m.starts_with("Status error envelope") => Kind::ErrorEnvelope,
        "error" if m.starts_with("Interactions API error envelope") => {
            Kind::InteractionsErrorEnvelope
        }
        "interactions" if m.starts_with("Interaction SSE event") => Kind::InteractionEvent,
        "interactions" if m.starts_with("Interaction") => Kind::Interaction,
        "live" => Kind::LiveFrame,
        _ => return None,
    })
}

//! embedContent and batchEmbedContents requests and responses.

//! The resource handles, one module per REST resource of the API. Each handle holds a
//! [`Rest`](crate::rest::Rest) and declares its methods on the shared plumbing in
//! [`crate::rest`].

pub(crate) mod auth_tokens;
pub(crate) mod batches;
pub(crate) mod caches;
pub(crate) mod chats;
pub(crate) mod file_search_stores;
pub(crate) mod files;
pub(crate) mod images;
pub(crate) mod input;
pub(crate) mod interactions;
#[cfg(feature = "live")]
pub(crate) mod live;
pub(crate) mod models;
pub(crate) mod operations;
pub(crate) mod raw;
pub(crate) mod tuned_models;
pub(crate) mod videos;

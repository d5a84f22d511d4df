//! The resource handles, one module per REST resource of the API. Each handle holds a
//! [`Rest`](crate::rest::Rest) and declares its methods on the shared plumbing in
//! [`crate::rest`].

pub(crate) mod batches;
pub(crate) mod caches;
pub(crate) mod chats;
pub(crate) mod files;
#[cfg(feature = "live")]
pub(crate) mod live;
pub(crate) mod models;
pub(crate) mod operations;
pub(crate) mod raw;
pub(crate) mod tuned_models;

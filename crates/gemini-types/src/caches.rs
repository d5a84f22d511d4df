//! CachedContent (explicit context caching) and its list/update messages.

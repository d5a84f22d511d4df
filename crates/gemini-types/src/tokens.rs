//! countTokens request and response.

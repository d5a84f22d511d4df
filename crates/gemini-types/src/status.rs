//! The google.rpc.Status error envelope, its Code, and typed error details.

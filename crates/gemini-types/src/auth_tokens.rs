//! Ephemeral auth tokens for the Live API.

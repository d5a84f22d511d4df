//! The Live API (BidiGenerateContent) wire messages: client messages, server messages and session setup.

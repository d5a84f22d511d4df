//! Content, Part and every part kind (text, inline data, file data, function calls and responses, code execution, server-side tool calls), thoughts and thought signatures.

//! The tokio shell: the WebSocket (tokio-tungstenite over rustls, optionally through an HTTP
//! `CONNECT` proxy) around the sans-IO core.

mod connector;
mod net;
mod session;

pub use connector::{DEFAULT_BASE_URL, LiveAuth, LiveConnector, LiveConnectorBuilder};
pub use session::{LiveReceiver, LiveSender, LiveSession, RealtimeInput, ToolHandler};

//! A custom transport: wrap the default one to log every request (method, path, status,
//! time). The client's key header, retries and timeouts work the same over any transport.
//!
//! ```sh
//! cargo run -p gemini --example custom_transport
//! ```

#[path = "common/mod.rs"]
mod common;

use std::sync::Arc;

use bytes::Bytes;
use gemini::transport::{BoxFuture, Error, ResponseBody, Transport};

/// Logs each exchange, then hands it to the inner transport.
#[derive(Debug)]
struct Logging<T>(T);

impl<T: Transport> Transport for Logging<T> {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, Error>> {
        // Never log headers: one of them is the API key.
        let line = format!("{} {}", request.method(), request.uri().path());
        Box::pin(async move {
            let response = self.0.send(request).await;
            match &response {
                Ok(r) => println!("[transport] {line} -> {}", r.status()),
                Err(e) => println!("[transport] {line} -> {e}"),
            }
            response
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Builds a client like `client` but over the logging transport, and makes one call.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let transport = Arc::new(Logging(gemini::HyperTransport::new()?));
    let logged = gemini::Client::builder()
        .config(client.config().clone())
        .transport(transport)
        .build()?;
    let answer = logged.models().generate_content(model, "Hi!").await?;
    println!("{}", answer.text().unwrap_or_default());
    Ok(())
}

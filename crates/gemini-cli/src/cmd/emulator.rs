//! `emulator`: the emulator in the foreground until Ctrl-C.

use gemini_emulator::Emulator;

use crate::cli::{EmulatorArgs, Global};
use crate::exit::Failure;
use crate::term::Io;

pub(super) async fn run(global: &Global, args: &EmulatorArgs, io: &mut Io) -> Result<(), Failure> {
    let mut builder = Emulator::builder()
        .host(args.host)
        .port(args.port)
        .worker_threads(args.workers.max(1));
    // The global --api-key, when given, is the only key the emulator accepts.
    if let Some(key) = global.api_key.as_deref().filter(|k| !k.trim().is_empty()) {
        builder = builder.api_key(key.trim());
    }
    let emulator = builder
        .try_start()
        .map_err(|e| Failure::io(format!("cannot listen on {}:{}", args.host, args.port), e))?;
    // The first line of stdout is the base URL, for scripts.
    io.println(&emulator.base_url())?;
    io.flush()?;
    io.note(&format!(
        "gemini-rs: emulator listening on {}; Ctrl-C to stop",
        emulator.base_url()
    ));
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::io("cannot wait for Ctrl-C", e))?;
    emulator.shutdown();
    Ok(())
}

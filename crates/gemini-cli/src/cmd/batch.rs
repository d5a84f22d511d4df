//! `batch`: submit a JSONL file of keyed requests, follow the batch with a progress bar, and
//! print its results.

use std::io::BufRead;
use std::path::Path;

use futures_util::TryStreamExt;
use gemini::types::{BatchOperation, BatchStats, GenerateContentBatch};
use gemini::{BatchResult, UploadOptions, WaitOptions};
use serde_json::{Value, json};

use super::{Ctx, to_json};
use crate::cli::BatchCommand;
use crate::exit::Failure;
use crate::term::{Io, Units};

/// How long `batch wait` waits at most (batches finish within 24 hours).
const WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(25 * 3600);

pub(super) async fn run(ctx: &Ctx, command: BatchCommand, io: &mut Io) -> Result<(), Failure> {
    let batches = ctx.client().batches();
    match command {
        BatchCommand::Submit {
            file,
            display_name,
            wait: then_wait,
        } => {
            let count = check_input(&file)?;
            let mut spinner = io.spinner(&format!("uploading {count} requests"));
            let uploaded = ctx
                .client()
                .files()
                .upload(
                    file.as_path(),
                    UploadOptions::new().with_mime_type("application/jsonl"),
                )
                .await?;
            let mut batch = GenerateContentBatch::from_file(uploaded.name.unwrap_or_default());
            if let Some(name) = display_name {
                batch = batch.with_display_name(name);
            }
            let op = batches.create(ctx.model(), batch).await?;
            spinner.stop();
            if !then_wait {
                return print_batch(ctx, &op, io);
            }
            io.note(&format!("submitted {}", op.name()));
            let done = wait(ctx, op.name(), io).await?;
            print_results(ctx, &done, io).await
        }
        BatchCommand::Status { name } => {
            let op = batches.get(&name).await?;
            print_batch(ctx, &op, io)
        }
        BatchCommand::Wait { name } => {
            let op = wait(ctx, &name, io).await?;
            print_batch(ctx, &op, io)
        }
        BatchCommand::Results { name } => {
            let op = batches.get(&name).await?;
            print_results(ctx, &op, io).await
        }
        BatchCommand::List => {
            let all: Vec<BatchOperation> = batches.list().try_collect().await?;
            if ctx.json() {
                return io.println(&to_json(&all)?);
            }
            for op in &all {
                let state = op.state().map_or_else(String::new, ToString::to_string);
                io.println(format!("{}  {state}", op.name()).trim_end())?;
            }
            Ok(())
        }
        BatchCommand::Cancel { name } => {
            batches.cancel(&name).await?;
            io.println(&format!("cancelled {name}"))
        }
        BatchCommand::Delete { name } => {
            batches.delete(&name).await?;
            io.println(&format!("deleted {name}"))
        }
    }
}

/// Checks every line of the input before anything is uploaded: JSON objects with a `request`
/// object (and a string `key`, when there is one). Returns the number of requests.
fn check_input(path: &Path) -> Result<u64, Failure> {
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::io(format!("cannot read {}", path.display()), e))?;
    let mut count = 0;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Failure::io(format!("cannot read {}", path.display()), e))?;
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("{} line {}", path.display(), i + 1);
        let value: Value = serde_json::from_str(&line)
            .map_err(|e| Failure::Input(format!("{}: not JSON: {e}", at())))?;
        if !value.get("request").is_some_and(Value::is_object) {
            return Err(Failure::Input(format!(
                "{}: no \"request\" object (each line is {{\"key\": ..., \"request\": {{...}}}})",
                at()
            )));
        }
        if value.get("key").is_some_and(|k| !k.is_string()) {
            return Err(Failure::Input(format!("{}: \"key\" is not a string", at())));
        }
        count += 1;
    }
    if count == 0 {
        return Err(Failure::Input(format!(
            "{} has no requests",
            path.display()
        )));
    }
    Ok(count)
}

/// Waits for the batch with a bar of finished requests (on a terminal). Ctrl-C stops waiting,
/// not the batch, and says how to wait again.
async fn wait(ctx: &Ctx, name: &str, io: &Io) -> Result<BatchOperation, Failure> {
    let bar = io.bar(0, Units::Items, &format!("waiting for {name}"));
    let progress = {
        let bar = bar.clone();
        move |stats: &BatchStats| {
            let total = stats.request_count.unwrap_or(0);
            let done = stats.successful_request_count.unwrap_or(0)
                + stats.failed_request_count.unwrap_or(0);
            bar.set(
                u64::try_from(done).unwrap_or(0),
                u64::try_from(total).unwrap_or(0),
            );
        }
    };
    let options = WaitOptions::new().with_timeout(WAIT_LIMIT);
    let batches = ctx.client().batches();
    let result = tokio::select! {
        biased;
        r = batches.wait_with_progress(name, options, progress) => r,
        _ = tokio::signal::ctrl_c() => {
            bar.clear();
            return Err(if ctx.backend.is_emulated() {
                Failure::Interrupted
            } else {
                Failure::InterruptedResumable(format!(
                    "the batch keeps running; wait for it again with:\n  gemini-rs batch wait {name}"
                ))
            });
        }
    };
    bar.clear();
    Ok(result?)
}

fn print_batch(ctx: &Ctx, op: &BatchOperation, io: &mut Io) -> Result<(), Failure> {
    if ctx.json() {
        return io.println(&to_json(op)?);
    }
    io.println(&format!("name      {}", op.name()))?;
    if let Some(state) = op.state() {
        io.println(&format!("state     {state}"))?;
    }
    if let Some(stats) = op.batch().and_then(|b| b.batch_stats.as_ref()) {
        io.println(&format!(
            "requests  {} in all, {} succeeded, {} failed, {} pending",
            stats.request_count.unwrap_or(0),
            stats.successful_request_count.unwrap_or(0),
            stats.failed_request_count.unwrap_or(0),
            stats.pending_request_count.unwrap_or(0),
        ))?;
    }
    if let Some(error) = &op.error {
        io.println(&format!("error     {}", error.message()))?;
    }
    Ok(())
}

/// One line per result: `key<TAB>answer` (newlines escaped) or, with `--output json`, a JSON
/// object per line (`key`, and `response` or `error`).
async fn print_results(ctx: &Ctx, op: &BatchOperation, io: &mut Io) -> Result<(), Failure> {
    let mut results = ctx.client().batches().results(op).await?;
    while let Some(BatchResult { key, result, .. }) = results.try_next().await? {
        let key = key.unwrap_or_default();
        if ctx.json() {
            let line = match &result {
                Ok(response) => json!({"key": key, "response": response}),
                Err(status) => json!({"key": key, "error": status}),
            };
            io.println(&line.to_string())?;
        } else {
            let answer = match &result {
                Ok(response) => response.text().unwrap_or_default(),
                Err(status) => format!("error: {}", status.message()),
            };
            io.println(&format!(
                "{key}\t{}",
                answer.trim_end().replace('\n', "\\n")
            ))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_are_checked_before_upload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        std::fs::write(
            &path,
            "{\"key\":\"a\",\"request\":{\"contents\":[]}}\n\n{\"key\":\"b\",\"request\":{}}\n",
        )
        .unwrap();
        assert_eq!(check_input(&path).unwrap(), 2);
        std::fs::write(
            &path,
            "{\"key\":\"a\",\"request\":{}}\n{\"key\":1,\"request\":{}}\n",
        )
        .unwrap();
        let e = check_input(&path).unwrap_err().message(false);
        assert!(e.contains("line 2") && e.contains("key"), "{e}");
        std::fs::write(&path, "not json\n").unwrap();
        assert!(
            check_input(&path)
                .unwrap_err()
                .message(false)
                .contains("line 1")
        );
        std::fs::write(&path, "\n").unwrap();
        assert!(
            check_input(&path)
                .unwrap_err()
                .message(false)
                .contains("no requests")
        );
    }
}

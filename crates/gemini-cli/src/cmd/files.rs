//! `files`: upload (resumable, with a progress bar and Ctrl-C that leaves the upload
//! resumable), list, get, download and delete.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_util::TryStreamExt;
use gemini::types::{File, Part};
use gemini::{UploadOptions, WaitOptions};
use tokio::io::AsyncWrite;

use super::{Ctx, print_rows, to_json};
use crate::cli::{FilesCommand, UploadArgs};
use crate::exit::Failure;
use crate::input::{self, Placement};
use crate::term::{Io, Units};

pub(super) async fn run(ctx: &Ctx, command: FilesCommand, io: &mut Io) -> Result<(), Failure> {
    let files = ctx.client().files();
    match command {
        FilesCommand::Upload(args) => {
            let file = upload(ctx, &args, io).await?;
            print_file(ctx, &file, io)
        }
        FilesCommand::List => {
            let mut spinner = io.spinner("listing files");
            let all: Vec<File> = files.list().try_collect().await?;
            spinner.stop();
            if ctx.json() {
                return io.println(&to_json(&all)?);
            }
            for f in &all {
                io.println(&summary(f))?;
            }
            Ok(())
        }
        FilesCommand::Get { name } => {
            let file = files.get(&name).await?;
            print_file(ctx, &file, io)
        }
        FilesCommand::Download { name, out } => {
            let written = if let Some(path) = &out {
                let mut f = tokio::fs::File::create(path)
                    .await
                    .map_err(|e| Failure::io(format!("cannot create {}", path.display()), e))?;
                files.download(&name, &mut f).await?
            } else {
                files.download(&name, &mut SyncWriter(&mut io.out)).await?
            };
            if let Some(path) = out {
                io.note(&format!("{written} bytes written to {}", path.display()));
            }
            Ok(())
        }
        FilesCommand::Delete { name } => {
            files.delete(&name).await?;
            if !ctx.json() {
                io.println(&format!("deleted {name}"))?;
            }
            Ok(())
        }
    }
}

/// Uploads (or resumes) `args.path` with a progress bar on a terminal; Ctrl-C stops it and
/// says how to resume it.
pub(super) async fn upload(ctx: &Ctx, args: &UploadArgs, io: &Io) -> Result<File, Failure> {
    let meta = std::fs::metadata(&args.path)
        .map_err(|e| Failure::io(format!("cannot read {}", args.path.display()), e))?;
    if !meta.is_file() {
        return Err(Failure::Input(format!(
            "{} is not a regular file",
            args.path.display()
        )));
    }
    let label = args.path.file_name().map_or_else(
        || args.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bar = io.bar(meta.len(), Units::Bytes, &format!("uploading {label}"));
    let session: Arc<Mutex<Option<(String, u64, u64)>>> = Arc::default();
    let mut options = UploadOptions::new().with_progress({
        let (bar, session) = (bar.clone(), Arc::clone(&session));
        move |p| {
            bar.set(p.sent(), p.total());
            if let Ok(mut s) = session.lock() {
                *s = Some((p.upload_url().to_owned(), p.sent(), p.total()));
            }
        }
    });
    if let Some(mime) = &args.mime_type {
        options = options.with_mime_type(mime);
    }
    if let Some(name) = &args.display_name {
        options = options.with_display_name(name);
    }
    if let Some(size) = args.chunk_size {
        options = options.with_chunk_size(size);
    }
    let files = ctx.client().files();
    let path = args.path.clone();
    let result = tokio::select! {
        biased;
        r = async {
            match &args.resume {
                Some(url) => files.resume(url, path, options).await,
                None => files.upload(path, options).await,
            }
        } => r,
        _ = tokio::signal::ctrl_c() => {
            bar.clear();
            let state = session.lock().ok().and_then(|s| s.clone());
            return Err(interrupted(ctx, &args.path, state));
        }
    };
    bar.clear();
    let file = result?;
    if !args.wait || !file.is_processing() {
        return Ok(file);
    }
    let name = file.name.clone().unwrap_or_default();
    let mut spinner = io.spinner(&format!("waiting for {name} to be processed"));
    let file = files.wait_until_active(&name, WaitOptions::new()).await?;
    spinner.stop();
    Ok(file)
}

/// The files as parts of a request: inline while they fit ([`input::plan`]), uploaded (and
/// waited until processed) beyond that.
pub(super) async fn attach(ctx: &Ctx, paths: &[PathBuf], io: &Io) -> Result<Vec<Part>, Failure> {
    let mut parts = Vec::with_capacity(paths.len());
    for (path, placement) in input::plan(paths)? {
        match placement {
            Placement::Inline => parts.push(input::attachment(&path)?),
            Placement::Upload => {
                let args = UploadArgs {
                    mime_type: Some(input::upload_mime_type(&path)),
                    path,
                    display_name: None,
                    chunk_size: None,
                    resume: None,
                    wait: true,
                };
                parts.push(upload(ctx, &args, io).await?.as_part());
            }
        }
    }
    Ok(parts)
}

/// What an interrupted upload says: where it stopped and the command that finishes it.
fn interrupted(ctx: &Ctx, path: &Path, session: Option<(String, u64, u64)>) -> Failure {
    let Some((url, sent, total)) = session else {
        return Failure::Interrupted;
    };
    if ctx.backend.is_emulated() {
        return Failure::InterruptedResumable(format!(
            "the upload stopped at {sent} of {total} bytes; the built-in emulator's uploads end \
             with the process, so it cannot be resumed"
        ));
    }
    Failure::InterruptedResumable(format!(
        "the upload stopped at {sent} of {total} bytes; finish it with:\n  gemini-rs files upload {} --resume '{url}'",
        shell_word(&path.display().to_string())
    ))
}

/// `s` quoted for a POSIX shell when it needs it.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+=:,@".contains(&b))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn print_file(ctx: &Ctx, file: &File, io: &mut Io) -> Result<(), Failure> {
    if ctx.json() {
        return io.println(&to_json(file)?);
    }
    print_rows(
        io,
        14,
        &[
            ("name", file.name.clone()),
            ("display name", file.display_name.clone()),
            ("mime type", file.mime_type.clone()),
            ("size", file.size_bytes.map(|n| format!("{n} bytes"))),
            ("state", file.state.as_ref().map(ToString::to_string)),
            ("uri", file.uri.clone()),
            (
                "expires",
                file.expiration_time.as_ref().map(ToString::to_string),
            ),
        ],
    )
}

/// One line per file: name, size, state, display name.
fn summary(f: &File) -> String {
    format!(
        "{}  {:>12}  {:<10}  {}",
        f.name.as_deref().unwrap_or("?"),
        f.size_bytes.map_or_else(String::new, |n| format!("{n} B")),
        f.state
            .as_ref()
            .map_or_else(String::new, ToString::to_string),
        f.display_name.as_deref().unwrap_or(""),
    )
    .trim_end()
    .to_owned()
}

/// An `AsyncWrite` over the command's (blocking) stdout, for downloads without `--out`.
struct SyncWriter<'a>(&'a mut Box<dyn std::io::Write + Send>);

impl AsyncWrite for SyncWriter<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(self.get_mut().0.write(buf))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.get_mut().0.flush())
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.poll_flush(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_for_the_shell_when_needed() {
        assert_eq!(shell_word("data/report.pdf"), "data/report.pdf");
        assert_eq!(shell_word("my file.pdf"), "'my file.pdf'");
        assert_eq!(shell_word("it's.txt"), r"'it'\''s.txt'");
    }
}

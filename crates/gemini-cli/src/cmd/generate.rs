//! `generate`: one answer, streamed to the terminal by default.

use std::path::Path;

use futures_util::StreamExt;
use gemini::types::{Content, GenerateContentRequest, GenerateContentResponse, Part, Role};

use super::{Ctx, to_json};
use crate::cli::GenerateArgs;
use crate::exit::Failure;
use crate::input;
use crate::term::{Io, Spinner};

pub(super) async fn run(ctx: &Ctx, args: GenerateArgs, io: &mut Io) -> Result<(), Failure> {
    let mut parts = super::files::attach(ctx, &args.file, io).await?;
    let schema = args.schema.as_deref().map(read_schema).transpose()?;
    let prompt = input::prompt(args.prompt, io).await?;
    parts.push(Part::text(prompt));
    let mut request = GenerateContentRequest::new([Content::new(Role::User, parts)]);
    if let Some(system) = args.system {
        request = request.with_system_instruction(system);
    }
    if let Some(t) = args.temperature {
        request.generation_config_mut().temperature = Some(t);
    }
    if let Some(n) = args.max_output_tokens {
        request.generation_config_mut().max_output_tokens = Some(n);
    }

    let models = ctx.client().models();
    let model = ctx.model();
    let mut spinner = io.spinner(&format!("asking {model}"));
    if let Some(schema) = schema {
        let value: serde_json::Value = models
            .generate_json_with_schema(model, request, schema)
            .await?;
        spinner.stop();
        return io.println(&to_json(&value)?);
    }
    if ctx.json() || args.no_stream {
        let response = models.generate_content(model, request).await?;
        spinner.stop();
        if ctx.json() {
            return io.println(&to_json(&response)?);
        }
        let text = response.text().unwrap_or_default();
        io.print(&text)?;
        if !text.is_empty() && !text.ends_with('\n') {
            io.println("")?;
        }
        warn_if_cut(&response, io);
        return Ok(());
    }

    let stream = models.generate_content_stream(model, request).await?;
    print_stream(stream, &mut spinner, io).await
}

/// A JSON schema file.
pub(super) fn read_schema(path: &Path) -> Result<serde_json::Value, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::io(format!("cannot read the schema {}", path.display()), e))?;
    let schema: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Input(format!("the schema {} is not JSON: {e}", path.display())))?;
    if !schema.is_object() {
        return Err(Failure::Input(format!(
            "the schema {} is not a JSON object",
            path.display()
        )));
    }
    Ok(schema)
}

/// A note on stderr when the answer was blocked or stopped before its end.
/// Prints the text of a stream's chunks as they arrive, ending on a new line, and warns if
/// the answer was cut short (`generate` and `chat` alike).
pub(super) async fn print_stream<S>(
    mut stream: S,
    spinner: &mut Spinner,
    io: &mut Io,
) -> Result<(), Failure>
where
    S: futures_util::Stream<Item = Result<GenerateContentResponse, gemini::Error>> + Unpin,
{
    let mut at_line_start = true;
    let mut last = None;
    while let Some(chunk) = stream.next().await {
        spinner.stop();
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                if !at_line_start {
                    io.println("")?;
                }
                return Err(e.into());
            }
        };
        if let Some(text) = chunk.text().filter(|t| !t.is_empty()) {
            io.print(&text)?;
            io.flush()?;
            at_line_start = text.ends_with('\n');
        }
        last = Some(chunk);
    }
    spinner.stop();
    if !at_line_start {
        io.println("")?;
    }
    io.flush()?;
    if let Some(last) = &last {
        warn_if_cut(last, io);
    }
    Ok(())
}

pub(super) fn warn_if_cut(response: &GenerateContentResponse, io: &mut Io) {
    if let Some(reason) = response.block_reason() {
        io.note(&format!(
            "gemini-rs: the prompt was blocked ({})",
            reason.as_str()
        ));
    } else if let Some(reason) = response.finish_reason().filter(|r| !r.is_success()) {
        io.note(&format!(
            "gemini-rs: the answer stopped early ({})",
            reason.as_str()
        ));
    }
}

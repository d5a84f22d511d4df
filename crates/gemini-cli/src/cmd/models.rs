//! `models list` and `models get`.

use futures_util::TryStreamExt;
use gemini::types::Model;

use super::{Ctx, to_json};
use crate::cli::ModelsCommand;
use crate::exit::Failure;
use crate::term::Io;

pub(super) async fn run(ctx: &Ctx, command: ModelsCommand, io: &mut Io) -> Result<(), Failure> {
    let models = ctx.client().models();
    match command {
        ModelsCommand::List => {
            let mut spinner = io.spinner("listing models");
            let all: Vec<Model> = models.list().try_collect().await?;
            spinner.stop();
            if ctx.json() {
                return io.println(&to_json(&all)?);
            }
            let width = all.iter().map(|m| m.id().len()).max().unwrap_or(0);
            for m in &all {
                let name = m.display_name.as_deref().unwrap_or("");
                io.println(format!("{:width$}  {name}", m.id()).trim_end())?;
            }
            Ok(())
        }
        ModelsCommand::Get { name } => {
            let mut spinner = io.spinner(&format!("fetching {name}"));
            let model = models.get(&name).await?;
            spinner.stop();
            if ctx.json() {
                return io.println(&to_json(&model)?);
            }
            describe(&model, io)
        }
    }
}

fn describe(m: &Model, io: &mut Io) -> Result<(), Failure> {
    let mut row = |key: &str, value: Option<String>| match value {
        Some(v) => io.println(&format!("{key:<18} {v}")),
        None => Ok(()),
    };
    row("name", m.name.clone())?;
    row("display name", m.display_name.clone())?;
    row("description", m.description.clone())?;
    row("version", m.version.clone())?;
    row("input tokens", m.input_token_limit.map(|n| n.to_string()))?;
    row("output tokens", m.output_token_limit.map(|n| n.to_string()))?;
    row(
        "methods",
        Some(m.supported_generation_methods.join(", ")).filter(|s| !s.is_empty()),
    )?;
    row("thinking", m.thinking.map(|t| t.to_string()))?;
    row("temperature", m.temperature.map(|t| t.to_string()))?;
    Ok(())
}

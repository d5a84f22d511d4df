//! `models list` and `models get`.

use futures_util::TryStreamExt;
use gemini::types::Model;

use super::{Ctx, print_rows, to_json};
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
    print_rows(
        io,
        18,
        &[
            ("name", m.name.clone()),
            ("display name", m.display_name.clone()),
            ("description", m.description.clone()),
            ("version", m.version.clone()),
            ("input tokens", m.input_token_limit.map(|n| n.to_string())),
            ("output tokens", m.output_token_limit.map(|n| n.to_string())),
            (
                "methods",
                Some(m.supported_generation_methods.join(", ")).filter(|s| !s.is_empty()),
            ),
            ("thinking", m.thinking.map(|t| t.to_string())),
            ("temperature", m.temperature.map(|t| t.to_string())),
        ],
    )
}

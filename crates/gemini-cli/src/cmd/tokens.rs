//! `count-tokens`.

use gemini::types::{Content, CountTokensRequest, Part, Role};

use super::{Ctx, to_json};
use crate::cli::CountTokensArgs;
use crate::exit::Failure;
use crate::input;
use crate::term::Io;

pub(super) async fn run(ctx: &Ctx, args: CountTokensArgs, io: &mut Io) -> Result<(), Failure> {
    let mut parts = super::files::attach(ctx, &args.file, io).await?;
    let prompt = input::prompt(args.prompt, io).await?;
    parts.push(Part::text(prompt));
    let request = CountTokensRequest::new([Content::new(Role::User, parts)]);
    let mut spinner = io.spinner(&format!("counting tokens for {}", ctx.model()));
    let response = ctx
        .client()
        .models()
        .count_tokens(ctx.model(), request)
        .await?;
    spinner.stop();
    if ctx.json() {
        io.println(&to_json(&response)?)
    } else {
        io.println(&response.total().to_string())
    }
}

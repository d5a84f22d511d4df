//! `token create`: an ephemeral token for a client app's Live sessions. The token is a
//! secret: it goes to stdout only (the value asked for), never to stderr or the logs.

use std::time::{Duration, UNIX_EPOCH};

use gemini::transport::{Clock as _, SystemClock};

use gemini::types::{AuthToken, BidiGenerateContentSetup, Timestamp};

use super::{Ctx, print_rows, refused, to_json};
use crate::cli::{TokenCommand, TokenCreateArgs};
use crate::exit::Failure;
use crate::term::Io;

pub(super) async fn run(ctx: &Ctx, command: TokenCommand, io: &mut Io) -> Result<(), Failure> {
    match command {
        TokenCommand::Create(args) => create(ctx, args, io).await,
    }
}

async fn create(ctx: &Ctx, args: TokenCreateArgs, io: &mut Io) -> Result<(), Failure> {
    let mut request = AuthToken::new();
    if let Some(uses) = args.uses {
        request = request.with_uses(uses);
    }
    if let Some(at) = args.expire_at {
        request = request.with_expire_time(at);
    } else if let Some(after) = args.expire_in {
        request = request.with_expire_time(from_now(after)?);
    }
    if let Some(after) = args.new_session_expire_in {
        request = request.with_new_session_expire_time(from_now(after)?);
    }
    if let Some(model) = ctx.model_given() {
        request = request.with_live_connect_constraints(BidiGenerateContentSetup::new(model));
    }
    let token = ctx
        .client()
        .auth_tokens()
        .create(request)
        .await
        .map_err(refused)?;
    if ctx.json() {
        return io.println(&to_json(&token)?);
    }
    if token.name.is_none() {
        return Err(Failure::Input("the created token has no name".to_owned()));
    }
    print_rows(
        io,
        20,
        &[
            ("token", token.name.clone()),
            ("uses", token.uses.map(|n| n.to_string())),
            (
                "expires",
                token.expire_time.as_ref().map(ToString::to_string),
            ),
            (
                "new sessions until",
                token
                    .new_session_expire_time
                    .as_ref()
                    .map(ToString::to_string),
            ),
            (
                "model",
                token
                    .bidi_generate_content_setup
                    .as_ref()
                    .and_then(|s| s.model.clone()),
            ),
        ],
    )
}

/// The time `after` from now (by the transport's system clock, as the facade checks it).
fn from_now(after: Duration) -> Result<Timestamp, Failure> {
    let at = SystemClock::default()
        .system_now()
        .checked_add(after)
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .ok_or_else(|| Failure::Usage(format!("{after:?} from now is out of range")))?;
    i64::try_from(at.as_secs())
        .ok()
        .and_then(|secs| Timestamp::from_unix(secs, 0))
        .ok_or_else(|| Failure::Usage(format!("{after:?} from now is out of range")))
}

//! `cache`: create, list, get, update (time to live) and delete context caches.

use futures_util::TryStreamExt;
use gemini::types::{CachedContent, Content, Part, Role};

use super::{Ctx, print_rows, to_json};
use crate::cli::{CacheCommand, CacheCreateArgs};
use crate::exit::Failure;
use crate::term::Io;

pub(super) async fn run(ctx: &Ctx, command: CacheCommand, io: &mut Io) -> Result<(), Failure> {
    let caches = ctx.client().caches();
    match command {
        CacheCommand::Create(args) => {
            let cache = create(ctx, args, io).await?;
            print_cache(ctx, &cache, io)
        }
        CacheCommand::List => {
            let all: Vec<CachedContent> = caches.list().try_collect().await?;
            if ctx.json() {
                return io.println(&to_json(&all)?);
            }
            for c in &all {
                let line = format!(
                    "{}  {}  {}",
                    c.name.as_deref().unwrap_or("?"),
                    c.model.as_deref().unwrap_or(""),
                    c.display_name.as_deref().unwrap_or(""),
                );
                io.println(line.trim_end())?;
            }
            Ok(())
        }
        CacheCommand::Get { name } => {
            let cache = caches.get(&name).await?;
            print_cache(ctx, &cache, io)
        }
        CacheCommand::Update { name, ttl } => {
            let cache = caches.update_ttl(&name, ttl).await?;
            print_cache(ctx, &cache, io)
        }
        CacheCommand::Delete { name } => {
            caches.delete(&name).await?;
            io.println(&format!("deleted {name}"))
        }
    }
}

async fn create(ctx: &Ctx, args: CacheCreateArgs, io: &Io) -> Result<CachedContent, Failure> {
    if args.texts.is_empty() && args.file.is_empty() && args.system.is_none() {
        return Err(Failure::Usage(
            "nothing to cache: give texts, --file or --system".to_owned(),
        ));
    }
    let mut parts = super::files::attach(ctx, &args.file, io).await?;
    parts.extend(args.texts.into_iter().map(Part::text));
    let mut cache = CachedContent::new(ctx.model()).with_ttl(args.ttl);
    if !parts.is_empty() {
        cache = cache.with_content(Content::new(Role::User, parts));
    }
    if let Some(system) = args.system {
        cache = cache.with_system_instruction(system);
    }
    if let Some(name) = args.display_name {
        cache = cache.with_display_name(name);
    }
    let mut spinner = io.spinner("creating the cache");
    let cache = ctx.client().caches().create(cache).await?;
    spinner.stop();
    Ok(cache)
}

fn print_cache(ctx: &Ctx, c: &CachedContent, io: &mut Io) -> Result<(), Failure> {
    if ctx.json() {
        return io.println(&to_json(c)?);
    }
    print_rows(
        io,
        14,
        &[
            ("name", c.name.clone()),
            ("display name", c.display_name.clone()),
            ("model", c.model.clone()),
            ("tokens", Some(c.total_token_count().to_string())),
            ("expires", c.expire_time.as_ref().map(ToString::to_string)),
        ],
    )
}

//! `store`: file search stores (create, list, get, delete), their documents (upload, import,
//! list), and questions answered from them with the `fileSearch` tool and its citations.

use futures_util::TryStreamExt;
use gemini::types::{
    Document, FileSearchStore, GenerateContentRequest, GenerateContentResponse, ImportFileRequest,
};
use gemini::{DocumentUploadOptions, FileSearchTool, UploadOptions, UploadSource, WaitOptions};

use super::{Ctx, print_rows, refused, to_json};
use crate::cli::StoreCommand;
use crate::exit::Failure;
use crate::input;
use crate::term::{Io, Units};

pub(super) async fn run(ctx: &Ctx, command: StoreCommand, io: &mut Io) -> Result<(), Failure> {
    let stores = ctx.client().file_search_stores();
    match command {
        StoreCommand::Create { display_name } => {
            let store = stores
                .create(match display_name {
                    Some(name) => FileSearchStore::new(name),
                    None => FileSearchStore::default(),
                })
                .await
                .map_err(refused)?;
            print_store(ctx, &store, io)
        }
        StoreCommand::List => {
            let mut spinner = io.spinner("listing stores");
            let all: Vec<FileSearchStore> = stores.list().try_collect().await?;
            spinner.stop();
            if ctx.json() {
                return io.println(&to_json(&all)?);
            }
            for s in &all {
                io.println(
                    format!(
                        "{}  {:>4} docs  {}",
                        s.name.as_deref().unwrap_or("?"),
                        s.active_documents_count.unwrap_or(0),
                        s.display_name.as_deref().unwrap_or("")
                    )
                    .trim_end(),
                )?;
            }
            Ok(())
        }
        StoreCommand::Get { store } => {
            let store = stores.get(&store).await.map_err(refused)?;
            print_store(ctx, &store, io)
        }
        StoreCommand::Delete { store, force } => {
            stores.delete(&store, force).await.map_err(refused)?;
            if !ctx.json() {
                io.println(&format!("deleted {store}"))?;
            }
            Ok(())
        }
        StoreCommand::Upload {
            store,
            path,
            display_name,
            mime_type,
        } => {
            let meta = std::fs::metadata(&path)
                .map_err(|e| Failure::io(format!("cannot read {}", path.display()), e))?;
            if !meta.is_file() {
                return Err(Failure::Input(format!(
                    "{} is not a regular file",
                    path.display()
                )));
            }
            let label = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let bar = io.bar(meta.len(), Units::Bytes, &format!("uploading {label}"));
            let mut upload = UploadOptions::new().with_progress({
                let bar = bar.clone();
                move |p| bar.set(p.sent(), p.total())
            });
            if let Some(mime) = mime_type {
                upload = upload.with_mime_type(mime);
            }
            if let Some(name) = display_name {
                upload = upload.with_display_name(name);
            }
            let options = DocumentUploadOptions::new().with_upload_options(upload);
            let result = stores
                .upload_to_store(&store, UploadSource::path(path.as_path()), options)
                .await;
            bar.clear();
            let op = result.map_err(refused)?;
            let document = indexed(ctx, op.name(), io).await?;
            print_document(ctx, &document, io)
        }
        StoreCommand::Import { store, file_name } => {
            let op = stores
                .import_file(&store, ImportFileRequest::new(file_name))
                .await
                .map_err(refused)?;
            let document = indexed(ctx, op.name(), io).await?;
            print_document(ctx, &document, io)
        }
        StoreCommand::Documents { store } => {
            let all: Vec<Document> = stores.documents().list(&store).try_collect().await?;
            if ctx.json() {
                return io.println(&to_json(&all)?);
            }
            for d in &all {
                io.println(&document_summary(d))?;
            }
            Ok(())
        }
        StoreCommand::Ask {
            store,
            prompt,
            top_k,
            metadata_filter,
        } => {
            let prompt = input::prompt(prompt, io).await?;
            let mut tool = FileSearchTool::new([&store]);
            if let Some(k) = top_k {
                tool = tool.with_top_k(k);
            }
            if let Some(filter) = metadata_filter {
                tool = tool.with_metadata_filter(filter);
            }
            let tool = tool.build().map_err(refused)?;
            let request = GenerateContentRequest::from(prompt.as_str()).with_tool(tool);
            let model = ctx.model();
            let mut spinner = io.spinner(&format!("asking {model}"));
            let answer = ctx
                .client()
                .models()
                .generate_content(model, request)
                .await
                .map_err(refused)?;
            spinner.stop();
            if ctx.json() {
                return io.println(&to_json(&answer)?);
            }
            print_answer(&answer, io)
        }
    }
}

/// Waits until an upload or import operation is done, then fetches its document.
async fn indexed(ctx: &Ctx, operation: &str, io: &Io) -> Result<Document, Failure> {
    let stores = ctx.client().file_search_stores();
    let mut spinner = io.spinner("indexing");
    let done = stores
        .wait_for_document(operation, WaitOptions::new())
        .await?;
    let Some(name) = done.document_name else {
        return Err(Failure::Input(format!(
            "{operation} finished without naming its document"
        )));
    };
    let document = stores.documents().get(&name).await?;
    spinner.stop();
    Ok(document)
}

/// The answer, then one line per citation: the cited span and the documents it comes from.
fn print_answer(answer: &GenerateContentResponse, io: &mut Io) -> Result<(), Failure> {
    let text = answer.text().unwrap_or_default();
    io.println(text.trim_end())?;
    super::generate::warn_if_cut(answer, io);
    let citations = answer.citations();
    if citations.is_empty() {
        return Ok(());
    }
    io.println("")?;
    io.println("citations:")?;
    for citation in &citations {
        let mut titles: Vec<&str> = Vec::new();
        for title in citation
            .sources
            .iter()
            .filter_map(gemini::types::CitedChunk::title)
        {
            if !titles.contains(&title) {
                titles.push(title);
            }
        }
        let span = citation.text().unwrap_or_default().replace('\n', " ");
        io.println(&format!(
            "  {:?} <- {}",
            span,
            if titles.is_empty() {
                "?".to_owned()
            } else {
                titles.join(", ")
            }
        ))?;
    }
    Ok(())
}

fn print_store(ctx: &Ctx, store: &FileSearchStore, io: &mut Io) -> Result<(), Failure> {
    if ctx.json() {
        return io.println(&to_json(store)?);
    }
    print_rows(
        io,
        14,
        &[
            ("name", store.name.clone()),
            ("display name", store.display_name.clone()),
            (
                "documents",
                Some(format!(
                    "{} active, {} pending, {} failed",
                    store.active_documents_count.unwrap_or(0),
                    store.pending_documents_count.unwrap_or(0),
                    store.failed_documents_count.unwrap_or(0)
                )),
            ),
            ("size", store.size_bytes.map(|n| format!("{n} bytes"))),
            (
                "created",
                store.create_time.as_ref().map(ToString::to_string),
            ),
        ],
    )
}

fn print_document(ctx: &Ctx, document: &Document, io: &mut Io) -> Result<(), Failure> {
    if ctx.json() {
        return io.println(&to_json(document)?);
    }
    print_rows(
        io,
        14,
        &[
            ("name", document.name.clone()),
            ("display name", document.display_name.clone()),
            ("mime type", document.mime_type.clone()),
            ("size", document.size_bytes.map(|n| format!("{n} bytes"))),
            ("state", document.state.as_ref().map(ToString::to_string)),
        ],
    )
}

/// One line per document: name, size, state, display name.
fn document_summary(d: &Document) -> String {
    format!(
        "{}  {:>10}  {:<14}  {}",
        d.name.as_deref().unwrap_or("?"),
        d.size_bytes.map_or_else(String::new, |n| format!("{n} B")),
        d.state
            .as_ref()
            .map_or_else(String::new, ToString::to_string),
        d.display_name.as_deref().unwrap_or(""),
    )
    .trim_end()
    .to_owned()
}

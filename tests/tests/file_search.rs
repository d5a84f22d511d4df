//! File search stores against the emulator: a store with three documents (two uploaded into
//! it with the resumable protocol, one imported from the files API), each waited on; the
//! `fileSearch` tool in `generateContent` retrieving from them, with citations that point at
//! the right document; documents listed, read and deleted; the store deleted with `force`.

use std::sync::{Arc, Mutex};

use futures_util::TryStreamExt as _;
use gemini::types::{
    ChunkingConfig, CustomMetadata, Document, DocumentState, FileSearchStore,
    GenerateContentRequest, ImportFileRequest, Tool,
};
use gemini::{
    DocumentUploadOptions, Error, FileSearchTool, InvalidInput, InvalidInputKind, UploadOptions,
    UploadSource, WaitOptions,
};
use gemini_emulator::UploadFault;
use integration_tests::{MODEL, client, emulator, within};

const KETTLE: &str = "To descale the kettle, fill it with white vinegar and water, boil it \
                      once, and rinse it three times before use.";
const TOASTER: &str = "The toaster has six browning levels; crumbs collect in the removable \
                       tray at the bottom, which should be emptied weekly.";
const WARRANTY: &str = "Every appliance carries a two year warranty; keep the receipt and \
                        register the product online within thirty days.";

#[tokio::test]
async fn a_store_with_three_documents_answers_with_citations_then_is_force_deleted() {
    let emu = emulator();
    let client = client(&emu);
    let stores = client.file_search_stores();
    let store = within(stores.create(FileSearchStore::new("manuals")))
        .await
        .unwrap();
    let store_name = store.name.clone().unwrap();
    assert!(store_name.starts_with("fileSearchStores/"));

    // Two documents uploaded into the store (resumable, small chunks, progress, metadata).
    let progress = Arc::new(Mutex::new(Vec::new()));
    let mut operations = Vec::new();
    for (name, text, product) in [
        ("kettle.txt", KETTLE, "kettle"),
        ("toaster.txt", TOASTER, "toaster"),
    ] {
        let seen = progress.clone();
        let op = within(
            stores.upload_to_store(
                &store_name,
                UploadSource::bytes(text.as_bytes().to_vec()).with_file_name(name),
                DocumentUploadOptions::new()
                    .with_upload_options(UploadOptions::new().with_chunk_size(64))
                    .with_custom_metadata(CustomMetadata::string("product", product))
                    .with_chunking_config(ChunkingConfig::white_space(20, 4))
                    .with_progress(move |p| seen.lock().unwrap().push((p.sent(), p.total()))),
            ),
        )
        .await
        .unwrap();
        operations.push(op.name().to_owned());
    }
    let seen = progress.lock().unwrap().clone();
    assert!(seen.len() >= 4, "progress after each chunk: {seen:?}");
    assert!(seen.contains(&(KETTLE.len() as u64, KETTLE.len() as u64)));

    // One imported from the files API.
    let file = within(client.files().upload(
        UploadSource::bytes(WARRANTY.as_bytes().to_vec()).with_file_name("warranty.txt"),
        UploadOptions::new().with_display_name("warranty.txt"),
    ))
    .await
    .unwrap();
    let file = within(
        client
            .files()
            .wait_until_active(file.id(), WaitOptions::new()),
    )
    .await
    .unwrap();
    let op = within(
        stores.import_file(
            &store_name,
            ImportFileRequest::new(file.id())
                .with_custom_metadata(CustomMetadata::string("product", "all")),
        ),
    )
    .await
    .unwrap();
    operations.push(op.name().to_owned());

    let mut documents = Vec::new();
    for op in &operations {
        let done = within(stores.wait_for_document(op, WaitOptions::new()))
            .await
            .unwrap();
        documents.push(
            done.document_name
                .expect("the operation names its document"),
        );
    }
    assert!(
        documents
            .iter()
            .all(|d| d.starts_with(&format!("{store_name}/documents/")))
    );

    let listed: Vec<Document> = within(stores.documents().list(&store_name).try_collect())
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    assert!(
        listed
            .iter()
            .all(|d| d.state == Some(DocumentState::Active))
    );
    let kettle_doc = within(stores.documents().get(&documents[0])).await.unwrap();
    assert_eq!(kettle_doc.display_name.as_deref(), Some("kettle.txt"));
    assert_eq!(
        kettle_doc.custom_metadata,
        [CustomMetadata::string("product", "kettle")]
    );
    let store = within(stores.get(&store_name)).await.unwrap();
    assert_eq!(store.active_documents_count, Some(3));

    // generateContent with the fileSearch tool cites the kettle manual.
    let tool = FileSearchTool::new([&store_name])
        .with_top_k(3)
        .build()
        .unwrap();
    let request =
        GenerateContentRequest::from("How do I descale the kettle with vinegar?").with_tool(tool);
    let answer = within(client.models().generate_content(MODEL, request))
        .await
        .unwrap();
    let citations = answer.citations();
    assert!(!citations.is_empty(), "{answer:?}");
    let first = &citations[0].sources[0];
    assert_eq!(first.title(), Some("kettle.txt"), "{citations:?}");
    assert!(first.text().unwrap().contains("vinegar"));
    let text = answer.text().unwrap();
    for c in &citations {
        // Every span is a real slice of the answer's text.
        assert_eq!(c.text_in(&text), c.text(), "{c:?}");
    }
    let sent = emu.last_body("generateContent").unwrap();
    assert_eq!(
        sent["tools"][0]["fileSearch"],
        serde_json::json!({"fileSearchStoreNames": [store_name], "topK": 3})
    );

    // The imported document is searched too.
    let tool = FileSearchTool::new([&store_name]).build().unwrap();
    let request =
        GenerateContentRequest::from("How long is the warranty of an appliance?").with_tool(tool);
    let answer = within(client.models().generate_content(MODEL, request))
        .await
        .unwrap();
    let citations = answer.citations();
    assert_eq!(
        citations[0].sources[0].title(),
        Some("warranty.txt"),
        "{citations:?}"
    );
    assert_eq!(
        citations[0].sources[0]
            .retrieved_context()
            .and_then(|r| r.document_name.as_deref()),
        Some(documents[2].as_str())
    );

    // A metadata filter keeps the kettle manual out.
    let tool = FileSearchTool::new([&store_name])
        .with_metadata_filter(r#"product = "toaster""#)
        .build()
        .unwrap();
    let request = GenerateContentRequest::from("How do I descale the kettle or empty the tray?")
        .with_tool(tool);
    let answer = within(client.models().generate_content(MODEL, request))
        .await
        .unwrap();
    let titles: Vec<&str> = answer
        .citations()
        .iter()
        .flat_map(|c| c.sources.iter())
        .filter_map(gemini::types::CitedChunk::title)
        .collect();
    assert!(!titles.is_empty());
    assert!(titles.iter().all(|t| *t == "toaster.txt"), "{titles:?}");
    assert_eq!(
        emu.last_body("generateContent").unwrap()["tools"][0]["fileSearch"]["metadataFilter"],
        r#"product = "toaster""#
    );

    // Documents are deleted one by one; the store only with `force` while it holds some.
    within(stores.documents().delete(&documents[2], true))
        .await
        .unwrap();
    let e = within(stores.delete(&store_name, false)).await.unwrap_err();
    assert!(e.api_error().is_some(), "{e:?}");
    within(stores.delete(&store_name, true)).await.unwrap();
    let e = within(stores.get(&store_name)).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn a_file_search_tool_without_a_store_is_a_typed_error() {
    let emu = emulator();
    let client = client(&emu);
    let e = FileSearchTool::new(Vec::<String>::new())
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Build(_)));
    let invalid = InvalidInput::find(&e).unwrap();
    assert_eq!(
        (invalid.field(), invalid.kind()),
        ("fileSearch.fileSearchStoreNames", InvalidInputKind::Missing)
    );
    // A bad store name never reaches the server either.
    assert!(client.file_search_stores().get("a/b").await.is_err());
    // Nor does a hand-built tool with no store, unary or streamed.
    let hand_built = GenerateContentRequest::from("Which kettle?")
        .with_tools([Tool::file_search(Vec::<String>::new())]);
    let e = within(client.models().generate_content(MODEL, hand_built.clone()))
        .await
        .unwrap_err();
    assert_eq!(
        InvalidInput::find(&e).map(|i| (i.field(), i.kind())),
        Some(("fileSearch.fileSearchStoreNames", InvalidInputKind::Missing))
    );
    let e = within(client.models().generate_content_stream(MODEL, hand_built))
        .await
        .err()
        .unwrap();
    assert_eq!(
        InvalidInput::find(&e).map(InvalidInput::kind),
        Some(InvalidInputKind::Missing)
    );
    assert_eq!(emu.count("*"), 0);
}

/// An upload into a store that is cut part way, then answered with a 503, resumes from the
/// server's offset (the resumable protocol's `query`), and the document holds every byte.
#[tokio::test]
async fn an_interrupted_upload_to_a_store_resumes() {
    let emu = emulator();
    let client = client(&emu);
    let stores = client.file_search_stores();
    let store = within(stores.create(FileSearchStore::new("big")))
        .await
        .unwrap();
    let store_name = store.name.unwrap();
    let mut text = String::new();
    for i in 0..60_000 {
        text.push_str("word");
        text.push_str(&(i % 997).to_string());
        text.push(' ');
    }
    text.push_str("The secret ingredient is cardamom.");
    emu.upload_fault(UploadFault::drop_after(10_000).on_chunk(2));
    emu.upload_fault(UploadFault::status(503));
    let op = within(
        stores.upload_to_store(
            &store_name,
            UploadSource::bytes(text.clone().into_bytes()).with_file_name("big.txt"),
            DocumentUploadOptions::new()
                .with_upload_options(UploadOptions::new().with_chunk_size(256 << 10)),
        ),
    )
    .await
    .unwrap();
    let done = within(stores.wait_for_document(op.name(), WaitOptions::new()))
        .await
        .unwrap();
    assert_eq!(done.size_bytes, Some(text.len() as i64));
    let queries = emu
        .requests()
        .iter()
        .filter(|r| r.header("x-goog-upload-command") == Some("query"))
        .count();
    assert_eq!(queries, 2);
    let tool = FileSearchTool::new([&store_name]).build().unwrap();
    let request = GenerateContentRequest::from("What is the secret ingredient?").with_tool(tool);
    let answer = within(client.models().generate_content(MODEL, request))
        .await
        .unwrap();
    assert!(answer.text().unwrap().contains("cardamom"), "{answer:?}");
    within(stores.delete(&store_name, true)).await.unwrap();
}

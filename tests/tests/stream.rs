//! `streamGenerateContent`: chunks, accumulation, mid-stream errors, stalls, cut connections.

use std::time::Duration;

use futures_util::StreamExt;
use gemini::{Error, GenerateContentRequest};
use integration_tests::{MODEL, Reply, accumulated, builder, client, emulator, within};

const PROMPT: &str =
    "Please describe, in a good number of words, how a river finds its way to the sea";

#[tokio::test]
async fn chunks_arrive_and_accumulate_to_the_unary_answer() {
    let emu = emulator();
    let client = client(&emu);
    let unary = within(client.models().generate_content(MODEL, PROMPT))
        .await
        .unwrap();

    let mut stream = within(client.models().generate_content_stream(MODEL, PROMPT))
        .await
        .unwrap();
    let mut chunks = 0;
    let mut text = String::new();
    while let Some(chunk) = within(stream.next()).await {
        text.push_str(&chunk.unwrap().text().unwrap_or_default());
        chunks += 1;
        assert!(chunks < 10_000);
    }
    assert!(chunks > 1, "the answer came in several chunks");
    assert_eq!(Some(text), unary.text());
    assert!(stream.next().await.is_none(), "the stream stays ended");

    let folded = accumulated(&client, MODEL, PROMPT).await.unwrap();
    assert_eq!(folded.text(), unary.text());
    assert_eq!(folded.finish_reason(), unary.finish_reason());
    assert_eq!(
        folded
            .usage_metadata
            .as_ref()
            .map(gemini::types::UsageMetadata::total_tokens),
        unary
            .usage_metadata
            .as_ref()
            .map(gemini::types::UsageMetadata::total_tokens)
    );
    assert_eq!(folded.parts().len(), 1, "text chunks are joined");
}

#[tokio::test]
async fn a_mid_stream_error_event_is_an_api_error_and_ends_the_stream() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("streamGenerateContent")
        .reply(Reply::model().error_after(1, 503));
    let mut stream = within(client.models().generate_content_stream(MODEL, PROMPT))
        .await
        .unwrap();
    let first = within(stream.next()).await.unwrap();
    assert!(first.unwrap().text().is_some());
    let second = within(stream.next()).await.unwrap().unwrap_err();
    let api = second.api_error().expect("an API error");
    assert_eq!(api.status(), http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.status_name(), Some("UNAVAILABLE"));
    assert!(second.is_retryable());
    assert!(within(stream.next()).await.is_none());
    assert_eq!(
        emu.count("streamGenerateContent"),
        1,
        "never retried after data"
    );

    // accumulate() returns the error too, with the two chunks folded before it.
    emu.script("streamGenerateContent")
        .reply(Reply::model().error_after(2, 500));
    let e = accumulated(&client, MODEL, PROMPT).await.unwrap_err();
    let Error::Incomplete(incomplete) = &e else {
        panic!("expected Error::Incomplete, got {e:?}");
    };
    assert!(matches!(incomplete.cause(), Error::Api(_)));
    assert_eq!(e.status().map(|s| s.as_u16()), Some(500));
    assert!(e.is_retryable(), "a 500 is retryable, and so is the whole");
    assert!(
        !incomplete.partial().text().unwrap_or_default().is_empty(),
        "the chunks before the error are kept"
    );
}

#[tokio::test]
async fn a_stalled_stream_hits_the_idle_timeout() {
    let emu = emulator();
    let client = builder(&emu)
        .idle_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    emu.script("streamGenerateContent")
        .reply(Reply::model().stall_forever_after(1));
    let mut stream = within(client.models().generate_content_stream(MODEL, PROMPT))
        .await
        .unwrap();
    assert!(within(stream.next()).await.unwrap().is_ok());
    let e = within(stream.next()).await.unwrap().unwrap_err();
    match &e {
        Error::Timeout(t) => assert!(t.is_idle(), "{e:?}"),
        other => panic!("expected an idle timeout, got {other:?}"),
    }
    assert!(within(stream.next()).await.is_none());

    // A slow but steady stream is fine: each chunk resets the timer.
    emu.script("streamGenerateContent")
        .reply(Reply::model().chunk_interval(Duration::from_millis(50)));
    let ok = accumulated(&client, MODEL, PROMPT).await.unwrap();
    assert!(ok.text().is_some());
}

#[tokio::test]
async fn a_cut_connection_is_a_stream_error() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("streamGenerateContent")
        .reply(Reply::model().drop_after(1));
    let mut stream = within(client.models().generate_content_stream(MODEL, PROMPT))
        .await
        .unwrap();
    assert!(within(stream.next()).await.unwrap().is_ok());
    let e = within(stream.next()).await.unwrap().unwrap_err();
    assert!(matches!(&e, Error::Stream(s) if s.is_body()), "{e:?}");
}

#[tokio::test]
async fn errors_before_the_first_chunk_are_returned_by_open() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("streamGenerateContent").reply_status(404);
    let e = within(client.models().generate_content_stream(MODEL, "hi"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn the_stream_type_can_be_stored() {
    struct Holder {
        stream: gemini::GenerateContentStream,
    }
    fn assert_send<T: Send + Unpin + 'static>(_: &T) {}
    let emu = emulator();
    let client = client(&emu);
    let holder = Holder {
        stream: within(
            client
                .models()
                .generate_content_stream(MODEL, GenerateContentRequest::from("stored")),
        )
        .await
        .unwrap(),
    };
    assert_send(&holder.stream);
    let r = within(holder.stream.accumulate()).await.unwrap();
    assert_eq!(r.text().as_deref(), Some("You said: stored"));
}

#[tokio::test]
async fn a_per_call_idle_timeout_catches_a_stall() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("streamGenerateContent")
        .reply(Reply::model().stall_forever_after(1));
    let mut stream = within(
        client
            .models()
            .with_options(
                gemini::RequestOptions::new().with_idle_timeout(Duration::from_millis(300)),
            )
            .generate_content_stream(MODEL, PROMPT),
    )
    .await
    .unwrap();
    assert!(within(stream.next()).await.unwrap().is_ok());
    let e = within(stream.next()).await.unwrap().unwrap_err();
    assert!(matches!(&e, Error::Timeout(t) if t.is_idle()), "{e:?}");
}

//! Chats: history kept exactly as received, saved and restored with serde.

use futures_util::StreamExt;
use gemini::{ChatConfig, ChatHistory, Content};
use integration_tests::{MODEL, Reply, SIGNED_MODEL, client, contents, emulator, within};
use serde_json::json;

#[tokio::test]
async fn history_is_sent_back_and_survives_save_and_restore() {
    let emu = emulator();
    let client = client(&emu);
    let mut chat = client
        .chats()
        .create(
            SIGNED_MODEL,
            ChatConfig::new().with_system_instruction("Be brief."),
        )
        .unwrap();
    let first = within(chat.send_message("I have two dogs.")).await.unwrap();
    assert_eq!(
        first.text().as_deref(),
        Some("[Be brief.] You said: I have two dogs.")
    );
    within(chat.send_message("How many paws?")).await.unwrap();
    assert_eq!(chat.history().full().len(), 4);

    // The model's turns are stored exactly as received, signature included.
    let received = emu.requests_for("generateContent");
    let second_contents = contents(&received[1]);
    assert_eq!(second_contents.len(), 3);
    assert!(second_contents[1]["parts"][0]["thoughtSignature"].is_string());
    let body = received[1].json().unwrap();
    assert_eq!(body["systemInstruction"]["parts"][0]["text"], "Be brief.");

    let saved = serde_json::to_string(chat.history()).unwrap();
    let restored: ChatHistory = serde_json::from_str(&saved).unwrap();
    assert_eq!(&restored, chat.history());
    let mut again = client
        .chats()
        .create(SIGNED_MODEL, ChatConfig::new().with_history(restored))
        .unwrap();
    within(again.send_message("And cats?")).await.unwrap();
    let sent = contents(&emu.requests_for("generateContent")[2]);
    assert_eq!(sent.len(), 5, "the restored turns were sent");
    assert_eq!(
        sent[..4],
        serde_json::to_value(chat.history().full())
            .unwrap()
            .as_array()
            .unwrap()[..]
    );
}

#[tokio::test]
async fn streamed_turns_are_recorded_when_the_stream_ends() {
    let emu = emulator();
    let client = client(&emu);
    let mut chat = client
        .chats()
        .create(SIGNED_MODEL, ChatConfig::new())
        .unwrap();
    let mut stream = within(chat.send_message_stream("Tell me about streams please"))
        .await
        .unwrap();
    let mut text = String::new();
    while let Some(chunk) = within(stream.next()).await {
        text.push_str(&chunk.unwrap().text().unwrap_or_default());
    }
    drop(stream);
    assert_eq!(text, "You said: Tell me about streams please");
    let h = chat.history();
    assert_eq!(h.full().len(), 2);
    let model = &h.full()[1];
    assert_eq!(model.text().as_deref(), Some(text.as_str()));
    assert!(model.parts.iter().any(|p| p.thought_signature.is_some()));

    // A stream that fails leaves the history unchanged.
    emu.script("streamGenerateContent")
        .reply(Reply::model().error_after(1, 500));
    let stream = within(chat.send_message_stream("This one breaks please"))
        .await
        .unwrap();
    assert!(within(stream.accumulate()).await.is_err());
    assert_eq!(chat.history().full().len(), 2);
}

#[tokio::test]
async fn an_empty_answer_is_kept_in_full_but_not_curated() {
    let emu = emulator();
    let client = client(&emu);
    let mut chat = client.chats().create(MODEL, ChatConfig::new()).unwrap();
    within(chat.send_message("one")).await.unwrap();
    emu.script("generateContent").reply_json(json!({
        "promptFeedback": {"blockReason": "SAFETY"}
    }));
    let blocked = within(chat.send_message("bad")).await.unwrap();
    assert!(blocked.block_reason().is_some());
    within(chat.send_message("three")).await.unwrap();
    let h = chat.history();
    assert_eq!(h.full().len(), 6);
    assert_eq!(h.curated().len(), 4);
    let last = contents(&emu.requests_for("generateContent")[2]);
    assert_eq!(last.len(), 3, "the blocked exchange is not sent again");
    assert_eq!(
        last[2],
        serde_json::to_value(Content::user("three")).unwrap()
    );
}

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
    let err = within(stream.accumulate()).await.unwrap_err();
    // The partial answer is kept, as for a plain stream.
    let partial = err.partial_response().expect("an Incomplete error");
    assert!(!partial.text().unwrap_or_default().is_empty());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(chat.history().full().len(), 2);
}

/// The same scripted conversation (a continued answer, then a round of parallel calls, then
/// the final answer) as a unary call, a stream and a chat: the same final answer and the same
/// conversation sent to the server.
#[tokio::test]
async fn unary_stream_and_chat_give_the_same_conversation() {
    let emu = emulator();
    let client = client(&emu);
    let hops = [
        json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [{"text": "Let me "}]},
            "finishReason": "CONTINUATION", "continuationToken": "dG9r"}]}),
        json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [
            {"text": "check. "},
            {"functionCall": {"id": "a", "name": "add", "args": {"a": 1, "b": 2}}},
            {"functionCall": {"id": "b", "name": "add", "args": {"a": 3, "b": 4}}}]}, "finishReason": "STOP"}]}),
        json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [{"text": "3 and 7."}]},
            "finishReason": "STOP"}]}),
    ];
    let script = |emu: &gemini_emulator::Emulator| {
        for hop in &hops {
            emu.script("generateContent").reply_json(hop.clone());
            emu.script("streamGenerateContent")
                .reply_chunks([hop.clone()]);
        }
    };
    let tools = gemini::Tools::new().function_with_declaration(
        gemini::FunctionDeclaration::new("add", "adds"),
        |v: serde_json::Value| async move {
            Ok::<_, String>(
                json!({"sum": v["a"].as_i64().unwrap_or(0) + v["b"].as_i64().unwrap_or(0)}),
            )
        },
    );
    let models = client.models().with_tools(tools.clone());

    script(&emu);
    let unary = within(models.generate_content(MODEL, "add")).await.unwrap();
    let unary_sent = contents(emu.requests_for("generateContent").last().unwrap());
    emu.clear_requests();

    script(&emu);
    let stream = within(models.generate_content_stream(MODEL, "add"))
        .await
        .unwrap();
    let streamed = within(stream.accumulate()).await.unwrap();
    let stream_sent = contents(emu.requests_for("streamGenerateContent").last().unwrap());
    emu.clear_requests();

    script(&emu);
    let mut chat = client
        .chats()
        .create(MODEL, ChatConfig::new().with_tools(tools))
        .unwrap();
    let chatted = within(chat.send_message("add")).await.unwrap();
    let chat_sent = contents(emu.requests_for("generateContent").last().unwrap());

    assert_eq!(unary.text().as_deref(), Some("3 and 7."));
    let value = |r: &gemini::GenerateContentResponse| {
        serde_json::to_value(r.candidates[0].content.as_ref()).unwrap()
    };
    assert_eq!(value(&unary), value(&streamed));
    assert_eq!(value(&unary), value(&chatted));
    assert_eq!(unary_sent, stream_sent);
    assert_eq!(unary_sent, chat_sent);
    // user, model (both hops folded), function responses.
    assert_eq!(unary_sent.len(), 3);
    assert_eq!(unary_sent[1]["parts"][0], json!({"text": "Let me check. "}));
    assert_eq!(
        unary_sent[2]["parts"][1]["functionResponse"]["response"],
        json!({"sum": 7})
    );
    // The chat's history is that conversation and the final answer.
    let history = serde_json::to_value(chat.history().full()).unwrap();
    assert_eq!(history.as_array().unwrap()[..3], unary_sent[..]);
    assert_eq!(history[3], value(&unary));
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

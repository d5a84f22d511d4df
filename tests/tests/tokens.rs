//! Ephemeral tokens against the emulator, on the facade's side: a client built from a token
//! sends no REST call at all (each fails with a typed error first), and a token request whose
//! expiry has passed is refused before it is sent. Tokens created with `client.auth_tokens()`
//! open Live sessions from a client built from them, and the emulator enforces them: used up,
//! expired, and locked fields overriding the client's setup.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures_util::TryStreamExt as _;
use gemini::live::{LiveConfig, LiveError, LiveEvent, LiveSession};
use gemini::types::{AuthToken, Timestamp};
use gemini::types::{BidiGenerateContentSetup, Modality};
use gemini::{Client, Error, InvalidInput, InvalidInputKind, UploadOptions, UploadSource};
use gemini_emulator::{Emulator, ManualClock};
use integration_tests::{KEY, MODEL, client, emulator, within};

#[tokio::test]
async fn a_client_built_from_a_token_sends_no_rest_call() {
    let emu = emulator();
    let token_client = Client::builder()
        .base_url(emu.base_url())
        .ephemeral_token("auth_tokens/handed-to-the-app")
        .build()
        .unwrap();
    let errors: Vec<Error> = vec![
        within(token_client.models().generate_content(MODEL, "Hi"))
            .await
            .unwrap_err(),
        within(token_client.models().generate_content_stream(MODEL, "Hi"))
            .await
            .err()
            .unwrap(),
        within(token_client.models().list().try_collect::<Vec<_>>())
            .await
            .unwrap_err(),
        within(token_client.files().upload(
            UploadSource::bytes(b"x".to_vec()).with_file_name("x.txt"),
            UploadOptions::new(),
        ))
        .await
        .unwrap_err(),
        within(token_client.file_search_stores().get("s"))
            .await
            .unwrap_err(),
        within(token_client.auth_tokens().create(AuthToken::new()))
            .await
            .unwrap_err(),
        within(token_client.raw().get_json("models"))
            .await
            .unwrap_err(),
    ];
    for e in &errors {
        let invalid = InvalidInput::find(e).unwrap_or_else(|| panic!("{e:?}"));
        assert_eq!(invalid.kind(), InvalidInputKind::EphemeralTokenClient);
        assert!(!e.report().contains("handed-to-the-app"));
    }
    assert_eq!(emu.count("*"), 0, "nothing reached the server");
    assert!(!format!("{token_client:?}").contains("handed-to-the-app"));
}

#[tokio::test]
async fn a_token_expiring_in_the_past_is_refused_before_sending() {
    let emu = emulator();
    let client = client(&emu);
    let past: Timestamp = "2001-01-01T00:00:00Z".parse().unwrap();
    let e = within(
        client
            .auth_tokens()
            .create(AuthToken::new().with_uses(1).with_expire_time(past)),
    )
    .await
    .unwrap_err();
    let invalid = InvalidInput::find(&e).unwrap();
    assert_eq!(
        (invalid.field(), invalid.kind()),
        ("expireTime", InvalidInputKind::InThePast)
    );
    assert_eq!(emu.count("*"), 0);
}

const LIVE_MODEL: &str = "gemini-live-2.5-flash-preview";

/// A client for the app: the token only, no API key.
fn app_client(emu: &Emulator, token: &AuthToken) -> Client {
    Client::builder()
        .base_url(emu.base_url())
        .ephemeral_token(token.name.as_deref().unwrap())
        .build()
        .unwrap()
}

fn text() -> LiveConfig {
    LiveConfig::default().response_modalities([Modality::Text])
}

/// The text of the next turn, up to its `turnComplete`.
async fn answer(session: &mut LiveSession, prompt: &str) -> String {
    within(session.send_text(prompt)).await.unwrap();
    let mut text = String::new();
    loop {
        match within(session.next_event()).await.unwrap().unwrap() {
            LiveEvent::Text(t) => text.push_str(&t),
            LiveEvent::TurnComplete { .. } => return text,
            _ => {}
        }
    }
}

fn rejected_because(e: &LiveError, why: &str) {
    match e {
        LiveError::Rejected { code: 1008, reason } => {
            assert!(reason.contains(why), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_token_opens_live_sessions_until_its_uses_are_spent() {
    let emu = emulator();
    let token = within(
        client(&emu)
            .auth_tokens()
            .create(AuthToken::new().with_uses(1)),
    )
    .await
    .unwrap();
    assert_eq!(token.uses, Some(1));
    let app = app_client(&emu, &token);
    let mut session = within(app.live().connect(LIVE_MODEL, text()))
        .await
        .unwrap();
    assert!(answer(&mut session, "Hello").await.contains("Hello"));
    within(session.close()).await.unwrap();
    // The session went to the constrained endpoint with the token, not the key.
    let sessions = emu.requests_for("live.connectConstrained");
    assert_eq!(sessions.len(), 1);
    assert!(!format!("{:?}", sessions[0]).contains(KEY));

    let e = within(app.live().connect(LIVE_MODEL, text()))
        .await
        .unwrap_err();
    rejected_because(&e, "no uses left");
    assert!(!format!("{e:?} {e}").contains(token.name.as_deref().unwrap()));
}

#[tokio::test]
async fn an_expired_token_opens_nothing() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .api_key(KEY)
        .clock(clock.clone())
        .start();
    let client = client(&emu);
    // Defaults: new sessions for one minute, the token itself for thirty.
    let early = within(client.auth_tokens().create(AuthToken::new()))
        .await
        .unwrap();
    let late = within(client.auth_tokens().create(AuthToken::new()))
        .await
        .unwrap();
    clock.advance(Duration::from_secs(61));
    let e = within(app_client(&emu, &early).live().connect(LIVE_MODEL, text()))
        .await
        .unwrap_err();
    rejected_because(&e, "can no longer start new sessions");

    clock.advance(Duration::from_secs(30 * 60));
    let e = within(app_client(&emu, &late).live().connect(LIVE_MODEL, text()))
        .await
        .unwrap_err();
    rejected_because(&e, "invalid authentication credentials");
}

#[tokio::test]
async fn locked_fields_override_the_apps_setup() {
    let emu = emulator();
    let client = client(&emu);
    let constraints =
        BidiGenerateContentSetup::new(LIVE_MODEL).with_system_instruction("Answer as a pirate.");
    // The whole setup locked (constraints without a field mask).
    let locked = within(
        client
            .auth_tokens()
            .create(AuthToken::new().with_live_connect_constraints(constraints.clone())),
    )
    .await
    .unwrap();
    let config = text().system_instruction("Answer as a poet.");
    let mut session = within(
        app_client(&emu, &locked)
            .live()
            .connect(LIVE_MODEL, config.clone()),
    )
    .await
    .unwrap();
    let said = answer(&mut session, "Hi").await;
    assert!(said.starts_with("[Answer as a pirate.]"), "{said}");
    within(session.close()).await.unwrap();

    // Only the model locked: the app's own instruction applies.
    let model_only = within(
        client.auth_tokens().create(
            AuthToken::new()
                .with_live_connect_constraints(constraints)
                .with_field_mask("model"),
        ),
    )
    .await
    .unwrap();
    let mut session = within(
        app_client(&emu, &model_only)
            .live()
            .connect(LIVE_MODEL, config),
    )
    .await
    .unwrap();
    let said = answer(&mut session, "Hi").await;
    assert!(said.starts_with("[Answer as a poet.]"), "{said}");
    within(session.close()).await.unwrap();
}

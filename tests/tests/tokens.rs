//! Ephemeral tokens against the emulator, on the facade's side: a client built from a token
//! sends no REST call at all (each fails with a typed error first), and a token request whose
//! expiry has passed is refused before it is sent. Creating tokens and spending them on Live
//! sessions (used up, expired, a locked field overridden) needs the emulator's `auth_tokens`
//! and Live endpoints.

use futures_util::TryStreamExt as _;
use gemini::types::{AuthToken, Timestamp};
use gemini::{Client, Error, InvalidInput, InvalidInputKind, UploadOptions, UploadSource};
use integration_tests::{MODEL, client, emulator, within};

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

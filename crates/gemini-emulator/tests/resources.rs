//! The route table, the resource store and the operation engine over HTTP: operations and
//! tuned models, methods the emulator does not serve, scripts on any path, model families.

mod support;

use std::time::Duration;

use bytes::Bytes;
use gemini_emulator::{Emulator, ManualClock, Reply};
use serde_json::json;
use support::{get, post, prompt, send};

const KEY: (&str, &str) = ("x-goog-api-key", "k");

async fn delete(emu: &Emulator, path: &str) -> support::Resp {
    send(emu, "DELETE", path, &[KEY], Bytes::new()).await
}

#[tokio::test]
async fn operations_finish_when_the_clock_passes_their_deadline() {
    let clock = ManualClock::new();
    let emu = Emulator::builder().clock(clock.clone()).start();
    let op = emu
        .operation("models/veo-3.1-generate-preview/operations/")
        .metadata(json!({"@type": "type.googleapis.com/example.Meta"}))
        .done_after(Duration::from_secs(30))
        .response(json!({"@type": "type.googleapis.com/example.Video", "uri": "files/v"}))
        .start();
    let name = op["name"].as_str().unwrap().to_owned();
    let id = name.rsplit('/').next().unwrap();
    assert_eq!(id.len(), 12, "{name}");
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );

    let path = format!("/v1beta/{name}");
    let running = get(&emu, &path).await;
    assert_eq!(running.status, 200);
    let running = running.json();
    assert_eq!(running["name"], name.as_str());
    assert_eq!(
        running["metadata"]["@type"],
        "type.googleapis.com/example.Meta"
    );
    assert!(running.get("done").is_none(), "{running}");
    assert!(running.get("response").is_none());

    clock.advance(Duration::from_secs(29));
    assert!(get(&emu, &path).await.json().get("done").is_none());
    clock.advance(Duration::from_secs(1));
    let done = get(&emu, &format!("/v1/{name}")).await.json();
    assert_eq!(done["done"], true);
    assert_eq!(done["response"]["uri"], "files/v");
    assert!(done.get("error").is_none());

    // Listed under its model; other models have none (an empty list is `{}`).
    let list = get(&emu, "/v1beta/models/veo-3.1-generate-preview/operations")
        .await
        .json();
    assert_eq!(list["operations"][0]["name"], name.as_str());
    assert_eq!(
        get(&emu, "/v1beta/models/veo-x/operations").await.json(),
        json!({})
    );
    assert_eq!(emu.count("operations.get"), 3);
    assert_eq!(emu.count("operations.list"), 2);

    let missing = get(
        &emu,
        "/v1beta/models/veo-3.1-generate-preview/operations/nope",
    )
    .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["status"], "NOT_FOUND");
}

#[tokio::test]
async fn failed_operations_carry_a_grpc_status_at_every_nested_path() {
    let clock = ManualClock::new();
    let emu = Emulator::builder().clock(clock.clone()).start();
    let names = [
        "fileSearchStores/s1/upload/operations/o1",
        "fileSearchStores/s1/operations/o2",
        "tunedModels/t1/operations/o3",
    ];
    for name in names {
        emu.operation(name).error(3, "bad input").start();
    }
    for name in names {
        let op = get(&emu, &format!("/v1beta/{name}")).await.json();
        assert_eq!(op["done"], true, "{name}");
        assert_eq!(op["error"], json!({"code": 3, "message": "bad input"}));
    }
    let list = get(&emu, "/v1beta/tunedModels/t1/operations").await.json();
    assert_eq!(list["operations"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn batches_are_operations_to_get_list_cancel_and_delete() {
    let clock = ManualClock::new();
    let emu = Emulator::builder().clock(clock.clone()).start();
    for i in 0..3 {
        emu.operation(&format!("batches/b{i}"))
            .metadata(json!({"state": "BATCH_STATE_RUNNING"}))
            .done_after(Duration::from_secs(100))
            .start();
        clock.advance(Duration::from_secs(1));
    }
    // Newest first, two per page.
    let page = get(&emu, "/v1beta/batches?pageSize=2").await.json();
    let names: Vec<&str> = page["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["batches/b2", "batches/b1"]);
    let token = page["nextPageToken"].as_str().unwrap();
    let rest = get(
        &emu,
        &format!("/v1beta/batches?pageSize=2&pageToken={token}"),
    )
    .await
    .json();
    assert_eq!(rest["operations"][0]["name"], "batches/b0");
    assert!(rest.get("nextPageToken").is_none());
    assert_eq!(
        get(&emu, "/v1beta/batches?pageToken=bogus").await.status,
        400
    );

    let cancelled = post(&emu, "/v1beta/batches/b1:cancel", &json!({})).await;
    assert_eq!((cancelled.status, cancelled.json()), (200, json!({})));
    let b1 = get(&emu, "/v1beta/batches/b1").await.json();
    assert_eq!(b1["done"], true);
    assert_eq!(b1["error"]["code"], 1);
    clock.advance(Duration::from_secs(200));
    let b0 = get(&emu, "/v1beta/batches/b0").await.json();
    assert_eq!(
        (b0["done"].clone(), b0["response"].clone()),
        (json!(true), json!({}))
    );
    // Still cancelled, not completed, after its deadline.
    assert_eq!(
        get(&emu, "/v1beta/batches/b1").await.json()["error"]["code"],
        1
    );

    assert_eq!(delete(&emu, "/v1beta/batches/b0").await.json(), json!({}));
    assert_eq!(get(&emu, "/v1beta/batches/b0").await.status, 404);
    assert_eq!(delete(&emu, "/v1beta/batches/b0").await.status, 404);
    assert_eq!(
        post(&emu, "/v1beta/batches/nope:cancel", &json!({}))
            .await
            .status,
        404
    );
    for rpc in [
        "batches.list",
        "batches.get",
        "batches.cancel",
        "batches.delete",
    ] {
        assert!(emu.count(rpc) > 0, "{rpc}");
    }
}

#[tokio::test]
async fn tuned_models_are_served_read_only() {
    let emu = Emulator::start();
    assert_eq!(get(&emu, "/v1beta/tunedModels").await.json(), json!({}));
    let r = get(&emu, "/v1beta/tunedModels/nope").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["status"], "NOT_FOUND");
    assert!(r.message().contains("tunedModels/nope"), "{}", r.message());

    let emu = Emulator::builder()
        .tuned_model("first", json!({"displayName": "First", "state": "ACTIVE"}))
        .tuned_model("second", json!({"baseModel": "models/gemini-2.5-flash"}))
        .start();
    let t = get(&emu, "/v1/tunedModels/first").await;
    assert_eq!(t.status, 200);
    let t = t.json();
    assert_eq!(t["name"], "tunedModels/first");
    assert_eq!(t["displayName"], "First");
    assert!(t["createTime"].as_str().unwrap().ends_with('Z'));
    let page = get(&emu, "/v1beta/tunedModels?pageSize=1").await.json();
    assert_eq!(page["tunedModels"][0]["name"], "tunedModels/second");
    let token = page["nextPageToken"].as_str().unwrap();
    let page = get(
        &emu,
        &format!("/v1beta/tunedModels?pageSize=1&pageToken={token}"),
    )
    .await
    .json();
    assert_eq!(page["tunedModels"][0]["name"], "tunedModels/first");
    assert!(page.get("nextPageToken").is_none());
    // Generating with a tuned model is not served.
    let r = post(
        &emu,
        "/v1beta/tunedModels/first:generateContent",
        &prompt("hi"),
    )
    .await;
    assert_eq!(r.status, 404);
    // Writes are not served either.
    let r = delete(&emu, "/v1beta/tunedModels/first").await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.message(),
        "Method not found: DELETE /v1beta/tunedModels/first"
    );
    assert_eq!(emu.count("tunedModels.delete"), 1);
    assert_eq!(get(&emu, "/v1beta/tunedModels/first").await.status, 200);
}

#[tokio::test]
async fn methods_no_module_serves_are_the_real_404_and_scriptable() {
    let emu = Emulator::start();
    let cases = [
        ("POST", "/v1beta/files:register", "files.register"),
        ("POST", "/v1beta/files", "files.create"),
        ("GET", "/v1beta/corpora/c", "corpora.get"),
        (
            "POST",
            "/v1beta/models/gemini-2.5-flash:generateAnswer",
            "generateAnswer",
        ),
        ("POST", "/v1beta/corpora", "corpora.create"),
    ];
    for (method, path, rpc) in cases {
        let r = send(&emu, method, path, &[KEY], "{}").await;
        assert_eq!(r.status, 404, "{method} {path}");
        assert_eq!(r.json()["error"]["status"], "NOT_FOUND");
        assert_eq!(r.message(), format!("Method not found: {method} {path}"));
        assert_eq!(emu.count(rpc), 1, "{rpc}");
    }
    // Ephemeral tokens are not served on other versions than v1alpha: not routed, so not
    // recorded.
    assert_eq!(
        post(&emu, "/v1beta/auth_tokens", &json!({})).await.status,
        404
    );
    assert_eq!(emu.count("authTokens.create"), 0);

    emu.script("corpora.get")
        .reply_json(json!({"name": "corpora/c", "displayName": "c"}));
    let r = get(&emu, "/v1beta/corpora/c").await;
    assert_eq!(
        (r.status, r.json()["displayName"].clone()),
        (200, json!("c"))
    );
    assert_eq!(emu.requests_for("corpora.get").len(), 2);
    // Used up: the real 404 again.
    assert_eq!(get(&emu, "/v1beta/corpora/c").await.status, 404);
}

#[tokio::test]
async fn scripts_answer_unrouted_paths() {
    let emu = Emulator::start();
    // Without a script: the real 404, before authentication, and not recorded.
    let r = send(&emu, "GET", "/v1beta/newThings/1", &[], Bytes::new()).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.message(), "Method not found: GET /v1beta/newThings/1");
    assert_eq!(emu.count("*"), 0);

    emu.script("GET /v1beta/newThings/*")
        .reply_json(json!({"name": "newThings/1"}))
        .times(2);
    // `*` matches one segment only.
    assert_eq!(get(&emu, "/v1beta/newThings/1/more").await.status, 404);
    // Another method does not match.
    assert_eq!(
        post(&emu, "/v1beta/newThings/1", &json!({})).await.status,
        404
    );
    let r = get(&emu, "/v1beta/newThings/1?view=full").await;
    assert_eq!((r.status, r.json()), (200, json!({"name": "newThings/1"})));
    // A scripted unrouted path still needs a key (and the refused request is not recorded).
    let r = send(&emu, "GET", "/v1beta/newThings/2", &[], Bytes::new()).await;
    assert_eq!(r.status, 403);
    let recorded = emu.requests_for("GET /v1beta/newThings/*");
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].api_version(), "v1beta");
    assert_eq!(recorded[0].query(), Some("view=full"));
    assert_eq!(recorded[0].model(), None);

    // `Reply::model()` on an unrouted path: the emulator has nothing to say but the 404.
    emu.script("/v1beta/**").reply(Reply::model());
    assert_eq!(get(&emu, "/v1beta/a/b/c").await.status, 404);
    assert_eq!(emu.count("/v1beta/**"), 1);

    // `*` scripts routed methods only; a handler on a path pattern answers every method.
    emu.script("*").reply_status(500);
    assert_eq!(get(&emu, "/v1beta/elsewhere").await.status, 404);
    assert_eq!(get(&emu, "/v1beta/models").await.status, 500);
    emu.on("* /v2/**", |req| {
        Reply::json(json!({"echo": req.path(), "method": req.method().as_str()}))
    });
    let r = send(&emu, "PUT", "/v2/anything/at:all", &[KEY], "{}").await;
    assert_eq!(
        r.json(),
        json!({"echo": "/v2/anything/at:all", "method": "PUT"})
    );

    // A path pattern also answers routed paths, which keep their RPC name.
    emu.reset();
    emu.script("POST /v1beta/models/*:generateContent")
        .reply_status(503);
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &prompt("x"),
    )
    .await;
    assert_eq!(r.status, 503);
    assert_eq!(emu.count("generateContent"), 1);
}

#[tokio::test]
async fn unlisted_models_of_known_families_are_served() {
    let emu = Emulator::start();
    let next = "gemini-4.0-flash-preview-01-2027";
    let m = get(&emu, &format!("/v1beta/models/{next}")).await;
    assert_eq!(m.status, 200);
    let m = m.json();
    assert_eq!(m["name"], format!("models/{next}"));
    assert_eq!(m["thinking"], true);
    let r = post(
        &emu,
        &format!("/v1beta/models/{next}:generateContent"),
        &prompt("Hello"),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = r.json();
    let parts = r["candidates"][0]["content"]["parts"].as_array().unwrap();
    assert!(parts.iter().any(|p| p["text"] == "You said: Hello"), "{r}");
    assert_eq!(r["modelVersion"], next);
    let r = post(
        &emu,
        &format!("/v1/models/{next}:streamGenerateContent?alt=sse"),
        &prompt("Hi"),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = post(
        &emu,
        "/v1beta/models/gemini-embedding-3:embedContent",
        &json!({"content": {"parts": [{"text": "x"}]}}),
    )
    .await;
    assert_eq!(
        r.json()["embedding"]["values"].as_array().unwrap().len(),
        3072
    );
    // The family decides the methods: Veo does not generate content.
    let r = post(
        &emu,
        "/v1beta/models/veo-4.0-generate-001:generateContent",
        &prompt("x"),
    )
    .await;
    assert_eq!(r.status, 404);
    // Not listed.
    let list = get(&emu, "/v1beta/models?pageSize=1000").await.json();
    assert!(
        !list["models"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["name"] == format!("models/{next}"))
    );
    // Outside every family: the real 404.
    let r = get(&emu, "/v1beta/models/gpt-4o").await;
    assert_eq!(r.status, 404);
    assert!(
        r.message()
            .starts_with("models/gpt-4o is not found for API version v1beta")
    );
}

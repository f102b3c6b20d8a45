//! The logs, read for what must never be in them: tokens of any kind, the app's secret, and
//! text a client wrote (a forged line through the sign-in callback or the consent outcome).
//! Everything is logged at `trace`, the most a debugging admin could switch on.
//!
//! A test binary of its own with one test: the logger it installs is the process's only one,
//! under `cargo test` and `cargo nextest` alike, so the test can never pass without reading.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use helpers::{TestApp, location, spawn_app};

/// A state the server sealed for a flow it began (`path`: `auth/start?mode=popup` or
/// `admin/consent`).
async fn fresh_state(app: &TestApp, path: &str) -> String {
    let start = app.get_anonymous(path).await;
    location(&start)
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("a state")
}

/// What an attacker sends in the fields a callback might log: a forged log line (CR/LF) with
/// an address and a token-shaped string, and ANSI escapes.
const INJECTED: &str = "access_denied\r\n2026-12-01T00:00:00Z INFO FORGED ayse@ornek.example eyJforged.token\u{1b}[31m";

#[tokio::test]
async fn no_token_or_secret_reaches_the_logs_even_at_trace() {
    let logs = davet::telemetry::capture()
        .expect("this test's process has no other logger: it installs the only one");
    let app = spawn_app().await;
    let api_token = app.emulator.api_token(app.member(3));
    let second = app.post_session(&api_token).await;
    assert_eq!(second.status(), 201);
    let second: davet_api::Session = second.json().await.expect("session");
    app.state
        .auth
        .tokens
        .forget_access(&app.user_key(app.member(3)))
        .await;
    assert_eq!(
        app.get_as(&second.session_token, "api/people?q=ay")
            .await
            .status(),
        200,
        "a refresh"
    );
    let mut forged = api_token.clone();
    forged.push('x');
    assert_eq!(app.post_session(&forged).await.status(), 401);

    // A sign-in refusal and a consent outcome whose fields carry a forged line.
    let injected: String = url::form_urlencoded::byte_serialize(INJECTED.as_bytes()).collect();
    let state = fresh_state(&app, "auth/start?mode=popup").await;
    let refused = app
        .get_anonymous(&format!(
            "auth/callback?state={state}&error={injected}&error_description={injected}"
        ))
        .await;
    assert_eq!(refused.status(), 200, "the page says the sign-in failed");
    let state = fresh_state(&app, "admin/consent").await;
    let consent = app
        .get_anonymous(&format!(
            "admin/consent/done?admin_consent=True&tenant={injected}&state={state}"
        ))
        .await;
    assert_eq!(consent.status(), 200);

    // Webex: connected through its code flow, a refresh forced, a connection refused.
    let organiser = app.emulator.world.tenant.users[app.member(0)]
        .mail
        .clone()
        .expect("an address");
    app.connect_webex(&app.session, &organiser).await;
    app.emulator.webex.expire_access_tokens();
    assert_eq!(app.get(davet_api::WEBEX_STATUS_PATH).await.status(), 200);
    let webex_refresh = app.emulator.webex.refresh_tokens();
    let webex_access = app.emulator.webex.access_tokens();
    assert!(
        !webex_refresh.is_empty() && webex_access.len() >= 2,
        "Webex tokens were issued and refreshed"
    );
    let webex_state = app
        .get_anonymous("webex/callback?state=forged&error=access_denied")
        .await;
    assert_eq!(webex_state.status(), 200);

    let logged = String::from_utf8(logs.lock().expect("logs").clone()).expect("utf-8");
    assert!(logged.contains("signed in"), "the capture works: {logged}");
    assert!(
        logged.contains("Webex connected"),
        "the Webex connection was logged"
    );
    assert!(
        logged.contains("sign-in refused by the identity platform")
            && logged.contains("admin consent answered for a value that is no tenant id"),
        "the refusal and the consent were logged"
    );
    for forged in ["FORGED", "eyJforged", "ayse@ornek.example", "\u{1b}"] {
        assert!(
            !logged.contains(forged),
            "text a client wrote reached the log: {forged:?}"
        );
    }
    let grants = &app.emulator.world.grants;
    let mut secrets = grants.live_refresh_tokens();
    let spent = grants.spent_refresh_tokens();
    assert!(
        !spent.is_empty(),
        "the forced refresh spent a refresh token"
    );
    let access = grants.issued_access_tokens();
    assert!(!access.is_empty(), "Graph access tokens were issued");
    secrets.extend(spent);
    secrets.extend(access);
    secrets.extend(webex_refresh);
    secrets.extend(webex_access);
    if let Some(webex) = &app.settings.webex {
        secrets.push(webex.client_secret.expose().to_owned());
    }
    secrets.extend([
        api_token,
        app.session.clone(),
        second.session_token,
        app.settings.identity.client_secret.expose().to_owned(),
    ]);
    for secret in &secrets {
        assert!(!logged.contains(secret.as_str()), "a secret is in the logs");
    }
    // Signatures are where a JWT is most recognisable: none of any token appears.
    for secret in &secrets {
        if let Some(signature) = secret.rsplit('.').next().filter(|s| s.len() > 40) {
            assert!(!logged.contains(signature));
        }
    }
}

//! Signing in (nested app authentication's token, the code flow in a dialog or popup), the
//! session's life, sign-out, and refreshes that collapse into one.

use std::time::Duration;

use davet_api::{ApiError, ErrorCode, PeopleSearch, SessionUser, SignInOutcome};
use davet_emulator::controls::Latency;
use reqwest::StatusCode;
use url::Url;

use crate::helpers::{TestApp, location, spawn_app, start_replica};

async fn error_of(response: reqwest::Response) -> (StatusCode, ErrorCode) {
    let status = response.status();
    let error: ApiError = response.json().await.expect("an ApiError");
    (status, error.code)
}

#[tokio::test]
async fn an_api_token_becomes_a_session_that_searches_as_that_person() {
    let app = spawn_app().await;
    let person = app.member(3);
    let obo_before = app
        .emulator
        .world
        .identity_log
        .count("urn:ietf:params:oauth:grant-type:jwt-bearer");
    let session = app.sign_in(person).await;

    let me: SessionUser = app
        .get_as(&session, "api/session")
        .await
        .json()
        .await
        .expect("json");
    let user = &app.emulator.world.tenant.users[person];
    assert_eq!(me.display_name, user.display_name);
    assert_eq!(me.username, user.user_principal_name);
    let found = app.get_as(&session, "api/people?q=ay").await;
    assert_eq!(found.status(), StatusCode::OK);
    let _: PeopleSearch = found.json().await.expect("json");
    assert_eq!(
        app.emulator
            .world
            .identity_log
            .count("urn:ietf:params:oauth:grant-type:jwt-bearer"),
        obo_before + 1,
        "one on-behalf-of exchange"
    );
    assert_eq!(
        app.database.rows("refresh_tokens").await,
        2,
        "the spawn's person and this one"
    );
}

#[tokio::test]
async fn without_a_session_personal_endpoints_answer_401_sign_in_required() {
    let app = spawn_app().await;
    for response in [
        app.get_anonymous("api/people?q=ay").await,
        app.get_as("not-a-session", "api/people?q=ay").await,
        app.get_as(&"A".repeat(43), "api/session").await,
    ] {
        assert_eq!(
            response
                .headers()
                .get("www-authenticate")
                .map(|v| v.to_str().ok()),
            Some(Some("Bearer"))
        );
        assert_eq!(
            error_of(response).await,
            (StatusCode::UNAUTHORIZED, ErrorCode::SignInRequired)
        );
    }
}

/// Follows the code flow as a browser would, choosing `user` on the platform's page; answers
/// the final page's HTML.
async fn code_flow(app: &TestApp, mode: &str, user: usize) -> String {
    let start = app.get_anonymous(&format!("auth/start?mode={mode}")).await;
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let authorize = location(&start);
    let params: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert!(
        authorize
            .as_str()
            .starts_with(app.emulator.login_url.as_str())
    );
    assert_eq!(param("code_challenge_method"), Some("S256"));
    assert_eq!(param("response_type"), Some("code"));
    assert!(param("scope").is_some_and(|s| s.contains("offline_access")));
    assert_eq!(
        param("redirect_uri"),
        Some("https://davet.contoso.example/auth/callback")
    );

    let mut form = params.clone();
    form.push((
        "user".into(),
        app.emulator.world.tenant.users[user].id.clone(),
    ));
    let decided = app
        .http
        .post(authorize.as_str().split('?').next().expect("path"))
        .form(&form)
        .send()
        .await
        .expect("the platform answers");
    assert_eq!(decided.status(), StatusCode::FOUND);
    // The callback is the public URL's; the test reaches the same path on the test server.
    let back = location(&decided);
    assert_eq!(back.path(), "/auth/callback");
    let page = app
        .get_anonymous(&format!(
            "auth/callback?{}",
            back.query().unwrap_or_default()
        ))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers().get("cache-control").map(|v| v.to_str().ok()),
        Some(Some("no-store"))
    );
    page.text().await.expect("html")
}

fn outcome_in(html: &str) -> SignInOutcome {
    let start = html
        .find("id=\"davet-outcome\">")
        .expect("the outcome block")
        + 19;
    let end = start + html[start..].find("</script>").expect("its end");
    serde_json::from_str(&html[start..end].replace("<\\/", "</")).expect("an outcome")
}

#[tokio::test]
async fn the_code_flow_signs_in_and_hands_the_session_to_the_pane() {
    let app = spawn_app().await;
    let person = app.member(5);
    for (mode, office_js) in [("dialog", true), ("popup", false)] {
        let html = code_flow(&app, mode, person).await;
        assert!(html.contains(&format!("data-mode=\"{mode}\"")));
        assert_eq!(
            html.contains(&app.settings.office_js_url),
            office_js,
            "{mode}"
        );
        let SignInOutcome::SignedIn { session } = outcome_in(&html) else {
            panic!("{mode}: not signed in: {html}");
        };
        let me: SessionUser = app
            .get_as(&session.session_token, "api/session")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(
            me.display_name,
            app.emulator.world.tenant.users[person].display_name
        );
        let found = app.get_as(&session.session_token, "api/people?q=ay").await;
        assert_eq!(found.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_callback_we_did_not_start_or_a_refusal_signs_no_one_in() {
    let app = spawn_app().await;
    let sessions = app.database.rows("sessions").await;
    let forged = app
        .get_anonymous("auth/callback?code=abc&state=k.forged")
        .await;
    let SignInOutcome::Failed { error } = outcome_in(&forged.text().await.expect("html")) else {
        panic!("a forged state signed someone in");
    };
    assert_eq!(error.code, ErrorCode::InvalidRequest);

    let start = app.get_anonymous("auth/start?mode=popup").await;
    let authorize = location(&start);
    let state = authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    let refused = app
        .get_anonymous(&format!(
            "auth/callback?error=access_denied&error_description=AADSTS50058%3A+No+account&state={state}"
        ))
        .await;
    let SignInOutcome::Failed { error } = outcome_in(&refused.text().await.expect("html")) else {
        panic!("a refusal signed someone in");
    };
    assert_eq!(error.code, ErrorCode::SignInFailed);
    assert_eq!(app.database.rows("sessions").await, sessions, "no trace");
    let bad_mode = app.get_anonymous("auth/start?mode=iframe").await;
    assert_eq!(
        error_of(bad_mode).await,
        (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest)
    );
}

#[tokio::test]
async fn sign_out_ends_the_session_and_forgets_the_persons_tokens() {
    let app = spawn_app().await;
    let other_session = app.sign_in(app.member(0)).await;
    let response = app
        .http
        .delete(app.url.join("api/session").expect("url"))
        .bearer_auth(&app.session)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for session in [&app.session, &other_session] {
        let replayed = app.get_as(session, "api/people?q=ay").await;
        assert_eq!(
            error_of(replayed).await,
            (StatusCode::UNAUTHORIZED, ErrorCode::SignInRequired)
        );
    }
    assert_eq!(app.database.rows("refresh_tokens").await, 0);
    assert_eq!(app.database.rows("sessions").await, 0);
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_limit() {
    let app = spawn_app().await;
    let idle = app.sign_in(app.member(1)).await;
    let old = app.sign_in(app.member(2)).await;
    let fresh = app.session.clone();
    let hour_ms: i64 = 3_600_000;
    // Time moves for two sessions only: one unused for 13 hours (the idle limit is 12), one
    // past its absolute end.
    app.database
        .execute(
            "UPDATE sessions SET last_seen_at = last_seen_at - $1 WHERE token_hash = $2",
            hour_ms * 13,
            &session_hash(&idle),
        )
        .await;
    app.database
        .execute(
            "UPDATE sessions SET expires_at = last_seen_at - $1 WHERE token_hash = $2",
            1,
            &session_hash(&old),
        )
        .await;
    for ended in [&idle, &old] {
        assert_eq!(
            error_of(app.get_as(ended, "api/session").await).await,
            (StatusCode::UNAUTHORIZED, ErrorCode::SignInRequired)
        );
    }
    assert_eq!(
        app.get_as(&fresh, "api/session").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.database.rows("sessions").await,
        1,
        "an ended session is deleted"
    );
}

fn session_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

#[tokio::test]
async fn concurrent_requests_share_one_refresh() {
    let app = spawn_app().await;
    app.state
        .auth
        .tokens
        .forget_access(&app.user_key(app.member(0)))
        .await;
    let refreshes = app.emulator.world.identity_log.count("refresh_token");
    let answers = futures_join(&app, &app.url, 8).await;
    assert!(answers.iter().all(|s| *s == StatusCode::OK), "{answers:?}");
    assert_eq!(
        app.emulator.world.identity_log.count("refresh_token"),
        refreshes + 1
    );
}

#[tokio::test]
async fn replicas_sharing_the_database_never_spend_a_refresh_token_twice() {
    let app = spawn_app().await;
    let (second, second_state) = start_replica(&app.settings).await;
    let (third, third_state) = start_replica(&app.settings).await;
    let refreshes = app.emulator.world.identity_log.count("refresh_token");
    // The token endpoint takes a second to answer, so the replica that claimed the refresh
    // still holds it when the other asks: the race is certain, not a matter of luck.
    app.emulator.identity_controls().set_latency(Latency {
        fixed: Duration::from_secs(1),
        jitter: Duration::ZERO,
    });
    // Neither new replica has an access token: each must refresh, and they race for it.
    let (a, b) = tokio::join!(
        futures_join(&app, &second, 6),
        futures_join(&app, &third, 6)
    );
    app.emulator
        .identity_controls()
        .set_latency(Latency::default());
    assert!(
        a.iter().chain(&b).all(|s| *s == StatusCode::OK),
        "{a:?} {b:?}"
    );
    assert!(
        second_state.auth.tokens.lease_waits() + third_state.auth.tokens.lease_waits() > 0,
        "one replica waited on the other's lease"
    );
    assert_eq!(
        app.emulator.world.identity_log.count("refresh_token"),
        refreshes + 2,
        "one refresh per replica, one after the other"
    );
    assert_eq!(app.database.rows("refresh_tokens").await, 1);
    // What the vault keeps is the platform's one live token for the person: a replica that has
    // never seen them refreshes with it.
    assert_eq!(
        app.emulator.world.grants.live_refresh_tokens(),
        vec![stored_refresh_token(&app).await],
        "the stored refresh token is the live one"
    );
    let (fresh, _) = start_replica(&app.settings).await;
    assert_eq!(futures_join(&app, &fresh, 1).await, [StatusCode::OK]);
    assert_eq!(
        app.emulator.world.identity_log.count("refresh_token"),
        refreshes + 3
    );
}

/// The refresh token the vault holds for the test's person, opened.
async fn stored_refresh_token(app: &TestApp) -> String {
    use davet::vault::{Claim, Service};
    let vault = &app.state.auth.vault;
    let person = app.user_key(app.member(0));
    match vault
        .claim_refresh(&person, Service::Microsoft, Duration::from_secs(30))
        .await
        .expect("claim")
    {
        Claim::Granted(stored) => {
            let token = stored.token.expose().to_owned();
            vault
                .release_refresh(&person, &stored)
                .await
                .expect("release");
            token
        }
        other => panic!("the vault holds no free refresh token: {other:?}"),
    }
}

#[tokio::test]
async fn a_revoked_refresh_token_signs_the_person_out() {
    let app = spawn_app().await;
    let person = app.member(0);
    app.emulator.world.grants.revoke_user(person);
    app.state
        .auth
        .tokens
        .forget_access(&app.user_key(person))
        .await;
    let response = app.get("api/people?q=ay").await;
    assert_eq!(
        error_of(response).await,
        (StatusCode::UNAUTHORIZED, ErrorCode::SignInRequired)
    );
    assert_eq!(app.database.rows("refresh_tokens").await, 0);
    assert_eq!(app.database.rows("sessions").await, 0);
}

/// `n` concurrent searches on `server` within the test's session; their statuses.
async fn futures_join(app: &TestApp, server: &Url, n: usize) -> Vec<StatusCode> {
    let url = server.join("api/people?q=ay").expect("url");
    let calls = (0..n).map(|_| {
        let request = app.http.get(url.clone()).bearer_auth(&app.session);
        async move { request.send().await.expect("answer").status() }
    });
    let mut set = tokio::task::JoinSet::new();
    for call in calls {
        set.spawn(call);
    }
    set.join_all().await
}

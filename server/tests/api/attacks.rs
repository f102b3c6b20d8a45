//! The attack catalog: tokens that must not open a session. Each is refused with 401 and leaves
//! no trace: no session, no stored token, no on-behalf-of exchange.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use davet_api::{ApiError, ErrorCode};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use davet::identity::TokenRejected;
use davet_emulator::identity::keys::SigningKeys;

use crate::helpers::{TestApp, spawn_app};

const OBO: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// HMAC-SHA256, written out (RFC 2104), to forge the `HS256` attack.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    block[..key.len().min(64)].copy_from_slice(&key[..key.len().min(64)]);
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::digest([pad(0x36), message.to_vec()].concat());
    Sha256::digest([pad(0x5c), inner.to_vec()].concat()).to_vec()
}

fn unsigned(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

/// Every attack, by name, with its token and the check that must refuse it.
fn catalog(app: &TestApp, user: usize) -> Vec<(&'static str, String, TokenRejected)> {
    let good = app.emulator.api_token(user);
    let claims = TestApp::claims_of(&good);
    let kid = app.emulator.world.keys.current_kid();
    let other_tenant = "0badc0de-0000-4000-8000-000000000001";
    let t = now();

    let none = format!(
        "{}.",
        unsigned(&json!({"alg": "none", "typ": "JWT"}), &claims)
    );
    // The published key (its modulus) used as an HMAC secret.
    let jwks = app.emulator.world.keys.jwks("issuer");
    let public = URL_SAFE_NO_PAD
        .decode(jwks["keys"][0]["n"].as_str().expect("n"))
        .expect("modulus");
    let hs_signed = unsigned(&json!({"alg": "HS256", "typ": "JWT", "kid": kid}), &claims);
    let hs256 = format!(
        "{hs_signed}.{}",
        b64(&hmac_sha256(&public, hs_signed.as_bytes()))
    );
    let foreign_key = SigningKeys::new(0xbad).sign(&claims);
    let mut tampered_claims = claims.clone();
    tampered_claims["oid"] = app.emulator.world.tenant.users[user + 1].id.clone().into();
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[1] = b64(tampered_claims.to_string().as_bytes());
    let tampered = parts.join(".");
    let graph_token = app
        .emulator
        .graph_token_in(&app.emulator.world, user, &["User.Read.All"]);
    let attacker = SigningKeys::new(0xbad);
    // The platform's own kid, over a signature by another key.
    let known_kid_other_key = attacker.sign_with_header(&json!({ "kid": kid }), &claims);
    // Headers that point elsewhere for the key: never followed.
    let attacker_kid = attacker.current_kid();
    let jku = attacker.sign_with_header(
        &json!({ "kid": attacker_kid, "jku": "https://keys.attacker.example/jwks.json" }),
        &claims,
    );
    let x5u = attacker.sign_with_header(
        &json!({ "kid": attacker_kid, "x5u": "https://keys.attacker.example/cert.pem" }),
        &claims,
    );
    let attacker_jwks = attacker.jwks("issuer");
    let embedded_jwk = attacker.sign_with_header(
        &json!({ "kid": attacker_kid, "jwk": attacker_jwks["keys"][0] }),
        &claims,
    );

    use TokenRejected as R;
    vec![
        ("alg none", none, R::Algorithm),
        ("HS256 signed with the public key", hs256, R::Algorithm),
        ("unknown kid", foreign_key, R::UnknownKey),
        (
            "the platform's kid, another key",
            known_kid_other_key,
            R::Signature,
        ),
        (
            "a jku header naming the attacker's keys",
            jku,
            R::UnknownKey,
        ),
        (
            "an x5u header naming the attacker's certificate",
            x5u,
            R::UnknownKey,
        ),
        (
            "the attacker's key embedded as jwk",
            embedded_jwk,
            R::UnknownKey,
        ),
        (
            "issued to another client",
            app.api_token_with(user, |c| {
                c["azp"] = "0badc0de-0000-4000-8000-0000000000c1".into();
            }),
            R::Client,
        ),
        (
            "expired",
            app.api_token_with(user, |c| {
                c["iat"] = (t - 7200).into();
                c["nbf"] = (t - 7200).into();
                c["exp"] = (t - 3600).into();
            }),
            R::Expired,
        ),
        (
            "not yet valid",
            app.api_token_with(user, |c| {
                c["nbf"] = (t + 3600).into();
                c["exp"] = (t + 7200).into();
            }),
            R::NotYetValid,
        ),
        (
            "wrong aud",
            app.api_token_with(user, |c| {
                c["aud"] = "api://elsewhere.example/other-app".into()
            }),
            R::Audience,
        ),
        (
            "wrong iss",
            app.api_token_with(user, |c| {
                let tid = c["tid"].as_str().expect("tid").to_owned();
                c["iss"] = format!("https://login.attacker.example/{tid}/v2.0").into();
            }),
            R::Issuer,
        ),
        (
            "tenant not allowed",
            app.api_token_with(user, |c| {
                let iss = c["iss"].as_str().expect("iss").to_owned();
                let tid = c["tid"].as_str().expect("tid").to_owned();
                c["iss"] = iss.replace(&tid, other_tenant).into();
                c["tid"] = other_tenant.into();
            }),
            R::Tenant,
        ),
        (
            "missing scope",
            app.api_token_with(user, |c| c["scp"] = "User.Read".into()),
            R::Scope,
        ),
        ("tampered payload", tampered, R::Signature),
        (
            "a Graph token instead of one for our API",
            graph_token,
            R::Audience,
        ),
        ("not a JWT", "eyJhbGciOiJSUzI1NiJ9.e30".into(), R::Malformed),
    ]
}

#[tokio::test]
async fn every_attack_of_the_catalog_is_refused_with_401_and_leaves_no_trace() {
    let app = spawn_app().await;
    let user = app.member(7);
    let sessions = app.database.rows("sessions").await;
    let tokens = app.database.rows("refresh_tokens").await;
    let exchanges = app.emulator.world.identity_log.count(OBO);
    let attacks = catalog(&app, user);
    assert_eq!(attacks.len(), 17);
    let mut messages = std::collections::BTreeSet::new();
    for (attack, token, reason) in attacks {
        // Refused by the check meant to refuse it, not by luck further on.
        assert_eq!(
            app.state.auth.validator.api_token(&token).await,
            Err(reason),
            "{attack}"
        );
        let response = app.post_session(&token).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{attack}");
        let error: ApiError = response.json().await.expect("an ApiError");
        assert_eq!(error.code, ErrorCode::SignInFailed, "{attack}");
        assert!(
            !error.message.contains(&token),
            "{attack}: the token is echoed"
        );
        assert!(
            !error.message.contains(&reason.to_string()),
            "{attack}: the refusal names the check that failed"
        );
        messages.insert(error.message);
    }
    assert_eq!(
        messages.len(),
        1,
        "every refusal reads the same to the caller: {messages:?}"
    );
    assert_eq!(app.database.rows("sessions").await, sessions, "no session");
    assert_eq!(
        app.database.rows("refresh_tokens").await,
        tokens,
        "no token"
    );
    assert_eq!(
        app.emulator.world.identity_log.count(OBO),
        exchanges,
        "no exchange"
    );
    // The genuine token still works: the refusals were about the attacks, not the person.
    assert_eq!(
        app.post_session(&app.emulator.api_token(user))
            .await
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_revoked_session_replayed_is_refused() {
    let app = spawn_app().await;
    app.http
        .delete(app.url.join("api/session").expect("url"))
        .bearer_auth(&app.session)
        .send()
        .await
        .expect("sign-out");
    let replay = app.get("api/session").await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    let error: ApiError = replay.json().await.expect("json");
    assert_eq!(error.code, ErrorCode::SignInRequired);
}

#[tokio::test]
async fn forged_kids_do_not_turn_into_a_stream_of_key_fetches() {
    let app = spawn_app().await;
    let fetched = app.emulator.world.identity_log.count("jwks");
    assert_eq!(fetched, 1, "the spawn's sign-in fetched the keys once");
    let claims = TestApp::claims_of(&app.emulator.api_token(app.member(0)));
    for seed in 1..=5 {
        let forged = davet_emulator::identity::keys::SigningKeys::new(seed).sign(&claims);
        assert_eq!(
            app.post_session(&forged).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.emulator.world.identity_log.count("jwks"),
        fetched,
        "no refetch within five minutes of the last"
    );
}

#[tokio::test]
async fn a_v1_token_for_the_application_id_uri_is_accepted_like_a_v2_one() {
    let app = spawn_app().await;
    let user = app.member(6);
    let v1 = app.api_token_with(user, |c| {
        let tid = c["tid"].as_str().expect("tid").to_owned();
        c["iss"] = format!("https://sts.windows.net/{tid}/").into();
        c["aud"] = app.settings.app_id_uri.clone().into();
        c["ver"] = "1.0".into();
    });
    let response = app.post_session(&v1).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    // The same token with a v2 issuer of another tenant's form is not.
    let mixed = app.api_token_with(user, |c| {
        c["iss"] = "https://sts.windows.net/0badc0de-0000-4000-8000-000000000001/".into();
    });
    assert_eq!(
        app.post_session(&mixed).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

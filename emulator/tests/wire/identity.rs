//! The identity platform's discovery, keys and tokens, and Graph's checks of those tokens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use davet_emulator::identity::keys::SigningKeys;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{assert_graph_error, session};

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("json")
}

#[tokio::test]
async fn discovery_names_the_endpoints_and_the_key_set_verifies_issued_tokens() {
    let s = session().await;
    let tenant = &s.emulator.world.tenant.id;
    let login = s.emulator.login_url.as_str().trim_end_matches('/');
    let config: Value = s
        .http
        .get(format!(
            "{login}/{tenant}/v2.0/.well-known/openid-configuration"
        ))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(config["issuer"], format!("{login}/{tenant}/v2.0"));
    assert_eq!(
        config["token_endpoint"],
        format!("{login}/{tenant}/oauth2/v2.0/token")
    );
    assert_eq!(
        config["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    let jwks: Value = s
        .http
        .get(config["jwks_uri"].as_str().expect("jwks_uri"))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["use"], "sig");
    assert_eq!(key["e"], "AQAB");
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(key["n"].as_str().expect("n"))
            .expect("n")
            .len(),
        256,
        "2048-bit modulus"
    );

    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(s.token.split('.').next().expect("header"))
            .expect("b64"),
    )
    .expect("json");
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], key["kid"]);
    let claims = claims_of(&s.token);
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    assert_eq!(claims["tid"], tenant.as_str());
    assert_eq!(claims["ver"], "1.0");
    assert_eq!(claims["idtyp"], "app");
    assert_eq!(claims["appid"], s.emulator.app().client_id.as_str());
    assert!(
        claims["roles"]
            .as_array()
            .expect("roles")
            .contains(&json!("User.Read.All"))
    );
    let (iat, exp) = (
        claims["iat"].as_u64().expect("iat"),
        claims["exp"].as_u64().expect("exp"),
    );
    assert!(exp > iat + 3000);
}

#[tokio::test]
async fn graph_refuses_forged_expired_and_misaddressed_tokens() {
    let s = session().await;
    let world = &s.emulator.world;
    let url = s.users_url("?$top=1");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let good = claims_of(&s.token);
    let with = |changes: Value| {
        let mut claims = good.clone();
        for (k, v) in changes.as_object().expect("object") {
            claims[k] = v.clone();
        }
        claims
    };
    let foreign = SigningKeys::new(424_242);
    let none_alg = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string()),
        URL_SAFE_NO_PAD.encode(good.to_string())
    );
    let cases = [
        ("signed by a key not in the key set", foreign.sign(&good)),
        ("alg none", none_alg),
        (
            "expired",
            world
                .keys
                .sign(&with(json!({"exp": now - 3600, "nbf": now - 7200}))),
        ),
        (
            "not yet valid",
            world
                .keys
                .sign(&with(json!({"nbf": now + 3600, "exp": now + 7200}))),
        ),
        (
            "for another audience",
            world.keys.sign(&with(json!({"aud": "api://davet"}))),
        ),
    ];
    for (what, token) in cases {
        let response = s
            .http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
        assert_graph_error(
            response,
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
        )
        .await;
    }
}

#[tokio::test]
async fn a_token_without_the_permission_gets_403() {
    let s = session().await;
    let contacts_only = s.emulator.world.app_token(&["Contacts.Read"]);
    let response = s
        .http
        .get(s.users_url("?$top=1"))
        .bearer_auth(&contacts_only)
        .send()
        .await
        .expect("answer");
    assert_graph_error(
        response,
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
    )
    .await;
    let groups = format!("{}/groups", s.emulator.graph_url);
    let users_only = s.emulator.world.app_token(&["User.Read.All"]);
    let response = s
        .http
        .get(&groups)
        .bearer_auth(&users_only)
        .send()
        .await
        .expect("answer");
    assert_graph_error(
        response,
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
    )
    .await;
    let directory = s.emulator.world.app_token(&["Directory.Read.All"]);
    assert_eq!(
        s.http
            .get(&groups)
            .bearer_auth(&directory)
            .send()
            .await
            .expect("answer")
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn after_a_key_rotation_old_tokens_still_work_and_new_ones_use_the_new_key() {
    let s = session().await;
    let world = &s.emulator.world;
    let new_kid = world.keys.rotate();
    assert_eq!(
        s.get(&s.users_url("?$top=1"), false).await.status(),
        StatusCode::OK,
        "the old token"
    );
    let fresh = world.app_token(&["User.Read.All"]);
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(fresh.split('.').next().expect("h"))
            .expect("b64"),
    )
    .expect("json");
    assert_eq!(header["kid"], new_kid.as_str());
    let response = s
        .http
        .get(s.users_url("?$top=1"))
        .bearer_auth(&fresh)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
}

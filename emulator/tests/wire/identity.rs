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

/// Signs in as a demo person through the authorize page; returns the token endpoint's answer.
async fn sign_in(s: &crate::Session, scope: &str) -> (Value, usize) {
    let world = &s.emulator.world;
    let app = s.emulator.app().clone();
    let redirect = "http://127.0.0.1:9/auth/callback";
    world.grants.register_redirect_uri(redirect);
    let base = format!("{}{}/oauth2/v2.0", s.emulator.login_url, world.tenant.id);
    let verifier = "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag";
    let challenge = {
        use sha2::Digest;
        URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
    };
    let params = [
        ("client_id", app.client_id.as_str()),
        ("response_type", "code"),
        ("redirect_uri", redirect),
        ("scope", scope),
        ("state", "xyz-state"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let page = s
        .http
        .get(format!("{base}/authorize"))
        .query(&params)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    let (index, person) = world
        .tenant
        .users
        .iter()
        .enumerate()
        .find(|(_, u)| u.account_enabled && u.user_type == "Member")
        .expect("someone");
    assert!(
        html.contains(&person.display_name),
        "the page lists the tenant's people"
    );

    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut form: Vec<(&str, &str)> = params.to_vec();
    form.push(("user", person.id.as_str()));
    let decision = no_redirects
        .post(format!("{base}/authorize"))
        .form(&form)
        .send()
        .await
        .expect("decision");
    assert_eq!(decision.status(), StatusCode::FOUND);
    let location =
        url::Url::parse(decision.headers()["location"].to_str().expect("ascii")).expect("url");
    assert!(location.as_str().starts_with(redirect));
    let query: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "xyz-state");
    let code = query["code"].clone();

    let wrong = s
        .http
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", app.client_id.as_str()),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
            (
                "code_verifier",
                "not-the-verifier-at-all-not-the-verifier-at-all",
            ),
        ])
        .send()
        .await
        .expect("answer");
    assert_eq!(
        wrong.status(),
        StatusCode::BAD_REQUEST,
        "a wrong PKCE verifier is refused (and burns the code)"
    );

    let again = no_redirects
        .post(format!("{base}/authorize"))
        .form(&form)
        .send()
        .await
        .expect("decision");
    let location =
        url::Url::parse(again.headers()["location"].to_str().expect("ascii")).expect("url");
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("code");
    let tokens: Value = s
        .http
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.as_str()),
            ("code", code.as_str()),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    (tokens, index)
}

#[tokio::test]
async fn the_code_flow_with_pkce_gives_graph_tokens_and_rotating_refresh_tokens() {
    let s = session().await;
    let (tokens, user) = sign_in(
        &s,
        "openid offline_access https://graph.microsoft.com/User.Read.All",
    )
    .await;
    let person = &s.emulator.world.tenant.users[user];
    let access = tokens["access_token"].as_str().expect("access token");
    let claims = claims_of(access);
    assert_eq!(claims["oid"], person.id.as_str());
    assert_eq!(claims["idtyp"], "user");
    assert!(
        claims["scp"]
            .as_str()
            .expect("scp")
            .split(' ')
            .any(|s| s == "User.Read.All")
    );
    assert_eq!(
        claims_of(tokens["id_token"].as_str().expect("id token"))["preferred_username"],
        person.user_principal_name.as_str()
    );
    let response = s
        .http
        .get(s.users_url("?$top=1"))
        .bearer_auth(access)
        .send()
        .await
        .expect("answer");
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a delegated token reads the directory"
    );

    let base = format!(
        "{}{}/oauth2/v2.0/token",
        s.emulator.login_url, s.emulator.world.tenant.id
    );
    let app = s.emulator.app().clone();
    let first = tokens["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_owned();
    let refresh = |token: String| {
        let (http, base, client_id) = (s.http.clone(), base.clone(), app.client_id.clone());
        async move {
            http.post(&base)
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("client_id", client_id.as_str()),
                    ("refresh_token", token.as_str()),
                ])
                .send()
                .await
                .expect("answer")
        }
    };
    let renewed: Value = refresh(first.clone()).await.json().await.expect("json");
    let second = renewed["refresh_token"]
        .as_str()
        .expect("a new refresh token");
    assert_ne!(second, first);
    let replayed = refresh(first).await;
    assert_eq!(
        replayed.status(),
        StatusCode::BAD_REQUEST,
        "a used refresh token is revoked"
    );
    let body: Value = replayed.json().await.expect("json");
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn an_api_token_is_exchanged_on_behalf_of_the_user_for_graph() {
    let s = session().await;
    let app = s.emulator.app().clone();
    let api_scope = format!("api://127.0.0.1/{}/access_as_user", app.client_id);
    let (tokens, user) = sign_in(&s, &format!("openid {api_scope}")).await;
    let api_token = tokens["access_token"].as_str().expect("api token");
    let claims = claims_of(api_token);
    assert_eq!(claims["aud"], app.client_id.as_str());
    assert_eq!(claims["scp"], "access_as_user");
    assert_eq!(claims["ver"], "2.0");
    let graph_refuses = s
        .http
        .get(s.users_url("?$top=1"))
        .bearer_auth(api_token)
        .send()
        .await
        .expect("answer");
    assert_eq!(
        graph_refuses.status(),
        StatusCode::UNAUTHORIZED,
        "a token for our API is not a token for Graph"
    );

    let base = format!(
        "{}{}/oauth2/v2.0/token",
        s.emulator.login_url, s.emulator.world.tenant.id
    );
    let obo = |scope: &'static str| {
        let (http, base, app) = (s.http.clone(), base.clone(), app.clone());
        let assertion = api_token.to_owned();
        async move {
            http.post(&base)
                .form(&[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                    ("client_id", app.client_id.as_str()),
                    ("client_secret", app.client_secret.as_str()),
                    ("assertion", assertion.as_str()),
                    ("requested_token_use", "on_behalf_of"),
                    ("scope", scope),
                ])
                .send()
                .await
                .expect("answer")
        }
    };
    let exchanged: Value = obo("https://graph.microsoft.com/Group.Read.All offline_access")
        .await
        .json()
        .await
        .expect("json");
    let graph_token = exchanged["access_token"].as_str().expect("graph token");
    let claims = claims_of(graph_token);
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    assert_eq!(
        claims["oid"],
        s.emulator.world.tenant.users[user].id.as_str()
    );
    assert!(
        exchanged["refresh_token"].is_string(),
        "offline_access gives a refresh token"
    );
    let groups = s
        .http
        .get(format!("{}/groups", s.emulator.graph_url))
        .bearer_auth(graph_token)
        .send()
        .await
        .expect("answer");
    assert_eq!(groups.status(), StatusCode::OK);

    let refused = obo("https://graph.microsoft.com/Mail.Send").await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body: Value = refused.json().await.expect("json");
    assert!(
        body["error_description"]
            .as_str()
            .expect("description")
            .starts_with("AADSTS65001"),
        "{body}"
    );
}

#[tokio::test]
async fn the_authorize_page_refuses_an_unregistered_redirect_uri() {
    let s = session().await;
    let base = format!(
        "{}{}/oauth2/v2.0/authorize",
        s.emulator.login_url, s.emulator.world.tenant.id
    );
    let page = s
        .http
        .get(base)
        .query(&[
            ("client_id", s.emulator.app().client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", "https://evil.example/cb"),
            ("scope", "openid"),
        ])
        .send()
        .await
        .expect("answer");
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(page.text().await.expect("html").contains("AADSTS50011"));
}

#[tokio::test]
async fn admin_consent_returns_to_the_app_with_the_outcome() {
    let s = session().await;
    let world = &s.emulator.world;
    let redirect = "http://127.0.0.1:9/admin/consent/done";
    world.grants.register_redirect_uri(redirect);
    let url = format!("{}{}/adminconsent", s.emulator.login_url, world.tenant.id);
    let client_id = s.emulator.app().client_id.clone();
    let params = [
        ("client_id", client_id.as_str()),
        ("redirect_uri", redirect),
        ("state", "s1"),
    ];
    let page = s.http.get(&url).query(&params).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text().await.expect("html").contains("Group.Read.All"),
        "the page lists the permissions"
    );
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for (decision, expected) in [
        ("accept", "admin_consent=True"),
        ("cancel", "error=access_denied"),
    ] {
        let mut form = params.to_vec();
        form.push(("decision", decision));
        let answer = no_redirects
            .post(&url)
            .form(&form)
            .send()
            .await
            .expect("answer");
        assert_eq!(answer.status(), StatusCode::FOUND);
        let location = answer.headers()["location"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(
            location.starts_with(redirect)
                && location.contains(expected)
                && location.contains("state=s1"),
            "{location}"
        );
    }
}

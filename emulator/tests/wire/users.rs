//! `/users` and the identity platform's token endpoint.

use reqwest::StatusCode;
use serde_json::Value;

use crate::{assert_graph_error, session, urlencode};

#[tokio::test]
async fn without_a_token_graph_answers_401_invalid_authentication_token() {
    let s = session().await;
    let response = s.http.get(s.users_url("")).send().await.expect("answer");
    assert!(response.headers().contains_key("www-authenticate"));
    assert_graph_error(
        response,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    )
    .await;
    let forged = s
        .http
        .get(s.users_url(""))
        .bearer_auth("eyJ.forged.token")
        .send()
        .await
        .expect("answer");
    assert_graph_error(
        forged,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
    )
    .await;
}

#[tokio::test]
async fn the_token_endpoint_answers_with_aadsts_errors() {
    let s = session().await;
    let url = s
        .emulator
        .login_url
        .join(&format!("{}/oauth2/v2.0/token", s.emulator.world.tenant.id))
        .expect("url");
    let app = s.emulator.app().clone();
    let cases = [
        (
            vec![("grant_type", "password")],
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "AADSTS70003",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", "nobody"),
            ],
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "AADSTS700016",
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", app.client_id.as_str()),
                ("client_secret", "wrong"),
            ],
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "AADSTS7000215",
        ),
    ];
    for (form, status, error, aadsts) in cases {
        let response = s
            .http
            .post(url.clone())
            .form(&form)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), status);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"], error);
        assert!(
            body["error_description"]
                .as_str()
                .expect("description")
                .starts_with(aadsts),
            "{body}"
        );
        assert!(body["trace_id"].is_string() && body["correlation_id"].is_string());
    }
    let other_tenant = s
        .emulator
        .login_url
        .join("contoso.example/oauth2/v2.0/token")
        .expect("url");
    let response = s
        .http
        .post(other_tenant)
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("answer");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "invalid_tenant");
}

#[tokio::test]
async fn search_requires_consistency_level_eventual() {
    let s = session().await;
    let url = s.users_url("?$search=\"displayName:ay\"");
    let message = assert_graph_error(
        s.get(&url, false).await,
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
    )
    .await;
    assert!(message.contains("ConsistencyLevel"));
    assert_eq!(s.get(&url, true).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn search_matches_word_starts_of_display_names_with_turkish_letters() {
    let s = session().await;
    let body: Value = s
        .get(&s.users_url("?$search=\"displayName:ış\"&$top=999"), true)
        .await
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = body["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|u| u["displayName"].as_str().expect("name"))
        .collect();
    let expected = s
        .emulator
        .world
        .tenant
        .users
        .iter()
        .filter(|u| {
            u.display_name
                .split(' ')
                .any(|w| w.to_lowercase().starts_with("ış"))
        })
        .count();
    assert!(expected > 0, "the tenant has someone for `ış` to find");
    assert_eq!(names.len(), expected);
    assert!(
        names
            .iter()
            .all(|n| n.split(' ').any(|w| w.to_lowercase().starts_with("ış")))
    );
    // `I` lower-cases to `i`, not `ı`, as in the directory: `Işıl` is not found by `ış`.
    assert!(!names.iter().any(|n| n.starts_with("Işıl")));
}

#[tokio::test]
async fn paging_follows_absolute_next_links_and_visits_each_user_once() {
    let s = session().await;
    let mut url = s.users_url("?$top=7&$select=id,displayName&$count=true");
    let mut seen = std::collections::HashSet::new();
    let mut pages = 0;
    loop {
        let response = s.get(&url, true).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("application/json;odata.metadata=minimal")
        );
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["@odata.count"], 300);
        assert!(
            body["@odata.context"]
                .as_str()
                .expect("context")
                .ends_with("$metadata#users(id,displayName)")
        );
        for user in body["value"].as_array().expect("value") {
            assert_eq!(
                user.as_object().expect("object").len(),
                2,
                "only the selected properties: {user}"
            );
            assert!(seen.insert(user["id"].as_str().expect("id").to_owned()));
        }
        pages += 1;
        match body["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(
                    next.starts_with(s.emulator.graph_url.as_str()),
                    "absolute: {next}"
                );
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 300);
    assert_eq!(pages, 300usize.div_ceil(7));
}

#[tokio::test]
async fn default_properties_without_select_and_default_page_of_100() {
    let s = session().await;
    let body: Value = s
        .get(&s.users_url(""), false)
        .await
        .json()
        .await
        .expect("json");
    let users = body["value"].as_array().expect("value");
    assert_eq!(users.len(), 100);
    let first = users[0].as_object().expect("object");
    for property in [
        "id",
        "displayName",
        "mail",
        "userPrincipalName",
        "businessPhones",
        "jobTitle",
    ] {
        assert!(
            first.contains_key(property),
            "{property} is a default property"
        );
    }
    assert!(
        !first.contains_key("department"),
        "department is returned only when selected"
    );
    assert!(!first.contains_key("accountEnabled"));
}

#[tokio::test]
async fn bad_query_options_get_graphs_400s() {
    let s = session().await;
    for (query, code) in [
        ("?$top=1000", "Request_UnsupportedQuery"),
        ("?$top=0", "Request_UnsupportedQuery"),
        ("?$select=shoeSize", "Request_BadRequest"),
        ("?$frobnicate=1", "BadRequest"),
        ("?$skiptoken=garbage", "Directory_ExpiredPageToken"),
    ] {
        assert_graph_error(
            s.get(&s.users_url(query), false).await,
            StatusCode::BAD_REQUEST,
            code,
        )
        .await;
    }
    for search in ["displayName:ay", "\"displayName:ay", "\"shoeSize:9\""] {
        let url = format!("{}?$search={}", s.users_url(""), urlencode(search));
        assert_graph_error(
            s.get(&url, true).await,
            StatusCode::BAD_REQUEST,
            "Request_UnsupportedQuery",
        )
        .await;
    }
    let unknown = s
        .get(&format!("{}/planets", s.emulator.graph_url), false)
        .await;
    let message = assert_graph_error(unknown, StatusCode::BAD_REQUEST, "BadRequest").await;
    assert!(message.contains("'planets'"));
}

#[tokio::test]
async fn client_request_id_is_echoed() {
    let s = session().await;
    let response = s
        .http
        .get(s.users_url("?$top=1"))
        .bearer_auth(&s.token)
        .header("client-request-id", "c0ffee00-0000-4000-8000-000000000001")
        .send()
        .await
        .expect("answer");
    assert_eq!(
        response.headers()["client-request-id"],
        "c0ffee00-0000-4000-8000-000000000001"
    );
    assert_eq!(response.headers()["request-id"].len(), 36);
}

//! `GET /api/openapi.json`: the API described, from the contract's own types.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref" {
                    if let Some(r) = v.as_str() {
                        out.push(r);
                    }
                } else {
                    refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_description_covers_every_operation_and_resolves() {
    let app = spawn_app().await;
    let response = app.get_anonymous("api/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let document: Value = response.json().await.expect("json");
    assert_eq!(document["openapi"], "3.1.0");
    let schemas = &document["components"]["schemas"];
    for name in [
        "Session",
        "ExpandRequest",
        "ExpandEvent",
        "PersonCard",
        "GroupList",
        "ApiError",
    ] {
        assert!(schemas.get(name).is_some(), "no schema {name}");
    }
    let mut found = Vec::new();
    refs(&document, &mut found);
    assert!(!found.is_empty());
    for reference in found {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{reference} is not a component"));
        assert!(schemas.get(name).is_some(), "{reference} does not resolve");
    }
    // Every operation described is served: the server does not answer 404 or 405 to it. (The
    // router and the document come from one registration, so nothing served goes undescribed.)
    let paths = document["paths"].as_object().expect("paths");
    let described: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .expect("operations")
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    assert_eq!(
        described.len(),
        davet::router::api().operations().len(),
        "every registered operation is in the document"
    );
    // Creating calls name the header that makes them happen once.
    for path in [davet_api::WEBEX_MEETINGS_PATH, davet_api::MEETINGS_PATH] {
        let parameters = &paths[path]["post"]["parameters"];
        assert_eq!(
            parameters[0],
            serde_json::json!({ "name": "Idempotency-Key", "in": "header", "required": true, "schema": { "type": "string", "pattern": "^[A-Za-z0-9_-]{16,58}$" } }),
            "{path}"
        );
    }
    // What a generated client needs to send only what the server takes.
    let param = |path: &str, method: &str, name: &str| -> Value {
        paths[path][method]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name).cloned())
            .unwrap_or_else(|| panic!("{method} {path} does not declare {name}"))
    };
    let contacts_q = param(davet_api::CONTACTS_PATH, "get", "q");
    assert_eq!(contacts_q["required"], false);
    assert_eq!(contacts_q["schema"]["minLength"], 2);
    assert_eq!(
        param(davet_api::CONTACTS_PATH, "get", "folder")["required"],
        false
    );
    assert_eq!(
        param(davet_api::PEOPLE_SEARCH_PATH, "get", "q")["schema"]["maxLength"],
        100
    );
    let id = param(davet_api::PERSON_CARD_PATH, "get", "id");
    assert_eq!(id["schema"]["pattern"], davet_api::DIRECTORY_ID_PATTERN);
    assert_eq!(
        paths[davet_api::SESSION_PATH]["post"]["security"],
        serde_json::json!([{ "apiToken": [] }])
    );
    // OpenAPI 3.1: type unions, never 3.0's `nullable`.
    let text = document.to_string();
    assert!(
        !text.contains("\"nullable\""),
        "a 3.0 `nullable` in a 3.1 document"
    );
    assert!(text.contains("\"null\""), "no type union with null at all");
    let person = &schemas["Selection"];
    assert!(
        person
            .to_string()
            .contains(&serde_json::to_string(davet_api::EMAIL_PATTERN).expect("json")),
        "addresses carry their pattern: {person}"
    );
    // What the server answers where no route is: an ApiError of its own, 404 and 405 alike.
    let nowhere = app.get_anonymous("api/no-such-thing").await;
    assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);
    let no_route: davet_api::ApiError = nowhere.json().await.expect("an ApiError for a 404");
    assert_eq!(no_route.code, davet_api::ErrorCode::NotFound);
    assert!(!no_route.message_tr.is_empty());
    let wrong_method = app
        .http
        .put(app.url.join("api/session").expect("url"))
        .send()
        .await
        .expect("answer");
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    let not_allowed: davet_api::ApiError =
        wrong_method.json().await.expect("an ApiError for a 405");
    assert_eq!(not_allowed.code, davet_api::ErrorCode::InvalidRequest);
    for (method, path) in &described {
        let (method, path) = (method.as_str(), path.as_str());
        let url = app
            .url
            .join(
                &path
                    .trim_start_matches('/')
                    .replace("{id}", "00000000-0000-4000-8000-000000000000"),
            )
            .expect("url");
        let response = app
            .http
            .request(method.to_uppercase().parse().expect("method"), url)
            .send()
            .await
            .expect("answer");
        let status = response.status();
        let error: Option<davet_api::ApiError> = response.json().await.ok();
        // A handler's own 404 (the person is not there) is an answer; the router's is not.
        let the_routers = |e: &davet_api::ApiError| {
            e.message == no_route.message || e.message == not_allowed.message
        };
        assert!(
            status != StatusCode::METHOD_NOT_ALLOWED && !error.as_ref().is_some_and(the_routers),
            "{method} {path}: {status} is the router's, not an operation's"
        );
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} is not in the document"
        );
    }
}

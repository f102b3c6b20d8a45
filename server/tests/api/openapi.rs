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
        assert!(
            response.status() != StatusCode::METHOD_NOT_ALLOWED
                && !(response.status() == StatusCode::NOT_FOUND
                    && response.headers().get("content-type").is_none()),
            "{method} {path}: {}",
            response.status()
        );
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} is not in the document"
        );
    }
}

//! `POST /v1.0/$batch`: up to 20 requests in one, each answered on its own (status, headers,
//! body), with `dependsOn` ordering and 424 for a request whose dependency failed. Each request
//! goes through the whole service (authentication, throttling, faults, the request log) as if
//! sent alone, so a throttled item carries its own 429 and `Retry-After` while the batch is 200.
//! Responses come back in completion order, not request order, as Graph's may.

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Graph, GraphError, odata, send};

/// Graph's limit on requests in one batch.
pub const MAX_REQUESTS: usize = 20;

#[derive(Debug, Deserialize)]
struct Batch {
    requests: Vec<Item>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    id: String,
    method: String,
    url: String,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    body: Option<Value>,
    #[serde(default)]
    depends_on: Vec<String>,
}

pub async fn handle(
    State(graph): State<Graph>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, GraphError> {
    let batch: Batch = serde_json::from_slice(&body).map_err(|e| {
        GraphError::bad_request("BadRequest", format!("Invalid batch payload format: {e}"))
    })?;
    if batch.requests.len() > MAX_REQUESTS {
        return Err(GraphError::bad_request(
            "BadRequest",
            format!("Number of batch request steps exceeds the maximum of {MAX_REQUESTS}."),
        ));
    }
    let mut ids = HashSet::new();
    for item in &batch.requests {
        if !ids.insert(item.id.as_str()) {
            return Err(GraphError::bad_request(
                "BadRequest",
                format!(
                    "Batch request ids must be unique: '{}' is repeated.",
                    item.id
                ),
            ));
        }
    }
    for item in &batch.requests {
        if let Some(unknown) = item.depends_on.iter().find(|d| !ids.contains(d.as_str())) {
            return Err(GraphError::bad_request(
                "BadRequest",
                format!(
                    "Request '{}' depends on '{unknown}', which is not in the batch.",
                    item.id
                ),
            ));
        }
    }

    let mut statuses: HashMap<String, u16> = HashMap::new();
    let mut pending = batch.requests;
    let mut responses = Vec::new();
    while !pending.is_empty() {
        let (ready, waiting): (Vec<Item>, Vec<Item>) = pending
            .into_iter()
            .partition(|item| item.depends_on.iter().all(|d| statuses.contains_key(d)));
        if ready.is_empty() {
            return Err(GraphError::bad_request(
                "BadRequest",
                "The dependsOn references form a cycle.",
            ));
        }
        let wave = ready.into_iter().map(|item| {
            let graph = graph.clone();
            let failed_dependency = item
                .depends_on
                .iter()
                .any(|d| statuses.get(d).is_none_or(|s| !(200..300).contains(s)));
            let authorization = headers.get(header::AUTHORIZATION).cloned();
            async move {
                let answer = if failed_dependency {
                    failed(&item.id)
                } else {
                    run(&graph, &item, authorization).await
                };
                (item.id, answer)
            }
        });
        let mut done = futures_util::future::join_all(wave).await;
        done.reverse();
        for (id, answer) in done {
            statuses.insert(id, answer["status"].as_u64().unwrap_or(500) as u16);
            responses.push(answer);
        }
        pending = waiting;
    }
    Ok(odata(json!({ "responses": responses })))
}

fn failed(id: &str) -> Value {
    json!({
        "id": id,
        "status": 424,
        "headers": { "Content-Type": "application/json" },
        "body": { "error": { "code": "FailedDependency", "message": "The dependent request failed." } },
    })
}

/// Sends one item through the whole Graph service, as if it had come alone.
async fn run(graph: &Graph, item: &Item, authorization: Option<axum::http::HeaderValue>) -> Value {
    let item_error = |status: u16, code: &str, message: &str| json!({ "id": item.id, "status": status, "body": { "error": { "code": code, "message": message } } });
    let Ok(method) = item.method.to_ascii_uppercase().parse::<Method>() else {
        return item_error(400, "BadRequest", "Invalid method.");
    };
    if item.url.contains("://") {
        return item_error(
            400,
            "BadRequest",
            "Batch request URLs are relative to the service root.",
        );
    }
    let path = format!("/v1.0/{}", item.url.trim_start_matches('/'));
    if path.starts_with("/v1.0/$batch") {
        return item_error(400, "BadRequest", "A batch cannot contain a batch.");
    }
    let Some(service) = graph.service.get() else {
        return item_error(500, "generalException", "The service is starting.");
    };
    let mut request = Request::builder().method(method).uri(&path);
    if let Some(auth) = authorization {
        request = request.header(header::AUTHORIZATION, auth);
    }
    for (name, value) in &item.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let body = match &item.body {
        Some(body) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(body.to_string())
        }
        None => Body::empty(),
    };
    let Ok(mut request) = request.body(body) else {
        return item_error(400, "BadRequest", "The request could not be formed.");
    };
    request.extensions_mut().insert(super::BatchItem);
    let response = send(service, request).await;
    let status = response.status();
    let mut headers = Map::new();
    for (name, value) in response.headers() {
        if let Ok(value) = value.to_str() {
            headers.insert(name.as_str().to_owned(), json!(value));
        }
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .unwrap_or_default();
    let body = serde_json::from_slice::<Value>(&bytes)
        .unwrap_or_else(|_| json!(String::from_utf8_lossy(&bytes)));
    let mut answer = json!({ "id": item.id, "status": status.as_u16(), "headers": headers });
    if !bytes.is_empty() && status != StatusCode::NO_CONTENT {
        answer["body"] = body;
    }
    answer
}

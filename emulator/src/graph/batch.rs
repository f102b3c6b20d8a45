//! `POST /v1.0/$batch`: up to 20 requests in one, each answered on its own (status, headers,
//! body), with `dependsOn` ordering and 424 for a request whose dependency failed. Each request
//! goes through the whole service (authentication, throttling, faults, the request log) as if
//! sent alone, so a throttled item carries its own 429 and `Retry-After` while the batch is 200.
//! Responses come back in completion order, not request order, as Graph's may.

use std::collections::{HashMap, HashSet};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Graph, GraphError, send};

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
            // Items run side by side, on the runtime's threads, as Graph runs them.
            let id = item.id.clone();
            let task = tokio::spawn(async move {
                let answer = if failed_dependency {
                    failed(&item.id)
                } else {
                    run(&graph, &item, authorization).await
                };
                (item.id, answer)
            });
            async move {
                task.await.unwrap_or_else(|_| {
                    let error = json!({ "error": { "code": "generalException", "message": "The request failed." } });
                    (id.clone(), ItemAnswer::json(&id, 500, Map::new(), &error))
                })
            }
        });
        let mut done = futures_util::future::join_all(wave).await;
        done.reverse();
        for (id, answer) in done {
            statuses.insert(id, answer.status);
            responses.push(answer);
        }
        pending = waiting;
    }
    // Item bodies stay the text their requests answered: a batch of pages is not parsed and
    // written again.
    let body = serde_json::to_vec(&Answers { responses }).unwrap_or_default();
    Ok(([(header::CONTENT_TYPE, super::ODATA_JSON)], body).into_response())
}

#[derive(Debug, serde::Serialize)]
struct Answers {
    responses: Vec<ItemAnswer>,
}

#[derive(Debug, serde::Serialize)]
struct ItemAnswer {
    id: String,
    status: u16,
    #[serde(skip_serializing_if = "Map::is_empty")]
    headers: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Box<serde_json::value::RawValue>>,
}

impl ItemAnswer {
    fn json(id: &str, status: u16, headers: Map<String, Value>, body: &Value) -> Self {
        Self {
            id: id.to_owned(),
            status,
            headers,
            body: serde_json::value::to_raw_value(body).ok(),
        }
    }
}

fn failed(id: &str) -> ItemAnswer {
    let mut headers = Map::new();
    headers.insert("Content-Type".into(), json!("application/json"));
    ItemAnswer::json(
        id,
        424,
        headers,
        &json!({ "error": { "code": "FailedDependency", "message": "The dependent request failed." } }),
    )
}

/// Sends one item through the whole Graph service, as if it had come alone.
async fn run(
    graph: &Graph,
    item: &Item,
    authorization: Option<axum::http::HeaderValue>,
) -> ItemAnswer {
    let item_error = |status: u16, code: &str, message: &str| {
        ItemAnswer::json(
            &item.id,
            status,
            Map::new(),
            &json!({ "error": { "code": code, "message": message } }),
        )
    };
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
    request.extensions_mut().insert(crate::controls::BatchItem);
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
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let body = if bytes.is_empty() || status == StatusCode::NO_CONTENT {
        None
    } else {
        // JSON goes in as it is; anything else as a JSON string, as Graph does.
        serde_json::value::RawValue::from_string(text.clone())
            .or_else(|_| serde_json::value::to_raw_value(&text))
            .ok()
    };
    ItemAnswer {
        id: item.id.clone(),
        status: status.as_u16(),
        headers,
        body,
    }
}

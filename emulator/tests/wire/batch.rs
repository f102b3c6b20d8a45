//! `$batch`: per-item answers, `dependsOn` and 424, the 20-request limit, per-item throttling.

use davet_emulator::controls::{Fault, FaultRule};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Session, assert_graph_error, session};

async fn batch(s: &Session, requests: Value) -> reqwest::Response {
    s.http
        .post(format!("{}/$batch", s.emulator.graph_url))
        .bearer_auth(&s.token)
        .json(&json!({ "requests": requests }))
        .send()
        .await
        .expect("answer")
}

fn by_id(body: &Value, id: &str) -> Value {
    body["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no response for {id}: {body}"))
}

#[tokio::test]
async fn each_request_is_answered_on_its_own_and_failed_dependencies_get_424() {
    let s = session().await;
    let group = &s.emulator.world.tenant.groups[0].id;
    let response = batch(
        &s,
        json!([
            { "id": "1", "method": "GET", "url": "/users?$top=2&$select=id" },
            { "id": "2", "method": "GET", "url": format!("groups/{group}/transitiveMembers/microsoft.graph.user?$top=3&$count=true"), "headers": { "ConsistencyLevel": "eventual" } },
            { "id": "3", "method": "GET", "url": "/groups/not-a-guid" },
            { "id": "4", "method": "GET", "url": "/users?$top=1", "dependsOn": ["3"] },
            { "id": "5", "method": "GET", "url": "/users?$top=1", "dependsOn": ["1"] },
        ]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["responses"].as_array().expect("responses").len(), 5);
    let first = by_id(&body, "1");
    assert_eq!(first["status"], 200);
    assert_eq!(first["body"]["value"].as_array().expect("value").len(), 2);
    assert!(
        first["body"]["@odata.nextLink"]
            .as_str()
            .expect("next")
            .starts_with("http")
    );
    let second = by_id(&body, "2");
    assert_eq!(second["status"], 200);
    assert!(second["body"]["@odata.count"].as_u64().expect("count") >= 3);
    assert_eq!(by_id(&body, "3")["status"], 400);
    assert_eq!(
        by_id(&body, "3")["body"]["error"]["code"],
        "Request_BadRequest"
    );
    assert_eq!(by_id(&body, "4")["status"], 424);
    assert_eq!(by_id(&body, "5")["status"], 200);
}

#[tokio::test]
async fn a_throttled_item_has_its_own_429_while_the_batch_succeeds() {
    let s = session().await;
    s.emulator.graph_controls().inject(FaultRule {
        path: "/v1.0/groups".into(),
        fault: Fault::Throttle {
            retry_after_secs: 3,
        },
        times: 1,
    });
    s.emulator.graph_controls().clear_log();
    let response = batch(
        &s,
        json!([
            { "id": "a", "method": "GET", "url": "/users?$top=1" },
            { "id": "b", "method": "GET", "url": "/groups?$top=1" },
        ]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(by_id(&body, "a")["status"], 200);
    let throttled = by_id(&body, "b");
    assert_eq!(throttled["status"], 429);
    assert_eq!(throttled["headers"]["retry-after"], "3");
    assert_eq!(
        s.emulator.graph_controls().count("/v1.0/users"),
        1,
        "inner requests are logged as requests"
    );
}

#[tokio::test]
async fn malformed_batches_are_refused_whole() {
    let s = session().await;
    let too_many: Vec<Value> = (0..21)
        .map(|i| json!({ "id": i.to_string(), "method": "GET", "url": "/users" }))
        .collect();
    assert_graph_error(
        batch(&s, Value::Array(too_many)).await,
        StatusCode::BAD_REQUEST,
        "BadRequest",
    )
    .await;
    let duplicate = json!([{ "id": "1", "method": "GET", "url": "/users" }, { "id": "1", "method": "GET", "url": "/groups" }]);
    assert_graph_error(
        batch(&s, duplicate).await,
        StatusCode::BAD_REQUEST,
        "BadRequest",
    )
    .await;
    let dangling = json!([{ "id": "1", "method": "GET", "url": "/users", "dependsOn": ["9"] }]);
    assert_graph_error(
        batch(&s, dangling).await,
        StatusCode::BAD_REQUEST,
        "BadRequest",
    )
    .await;
    let unauthenticated = s
        .http
        .post(format!("{}/$batch", s.emulator.graph_url))
        .json(&json!({ "requests": [] }))
        .send()
        .await
        .expect("answer");
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
}

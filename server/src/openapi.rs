//! `GET /api/openapi.json`: the server's API described in OpenAPI 3.1, its schemas generated
//! from the `api` crate's types (the same types pane and server compile), so the description
//! cannot drift from the wire.

use davet_api as api;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Value, json};

/// Every operation the API serves: method, path, summary, request type, answer.
struct Operation {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    request: Option<fn(&mut SchemaGenerator) -> Value>,
    answer: Answer,
    params: &'static [&'static str],
}

enum Answer {
    Json(u16, fn(&mut SchemaGenerator) -> Value),
    Ndjson(fn(&mut SchemaGenerator) -> Value),
    Image,
    Empty(u16),
}

fn schema<T: schemars::JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

const OPERATIONS: &[Operation] = &[
    Operation {
        method: "post",
        path: api::SESSION_PATH,
        summary: "Trade a token for Davet's API (nested app authentication, as Bearer) for a session",
        request: None,
        answer: Answer::Json(201, schema::<api::Session>),
        params: &[],
    },
    Operation {
        method: "get",
        path: api::SESSION_PATH,
        summary: "Who the session belongs to",
        request: None,
        answer: Answer::Json(200, schema::<api::SessionUser>),
        params: &[],
    },
    Operation {
        method: "delete",
        path: api::SESSION_PATH,
        summary: "Sign out: end every session of the person and forget their tokens",
        request: None,
        answer: Answer::Empty(204),
        params: &[],
    },
    Operation {
        method: "get",
        path: api::PEOPLE_SEARCH_PATH,
        summary: "Directory type-ahead",
        request: None,
        answer: Answer::Json(200, schema::<api::PeopleSearch>),
        params: &["q"],
    },
    Operation {
        method: "get",
        path: "/api/people/{id}",
        summary: "The people card: profile, phones, office, three levels of managers",
        request: None,
        answer: Answer::Json(200, schema::<api::PersonCard>),
        params: &["id"],
    },
    Operation {
        method: "get",
        path: "/api/people/{id}/photo",
        summary: "The person's photo; 404 when there is none",
        request: None,
        answer: Answer::Image,
        params: &["id"],
    },
    Operation {
        method: "get",
        path: api::GROUPS_PATH,
        summary: "Groups by name or address, with kind and people count",
        request: None,
        answer: Answer::Json(200, schema::<api::GroupList>),
        params: &["q"],
    },
    Operation {
        method: "get",
        path: api::MY_GROUPS_PATH,
        summary: "The organiser's own groups, nesting included",
        request: None,
        answer: Answer::Json(200, schema::<api::GroupList>),
        params: &[],
    },
    Operation {
        method: "get",
        path: api::CONTACT_FOLDERS_PATH,
        summary: "The organiser's contact folders, as a tree",
        request: None,
        answer: Answer::Json(200, schema::<api::ContactFolders>),
        params: &[],
    },
    Operation {
        method: "get",
        path: api::CONTACTS_PATH,
        summary: "The organiser's contacts with an address, in a folder (or the default), matching `q`",
        request: None,
        answer: Answer::Json(200, schema::<api::ContactList>),
        params: &[],
    },
    Operation {
        method: "post",
        path: api::EXPAND_PATH,
        summary: "The distinct people a selection invites, streamed as NDJSON progress then the outcome",
        request: Some(schema::<api::ExpandRequest>),
        answer: Answer::Ndjson(schema::<api::ExpandEvent>),
        params: &[],
    },
];

/// The document.
pub fn document() -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let error = schema::<api::ApiError>(&mut generator);
    let mut paths = serde_json::Map::new();
    for op in OPERATIONS {
        let mut responses = serde_json::Map::new();
        match &op.answer {
            Answer::Json(status, answer) => {
                responses.insert(
                    status.to_string(),
                    json!({ "description": "OK", "content": { "application/json": { "schema": answer(&mut generator) } } }),
                );
            }
            Answer::Ndjson(event) => {
                responses.insert(
                    "200".into(),
                    json!({ "description": "One event a line", "content": { api::NDJSON: { "schema": event(&mut generator) } } }),
                );
            }
            Answer::Image => {
                responses.insert(
                    "200".into(),
                    json!({ "description": "The photo", "content": { "image/*": { "schema": { "type": "string", "format": "binary" } } } }),
                );
            }
            Answer::Empty(status) => {
                responses.insert(status.to_string(), json!({ "description": "Done" }));
            }
        }
        responses.insert(
            "default".into(),
            json!({ "description": "An error: status, machine-readable code, message", "content": { "application/json": { "schema": error } } }),
        );
        let mut operation = json!({
            "summary": op.summary,
            "security": [{ "session": [] }],
            "responses": responses,
        });
        if let Some(request) = op.request {
            operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": request(&mut generator) } } });
        }
        if !op.params.is_empty() {
            operation["parameters"] = op
                .params
                .iter()
                .map(|name| {
                    let place = if op.path.contains(&format!("{{{name}}}")) { "path" } else { "query" };
                    json!({ "name": name, "in": place, "required": true, "schema": { "type": "string" } })
                })
                .collect();
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method] = operation;
    }
    let schemas: serde_json::Map<String, Value> =
        generator.take_definitions(true).into_iter().collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Davet",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The API of the Davet server, for its Outlook task pane. Personal endpoints take the session token as a Bearer header.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "session": { "type": "http", "scheme": "bearer" } },
        },
    })
}

/// The paths the document describes, for the test that every API route is described.
pub fn described() -> Vec<(&'static str, &'static str)> {
    OPERATIONS.iter().map(|o| (o.method, o.path)).collect()
}

//! `GET /api/openapi.json`: the server's API described in OpenAPI 3.1, its schemas generated
//! from the `api` crate's types (the same types pane and server compile), so the description
//! cannot drift from the wire.

use davet_api as api;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Value, json};

/// One operation of the API, as the router registers it (`crate::router`): the route and its
/// description come from the same value, so neither can be missing from the other.
#[derive(Debug, Clone)]
pub struct Operation {
    pub method: Method,
    pub path: &'static str,
    summary: &'static str,
    request: Option<SchemaFn>,
    answer: Answer,
    params: Vec<Param>,
    security: Security,
}

/// A parameter: in the path where the path names it, a header for `Idempotency-Key`, else in
/// the query; its schema says exactly what the server takes, so a generated client never
/// sends what the server refuses.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    name: &'static str,
    required: bool,
    kind: Kind,
}

/// What a parameter holds, as the domain parses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A directory object id (`DirectoryId`): a GUID in its hyphenated form.
    DirectoryId,
    /// Search text (`PeopleQuery`): 2 to 100 characters, two of them neither white space nor
    /// a quote, backslash or control character.
    SearchText,
    /// An opaque Graph id (a contact folder's, an event's): 1 to 512 characters, no `/`, `?`
    /// or `#`.
    OpaqueId,
    /// An `Idempotency-Key`: 16 to 58 letters, digits, `-` or `_`.
    IdempotencyKey,
    /// An RFC 3339 date and time.
    Time,
}

impl Param {
    pub const fn required(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            required: true,
            kind,
        }
    }

    pub const fn optional(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            required: false,
            kind,
        }
    }
}

impl Kind {
    fn schema(self) -> Value {
        // Separators the search text drops: white space, quotes, backslashes, controls.
        const KEPT: &str = r#"[^\s"\\\x00-\x1f\x7f-\x9f]"#;
        match self {
            Self::DirectoryId => json!({ "type": "string", "pattern": api::DIRECTORY_ID_PATTERN }),
            Self::SearchText => json!({
                "type": "string",
                "minLength": api::PEOPLE_QUERY_MIN_CHARS,
                "maxLength": api::PEOPLE_QUERY_MAX_CHARS,
                "pattern": format!("{KEPT}[\\s\\S]*{KEPT}"),
            }),
            Self::OpaqueId => json!({ "type": "string", "pattern": api::OPAQUE_ID_PATTERN }),
            Self::IdempotencyKey => {
                json!({ "type": "string", "pattern": "^[A-Za-z0-9_-]{16,58}$" })
            }
            Self::Time => json!({ "type": "string", "format": "date-time" }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Post => "post",
            Self::Patch => "patch",
            Self::Delete => "delete",
        }
    }
}

type SchemaFn = fn(&mut SchemaGenerator) -> Value;

#[derive(Debug, Clone, Copy)]
pub enum Answer {
    Json(u16, SchemaFn),
    Ndjson(SchemaFn),
    Image,
    Empty(u16),
}

/// How the caller proves who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// The session token Davet issued.
    Session,
    /// A token for Davet's API from the identity platform (nested app authentication).
    ApiToken,
}

/// A JSON answer of type `T`.
pub fn json<T: schemars::JsonSchema>(status: u16) -> Answer {
    Answer::Json(status, schema::<T>)
}

/// NDJSON lines of type `T`.
pub fn ndjson<T: schemars::JsonSchema>() -> Answer {
    Answer::Ndjson(schema::<T>)
}

fn schema<T: schemars::JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

impl Operation {
    pub fn new(method: Method, path: &'static str, summary: &'static str, answer: Answer) -> Self {
        Self {
            method,
            path,
            summary,
            request: None,
            answer,
            params: Vec::new(),
            security: Security::Session,
        }
    }

    pub fn get(path: &'static str, summary: &'static str, answer: Answer) -> Self {
        Self::new(Method::Get, path, summary, answer)
    }

    pub fn post(path: &'static str, summary: &'static str, answer: Answer) -> Self {
        Self::new(Method::Post, path, summary, answer)
    }

    pub fn patch(path: &'static str, summary: &'static str, answer: Answer) -> Self {
        Self::new(Method::Patch, path, summary, answer)
    }

    pub fn delete(path: &'static str, summary: &'static str, answer: Answer) -> Self {
        Self::new(Method::Delete, path, summary, answer)
    }

    /// Its JSON request body.
    pub fn body<T: schemars::JsonSchema>(mut self) -> Self {
        self.request = Some(schema::<T>);
        self
    }

    /// Its parameters.
    pub fn params(mut self, params: impl IntoIterator<Item = Param>) -> Self {
        self.params = params.into_iter().collect();
        self
    }

    /// It takes a token for Davet's API rather than a session.
    pub fn with_api_token(mut self) -> Self {
        self.security = Security::ApiToken;
        self
    }
}

/// The document describing `operations`.
pub fn document(operations: &[Operation]) -> Value {
    // OpenAPI 3.1's schemas are JSON Schema 2020-12: `null` in type unions, not 3.0's
    // `nullable`.
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let error = schema::<api::ApiError>(&mut generator);
    let mut paths = serde_json::Map::new();
    for op in operations {
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
            "security": [{ match op.security { Security::Session => "session", Security::ApiToken => "apiToken" }: [] }],
            "responses": responses,
        });
        if let Some(request) = op.request {
            operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": request(&mut generator) } } });
        }
        if !op.params.is_empty() {
            operation["parameters"] = op
                .params
                .iter()
                .map(|param| {
                    let name = param.name;
                    let place = if op.path.contains(&format!("{{{name}}}")) {
                        "path"
                    } else if name == api::IDEMPOTENCY_KEY_HEADER {
                        "header"
                    } else {
                        "query"
                    };
                    json!({
                        "name": name,
                        "in": place,
                        "required": param.required || place == "path",
                        "schema": param.kind.schema(),
                    })
                })
                .collect();
        }
        let entry = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}));
        entry[op.method.as_str()] = operation;
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
            "securitySchemes": {
                "session": { "type": "http", "scheme": "bearer", "description": "The session token `POST /api/session` or the sign-in page answered." },
                "apiToken": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A token for Davet's API (`access_as_user`) from the Microsoft identity platform." },
            },
        },
    })
}

//! Microsoft Graph v1.0 as it behaves on the wire: Graph's error envelope and codes, request ids,
//! OData JSON, bearer-token checks, and absolute `@odata.nextLink` paging.
//!
//! Names and types follow `shared/spec/graph/v1.0-cleanMetadata.xml`.

mod batch;
mod collection;
mod contacts;
pub mod csdl;
pub mod events;
mod filter;
mod groups;
mod odata;
mod schedule;
mod series;
mod users;
mod zones;

pub use groups::GROUP_DEFAULTS;
pub use users::{USER_DEFAULTS, json as user_json};

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use url::Url;

use crate::controls::{self, Dialect, Internal, Refusal};
use crate::wire::{now_iso, now_secs, request_id};
use crate::{World, identity};

/// Graph's JSON media type with OData minimal metadata, as the real service labels answers.
pub(crate) const ODATA_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// State of the Graph router: the world and the root URL clients reach this service at, needed
/// for absolute `@odata.nextLink`s and `@odata.context`.
#[derive(Debug, Clone)]
struct Graph {
    world: Arc<World>,
    root: Url,
    /// The whole service, for `$batch` to send its requests through; set once built.
    service: Arc<std::sync::OnceLock<Router>>,
}

impl Graph {
    fn service_root(&self) -> String {
        format!("{}v1.0", self.root)
    }
}

pub fn router(world: Arc<World>, root: Url) -> Router {
    let root = if root.path().ends_with('/') {
        root
    } else {
        let mut with_slash = root;
        with_slash.set_path("/");
        with_slash
    };
    let controls = world.graph_controls.clone();
    let graph = Graph {
        world,
        root,
        service: Arc::default(),
    };
    let service = Router::new()
        .route("/v1.0/$batch", axum::routing::post(batch::handle))
        .route("/v1.0/me", axum::routing::any(me))
        .route("/v1.0/me/{*rest}", axum::routing::any(me))
        .route("/v1.0/users", get(users::list))
        .route("/v1.0/users/$count", get(users::count))
        .route("/v1.0/users/{id}", get(users::get))
        .route("/v1.0/users/{id}/manager", get(users::manager))
        .route("/v1.0/users/{id}/photo", get(users::photo_metadata))
        .route("/v1.0/users/{id}/photo/$value", get(users::photo))
        .route(
            "/v1.0/users/{id}/events",
            get(events::list).post(events::create),
        )
        .route(
            "/v1.0/users/{id}/events/{event}",
            get(events::get)
                .patch(events::update)
                .delete(events::delete),
        )
        .route(
            "/v1.0/users/{id}/events/{event}/instances",
            get(events::instances),
        )
        .route("/v1.0/users/{id}/calendarView", get(events::calendar_view))
        .route(
            "/v1.0/users/{id}/calendar/getSchedule",
            axum::routing::post(schedule::get_schedule),
        )
        .route("/v1.0/users/{id}/contacts", get(contacts::contacts))
        .route("/v1.0/users/{id}/contactFolders", get(contacts::folders))
        .route(
            "/v1.0/users/{id}/contactFolders/{folder}",
            get(contacts::folder),
        )
        .route(
            "/v1.0/users/{id}/contactFolders/{folder}/{relation}",
            get(contacts::folder_items),
        )
        .route("/v1.0/users/{id}/{relation}", get(groups::member_of))
        .route("/v1.0/users/{id}/{relation}/{cast}", get(groups::member_of))
        .route(
            "/v1.0/users/{id}/{relation}/{cast}/{count}",
            get(groups::member_of),
        )
        .route("/v1.0/groups", get(groups::list))
        .route("/v1.0/groups/$count", get(groups::count))
        .route("/v1.0/groups/{id}", get(groups::get))
        .route("/v1.0/groups/{id}/{relation}", get(groups::members))
        .route("/v1.0/groups/{id}/{relation}/{cast}", get(groups::members))
        .route(
            "/v1.0/groups/{id}/{relation}/{cast}/{count}",
            get(groups::members),
        )
        .fallback(unknown_segment)
        .method_not_allowed_fallback(|request: Request| async move {
            GraphError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "Request_BadRequest",
                format!(
                    "The HTTP method '{}' is not allowed for this resource.",
                    request.method()
                ),
            )
        })
        .layer(middleware::from_fn_with_state(graph.clone(), authenticate))
        .layer(middleware::from_fn_with_state(
            (controls, DIALECT),
            controls::apply_keeping,
        ))
        .layer(middleware::from_fn(stamp_request_ids))
        .with_state(graph.clone());
    // Case is settled before routing: Graph matches path segments without regard to case.
    let service = Router::new().fallback_service(
        tower::ServiceBuilder::new()
            .map_request(canonical_case)
            .service(service),
    );
    // Only this function sets it, once: the cell is new.
    let _ = graph.service.set(service.clone());
    service
}

/// The path segments Graph names, as its reference spells them. Graph matches them without
/// regard to case (`/groups/{id}/transitivemembers`, `/Users`), so a request's segments are put
/// in this spelling before routing; ids and other values are left as they are.
const SEGMENTS: &[&str] = &[
    "v1.0",
    "$batch",
    "$count",
    "$value",
    "me",
    "users",
    "groups",
    "manager",
    "photo",
    "events",
    "calendarView",
    "instances",
    "calendar",
    "getSchedule",
    "contacts",
    "contactFolders",
    "childFolders",
    "members",
    "transitiveMembers",
    "memberOf",
    "transitiveMemberOf",
    "microsoft.graph.user",
    "microsoft.graph.group",
    "microsoft.graph.orgContact",
    "microsoft.graph.device",
    "microsoft.graph.servicePrincipal",
    "graph.user",
    "graph.group",
    "graph.orgContact",
    "graph.device",
    "graph.servicePrincipal",
];

fn canonical_case(mut request: Request) -> Request {
    let path = request.uri().path();
    let canonical: Vec<&str> = path
        .split('/')
        .map(|segment| {
            SEGMENTS
                .iter()
                .find(|known| known.eq_ignore_ascii_case(segment))
                .copied()
                .unwrap_or(segment)
        })
        .collect();
    let canonical = canonical.join("/");
    if canonical != path {
        let target = match request.uri().query() {
            Some(query) => format!("{canonical}?{query}"),
            None => canonical,
        };
        if let Ok(uri) = target.parse() {
            *request.uri_mut() = uri;
        }
    }
    request
}

/// A Graph error: status, Graph's `code`, and a message, rendered in Graph's envelope.
#[derive(Debug)]
pub struct GraphError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl GraphError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        // The request ids inside the envelope are filled by `stamp_request_ids`, which knows them.
        let body = json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": { "date": now_iso(), "request-id": "", "client-request-id": "" }
            }
        });
        let mut response = (self.status, Json(body)).into_response();
        response.extensions_mut().insert(ErrorEnvelope);
        response
    }
}

/// Marks a response whose body is a Graph error envelope still missing its request ids.
#[derive(Debug, Clone, Copy)]
struct ErrorEnvelope;

/// Graph's 404 for an object that is not there.
pub(crate) fn not_found(what: &str) -> GraphError {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
        format!(
            "Resource '{what}' does not exist or one of its queried reference-property objects are not present."
        ),
    )
}

/// An OData JSON answer.
fn odata(body: Value) -> Response {
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
    response
}

async fn unknown_segment(request: Request) -> GraphError {
    let segment = request
        .uri()
        .path()
        .trim_start_matches("/v1.0")
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    GraphError::bad_request(
        "BadRequest",
        format!("Resource not found for the segment '{segment}'."),
    )
}

/// Every Graph answer carries `request-id` and echoes `client-request-id`; error envelopes carry
/// both in `innerError` too.
async fn stamp_request_ids(request: Request, next: Next) -> Response {
    let request_id = request_id();
    let client_request_id = request
        .headers()
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| request_id.clone());
    let response = next.run(request).await;
    let mut response = if response.extensions().get::<ErrorEnvelope>().is_some() {
        fill_envelope_ids(response, &request_id, &client_request_id).await
    } else {
        response
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("request-id", &request_id),
        ("client-request-id", &client_request_id),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    response
}

async fn fill_envelope_ids(
    response: Response,
    request_id: &str,
    client_request_id: &str,
) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "error body unreadable").into_response();
    };
    let mut envelope: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if let Some(inner) = envelope.pointer_mut("/error/innerError") {
        inner["request-id"] = json!(request_id);
        inner["client-request-id"] = json!(client_request_id);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    (parts, Json(envelope)).into_response()
}

/// Graph answers 401 `InvalidAuthenticationToken` without a valid token for Graph from the
/// identity platform (signature, audience, lifetime), and 403 `Authorization_RequestDenied`
/// when the token lacks every permission the resource accepts.
async fn authenticate(State(graph): State<Graph>, request: Request, next: Next) -> Response {
    let Some(token) = bearer(request.headers()) else {
        return unauthorized("Access token is empty.");
    };
    let claims = match graph.world.keys.verify(token) {
        Ok(claims) => claims,
        Err(why) => return unauthorized(why),
    };
    let audience = claims["aud"].as_str().unwrap_or_default();
    if audience != identity::GRAPH_AUDIENCE && audience != identity::GRAPH_APP_ID {
        return unauthorized("Access token validation failure. Invalid audience.");
    }
    let now = now_secs();
    let (nbf, exp) = (
        claims["nbf"].as_u64().unwrap_or(u64::MAX),
        claims["exp"].as_u64().unwrap_or(0),
    );
    // The platform allows five minutes of clock skew.
    if now + 300 < nbf {
        return unauthorized("Lifetime validation failed, the token is not yet valid.");
    }
    if exp + 300 < now {
        return unauthorized("Lifetime validation failed, the token is expired.");
    }
    let granted: Vec<&str> = claims["roles"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .chain(claims["scp"].as_str().unwrap_or_default().split(' '))
        .collect();
    let accepted = permissions_for(request.method(), request.uri().path());
    if !accepted.is_empty() && !accepted.iter().any(|p| granted.contains(p)) {
        return GraphError::new(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
        .into_response();
    }
    let mut request = request;
    request.extensions_mut().insert(Caller(claims));
    next.run(request).await
}

/// The verified claims of the caller's token.
#[derive(Debug, Clone)]
struct Caller(Value);

/// How Graph words what the controls answer, and what its limits are kept per.
const DIALECT: Dialect = Dialect {
    refusal,
    resource: mailbox_of,
};

fn refusal(refusal: Refusal) -> Response {
    let (status, code, message) = match refusal {
        Refusal::Throttled => (
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "Too many requests have been sent. Retry after the time the Retry-After header gives.",
        ),
        Refusal::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
            "The service is temporarily unavailable.",
        ),
        Refusal::Gone => (
            StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            "Resource does not exist or one of its queried reference-property objects are not present.",
        ),
        Refusal::TooManyAtOnce => (
            StatusCode::TOO_MANY_REQUESTS,
            "ApplicationThrottled",
            "Application is over its MailboxConcurrency limit.",
        ),
    };
    GraphError::new(status, code, message).into_response()
}

/// The mailbox an Outlook resource path belongs to (`/v1.0/users/{id}/events…`), if any:
/// Outlook resources are limited per app and mailbox, the directory per app.
fn mailbox_of(path: &str) -> Option<&str> {
    let mut segments = path.trim_start_matches("/v1.0/").split('/');
    match (segments.next(), segments.next(), segments.next()) {
        (
            Some("users"),
            Some(user),
            Some("events" | "calendarView" | "calendar" | "contacts" | "contactFolders"),
        ) => Some(user),
        _ => None,
    }
}

/// `/me…` is `/users/{signed-in user}…`, for delegated tokens only.
async fn me(
    State(graph): State<Graph>,
    axum::Extension(Caller(claims)): axum::Extension<Caller>,
    request: Request,
) -> Response {
    let oid = claims["oid"].as_str().unwrap_or_default();
    if claims["idtyp"] == "app" || claims["scp"].is_null() || oid.is_empty() {
        return GraphError::bad_request(
            "BadRequest",
            "/me request is only valid with delegated authentication flow.",
        )
        .into_response();
    }
    let rest = request.uri().path().trim_start_matches("/v1.0/me");
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let Ok(uri) = format!("/v1.0/users/{oid}{rest}{query}").parse::<axum::http::Uri>() else {
        return GraphError::bad_request("BadRequest", "Invalid request path.").into_response();
    };
    // A fresh request: the original's extensions hold this route's path parameters (`rest`),
    // which the resolved route must not see.
    let (parts, body) = request.into_parts();
    let mut resolved = Request::new(body);
    *resolved.method_mut() = parts.method;
    *resolved.uri_mut() = uri;
    *resolved.headers_mut() = parts.headers;
    resolved.extensions_mut().insert(Internal);
    let Some(service) = graph.service.get() else {
        return GraphError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceNotAvailable",
            "Starting.",
        )
        .into_response();
    };
    send(service, resolved).await
}

/// Sends a request through the whole Graph service (authentication, controls, routing), as
/// `$batch` items and `/me` are.
async fn send(service: &Router, request: Request) -> Response {
    use tower::ServiceExt;
    match service.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The permissions that each let a caller use a resource (least privileged first), as Graph's
/// permission reference lists them.
fn permissions_for(method: &axum::http::Method, path: &str) -> &'static [&'static str] {
    let mut segments = path.trim_start_matches("/v1.0/").split('/');
    let resource = segments.next().unwrap_or_default();
    match (resource, segments.nth(1)) {
        ("users", Some("contacts" | "contactFolders")) => {
            return &["Contacts.Read", "Contacts.ReadWrite"];
        }
        ("users", Some("events" | "calendarView")) if method == axum::http::Method::GET => {
            return &["Calendars.Read", "Calendars.ReadWrite"];
        }
        // getSchedule is a POST that only reads.
        ("users", Some("calendar")) => {
            return &["Calendars.Read", "Calendars.ReadWrite"];
        }
        ("users", Some("events")) => return &["Calendars.ReadWrite"],
        _ => {}
    }
    match resource {
        "users" => &[
            "User.ReadBasic.All",
            "User.Read.All",
            "User.ReadWrite.All",
            "Directory.Read.All",
        ],
        "groups" => &[
            "GroupMember.Read.All",
            "Group.Read.All",
            "Directory.Read.All",
        ],
        _ => &[],
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then_some(token.trim())
}

fn unauthorized(message: &str) -> Response {
    let mut response = GraphError::new(
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        message,
    )
    .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
        ),
    );
    response
}

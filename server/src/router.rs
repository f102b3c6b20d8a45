//! Every route of the server, registered once. An API operation is registered with its
//! description ([`Operation`]), so the router and `/api/openapi.json` come from one list.

use axum::Router;
use axum::handler::Handler;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, delete, get, patch, post};
use davet_api as api;

use crate::app::AppState;
use crate::config::Settings;
use crate::error::AppError;
use crate::manifest;
use crate::openapi::{self, Answer, Kind, Method, Operation, Param, json, ndjson};
use crate::pane::{PageSettings, Pane, PaneMissing};
use crate::routes;

/// The API: its routes and, for each, its description.
pub struct Api {
    router: Router<AppState>,
    operations: Vec<Operation>,
}

impl Api {
    fn new() -> Self {
        Self {
            router: Router::new(),
            operations: Vec::new(),
        }
    }

    fn add<H, T>(mut self, operation: Operation, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let method: MethodRouter<AppState> = match operation.method {
            Method::Get => get(handler),
            Method::Post => post(handler),
            Method::Patch => patch(handler),
            Method::Delete => delete(handler),
        };
        self.router = self.router.route(operation.path, method);
        self.operations.push(operation);
        self
    }

    /// What the API serves, as `(method, path)`.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }
}

/// The API's operations, in the order the description lists them.
pub fn api() -> Api {
    use routes::{contacts, expand, groups, meetings, people, session, webex};
    Api::new()
        .add(
            Operation::post(
                api::SESSION_PATH,
                "Trade a token for Davet's API (nested app authentication, as Bearer) for a session",
                json::<api::Session>(201),
            )
            .with_api_token(),
            session::create,
        )
        .add(
            Operation::get(
                api::SESSION_PATH,
                "Who the session belongs to",
                json::<api::SessionUser>(200),
            ),
            session::show,
        )
        .add(
            Operation::delete(
                api::SESSION_PATH,
                "Sign out: end every session of the person and forget their tokens",
                Answer::Empty(204),
            ),
            session::delete,
        )
        .add(
            Operation::get(
                api::PEOPLE_SEARCH_PATH,
                "Directory type-ahead",
                json::<api::PeopleSearch>(200),
            )
            .params([Param::required("q", Kind::SearchText)]),
            people::search,
        )
        .add(
            Operation::get(
                api::PERSON_CARD_PATH,
                "The people card: profile, phones, office, three levels of managers",
                json::<api::PersonCard>(200),
            )
            .params([Param::required("id", Kind::DirectoryId)]),
            people::card,
        )
        .add(
            Operation::get(
                api::PERSON_PHOTO_PATH,
                "The person's photo; 404 when there is none",
                Answer::Image,
            )
            .params([Param::required("id", Kind::DirectoryId)]),
            people::photo,
        )
        .add(
            Operation::get(
                api::GROUPS_PATH,
                "Groups by name or address, with kind and people count",
                json::<api::GroupList>(200),
            )
            .params([Param::required("q", Kind::SearchText)]),
            groups::search,
        )
        .add(
            Operation::get(
                api::MY_GROUPS_PATH,
                "The organiser's own groups, nesting included",
                json::<api::GroupList>(200),
            ),
            groups::mine,
        )
        .add(
            Operation::get(
                api::CONTACT_FOLDERS_PATH,
                "The organiser's contact folders, as a tree",
                json::<api::ContactFolders>(200),
            ),
            contacts::folders,
        )
        .add(
            Operation::get(
                api::CONTACTS_PATH,
                "The organiser's contacts with an address, in a folder (or the default), matching `q`",
                json::<api::ContactList>(200),
            )
            .params([
                Param::optional("q", Kind::SearchText),
                Param::optional("folder", Kind::OpaqueId),
            ]),
            contacts::list,
        )
        .add(
            Operation::post(
                api::EXPAND_PATH,
                "The distinct people a selection invites, streamed as NDJSON progress then the outcome",
                ndjson::<api::ExpandEvent>(),
            )
            .body::<api::ExpandRequest>(),
            expand::expand,
        )
        .add(
            Operation::get(
                api::WEBEX_STATUS_PATH,
                "The organiser's Webex: connected or not, their account, sites, templates and personal room",
                json::<api::WebexStatus>(200),
            ),
            webex::status,
        )
        .add(
            Operation::post(
                api::WEBEX_CONNECTION_PATH,
                "Person mode: a short-lived address for the dialog that connects the organiser's Webex account",
                json::<api::WebexConnectStart>(201),
            ),
            webex::connect,
        )
        .add(
            Operation::delete(
                api::WEBEX_CONNECTION_PATH,
                "Person mode: disconnect Webex (Davet forgets the token)",
                Answer::Empty(204),
            ),
            webex::disconnect,
        )
        .add(
            Operation::post(
                api::WEBEX_MEETINGS_PATH,
                "Appointment compose: create (once per Idempotency-Key) or update only the Webex meeting; answers it with its join block",
                json::<api::WebexMeetingAnswer>(200),
            )
            .params([Param::required(api::IDEMPOTENCY_KEY_HEADER, Kind::IdempotencyKey)])
            .body::<api::WebexMeetingRequest>(),
            webex::schedule,
        )
        .add(
            Operation::get(
                api::WEBEX_MEETING_PATH,
                "Appointment compose: the Webex meeting an item names, as Webex holds it now",
                json::<api::WebexMeetingInfo>(200),
            )
            .params([Param::required("id", Kind::OpaqueId)]),
            webex::meeting,
        )
        .add(
            Operation::delete(
                api::WEBEX_MEETING_PATH,
                "Appointment compose: the Webex meeting deleted (the pane takes the join block out of the item); one already gone is no error",
                Answer::Empty(204),
            )
            .params([Param::required("id", Kind::OpaqueId)]),
            webex::remove,
        )
        .add(
            Operation::post(
                api::MEETINGS_PATH,
                "Message compose: the selection expanded now, then the Webex meeting and the Outlook event, exactly once per Idempotency-Key",
                json::<api::ScheduleOutcome>(200),
            )
            .params([Param::required(api::IDEMPOTENCY_KEY_HEADER, Kind::IdempotencyKey)])
            .body::<api::EventMeetingRequest>(),
            meetings::create,
        )
        .add(
            Operation::patch(
                api::MEETING_PATH,
                "A meeting Davet wrote (by its event id) changed on both sides: subject, times, options, attendees",
                json::<api::WebexMeetingInfo>(200),
            )
            .params([Param::required("id", Kind::OpaqueId)])
            .body::<api::EventMeetingUpdate>(),
            meetings::update,
        )
        .add(
            Operation::delete(
                api::MEETING_PATH,
                "A meeting Davet wrote (by its event id) cancelled on both sides; Outlook sends the cancellations",
                Answer::Empty(204),
            )
            .params([Param::required("id", Kind::OpaqueId)]),
            meetings::delete,
        )
        .add(
            Operation::get(
                api::MEETINGS_PATH,
                "The organiser's events between `from` and `to` that carry a Webex meeting, each with whether Webex agrees",
                json::<api::MeetingList>(200),
            )
            .params([Param::required("from", Kind::Time), Param::required("to", Kind::Time)]),
            meetings::list,
        )
        .add(
            Operation::post(
                api::MEETING_REPAIR_PATH,
                "Put the Webex meeting back in step with the Outlook event (times and subject)",
                json::<api::WebexMeetingInfo>(200),
            )
            .params([Param::required("id", Kind::OpaqueId)]),
            meetings::repair,
        )
}

/// The whole server but its security headers (the caller adds those last, over everything).
pub fn router(
    settings: &Settings,
    state: AppState,
    manifests: manifest::Manifests,
) -> Result<Router, PaneMissing> {
    let Api { router, operations } = api();
    let manifest::Manifests { xml, json, package } = manifests;
    let pane = Pane::load(
        &settings.pane_dir,
        &PageSettings {
            office_js_url: &settings.office_js_url,
            client_id: &settings.identity.client_id,
            api_scope: format!("{}/{}", settings.app_id_uri, crate::identity::API_SCOPE),
        },
    )?;
    // Made once: it describes the binary, not the request.
    let openapi = openapi::document(&operations);
    Ok(router
        .route(
            "/api/openapi.json",
            get(move || async move { axum::Json(openapi) }),
        )
        .route(api::SIGN_IN_START_PATH, get(routes::sign_in::start))
        .route(
            routes::sign_in::CALLBACK_PATH,
            get(routes::sign_in::callback),
        )
        .route(routes::webex::CONNECT_PATH, get(routes::webex::start))
        .route(routes::webex::CALLBACK_PATH, get(routes::webex::callback))
        .route("/admin/consent", get(routes::admin::consent))
        .route(
            routes::admin::CONSENT_DONE_PATH,
            get(routes::admin::consent_done),
        )
        .route("/admin/permissions", get(routes::admin::permissions))
        .route(
            "/pages/pages.css",
            asset(CSS, include_str!("../static/pages/pages.css")),
        )
        .route(
            "/pages/sign-in-complete.js",
            asset(JS, include_str!("../static/pages/sign-in-complete.js")),
        )
        .route(
            "/manifest.xml",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
                    xml,
                )
            }),
        )
        .route(
            "/manifest.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json) }),
        )
        .route(
            "/manifest.zip",
            get(move || async move {
                (
                    [
                        (header::CONTENT_TYPE, "application/zip"),
                        (
                            header::CONTENT_DISPOSITION,
                            "attachment; filename=\"davet-manifest.zip\"",
                        ),
                    ],
                    package,
                )
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .merge(if settings.metrics_bind.is_none() {
            metrics_router()
        } else {
            Router::new()
        })
        .route("/readyz", get(routes::health::ready))
        .route("/assets/{file}", get(icon))
        .merge(pane.router())
        // Requests and their time, by route template (never the path with its ids).
        .route_layer(axum::middleware::from_fn(count_request))
        // Every error is an ApiError, a route that is not there and a method it does not take
        // included.
        .fallback(|| async { AppError::NoRoute })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .with_state(state))
}

/// Every answer begins within `limit` or is a 503 `ApiError`; a stream's body (the expansion's
/// progress) goes on after its head, unbounded by this.
pub fn bound_requests(router: Router, limit: std::time::Duration) -> Router {
    router.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| async move {
            match tokio::time::timeout(limit, next.run(request)).await {
                Ok(response) => response,
                Err(_) => AppError::TimedOut.into_response(),
            }
        },
    ))
}

/// `/metrics`, OpenMetrics text for Prometheus: on the main address, or alone on
/// `DAVET_METRICS_BIND` when an admin keeps it private.
pub fn metrics_router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(
        "/metrics",
        get(|| async {
            (
                [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
                crate::metrics::render(),
            )
        }),
    )
}

async fn count_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    crate::metrics::request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

pub const JS: &str = "text/javascript; charset=utf-8";
pub const CSS: &str = "text/css; charset=utf-8";
pub const HTML: &str = "text/html; charset=utf-8";

/// A file compiled into the binary, revalidated on every load (it changes with the binary).
pub fn asset<S: Clone + Send + Sync + 'static>(
    content_type: &'static str,
    body: &'static str,
) -> MethodRouter<S> {
    get(move || async move {
        (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            body,
        )
    })
}

/// The manifest's icons, compiled in.
async fn icon(axum::extract::Path(file): axum::extract::Path<String>) -> axum::response::Response {
    let bytes: &'static [u8] = match file.as_str() {
        "icon-16.png" => include_bytes!("../../assets/icon-16.png"),
        "icon-32.png" => include_bytes!("../../assets/icon-32.png"),
        "icon-64.png" => include_bytes!("../../assets/icon-64.png"),
        "icon-80.png" => include_bytes!("../../assets/icon-80.png"),
        "icon-128.png" => include_bytes!("../../assets/icon-128.png"),
        _ => return AppError::NoRoute.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

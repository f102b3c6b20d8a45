//! Webex's REST API (`/v1/…`), as Cisco's OpenAPI document (`shared/spec/webex/`) describes it:
//! OAuth (`oauth`), the people and meeting preferences (`people`), and meetings (`meetings`,
//! series in `recurrence`).
//!
//! Every error has Webex's body: `message`, `errors[].description` and `trackingId`, with the
//! same tracking id in the `trackingid` header. Lists page by a `Link: <…>; rel="next"` header.
//! The people are the home tenant's, by the same address (a few have no Webex account).

mod meetings;
mod oauth;
mod people;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use url::Url;

use crate::World;
use crate::controls::{Controls, Dialect, Refusal};

pub use meetings::{Exception, Meeting};
pub use oauth::{ACCESS_TOKEN_LIFETIME, ADMIN_SCOPES, PERSON_SCOPES, REFRESH_TOKEN_LIFETIME};

/// Meetings a regular user may create in 24 hours (the spec's `createMeeting`), failed
/// requests included.
pub const DAILY_CREATION_LIMIT: usize = 100;

/// The Davet integration as registered with Webex (developer.webex.com → My Webex Apps).
#[derive(Debug, Clone)]
pub struct Integration {
    pub client_id: String,
    pub client_secret: String,
}

/// A Webex account: one of the tenant's people with a Webex licence.
#[derive(Debug, Clone)]
pub struct Person {
    /// Index of the tenant user it belongs to.
    pub user: usize,
    /// Webex's id: base64 of `ciscospark://us/PEOPLE/{uuid}`.
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub first_name: String,
    pub last_name: String,
    /// The sites the person may schedule on; the first is their default.
    pub sites: Vec<String>,
    /// A full administrator of the organisation (may use the admin scopes).
    pub admin: bool,
}

/// What Webex knows: its people, the meetings, who holds which token.
#[derive(Debug)]
pub struct Webex {
    pub integration: Integration,
    pub people: Vec<Person>,
    pub org_id: String,
    pub controls: Controls,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    oauth: oauth::Store,
    meetings: meetings::Store,
}

impl Webex {
    /// The Webex organisation of the home tenant: everyone with a mailbox and a licence.
    pub fn new(world: &World) -> Self {
        let tenant = &world.tenant;
        let stem = tenant
            .domain
            .split('.')
            .next()
            .unwrap_or("ornek")
            .to_owned();
        let main_site = format!("{stem}.webex.com");
        let training_site = format!("{stem}-egitim.webex.com");
        let mut rng = crate::tenant::SplitMix64(tenant.seed ^ 0x5765_6265_7800);
        let people = tenant
            .users
            .iter()
            .enumerate()
            .filter(|(_, u)| u.has_webex && u.account_enabled && u.mail.is_some())
            .enumerate()
            .map(|(n, (index, user))| Person {
                user: index,
                id: webex_id("PEOPLE", &rng.guid()),
                email: user.mail.clone().unwrap_or_default(),
                display_name: user.display_name.clone(),
                first_name: user.given_name.clone(),
                last_name: user.surname.clone(),
                sites: if n % 3 == 1 {
                    vec![main_site.clone(), training_site.clone()]
                } else {
                    vec![main_site.clone()]
                },
                admin: n == 0,
            })
            .collect();
        Self {
            integration: Integration {
                client_id: format!("C{:016x}{:016x}", rng.next(), rng.next()),
                client_secret: format!("{:016x}{:016x}", rng.next(), rng.next()),
            },
            people,
            org_id: webex_id("ORGANIZATION", &tenant.id),
            controls: Controls::default(),
            state: Mutex::default(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The Webex account with this address (case-insensitive), if there is one.
    pub fn person_by_email(&self, email: &str) -> Option<&Person> {
        self.people
            .iter()
            .find(|p| p.email.eq_ignore_ascii_case(email))
    }

    /// The organisation's administrator (who may authorise the admin scopes).
    pub fn admin(&self) -> Option<&Person> {
        self.people.iter().find(|p| p.admin)
    }

    /// Registers a redirect URI for the integration (as its owner does on developer.webex.com).
    pub fn register_redirect_uri(&self, uri: &str) {
        self.state().oauth.redirect_uris.push(uri.to_owned());
    }

    /// Every meeting series the service holds (any host), for tests that count.
    pub fn meetings(&self) -> Vec<Meeting> {
        self.state().meetings.all()
    }

    /// Lowers the daily creation limit (tests reach it quickly).
    pub fn set_creation_limit(&self, limit: usize) {
        self.state().meetings.creation_limit = Some(limit);
    }

    /// Refreshes answer with a new refresh token from now on (Webex may rotate them).
    pub fn rotate_refresh_tokens(&self, rotate: bool) {
        self.state().oauth.rotate = rotate;
    }

    /// Every access token issued so far stops working at once, as if their 14 days were over.
    pub fn expire_access_tokens(&self) {
        self.state().oauth.expire_access_tokens();
    }

    /// The person revoked the integration (Webex settings → Authorizations): their refresh and
    /// access tokens stop working.
    pub fn revoke(&self, email: &str) {
        if let Some(person) = self.person_by_email(email) {
            let index = self.person_index(&person.id);
            if let Some(index) = index {
                self.state().oauth.revoke(index);
            }
        }
    }

    /// A refresh token for a service app the administrator authorised with the admin scopes,
    /// as Control Hub hands it out.
    pub fn service_app_refresh_token(&self) -> Option<String> {
        let admin = self.people.iter().position(|p| p.admin)?;
        let grant = oauth::Grant {
            person: admin,
            scopes: ADMIN_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
        };
        Some(self.state().oauth.issue(grant).refresh_token)
    }

    /// Every access token Webex has issued and still remembers (the latest 4,096).
    pub fn access_tokens(&self) -> Vec<String> {
        self.state().oauth.access_tokens()
    }

    /// Every refresh token Webex holds now (tests look for them where they must not be).
    pub fn refresh_tokens(&self) -> Vec<String> {
        self.state().oauth.refresh_tokens()
    }

    /// An access token for the person under `email` with `scopes`, as the token endpoint
    /// would issue it (tests that call Webex directly use it).
    pub fn access_token_for(&self, email: &str, scopes: &[&str]) -> Option<String> {
        let person = self
            .people
            .iter()
            .position(|p| p.email.eq_ignore_ascii_case(email))?;
        let grant = oauth::Grant {
            person,
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        };
        Some(self.state().oauth.issue(grant).access_token)
    }

    /// How many token requests of a grant type were answered with tokens.
    pub fn token_grants(&self, grant_type: &str) -> usize {
        self.state()
            .oauth
            .granted
            .get(grant_type)
            .copied()
            .unwrap_or_default()
    }

    fn person_index(&self, id: &str) -> Option<usize> {
        self.people.iter().position(|p| p.id == id)
    }
}

/// `ciscospark://us/{kind}/{uuid}`, base64 without padding, as Webex ids are written.
pub(crate) fn webex_id(kind: &str, uuid: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD_NO_PAD
        .encode(format!("ciscospark://us/{kind}/{uuid}"))
}

tokio::task_local! {
    /// The `TrackingID` the caller sent with the request being answered.
    static TRACKING: String;
}

/// Webex's tracking id: a request's id on Cisco's side, in every error and header; the
/// caller's own `TrackingID` when it sent one (Webex keeps and echoes it).
pub(crate) fn tracking_id() -> String {
    TRACKING.try_with(String::clone).unwrap_or_else(|_| {
        format!(
            "ROUTER_{}",
            crate::wire::request_id().replace('-', "").to_uppercase()
        )
    })
}

/// Answers the request under the caller's `TrackingID`, when it has one of a sane shape.
async fn tracked(request: Request, next: Next) -> Response {
    let sent = request
        .headers()
        .get("trackingid")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_owned);
    match sent {
        Some(id) => TRACKING.scope(id, next.run(request)).await,
        None => next.run(request).await,
    }
}

/// A refusal, answered in Webex's words: `message`, `errors[].description`, `trackingId`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    status: StatusCode,
    message: String,
    descriptions: Vec<String>,
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let tracking = tracking_id();
        let descriptions = if self.descriptions.is_empty() {
            vec![self.message.clone()]
        } else {
            self.descriptions
        };
        let errors: Vec<Value> = descriptions
            .iter()
            .map(|d| json!({ "description": d }))
            .collect();
        let mut response = (
            self.status,
            Json(json!({ "message": self.message, "errors": errors, "trackingId": tracking })),
        )
            .into_response();
        if let Ok(value) = HeaderValue::from_str(&tracking) {
            response.headers_mut().insert("trackingid", value);
        }
        response
    }
}

/// What a handler answers: the resource, or Webex's refusal.
pub(crate) type Answered = Result<Response, Failure>;

pub(crate) fn error(status: StatusCode, message: &str, descriptions: &[&str]) -> Failure {
    Failure {
        status,
        message: message.to_owned(),
        descriptions: descriptions.iter().map(|d| (*d).to_owned()).collect(),
    }
}

/// 400 with the spec's general message and one description.
pub(crate) fn invalid(description: &str) -> Failure {
    error(
        StatusCode::BAD_REQUEST,
        "The input parameters contain invalid items.",
        &[description],
    )
}

pub(crate) fn not_found() -> Failure {
    error(
        StatusCode::NOT_FOUND,
        "The requested resource could not be found.",
        &[],
    )
}

/// A JSON answer with Webex's content type.
pub(crate) fn answer(status: StatusCode, body: &Value) -> Answered {
    Ok(json_answer(status, body))
}

pub(crate) fn json_answer(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&tracking_id()) {
        response.headers_mut().insert("trackingid", value);
    }
    response
}

/// How Webex words what the controls answer. Its limits are kept per caller alone.
const DIALECT: Dialect = Dialect {
    refusal: |refusal| {
        match refusal {
        Refusal::Throttled | Refusal::TooManyAtOnce => error(
            StatusCode::TOO_MANY_REQUESTS,
            "Too Many Requests",
            &["The rate limit of requests was exceeded. Retry after the time the Retry-After header gives."],
        )
        .into_response(),
        Refusal::Unavailable => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable",
            &["The server is overloaded with requests. Try again later."],
        )
        .into_response(),
        Refusal::Gone => not_found().into_response(),
    }
    },
    resource: |_| None,
};

/// A caller, once its bearer token is known.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub person: usize,
    pub scopes: Vec<String>,
}

impl Caller {
    fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Whether the token carries the admin counterpart of a user scope (admin tokens may act
    /// for others through `hostEmail` or `userEmail`).
    pub fn admin_for(&self, user_scope: &str) -> bool {
        let admin = match user_scope {
            "meeting:schedules_read" => "meeting:admin_schedule_read",
            "meeting:schedules_write" => "meeting:admin_schedule_write",
            "meeting:preferences_read" => "meeting:admin_preferences_read",
            "spark:people_read" => "spark-admin:people_read",
            _ => return false,
        };
        self.has(admin)
    }

    /// Whom a request is about: the caller, or with an admin token the person `on_behalf`
    /// names (`hostEmail`, `userEmail`). A user token naming someone is refused.
    pub fn subject(
        &self,
        webex: &Webex,
        on_behalf: Option<&str>,
        scope: &str,
    ) -> Result<usize, Failure> {
        match on_behalf {
            None => Ok(self.person),
            Some(_) if !self.admin_for(scope) => Err(error(
                StatusCode::FORBIDDEN,
                "The hostEmail or userEmail parameter is only allowed for a token with admin-level scopes.",
                &[],
            )),
            Some(email) => webex
                .people
                .iter()
                .position(|p| p.email.eq_ignore_ascii_case(email))
                .ok_or_else(|| {
                    invalid(&format!("{email} is not a Webex user of the organisation."))
                }),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Service {
    pub webex: Arc<Webex>,
    /// Where clients reach this service (`http://host:port`), for `Link` headers.
    pub root: Url,
}

impl Service {
    /// The caller of a request, if its token is valid and carries `scope` (or its admin
    /// counterpart); Webex's 401 or 403 otherwise.
    pub fn caller(&self, headers: &HeaderMap, scope: &str) -> Result<Caller, Failure> {
        let token = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(unauthorised)?;
        let caller = self
            .webex
            .state()
            .oauth
            .caller(token)
            .ok_or_else(unauthorised)?;
        if caller.has(scope) || caller.admin_for(scope) {
            Ok(caller)
        } else {
            Err(error(
                StatusCode::FORBIDDEN,
                "The server understood the request, but refused to fulfill it because the access token is missing required scopes or the user is missing required roles or licenses.",
                &[],
            ))
        }
    }

    pub fn person(&self, index: usize) -> &Person {
        &self.webex.people[index]
    }
}

fn unauthorised() -> Failure {
    error(
        StatusCode::UNAUTHORIZED,
        "The request requires a valid access token set in the Authorization request header.",
        &[],
    )
}

/// Webex's API: `/v1/…` on its own host.
pub fn router(webex: Arc<Webex>, root: Url) -> Router {
    let controls = webex.controls.clone();
    let service = Service { webex, root };
    Router::new()
        .route("/v1/authorize", get(oauth::page).post(oauth::decision))
        .route("/v1/access_token", axum::routing::post(oauth::token))
        .route("/v1/people/me", get(people::me))
        .route("/v1/people", get(people::list))
        .route("/v1/meetingPreferences/sites", get(people::sites))
        .route(
            "/v1/meetingPreferences/personalMeetingRoom",
            get(people::personal_room),
        )
        .route("/v1/meetings/templates", get(people::templates))
        .route("/v1/meetings", get(meetings::list).post(meetings::create))
        .route(
            "/v1/meetings/{id}",
            get(meetings::get)
                .patch(meetings::patch)
                .put(meetings::put)
                .delete(meetings::delete),
        )
        .fallback(|| async { not_found().into_response() })
        .layer(axum::middleware::from_fn(content_type_checked))
        .layer(axum::middleware::from_fn_with_state(
            (controls, DIALECT),
            crate::controls::apply_keeping,
        ))
        .layer(axum::middleware::from_fn(tracked))
        .with_state(service)
}

/// A body Webex cannot read is refused before any handler sees it: 415 for a JSON endpoint
/// sent something else.
async fn content_type_checked(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let json_body = matches!(method.as_str(), "POST" | "PUT" | "PATCH")
        && !path.ends_with("/access_token")
        && path != "/v1/authorize";
    if json_body {
        let content_type = request
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !content_type.starts_with("application/json") {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The request is in an unsupported format: send JSON with Content-Type application/json.",
                &[],
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// Query parameters by name, as sent (Webex's names are case-sensitive).
pub(crate) type Params = HashMap<String, String>;

//! Webex OAuth as Cisco documents it for integrations: `GET /v1/authorize` (here a page to pick
//! one of the organisation's people), `POST /v1/access_token` with the `authorization_code` and
//! `refresh_token` grants. Access tokens live 14 days, refresh tokens 90; a refresh answers with
//! a refresh token, usually the same one (a client keeps whichever it is given).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use url::Url;

use super::{Caller, Service, error, json_answer};

/// What Webex's token endpoint says of an access token's life: 14 days.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(14 * 24 * 3600);
/// And of a refresh token's: 90 days.
pub const REFRESH_TOKEN_LIFETIME: Duration = Duration::from_secs(90 * 24 * 3600);
const CODE_LIFETIME: Duration = Duration::from_secs(600);
/// Access tokens remembered at once; the oldest go first (a demo runs for days).
const ACCESS_KEPT: usize = 4096;

/// The scopes a person grants Davet to schedule as themselves.
pub const PERSON_SCOPES: &[&str] = &[
    "meeting:schedules_read",
    "meeting:schedules_write",
    "meeting:preferences_read",
    "spark:people_read",
];

/// The scopes an administrator grants for scheduling on everyone's behalf.
pub const ADMIN_SCOPES: &[&str] = &[
    "meeting:admin_schedule_read",
    "meeting:admin_schedule_write",
    "meeting:admin_preferences_read",
    "spark-admin:people_read",
    "spark:people_read",
];

/// What a code or token stands for.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub person: usize,
    pub scopes: Vec<String>,
}

#[derive(Debug, Default)]
pub(super) struct Store {
    pub redirect_uris: Vec<String>,
    codes: HashMap<String, (Grant, String, Instant)>,
    refresh: HashMap<String, (Grant, Instant)>,
    access: HashMap<String, (Grant, Instant)>,
    access_order: VecDeque<String>,
    /// Token answers by grant type.
    pub granted: HashMap<String, usize>,
    /// A refresh answers with a new refresh token (the old one stays good until it expires).
    pub rotate: bool,
}

pub(crate) struct Issued {
    pub access_token: String,
    pub refresh_token: String,
}

fn opaque() -> String {
    format!(
        "{}{}_PF84_{}",
        crate::wire::request_id().replace('-', ""),
        crate::wire::request_id().replace('-', ""),
        crate::wire::request_id()
    )
}

impl Store {
    pub fn issue(&mut self, grant: Grant) -> Issued {
        let refresh_token = opaque();
        self.refresh.insert(
            refresh_token.clone(),
            (grant.clone(), Instant::now() + REFRESH_TOKEN_LIFETIME),
        );
        Issued {
            access_token: self.access_for(grant),
            refresh_token,
        }
    }

    fn access_for(&mut self, grant: Grant) -> String {
        let token = opaque();
        if self.access_order.len() == ACCESS_KEPT
            && let Some(oldest) = self.access_order.pop_front()
        {
            self.access.remove(&oldest);
        }
        self.access_order.push_back(token.clone());
        self.access.insert(
            token.clone(),
            (grant, Instant::now() + ACCESS_TOKEN_LIFETIME),
        );
        token
    }

    pub fn caller(&self, token: &str) -> Option<Caller> {
        let (grant, expires) = self.access.get(token)?;
        (Instant::now() < *expires).then(|| Caller {
            person: grant.person,
            scopes: grant.scopes.clone(),
        })
    }

    pub fn access_tokens(&self) -> Vec<String> {
        self.access.keys().cloned().collect()
    }

    pub fn refresh_tokens(&self) -> Vec<String> {
        self.refresh.keys().cloned().collect()
    }

    pub fn expire_access_tokens(&mut self) {
        let now = Instant::now();
        for (_, expires) in self.access.values_mut() {
            *expires = now;
        }
    }

    pub fn revoke(&mut self, person: usize) {
        self.refresh.retain(|_, (g, _)| g.person != person);
        self.access.retain(|_, (g, _)| g.person != person);
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct AuthorizeRequest {
    client_id: Option<String>,
    response_type: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    /// Set by the page's form: whom the person chose to be.
    person: Option<String>,
}

impl AuthorizeRequest {
    fn check(&self, service: &Service) -> Result<(Url, Vec<String>), String> {
        if self.client_id.as_deref() != Some(service.webex.integration.client_id.as_str()) {
            return Err("The client_id is not a registered integration.".into());
        }
        let redirect = self.redirect_uri.as_deref().unwrap_or_default();
        if !service
            .webex
            .state()
            .oauth
            .redirect_uris
            .iter()
            .any(|r| r == redirect)
        {
            return Err("The redirect_uri does not match the integration's.".into());
        }
        let url = Url::parse(redirect).map_err(|_| "The redirect_uri is not a URL.".to_owned())?;
        if self.response_type.as_deref() != Some("code") {
            return Err("The response_type must be code.".into());
        }
        let scopes: Vec<String> = self
            .scope
            .as_deref()
            .unwrap_or_default()
            .split([' ', '+'])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let known =
            |s: &String| PERSON_SCOPES.contains(&s.as_str()) || ADMIN_SCOPES.contains(&s.as_str());
        if scopes.is_empty() || !scopes.iter().all(known) {
            return Err("The requested scope is invalid, unknown, or malformed.".into());
        }
        Ok((url, scopes))
    }
}

fn error_page(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Webex</title></head>\
             <body><h1>Something went wrong</h1><p class=\"error\">{}</p></body></html>",
            crate::wire::html(message)
        )),
    )
        .into_response()
}

/// The page that asks whom to sign in to Webex as, and what the integration may do.
pub(super) async fn page(
    State(service): State<Service>,
    Query(request): Query<AuthorizeRequest>,
) -> Response {
    let scopes = match request.check(&service) {
        Ok((_, scopes)) => scopes,
        Err(message) => return error_page(&message),
    };
    let html = crate::wire::html;
    let hidden = crate::identity::authorize::hidden_fields(&[
        ("client_id", &request.client_id),
        ("response_type", &request.response_type),
        ("redirect_uri", &request.redirect_uri),
        ("scope", &request.scope),
        ("state", &request.state),
    ]);
    let asked: String = scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", html(s)))
        .collect();
    let accounts = service.webex.people.iter().map(|p| crate::picker::Account {
        value: &p.id,
        name: &p.display_name,
        detail: &p.email,
    });
    let picker = crate::picker::Picker {
        title: "Sign in to Webex",
        intro: format!("<p>Davet asks to:</p><ul class=\"scopes\">{asked}</ul>"),
        hidden,
        field: "person",
    };
    Html(crate::picker::page(picker, accounts)).into_response()
}

/// The person chose an account: back to the integration with a code and the state.
pub(super) async fn decision(
    State(service): State<Service>,
    Form(request): Form<AuthorizeRequest>,
) -> Response {
    let (mut target, scopes) = match request.check(&service) {
        Ok(checked) => checked,
        Err(message) => return error_page(&message),
    };
    let chosen = request
        .person
        .as_deref()
        .and_then(|id| service.webex.person_index(id));
    {
        let mut query = target.query_pairs_mut();
        match chosen {
            None => {
                query.append_pair("error", "access_denied");
            }
            Some(person) if wants_admin(&scopes) && !service.person(person).admin => {
                query.append_pair("error", "access_denied").append_pair(
                    "error_description",
                    "The admin scopes need a full administrator of the organisation.",
                );
            }
            Some(person) => {
                let code = opaque();
                service.webex.state().oauth.codes.insert(
                    code.clone(),
                    (
                        Grant { person, scopes },
                        request.redirect_uri.clone().unwrap_or_default(),
                        Instant::now() + CODE_LIFETIME,
                    ),
                );
                query.append_pair("code", &code);
            }
        }
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
    }
    Redirect::to(target.as_str()).into_response()
}

fn wants_admin(scopes: &[String]) -> bool {
    scopes
        .iter()
        .any(|s| s.contains(":admin_") || s.starts_with("spark-admin:"))
}

#[derive(Debug, Deserialize)]
pub(super) struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    refresh_token: Option<String>,
}

/// The token endpoint's refusal: Webex relays the identity broker's words in its own body.
fn refused(status: StatusCode, oauth_error: &str, description: &str) -> Response {
    let message = format!(
        "POST failed: HTTP/1.1 {} (url = https://idbroker.webex.com/idb/oauth2/v1/access_token, request/response TrackingId = {}, error = '({oauth_error}) {description}')",
        status,
        super::tracking_id()
    );
    error(status, &message, &[&message]).into_response()
}

/// `POST /v1/access_token` (form-encoded).
pub(super) async fn token(
    State(service): State<Service>,
    Form(request): Form<TokenRequest>,
) -> Response {
    let integration = &service.webex.integration;
    if request.client_id.as_deref() != Some(integration.client_id.as_str())
        || request.client_secret.as_deref() != Some(integration.client_secret.as_str())
    {
        return refused(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The client credentials are not valid.",
        );
    }
    let mut state = service.webex.state();
    let store = &mut state.oauth;
    let grant_type = request.grant_type.as_deref().unwrap_or_default();
    let (access_token, refresh_token, refresh_expires, scopes) = match grant_type {
        "authorization_code" => {
            let code = request.code.as_deref().unwrap_or_default();
            let Some((grant, redirect, expires)) = store.codes.remove(code) else {
                return refused(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The authorization code is invalid or has expired.",
                );
            };
            if Instant::now() > expires || request.redirect_uri.as_deref() != Some(&redirect) {
                return refused(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The authorization code is invalid or has expired.",
                );
            }
            let scopes = grant.scopes.join(" ");
            let issued = store.issue(grant);
            (
                issued.access_token,
                issued.refresh_token,
                REFRESH_TOKEN_LIFETIME,
                scopes,
            )
        }
        "refresh_token" => {
            let presented = request.refresh_token.as_deref().unwrap_or_default();
            let Some((grant, expires)) = store.refresh.get(presented).cloned() else {
                return refused(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The refresh token provided is expired, revoked, malformed, or invalid.",
                );
            };
            let now = Instant::now();
            if now >= expires {
                store.refresh.remove(presented);
                return refused(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "The refresh token provided is expired, revoked, malformed, or invalid.",
                );
            }
            let scopes = grant.scopes.join(" ");
            let access = store.access_for(grant.clone());
            if store.rotate {
                let issued = store.issue(grant);
                (access, issued.refresh_token, REFRESH_TOKEN_LIFETIME, scopes)
            } else {
                (access, presented.to_owned(), expires - now, scopes)
            }
        }
        _ => {
            return refused(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The grant type is not supported.",
            );
        }
    };
    *store.granted.entry(grant_type.to_owned()).or_default() += 1;
    json_answer(
        StatusCode::OK,
        &json!({
            "access_token": access_token,
            "expires_in": ACCESS_TOKEN_LIFETIME.as_secs() - 1,
            "refresh_token": refresh_token,
            "refresh_token_expires_in": refresh_expires.as_secs().saturating_sub(1),
            "token_type": "Bearer",
            "scope": scopes,
        }),
    )
}

//! The Microsoft identity platform: discovery (`/{tenant}/v2.0/.well-known/openid-configuration`),
//! the signing keys (`/{tenant}/discovery/v2.0/keys`) and `POST /{tenant}/oauth2/v2.0/token`.
//!
//! Access tokens are RS256 JWTs with the real claims. This slice implements the
//! client-credentials grant the server uses for app-only Graph calls. Errors use the platform's
//! body: `error`, `error_description` starting with an AADSTS code, `error_codes`, `timestamp`,
//! `trace_id`, `correlation_id`.

pub mod grants;
pub mod keys;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use crate::World;

/// Lifetime of issued access tokens, as the real platform's default (60–90 minutes) rounds.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3599);

/// Graph's resource: the `aud` of tokens for Graph.
pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";
/// Graph's application id, which also appears as its audience.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The application permissions an admin granted the Davet app in the demo tenant (design §1).
pub const GRANTED_APP_ROLES: &[&str] = &[
    "User.Read.All",
    "Group.Read.All",
    "Directory.Read.All",
    "Contacts.Read",
    "Calendars.ReadWrite",
];

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl World {
    /// An app-only access token for Graph carrying `roles`, as the token endpoint issues them.
    /// Tests use it to hold tokens with fewer permissions than the demo app was granted.
    pub fn app_token(&self, roles: &[&str]) -> String {
        let now = now_secs();
        let tenant = &self.tenant;
        self.keys.sign(&json!({
            "aud": GRAPH_AUDIENCE,
            "iss": format!("https://sts.windows.net/{}/", tenant.id),
            "iat": now,
            "nbf": now,
            "exp": now + TOKEN_LIFETIME.as_secs(),
            "appid": tenant.app.client_id,
            "appidacr": "1",
            "idtyp": "app",
            "oid": tenant.app.service_principal_id,
            "sub": tenant.app.service_principal_id,
            "roles": roles,
            "tid": tenant.id,
            "uti": crate::graph::request_id(),
            "ver": "1.0",
        }))
    }
}

#[derive(Debug, Clone)]
struct Identity {
    world: Arc<World>,
    /// Where clients reach this service, for the discovery document.
    root: Url,
}

pub fn router(world: Arc<World>, root: Url) -> Router {
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(jwks))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(authorize_page).post(authorize_decision),
        )
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .with_state(Identity { world, root })
}

impl Identity {
    fn base(&self, tenant: &str) -> String {
        format!("{}/{tenant}", self.root.as_str().trim_end_matches('/'))
    }

    /// The platform's answer to a tenant it does not know, if `tenant` is one.
    fn unknown_tenant(&self, tenant: &str) -> Option<Response> {
        let directory = &self.world.tenant;
        if tenant == directory.id || tenant == directory.domain {
            None
        } else {
            Some(aad_error(
                StatusCode::BAD_REQUEST,
                "invalid_tenant",
                90002,
                &format!(
                    "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
                ),
            ))
        }
    }

    /// The v2.0 issuer: this service's address, as the real one is its own.
    fn issuer(&self) -> String {
        format!("{}/v2.0", self.base(&self.world.tenant.id))
    }
}

async fn discovery(State(identity): State<Identity>, Path(tenant): Path<String>) -> Response {
    if let Some(error) = identity.unknown_tenant(&tenant) {
        return error;
    }
    let base = identity.base(&tenant);
    Json(json!({
        "issuer": identity.issuer(),
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid", "tid", "ver", "preferred_username"],
        "request_uri_parameter_supported": false,
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
    }))
    .into_response()
}

async fn jwks(State(identity): State<Identity>, Path(tenant): Path<String>) -> Response {
    if let Some(error) = identity.unknown_tenant(&tenant) {
        return error;
    }
    Json(identity.world.keys.jwks(&identity.issuer())).into_response()
}

#[derive(Debug, Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    assertion: Option<String>,
    requested_token_use: Option<String>,
}

fn refused(refusal: grants::Refusal) -> Response {
    let status = if refusal.error == "invalid_client" {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    aad_error(status, refusal.error, refusal.code, &refusal.description)
}

fn refusal(error: &'static str, code: u32, description: &str) -> grants::Refusal {
    grants::Refusal {
        error,
        code,
        description: description.to_owned(),
    }
}

async fn token(
    State(identity): State<Identity>,
    Path(tenant): Path<String>,
    Form(request): Form<TokenRequest>,
) -> Response {
    if let Some(error) = identity.unknown_tenant(&tenant) {
        return error;
    }
    match grant(&identity, &request) {
        Ok(body) => Json(body).into_response(),
        Err(refusal) => refused(refusal),
    }
}

/// Checks the client: the app exists; a secret, when sent or required, is its secret.
fn authenticate_client(
    identity: &Identity,
    request: &TokenRequest,
    secret_required: bool,
) -> Result<String, grants::Refusal> {
    let app = &identity.world.tenant.app;
    if request.client_id.as_deref() != Some(app.client_id.as_str()) {
        return Err(refusal(
            "unauthorized_client",
            700016,
            "Application was not found in the directory.",
        ));
    }
    match request.client_secret.as_deref() {
        Some(secret) if secret == app.client_secret => {}
        None if !secret_required => {}
        _ => {
            return Err(refusal(
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
            ));
        }
    }
    Ok(app.client_id.clone())
}

fn grant(identity: &Identity, request: &TokenRequest) -> Result<Value, grants::Refusal> {
    let world = &identity.world;
    let issuer = identity.issuer();
    match request.grant_type.as_deref() {
        Some("client_credentials") => {
            authenticate_client(identity, request, true)?;
            if request.scope.as_deref() != Some("https://graph.microsoft.com/.default") {
                return Err(refusal(
                    "invalid_scope",
                    1002012,
                    "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.",
                ));
            }
            Ok(json!({
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME.as_secs(),
                "ext_expires_in": TOKEN_LIFETIME.as_secs(),
                "access_token": world.app_token(GRANTED_APP_ROLES),
            }))
        }
        Some("authorization_code") => {
            let client_id = authenticate_client(identity, request, false)?;
            let code = request.code.as_deref().ok_or_else(|| {
                refusal(
                    "invalid_request",
                    900144,
                    "The request body must contain the following parameter: 'code'.",
                )
            })?;
            let redirect_uri = request.redirect_uri.as_deref().unwrap_or_default();
            let (grant, nonce) = world.grants.redeem_code(
                code,
                &client_id,
                redirect_uri,
                request.code_verifier.as_deref(),
            )?;
            Ok(tokens(identity, &issuer, grant, nonce.as_deref(), true))
        }
        Some("refresh_token") => {
            let client_id = authenticate_client(identity, request, false)?;
            let token = request.refresh_token.as_deref().ok_or_else(|| {
                refusal(
                    "invalid_request",
                    900144,
                    "The request body must contain the following parameter: 'refresh_token'.",
                )
            })?;
            let grant = world.grants.take_refresh(token, &client_id)?;
            Ok(tokens(identity, &issuer, grant, None, true))
        }
        Some("urn:ietf:params:oauth:grant-type:jwt-bearer") => {
            let client_id = authenticate_client(identity, request, true)?;
            if request.requested_token_use.as_deref() != Some("on_behalf_of") {
                return Err(refusal(
                    "invalid_request",
                    50027,
                    "requested_token_use must be on_behalf_of.",
                ));
            }
            let assertion = request.assertion.as_deref().unwrap_or_default();
            let claims = world.keys.verify(assertion).map_err(|why| {
                refusal(
                    "invalid_grant",
                    50013,
                    &format!("Assertion failed signature validation. {why}"),
                )
            })?;
            if claims["aud"] != client_id.as_str() || claims["scp"] != grants::API_SCOPE {
                return Err(refusal(
                    "invalid_grant",
                    50013,
                    "The assertion is not a token for this application.",
                ));
            }
            if claims["exp"].as_u64().unwrap_or(0) < now_secs() {
                return Err(refusal(
                    "invalid_grant",
                    500133,
                    "Assertion is not within its valid time range.",
                ));
            }
            let oid = claims["oid"].as_str().unwrap_or_default();
            let user = world
                .tenant
                .users
                .iter()
                .position(|u| u.id == oid)
                .ok_or_else(|| {
                    refusal(
                        "invalid_grant",
                        50034,
                        "The user account does not exist in the directory.",
                    )
                })?;
            let scopes = grants::Scopes::parse(request.scope.as_deref().unwrap_or_default());
            let mut granted = scopes.consented()?;
            if scopes.offline {
                granted.push("offline_access".to_owned());
            }
            let grant = grants::Grant {
                user,
                scopes: granted,
                client_id,
            };
            Ok(tokens(identity, &issuer, grant, None, true))
        }
        Some(other) => Err(refusal(
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{other}'."),
        )),
        None => Err(refusal(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'grant_type'.",
        )),
    }
}

/// The token answer of a delegated grant: an access token for Graph, or for the API when its
/// scope was granted; a refresh token when `offline_access` was; an id token with `openid`.
fn tokens(
    identity: &Identity,
    issuer: &str,
    grant: grants::Grant,
    nonce: Option<&str>,
    refreshable: bool,
) -> Value {
    let world = &identity.world;
    let api = grant.scopes.iter().any(|s| s == grants::API_SCOPE);
    let offline = refreshable && grant.scopes.iter().any(|s| s == "offline_access");
    let openid = grant.scopes.iter().any(|s| s == "openid");
    let scope = grant.scopes.join(" ");
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope,
        "expires_in": TOKEN_LIFETIME.as_secs(),
        "ext_expires_in": TOKEN_LIFETIME.as_secs(),
        "access_token": world.delegated_token(issuer, &grant, api),
    });
    if openid {
        body["id_token"] = world.id_token(issuer, &grant, nonce).into();
    }
    if offline {
        body["refresh_token"] = world.grants.issue_refresh(grant).into();
    }
    body
}

#[derive(Debug, Deserialize)]
struct AuthorizeRequest {
    client_id: Option<String>,
    response_type: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    /// Set by the sign-in page's form: whom the person chose to be.
    user: Option<String>,
}

impl AuthorizeRequest {
    /// The redirect URI, once the client and it are known to be registered.
    fn check(&self, identity: &Identity) -> Result<String, grants::Refusal> {
        if self.client_id.as_deref() != Some(identity.world.tenant.app.client_id.as_str()) {
            return Err(refusal(
                "unauthorized_client",
                700016,
                "Application was not found in the directory.",
            ));
        }
        let redirect_uri = self.redirect_uri.clone().unwrap_or_default();
        if !identity.world.grants.is_registered(&redirect_uri) {
            return Err(refusal(
                "invalid_request",
                50011,
                "The redirect URI specified in the request does not match the redirect URIs configured for the application.",
            ));
        }
        if self.response_type.as_deref() != Some("code") {
            return Err(refusal(
                "unsupported_response_type",
                900144,
                "Only the code response type is supported.",
            ));
        }
        if self.code_challenge.is_some() && self.code_challenge_method.as_deref() != Some("S256") {
            return Err(refusal(
                "invalid_request",
                50148,
                "code_challenge_method must be S256.",
            ));
        }
        Ok(redirect_uri)
    }
}

/// The sign-in page: the tenant's enabled people, each a button that signs in as them.
async fn authorize_page(
    State(identity): State<Identity>,
    Path(tenant): Path<String>,
    Query(request): Query<AuthorizeRequest>,
) -> Response {
    if let Some(error) = identity.unknown_tenant(&tenant) {
        return error;
    }
    if let Err(refusal) = request.check(&identity) {
        return (
            StatusCode::BAD_REQUEST,
            Html(format!(
                "<h1>Sign in failed</h1><p>AADSTS{}: {}</p>",
                refusal.code,
                html(&refusal.description)
            )),
        )
            .into_response();
    }
    let hidden: String = [
        ("client_id", &request.client_id),
        ("response_type", &request.response_type),
        ("redirect_uri", &request.redirect_uri),
        ("scope", &request.scope),
        ("state", &request.state),
        ("nonce", &request.nonce),
        ("code_challenge", &request.code_challenge),
        ("code_challenge_method", &request.code_challenge_method),
    ]
    .iter()
    .filter_map(|(name, value)| {
        value.as_ref().map(|v| {
            format!(
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                html(v)
            )
        })
    })
    .collect();
    let people: String = identity
        .world
        .tenant
        .users
        .iter()
        .filter(|u| u.account_enabled && u.user_type == "Member")
        .take(40)
        .map(|u| {
            format!(
                "<li><button name=\"user\" value=\"{}\">{} <small>{}</small></button></li>",
                html(&u.id),
                html(&u.display_name),
                html(&u.user_principal_name)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to your account</title></head>\
         <body><h1>Pick an account</h1><p>Demo tenant {}: choose whom to sign in as.</p>\
         <form method=\"post\">{hidden}<ul class=\"accounts\">{people}</ul></form></body></html>",
        html(&identity.world.tenant.domain)
    ))
    .into_response()
}

/// The person chose an account: back to the app with a code (or an error), and the state.
async fn authorize_decision(
    State(identity): State<Identity>,
    Path(tenant): Path<String>,
    Form(request): Form<AuthorizeRequest>,
) -> Response {
    if let Some(error) = identity.unknown_tenant(&tenant) {
        return error;
    }
    let redirect_uri = match request.check(&identity) {
        Ok(uri) => uri,
        Err(refusal) => {
            return (
                StatusCode::BAD_REQUEST,
                Html(format!(
                    "<p>AADSTS{}: {}</p>",
                    refusal.code,
                    html(&refusal.description)
                )),
            )
                .into_response();
        }
    };
    let mut target = match Url::parse(&redirect_uri) {
        Ok(url) => url,
        Err(_) => return (StatusCode::BAD_REQUEST, "invalid redirect_uri").into_response(),
    };
    let chosen = request.user.as_deref().and_then(|id| {
        identity
            .world
            .tenant
            .users
            .iter()
            .position(|u| u.id == id && u.account_enabled)
    });
    let scopes = grants::Scopes::parse(request.scope.as_deref().unwrap_or_default());
    let outcome = match (chosen, scopes.consented()) {
        (None, _) => Err(refusal("access_denied", 50058, "No account was chosen.")),
        (_, Err(refusal)) => Err(refusal),
        (Some(user), Ok(mut granted)) => {
            for (wanted, name) in [
                (scopes.openid, "openid"),
                (scopes.offline, "offline_access"),
                (scopes.api, grants::API_SCOPE),
            ] {
                if wanted {
                    granted.push(name.to_owned());
                }
            }
            let grant = grants::Grant {
                user,
                scopes: granted,
                client_id: identity.world.tenant.app.client_id.clone(),
            };
            Ok(identity.world.grants.issue_code(
                grant,
                &redirect_uri,
                request.code_challenge.clone(),
                request.nonce.clone(),
            ))
        }
    };
    {
        let mut query = target.query_pairs_mut();
        match &outcome {
            Ok(code) => query.append_pair("code", code),
            Err(refusal) => query.append_pair("error", refusal.error).append_pair(
                "error_description",
                &format!("AADSTS{}: {}", refusal.code, refusal.description),
            ),
        };
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
    }
    // The platform answers 302 Found, as browsers and MSAL expect.
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, target.to_string())],
    )
        .into_response()
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn aad_error(status: StatusCode, error: &str, code: u32, description: &str) -> Response {
    let trace_id = crate::graph::request_id();
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {description} Trace ID: {trace_id} Correlation ID: {trace_id} Timestamp: {}", crate::graph::now_iso()),
        "error_codes": [code],
        "timestamp": crate::graph::now_iso(),
        "trace_id": trace_id,
        "correlation_id": trace_id,
    });
    (status, Json(body)).into_response()
}

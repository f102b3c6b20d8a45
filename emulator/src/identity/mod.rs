//! The Microsoft identity platform: discovery (`/{tenant}/v2.0/.well-known/openid-configuration`),
//! the signing keys (`/{tenant}/discovery/v2.0/keys`), the authorize page and admin consent, and
//! `POST /{tenant}/oauth2/v2.0/token`.
//!
//! Access tokens are RS256 JWTs with the real claims. This slice implements the
//! client-credentials grant the server uses for app-only Graph calls. Errors use the platform's
//! body: `error`, `error_description` starting with an AADSTS code, `error_codes`, `timestamp`,
//! `trace_id`, `correlation_id`.

pub(crate) mod authorize;
pub mod grants;
pub mod keys;
mod token;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use serde_json::json;
use url::Url;

use crate::World;
use crate::controls::{Dialect, Refusal};
pub(crate) use crate::wire::now_secs;

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
            "uti": crate::wire::request_id(),
            "ver": "1.0",
        }))
    }
}

/// What the identity platform was asked, for tests that count: `jwks` for a key-set fetch, the
/// `grant_type` for a token request.
#[derive(Debug, Default)]
pub struct IdentityLog(std::sync::Mutex<std::collections::HashMap<String, usize>>);

impl IdentityLog {
    pub(crate) fn record(&self, what: &str) {
        *self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(what.to_owned())
            .or_default() += 1;
    }

    /// How many requests of a kind were made.
    pub fn count(&self, what: &str) -> usize {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(what)
            .copied()
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Identity {
    pub(crate) world: Arc<World>,
    /// Where clients reach this service, for the discovery document.
    root: Url,
}

/// How the identity platform words what the controls answer: AADSTS error bodies. Its limits
/// are kept per caller alone.
const DIALECT: Dialect = Dialect {
    refusal: |refusal| match refusal {
        Refusal::Throttled | Refusal::TooManyAtOnce => aad_error(
            StatusCode::TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            90055,
            "TenantThrottlingError - There are too many incoming requests. This exception is thrown for blocked tenants.",
        ),
        Refusal::Unavailable => aad_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            90033,
            "A transient error has occurred. Please try again.",
        ),
        Refusal::Gone => aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            70000,
            "The provided value for the input parameter 'refresh_token' is not valid.",
        ),
    },
    resource: |_| None,
};

pub fn router(world: Arc<World>, root: Url) -> Router {
    let controls = world.identity_controls.clone();
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(jwks))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(authorize::page).post(authorize::decision),
        )
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route(
            "/{tenant}/adminconsent",
            get(authorize::admin_consent_page).post(authorize::admin_consent_decision),
        )
        .layer(axum::middleware::from_fn_with_state(
            (controls, DIALECT),
            crate::controls::apply_keeping,
        ))
        .layer(axum::middleware::from_fn(request_ids))
        .with_state(Identity { world, root })
}

/// The platform's ids of a call: `x-ms-request-id` its own, `client-request-id` the caller's
/// echoed (with `return-client-request-id`, as the platform documents it, or always here).
async fn request_ids(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let client = request.headers().get("client-request-id").cloned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(ours) = axum::http::HeaderValue::from_str(&crate::wire::request_id()) {
        headers.insert("x-ms-request-id", ours);
    }
    if let Some(client) = client {
        headers.insert("client-request-id", client);
    }
    response
}

impl Identity {
    fn base(&self, tenant: &str) -> String {
        format!("{}/{tenant}", self.root.as_str().trim_end_matches('/'))
    }

    /// The platform's answer to a tenant it does not know, if `tenant` is one.
    pub(crate) fn unknown_tenant(&self, tenant: &str) -> Option<Response> {
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
    pub(crate) fn issuer(&self) -> String {
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
    identity.world.identity_log.record("jwks");
    Json(identity.world.keys.jwks(&identity.issuer())).into_response()
}

pub(crate) fn aad_error(status: StatusCode, error: &str, code: u32, description: &str) -> Response {
    let trace_id = crate::wire::request_id();
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {description} Trace ID: {trace_id} Correlation ID: {trace_id} Timestamp: {}", crate::wire::now_iso()),
        "error_codes": [code],
        "timestamp": crate::wire::now_iso(),
        "trace_id": trace_id,
        "correlation_id": trace_id,
    });
    (status, Json(body)).into_response()
}

pub(crate) fn refused(refusal: grants::Refusal) -> Response {
    let status = if refusal.error == "invalid_client" {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    aad_error(status, refusal.error, refusal.code, &refusal.description)
}

pub(crate) fn refusal(error: &'static str, code: u32, description: &str) -> grants::Refusal {
    grants::Refusal {
        error,
        code,
        description: description.to_owned(),
    }
}

//! The Microsoft identity platform: `POST /{tenant}/oauth2/v2.0/token`.
//!
//! This slice implements the client-credentials grant the server uses for app-only Graph calls.
//! Errors use the platform's body: `error`, `error_description` starting with an AADSTS code,
//! `error_codes`, `timestamp`, `trace_id`, `correlation_id`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::World;

/// Lifetime of issued access tokens, as the real platform's default (60–90 minutes) rounds.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3599);

/// Access tokens the platform issued and Graph accepts until they expire.
#[derive(Debug, Default)]
pub struct IssuedTokens(Mutex<HashMap<String, Instant>>);

impl IssuedTokens {
    fn issue(&self) -> String {
        let token = format!(
            "eyJ0eXAiOiJKV1QifQ.{:032x}.{:032x}",
            rand::random::<u128>(),
            rand::random::<u128>()
        );
        let mut tokens = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = Instant::now();
        tokens.retain(|_, expires| *expires > now);
        tokens.insert(token.clone(), now + TOKEN_LIFETIME);
        token
    }

    /// Whether `token` was issued here and has not expired.
    pub fn is_valid(&self, token: &str) -> bool {
        let tokens = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        tokens
            .get(token)
            .is_some_and(|expires| *expires > Instant::now())
    }
}

pub fn router(world: Arc<World>) -> Router {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .with_state(world)
}

#[derive(Debug, Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scope: Option<String>,
}

async fn token(
    State(world): State<Arc<World>>,
    Path(tenant): Path<String>,
    Form(request): Form<TokenRequest>,
) -> Response {
    let directory = &world.tenant;
    if tenant != directory.id && tenant != directory.domain {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            90002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        );
    }
    match request.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(other) => {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                70003,
                &format!("The app requested an unsupported grant type '{other}'."),
            );
        }
        None => {
            return aad_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'grant_type'.",
            );
        }
    }
    if request.client_id.as_deref() != Some(directory.app.client_id.as_str()) {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
            "Application was not found in the directory.",
        );
    }
    if request.client_secret.as_deref() != Some(directory.app.client_secret.as_str()) {
        return aad_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        );
    }
    if request.scope.as_deref() != Some("https://graph.microsoft.com/.default") {
        return aad_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            1002012,
            "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.",
        );
    }
    let access_token = world.tokens.issue();
    Json(json!({
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME.as_secs(),
        "ext_expires_in": TOKEN_LIFETIME.as_secs(),
        "access_token": access_token,
    }))
    .into_response()
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

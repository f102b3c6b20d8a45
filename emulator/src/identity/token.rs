//! `POST /{tenant}/oauth2/v2.0/token`: client credentials, authorization code (+ PKCE), refresh
//! token (rotating) and the on-behalf-of exchange.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{GRANTED_APP_ROLES, Identity, TOKEN_LIFETIME, grants, now_secs, refusal, refused};

#[derive(Debug, Deserialize)]
pub(super) struct TokenRequest {
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

pub(super) async fn token(
    State(identity): State<Identity>,
    Path(tenant): Path<String>,
    Form(request): Form<TokenRequest>,
) -> Response {
    if let Some(error) = identity.unknown_tenant(&tenant) {
        return error;
    }
    let kind = request.grant_type.as_deref().unwrap_or("none");
    identity.world.identity_log.record(kind);
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
            let token = world.app_token(GRANTED_APP_ROLES);
            world.grants.record_access(&token);
            Ok(json!({
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME.as_secs(),
                "ext_expires_in": TOKEN_LIFETIME.as_secs(),
                "access_token": token,
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
            // The app is its own audience by client id (v2 tokens) or by an application id URI
            // `api://{host}/{client id}` (v1 tokens).
            let audience = claims["aud"].as_str().unwrap_or_default();
            let ours = audience == client_id
                || (audience.starts_with("api://") && audience.ends_with(&format!("/{client_id}")));
            if !ours || claims["scp"] != grants::API_SCOPE {
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
    let access_token = world.delegated_token(issuer, &grant, api);
    world.grants.record_access(&access_token);
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope,
        "expires_in": TOKEN_LIFETIME.as_secs(),
        "ext_expires_in": TOKEN_LIFETIME.as_secs(),
        "access_token": access_token,
    });
    if openid {
        body["id_token"] = world.id_token(issuer, &grant, nonce).into();
    }
    if offline {
        body["refresh_token"] = world.grants.issue_refresh(grant).into();
    }
    body
}

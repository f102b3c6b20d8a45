//! Extractors: what a handler takes from a request, parsed, or an [`AppError`] that says what
//! is wrong. Handlers never map a rejection themselves.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRef, FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::auth::{Auth, bearer};
use crate::domain::user::SignedInUser;
use crate::error::{AppError, Invalid};
use crate::vault::SessionToken;

/// A request made within a live session: who, and the session's token (to end it). Without
/// one: 401 `sign_in_required`.
#[derive(Debug)]
pub struct SignedIn {
    pub user: SignedInUser,
    pub session: SessionToken,
}

impl<S> FromRequestParts<S> for SignedIn
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let auth = Auth::from_ref(state);
        let session = bearer(&parts.headers)
            .and_then(SessionToken::parse)
            .ok_or(AppError::SignInRequired("no session token"))?;
        let user = auth
            .vault
            .session(&session, auth.limits)
            .await?
            .ok_or(AppError::SignInRequired("the session ended"))?;
        Ok(Self { user, session })
    }
}

/// Webex for the deployment, or 503 `webex_not_configured`.
#[derive(Debug, Clone)]
pub struct Webex(pub crate::webex::WebexService);

impl<S> FromRequestParts<S> for Webex
where
    crate::app::Webex: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(_parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        crate::app::Webex::from_ref(state)
            .0
            .map(Self)
            .ok_or(AppError::WebexNotConfigured)
    }
}

/// The `Idempotency-Key` header, parsed, or 400 `invalid_request`.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub crate::domain::webex::IdempotencyKey);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let text = parts
            .headers
            .get(davet_api::IDEMPOTENCY_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        crate::domain::webex::IdempotencyKey::parse(text)
            .map(Self)
            .map_err(|e| AppError::Invalid(Invalid::IdempotencyKey(e)))
    }
}

/// The query string, or 400 `invalid_request` naming what is wrong.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

/// A path parameter, or 400 `invalid_request`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

/// A JSON body, or 400 `invalid_request`; as an answer, JSON.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        Self::Invalid(Invalid::Malformed(rejection.body_text()))
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        Self::Invalid(Invalid::Malformed(rejection.body_text()))
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        Self::Invalid(Invalid::Malformed(rejection.body_text()))
    }
}

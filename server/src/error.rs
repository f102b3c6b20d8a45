//! Error policy, in one place:
//!
//! - Every error a client sees is `davet_api::ApiError`: an HTTP status, a machine-readable
//!   `code`, and an English `message` (the pane shows its own localised text per code).
//! - Input errors are 400/422 and name what is wrong. Upstream failures are 502 (unreachable or
//!   failing), 503 (throttled past our retry budget) or 502 with `directory_access_denied`
//!   (our credentials were refused: an admin's problem, never the organiser's).
//! - Who is calling: no session or an ended one is 401 `sign_in_required` (the pane signs in
//!   again); a token offered to sign in that does not hold is 401 `sign_in_failed`, and the log
//!   names which check it failed. 401s carry `WWW-Authenticate: Bearer`.
//! - Details of upstream failures go to the log, without tokens, addresses or membership.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use davet_api::{ApiError, ErrorCode};

use crate::auth::AccessError;
use crate::domain::people::PeopleQueryError;
use crate::graph::GraphError;
use crate::identity::{IdentityError, TokenRejected};
use crate::vault::VaultError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    PeopleQuery(#[from] PeopleQueryError),
    #[error("{0}")]
    InvalidRequest(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// A picked group or folder disappeared (deleted meanwhile); by its display name.
    #[error("pick gone: {0}")]
    PickGone(String),
    /// No live session: the pane signs in (again).
    #[error("sign-in required: {0}")]
    SignInRequired(&'static str),
    /// The identity platform sent the person back without a code (refused or cancelled).
    #[error("sign-in refused by the identity platform: {0}")]
    SignInRefused(String),
    /// A token offered to sign in was refused.
    #[error("token refused: {0}")]
    TokenRejected(#[from] TokenRejected),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl From<IdentityError> for AppError {
    fn from(error: IdentityError) -> Self {
        Self::Access(AccessError::Identity(error))
    }
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            Self::PeopleQuery(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::QueryLength),
            Self::InvalidRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest),
            Self::Graph(GraphError::Throttled) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::DirectoryThrottled,
            ),
            Self::Graph(GraphError::AccessDenied(_)) => {
                (StatusCode::BAD_GATEWAY, ErrorCode::DirectoryAccessDenied)
            }
            Self::Graph(GraphError::Unavailable(_)) => {
                (StatusCode::BAD_GATEWAY, ErrorCode::DirectoryUnavailable)
            }
            Self::Graph(GraphError::Rejected { .. }) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
            Self::Graph(GraphError::NotFound(_)) | Self::PickGone(_) => {
                (StatusCode::NOT_FOUND, ErrorCode::NotFound)
            }
            Self::Graph(GraphError::SignedOut)
            | Self::SignInRequired(_)
            | Self::Access(AccessError::SignedOut) => {
                (StatusCode::UNAUTHORIZED, ErrorCode::SignInRequired)
            }
            Self::TokenRejected(TokenRejected::KeysUnavailable)
            | Self::Access(AccessError::Identity(IdentityError::Unavailable(_))) => {
                (StatusCode::BAD_GATEWAY, ErrorCode::IdentityUnavailable)
            }
            Self::TokenRejected(_) | Self::SignInRefused(_) => {
                (StatusCode::UNAUTHORIZED, ErrorCode::SignInFailed)
            }
            Self::Access(AccessError::Identity(IdentityError::InvalidGrant(_))) => {
                (StatusCode::UNAUTHORIZED, ErrorCode::SignInFailed)
            }
            Self::Access(AccessError::Identity(IdentityError::Refused(_))) => {
                (StatusCode::BAD_GATEWAY, ErrorCode::SignInFailed)
            }
            Self::Access(AccessError::Vault(_)) | Self::Vault(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
            }
        }
    }

    /// The message a client sees: input errors say what is wrong; upstream errors say which
    /// service failed, not its internals.
    fn public_message(&self) -> String {
        match self {
            Self::PeopleQuery(e) => e.to_string(),
            Self::InvalidRequest(why) => why.clone(),
            Self::Graph(GraphError::Throttled) => "Microsoft 365 is busy; try again in a minute".into(),
            Self::Graph(GraphError::AccessDenied(_)) => {
                "Microsoft 365 refused Davet's access; ask your administrator to check the app's consent".into()
            }
            Self::Graph(GraphError::Unavailable(_)) => "Microsoft 365 cannot be reached right now".into(),
            Self::Graph(GraphError::Rejected { .. }) => "the directory request failed".into(),
            Self::Graph(GraphError::NotFound(id)) => {
                format!("`{id}` is not in the directory: deleted, or never there")
            }
            Self::PickGone(name) => {
                format!("“{name}” is no longer in the directory: it was deleted; pick again")
            }
            Self::Graph(GraphError::SignedOut)
            | Self::SignInRequired(_)
            | Self::Access(AccessError::SignedOut) => "sign in to Davet to go on".into(),
            Self::TokenRejected(TokenRejected::KeysUnavailable)
            | Self::Access(AccessError::Identity(IdentityError::Unavailable(_))) => {
                "Microsoft sign-in cannot be reached right now".into()
            }
            Self::TokenRejected(why) => format!("the sign-in token was refused: {why}"),
            Self::SignInRefused(_) => "Microsoft sign-in did not let you in, or it was cancelled".into(),
            Self::Access(AccessError::Identity(IdentityError::InvalidGrant(_))) => {
                "Microsoft sign-in refused the grant; sign in again".into()
            }
            Self::Access(AccessError::Identity(IdentityError::Refused(_))) => {
                "Microsoft sign-in refused Davet; ask your administrator to check the app's registration and consent".into()
            }
            Self::Access(AccessError::Vault(_)) | Self::Vault(_) => "something went wrong on our side".into(),
        }
    }
}

impl AppError {
    /// Status, code and message, for answers that are not JSON (the sign-in page).
    pub fn parts(&self) -> (StatusCode, ErrorCode, String) {
        let (status, code) = self.status_and_code();
        (status, code, self.public_message())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            tracing::error!(error = %self, ?code, "request failed");
        } else if status == StatusCode::UNAUTHORIZED {
            tracing::info!(error = %self, "refused");
        }
        let body = ApiError {
            code,
            message: self.public_message(),
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

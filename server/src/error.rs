//! Error policy, in one place:
//!
//! - Every error a client sees is `davet_api::ApiError`: an HTTP status, a machine-readable
//!   `code`, and an English `message` (the pane shows its own localised text per code).
//! - Input errors are 400/422 and name what is wrong. Upstream failures are 502 (unreachable or
//!   failing), 503 (throttled past our retry budget) or 502 with `directory_access_denied`
//!   (our credentials were refused: an admin's problem, never the organiser's).
//! - Details of upstream failures go to the log, without tokens, addresses or membership.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use davet_api::{ApiError, ErrorCode};

use crate::domain::people::PeopleQueryError;
use crate::graph::GraphError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    PeopleQuery(#[from] PeopleQueryError),
    #[error("{0}")]
    InvalidRequest(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
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
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            tracing::error!(error = %self, ?code, "request failed");
        }
        let body = ApiError {
            code,
            message: self.public_message(),
        };
        (status, Json(body)).into_response()
    }
}

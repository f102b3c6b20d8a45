//! HTTP handlers: parse (through extractors), call the domain, answer.

pub mod admin;
pub mod contacts;
pub mod expand;
pub mod groups;
pub mod health;
pub mod meetings;
pub mod people;
pub mod session;
pub mod sign_in;
pub mod webex;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Deserialize;

use crate::domain::people::PeopleQuery;
use crate::error::{AppError, Invalid};
use crate::extract::Query;

/// The `q` of a search (`?q=`), parsed: 400 without it, 422 when it is too short or long.
#[derive(Debug)]
pub struct SearchText(pub PeopleQuery);

#[derive(Debug, Deserialize)]
struct SearchParams {
    q: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for SearchText {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Query(SearchParams { q }) = Query::from_request_parts(parts, state).await?;
        let q = q.ok_or(Invalid::MissingParameter("q"))?;
        Ok(Self(PeopleQuery::parse(&q)?))
    }
}

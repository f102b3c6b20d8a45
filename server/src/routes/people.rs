//! `GET /api/people?q=`: directory type-ahead.

use axum::Json;
use axum::extract::{Query, State};
use davet_api::PeopleSearch;
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::domain::people::PeopleQuery;
use crate::error::AppError;
use crate::startup::AppState;

#[derive(Debug, Deserialize)]
pub struct Params {
    q: Option<String>,
}

pub async fn search(
    State(state): State<AppState>,
    signed_in: SignedIn,
    params: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PeopleSearch>, AppError> {
    let Query(params) = params.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let raw = params
        .q
        .ok_or_else(|| AppError::InvalidRequest("the query parameter `q` is required".into()))?;
    let query = PeopleQuery::parse(&raw)?;
    let people = state
        .graph
        .acting_for(&signed_in.user.key)
        .search_people(&query)
        .await?;
    tracing::info!(found = people.len(), "people search");
    Ok(Json(PeopleSearch {
        query: query.as_str().to_owned(),
        people: people.into_iter().map(Into::into).collect(),
    }))
}

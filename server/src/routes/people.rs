//! People: `GET /api/people?q=` (directory type-ahead), `GET /api/people/{id}` (the people
//! card) and `GET /api/people/{id}/photo`.

use axum::Json;
use axum::extract::{Query, State};
use davet_api::PeopleSearch;
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::domain::people::PeopleQuery;
use crate::domain::user::DirectoryId;
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

/// `GET /api/people/{id}`: the people card.
pub async fn card(
    State(state): State<AppState>,
    signed_in: SignedIn,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<davet_api::PersonCard>, AppError> {
    let id = DirectoryId::parse(&id).map_err(|e| AppError::InvalidRequest(e.to_string()))?;
    let card = state
        .graph
        .acting_for(&signed_in.user.key)
        .person_card(&id)
        .await?;
    Ok(Json(card))
}

/// `GET /api/people/{id}/photo`: the picture, cached by the browser for an hour (it is
/// personal: private, never in shared caches); 404 `not_found` when there is none, and the
/// pane shows initials.
pub async fn photo(
    State(state): State<AppState>,
    signed_in: SignedIn,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<axum::response::Response, AppError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let id = DirectoryId::parse(&id).map_err(|e| AppError::InvalidRequest(e.to_string()))?;
    let photo = state
        .graph
        .acting_for(&signed_in.user.key)
        .photo(&id)
        .await?
        .ok_or_else(|| crate::graph::GraphError::NotFound(format!("a photo of {id}")))?;
    if !photo.content_type.starts_with("image/") {
        return Err(AppError::Graph(crate::graph::GraphError::Unavailable(
            "a photo that is not an image".into(),
        )));
    }
    Ok((
        [
            (header::CONTENT_TYPE, photo.content_type),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
        ],
        photo.bytes,
    )
        .into_response())
}

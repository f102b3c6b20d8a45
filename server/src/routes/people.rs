//! People: `GET /api/people?q=` (directory type-ahead), `GET /api/people/{id}` (the people
//! card) and `GET /api/people/{id}/photo`.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use davet_api::{PeopleSearch, PersonCard};

use crate::domain::user::DirectoryId;
use crate::error::AppError;
use crate::extract::{Json, Path, SignedIn};
use crate::graph::{GraphError, GraphService};
use crate::routes::SearchText;

pub async fn search(
    State(graph): State<GraphService>,
    signed_in: SignedIn,
    SearchText(query): SearchText,
) -> Result<Json<PeopleSearch>, AppError> {
    let (people, more) = graph
        .acting_for(&signed_in.user.key)
        .search_people(&query)
        .await?;
    tracing::info!(found = people.len(), more, "people search");
    Ok(Json(PeopleSearch {
        query: query.as_str().to_owned(),
        people: people.into_iter().map(Into::into).collect(),
        more,
    }))
}

/// `GET /api/people/{id}`: the people card.
pub async fn card(
    State(graph): State<GraphService>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<PersonCard>, AppError> {
    let id = DirectoryId::parse(&id)?;
    let card = graph
        .acting_for(&signed_in.user.key)
        .person_card(&id)
        .await?;
    Ok(Json(card.into()))
}

/// `GET /api/people/{id}/photo`: the picture, cached by the browser for an hour (it is
/// personal: private, never in shared caches); 404 `not_found` when there is none, and the
/// pane shows initials.
pub async fn photo(
    State(graph): State<GraphService>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = DirectoryId::parse(&id)?;
    let photo = graph
        .acting_for(&signed_in.user.key)
        .photo(&id)
        .await?
        .ok_or_else(|| GraphError::NotFound(format!("a photo of {id}")))?;
    if !photo.content_type.starts_with("image/") {
        return Err(GraphError::Unavailable("a photo that is not an image".into()).into());
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

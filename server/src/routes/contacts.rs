//! `GET /api/contacts/folders` and `GET /api/contacts?q=&folder=`: the organiser's personal
//! contacts. Graph cannot search personal contacts by name, so the folder is read (it is
//! personal, and small) and matched here, with Turkish casing.

use axum::Json;
use axum::extract::{Query, State};
use davet_api::{ContactFolders, ContactList};
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::domain::people::PeopleQuery;
use crate::domain::text::some_word_starts_with;
use crate::error::AppError;
use crate::startup::AppState;

/// Contacts one answer lists at most.
const CONTACTS_PER_ANSWER: usize = 50;

pub async fn folders(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<ContactFolders>, AppError> {
    let folders = state
        .graph
        .acting_for(&signed_in.user.key)
        .contact_folders()
        .await?;
    Ok(Json(ContactFolders { folders }))
}

#[derive(Debug, Deserialize)]
pub struct Params {
    q: Option<String>,
    folder: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    signed_in: SignedIn,
    params: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ContactList>, AppError> {
    let Query(params) = params.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let query = params.q.as_deref().map(PeopleQuery::parse).transpose()?;
    if let Some(folder) = &params.folder
        && (folder.is_empty() || folder.len() > 512 || folder.contains(['/', '?', '#']))
    {
        return Err(AppError::InvalidRequest(
            "`folder` is a contact folder id: opaque text without `/`, `?` or `#`".into(),
        ));
    }
    let contacts = state
        .graph
        .acting_for(&signed_in.user.key)
        .contacts(params.folder.as_deref())
        .await?;
    let contacts = contacts
        .into_iter()
        .filter(|c| {
            query.as_ref().is_none_or(|q| {
                some_word_starts_with(&c.display_name, q.as_str())
                    || some_word_starts_with(&c.email, q.as_str())
            })
        })
        .take(CONTACTS_PER_ANSWER)
        .collect();
    Ok(Json(ContactList { contacts }))
}

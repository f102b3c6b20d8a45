//! `GET /api/contacts/folders` and `GET /api/contacts?q=&folder=`: the organiser's personal
//! contacts.

use axum::extract::State;
use davet_api::{ContactFolders, ContactList};
use serde::Deserialize;

use crate::domain::contacts::matching;
use crate::domain::people::PeopleQuery;
use crate::domain::user::ContactFolderId;
use crate::error::AppError;
use crate::extract::{Json, Query, SignedIn};
use crate::graph::GraphService;

pub async fn folders(
    State(graph): State<GraphService>,
    signed_in: SignedIn,
) -> Result<Json<ContactFolders>, AppError> {
    let folders = graph
        .acting_for(&signed_in.user.key)
        .contact_folders()
        .await?;
    Ok(Json(ContactFolders {
        folders: folders.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct Params {
    q: Option<String>,
    folder: Option<String>,
}

pub async fn list(
    State(graph): State<GraphService>,
    signed_in: SignedIn,
    Query(params): Query<Params>,
) -> Result<Json<ContactList>, AppError> {
    let query = params.q.as_deref().map(PeopleQuery::parse).transpose()?;
    let folder = params
        .folder
        .as_deref()
        .map(ContactFolderId::parse)
        .transpose()?;
    let contacts = graph
        .acting_for(&signed_in.user.key)
        .contacts(folder.as_ref())
        .await?;
    Ok(Json(ContactList {
        contacts: matching(contacts, query.as_ref())
            .into_iter()
            .map(Into::into)
            .collect(),
    }))
}

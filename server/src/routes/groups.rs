//! `GET /api/groups?q=` and `GET /api/groups/mine`: groups with their kind and people count.

use axum::Json;
use axum::extract::{Query, State};
use davet_api::{GroupList, GroupSummary};
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::domain::people::PeopleQuery;
use crate::error::AppError;
use crate::graph::{DirectoryGroup, GraphClient};
use crate::startup::AppState;

#[derive(Debug, Deserialize)]
pub struct Params {
    q: Option<String>,
}

pub async fn search(
    State(state): State<AppState>,
    signed_in: SignedIn,
    params: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<GroupList>, AppError> {
    let Query(params) = params.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let raw = params
        .q
        .ok_or_else(|| AppError::InvalidRequest("the query parameter `q` is required".into()))?;
    let query = PeopleQuery::parse(&raw)?;
    let graph = state.graph.acting_for(&signed_in.user.key);
    let groups = graph.search_groups(&query).await?;
    summarise(&graph, groups).await
}

pub async fn mine(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<GroupList>, AppError> {
    let graph = state.graph.acting_for(&signed_in.user.key);
    let groups = graph.my_groups().await?;
    summarise(&graph, groups).await
}

async fn summarise(
    graph: &GraphClient,
    groups: Vec<DirectoryGroup>,
) -> Result<Json<GroupList>, AppError> {
    let counts = graph.people_counts(&groups).await?;
    tracing::info!(found = groups.len(), "group search");
    Ok(Json(GroupList {
        groups: groups
            .into_iter()
            .zip(counts)
            .map(|(g, people)| GroupSummary {
                id: g.id,
                display_name: g.display_name,
                mail: g.mail,
                kind: g.kind,
                people,
            })
            .collect(),
    }))
}

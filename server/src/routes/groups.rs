//! `GET /api/groups?q=` and `GET /api/groups/mine`: groups with their kind and people count.

use axum::extract::State;
use davet_api::{GroupList, GroupSummary};

use crate::error::AppError;
use crate::extract::{Json, SignedIn};
use crate::graph::{DirectoryGroup, GraphClient, GraphService};
use crate::routes::SearchText;

pub async fn search(
    State(graph): State<GraphService>,
    signed_in: SignedIn,
    SearchText(query): SearchText,
) -> Result<Json<GroupList>, AppError> {
    let graph = graph.acting_for(&signed_in.user.key);
    let groups = graph.search_groups(&query).await?;
    summarise(&graph, groups).await
}

pub async fn mine(
    State(graph): State<GraphService>,
    signed_in: SignedIn,
) -> Result<Json<GroupList>, AppError> {
    let graph = graph.acting_for(&signed_in.user.key);
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
                id: g.id.to_string(),
                display_name: g.display_name,
                mail: g.mail,
                kind: g.kind,
                people,
            })
            .collect(),
    }))
}

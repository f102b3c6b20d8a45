//! `POST /api/expand`: the selection → the distinct people to invite. The answer is NDJSON:
//! progress lines while the directory is read, then `done` (or `failed`). When the client goes
//! away the work stops: the task is aborted with the answer's body.

use std::convert::Infallible;
use std::time::Instant;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use davet_api::{ExpandEvent, ExpandRequest, GroupAddress, NDJSON, Selection};
use tokio::sync::mpsc;

use crate::auth::SignedIn;
use crate::domain::email::EmailAddress;
use crate::domain::expansion::{GroupExpansion, Member};
use crate::domain::user::DirectoryId;
use crate::error::AppError;
use crate::graph::{GraphClient, GraphError};
use crate::startup::AppState;

/// Most picks one expansion takes.
const MAX_PICKS: usize = 50;

pub async fn expand(
    State(state): State<AppState>,
    signed_in: SignedIn,
    request: Result<Json<ExpandRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, AppError> {
    let Json(request) = request.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let picks = Picks::parse(request.selection)?;
    let graph = state.graph.acting_for(&signed_in.user.key);
    let expansion = GroupExpansion::new(state.recipient_limit, signed_in.user.key.user.as_str());
    let (events, lines) = mpsc::unbounded_channel::<ExpandEvent>();
    // Dropping the body (the client went away) drops the guard, which aborts the work.
    let guard = AbortOnDrop(tokio::spawn(run(graph, picks, expansion, events)));
    let body = futures_util::stream::unfold((lines, guard), |(mut lines, guard)| async move {
        let event = lines.recv().await?;
        // The outcome lists every person: room for them at once, not by doubling.
        let room = match &event {
            ExpandEvent::Done { expansion } => 128 * expansion.people.len(),
            _ => 128,
        };
        let mut line = Vec::with_capacity(room);
        let _ = serde_json::to_writer(&mut line, &event);
        line.push(b'\n');
        Some((Ok::<_, Infallible>(Bytes::from(line)), (lines, guard)))
    });
    Ok(([(header::CONTENT_TYPE, NDJSON)], Body::from_stream(body)).into_response())
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The selection, parsed.
struct Picks(Vec<Pick>);

enum Pick {
    Group {
        id: DirectoryId,
        name: String,
        mail: Option<EmailAddress>,
    },
    ContactFolder {
        id: String,
        name: String,
    },
    Person {
        email: EmailAddress,
        name: String,
    },
}

impl Picks {
    fn parse(selection: Vec<Selection>) -> Result<Self, AppError> {
        if selection.is_empty() {
            return Err(AppError::InvalidRequest("pick someone to invite".into()));
        }
        if selection.len() > MAX_PICKS {
            return Err(AppError::InvalidRequest(format!(
                "at most {MAX_PICKS} picks at once"
            )));
        }
        let invalid = |e: &dyn std::fmt::Display| AppError::InvalidRequest(e.to_string());
        selection
            .into_iter()
            .map(|pick| {
                Ok(match pick {
                    Selection::Group {
                        id,
                        display_name,
                        mail,
                    } => Pick::Group {
                        id: DirectoryId::parse(&id).map_err(|e| invalid(&e))?,
                        name: display_name,
                        mail: mail
                            .as_deref()
                            .map(EmailAddress::parse)
                            .transpose()
                            .map_err(|e| invalid(&e))?,
                    },
                    Selection::ContactFolder { id, display_name } => {
                        if id.is_empty() || id.len() > 512 || id.contains(['/', '?', '#']) {
                            return Err(AppError::InvalidRequest(
                                "a contact folder id is opaque text without `/`, `?` or `#`".into(),
                            ));
                        }
                        Pick::ContactFolder {
                            id,
                            name: display_name,
                        }
                    }
                    Selection::Person {
                        email,
                        display_name,
                    } => Pick::Person {
                        email: EmailAddress::parse(&email).map_err(|e| invalid(&e))?,
                        name: display_name,
                    },
                })
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

async fn run(
    graph: GraphClient,
    picks: Picks,
    mut expansion: GroupExpansion,
    events: mpsc::UnboundedSender<ExpandEvent>,
) {
    let started = Instant::now();
    let total = picks.0.len() as u32;
    let outcome = gather(&graph, &picks, &mut expansion, &events, total).await;
    let event = match outcome {
        Ok(pages) => {
            tracing::info!(
                picks = total,
                people = expansion.people(),
                pages,
                ms = started.elapsed().as_millis() as u64,
                "expanded"
            );
            ExpandEvent::Done {
                expansion: expansion.finish(),
            }
        }
        Err(error) => {
            let error = match error {
                AppError::Graph(GraphError::NotFound(id)) => picks
                    .0
                    .iter()
                    .find_map(|p| match p {
                        Pick::Group { id: gid, name, .. } if gid.as_str() == id.to_lowercase() => {
                            Some(AppError::PickGone(name.clone()))
                        }
                        Pick::ContactFolder { id: fid, name } if *fid == id => {
                            Some(AppError::PickGone(name.clone()))
                        }
                        _ => None,
                    })
                    .unwrap_or(AppError::Graph(GraphError::NotFound(id))),
                other => other,
            };
            let (_, code, message) = error.parts();
            tracing::info!(?code, "expansion failed");
            ExpandEvent::Failed {
                error: davet_api::ApiError { code, message },
            }
        }
    };
    let _ = events.send(event);
}

/// Reads every pick into the expansion; answers the directory pages read.
async fn gather(
    graph: &GraphClient,
    picks: &Picks,
    expansion: &mut GroupExpansion,
    events: &mpsc::UnboundedSender<ExpandEvent>,
    total: u32,
) -> Result<u32, AppError> {
    let mut done = 0u32;
    let mut pages = 0u32;
    let mut groups = Vec::new();
    for (index, pick) in picks.0.iter().enumerate() {
        match pick {
            Pick::Person { email, name } => {
                expansion.add(
                    index,
                    Member::Person {
                        id: email.normalised().to_owned(),
                        email: email.clone(),
                        display_name: name.clone(),
                        guest: false,
                        external: false,
                    },
                );
                done += 1;
            }
            Pick::ContactFolder { id, .. } => {
                for member in graph.contact_folder_members(Some(id)).await? {
                    expansion.add(index, member);
                }
                pages += 1;
                done += 1;
            }
            Pick::Group { id, .. } => groups.push((index, id.as_str().to_owned())),
        }
    }
    let _ = events.send(progress(done, total, pages, expansion));
    let ids: Vec<String> = groups.iter().map(|(_, id)| id.clone()).collect();
    let limit = expansion.limit();
    let pick_of = |group: usize| &picks.0[groups[group].0];
    // A group over the limit on its own, with an address of its own, is proposed by that
    // address instead of being read person by person.
    let proposed = |group: usize, total: u32| {
        matches!(pick_of(group), Pick::Group { mail: Some(_), .. }) && total > limit
    };
    graph
        .transitive_members(
            &ids,
            |group, total| !proposed(group, total),
            |page| {
                pages += 1;
                let index = groups[page.group].0;
                match (pick_of(page.group), page.total) {
                    (
                        Pick::Group {
                            id,
                            name,
                            mail: Some(mail),
                        },
                        Some(total),
                    ) if proposed(page.group, total) => {
                        expansion.too_large(GroupAddress {
                            id: id.as_str().to_owned(),
                            display_name: name.clone(),
                            mail: mail.as_str().to_owned(),
                            members: total,
                        });
                        done += 1;
                    }
                    _ => {
                        for member in page.members {
                            expansion.add(index, member);
                        }
                        if page.last {
                            done += 1;
                        }
                    }
                }
                let _ = events.send(progress(done, total, pages, expansion));
            },
        )
        .await?;
    Ok(pages)
}

fn progress(done: u32, total: u32, pages: u32, expansion: &GroupExpansion) -> ExpandEvent {
    ExpandEvent::Progress {
        picks_done: done,
        picks: total,
        pages,
        people: expansion.people(),
    }
}

//! `POST /api/expand`: the selection → the distinct people to invite. The answer is NDJSON:
//! progress lines while the directory is read, then `done` (or `failed`). When the client goes
//! away the body drops, and with it the expansion ([`crate::expansion`]).

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use davet_api::{ExpandEvent, ExpandRequest, NDJSON};
use futures_util::StreamExt;

use crate::app::{Expansions, RecipientLimit};
use crate::domain::expansion::{GroupExpansion, Picks};
use crate::error::AppError;
use crate::expansion::expand as run;
use crate::extract::{Json, SignedIn};
use crate::graph::GraphService;

pub async fn expand(
    State(graph): State<GraphService>,
    State(RecipientLimit(limit)): State<RecipientLimit>,
    State(expansions): State<Expansions>,
    signed_in: SignedIn,
    Json(request): Json<ExpandRequest>,
) -> Result<Response, AppError> {
    let picks = Picks::parse(request.selection)?;
    let expansion = GroupExpansion::new(limit, &signed_in.user.key.user);
    let events = run(
        graph.acting_for(&signed_in.user.key),
        picks,
        expansion,
        expansions.start(),
    );
    let body = events.map(|event| Ok::<_, Infallible>(ndjson_line(&event)));
    Ok(([(header::CONTENT_TYPE, NDJSON)], Body::from_stream(body)).into_response())
}

fn ndjson_line(event: &ExpandEvent) -> Bytes {
    // The outcome lists every person: room for them at once, not by doubling.
    let room = match event {
        ExpandEvent::Done { expansion } => 128 * expansion.people.len(),
        _ => 128,
    };
    let mut line = Vec::with_capacity(room);
    let _ = serde_json::to_writer(&mut line, event);
    line.push(b'\n');
    Bytes::from(line)
}

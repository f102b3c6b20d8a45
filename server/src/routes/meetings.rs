//! `/api/meetings`: scheduling from a message (or without Outlook): Davet writes the whole event
//! beside the Webex meeting, exactly once ([`crate::scheduling`]).

use axum::extract::State;
use davet_api::{EventMeetingRequest, Lang, RecipientVerdict, ScheduleOutcome};

use super::webex::{address_of, cohosts_have_accounts, meeting_info, remember};
use crate::app::RecipientLimit;
use crate::auth::Auth;
use crate::domain::email::EmailAddress;
use crate::domain::expansion::{GroupExpansion, Picks};
use crate::domain::meeting::MeetingRequest;
use crate::error::AppError;
use crate::expansion::expand_whole;
use crate::extract::{IdempotencyKey, Json, SignedIn, Webex};
use crate::graph::GraphService;
use crate::scheduling::{Scheduling, event_recurrence};

/// `POST /api/meetings`: the selection expanded now (never kept), then the Webex meeting and
/// the event. Over the recipient limit nothing is made: the answer is the verdict.
pub async fn create(
    signed_in: SignedIn,
    Webex(webex): Webex,
    State(graph): State<GraphService>,
    State(auth): State<Auth>,
    State(RecipientLimit(limit)): State<RecipientLimit>,
    IdempotencyKey(key): IdempotencyKey,
    Json(input): Json<EventMeetingRequest>,
) -> Result<Json<ScheduleOutcome>, AppError> {
    let request = MeetingRequest::parse(&input.meeting, chrono::Utc::now())?;
    let picks = Picks::parse(input.selection)?;
    let user = &signed_in.user.key;
    let client = graph.acting_for(user);
    let expansion = expand_whole(&client, picks, GroupExpansion::new(limit, &user.user)).await?;
    if let verdict @ RecipientVerdict::TooMany { .. } = expansion.verdict {
        return Ok(Json(ScheduleOutcome::TooMany { verdict }));
    }
    let attendees: Vec<(EmailAddress, String)> = expansion
        .people
        .into_iter()
        .filter_map(|p| Some((EmailAddress::parse(&p.email).ok()?, p.display_name)))
        .collect();
    let acting = webex.acting_for(user, address_of(&graph, user).await?);
    cohosts_have_accounts(&acting, &request).await?;
    let recurrence = input
        .meeting
        .recurrence
        .as_ref()
        .map(|r| event_recurrence(&request, r));
    let lang = input
        .meeting
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(Lang::En);
    let scheduled = Scheduling {
        graph: &client,
        webex: &acting,
        vault: &auth.vault,
        user,
        key: &key,
        lang,
    }
    .run(&request, recurrence, &attendees)
    .await?;
    remember(&webex, user, &input.meeting.options).await;
    Ok(Json(ScheduleOutcome::Scheduled {
        meeting: Box::new(meeting_info(&scheduled.meeting)),
        event_id: scheduled.event_id,
        event_link: scheduled.event_link,
        attendees: attendees.len() as u32,
    }))
}

//! `/api/meetings`: scheduling from a message (or without Outlook): Davet writes the whole event
//! beside the Webex meeting, exactly once ([`crate::scheduling`]).

use axum::extract::State;
use davet_api::{EventMeetingRequest, EventMeetingUpdate, RecipientVerdict, ScheduleOutcome};

use super::webex::{address_of, cohosts_have_accounts, meeting_info, remember};
use crate::app::RecipientLimit;
use crate::auth::Auth;
use crate::domain::email::EmailAddress;
use crate::domain::expansion::{GroupExpansion, Picks};
use crate::domain::meeting::MeetingRequest;
use crate::error::AppError;
use crate::expansion::expand_whole;
use crate::extract::{IdempotencyKey, Json, Path, SignedIn, Webex};
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
    let receipt = expansion.receipt.clone();
    let attendees = attendees_of(expansion);
    let acting = webex.acting_for(user, address_of(&graph, user).await?);
    cohosts_have_accounts(&acting, &request).await?;
    let recurrence = input
        .meeting
        .recurrence
        .as_ref()
        .map(|r| event_recurrence(&request, r));
    let scheduled = Scheduling {
        graph: &client,
        webex: &acting,
        vault: &auth.vault,
        user,
        key: &key,
    }
    .run(&request, recurrence, &attendees)
    .await?;
    remember(&webex, user, &input.meeting.options).await;
    Ok(Json(ScheduleOutcome::Scheduled {
        meeting: Box::new(meeting_info(&scheduled.meeting)),
        event_id: scheduled.event_id,
        event_link: scheduled.event_link,
        attendees: attendees.len() as u32,
        receipt,
    }))
}

/// The people an expansion found, as attendees (address and name).
fn attendees_of(expansion: davet_api::Expansion) -> Vec<(EmailAddress, String)> {
    expansion
        .people
        .into_iter()
        .filter_map(|p| Some((EmailAddress::parse(&p.email).ok()?, p.display_name)))
        .collect()
}

/// The event (and its Webex meeting) a path names, if Davet made it. For one occurrence of a
/// series the Webex id is that occurrence's (`{series}_{original start in UTC}`): the event's
/// extended property names the series (Outlook keeps it on an occurrence, where an add-in's
/// custom properties are dropped), else the join block's marker does.
async fn davet_event(
    client: &crate::graph::GraphClient,
    id: &str,
) -> Result<(crate::graph::EventOfMeeting, String), AppError> {
    let event = client.event_of_meeting(id).await?;
    // The extended property, or (on an event that lost it) the join block's marker.
    let series = event
        .webex_meeting_id
        .clone()
        .or_else(|| crate::domain::join_block::meeting_in(&event.body_html))
        .ok_or(AppError::Webex(crate::webex::WebexError::NotFound))?;
    let webex_id = match event.original_start {
        Some(original) => format!("{series}_{}", original.format("%Y%m%dT%H%M%SZ")),
        None => series,
    };
    Ok((event, webex_id))
}

/// `DELETE /api/meetings/{id}` (an event id): the Webex meeting deleted, then the event
/// cancelled (Outlook sends the cancellations). Repeating it is harmless: what is gone stays
/// gone.
pub async fn delete(
    signed_in: SignedIn,
    Webex(webex): Webex,
    State(graph): State<GraphService>,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode, AppError> {
    let user = &signed_in.user.key;
    let client = graph.acting_for(user);
    let (event, webex_id) = davet_event(&client, &id).await?;
    let acting = webex.acting_for(user, address_of(&graph, user).await?);
    // Webex first: an event left with a dead join block is found and cancelled by a retry; a
    // meeting left without its event would be found by nobody.
    acting.delete_meeting(&webex_id).await?;
    client.delete_event(&event.id).await?;
    tracing::info!("meeting cancelled on both sides");
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// `PATCH /api/meetings/{id}` (an event id): the meeting as the body states it (subject,
/// times, options; attendees when a selection is given), on both sides.
pub async fn update(
    signed_in: SignedIn,
    Webex(webex): Webex,
    State(graph): State<GraphService>,
    State(RecipientLimit(limit)): State<RecipientLimit>,
    Path(id): Path<String>,
    Json(input): Json<EventMeetingUpdate>,
) -> Result<Json<davet_api::WebexMeetingInfo>, AppError> {
    let request = MeetingRequest::parse(&input.meeting, chrono::Utc::now())?;
    let user = &signed_in.user.key;
    let client = graph.acting_for(user);
    let (event, webex_id) = davet_event(&client, &id).await?;
    let attendees: Option<Vec<(EmailAddress, String)>> = match input.selection {
        None => None,
        Some(selection) => {
            let picks = Picks::parse(selection)?;
            let expansion =
                expand_whole(&client, picks, GroupExpansion::new(limit, &user.user)).await?;
            if let RecipientVerdict::TooMany { .. } = expansion.verdict {
                return Err(AppError::Invalid(crate::error::Invalid::Malformed(
                    "too many people for one invitation: invite the groups by their address".into(),
                )));
            }
            Some(attendees_of(expansion))
        }
    };
    let acting = webex.acting_for(user, address_of(&graph, user).await?);
    cohosts_have_accounts(&acting, &request).await?;
    // One occurrence moves or is renamed on its own; a series or a single meeting takes the
    // whole request.
    let meeting = if event.original_start.is_some() {
        acting
            .move_meeting(
                &webex_id,
                &request.draft.title,
                request.draft.start,
                request.draft.end,
                request.draft.timezone.name(),
            )
            .await?
    } else {
        acting.update_meeting(&webex_id, &request.draft).await?
    };
    let body = crate::domain::join_block::JoinBlock::new(&meeting, request.lang)
        .apply_to(&event.body_html);
    client
        .update_event(
            &event.id,
            &crate::graph::EventChange {
                subject: &request.subject,
                start: request.draft.start,
                end: request.draft.end,
                zone: request.draft.timezone,
                attendees: attendees.as_deref(),
                location: &meeting.web_link,
                body_html: &body,
            },
        )
        .await?;
    remember(&webex, user, &input.meeting.options).await;
    Ok(Json(meeting_info(&meeting)))
}

#[derive(Debug, serde::Deserialize)]
pub struct Window {
    from: String,
    to: String,
}

fn utc(text: &str) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| {
            AppError::Meeting(crate::domain::meeting::MeetingError::NotATime(
                text.chars().take(40).collect(),
            ))
        })
}

fn iso(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `GET /api/meetings?from=&to=`: the organiser's events that carry a Webex meeting, each with
/// whether Webex agrees (times and title).
pub async fn list(
    signed_in: SignedIn,
    Webex(webex): Webex,
    State(graph): State<GraphService>,
    crate::extract::Query(window): crate::extract::Query<Window>,
) -> Result<Json<davet_api::MeetingList>, AppError> {
    let (from, to) = (utc(&window.from)?, utc(&window.to)?);
    let user = &signed_in.user.key;
    let client = graph.acting_for(user);
    let events = client.webex_events(from, to).await?;
    let acting = webex.acting_for(user, address_of(&graph, user).await?);
    let mut meetings = Vec::new();
    for event in events {
        let (webex_meeting, agreement) = match acting.meeting(&event.webex_meeting_id).await {
            Ok(meeting) => {
                let same = meeting.start == event.start
                    && meeting.end == event.end
                    && meeting.title == crate::domain::webex::webex_title(&event.subject);
                let agreement = if same {
                    davet_api::Agreement::InStep
                } else {
                    davet_api::Agreement::Differ
                };
                (Some(meeting_info(&meeting)), agreement)
            }
            Err(crate::webex::WebexError::NotFound) => (None, davet_api::Agreement::WebexMissing),
            Err(other) => return Err(other.into()),
        };
        meetings.push(davet_api::ListedMeeting {
            event_id: event.id,
            subject: event.subject,
            start: iso(event.start),
            end: iso(event.end),
            webex: webex_meeting,
            agreement,
        });
    }
    Ok(Json(davet_api::MeetingList { meetings }))
}

/// `POST /api/meetings/{id}/repair`: Webex takes the event's times and subject again.
pub async fn repair(
    signed_in: SignedIn,
    Webex(webex): Webex,
    State(graph): State<GraphService>,
    Path(id): Path<String>,
) -> Result<Json<davet_api::WebexMeetingInfo>, AppError> {
    let user = &signed_in.user.key;
    let client = graph.acting_for(user);
    let (event, webex_id) = davet_event(&client, &id).await?;
    let acting = webex.acting_for(user, address_of(&graph, user).await?);
    let current = acting.meeting(&webex_id).await?;
    let (Some(start), Some(end)) = (event.start, event.end) else {
        return Err(AppError::Invalid(crate::error::Invalid::Malformed(
            "the event has no times".into(),
        )));
    };
    // Only the times and the title: every option stays as Webex has it.
    let title = crate::domain::webex::webex_title(&event.subject);
    let repaired = acting
        .move_meeting(&webex_id, &title, start, end, &current.timezone)
        .await?;
    tracing::info!("Webex put back in step with Outlook");
    Ok(Json(meeting_info(&repaired)))
}

//! Scheduling from a message: one Webex meeting and one Outlook event, exactly once for the
//! pane's `Idempotency-Key`, whatever is retried and wherever it stopped.
//!
//! 1. The vault's scheduling record is begun (or found): ids, a state and times, nothing else.
//! 2. Webex: the meeting is made once by its `integrationTags` entry (`davet:<key>`); a create
//!    whose answer was lost is found by it. The record notes the meeting (`webex_made`).
//! 3. Graph: the event is written with `transactionId = <key>`, so a second write answers the
//!    first event. The record is `done`.
//! 4. If Graph refuses the event for good, the Webex meeting is deleted again and the record is
//!    `undone`: nothing is left. If Graph's answer is lost, the record stays `webex_made` and
//!    the pane's retry (same key) finds both and finishes.
//! 5. A record left `webex_made` (a crash between the steps, no retry) is finished by the next
//!    retry or undone by the sweep after `DAVET_SCHEDULING_SWEEP_MINUTES`: the sweep deletes the
//!    Webex meeting unless the event turns out to exist, then the record is done.

use chrono::TimeDelta;

use crate::domain::email::EmailAddress;
use crate::domain::join_block::JoinBlock;
use crate::domain::meeting::MeetingRequest;
use crate::domain::user::UserKey;
use crate::domain::webex::{IdempotencyKey, WebexMeeting};
use crate::error::AppError;
use crate::graph::{GraphClient, GraphError, NewEvent};
use crate::vault::{SchedulingState, TokenVault};
use crate::webex::WebexActing;

/// Both sides made.
#[derive(Debug, Clone)]
pub struct Scheduled {
    pub meeting: WebexMeeting,
    pub event_id: String,
    pub event_link: Option<String>,
}

/// Whether Graph's refusal is final (the event will never be written as asked), so the Webex
/// meeting must go; a lost or throttled answer is not: a retry finishes.
fn refused_for_good(error: &GraphError) -> bool {
    matches!(
        error,
        GraphError::Rejected { .. } | GraphError::AccessDenied(_) | GraphError::NotFound(_)
    )
}

/// What a scheduling needs beyond the request: who, with whom, in which language.
pub struct Scheduling<'a> {
    pub graph: &'a GraphClient,
    pub webex: &'a WebexActing,
    pub vault: &'a TokenVault,
    pub user: &'a UserKey,
    pub key: &'a IdempotencyKey,
}

impl Scheduling<'_> {
    /// Makes (or finds) both sides of `request` for `attendees`.
    pub async fn run(
        &self,
        request: &MeetingRequest,
        recurrence: Option<serde_json::Value>,
        attendees: &[(EmailAddress, String)],
    ) -> Result<Scheduled, AppError> {
        let key = self.key.as_str();
        let record = self.vault.begin_scheduling(self.user, key).await?;
        if record.state == SchedulingState::Undone {
            // Undone before: this is a fresh start under the same key.
            self.vault
                .advance_scheduling(self.user, key, SchedulingState::Started, None, None)
                .await?;
        }
        let meeting = self.webex.create_meeting(self.key, &request.draft).await?;
        self.vault
            .advance_scheduling(
                self.user,
                key,
                SchedulingState::WebexMade,
                Some(&meeting.id),
                None,
            )
            .await?;
        let body = JoinBlock::new(&meeting, request.lang).apply_to("<html><body></body></html>");
        let event = NewEvent {
            subject: &request.subject,
            start: request.draft.start,
            end: request.draft.end,
            zone: request.draft.timezone,
            attendees,
            location: &meeting.web_link,
            body_html: &body,
            transaction_id: key,
            webex_meeting_id: &meeting.id,
            recurrence,
        };
        match self.graph.create_event(&event).await {
            Ok((event_id, event_link)) => {
                self.vault
                    .advance_scheduling(
                        self.user,
                        key,
                        SchedulingState::Done,
                        None,
                        Some(&event_id),
                    )
                    .await?;
                tracing::info!(attendees = attendees.len(), "scheduled");
                Ok(Scheduled {
                    meeting,
                    event_id,
                    event_link,
                })
            }
            Err(refused) if refused_for_good(&refused) => {
                // Nothing may be left behind: the meeting goes again.
                self.webex.delete_meeting(&meeting.id).await?;
                self.vault
                    .advance_scheduling(self.user, key, SchedulingState::Undone, None, None)
                    .await?;
                tracing::info!("the event was refused; the Webex meeting was deleted again");
                Err(AppError::EventNotWritten(refused))
            }
            // Lost, throttled, unavailable: the record stays `webex_made`; a retry finishes.
            Err(passing) => Err(passing.into()),
        }
    }
}

/// Graph's `patternedRecurrence` for the event: the pane's pattern and range, with the range
/// starting on the first meeting's date in the organiser's zone.
pub fn event_recurrence(
    request: &MeetingRequest,
    input: &davet_api::RecurrenceInput,
) -> serde_json::Value {
    let first = request
        .draft
        .start
        .with_timezone(&request.draft.timezone)
        .date_naive();
    let mut value = serde_json::to_value(input).unwrap_or_default();
    value["range"]["startDate"] = first.format("%Y-%m-%d").to_string().into();
    value["range"]["recurrenceTimeZone"] = request.draft.timezone.name().into();
    value
}

/// How long a scheduling may stay half-made before the sweep undoes it, unless told otherwise
/// (`DAVET_SCHEDULING_SWEEP_MINUTES`, the same default).
pub const DEFAULT_SWEEP_AFTER: TimeDelta = TimeDelta::minutes(30);

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Half-made schedulings whose event turned out to exist: marked done.
    pub finished: usize,
    /// Half-made schedulings whose Webex meeting was deleted again (or was never made).
    pub undone: usize,
    /// Left for the next sweep (Webex or Graph could not be asked now).
    pub left: usize,
}

/// Finishes or undoes the schedulings left half-made for longer than `after`: a crash between
/// the two steps, and no retry since. The Webex meeting is deleted unless an event names it.
pub async fn sweep(
    graph: &crate::graph::GraphService,
    webex: &crate::webex::WebexService,
    vault: &TokenVault,
    after: TimeDelta,
) -> Result<Swept, AppError> {
    let mut swept = Swept::default();
    for unfinished in vault
        .unfinished_schedulings(after.num_milliseconds())
        .await?
    {
        match sweep_one(graph, webex, vault, &unfinished).await {
            Ok(true) => swept.finished += 1,
            Ok(false) => swept.undone += 1,
            Err(error) => {
                tracing::info!(code = ?error.public().code, "a half-made scheduling is left for the next sweep");
                swept.left += 1;
            }
        }
    }
    if swept != Swept::default() {
        tracing::info!(
            finished = swept.finished,
            undone = swept.undone,
            left = swept.left,
            "swept half-made schedulings"
        );
    }
    Ok(swept)
}

/// `true` when the scheduling was finished, `false` when undone.
async fn sweep_one(
    graph: &crate::graph::GraphService,
    webex: &crate::webex::WebexService,
    vault: &TokenVault,
    unfinished: &crate::vault::Unfinished,
) -> Result<bool, AppError> {
    let user = &unfinished.user;
    let client = graph.acting_for(user);
    let card = client.person_card(&user.user).await?;
    let address = EmailAddress::parse(&card.person.email)?;
    let acting = webex.acting_for(user, address);
    let tag = format!("davet:{}", unfinished.key);
    let meeting = match &unfinished.webex_meeting_id {
        Some(id) => match acting.meeting(id).await {
            Ok(meeting) => Some(meeting),
            Err(crate::webex::WebexError::NotFound) => None,
            Err(other) => return Err(other.into()),
        },
        // A create whose answer was lost: the tag finds it, if Webex made it.
        None => {
            let now = chrono::Utc::now();
            acting
                .list(
                    now - TimeDelta::days(2),
                    now + TimeDelta::days(400),
                    Some(&tag),
                )
                .await?
                .into_iter()
                .find(|m| m.integration_tags.contains(&tag))
        }
    };
    let Some(meeting) = meeting else {
        vault
            .advance_scheduling(user, &unfinished.key, SchedulingState::Undone, None, None)
            .await?;
        return Ok(false);
    };
    let hour = TimeDelta::hours(1);
    let events = client
        .webex_events(meeting.start - hour, meeting.end + hour)
        .await?;
    if let Some(event) = events.iter().find(|e| e.webex_meeting_id == meeting.id) {
        vault
            .advance_scheduling(
                user,
                &unfinished.key,
                SchedulingState::Done,
                Some(&meeting.id),
                Some(&event.id),
            )
            .await?;
        return Ok(true);
    }
    acting.delete_meeting(&meeting.id).await?;
    vault
        .advance_scheduling(user, &unfinished.key, SchedulingState::Undone, None, None)
        .await?;
    Ok(false)
}

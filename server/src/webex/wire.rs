//! Webex's JSON, as Cisco's OpenAPI document spells it, and its error body (`message`,
//! `errors[].description`, `trackingId`) turned into [`WebexError`]s.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};

use super::WebexError;
use crate::domain::webex::{
    CallIn, JoinBeforeHost, Lobby, MeetingDraft, PersonalRoom, WebexAccount, WebexMeeting,
    WebexSite, WebexTemplate,
};

#[derive(Debug, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    errors: Vec<ErrorItem>,
    #[serde(rename = "trackingId", default)]
    tracking_id: String,
}

#[derive(Debug, Deserialize)]
struct ErrorItem {
    #[serde(default)]
    description: String,
}

/// A refusal as a domain error. Webex's descriptions name rules, never a token; the tracking
/// id goes to the log so an admin can hand it to Cisco.
pub(super) fn to_error(status: StatusCode, body: &str) -> WebexError {
    let parsed: Option<ErrorBody> = serde_json::from_str(body).ok();
    let description = parsed
        .as_ref()
        .and_then(|b| b.errors.first().map(|e| e.description.clone()))
        .filter(|d| !d.is_empty())
        .or_else(|| parsed.as_ref().map(|b| b.message.clone()))
        .unwrap_or_else(|| status.to_string());
    let tracking = parsed
        .as_ref()
        .map(|b| b.tracking_id.as_str())
        .unwrap_or_default();
    tracing::info!(
        status = status.as_u16(),
        tracking_id = tracking,
        "Webex refused a request"
    );
    // Which rule was broken is read from Webex's words, message and description both.
    let lower = format!(
        "{} {description}",
        parsed
            .as_ref()
            .map(|b| b.message.as_str())
            .unwrap_or_default()
    )
    .to_lowercase();
    match status {
        StatusCode::TOO_MANY_REQUESTS => WebexError::Throttled,
        StatusCode::UNAUTHORIZED => WebexError::ConnectionRequired,
        StatusCode::NOT_FOUND => WebexError::NotFound,
        StatusCode::FORBIDDEN if lower.contains("limit") => WebexError::CreationLimit,
        StatusCode::FORBIDDEN => WebexError::Forbidden(description),
        StatusCode::BAD_REQUEST if lower.contains("password validation") => {
            WebexError::PasswordRefused(description)
        }
        StatusCode::BAD_REQUEST if lower.contains("host account") => {
            // "The cohost x@y does not have a host account on the site …": the address.
            let named = description
                .split_whitespace()
                .find(|w| w.contains('@'))
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '@' && c != '.'))
                .unwrap_or_default()
                .to_owned();
            WebexError::NoAccount(vec![named])
        }
        s if s.is_server_error() => WebexError::Unavailable(format!("{s}: {description}")),
        _ => WebexError::Rejected(description),
    }
}

/// The token endpoint's answer.
#[derive(Debug, Deserialize)]
pub(super) struct TokenAnswer {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Person {
    id: String,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    display_name: String,
}

impl From<Person> for WebexAccount {
    fn from(p: Person) -> Self {
        Self {
            id: p.id,
            email: p.emails.into_iter().next().unwrap_or_default(),
            display_name: p.display_name,
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct Items<T> {
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Sites {
    pub sites: Vec<Site>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Site {
    site_url: String,
    default: bool,
}

impl From<Site> for WebexSite {
    fn from(s: Site) -> Self {
        Self {
            url: s.site_url,
            default: s.default,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Template {
    id: String,
    name: String,
    site_url: String,
    is_default: bool,
}

impl From<Template> for WebexTemplate {
    fn from(t: Template) -> Self {
        Self {
            id: t.id,
            name: t.name,
            site_url: t.site_url,
            is_default: t.is_default,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Room {
    topic: String,
    personal_meeting_room_link: String,
    sip_address: Option<String>,
}

impl From<Room> for PersonalRoom {
    fn from(r: Room) -> Self {
        Self {
            link: r.personal_meeting_room_link,
            topic: r.topic,
            sip_address: r.sip_address,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Telephony {
    access_code: Option<String>,
    #[serde(default)]
    call_in_numbers: Vec<CallInNumber>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallInNumber {
    label: String,
    call_in_number: String,
    toll_type: String,
}

/// A meeting series or an occurrence, as `GET`, `POST` and `PATCH` answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Meeting {
    id: String,
    #[serde(default)]
    meeting_number: String,
    title: String,
    #[serde(default)]
    password: String,
    web_link: String,
    sip_address: Option<String>,
    site_url: String,
    host_email: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    timezone: String,
    recurrence: Option<String>,
    telephony: Option<Telephony>,
    #[serde(default)]
    integration_tags: Vec<String>,
}

impl From<Meeting> for WebexMeeting {
    fn from(m: Meeting) -> Self {
        let (access_code, call_in) = match m.telephony {
            Some(t) => (
                t.access_code,
                t.call_in_numbers
                    .into_iter()
                    .map(|n| CallIn {
                        label: n.label,
                        number: n.call_in_number,
                        toll_free: n.toll_type == "tollFree",
                    })
                    .collect(),
            ),
            None => (None, Vec::new()),
        };
        Self {
            id: m.id,
            meeting_number: m.meeting_number,
            title: m.title,
            password: m.password,
            web_link: m.web_link,
            sip_address: m.sip_address,
            site_url: m.site_url,
            host_email: m.host_email,
            start: m.start,
            end: m.end,
            timezone: m.timezone,
            recurrence: m.recurrence,
            access_code,
            call_in,
            integration_tags: m.integration_tags,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Invitee<'a> {
    email: &'a str,
    co_host: bool,
}

/// A create (`POST`) or an update (`PATCH`) body, in the spec's spelling.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MeetingBody<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    agenda: Option<&'a str>,
    start: String,
    end: String,
    timezone: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    recurrence: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    site_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<&'a str>,
    enabled_join_before_host: bool,
    join_before_host_minutes: u8,
    enable_connect_audio_before_host: bool,
    enabled_auto_record_meeting: bool,
    allow_any_user_to_be_co_host: bool,
    unlocked_meeting_join_security: &'static str,
    reminder_time: u16,
    scheduled_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invitees: Vec<Invitee<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    integration_tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host_email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audio_connection_options: Option<AudioOptions>,
    send_email: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AudioOptions {
    audio_connection_type: &'static str,
    enabled_toll_free_call_in: bool,
}

/// Times as Webex takes them: ISO 8601 in UTC, to the minute.
fn iso(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:00Z").to_string()
}

impl<'a> MeetingBody<'a> {
    pub fn new(draft: &'a MeetingDraft, tag: Option<String>, host: Option<&'a str>) -> Self {
        let (enabled_join_before_host, join_before_host_minutes) = match draft.join_before_host {
            JoinBeforeHost::No => (false, 0),
            JoinBeforeHost::Minutes(m) => (true, m),
        };
        Self {
            title: &draft.title,
            agenda: draft.agenda.as_deref(),
            start: iso(draft.start),
            end: iso(draft.end),
            timezone: draft.timezone.name(),
            recurrence: draft.recurrence.as_deref(),
            site_url: draft.site_url.as_deref(),
            template_id: draft.template_id.as_deref(),
            password: draft.password.as_deref(),
            enabled_join_before_host,
            join_before_host_minutes,
            enable_connect_audio_before_host: draft.connect_audio_before_host,
            enabled_auto_record_meeting: draft.auto_record,
            allow_any_user_to_be_co_host: draft.any_user_may_be_cohost,
            unlocked_meeting_join_security: match draft.lobby {
                Lobby::AllowJoin => "allowJoin",
                Lobby::WaitInLobby => "allowJoinWithLobby",
                Lobby::Block => "blockFromJoin",
            },
            reminder_time: draft.reminder_minutes,
            scheduled_type: if draft.personal_room {
                "personalRoomMeeting"
            } else {
                "meeting"
            },
            invitees: draft
                .cohosts
                .iter()
                .map(|c| Invitee {
                    email: c.as_str(),
                    co_host: true,
                })
                .collect(),
            integration_tags: tag.into_iter().collect(),
            host_email: host,
            audio_connection_options: draft.audio.map(|kind| AudioOptions {
                audio_connection_type: kind,
                enabled_toll_free_call_in: draft.toll_free_call_in,
            }),
            // Outlook sends the invitation; Webex's own e-mail would be a second one.
            send_email: false,
        }
    }
}

/// A `PATCH` that moves or renames a meeting and leaves every option as it is.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct MoveBody<'a> {
    pub title: &'a str,
    pub start: String,
    pub end: String,
    pub timezone: &'a str,
    pub send_email: bool,
}

impl<'a> MoveBody<'a> {
    pub fn new(
        title: &'a str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        timezone: &'a str,
    ) -> Self {
        Self {
            title,
            start: iso(start),
            end: iso(end),
            timezone,
            send_email: false,
        }
    }
}

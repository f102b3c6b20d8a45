//! Scheduling: what the pane asks for (a meeting's subject, times, recurrence and Webex
//! options) and what the server answers (the Webex meeting and its join block).

use serde::{Deserialize, Serialize};

/// `POST` (appointment compose): create, or with `existingMeetingId` update, only the Webex
/// meeting; the pane writes the Outlook item itself. Takes an `Idempotency-Key` header.
pub const WEBEX_MEETINGS_PATH: &str = "/api/webex/meetings";
/// `GET`: the Webex meeting an appointment names; `DELETE`: it deleted (appointment compose).
pub const WEBEX_MEETING_PATH: &str = "/api/webex/meetings/{id}";
/// The header that makes one scheduling one, however often it is sent.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// How people not on the invitation get into an unlocked meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum LobbyChoice {
    AllowJoin,
    #[default]
    WaitInLobby,
    Block,
}

/// How attendees join the meeting's audio (Webex's `audioConnectionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum AudioConnection {
    /// Computer audio or a phone.
    WebexAudio,
    /// Computer audio only.
    Voip,
    /// Another teleconference service.
    Other,
}

/// The Webex options of a meeting, as the organiser picked them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct WebexOptions {
    /// In the organiser's personal room rather than a meeting of its own.
    pub personal_room: bool,
    /// One of the organiser's sites; their default when left out.
    pub site_url: Option<String>,
    pub template_id: Option<String>,
    /// Left out, Webex makes one by the site's rules.
    pub password: Option<String>,
    /// Join before the host: left out, nobody does; else 0, 5, 10 or 15 minutes early.
    pub join_before_host_minutes: Option<u8>,
    pub connect_audio_before_host: bool,
    pub auto_record: bool,
    pub any_user_may_be_cohost: bool,
    /// Addresses of named cohosts; each needs a Webex account.
    pub cohosts: Vec<String>,
    pub lobby: LobbyChoice,
    /// Minutes before the start Webex reminds the host: 0 (none), 5, 10, 15, 30 or 60.
    pub reminder_minutes: Option<u16>,
    /// How attendees join the audio; the site's default when left out.
    pub audio: Option<AudioConnection>,
    /// Show toll-free call-in numbers (with Webex audio).
    pub toll_free_call_in: bool,
}

/// A recurrence as Graph writes an event's (`patternedRecurrence`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecurrenceInput {
    pub pattern: RecurrencePattern,
    pub range: RecurrenceRange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecurrencePattern {
    /// `daily`, `weekly`, `absoluteMonthly`, `relativeMonthly`, `absoluteYearly`, `relativeYearly`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default = "one")]
    pub interval: u16,
    /// `monday` … `sunday`.
    #[serde(default)]
    pub days_of_week: Vec<String>,
    #[serde(default)]
    pub day_of_month: u8,
    #[serde(default)]
    pub month: u8,
    /// `first` … `last`.
    #[serde(default)]
    pub index: Option<String>,
}

/// A Webex password by the rules every site keeps, checked by the server before Webex and by the pane beside the field (a site may add its own: Webex says so).
pub fn webex_password_ok(password: &str) -> bool {
    let n = password.chars().count();
    (8..=32).contains(&n)
        && !password.chars().any(char::is_whitespace)
        && password.chars().any(|c| c.is_uppercase())
        && password.chars().any(|c| c.is_lowercase())
        && password.chars().any(|c| c.is_ascii_digit())
}

fn one() -> u16 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecurrenceRange {
    /// `endDate`, `noEnd` or `numbered`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub number_of_occurrences: u16,
}

/// A Webex meeting to create or update for an appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebexMeetingRequest {
    /// The Outlook subject (at most 255 characters); Webex's title is it, cut to 128.
    #[cfg_attr(
        feature = "schema",
        schemars(length(min = 1, max = 255), regex(pattern = "\\S"))
    )]
    pub subject: String,
    /// RFC 3339 (Office.js gives UTC).
    pub start: String,
    pub end: String,
    /// The organiser's IANA zone (`Europe/Istanbul`).
    pub time_zone: String,
    #[serde(default)]
    pub recurrence: Option<RecurrenceInput>,
    #[serde(default)]
    pub options: WebexOptions,
    /// The meeting the item already has: then it is updated, not made.
    #[serde(default)]
    pub existing_meeting_id: Option<String>,
    /// The join block's language (the organiser's Office language): `en` or `tr`.
    #[serde(default)]
    pub lang: Option<String>,
}

/// The Webex meeting, as the pane shows it and puts it in the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebexMeetingInfo {
    pub id: String,
    pub meeting_number: String,
    pub web_link: String,
    pub password: String,
    pub site_url: String,
    pub host_email: String,
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct JoinBlockInfo {
    /// Outlook-safe HTML, with the marker that lets it be replaced and removed.
    pub html: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebexMeetingAnswer {
    pub meeting: WebexMeetingInfo,
    pub join_block: JoinBlockInfo,
}

/// `POST` (message compose, or without Outlook): Davet makes the Webex meeting, then the
/// organiser's Outlook event with the attendees, the location and the join block. Takes an
/// `Idempotency-Key` header.
pub const MEETINGS_PATH: &str = "/api/meetings";

/// A meeting with its invitees, for Davet to write whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventMeetingRequest {
    pub meeting: WebexMeetingRequest,
    /// People, groups and contact folders to invite: expanded now, never kept.
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = 50)))]
    pub selection: Vec<crate::Selection>,
}

/// `PATCH` and `DELETE`: one meeting Davet wrote, by its event id (`{id}`).
pub const MEETING_PATH: &str = "/api/meetings/{id}";

/// A meeting changed: as the body states it, on both sides; attendees only when a selection is
/// given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventMeetingUpdate {
    pub meeting: WebexMeetingRequest,
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = 50)))]
    pub selection: Option<Vec<crate::Selection>>,
}

/// What came of scheduling from a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ScheduleOutcome {
    /// Both made: the Webex meeting and the event (Outlook sends the invitations).
    #[serde(rename_all = "camelCase")]
    Scheduled {
        meeting: Box<WebexMeetingInfo>,
        event_id: String,
        /// Outlook on the web's address of the event, when Graph gives one.
        event_link: Option<String>,
        attendees: u32,
        /// What was read to find the attendees.
        #[serde(default)]
        receipt: crate::Receipt,
    },
    /// Too many people: nothing was made; invite the groups by their own address.
    #[serde(rename_all = "camelCase")]
    TooMany { verdict: crate::RecipientVerdict },
}

/// `POST`: put the Webex meeting back in step with the Outlook event (its times and subject).
pub const MEETING_REPAIR_PATH: &str = "/api/meetings/{id}/repair";

/// Whether the two sides of a meeting agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Agreement {
    /// The same times and title on both sides.
    InStep,
    /// The times or the title differ (someone moved the event in Outlook, or changed the
    /// meeting in Webex): `repair` puts Webex back in step with Outlook.
    Differ,
    /// The Webex meeting is gone (deleted in Webex).
    WebexMissing,
}

/// One of the organiser's events that carries a Webex meeting, with its Webex state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListedMeeting {
    pub event_id: String,
    pub subject: String,
    /// RFC 3339, UTC: the event's.
    pub start: String,
    pub end: String,
    pub webex: Option<WebexMeetingInfo>,
    pub agreement: Agreement,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct MeetingList {
    pub meetings: Vec<ListedMeeting>,
}

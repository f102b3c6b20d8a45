//! Webex as Davet reasons about it: the meeting it asks for ([`MeetingDraft`]), the meeting Webex
//! made ([`WebexMeeting`]), the organiser's Webex account, sites, templates and personal room,
//! and the key that makes a create happen once ([`IdempotencyKey`]).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::email::EmailAddress;

/// Webex's longest title.
pub const WEBEX_TITLE_MAX: usize = 128;

/// What makes one scheduling one: the pane's `Idempotency-Key`, 16 to 64 characters of
/// `A-Z a-z 0-9 - _`. Webex keeps it as an `integrationTags` entry, so a create whose answer
/// was lost is found again instead of made twice.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an idempotency key is 16 to 57 characters of A-Z, a-z, 0-9, - and _")]
pub struct NotAnIdempotencyKey;

impl IdempotencyKey {
    /// The prefix of Davet's tags: Webex tags are at most 64 characters.
    const TAG_PREFIX: &'static str = "davet:";

    pub fn parse(text: &str) -> Result<Self, NotAnIdempotencyKey> {
        let ok = (16..=64 - Self::TAG_PREFIX.len()).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(text.to_owned())).ok_or(NotAnIdempotencyKey)
    }

    /// A fresh key (for callers that schedule without the pane).
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// The `integrationTags` entry that carries it.
    pub fn tag(&self) -> String {
        format!("{}{}", Self::TAG_PREFIX, self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who may join before the host arrives, and how early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JoinBeforeHost {
    #[default]
    No,
    /// Yes, this many minutes before the start: 0, 5, 10 or 15 (Webex's choices).
    Minutes(u8),
}

/// How people not on the invitation get into an unlocked meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lobby {
    /// They join at once.
    AllowJoin,
    /// They wait in the lobby until admitted (Webex's default).
    #[default]
    WaitInLobby,
    /// They cannot join.
    Block,
}

/// The meeting Davet asks Webex for.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingDraft {
    /// At most [`WEBEX_TITLE_MAX`] characters (see [`webex_title`]).
    pub title: String,
    pub agenda: Option<String>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The organiser's zone: Webex writes the invitation's times in it.
    pub timezone: Tz,
    /// An RRULE, for a series.
    pub recurrence: Option<String>,
    /// The site, when the person has several; their default otherwise.
    pub site_url: Option<String>,
    pub template_id: Option<String>,
    /// Left out, Webex makes one by the site's rules.
    pub password: Option<String>,
    pub join_before_host: JoinBeforeHost,
    pub connect_audio_before_host: bool,
    pub auto_record: bool,
    pub any_user_may_be_cohost: bool,
    pub cohosts: Vec<EmailAddress>,
    pub lobby: Lobby,
    /// Minutes before the start Webex reminds the host (0: no reminder).
    pub reminder_minutes: u16,
    /// In the organiser's personal room instead of a meeting of its own.
    pub personal_room: bool,
    /// How attendees join the audio (`webexAudio`, `VoIP`, `other`), the site's default when
    /// `None`; and whether toll-free numbers are shown.
    pub audio: Option<&'static str>,
    pub toll_free_call_in: bool,
}

impl MeetingDraft {
    /// A one-time meeting with Webex's defaults for everything else.
    pub fn new(title: &str, start: DateTime<Utc>, end: DateTime<Utc>, timezone: Tz) -> Self {
        Self {
            title: webex_title(title),
            agenda: None,
            start,
            end,
            timezone,
            recurrence: None,
            site_url: None,
            template_id: None,
            password: None,
            join_before_host: JoinBeforeHost::No,
            connect_audio_before_host: false,
            auto_record: false,
            any_user_may_be_cohost: false,
            cohosts: Vec::new(),
            lobby: Lobby::WaitInLobby,
            reminder_minutes: 10,
            personal_room: false,
            audio: None,
            toll_free_call_in: false,
        }
    }
}

/// An Outlook subject as a Webex title: as it is when it fits, else cut at a character
/// boundary with an ellipsis, at most [`WEBEX_TITLE_MAX`] characters in all.
pub fn webex_title(subject: &str) -> String {
    let subject = subject.trim();
    if subject.chars().count() <= WEBEX_TITLE_MAX {
        return subject.to_owned();
    }
    let kept: String = subject.chars().take(WEBEX_TITLE_MAX - 1).collect();
    format!("{}…", kept.trim_end())
}

/// A number to call into a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallIn {
    pub label: String,
    pub number: String,
    pub toll_free: bool,
}

/// A meeting as Webex made it: what an invitation needs to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebexMeeting {
    /// The series' id (a one-time meeting is a series of one).
    pub id: String,
    pub meeting_number: String,
    pub title: String,
    pub password: String,
    pub web_link: String,
    pub sip_address: Option<String>,
    pub site_url: String,
    pub host_email: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub timezone: String,
    pub recurrence: Option<String>,
    pub access_code: Option<String>,
    pub call_in: Vec<CallIn>,
    pub integration_tags: Vec<String>,
}

/// A Webex account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebexAccount {
    pub id: String,
    pub email: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebexSite {
    pub url: String,
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebexTemplate {
    pub id: String,
    pub name: String,
    pub site_url: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalRoom {
    pub link: String,
    pub topic: String,
    pub sip_address: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_subject_is_cut_to_webex_length_with_an_ellipsis_and_a_short_one_is_kept() {
        assert_eq!(webex_title("  Haftalık ekip  "), "Haftalık ekip");
        let long = "Çeyrek planlaması ".repeat(10);
        let title = webex_title(&long);
        assert_eq!(
            title.chars().count(),
            WEBEX_TITLE_MAX.min(title.chars().count())
        );
        assert!(title.chars().count() <= WEBEX_TITLE_MAX, "{title}");
        assert!(title.ends_with('…'));
        assert!(long.starts_with(title.trim_end_matches('…')));
    }

    #[test]
    fn an_idempotency_key_fits_a_webex_tag_and_nothing_else_passes() {
        let key = IdempotencyKey::parse("0f8e7d6c-5b4a-4392-8170-abcdefabcdef").expect("a key");
        assert_eq!(key.tag(), "davet:0f8e7d6c-5b4a-4392-8170-abcdefabcdef");
        assert!(key.tag().len() <= 64);
        assert!(IdempotencyKey::parse("short").is_err());
        assert!(IdempotencyKey::parse(&"a".repeat(59)).is_err());
        assert!(IdempotencyKey::parse("with space in the key!").is_err());
        assert!(IdempotencyKey::parse(IdempotencyKey::generate().as_str()).is_ok());
    }
}

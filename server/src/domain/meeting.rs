//! What an organiser asks for, parsed once and checked by Outlook's and Webex's rules before any
//! call: the subject (Outlook's 255 characters; the Webex title cut to 128), the times in their
//! zone, the recurrence, and the Webex options.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;
use davet_api as api;
use davet_api::Lang;

use super::email::EmailAddress;
use super::recurrence::{End, Pattern, Recurrence, RecurrenceNotSupported, WeekIndex};
use super::webex::{JoinBeforeHost, Lobby, MeetingDraft, webex_title};

/// Outlook's longest subject.
pub const SUBJECT_MAX: usize = 255;
/// Webex's shortest and longest meeting.
pub const SHORTEST: TimeDelta = TimeDelta::minutes(10);
pub const LONGEST: TimeDelta = TimeDelta::minutes(23 * 60 + 59);
/// Most named cohosts one meeting takes.
pub const COHOSTS_MAX: usize = 50;

/// What is wrong with a meeting asked for, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    #[error("the subject is empty")]
    NoSubject,
    #[error("the subject is longer than {SUBJECT_MAX} characters")]
    SubjectTooLong,
    #[error("`{0}` is not a time (RFC 3339)")]
    NotATime(String),
    #[error("`{0}` is not an IANA time zone")]
    NotAZone(String),
    #[error("the meeting ends before it starts")]
    EndsBeforeStart,
    #[error("a Webex meeting lasts from 10 minutes to 23 hours 59 minutes")]
    Length,
    #[error("the meeting starts in the past")]
    InThePast,
    #[error("join before host is 0, 5, 10 or 15 minutes early")]
    JoinBeforeHostMinutes,
    #[error("the reminder is 0, 5, 10, 15, 30 or 60 minutes before")]
    Reminder,
    #[error(
        "a Webex password is 8 to 32 characters without spaces, with upper and lower case letters and a digit"
    )]
    Password,
    #[error("at most {COHOSTS_MAX} cohosts")]
    TooManyCohosts,
    #[error("cohost `{0}` is not an email address")]
    Cohost(String),
    #[error("a personal room meeting cannot repeat: the room is always there")]
    RecurringPersonalRoom,
    #[error(transparent)]
    Recurrence(#[from] RecurrenceNotSupported),
}

/// A meeting to schedule in Webex, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRequest {
    /// The Outlook subject, as written.
    pub subject: String,
    /// The join block's language (the organiser's Office language; English unless told).
    pub lang: Lang,
    pub draft: MeetingDraft,
    pub recurrence: Option<Recurrence>,
}

fn time(text: &str) -> Result<DateTime<Utc>, MeetingError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| MeetingError::NotATime(text.chars().take(40).collect()))
}

fn weekday(name: &str) -> Result<Weekday, RecurrenceNotSupported> {
    match name.to_ascii_lowercase().as_str() {
        "monday" => Ok(Weekday::Mon),
        "tuesday" => Ok(Weekday::Tue),
        "wednesday" => Ok(Weekday::Wed),
        "thursday" => Ok(Weekday::Thu),
        "friday" => Ok(Weekday::Fri),
        "saturday" => Ok(Weekday::Sat),
        "sunday" => Ok(Weekday::Sun),
        other => Err(RecurrenceNotSupported(format!("the day `{other}`"))),
    }
}

/// Graph's `patternedRecurrence` as a [`Recurrence`], or which part Webex cannot hold.
pub fn recurrence(input: &api::RecurrenceInput) -> Result<Recurrence, RecurrenceNotSupported> {
    let p = &input.pattern;
    let refuse = |part: String| Err(RecurrenceNotSupported(part));
    let interval = u8::try_from(p.interval)
        .map_err(|_| RecurrenceNotSupported(format!("an interval of {} (1 to 99)", p.interval)))?;
    let one_day = || -> Result<Weekday, RecurrenceNotSupported> {
        match p.days_of_week.as_slice() {
            [day] => weekday(day),
            _ => Err(RecurrenceNotSupported(
                "a monthly or yearly pattern on other than one weekday".into(),
            )),
        }
    };
    let index = || -> Result<WeekIndex, RecurrenceNotSupported> {
        let name = p.index.as_deref().unwrap_or("first");
        WeekIndex::from_graph(name)
            .ok_or_else(|| RecurrenceNotSupported(format!("the week `{name}`")))
    };
    let pattern = match p.kind.as_str() {
        "daily" => Pattern::Daily { interval },
        "weekly" => Pattern::Weekly {
            interval,
            days: p
                .days_of_week
                .iter()
                .map(|d| weekday(d))
                .collect::<Result<_, _>>()?,
        },
        "absoluteMonthly" => Pattern::MonthlyOnDate {
            interval,
            day: p.day_of_month,
        },
        "relativeMonthly" => Pattern::MonthlyOnWeekday {
            interval,
            index: index()?,
            day: one_day()?,
        },
        "absoluteYearly" if interval == 1 => Pattern::YearlyOnDate {
            month: p.month,
            day: p.day_of_month,
        },
        "relativeYearly" if interval == 1 => Pattern::YearlyOnWeekday {
            month: p.month,
            index: index()?,
            day: one_day()?,
        },
        "absoluteYearly" | "relativeYearly" => {
            return refuse(format!(
                "every {interval} years (Webex repeats yearly only)"
            ));
        }
        other => return refuse(format!("the pattern `{other}`")),
    };
    let range = &input.range;
    let end = match range.kind.as_str() {
        "noEnd" => End::Never,
        "numbered" => End::After(range.number_of_occurrences),
        "endDate" => {
            let text = range.end_date.as_deref().unwrap_or_default();
            End::Date(
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map_err(|_| RecurrenceNotSupported(format!("the end date `{text}`")))?,
            )
        }
        other => return refuse(format!("the range `{other}`")),
    };
    Recurrence { pattern, end }.validated()
}

impl MeetingRequest {
    /// Checks a request at `now` (a start in the past is refused).
    pub fn parse(
        input: &api::WebexMeetingRequest,
        now: DateTime<Utc>,
    ) -> Result<Self, MeetingError> {
        let subject = input.subject.trim();
        if subject.is_empty() {
            return Err(MeetingError::NoSubject);
        }
        if subject.chars().count() > SUBJECT_MAX {
            return Err(MeetingError::SubjectTooLong);
        }
        let start = time(&input.start)?;
        let end = time(&input.end)?;
        let zone: Tz = input
            .time_zone
            .parse()
            .map_err(|_| MeetingError::NotAZone(input.time_zone.chars().take(60).collect()))?;
        if end <= start {
            return Err(MeetingError::EndsBeforeStart);
        }
        if end - start < SHORTEST || end - start > LONGEST {
            return Err(MeetingError::Length);
        }
        // Webex keeps times to the minute; a start within the current minute is now.
        if start + TimeDelta::minutes(1) < now {
            return Err(MeetingError::InThePast);
        }
        let options = &input.options;
        let join_before_host = match options.join_before_host_minutes {
            None => JoinBeforeHost::No,
            Some(m @ (0 | 5 | 10 | 15)) => JoinBeforeHost::Minutes(m),
            Some(_) => return Err(MeetingError::JoinBeforeHostMinutes),
        };
        let reminder_minutes = match options.reminder_minutes {
            None => 10,
            Some(m @ (0 | 5 | 10 | 15 | 30 | 60)) => m,
            Some(_) => return Err(MeetingError::Reminder),
        };
        let password = options
            .password
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        if password.is_some_and(|p| !api::webex_password_ok(p)) {
            return Err(MeetingError::Password);
        }
        if options.cohosts.len() > COHOSTS_MAX {
            return Err(MeetingError::TooManyCohosts);
        }
        let mut cohosts: Vec<EmailAddress> = Vec::new();
        for text in &options.cohosts {
            let address = EmailAddress::parse(text)
                .map_err(|_| MeetingError::Cohost(text.chars().take(80).collect()))?;
            if !cohosts.contains(&address) {
                cohosts.push(address);
            }
        }
        let recurrence = input.recurrence.as_ref().map(recurrence).transpose()?;
        if options.personal_room && recurrence.is_some() {
            return Err(MeetingError::RecurringPersonalRoom);
        }
        let mut draft = MeetingDraft::new(subject, start, end, zone);
        draft.title = webex_title(subject);
        draft.recurrence = recurrence.as_ref().map(Recurrence::to_rrule);
        draft.site_url = options.site_url.clone().filter(|s| !s.is_empty());
        draft.template_id = options.template_id.clone().filter(|s| !s.is_empty());
        draft.password = password.map(str::to_owned);
        draft.join_before_host = join_before_host;
        draft.connect_audio_before_host = options.connect_audio_before_host;
        draft.auto_record = options.auto_record;
        draft.any_user_may_be_cohost = options.any_user_may_be_cohost;
        draft.cohosts = cohosts;
        draft.lobby = match options.lobby {
            api::LobbyChoice::AllowJoin => Lobby::AllowJoin,
            api::LobbyChoice::WaitInLobby => Lobby::WaitInLobby,
            api::LobbyChoice::Block => Lobby::Block,
        };
        draft.reminder_minutes = reminder_minutes;
        draft.personal_room = options.personal_room;
        draft.audio = options.audio.map(|a| match a {
            api::AudioConnection::WebexAudio => "webexAudio",
            api::AudioConnection::Voip => "VoIP",
            api::AudioConnection::Other => "other",
        });
        draft.toll_free_call_in = options.toll_free_call_in;
        Ok(Self {
            subject: subject.to_owned(),
            lang: input
                .lang
                .as_deref()
                .and_then(Lang::parse)
                .unwrap_or(Lang::En),
            draft,
            recurrence,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(
        change: impl FnOnce(&mut api::WebexMeetingRequest),
    ) -> Result<MeetingRequest, MeetingError> {
        let mut input = api::WebexMeetingRequest {
            subject: "Haftalık ekip".into(),
            start: "2026-12-02T07:00:00Z".into(),
            end: "2026-12-02T08:00:00Z".into(),
            time_zone: "Europe/Istanbul".into(),
            recurrence: None,
            options: api::WebexOptions::default(),
            existing_meeting_id: None,
            lang: None,
        };
        change(&mut input);
        let now = DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z")
            .expect("a time")
            .with_timezone(&Utc);
        MeetingRequest::parse(&input, now)
    }

    #[test]
    fn a_plain_request_becomes_a_webex_draft_in_the_organisers_zone() {
        let meeting = request(|_| {}).expect("valid");
        assert_eq!(meeting.draft.title, "Haftalık ekip");
        assert_eq!(meeting.draft.timezone, chrono_tz::Europe::Istanbul);
        assert_eq!(meeting.draft.end - meeting.draft.start, TimeDelta::hours(1));
        assert_eq!(meeting.draft.reminder_minutes, 10);
        let long = request(|r| r.subject = "Ç".repeat(200)).expect("fits Outlook");
        assert_eq!(long.draft.title.chars().count(), 128);
        assert_eq!(long.subject.chars().count(), 200);
    }

    #[test]
    fn each_webex_rule_is_refused_before_any_call_naming_what_is_wrong() {
        use MeetingError as E;
        assert_eq!(request(|r| r.subject = " ".into()), Err(E::NoSubject));
        assert_eq!(
            request(|r| r.subject = "x".repeat(256)),
            Err(E::SubjectTooLong)
        );
        assert_eq!(
            request(|r| r.end = "2026-12-02T07:05:00Z".into()),
            Err(E::Length)
        );
        assert_eq!(
            request(|r| r.end = "2026-12-03T07:00:00Z".into()),
            Err(E::Length)
        );
        assert_eq!(
            request(|r| r.end = "2026-12-02T06:00:00Z".into()),
            Err(E::EndsBeforeStart)
        );
        assert_eq!(
            request(|r| {
                r.start = "2026-11-30T07:00:00Z".into();
                r.end = "2026-11-30T08:00:00Z".into();
            }),
            Err(E::InThePast)
        );
        assert_eq!(
            request(|r| r.time_zone = "Mars/Olympus".into()),
            Err(E::NotAZone("Mars/Olympus".into()))
        );
        assert_eq!(
            request(|r| r.options.join_before_host_minutes = Some(7)),
            Err(E::JoinBeforeHostMinutes)
        );
        assert_eq!(
            request(|r| r.options.reminder_minutes = Some(7)),
            Err(E::Reminder)
        );
        assert_eq!(
            request(|r| r.options.password = Some("kisaparola".into())),
            Err(E::Password)
        );
        assert!(request(|r| r.options.password = Some("Uzun1Parola".into())).is_ok());
        assert_eq!(
            request(|r| r.options.cohosts = vec!["not an address".into()]),
            Err(E::Cohost("not an address".into()))
        );
        let weekly = api::RecurrenceInput {
            pattern: api::RecurrencePattern {
                kind: "weekly".into(),
                interval: 1,
                days_of_week: vec!["monday".into(), "wednesday".into()],
                day_of_month: 0,
                month: 0,
                index: None,
            },
            range: api::RecurrenceRange {
                kind: "numbered".into(),
                end_date: None,
                number_of_occurrences: 10,
            },
        };
        let series = request(|r| r.recurrence = Some(weekly.clone())).expect("a weekly series");
        assert_eq!(
            series.draft.recurrence.as_deref(),
            Some("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=10")
        );
        assert_eq!(
            request(|r| {
                r.recurrence = Some(weekly.clone());
                r.options.personal_room = true;
            }),
            Err(E::RecurringPersonalRoom)
        );
        let mut hourly = weekly.clone();
        hourly.pattern.kind = "hourly".into();
        assert!(matches!(
            request(|r| r.recurrence = Some(hourly)),
            Err(E::Recurrence(RecurrenceNotSupported(part))) if part.contains("hourly")
        ));
    }
}

//! Meetings: create, list, get, `PATCH` and `PUT` update, delete; one-time meetings and series
//! (occurrences have ids of their own, `{seriesId}_{start in UTC}`, and can be changed or
//! cancelled alone), with the rules Cisco's spec states, each refused as Webex refuses it.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::people::{all_templates, call_in_numbers, digits};
use super::{Answered, Caller, Failure, Params, Service, answer, error, invalid, not_found};
use crate::recurrence::Rule;

const READ: &str = "meeting:schedules_read";
const WRITE: &str = "meeting:schedules_write";
const MAX_TITLE: usize = 128;
const MAX_AGENDA: usize = 1300;
const MAX_TAGS: usize = 3;
const MAX_TAG: usize = 64;

/// The options a meeting keeps as they were given, with their defaults (and so their JSON
/// kinds).
fn option_defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("enabledAutoRecordMeeting", json!(false)),
        ("allowAnyUserToBeCoHost", json!(false)),
        ("enabledJoinBeforeHost", json!(false)),
        ("enableConnectAudioBeforeHost", json!(false)),
        ("joinBeforeHostMinutes", json!(0)),
        ("excludePassword", json!(false)),
        ("publicMeeting", json!(false)),
        ("reminderTime", json!(10)),
        ("unlockedMeetingJoinSecurity", json!("allowJoinWithLobby")),
        ("enableAutomaticLock", json!(false)),
        ("allowFirstUserToBeCoHost", json!(false)),
        ("allowAuthenticatedDevices", json!(false)),
        (
            "audioConnectionOptions",
            json!({
                "audioConnectionType": "webexAudio",
                "enabledTollFreeCallIn": false,
                "enabledGlobalCallIn": true,
                "enabledAudienceCallBack": false,
                "entryAndExitTone": "beep",
                "allowHostToUnmuteParticipants": false,
                "allowAttendeeToUnmuteSelf": true,
                "muteAttendeeUponEntry": true,
            }),
        ),
    ]
}

/// One occurrence of a series as it stands: its original start (its id), its start, end and
/// title now, and whether it was changed on its own.
#[derive(Debug, Clone)]
struct Occurrence {
    original: DateTime<Utc>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    title: String,
    modified: bool,
}

/// An occurrence changed or cancelled on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exception {
    Cancelled,
    Changed {
        title: String,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
}

/// A meeting series (a one-time meeting is a series of one).
#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: String,
    pub meeting_number: String,
    pub title: String,
    pub agenda: String,
    pub password: String,
    /// Index of the host among Webex's people.
    pub host: usize,
    pub site_url: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub timezone: Tz,
    pub recurrence: Option<String>,
    pub scheduled_type: String,
    pub integration_tags: Vec<String>,
    /// Invitees by address, with whether each is a cohost.
    pub invitees: Vec<(String, bool)>,
    pub options: Map<String, Value>,
    /// Occurrences changed or cancelled alone, by their original start.
    pub exceptions: BTreeMap<DateTime<Utc>, Exception>,
}

#[derive(Debug, Default)]
pub(super) struct Store {
    series: Vec<Meeting>,
    /// Create requests per host, failed ones included: the times they came.
    creations: HashMap<usize, Vec<DateTime<Utc>>>,
    pub creation_limit: Option<usize>,
}

impl Store {
    pub fn all(&self) -> Vec<Meeting> {
        self.series.clone()
    }
}

/// An occurrence's id: the series id and its original start in UTC.
fn occurrence_id(series: &str, start: DateTime<Utc>) -> String {
    format!("{series}_{}", start.format("%Y%m%dT%H%M%SZ"))
}

/// `{series}` or `{series}_{YYYYMMDDTHHMMSSZ}`.
fn parse_id(id: &str) -> (&str, Option<DateTime<Utc>>) {
    match id.split_once('_') {
        Some((series, stamp)) => {
            let at = NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ")
                .ok()
                .map(|t| t.and_utc());
            (series, at)
        }
        None => (id, None),
    }
}

/// A time as Webex takes it: any ISO 8601 form, read in `zone` when it carries no offset.
fn parse_time(text: &str, zone: Tz) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return zone
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc));
        }
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| {
            zone.from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// Cut to the minute, as Webex keeps meeting times.
fn to_minute(at: DateTime<Utc>) -> DateTime<Utc> {
    at.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(at)
}

/// A time as Webex writes it, in `zone`: `2026-12-02T10:00:00+03:00`, or `…Z` in UTC.
fn write_time(at: DateTime<Utc>, zone: Tz) -> String {
    if zone == Tz::UTC {
        at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        at.with_timezone(&zone)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }
}

/// The site's password rules: what Webex says when a password breaks one.
fn password_problem(site: &str, password: &str) -> Option<&'static str> {
    let strict = site.contains("-egitim");
    if password.chars().count() < 8 {
        return Some(
            "Meeting password validation failed. The password must be at least 8 characters long.",
        );
    }
    if password.chars().count() > 32 || password.chars().any(char::is_whitespace) {
        return Some(
            "Meeting password validation failed. The password must be at most 32 characters long and cannot contain spaces.",
        );
    }
    if !(password.chars().any(|c| c.is_ascii_uppercase())
        && password.chars().any(|c| c.is_ascii_lowercase()))
    {
        return Some(
            "Meeting password validation failed. A mix of uppercase and lowercase letters (A, a, B, b, C, c, etc.) is required.",
        );
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        return Some(
            "Meeting password validation failed. At least one numeric character (0, 1, 2, etc.) is required.",
        );
    }
    if strict && password.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Some(
            "Meeting password validation failed. At least one special character (!, @, #, $, etc.) is required.",
        );
    }
    None
}

/// A password that meets every site's rules.
fn generate_password() -> String {
    let seed = crate::wire::request_id();
    let d = digits(&seed, 4);
    let letters: String = seed
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(4)
        .collect();
    format!("{}{}@{d}", letters.to_uppercase(), letters.to_lowercase())
}

/// What a create or update asks for, read from its body with the spec's types.
#[derive(Debug, Default)]
struct Asked {
    title: Option<String>,
    agenda: Option<String>,
    password: Option<String>,
    start: Option<String>,
    end: Option<String>,
    timezone: Option<String>,
    recurrence: Option<Option<String>>,
    scheduled_type: Option<String>,
    template_id: Option<String>,
    host_email: Option<String>,
    site_url: Option<String>,
    integration_tags: Option<Vec<String>>,
    invitees: Option<Vec<(String, bool)>>,
    options: Map<String, Value>,
}

fn read_body(body: &[u8]) -> Result<Asked, Failure> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| invalid("The request body is not valid JSON."))?;
    let Value::Object(fields) = value else {
        return Err(invalid("The request body must be a JSON object."));
    };
    let mut asked = Asked::default();
    let defaults = option_defaults();
    for (key, value) in fields {
        let text = |v: &Value| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| invalid(&format!("Invalid field value: {key} must be a string.")))
        };
        match key.as_str() {
            "title" => asked.title = Some(text(&value)?),
            "agenda" => asked.agenda = Some(text(&value)?),
            "password" => asked.password = Some(text(&value)?),
            "start" => asked.start = Some(text(&value)?),
            "end" => asked.end = Some(text(&value)?),
            "timezone" => asked.timezone = Some(text(&value)?),
            "recurrence" => {
                asked.recurrence = Some(match &value {
                    Value::Null => None,
                    v => Some(text(v)?).filter(|r| !r.is_empty()),
                })
            }
            "scheduledType" => asked.scheduled_type = Some(text(&value)?),
            "templateId" => asked.template_id = Some(text(&value)?),
            "hostEmail" => asked.host_email = Some(text(&value)?),
            "siteUrl" => asked.site_url = Some(text(&value)?),
            "sendEmail" => {}
            "integrationTags" => {
                let tags = value
                    .as_array()
                    .and_then(|a| a.iter().map(|t| t.as_str().map(str::to_owned)).collect())
                    .ok_or_else(|| {
                        invalid("Invalid field value: integrationTags must be an array of strings.")
                    })?;
                asked.integration_tags = Some(tags);
            }
            "invitees" => {
                let list = value
                    .as_array()
                    .ok_or_else(|| invalid("Invalid field value: invitees must be an array."))?;
                let mut invitees = Vec::new();
                for invitee in list {
                    let email = invitee
                        .get("email")
                        .and_then(Value::as_str)
                        .ok_or_else(|| {
                            invalid("Invalid field value: every invitee needs an email.")
                        })?;
                    let cohost = invitee
                        .get("coHost")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    invitees.push((email.to_owned(), cohost));
                }
                if invitees.len() > 1000 {
                    return Err(invalid("The maximum size of invitees is 1000."));
                }
                asked.invitees = Some(invitees);
            }
            other => {
                // Fields Davet does not use are accepted and not kept.
                if let Some((_, default)) = defaults.iter().find(|(name, _)| *name == other) {
                    let same_kind = match default {
                        Value::Bool(_) => value.is_boolean(),
                        Value::Number(_) => value.is_number(),
                        Value::String(_) => value.is_string(),
                        Value::Object(_) => value.is_object(),
                        _ => false,
                    };
                    if !same_kind {
                        return Err(invalid(&format!("Invalid field value: {other}.")));
                    }
                    asked.options.insert(other.to_owned(), value);
                }
            }
        }
    }
    Ok(asked)
}

impl Service {
    /// Applies `asked` to `meeting` (a new one or a copy of the stored one) with every rule.
    fn apply(
        &self,
        caller: &Caller,
        meeting: &mut Meeting,
        asked: Asked,
        creating: bool,
    ) -> Result<(), Failure> {
        if let Some(title) = asked.title {
            if title.trim().is_empty() {
                return Err(invalid("The title cannot be empty."));
            }
            if title.chars().count() > MAX_TITLE {
                return Err(invalid(
                    "The title can be a maximum of 128 characters long.",
                ));
            }
            meeting.title = title;
        } else if creating {
            return Err(invalid("title is required."));
        }
        if let Some(agenda) = asked.agenda {
            if agenda.chars().count() > MAX_AGENDA {
                return Err(invalid(
                    "The agenda can be a maximum of 1300 characters long.",
                ));
            }
            meeting.agenda = agenda;
        }
        if let Some(zone) = &asked.timezone {
            meeting.timezone = zone
                .parse()
                .map_err(|_| invalid(&format!("Invalid timezone: {zone}.")))?;
        }
        if let Some(host_email) = &asked.host_email
            && creating
        {
            meeting.host = caller.subject(&self.webex, Some(host_email), WRITE)?;
            meeting.site_url = self.person(meeting.host).sites[0].clone();
        }
        if let Some(site) = asked.site_url {
            if !self.person(meeting.host).sites.contains(&site) {
                return Err(invalid(&format!(
                    "Site {site} is not one of the host's sites."
                )));
            }
            meeting.site_url = site;
        }
        if let Some(template) = &asked.template_id {
            let known = all_templates(&self.person(meeting.host).sites)
                .iter()
                .any(|t| t["id"] == template.as_str() && t["siteUrl"] == meeting.site_url.as_str());
            if !known {
                return Err(invalid(&format!(
                    "Template {template} is not a template of the site."
                )));
            }
        }
        match asked.scheduled_type.as_deref() {
            None => {}
            Some(kind @ ("meeting" | "personalRoomMeeting")) => {
                meeting.scheduled_type = kind.to_owned()
            }
            Some(other) => {
                return Err(invalid(&format!(
                    "scheduledType {other} is not available on the site."
                )));
            }
        }
        let zone = meeting.timezone;
        let start = match &asked.start {
            Some(text) => Some(
                parse_time(text, zone)
                    .ok_or_else(|| invalid(&format!("Invalid start: {text}.")))?,
            ),
            None if creating => return Err(invalid("start is required.")),
            None => None,
        };
        let end = match &asked.end {
            Some(text) => Some(
                parse_time(text, zone).ok_or_else(|| invalid(&format!("Invalid end: {text}.")))?,
            ),
            None if creating => return Err(invalid("end is required.")),
            None => None,
        };
        if start.is_some() || end.is_some() {
            let start = to_minute(start.unwrap_or(meeting.start));
            let end = to_minute(end.unwrap_or(meeting.end));
            if start < to_minute(Utc::now()) {
                return Err(invalid(
                    "The start time of the meeting cannot be in the past.",
                ));
            }
            let length = end - start;
            if length < Duration::minutes(10) || length > Duration::minutes(23 * 60 + 59) {
                return Err(invalid(
                    "The duration of the meeting must be from 10 minutes to 23 hours 59 minutes.",
                ));
            }
            meeting.start = start;
            meeting.end = end;
        }
        if let Some(recurrence) = asked.recurrence {
            if let Some(rule) = &recurrence {
                Rule::parse(rule).map_err(|why| invalid(&why))?;
            }
            meeting.recurrence = recurrence;
        }
        if let Some(tags) = asked.integration_tags {
            if tags.len() > MAX_TAGS {
                return Err(invalid("A meeting can have at most 3 integrationTags."));
            }
            if tags
                .iter()
                .any(|t| t.chars().count() > MAX_TAG || t.is_empty())
            {
                return Err(invalid("An integrationTag can be 1 to 64 characters long."));
            }
            meeting.integration_tags = tags;
        }
        if let Some(invitees) = asked.invitees {
            for (email, cohost) in &invitees {
                let on_site = self
                    .webex
                    .person_by_email(email)
                    .is_some_and(|p| p.sites.contains(&meeting.site_url));
                if *cohost && !on_site {
                    return Err(invalid(&format!(
                        "The cohost {email} does not have a host account on the site {}.",
                        meeting.site_url
                    )));
                }
            }
            meeting.invitees = invitees;
        }
        for (key, value) in asked.options {
            meeting.options.insert(key, value);
        }
        let join_before = meeting.options.get("enabledJoinBeforeHost") == Some(&json!(true));
        let minutes = meeting
            .options
            .get("joinBeforeHostMinutes")
            .and_then(Value::as_f64)
            .unwrap_or(0.0);
        if ![0.0, 5.0, 10.0, 15.0].contains(&minutes) {
            return Err(invalid("joinBeforeHostMinutes must be 0, 5, 10 or 15."));
        }
        if minutes != 0.0 && !join_before {
            return Err(invalid(
                "joinBeforeHostMinutes can only be set when enabledJoinBeforeHost is true.",
            ));
        }
        if let Some(security) = meeting
            .options
            .get("unlockedMeetingJoinSecurity")
            .and_then(Value::as_str)
            && !["allowJoin", "allowJoinWithLobby", "blockFromJoin"].contains(&security)
        {
            return Err(invalid("Invalid field value: unlockedMeetingJoinSecurity."));
        }
        match asked.password {
            Some(password) => {
                if let Some(problem) = password_problem(&meeting.site_url, &password) {
                    return Err(invalid(problem));
                }
                meeting.password = password;
            }
            None if creating => meeting.password = generate_password(),
            None => {}
        }
        Ok(())
    }

    fn meeting_json(&self, meeting: &Meeting, zone: Tz) -> Value {
        let host = self.person(meeting.host);
        let mut body = Map::new();
        body.insert("id".into(), json!(meeting.id));
        body.insert("meetingNumber".into(), json!(meeting.meeting_number));
        body.insert("title".into(), json!(meeting.title));
        body.insert("agenda".into(), json!(meeting.agenda));
        body.insert("password".into(), json!(meeting.password));
        body.insert(
            "phoneAndVideoSystemPassword".into(),
            json!(digits(&meeting.password, 8)),
        );
        body.insert("meetingType".into(), json!("meetingSeries"));
        let ended = meeting.recurrence.is_none() && meeting.end < Utc::now();
        body.insert(
            "state".into(),
            json!(if ended { "expired" } else { "active" }),
        );
        body.insert("timezone".into(), json!(zone.name()));
        body.insert("start".into(), json!(write_time(meeting.start, zone)));
        body.insert("end".into(), json!(write_time(meeting.end, zone)));
        if let Some(rule) = &meeting.recurrence {
            body.insert("recurrence".into(), json!(rule));
        }
        body.insert("hostUserId".into(), json!(host.id));
        body.insert("hostDisplayName".into(), json!(host.display_name));
        body.insert("hostEmail".into(), json!(host.email));
        body.insert(
            "hostKey".into(),
            json!(digits(&format!("key{}", meeting.id), 6)),
        );
        body.insert("siteUrl".into(), json!(meeting.site_url));
        let site_name = meeting.site_url.split('.').next().unwrap_or_default();
        let link = if meeting.scheduled_type == "personalRoomMeeting" {
            format!(
                "https://{}/meet/{}",
                meeting.site_url,
                host.email.split('@').next().unwrap_or_default()
            )
        } else {
            format!(
                "https://{}/{site_name}/j.php?MTID=m{}",
                meeting.site_url, meeting.id
            )
        };
        body.insert("webLink".into(), json!(link));
        body.insert(
            "sipAddress".into(),
            json!(format!("{}@{}", meeting.meeting_number, meeting.site_url)),
        );
        body.insert("dialInIpAddress".into(), json!("173.243.2.68"));
        for (key, default) in option_defaults() {
            body.insert(
                key.into(),
                meeting.options.get(key).cloned().unwrap_or(default),
            );
        }
        body.insert("scheduledType".into(), json!(meeting.scheduled_type));
        body.insert(
            "telephony".into(),
            json!({
                "accessCode": meeting.meeting_number,
                "callInNumbers": call_in_numbers(&meeting.site_url),
                "links": [{
                    "rel": "globalCallinNumbers",
                    "href": format!("/v1/meetings/{}/globalCallinNumbers", meeting.id),
                    "method": "GET",
                }],
            }),
        );
        if !meeting.integration_tags.is_empty() {
            body.insert("integrationTags".into(), json!(meeting.integration_tags));
        }
        body.insert("enabledBreakoutSessions".into(), json!(false));
        Value::Object(body)
    }

    /// The occurrences of a series between `from` and `to` (starts in `[from, to)`), with the
    /// exceptions applied.
    fn occurrences(
        &self,
        meeting: &Meeting,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<Occurrence> {
        let length = meeting.end - meeting.start;
        let zone = meeting.timezone;
        let starts: Vec<DateTime<Utc>> = match &meeting.recurrence {
            None => vec![meeting.start],
            Some(rule) => match Rule::parse(rule) {
                Ok(rule) => {
                    let local = meeting.start.with_timezone(&zone).naive_local();
                    let horizon = to.with_timezone(&zone).naive_local() + Duration::days(1);
                    rule.occurrences(local, horizon)
                        .into_iter()
                        .filter_map(|t| zone.from_local_datetime(&t).earliest())
                        .map(|t| t.with_timezone(&Utc))
                        .collect()
                }
                Err(_) => Vec::new(),
            },
        };
        starts
            .into_iter()
            .filter_map(|original| match meeting.exceptions.get(&original) {
                Some(Exception::Cancelled) => None,
                Some(Exception::Changed { title, start, end }) => Some(Occurrence {
                    original,
                    start: *start,
                    end: *end,
                    title: title.clone(),
                    modified: true,
                }),
                None => Some(Occurrence {
                    original,
                    start: original,
                    end: original + length,
                    title: meeting.title.clone(),
                    modified: false,
                }),
            })
            .filter(|o| o.start < to && o.end > from)
            .collect()
    }

    fn occurrence_json(&self, meeting: &Meeting, occurrence: Occurrence, zone: Tz) -> Value {
        let Occurrence {
            original,
            start,
            end,
            title,
            modified,
        } = occurrence;
        let mut body = self.meeting_json(meeting, zone);
        if let Value::Object(fields) = &mut body {
            fields.remove("recurrence");
            fields.insert("id".into(), json!(occurrence_id(&meeting.id, original)));
            fields.insert("meetingSeriesId".into(), json!(meeting.id));
            fields.insert("meetingType".into(), json!("scheduledMeeting"));
            let state = if end < Utc::now() {
                "expired"
            } else {
                "scheduled"
            };
            fields.insert("state".into(), json!(state));
            fields.insert("isModified".into(), json!(modified));
            fields.insert("title".into(), json!(title));
            fields.insert("start".into(), json!(write_time(start, zone)));
            fields.insert("end".into(), json!(write_time(end, zone)));
        }
        body
    }
}

/// A series as lists and updates answer it (`MeetingObjectForListMeeting`): it names its
/// series, itself.
fn listed(mut body: Value, series: &str) -> Value {
    if let Value::Object(fields) = &mut body {
        fields.insert("meetingSeriesId".into(), json!(series));
    }
    body
}

/// The zone answers are written in: the `timezone` header, else the meeting's own.
fn answer_zone(headers: &HeaderMap) -> Option<Tz> {
    headers
        .get("timezone")
        .and_then(|v| v.to_str().ok())
        .and_then(|z| z.parse().ok())
}

/// Whether the caller may see and change a host's meetings: their own, or any with admin scopes.
fn may_touch(caller: &Caller, host: usize, scope: &str) -> bool {
    caller.person == host || caller.admin_for(scope)
}

/// `POST /v1/meetings`.
pub(super) async fn create(
    State(service): State<Service>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Answered {
    let caller = service.caller(&headers, WRITE)?;
    let asked = read_body(&body)?;
    let host = caller.subject(&service.webex, asked.host_email.as_deref(), WRITE)?;
    // Every request counts toward the limit, failed ones included (the spec says so).
    {
        let mut state = service.webex.state();
        let store = &mut state.meetings;
        let limit = store.creation_limit.unwrap_or(super::DAILY_CREATION_LIMIT);
        let now = Utc::now();
        let made = store.creations.entry(host).or_default();
        made.retain(|t| now - *t < Duration::hours(24));
        made.push(now);
        if made.len() > limit {
            return Err(error(
                StatusCode::FORBIDDEN,
                "The user has reached the limit of meetings that can be scheduled in 24 hours.",
                &["Regular users can schedule up to 100 meetings in 24 hours."],
            ));
        }
    }
    let id = crate::wire::request_id().replace('-', "");
    let mut meeting = Meeting {
        meeting_number: digits(&id, 10),
        id,
        title: String::new(),
        agenda: String::new(),
        password: String::new(),
        host,
        site_url: service.person(host).sites[0].clone(),
        start: Utc::now(),
        end: Utc::now(),
        timezone: Tz::UTC,
        recurrence: None,
        scheduled_type: "meeting".into(),
        integration_tags: Vec::new(),
        invitees: Vec::new(),
        options: Map::new(),
        exceptions: BTreeMap::new(),
    };
    service.apply(&caller, &mut meeting, asked, true)?;
    let zone = answer_zone(&headers).unwrap_or(meeting.timezone);
    let body = service.meeting_json(&meeting, zone);
    service.webex.state().meetings.series.push(meeting);
    answer(StatusCode::OK, &body)
}

/// `GET /v1/meetings`.
pub(super) async fn list(
    State(service): State<Service>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Answered {
    let caller = service.caller(&headers, READ)?;
    let host = caller.subject(
        &service.webex,
        params.get("hostEmail").map(String::as_str),
        READ,
    )?;
    let max = match params.get("max").map(|m| m.parse::<f64>()) {
        None => 10,
        Some(Ok(max)) if (1.0..=100.0).contains(&max) && max.fract() == 0.0 => max as usize,
        Some(_) => return Err(invalid("max must be a number from 1 to 100.")),
    };
    let offset: usize = match params.get("offset").map(|o| o.parse()) {
        None => 0,
        Some(Ok(offset)) => offset,
        Some(Err(_)) => return Err(invalid("Invalid offset.")),
    };
    let kind = params
        .get("meetingType")
        .map(String::as_str)
        .unwrap_or("meetingSeries");
    if !["meetingSeries", "scheduledMeeting", "meeting"].contains(&kind) {
        return Err(invalid("Invalid meetingType."));
    }
    let parse = |key: &str| match params.get(key) {
        None => Ok(None),
        Some(text) => parse_time(text, Tz::UTC)
            .map(Some)
            .ok_or_else(|| invalid(&format!("Invalid {key}: {text}."))),
    };
    let (from, to) = match (parse("from"), parse("to")) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(refusal), _) | (_, Err(refusal)) => return Err(refusal),
    };
    let week = Duration::days(7);
    let (from, to) = match (from, to) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, from + week),
        (None, Some(to)) => (to - week, to),
        (None, None) => (Utc::now(), Utc::now() + week),
    };
    if from > to {
        return Err(invalid("from cannot be after to."));
    }
    let zone = answer_zone(&headers);
    let state = service.webex.state();
    let mine = state
        .meetings
        .series
        .iter()
        .filter(|m| m.host == host)
        .filter(|m| {
            params
                .get("integrationTag")
                .is_none_or(|tag| m.integration_tags.contains(tag))
        })
        .filter(|m| params.get("siteUrl").is_none_or(|s| *s == m.site_url));
    let mut items: Vec<Value> = Vec::new();
    if let Some(number) = params.get("meetingNumber") {
        items.extend(
            mine.filter(|m| m.meeting_number == *number)
                .map(|m| listed(service.meeting_json(m, zone.unwrap_or(m.timezone)), &m.id)),
        );
    } else {
        for meeting in mine {
            let occurrences = service.occurrences(meeting, from, to);
            let zone = zone.unwrap_or(meeting.timezone);
            match kind {
                "meetingSeries" if !occurrences.is_empty() => {
                    items.push(listed(service.meeting_json(meeting, zone), &meeting.id))
                }
                "scheduledMeeting" => items.extend(
                    occurrences
                        .into_iter()
                        .map(|o| service.occurrence_json(meeting, o, zone)),
                ),
                // Meeting instances exist once a meeting has started: none in the emulator.
                _ => {}
            }
        }
    }
    drop(state);
    if let Some(wanted) = params.get("state") {
        items.retain(|m| m["state"] == wanted.as_str());
    }
    let more = items.len() > offset + max;
    let page: Vec<Value> = items.into_iter().skip(offset).take(max).collect();
    let mut response = super::json_answer(StatusCode::OK, &json!({ "items": page }));
    if more {
        let mut next = service
            .root
            .join("/v1/meetings")
            .unwrap_or(service.root.clone());
        {
            let mut query = next.query_pairs_mut();
            for (key, value) in params.iter().filter(|(k, _)| *k != "offset" && *k != "max") {
                query.append_pair(key, value);
            }
            query
                .append_pair("from", &write_time(from, Tz::UTC))
                .append_pair("to", &write_time(to, Tz::UTC))
                .append_pair("max", &max.to_string())
                .append_pair("offset", &(offset + max).to_string());
        }
        if let Ok(link) = HeaderValue::from_str(&format!("<{next}>; rel=\"next\"")) {
            response.headers_mut().insert("link", link);
        }
    }
    Ok(response)
}

/// The series a request names, if the caller may see it.
fn find<'a>(
    series: &'a mut [Meeting],
    caller: &Caller,
    id: &str,
    scope: &str,
) -> Option<(&'a mut Meeting, Option<DateTime<Utc>>)> {
    let (series_id, occurrence) = parse_id(id);
    let meeting = series.iter_mut().find(|m| m.id == series_id)?;
    may_touch(caller, meeting.host, scope).then_some((meeting, occurrence))
}

/// `GET /v1/meetings/{meetingId}`: a series, or one occurrence.
pub(super) async fn get(
    State(service): State<Service>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answered {
    let caller = service.caller(&headers, READ)?;
    let zone = answer_zone(&headers);
    let mut state = service.webex.state();
    let Some((meeting, occurrence)) = find(&mut state.meetings.series, &caller, &id, READ) else {
        return Err(not_found());
    };
    let meeting = meeting.clone();
    drop(state);
    let zone = zone.unwrap_or(meeting.timezone);
    match occurrence {
        None => answer(StatusCode::OK, &service.meeting_json(&meeting, zone)),
        Some(original) => match one_occurrence(&service, &meeting, original) {
            Some(found) => answer(
                StatusCode::OK,
                &service.occurrence_json(&meeting, found, zone),
            ),
            None => Err(not_found()),
        },
    }
}

fn one_occurrence(
    service: &Service,
    meeting: &Meeting,
    original: DateTime<Utc>,
) -> Option<Occurrence> {
    let wide = Duration::days(400);
    service
        .occurrences(meeting, original - wide, original + wide)
        .into_iter()
        .find(|o| o.original == original)
}

async fn update(
    service: Service,
    headers: HeaderMap,
    id: String,
    body: axum::body::Bytes,
    whole: bool,
) -> Answered {
    let caller = service.caller(&headers, WRITE)?;
    let asked = read_body(&body)?;
    if whole && (asked.title.is_none() || asked.start.is_none() || asked.end.is_none()) {
        return Err(invalid(
            "title, start and end are required to update a meeting with PUT.",
        ));
    }
    let mut state = service.webex.state();
    let Some((stored, occurrence)) = find(&mut state.meetings.series, &caller, &id, WRITE) else {
        return Err(not_found());
    };
    let mut meeting = stored.clone();
    drop(state);
    let zone = answer_zone(&headers).unwrap_or(meeting.timezone);
    let answer_body = match occurrence {
        None => {
            service.apply(&caller, &mut meeting, asked, false)?;
            // A series moved as a whole keeps no exceptions of its old times.
            if meeting.start != stored_start(&service, &meeting.id) {
                meeting.exceptions.clear();
            }
            listed(service.meeting_json(&meeting, zone), &meeting.id)
        }
        Some(original) => {
            let Some(current) = one_occurrence(&service, &meeting, original) else {
                return Err(not_found());
            };
            // An occurrence takes a new title and time only; the rest is the series'.
            let mut single = meeting.clone();
            single.recurrence = None;
            single.start = current.start;
            single.end = current.end;
            single.title = current.title;
            let changed = Asked {
                title: asked.title,
                start: asked.start,
                end: asked.end,
                timezone: asked.timezone,
                ..Asked::default()
            };
            service.apply(&caller, &mut single, changed, false)?;
            meeting.exceptions.insert(
                original,
                Exception::Changed {
                    title: single.title.clone(),
                    start: single.start,
                    end: single.end,
                },
            );
            let found = Occurrence {
                original,
                start: single.start,
                end: single.end,
                title: single.title,
                modified: true,
            };
            service.occurrence_json(&meeting, found, zone)
        }
    };
    let mut state = service.webex.state();
    if let Some(slot) = state
        .meetings
        .series
        .iter_mut()
        .find(|m| m.id == meeting.id)
    {
        *slot = meeting;
    }
    answer(StatusCode::OK, &answer_body)
}

fn stored_start(service: &Service, id: &str) -> DateTime<Utc> {
    service
        .webex
        .state()
        .meetings
        .series
        .iter()
        .find(|m| m.id == id)
        .map(|m| m.start)
        .unwrap_or_default()
}

/// `PATCH /v1/meetings/{meetingId}`: what the body names changes.
pub(super) async fn patch(
    State(service): State<Service>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Answered {
    update(service, headers, id, body, false).await
}

/// `PUT /v1/meetings/{meetingId}`: the meeting as the body states it.
pub(super) async fn put(
    State(service): State<Service>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Answered {
    update(service, headers, id, body, true).await
}

/// `DELETE /v1/meetings/{meetingId}`: a series, or one occurrence of it. 204.
pub(super) async fn delete(
    State(service): State<Service>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answered {
    let caller = service.caller(&headers, WRITE)?;
    let (series_id, occurrence) = parse_id(&id);
    let meeting = {
        let mut state = service.webex.state();
        match find(&mut state.meetings.series, &caller, &id, WRITE) {
            Some((meeting, _)) => meeting.clone(),
            None => return Err(not_found()),
        }
    };
    match occurrence {
        None => {
            service
                .webex
                .state()
                .meetings
                .series
                .retain(|m| m.id != series_id);
        }
        Some(original) => {
            if one_occurrence(&service, &meeting, original).is_none() {
                return Err(not_found());
            }
            let mut state = service.webex.state();
            if let Some(stored) = state.meetings.series.iter_mut().find(|m| m.id == series_id) {
                stored.exceptions.insert(original, Exception::Cancelled);
            }
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

//! Calendars: `/users/{id}/events` create, get, list, patch, delete; `/users/{id}/calendarView`.
//! Free/busy is in `schedule`.
//!
//! - `transactionId` makes a create idempotent: the same id returns the event made first.
//! - At most 500 attendees.
//! - `singleValueExtendedProperties` are set at create, read with `$expand`, and events are
//!   filtered by them (`singleValueExtendedProperties/any(ep: ep/id eq … and ep/value eq …)`).
//! - `If-Match` with a change key guards a patch (412 when the event changed meanwhile).
//!
//! Times are kept in the zone they were sent in and answered in the zone the caller prefers
//! (`Prefer: outlook.timezone`, UTC without it), with `Preference-Applied`.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::collection::{self, EntityType};
use super::odata::Query;
use super::{Graph, GraphError, csdl, not_found, series, zones};
use crate::tenant::Tenant;
use crate::wire::now_iso;

/// Graph's limit on attendees of one event.
pub const MAX_ATTENDEES: usize = 500;

/// Extended properties live beside an event and show only when expanded.
const EXTENDED: &str = "singleValueExtendedProperties";

pub(super) const EVENT: EntityType = EntityType {
    properties: &[csdl::EVENT],
    defaults: None,
    searchable: &[],
    tokenized: &[],
    sortable: &["subject"],
    default_page: 10,
    expandable: &[EXTENDED],
    outlook: true,
};

/// Every mailbox's events, by owner; the occurrences of series changed or cancelled on their
/// own; and the messages Outlook sent for changes and cancellations.
#[derive(Debug, Default)]
pub struct Calendars(
    Mutex<HashMap<usize, Vec<Value>>>,
    Mutex<HashMap<String, series::Exceptions>>,
    Mutex<Vec<Sent>>,
);

/// A message Outlook sends the attendees of a meeting the organiser changed or cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// `update` or `cancellation`.
    pub kind: &'static str,
    pub event_id: String,
    pub subject: String,
    /// How many attendees it went to.
    pub recipients: usize,
}

impl Calendars {
    pub(super) fn with<T>(
        &self,
        tenant: &Tenant,
        owner: usize,
        f: impl FnOnce(&mut Vec<Value>) -> T,
    ) -> T {
        let mut all = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let events = all.entry(owner).or_insert_with(|| {
            tenant
                .existing_events(owner)
                .into_iter()
                .map(|e| stamp(tenant, owner, e))
                .collect()
        });
        f(events)
    }

    /// The events of a mailbox as Exchange keeps them (for tests that read what was written).
    pub fn events(&self, tenant: &Tenant, owner: usize) -> Vec<Value> {
        self.with(tenant, owner, |events| events.clone())
    }

    /// The messages sent for changed and cancelled meetings, oldest first.
    pub fn sent(&self) -> Vec<Sent> {
        self.2.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn send(&self, kind: &'static str, event: &Value) {
        let recipients = event["attendees"].as_array().map_or(0, Vec::len);
        if recipients == 0 {
            return;
        }
        let mut sent = self.2.lock().unwrap_or_else(|p| p.into_inner());
        // The latest thousand: a demo runs for days.
        if sent.len() == 1000 {
            sent.remove(0);
        }
        sent.push(Sent {
            kind,
            event_id: event["id"].as_str().unwrap_or_default().to_owned(),
            subject: event["subject"].as_str().unwrap_or_default().to_owned(),
            recipients,
        });
    }

    fn exceptions(&self, master: &str) -> series::Exceptions {
        self.1
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(master)
            .cloned()
            .unwrap_or_default()
    }

    fn set_exception(&self, master: &str, original: i64, exception: series::Exception) {
        let mut all = self.1.lock().unwrap_or_else(|p| p.into_inner());
        let of_master = all.entry(master.to_owned()).or_default();
        let merged = match (of_master.remove(&original), exception) {
            (Some(series::Exception::Changed(mut before)), series::Exception::Changed(after)) => {
                before.extend(after);
                series::Exception::Changed(before)
            }
            (_, exception) => exception,
        };
        of_master.insert(original, merged);
    }

    /// How many events a mailbox holds (for tests: nothing duplicated, nothing half-made).
    pub fn count(&self, tenant: &Tenant, owner: usize) -> usize {
        self.with(tenant, owner, |events| events.len())
    }
}

pub(super) fn owner(graph: &Graph, user: &str) -> Result<usize, GraphError> {
    graph
        .world
        .tenant
        .user_index(user)
        .ok_or_else(|| not_found(user))
}

pub(super) fn invalid(message: impl Into<String>) -> GraphError {
    GraphError::bad_request("ErrorInvalidRequest", message)
}

fn item_not_found() -> GraphError {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

fn outlook_id(kind: &str) -> String {
    format!("AAMkAG{kind}{:032x}", rand::random::<u128>())
}

/// Seconds since 1970 of an ISO 8601 date and time: with an offset (`…-08:00`, `…Z`), or
/// without one (read as UTC, as Graph reads a `calendarView` window), fractions allowed.
pub fn epoch_seconds(text: &str) -> Option<i64> {
    use chrono::{DateTime, NaiveDateTime};
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.timestamp());
    }
    let naive = text.strip_suffix('Z').unwrap_or(text);
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(naive, format).ok())
        .map(|at| at.and_utc().timestamp())
}

pub(super) fn time_of(event: &Value, field: &str) -> Option<i64> {
    let zone = zones::zone(event[field]["timeZone"].as_str()?).ok()?;
    zones::epoch(event[field]["dateTime"].as_str()?, zone)
}

/// An event as a caller sees it: start and end in the zone it prefers (UTC without a
/// `Prefer: outlook.timezone` header, as Graph answers).
pub(super) fn present(event: &Value, zone: chrono_tz::Tz, name: &str) -> Value {
    let mut shown = event.clone();
    for field in ["start", "end"] {
        if let Some(moment) = time_of(event, field) {
            shown[field] = json!({ "dateTime": zones::wall_clock(moment, zone), "timeZone": name });
        }
    }
    shown
}

/// The zone a caller prefers, its name as answered, and the `Preference-Applied` header to send.
fn preference(headers: &HeaderMap) -> Result<(chrono_tz::Tz, String, Option<String>), GraphError> {
    let (zone, asked) = zones::preferred(headers)?;
    let name = asked.clone().unwrap_or_else(|| "UTC".to_owned());
    Ok((
        zone,
        name,
        asked.map(|a| format!("outlook.timezone=\"{a}\"")),
    ))
}

fn with_preference(mut response: Response, applied: Option<String>) -> Response {
    if let Some(applied) = applied.and_then(|a| axum::http::HeaderValue::from_str(&a).ok()) {
        response.headers_mut().insert("preference-applied", applied);
    }
    response
}

/// Checks a create or patch body: known properties, times that parse, the attendee limit.
fn check_body(body: &Map<String, Value>, create: bool) -> Result<(), GraphError> {
    for key in body.keys() {
        let known = csdl::EVENT.contains(&key.as_str()) || key == EXTENDED || key.starts_with('@');
        if !known {
            return Err(GraphError::bad_request(
                "RequestBodyRead",
                format!(
                    "The property '{key}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type."
                ),
            ));
        }
    }
    for field in ["start", "end"] {
        match body.get(field) {
            None if create => {
                return Err(invalid(format!(
                    "Your request can't be completed. The '{field}' property is required."
                )));
            }
            Some(time) if time["timeZone"].is_string() => {
                let zone = zones::zone(time["timeZone"].as_str().unwrap_or_default())?;
                if time["dateTime"]
                    .as_str()
                    .and_then(|t| zones::epoch(t, zone))
                    .is_none()
                {
                    return Err(invalid(format!(
                        "'{field}' needs a dateTime (ISO 8601) and a timeZone."
                    )));
                }
            }
            Some(_) => {
                return Err(invalid(format!(
                    "'{field}' needs a dateTime (ISO 8601) and a timeZone."
                )));
            }
            _ => {}
        }
    }
    let at = |field: &str| {
        body.get(field)
            .and_then(|t| time_of(&json!({ "t": t }), "t"))
    };
    if let (Some(start), Some(end)) = (at("start"), at("end"))
        && start > end
    {
        return Err(invalid("The event's end is before its start."));
    }
    if let Some(attendees) = body.get("attendees") {
        let list = attendees
            .as_array()
            .ok_or_else(|| invalid("attendees must be a list"))?;
        if list.len() > MAX_ATTENDEES {
            return Err(invalid(format!(
                "An event can have at most {MAX_ATTENDEES} attendees; this one has {}.",
                list.len()
            )));
        }
        if list.iter().any(|a| {
            a["emailAddress"]["address"]
                .as_str()
                .is_none_or(|m| !m.contains('@'))
        }) {
            return Err(invalid(
                "Every attendee needs an emailAddress with an address.",
            ));
        }
    }
    Ok(())
}

/// `POST /users/{id}/events`.
pub(super) async fn create(
    State(graph): State<Graph>,
    Path(user): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Result<Response, GraphError> {
    let (zone, zone_name, applied) = preference(&headers)?;
    let owner = owner(&graph, &user)?;
    let Value::Object(event) = body else {
        return Err(GraphError::bad_request(
            "RequestBodyRead",
            "The request body must be a JSON object.",
        ));
    };
    check_body(&event, true)?;
    let transaction = event
        .get("transactionId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let stamped = stamp(&graph.world.tenant, owner, event);
    let created = graph
        .world
        .calendars
        .with(&graph.world.tenant, owner, |events| {
            let existing = transaction.as_ref().and_then(|t| {
                events
                    .iter()
                    .find(|e| e["transactionId"].as_str() == Some(t.as_str()))
            });
            match existing {
                Some(event) => event.clone(),
                None => {
                    events.push(stamped.clone());
                    stamped
                }
            }
        });
    let context = format!("users('{user}')/events");
    let shown = present(&created, zone, &zone_name);
    let body = collection::entity_json(&graph, &context, &EVENT, &shown, &Query::default());
    Ok(with_preference(
        (StatusCode::CREATED, super::odata(body)).into_response(),
        applied,
    ))
}

/// An event as Exchange keeps it: ids, change key, times of creation, the organiser, attendee
/// statuses, and an HTML body as a whole document.
fn stamp(tenant: &Tenant, owner: usize, mut event: Map<String, Value>) -> Value {
    let person = &tenant.users[owner];
    let now = now_iso();
    let organizer =
        json!({ "emailAddress": { "name": person.display_name, "address": person.mail } });
    let id = outlook_id("Ev");
    {
        let attendees: Vec<Value> = event
            .get("attendees")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|mut a| {
                a["status"] = json!({ "response": "none", "time": "0001-01-01T00:00:00Z" });
                if a["type"].is_null() {
                    a["type"] = "required".into();
                }
                a
            })
            .collect();
        event.insert("attendees".into(), Value::Array(attendees));
        event
            .entry("body")
            .or_insert(json!({ "contentType": "text", "content": "" }));
        // Exchange keeps an HTML body as a whole document.
        if let Some(body) = event.get_mut("body")
            && body["contentType"]
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case("html"))
        {
            let content = body["content"].as_str().unwrap_or_default().to_owned();
            if !content.trim_start().starts_with("<html") {
                body["content"] = json!(format!(
                    "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\n{content}\r\n</body>\r\n</html>\r\n"
                ));
            }
        }
        event.entry("subject").or_insert(json!(""));
        // What Outlook gives an event the request did not describe. A meeting that is not a
        // Teams meeting (Davet's carry Webex in the location and body) is not online to Graph:
        // `isOnlineMeeting` false, provider `unknown`, no `onlineMeeting`.
        let preview = body_preview(event["body"]["content"].as_str().unwrap_or_default());
        for (key, value) in [
            ("categories", json!([])),
            ("allowNewTimeProposals", json!(true)),
            ("bodyPreview", json!(preview)),
            ("cancelledOccurrences", json!([])),
            ("hasAttachments", json!(false)),
            ("hideAttendees", json!(false)),
            ("importance", json!("normal")),
            ("isAllDay", json!(false)),
            ("isDraft", json!(false)),
            ("isOnlineMeeting", json!(false)),
            ("isReminderOn", json!(true)),
            (
                "location",
                json!({ "displayName": "", "locationType": "default", "uniqueIdType": "unknown", "address": {}, "coordinates": {} }),
            ),
            ("locations", json!([])),
            ("onlineMeeting", Value::Null),
            ("onlineMeetingProvider", json!("unknown")),
            ("onlineMeetingUrl", Value::Null),
            ("originalStart", Value::Null),
            ("recurrence", Value::Null),
            ("reminderMinutesBeforeStart", json!(15)),
            ("responseRequested", json!(true)),
            ("sensitivity", json!("normal")),
            ("seriesMasterId", Value::Null),
            ("showAs", json!("busy")),
            ("transactionId", Value::Null),
        ] {
            event.entry(key).or_insert(value);
        }
        for (key, value) in [
            ("id", json!(id)),
            (
                "iCalUId",
                json!(format!(
                    "040000008200E00074C5B7101A82E008{:032X}",
                    rand::random::<u128>()
                )),
            ),
            ("changeKey", json!(outlook_id("Ck"))),
            ("createdDateTime", json!(format!("{now}.0000000Z"))),
            ("lastModifiedDateTime", json!(format!("{now}.0000000Z"))),
            ("organizer", organizer),
            ("isOrganizer", json!(true)),
            (
                "originalStartTimeZone",
                event
                    .get("start")
                    .map_or(json!("UTC"), |t| t["timeZone"].clone()),
            ),
            (
                "originalEndTimeZone",
                event
                    .get("end")
                    .map_or(json!("UTC"), |t| t["timeZone"].clone()),
            ),
            ("isCancelled", json!(false)),
            (
                "type",
                json!(if event.get("recurrence").is_some_and(Value::is_object) {
                    "seriesMaster"
                } else {
                    "singleInstance"
                }),
            ),
            (
                "responseStatus",
                json!({ "response": "organizer", "time": "0001-01-01T00:00:00Z" }),
            ),
            (
                "webLink",
                json!(format!(
                    "https://outlook.office365.com/owa/?itemid={id}&exvsurl=1&path=/calendar/item"
                )),
            ),
        ] {
            event.insert(key.into(), value);
        }
        Value::Object(event)
    }
}

/// The first 255 characters of a body's text, as `bodyPreview` shows it: tags left out,
/// white space collapsed.
fn body_preview(content: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in content.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(255)
        .collect()
}

fn find(graph: &Graph, owner: usize, id: &str) -> Result<Value, GraphError> {
    if let Some((master_id, original)) = series::parse_occurrence_id(id) {
        let master = find_stored(graph, owner, master_id)?;
        let exceptions = graph.world.calendars.exceptions(master_id);
        return series::occurrence_at(&master, &exceptions, original).ok_or_else(item_not_found);
    }
    let event = find_stored(graph, owner, id)?;
    Ok(if series::is_master(&event) {
        series::master_with_cancellations(&event, &graph.world.calendars.exceptions(id))
    } else {
        event
    })
}

fn find_stored(graph: &Graph, owner: usize, id: &str) -> Result<Value, GraphError> {
    graph
        .world
        .calendars
        .with(&graph.world.tenant, owner, |events| {
            events.iter().find(|e| e["id"] == id).cloned()
        })
        .ok_or_else(item_not_found)
}

/// `GET /users/{id}/events/{event}`.
pub(super) async fn get(
    State(graph): State<Graph>,
    Path((user, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    let (zone, zone_name, applied) = preference(&headers)?;
    let event = present(&find(&graph, owner(&graph, &user)?, &id)?, zone, &zone_name);
    let response = collection::entity(
        &graph,
        &format!("users('{user}')/events"),
        &EVENT,
        &event,
        &query,
    )?;
    Ok(with_preference(response, applied))
}

/// `GET /users/{id}/events`.
pub(super) async fn list(
    State(graph): State<Graph>,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let events = graph
        .world
        .calendars
        .with(&graph.world.tenant, owner(&graph, &user)?, |events| {
            events.clone()
        });
    answer_events(&graph, &user, "events", &events, raw.as_deref(), &headers)
}

/// A page of events, each in the zone the caller prefers.
fn answer_events(
    graph: &Graph,
    user: &str,
    relation: &str,
    events: &[Value],
    raw: Option<&str>,
    headers: &HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw, headers)?;
    let (zone, zone_name, applied) = preference(headers)?;
    let shown: Vec<Value> = events
        .iter()
        .map(|e| present(e, zone, &zone_name))
        .collect();
    let response = collection::page(
        graph,
        &format!("users/{user}/{relation}"),
        &format!("users('{user}')/{relation}"),
        &EVENT,
        &shown,
        &query,
    )?;
    Ok(with_preference(response, applied))
}

/// The `startDateTime` and `endDateTime` of a `calendarView` or `instances` request, in Unix
/// seconds. Function parameters are read without regard to case (`startdatetime`,
/// `StartDateTime`).
fn time_window(raw: Option<&str>) -> Result<(i64, i64), GraphError> {
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
            .collect();
    let window = |name: &str| params.get(name).and_then(|v| epoch_seconds(v));
    match (window("startdatetime"), window("enddatetime")) {
        (Some(from), Some(to)) => Ok((from, to)),
        _ => Err(GraphError::bad_request(
            "ErrorInvalidParameter",
            "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.",
        )),
    }
}

/// Whether an event overlaps `[from, to)`.
pub(super) fn overlaps(event: &Value, from: i64, to: i64) -> bool {
    time_of(event, "start").is_some_and(|s| s < to)
        && time_of(event, "end").is_some_and(|e| e > from)
}

/// `GET /users/{id}/calendarView?startDateTime=…&endDateTime=…`: events overlapping the window.
pub(super) async fn calendar_view(
    State(graph): State<Graph>,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let (from, to) = time_window(raw.as_deref())?;
    // Only what can meet the window is copied out: single events overlapping it, and series
    // masters, which show as their occurrences in it, never as themselves.
    let candidates: Vec<Value> =
        graph
            .world
            .calendars
            .with(&graph.world.tenant, owner(&graph, &user)?, |events| {
                events
                    .iter()
                    .filter(|e| series::is_master(e) || overlaps(e, from, to))
                    .cloned()
                    .collect()
            });
    let events: Vec<Value> = candidates
        .into_iter()
        .flat_map(|e| {
            if series::is_master(&e) {
                let id = e["id"].as_str().unwrap_or_default().to_owned();
                series::occurrences_between(&e, &graph.world.calendars.exceptions(&id), from, to)
            } else {
                vec![e]
            }
        })
        .collect();
    answer_events(
        &graph,
        &user,
        "calendarView",
        &events,
        raw.as_deref(),
        &headers,
    )
}

/// `GET /users/{id}/events/{event}/instances?startDateTime=…&endDateTime=…`: a series'
/// occurrences in the window (an event that does not repeat is its own only instance).
pub(super) async fn instances(
    State(graph): State<Graph>,
    Path((user, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let (from, to) = time_window(raw.as_deref())?;
    let owner = owner(&graph, &user)?;
    let master = find_stored(&graph, owner, &id)?;
    let occurrences = if series::is_master(&master) {
        series::occurrences_between(&master, &graph.world.calendars.exceptions(&id), from, to)
    } else {
        vec![master]
    };
    answer_events(
        &graph,
        &user,
        "instances",
        &occurrences,
        raw.as_deref(),
        &headers,
    )
}

/// `PATCH /users/{id}/events/{event}`, guarded by `If-Match` when sent.
pub(super) async fn update(
    State(graph): State<Graph>,
    Path((user, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Result<Response, GraphError> {
    let (zone, zone_name, applied) = preference(&headers)?;
    let owner = owner(&graph, &user)?;
    let Value::Object(changes) = body else {
        return Err(GraphError::bad_request(
            "RequestBodyRead",
            "The request body must be a JSON object.",
        ));
    };
    check_body(&changes, false)?;
    for fixed in [
        "id",
        "iCalUId",
        "changeKey",
        "createdDateTime",
        "organizer",
        "transactionId",
    ] {
        if changes.contains_key(fixed) {
            return Err(invalid(format!(
                "The property '{fixed}' cannot be changed."
            )));
        }
    }
    // One occurrence of a series, changed on its own: an exception of the master.
    if let Some((master_id, original)) = series::parse_occurrence_id(&id) {
        find(&graph, owner, &id)?;
        graph.world.calendars.set_exception(
            master_id,
            original,
            series::Exception::Changed(changes),
        );
        let updated = find(&graph, owner, &id)?;
        graph.world.calendars.send("update", &updated);
        let shown = present(&updated, zone, &zone_name);
        let body = collection::entity_json(
            &graph,
            &format!("users('{user}')/events"),
            &EVENT,
            &shown,
            &Query::default(),
        );
        return Ok(with_preference(super::odata(body), applied));
    }
    let if_match = headers
        .get("if-match")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start_matches("W/").trim_matches('"').to_owned());
    let updated = graph.world.calendars.with(&graph.world.tenant, owner, |events| {
        let event = events.iter_mut().find(|e| e["id"] == id.as_str()).ok_or_else(item_not_found)?;
        if let Some(expected) = &if_match
            && expected != "*"
            && event["changeKey"].as_str() != Some(expected.as_str())
        {
            return Err(GraphError::new(
                StatusCode::PRECONDITION_FAILED,
                "ErrorIrresolvableConflict",
                "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
            ));
        }
        if let Some(map) = event.as_object_mut() {
            map.extend(changes);
            map.insert("changeKey".into(), json!(outlook_id("Ck")));
            map.insert("lastModifiedDateTime".into(), json!(format!("{}.0000000Z", now_iso())));
        }
        Ok(event.clone())
    })?;
    graph.world.calendars.send("update", &updated);
    let shown = present(&updated, zone, &zone_name);
    let body = collection::entity_json(
        &graph,
        &format!("users('{user}')/events"),
        &EVENT,
        &shown,
        &Query::default(),
    );
    Ok(with_preference(super::odata(body), applied))
}

/// `DELETE /users/{id}/events/{event}`: 204.
pub(super) async fn delete(
    State(graph): State<Graph>,
    Path((user, id)): Path<(String, String)>,
) -> Result<Response, GraphError> {
    let owner = owner(&graph, &user)?;
    let event = find(&graph, owner, &id)?;
    // One occurrence cancelled on its own; the series stays.
    if let Some((master_id, original)) = series::parse_occurrence_id(&id) {
        graph
            .world
            .calendars
            .set_exception(master_id, original, series::Exception::Cancelled);
    } else {
        graph
            .world
            .calendars
            .with(&graph.world.tenant, owner, |events| {
                events.retain(|e| e["id"] != id.as_str());
            });
    }
    graph.world.calendars.send("cancellation", &event);
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_become_epoch_seconds() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00"), Some(0));
        assert_eq!(
            epoch_seconds("2026-12-01T09:30:00.0000000Z"),
            Some(1_796_117_400)
        );
        assert_eq!(epoch_seconds("2024-02-29T00:00:00"), Some(1_709_164_800));
        assert_eq!(epoch_seconds("2026-13-01T00:00:00"), None);
        assert_eq!(epoch_seconds("yesterday"), None);
        // Any offset, as the calendarView reference writes its window.
        assert_eq!(
            epoch_seconds("2017-01-01T19:00:00-08:00"),
            epoch_seconds("2017-01-02T03:00:00Z")
        );
        assert_eq!(
            epoch_seconds("2017-01-02T06:00:00+03:00"),
            epoch_seconds("2017-01-02T03:00:00")
        );
    }
}

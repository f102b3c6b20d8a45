//! Calendar events: idempotent create, the attendee limit, extended properties, change keys,
//! calendarView, delete, and the calendar permissions.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Session, assert_graph_error, session, urlencode};

const WEBEX_PROPERTY: &str = "String {00020329-0000-0000-C000-000000000046} Name WebexMeetingId";

fn event(transaction: &str, attendees: usize) -> Value {
    let attendees: Vec<Value> = (0..attendees)
        .map(|i| json!({ "emailAddress": { "address": format!("p{i}@ornek.example"), "name": format!("P {i}") }, "type": "required" }))
        .collect();
    json!({
        "subject": "Bütçe toplantısı",
        "body": { "contentType": "html", "content": "<p>Join Webex</p>" },
        "start": { "dateTime": "2027-06-01T09:00:00", "timeZone": "UTC" },
        "end": { "dateTime": "2027-06-01T10:00:00", "timeZone": "UTC" },
        "attendees": attendees,
        "transactionId": transaction,
        "singleValueExtendedProperties": [{ "id": WEBEX_PROPERTY, "value": "webex-123" }],
    })
}

async fn post(s: &Session, user: &str, body: &Value) -> reqwest::Response {
    s.http
        .post(format!("{}/users/{user}/events", s.emulator.graph_url))
        .bearer_auth(&s.token)
        .json(body)
        .send()
        .await
        .expect("answer")
}

fn organiser(s: &Session) -> (usize, String) {
    let tenant = &s.emulator.world.tenant;
    let i = tenant
        .users
        .iter()
        .position(|u| u.user_type == "Member")
        .expect("a member");
    (i, tenant.users[i].id.clone())
}

#[tokio::test]
async fn a_create_retried_with_the_same_transaction_id_makes_one_event() {
    let s = session().await;
    let (owner, user) = organiser(&s);
    let before = s
        .emulator
        .world
        .calendars
        .count(&s.emulator.world.tenant, owner);
    let first = post(&s, &user, &event("tx-1", 3)).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("json");
    let again: Value = post(&s, &user, &event("tx-1", 3))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(first["id"], again["id"]);
    assert_eq!(
        s.emulator
            .world
            .calendars
            .count(&s.emulator.world.tenant, owner),
        before + 1,
        "nothing duplicated"
    );
    assert_eq!(first["isOrganizer"], true);
    assert_eq!(first["attendees"][0]["status"]["response"], "none");
    assert!(first["changeKey"].is_string() && first["iCalUId"].is_string());
    assert!(
        first.get("singleValueExtendedProperties").is_none(),
        "extended properties show only when expanded"
    );
}

#[tokio::test]
async fn bad_events_are_refused_and_leave_no_trace() {
    let s = session().await;
    let (owner, user) = organiser(&s);
    let before = s
        .emulator
        .world
        .calendars
        .count(&s.emulator.world.tenant, owner);
    assert_graph_error(
        post(&s, &user, &event("tx-big", 501)).await,
        StatusCode::BAD_REQUEST,
        "ErrorInvalidRequest",
    )
    .await;
    let mut no_start = event("tx-2", 1);
    no_start.as_object_mut().expect("object").remove("start");
    assert_graph_error(
        post(&s, &user, &no_start).await,
        StatusCode::BAD_REQUEST,
        "ErrorInvalidRequest",
    )
    .await;
    let mut backwards = event("tx-4", 1);
    backwards["end"]["dateTime"] = json!("2027-06-01T08:00:00");
    assert_graph_error(
        post(&s, &user, &backwards).await,
        StatusCode::BAD_REQUEST,
        "ErrorInvalidRequest",
    )
    .await;
    let mut unknown = event("tx-3", 1);
    unknown["colour"] = json!("red");
    assert_graph_error(
        post(&s, &user, &unknown).await,
        StatusCode::BAD_REQUEST,
        "RequestBodyRead",
    )
    .await;
    assert_eq!(
        s.emulator
            .world
            .calendars
            .count(&s.emulator.world.tenant, owner),
        before,
        "no trace"
    );
    assert_eq!(
        post(&s, &user, &event("tx-500", 500)).await.status(),
        StatusCode::CREATED,
        "500 attendees are allowed"
    );
}

#[tokio::test]
async fn extended_properties_expand_and_filter_events() {
    let s = session().await;
    let (_, user) = organiser(&s);
    let created: Value = post(&s, &user, &event("tx-x", 1))
        .await
        .json()
        .await
        .expect("json");
    post(&s, &user, &json!({ "subject": "Other", "start": { "dateTime": "2027-06-02T09:00:00", "timeZone": "UTC" }, "end": { "dateTime": "2027-06-02T09:30:00", "timeZone": "UTC" } })).await;
    let root = &s.emulator.graph_url;
    let expand = urlencode(&format!(
        "singleValueExtendedProperties($filter=id eq '{WEBEX_PROPERTY}')"
    ));
    let one: Value = s
        .get(
            &format!(
                "{root}/users/{user}/events/{}?$expand={expand}",
                created["id"].as_str().expect("id")
            ),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        one["singleValueExtendedProperties"][0]["value"],
        "webex-123"
    );
    let filter = urlencode(&format!(
        "singleValueExtendedProperties/Any(ep: ep/id eq '{WEBEX_PROPERTY}' and ep/value eq 'webex-123')"
    ));
    let found: Value = s
        .get(
            &format!("{root}/users/{user}/events?$filter={filter}"),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    let found = found["value"].as_array().expect("value");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["id"], created["id"]);
}

#[tokio::test]
async fn change_keys_guard_updates_and_delete_answers_204() {
    let s = session().await;
    let (_, user) = organiser(&s);
    let created: Value = post(&s, &user, &event("tx-p", 1))
        .await
        .json()
        .await
        .expect("json");
    let url = format!(
        "{}/users/{user}/events/{}",
        s.emulator.graph_url,
        created["id"].as_str().expect("id")
    );
    let patch = |key: &str| {
        let (http, url, token) = (s.http.clone(), url.clone(), s.token.clone());
        let key = key.to_owned();
        async move {
            http.patch(url)
                .bearer_auth(token)
                .header("If-Match", format!("W/\"{key}\""))
                .json(&json!({ "subject": "Moved" }))
                .send()
                .await
                .expect("answer")
        }
    };
    assert_graph_error(
        patch("stale").await,
        StatusCode::PRECONDITION_FAILED,
        "ErrorIrresolvableConflict",
    )
    .await;
    let updated = patch(created["changeKey"].as_str().expect("key")).await;
    assert_eq!(updated.status(), StatusCode::OK);
    let updated: Value = updated.json().await.expect("json");
    assert_eq!(updated["subject"], "Moved");
    assert_ne!(updated["changeKey"], created["changeKey"]);

    let deleted = s
        .http
        .delete(&url)
        .bearer_auth(&s.token)
        .send()
        .await
        .expect("answer");
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_graph_error(
        s.get(&url, false).await,
        StatusCode::NOT_FOUND,
        "ErrorItemNotFound",
    )
    .await;
}

#[tokio::test]
async fn calendar_view_needs_a_window_and_returns_what_overlaps_it() {
    let s = session().await;
    let (_, user) = organiser(&s);
    post(&s, &user, &event("tx-v", 1)).await;
    let base = format!("{}/users/{user}/calendarView", s.emulator.graph_url);
    assert_graph_error(
        s.get(&base, false).await,
        StatusCode::BAD_REQUEST,
        "ErrorInvalidParameter",
    )
    .await;
    let inside: Value = s
        .get(
            &format!("{base}?startDateTime=2027-06-01T09:30:00Z&endDateTime=2027-06-01T12:00:00Z"),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(inside["value"].as_array().expect("value").len(), 1);
    let outside: Value = s
        .get(
            &format!("{base}?startDateTime=2027-06-01T10:00:00Z&endDateTime=2027-06-01T12:00:00Z"),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        outside["value"].as_array().expect("value").len(),
        0,
        "an event ending at the window's start is outside"
    );
}

#[tokio::test]
async fn writing_events_needs_calendars_read_write() {
    let s = session().await;
    let (_, user) = organiser(&s);
    let read_only = s.emulator.world.app_token(&["Calendars.Read"]);
    let url = format!("{}/users/{user}/events", s.emulator.graph_url);
    let denied = s
        .http
        .post(&url)
        .bearer_auth(&read_only)
        .json(&event("tx-r", 1))
        .send()
        .await
        .expect("answer");
    assert_graph_error(denied, StatusCode::FORBIDDEN, "Authorization_RequestDenied").await;
    let listed = s
        .http
        .get(&url)
        .bearer_auth(&read_only)
        .send()
        .await
        .expect("answer");
    assert_eq!(listed.status(), StatusCode::OK);
}

#[tokio::test]
async fn get_schedule_shows_busy_intervals_and_unknown_people() {
    let s = session().await;
    let (owner, user) = organiser(&s);
    post(&s, &user, &event("tx-s", 1)).await;
    let address = s.emulator.world.tenant.users[owner]
        .mail
        .clone()
        .expect("mail");
    let answer = s
        .http
        .post(format!(
            "{}/users/{user}/calendar/getSchedule",
            s.emulator.graph_url
        ))
        .bearer_auth(&s.token)
        .json(&json!({
            "schedules": [address, "nobody@ornek.example"],
            "startTime": { "dateTime": "2027-06-01T08:00:00", "timeZone": "UTC" },
            "endTime": { "dateTime": "2027-06-01T11:00:00", "timeZone": "UTC" },
            "availabilityViewInterval": 30,
        }))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), StatusCode::OK);
    let body: Value = answer.json().await.expect("json");
    // 08:00–11:00 in half hours; the meeting fills 09:00–10:00.
    assert_eq!(body["value"][0]["availabilityView"], "002200");
    assert_eq!(body["value"][0]["scheduleItems"][0]["status"], "busy");
    assert_eq!(
        body["value"][1]["error"]["responseCode"],
        "ErrorMailRecipientNotFound"
    );
}

#[tokio::test]
async fn calendars_start_with_the_tenants_existing_meetings() {
    let s = session().await;
    let tenant = &s.emulator.world.tenant;
    let (owner, user) = organiser(&s);
    let expected = tenant.existing_events(owner).len();
    assert!(expected >= 2);
    let listed: Value = s
        .get(
            &format!("{}/users/{user}/events?$top=50", s.emulator.graph_url),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    let listed = listed["value"].as_array().expect("value");
    assert_eq!(listed.len(), expected);
    assert!(
        listed
            .iter()
            .any(|e| e["subject"] == "Haftalık ekip toplantısı")
    );
    assert!(
        listed
            .iter()
            .all(|e| e["organizer"]["emailAddress"]["address"]
                == tenant.users[owner].mail.as_deref().unwrap_or_default())
    );
}

#[tokio::test]
async fn times_are_answered_in_utc_or_in_the_preferred_zone() {
    let s = session().await;
    let (_, user) = organiser(&s);
    let mut istanbul = event("tx-tz", 1);
    istanbul["start"] =
        json!({ "dateTime": "2027-06-01T12:00:00", "timeZone": "Turkey Standard Time" });
    istanbul["end"] = json!({ "dateTime": "2027-06-01T13:00:00", "timeZone": "Europe/Istanbul" });
    let created: Value = post(&s, &user, &istanbul).await.json().await.expect("json");
    assert_eq!(
        created["start"],
        json!({ "dateTime": "2027-06-01T09:00:00.0000000", "timeZone": "UTC" })
    );
    assert_eq!(created["originalStartTimeZone"], "Turkey Standard Time");

    let url = format!(
        "{}/users/{user}/events/{}",
        s.emulator.graph_url,
        created["id"].as_str().expect("id")
    );
    let pacific = s
        .http
        .get(&url)
        .bearer_auth(&s.token)
        .header("Prefer", "outlook.timezone=\"Pacific Standard Time\"")
        .send()
        .await
        .expect("answer");
    assert_eq!(
        pacific.headers()["preference-applied"],
        "outlook.timezone=\"Pacific Standard Time\""
    );
    let pacific: Value = pacific.json().await.expect("json");
    assert_eq!(
        pacific["start"],
        json!({ "dateTime": "2027-06-01T02:00:00.0000000", "timeZone": "Pacific Standard Time" }),
        "PDT is UTC-7 in June"
    );

    let view: Value = s
        .get(&format!("{}/users/{user}/calendarView?startDateTime=2027-06-01T09:30:00Z&endDateTime=2027-06-01T09:45:00Z", s.emulator.graph_url), false)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        view["value"].as_array().expect("value").len(),
        1,
        "09:00–10:00 UTC overlaps 09:30–09:45 UTC"
    );

    let mut nowhere = event("tx-nowhere", 1);
    nowhere["start"]["timeZone"] = json!("Atlantis Standard Time");
    assert_graph_error(
        post(&s, &user, &nowhere).await,
        StatusCode::BAD_REQUEST,
        "TimeZoneNotSupportedException",
    )
    .await;
    let bad_prefer = s
        .http
        .get(&url)
        .bearer_auth(&s.token)
        .header("Prefer", "outlook.timezone=\"Mars/Olympus\"")
        .send()
        .await
        .expect("answer");
    assert_graph_error(
        bad_prefer,
        StatusCode::BAD_REQUEST,
        "TimeZoneNotSupportedException",
    )
    .await;
}

/// A weekly series on Mondays and Wednesdays, ten times, from Monday 7 June 2027 at 09:00 in
/// Istanbul, as the reference writes `patternedRecurrence`.
fn weekly_series(attendees: usize) -> Value {
    let mut body = event("tx-series", attendees);
    body["start"] = json!({ "dateTime": "2027-06-07T09:00:00", "timeZone": "Europe/Istanbul" });
    body["end"] = json!({ "dateTime": "2027-06-07T10:00:00", "timeZone": "Europe/Istanbul" });
    body["recurrence"] = json!({
        "pattern": { "type": "weekly", "interval": 1, "daysOfWeek": ["Monday", "Wednesday"], "firstDayOfWeek": "sunday" },
        "range": { "type": "numbered", "startDate": "2027-06-07", "numberOfOccurrences": 10, "recurrenceTimeZone": "Europe/Istanbul" },
    });
    body
}

#[tokio::test]
async fn a_series_shows_its_occurrences_and_one_changed_or_cancelled_on_its_own_stays_so() {
    let s = session().await;
    let (_, user) = organiser(&s);
    let master: Value = post(&s, &user, &weekly_series(3))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(master["type"], "seriesMaster");
    let master_id = master["id"].as_str().expect("an id").to_owned();
    let view = |from: &str, to: &str| {
        let url = format!(
            "{}/users/{user}/calendarView?startDateTime={from}&endDateTime={to}",
            s.emulator.graph_url
        );
        let (http, token) = (s.http.clone(), s.token.clone());
        async move {
            let page: Value = http
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("answer")
                .json()
                .await
                .expect("json");
            page["value"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|e| e["subject"] == "Bütçe toplantısı" || e["subject"] == "Taşındı")
                .collect::<Vec<Value>>()
        }
    };
    let first_week = view("2027-06-07T00:00:00Z", "2027-06-14T00:00:00Z").await;
    assert_eq!(first_week.len(), 2, "Monday and Wednesday: {first_week:?}");
    assert!(
        first_week
            .iter()
            .all(|o| o["type"] == "occurrence" && o["seriesMasterId"] == master_id.as_str())
    );
    assert_eq!(
        first_week[1]["start"]["dateTime"], "2027-06-09T06:00:00.0000000",
        "09:00 Istanbul in UTC"
    );
    let all = view("2027-06-01T00:00:00Z", "2027-08-01T00:00:00Z").await;
    assert_eq!(all.len(), 10, "ten occurrences in all");

    // The Wednesday moved and renamed, the next Monday cancelled: each on its own.
    let wednesday = first_week[1]["id"].as_str().expect("an id").to_owned();
    let moved = s
        .http
        .patch(format!("{}/users/{user}/events/{wednesday}", s.emulator.graph_url))
        .bearer_auth(&s.token)
        .json(&json!({ "subject": "Taşındı", "start": { "dateTime": "2027-06-10T09:00:00", "timeZone": "Europe/Istanbul" }, "end": { "dateTime": "2027-06-10T10:00:00", "timeZone": "Europe/Istanbul" } }))
        .send()
        .await
        .expect("answer");
    assert_eq!(moved.status(), StatusCode::OK);
    let second_week = view("2027-06-14T00:00:00Z", "2027-06-21T00:00:00Z").await;
    let monday = second_week[0]["id"].as_str().expect("an id").to_owned();
    let cancelled = s
        .http
        .delete(format!(
            "{}/users/{user}/events/{monday}",
            s.emulator.graph_url
        ))
        .bearer_auth(&s.token)
        .send()
        .await
        .expect("answer");
    assert_eq!(cancelled.status(), StatusCode::NO_CONTENT);

    let all = view("2027-06-01T00:00:00Z", "2027-08-01T00:00:00Z").await;
    assert_eq!(all.len(), 9, "one cancelled");
    let exception = all
        .iter()
        .find(|o| o["id"] == wednesday.as_str())
        .expect("the moved one");
    assert_eq!(exception["type"], "exception");
    assert_eq!(
        exception["start"]["dateTime"],
        "2027-06-10T06:00:00.0000000"
    );
    assert!(all.iter().all(|o| o["id"] != monday.as_str()));
    let instances: Value = s
        .http
        .get(format!(
            "{}/users/{user}/events/{master_id}/instances?startDateTime=2027-06-01T00:00:00Z&endDateTime=2027-08-01T00:00:00Z",
            s.emulator.graph_url
        ))
        .bearer_auth(&s.token)
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(instances["value"].as_array().map(Vec::len), Some(9));
    let master: Value = s
        .http
        .get(format!(
            "{}/users/{user}/events/{master_id}",
            s.emulator.graph_url
        ))
        .bearer_auth(&s.token)
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert_eq!(
        master["cancelledOccurrences"].as_array().map(Vec::len),
        Some(1)
    );

    // Outlook told the attendees each time.
    let sent = s.emulator.world.calendars.sent();
    let kinds: Vec<&str> = sent.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, ["update", "cancellation"]);
    assert!(sent.iter().all(|m| m.recipients == 3));
}

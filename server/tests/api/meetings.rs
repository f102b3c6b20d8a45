//! Scheduling from a message: `POST /api/meetings` writes one Webex meeting and one Outlook
//! event for a selection, exactly once per key, whatever answer is lost, and leaves nothing
//! behind when the event cannot be written.

use chrono::{TimeDelta, Utc};
use davet_api::{ErrorCode, ScheduleOutcome};
use davet_emulator::controls::{Fault, FaultRule};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::webex::{address, connect};

/// A team of the demo tenant and one more person, for tomorrow 10:00 in Istanbul.
fn request(app: &TestApp) -> Value {
    let start = (Utc::now() + TimeDelta::days(1))
        .date_naive()
        .and_hms_opt(7, 0, 0)
        .expect("a time")
        .and_utc();
    let team = app
        .emulator
        .world
        .tenant
        .groups
        .iter()
        .find(|g| g.mail.is_some() && g.display_name.contains("Ekibi"))
        .expect("a team");
    json!({
        "meeting": {
            "subject": "Çeyrek planlaması",
            "start": start.to_rfc3339(),
            "end": (start + TimeDelta::hours(1)).to_rfc3339(),
            "timeZone": "Europe/Istanbul",
            "options": { "lobby": "waitInLobby" },
            "lang": "en",
        },
        "selection": [
            { "kind": "group", "id": team.id, "displayName": team.display_name },
            { "kind": "person", "email": address(app, 2), "displayName": "Üçüncü" },
        ],
    })
}

async fn post(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.http
        .post(app.url.join(davet_api::MEETINGS_PATH).expect("url"))
        .bearer_auth(&app.session)
        .header(davet_api::IDEMPOTENCY_KEY_HEADER, key)
        .json(body)
        .send()
        .await
        .expect("the server answers")
}

fn organiser_events(app: &TestApp) -> Vec<Value> {
    let world = &app.emulator.world;
    world
        .calendars
        .events(&world.tenant, app.member(0))
        .into_iter()
        .filter(|e| e["transactionId"].is_string())
        .collect()
}

fn scheduled(outcome: ScheduleOutcome) -> (String, String, u32) {
    match outcome {
        ScheduleOutcome::Scheduled {
            meeting,
            event_id,
            attendees,
            ..
        } => (meeting.id, event_id, attendees),
        other => panic!("scheduled: {other:?}"),
    }
}

#[tokio::test]
async fn a_message_becomes_one_webex_meeting_and_one_event_with_the_join_block() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let key = "message-5d2e-4c1b-8a9f-000001";
    let answer = post(&app, key, &request(&app)).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let (meeting_id, event_id, attendees) = scheduled(answer.json().await.expect("an outcome"));
    assert!(attendees >= 2);

    let events = organiser_events(&app);
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event["id"], event_id.as_str());
    assert_eq!(event["subject"], "Çeyrek planlaması");
    assert_eq!(event["start"]["timeZone"], "Europe/Istanbul");
    assert_eq!(
        event["attendees"].as_array().map(Vec::len),
        Some(attendees as usize)
    );
    let body = event["body"]["content"].as_str().expect("a body");
    assert!(body.contains("Join the Webex meeting") && body.contains("davet-webex-begin"));
    let meetings = app.emulator.webex.meetings();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0].id, meeting_id);
    assert!(
        event["location"]["displayName"]
            .as_str()
            .is_some_and(|l| l.contains(&meeting_id))
    );
    let property = &event["singleValueExtendedProperties"][0];
    assert_eq!(property["value"], meeting_id.as_str());

    // The pane retries (it did not see the answer): the same event, the same meeting.
    let again = scheduled(
        post(&app, key, &request(&app))
            .await
            .json()
            .await
            .expect("an outcome"),
    );
    assert_eq!((again.0, again.1), (meeting_id, event_id));
    assert_eq!(organiser_events(&app).len(), 1);
    assert_eq!(app.emulator.webex.meetings().len(), 1);
}

#[tokio::test]
async fn answers_lost_on_either_side_still_give_one_meeting_and_one_event() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    app.emulator.webex_controls().inject(FaultRule {
        path: "POST /v1/meetings".into(),
        fault: Fault::DropAfterApplied,
        times: 1,
    });
    app.emulator.graph_controls().inject(FaultRule {
        path: "POST /v1.0/me/events".into(),
        fault: Fault::DropAfterApplied,
        times: 1,
    });
    let answer = post(&app, "message-lost-answers-0000-01", &request(&app)).await;
    assert_eq!(answer.status(), StatusCode::OK, "{:?}", answer.text().await);
    assert_eq!(
        organiser_events(&app).len(),
        1,
        "Graph's transactionId kept it one"
    );
    assert_eq!(
        app.emulator.webex.meetings().len(),
        1,
        "Webex's tag kept it one"
    );
}

#[tokio::test]
async fn an_event_that_cannot_be_written_leaves_no_webex_meeting_behind() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    app.emulator.graph_controls().inject(FaultRule {
        path: "POST /v1.0/me/events".into(),
        fault: Fault::Gone,
        times: 1,
    });
    let key = "message-refused-event-000001";
    let refused = post(&app, key, &request(&app)).await;
    assert_eq!(refused.status(), StatusCode::BAD_GATEWAY);
    let error: davet_api::ApiError = refused.json().await.expect("an error");
    assert_eq!(error.code, ErrorCode::EventNotWritten);
    assert!(error.message.contains("deleted again") && !error.message_tr.is_empty());
    assert!(
        app.emulator.webex.meetings().is_empty(),
        "the meeting went again"
    );
    assert!(organiser_events(&app).is_empty());

    // Once Outlook takes events again, the same key schedules afresh: one of each.
    let answer = post(&app, key, &request(&app)).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(organiser_events(&app).len(), 1);
    assert_eq!(app.emulator.webex.meetings().len(), 1);
}

#[tokio::test]
async fn over_the_recipient_limit_nothing_is_made_and_the_answer_is_the_verdict() {
    let app = spawn_app_with(|settings| settings.recipient_limit = 2).await;
    connect(&app, &app.session, &address(&app, 0)).await;
    app.emulator.webex_controls().clear_log();
    let answer = post(&app, "message-too-many-00000000001", &request(&app)).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let outcome: ScheduleOutcome = answer.json().await.expect("an outcome");
    let ScheduleOutcome::TooMany { verdict } = outcome else {
        panic!("too many: {outcome:?}");
    };
    assert!(matches!(
        verdict,
        davet_api::RecipientVerdict::TooMany { limit: 2, .. }
    ));
    assert_eq!(app.emulator.webex_controls().count("/v1/meetings"), 0);
    assert!(organiser_events(&app).is_empty());
}

#[tokio::test]
async fn the_sweep_undoes_a_scheduling_left_half_made_and_finishes_one_whose_event_exists() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    // Outlook unavailable for longer than the retries last: the Webex meeting is made, the event
    // is not, and the pane gives up (no retry comes).
    app.emulator.graph_controls().inject(FaultRule {
        path: "POST /v1.0/me/events".into(),
        fault: Fault::Unavailable {
            retry_after_secs: 0,
        },
        // As many times as the server tries (RetryPolicy::STANDARD's four attempts).
        times: 4,
    });
    let stuck = post(&app, "message-half-made-0000000001", &request(&app)).await;
    assert!(stuck.status().is_server_error(), "{}", stuck.status());
    assert_eq!(
        app.emulator.webex.meetings().len(),
        1,
        "made on the Webex side only"
    );
    let (graph, webex, vault) = (
        &app.state.graph,
        app.state.webex.0.as_ref().expect("Webex"),
        &app.state.auth.vault,
    );
    let young = davet::scheduling::sweep(graph, webex, vault, TimeDelta::minutes(30))
        .await
        .expect("a sweep");
    assert_eq!(
        young,
        davet::scheduling::Swept::default(),
        "too young to sweep"
    );
    let swept = davet::scheduling::sweep(graph, webex, vault, TimeDelta::zero())
        .await
        .expect("a sweep");
    assert_eq!((swept.undone, swept.finished), (1, 0));
    assert!(
        app.emulator.webex.meetings().is_empty(),
        "nothing left behind"
    );

    // A crash after the event was written, before the record said so: the sweep finishes it.
    let key = "message-crashed-after-event1";
    assert_eq!(
        post(&app, key, &request(&app)).await.status(),
        StatusCode::OK
    );
    let user = app.user_key(app.member(0));
    vault
        .advance_scheduling(
            &user,
            key,
            davet::vault::SchedulingState::WebexMade,
            None,
            None,
        )
        .await
        .expect("rewound");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let swept = davet::scheduling::sweep(graph, webex, vault, TimeDelta::zero())
        .await
        .expect("a sweep");
    assert_eq!((swept.undone, swept.finished), (0, 1));
    assert_eq!(app.emulator.webex.meetings().len(), 1, "its meeting stays");
    assert_eq!(organiser_events(&app).len(), 1);
}

#[tokio::test]
async fn a_meeting_moved_then_cancelled_changes_on_both_sides() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let made = post(&app, "message-move-then-cancel-001", &request(&app)).await;
    let (meeting_id, event_id, _) = scheduled(made.json().await.expect("an outcome"));

    // Moved an hour later and renamed, with one person only now.
    let mut moved = request(&app);
    let start =
        chrono::DateTime::parse_from_rfc3339(moved["meeting"]["start"].as_str().expect("a start"))
            .expect("a time")
            + TimeDelta::hours(1);
    moved["meeting"]["start"] = json!(start.to_rfc3339());
    moved["meeting"]["end"] = json!((start + TimeDelta::minutes(45)).to_rfc3339());
    moved["meeting"]["subject"] = json!("Çeyrek planlaması (ertelendi)");
    moved["selection"] =
        json!([{ "kind": "person", "email": address(&app, 3), "displayName": "Dördüncü" }]);
    let path = davet_api::MEETING_PATH.replace("{id}", &event_id);
    let changed = app
        .http
        .patch(app.url.join(&path).expect("url"))
        .bearer_auth(&app.session)
        .json(&moved)
        .send()
        .await
        .expect("answers");
    assert_eq!(
        changed.status(),
        StatusCode::OK,
        "{:?}",
        changed.text().await
    );
    let meetings = app.emulator.webex.meetings();
    assert_eq!(meetings.len(), 1);
    assert_eq!(meetings[0].id, meeting_id);
    assert_eq!(meetings[0].start, start.with_timezone(&Utc));
    assert_eq!(meetings[0].title, "Çeyrek planlaması (ertelendi)");
    let events = organiser_events(&app);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["subject"], "Çeyrek planlaması (ertelendi)");
    assert_eq!(events[0]["attendees"].as_array().map(Vec::len), Some(1));
    let body = events[0]["body"]["content"].as_str().unwrap_or_default();
    assert_eq!(
        body.matches("davet-webex-begin").count(),
        1,
        "the join block once: {body}"
    );

    // Cancelled: both gone; cancelling again changes nothing and is no error.
    for _ in 0..2 {
        let cancelled = app
            .http
            .delete(app.url.join(&path).expect("url"))
            .bearer_auth(&app.session)
            .send()
            .await
            .expect("answers");
        assert!(
            cancelled.status() == StatusCode::NO_CONTENT
                || cancelled.status() == StatusCode::NOT_FOUND,
            "{}",
            cancelled.status()
        );
    }
    assert!(app.emulator.webex.meetings().is_empty());
    assert!(organiser_events(&app).is_empty());
}

#[tokio::test]
async fn the_list_says_where_outlook_and_webex_disagree_and_repair_puts_webex_back_in_step() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let made = post(&app, "message-list-and-repair-0001", &request(&app)).await;
    let (meeting_id, event_id, _) = scheduled(made.json().await.expect("an outcome"));
    let window = {
        let now = Utc::now();
        let iso = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        format!(
            "{}?from={}&to={}",
            davet_api::MEETINGS_PATH,
            iso(now),
            iso(now + TimeDelta::days(3))
        )
    };
    let list = |app: &TestApp| {
        let window = window.clone();
        let app_url = app.url.clone();
        let session = app.session.clone();
        let http = app.http.clone();
        async move {
            let answer = http
                .get(app_url.join(&window).expect("url"))
                .bearer_auth(session)
                .send()
                .await
                .expect("answers");
            assert_eq!(answer.status(), StatusCode::OK);
            answer
                .json::<davet_api::MeetingList>()
                .await
                .expect("a list")
        }
    };
    let listed = list(&app).await;
    let ours: Vec<_> = listed
        .meetings
        .iter()
        .filter(|m| m.event_id == event_id)
        .collect();
    assert_eq!(ours.len(), 1, "{listed:?}");
    assert_eq!(ours[0].agreement, davet_api::Agreement::InStep);
    assert_eq!(
        ours[0].webex.as_ref().map(|w| w.id.clone()),
        Some(meeting_id.clone())
    );
    assert_eq!(
        listed.meetings.len(),
        1,
        "the tenant's own events carry no Webex meeting"
    );

    // Someone moves the event in Outlook (straight through Graph, as Outlook would).
    let moved_start = (Utc::now() + TimeDelta::days(2))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .expect("a time");
    let graph_token =
        app.emulator
            .graph_token_in(&app.emulator.world, app.member(0), &["Calendars.ReadWrite"]);
    let patched = app
        .http
        .patch(format!("{}/me/events/{event_id}", app.emulator.graph_url))
        .bearer_auth(graph_token)
        .json(&json!({
            "start": { "dateTime": moved_start.format("%Y-%m-%dT%H:%M:%S").to_string(), "timeZone": "UTC" },
            "end": { "dateTime": (moved_start + TimeDelta::hours(1)).format("%Y-%m-%dT%H:%M:%S").to_string(), "timeZone": "UTC" },
        }))
        .send()
        .await
        .expect("Graph answers");
    assert!(patched.status().is_success(), "{}", patched.status());
    let listed = list(&app).await;
    assert_eq!(listed.meetings[0].agreement, davet_api::Agreement::Differ);

    let path = davet_api::MEETING_REPAIR_PATH.replace("{id}", &event_id);
    let repaired = app
        .http
        .post(app.url.join(&path).expect("url"))
        .bearer_auth(&app.session)
        .send()
        .await
        .expect("answers");
    assert_eq!(repaired.status(), StatusCode::OK);
    let meetings = app.emulator.webex.meetings();
    assert_eq!(meetings[0].start, moved_start.and_utc());
    assert_eq!(
        meetings[0].options.get("unlockedMeetingJoinSecurity"),
        Some(&json!("allowJoinWithLobby")),
        "the options stay as they were"
    );
    assert_eq!(
        list(&app).await.meetings[0].agreement,
        davet_api::Agreement::InStep
    );
}

#[tokio::test]
async fn a_weekly_series_with_one_occurrence_moved_and_one_cancelled_agrees_on_both_sides() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    // Mondays and Wednesdays at 10:00 Istanbul, six times, from next Monday.
    let today = Utc::now().date_naive();
    let monday = today
        + chrono::Days::new(u64::from(
            7 - chrono::Datelike::weekday(&today).num_days_from_monday(),
        ));
    let start = monday.and_hms_opt(7, 0, 0).expect("a time").and_utc();
    let mut series = request(&app);
    series["meeting"]["start"] = json!(start.to_rfc3339());
    series["meeting"]["end"] = json!((start + TimeDelta::hours(1)).to_rfc3339());
    series["meeting"]["recurrence"] = json!({
        "pattern": { "type": "weekly", "interval": 1, "daysOfWeek": ["monday", "wednesday"] },
        "range": { "type": "numbered", "numberOfOccurrences": 6 },
    });
    let made = post(&app, "message-weekly-series-00001", &series).await;
    assert_eq!(made.status(), StatusCode::OK, "{:?}", made.text().await);
    let held = app.emulator.webex.meetings();
    assert_eq!(
        held[0].recurrence.as_deref(),
        Some("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=6")
    );

    // The occurrences, as Outlook has them.
    let graph_token =
        app.emulator
            .graph_token_in(&app.emulator.world, app.member(0), &["Calendars.ReadWrite"]);
    let view = || {
        let url = format!(
            "{}/me/calendarView?startDateTime={}&endDateTime={}",
            app.emulator.graph_url,
            start.format("%Y-%m-%dT00:00:00Z"),
            (start + TimeDelta::days(21)).format("%Y-%m-%dT00:00:00Z")
        );
        let (http, token) = (app.http.clone(), graph_token.clone());
        async move {
            let page: Value = http
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("Graph")
                .json()
                .await
                .expect("json");
            page["value"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|e| e["seriesMasterId"].is_string())
                .collect::<Vec<Value>>()
        }
    };
    let occurrences = view().await;
    assert_eq!(occurrences.len(), 6);
    let wednesday = occurrences[1]["id"].as_str().expect("an id").to_owned();
    let next_monday = occurrences[2]["id"].as_str().expect("an id").to_owned();

    // The first Wednesday moves to Thursday 14:00; the next Monday is cancelled.
    let thursday = start + TimeDelta::days(3) + TimeDelta::hours(4);
    let mut moved = request(&app);
    moved["meeting"]["start"] = json!(thursday.to_rfc3339());
    moved["meeting"]["end"] = json!((thursday + TimeDelta::hours(1)).to_rfc3339());
    let path = |id: &str| davet_api::MEETING_PATH.replace("{id}", id);
    let changed = app
        .http
        .patch(app.url.join(&path(&wednesday)).expect("url"))
        .bearer_auth(&app.session)
        .json(&moved)
        .send()
        .await
        .expect("answers");
    assert_eq!(
        changed.status(),
        StatusCode::OK,
        "{:?}",
        changed.text().await
    );
    let cancelled = app
        .http
        .delete(app.url.join(&path(&next_monday)).expect("url"))
        .bearer_auth(&app.session)
        .send()
        .await
        .expect("answers");
    assert_eq!(cancelled.status(), StatusCode::NO_CONTENT);

    // Outlook: five occurrences, the Wednesday now on Thursday.
    let occurrences = view().await;
    assert_eq!(occurrences.len(), 5);
    let exception = occurrences
        .iter()
        .find(|o| o["id"] == wednesday.as_str())
        .expect("moved");
    assert_eq!(exception["type"], "exception");
    assert!(occurrences.iter().all(|o| o["id"] != next_monday.as_str()));
    // Webex: the same occurrence moved, the same one cancelled, the series otherwise whole.
    let held = &app.emulator.webex.meetings()[0];
    assert_eq!(held.exceptions.len(), 2, "{:?}", held.exceptions);
    let wednesday_start = start + TimeDelta::days(2);
    match held.exceptions.get(&wednesday_start) {
        Some(davet_emulator::webex::Exception::Changed { start, .. }) => {
            assert_eq!(*start, thursday)
        }
        other => panic!("the Wednesday moved in Webex: {other:?}"),
    }
    assert!(matches!(
        held.exceptions.get(&(start + TimeDelta::days(7))),
        Some(davet_emulator::webex::Exception::Cancelled)
    ));
    assert_eq!(app.emulator.webex.meetings().len(), 1, "one series");
}

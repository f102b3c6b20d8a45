//! Scheduling from an appointment: `POST /api/webex/meetings` makes the Webex meeting once per
//! key, updates it, refuses what Webex would refuse before calling it, and answers the join
//! block in the organiser's language.

use chrono::{TimeDelta, Utc};
use davet_api::{ErrorCode, WebexMeetingAnswer};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};
use crate::webex::{address, connect};

fn tomorrow() -> (String, String) {
    let start = (Utc::now() + TimeDelta::days(1))
        .date_naive()
        .and_hms_opt(7, 0, 0)
        .expect("a time")
        .and_utc();
    let iso = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    (iso(start), iso(start + TimeDelta::hours(1)))
}

fn meeting(subject: &str) -> serde_json::Value {
    let (start, end) = tomorrow();
    json!({
        "subject": subject,
        "start": start,
        "end": end,
        "timeZone": "Europe/Istanbul",
        "options": { "joinBeforeHostMinutes": 5, "lobby": "waitInLobby", "audio": "voip" },
        "lang": "tr",
    })
}

async fn schedule(app: &TestApp, key: Option<&str>, body: &serde_json::Value) -> reqwest::Response {
    let mut request = app
        .http
        .post(app.url.join(davet_api::WEBEX_MEETINGS_PATH).expect("url"))
        .bearer_auth(&app.session)
        .json(body);
    if let Some(key) = key {
        request = request.header(davet_api::IDEMPOTENCY_KEY_HEADER, key);
    }
    request.send().await.expect("the server answers")
}

async fn error_of(response: reqwest::Response) -> davet_api::ApiError {
    response.json().await.expect("an ApiError")
}

#[tokio::test]
async fn an_appointment_gets_one_webex_meeting_per_key_and_its_join_block() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let key = "item-7f3c2a91-4be0-4d6e-9b1a";
    let first = schedule(&app, Some(key), &meeting("Bütçe gözden geçirme")).await;
    assert_eq!(first.status(), StatusCode::OK);
    let first: WebexMeetingAnswer = first.json().await.expect("an answer");
    assert!(
        first.join_block.html.contains("Webex toplantısına katılın"),
        "Turkish, as asked"
    );
    assert!(
        first
            .join_block
            .html
            .contains(&first.meeting.meeting_number)
    );
    assert!(first.join_block.text.contains(&first.meeting.web_link));
    assert_eq!(first.meeting.host_email, address(&app, 0));

    // The pane closed mid-way and reopened: the same key, the same meeting, no second one.
    let again: WebexMeetingAnswer = schedule(&app, Some(key), &meeting("Bütçe gözden geçirme"))
        .await
        .json()
        .await
        .expect("an answer");
    assert_eq!(again.meeting.id, first.meeting.id);
    let held = app.emulator.webex.meetings();
    assert_eq!(held.len(), 1);
    assert_eq!(
        held[0].options.get("joinBeforeHostMinutes"),
        Some(&json!(5))
    );

    // The time changed in Outlook: the same meeting moves.
    let mut moved = meeting("Bütçe gözden geçirme");
    let (start, _) = tomorrow();
    let later = chrono::DateTime::parse_from_rfc3339(&start).expect("a time") + TimeDelta::hours(2);
    moved["start"] = json!(later.to_rfc3339());
    moved["end"] = json!((later + TimeDelta::minutes(30)).to_rfc3339());
    moved["existingMeetingId"] = json!(first.meeting.id);
    let updated: WebexMeetingAnswer = schedule(&app, Some(key), &moved)
        .await
        .json()
        .await
        .expect("an answer");
    assert_eq!(updated.meeting.id, first.meeting.id);
    let held = app.emulator.webex.meetings();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].start, later.with_timezone(&Utc));
    assert_eq!(held[0].end - held[0].start, TimeDelta::minutes(30));
}

#[tokio::test]
async fn a_pane_reopened_on_the_item_reads_its_meeting_and_removing_it_deletes_it_in_webex() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let made: WebexMeetingAnswer = schedule(
        &app,
        Some("item-5d1e9c4b-7a20-4f13-8e6d"),
        &meeting("Kurul"),
    )
    .await
    .json()
    .await
    .expect("an answer");
    let path = davet_api::WEBEX_MEETING_PATH.replace("{id}", &made.meeting.id);
    let url = app.url.join(&path).expect("url");
    let read = |url: reqwest::Url| app.http.get(url).bearer_auth(&app.session).send();

    let shown: davet_api::WebexMeetingInfo = read(url.clone())
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("the meeting");
    assert_eq!(shown.meeting_number, made.meeting.meeting_number);
    assert_eq!(shown.web_link, made.meeting.web_link);

    for _ in 0..2 {
        // Removing twice (a retried click) is no error: what is gone stays gone.
        let removed = app
            .http
            .delete(url.clone())
            .bearer_auth(&app.session)
            .send()
            .await
            .expect("the server answers");
        assert_eq!(removed.status(), StatusCode::NO_CONTENT);
        assert!(app.emulator.webex.meetings().is_empty());
    }
    let gone = read(url).await.expect("the server answers");
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_of(gone).await.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn what_webex_would_refuse_is_refused_before_webex_is_called_in_both_languages() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let controls = app.emulator.webex_controls();
    controls.clear_log();
    let key = Some("item-0a1b2c3d-4e5f-6789-abcd");

    let missing = schedule(&app, None, &meeting("Anahtarsız")).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_of(missing).await.code, ErrorCode::InvalidRequest);

    let mut bad = meeting("Erken");
    bad["options"]["joinBeforeHostMinutes"] = json!(7);
    let refused = schedule(&app, key, &bad).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_of(refused).await;
    assert_eq!(error.code, ErrorCode::InvalidMeeting);
    assert!(
        error.message.contains("0, 5, 10 or 15"),
        "{}",
        error.message
    );
    assert!(
        error.message_tr.contains("0, 5, 10 ya da 15"),
        "{}",
        error.message_tr
    );

    let mut hourly = meeting("Saatlik");
    hourly["recurrence"] = json!({
        "pattern": { "type": "hourly", "interval": 1 },
        "range": { "type": "noEnd" }
    });
    let refused = schedule(&app, key, &hourly).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_of(refused).await;
    assert_eq!(error.code, ErrorCode::RecurrenceNotSupported);
    assert!(error.message.contains("hourly") && error.message_tr.contains("hourly"));

    let mut long = meeting("Uzun");
    long["end"] = long["start"].clone();
    assert_eq!(
        schedule(&app, key, &long).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    assert_eq!(controls.count("/v1/meetings"), 0, "{:?}", controls.log());
    assert!(app.emulator.webex.meetings().is_empty());
}

#[tokio::test]
async fn a_cohost_without_a_webex_account_is_named_and_no_meeting_is_made() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let users = &app.emulator.world.tenant.users;
    let nobody = users
        .iter()
        .find(|u| u.account_enabled && u.mail.is_some() && !u.has_webex && u.user_type == "Member")
        .and_then(|u| u.mail.clone())
        .expect("someone without Webex");
    let mut with_cohost = meeting("Ortak sunucu");
    with_cohost["options"]["cohosts"] = json!([address(&app, 1), nobody]);
    let refused = schedule(&app, Some("item-cohost-0000-1111-2222"), &with_cohost).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_of(refused).await;
    assert_eq!(error.code, ErrorCode::WebexNoAccount);
    assert!(error.message.contains(&nobody) && !error.message.contains(&address(&app, 1)));
    assert!(app.emulator.webex.meetings().is_empty());
}

#[tokio::test]
async fn the_options_are_remembered_for_next_time_but_never_the_people_or_the_password() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let cohost = address(&app, 1);
    let mut chosen = meeting("Hatırla");
    chosen["options"] = json!({
        "joinBeforeHostMinutes": 10,
        "autoRecord": true,
        "lobby": "block",
        "reminderMinutes": 30,
        "password": "Gizli9Parola",
        "cohosts": [cohost],
    });
    let made = schedule(&app, Some("item-remember-0000-1111-22"), &chosen).await;
    assert_eq!(made.status(), StatusCode::OK);
    let status: davet_api::WebexStatus = app
        .get(davet_api::WEBEX_STATUS_PATH)
        .await
        .json()
        .await
        .expect("a status");
    let defaults = status.defaults;
    assert_eq!(defaults.join_before_host_minutes, Some(10));
    assert!(defaults.auto_record);
    assert_eq!(defaults.lobby, davet_api::LobbyChoice::Block);
    assert_eq!(defaults.reminder_minutes, Some(30));
    assert!(defaults.cohosts.is_empty() && defaults.password.is_none());
    let dump = app.database.dump();
    for secret in [cohost.as_str(), "Gizli9Parola"] {
        assert!(
            !dump.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is in the database"
        );
    }
}

//! Two and three `davet serve` processes on one database (the test command's PostgreSQL
//! cluster in its second pass, a shared SQLite file in its first): a session made on one
//! replica serves on another; a refresh two replicas need at once spends the rotating refresh
//! token once; a replica killed in the middle of a scheduling leaves nothing half-made, and
//! the organiser's retry on another replica finishes it once; an update through a third
//! replica reaches Webex.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;
mod support;

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use davet_emulator::controls::Latency;
use davet_emulator::{RunningEmulator, TenantSpec};
use reqwest::StatusCode;
use serde_json::json;
use support::{DAVET, free_port, organiser, serve_env, session, until_up};

/// A replica: `davet serve` on a port of its own; killed when dropped.
struct Replica {
    child: Child,
    url: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn replica(env: &[(String, String)]) -> Replica {
    let port = free_port();
    let mut child = Command::new(DAVET)
        .arg("serve")
        .env_clear()
        .envs(env.iter().cloned())
        .env("DAVET_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("davet serve starts");
    let url = format!("http://127.0.0.1:{port}/");
    if until_up(&url).await {
        return Replica { child, url };
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("a replica did not come up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_sessions_spend_a_refresh_once_survive_a_kill_and_schedule_once() {
    let emulator = RunningEmulator::start(TenantSpec::seeded(11, 60))
        .await
        .expect("the emulators start");
    let database = helpers::TestDatabase::new().await;
    let pane = tempfile::tempdir().expect("a pane folder");
    let mut env = serve_env(&emulator, &database.url, pane.path());
    env.push(("DAVET_WEBEX_MODE".into(), "organisation".into()));

    // The admin connects Webex for the organisation once, for every replica.
    let admin_token = emulator
        .webex
        .service_app_refresh_token()
        .expect("an admin");
    let mut connect = Command::new(DAVET)
        .arg("webex-connect")
        .env_clear()
        .envs(env.iter().cloned())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("webex-connect runs");
    connect
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{admin_token}\n").as_bytes())
        .expect("write");
    let connected = tokio::task::spawn_blocking(move || connect.wait_with_output())
        .await
        .expect("joined")
        .expect("output");
    assert!(
        connected.status.success(),
        "{}",
        String::from_utf8_lossy(&connected.stderr)
    );

    let first = replica(&env).await;
    let second = replica(&env).await;
    let third = replica(&env).await;
    let http = reqwest::Client::new();
    let tenant = &emulator.world.tenant;
    let organiser = organiser(&emulator);

    // Signed in through the first; the session works on the second.
    let token = session(&emulator, &first.url, organiser).await;
    let get = |base: &str, path: &str| http.get(format!("{base}{path}")).bearer_auth(&token).send();

    // The second and third have no Graph token for the organiser: both refresh, at once, with
    // the token endpoint slow enough that the race is certain.
    let refreshes = emulator.world.identity_log.count("refresh_token");
    emulator.identity_controls().set_latency(Latency {
        fixed: Duration::from_secs(1),
        jitter: Duration::ZERO,
    });
    let (a, b) = tokio::join!(
        get(&second.url, "api/people?q=ay"),
        get(&third.url, "api/people?q=ay")
    );
    emulator.identity_controls().set_latency(Latency::default());
    assert_eq!(a.expect("answer").status(), StatusCode::OK);
    assert_eq!(b.expect("answer").status(), StatusCode::OK);
    assert_eq!(
        emulator.world.identity_log.count("refresh_token"),
        refreshes + 2,
        "one refresh each, one after the other: a spent token was never sent again"
    );
    assert_eq!(
        emulator.world.grants.live_refresh_tokens().len(),
        1,
        "the organiser has one live refresh token"
    );

    // A scheduling through the second, which dies while Webex is making the meeting.
    let start = (Utc::now() + TimeDelta::days(2))
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .expect("a time")
        .and_utc();
    let colleague = tenant
        .users
        .iter()
        .filter(|u| u.user_type == "Member" && u.mail.is_some())
        .nth(3)
        .and_then(|u| u.mail.clone())
        .expect("a colleague");
    let body = json!({
        "meeting": {
            "subject": "Replikalar",
            "start": start.to_rfc3339(),
            "end": (start + TimeDelta::minutes(30)).to_rfc3339(),
            "timeZone": "Europe/Istanbul",
            "options": { "lobby": "waitInLobby" },
        },
        "selection": [{ "kind": "person", "email": colleague, "displayName": "Meslektaş" }],
    });
    let key = "replica-kill-0000000001";
    let schedule = |base: String| {
        http.post(format!("{base}api/meetings"))
            .bearer_auth(&token)
            .header(davet_api::IDEMPOTENCY_KEY_HEADER, key)
            .json(&body)
            .send()
    };
    // The second holds a Webex token already, so what it is killed in is the scheduling itself
    // (killed while refreshing, it would hold the refresh lease until it lapses).
    let status = get(&second.url, "api/webex/status").await.expect("answer");
    assert_eq!(status.status(), StatusCode::OK);
    let webex = emulator.webex_controls();
    webex.set_latency(Latency {
        fixed: Duration::from_secs(3),
        jitter: Duration::ZERO,
    });
    let mut second = second;
    let doomed = tokio::spawn(schedule(second.url.clone()));
    while webex.answering() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    second.child.kill().expect("killed");
    let _ = second.child.wait();
    assert!(
        doomed.await.expect("joined").is_err(),
        "the killed replica did not answer"
    );
    webex.set_latency(Latency::default());
    // Whatever the killed replica made (perhaps the Webex meeting, Webex answering after it
    // died), nothing is doubled: the organiser's retry on the first finishes it once.
    let retried = schedule(first.url.clone()).await.expect("answer");
    assert!(retried.status().is_success(), "{}", retried.status());
    let outcome: davet_api::ScheduleOutcome = retried.json().await.expect("an outcome");
    let davet_api::ScheduleOutcome::Scheduled {
        meeting, event_id, ..
    } = outcome
    else {
        panic!("scheduled: {outcome:?}")
    };
    // Whatever Webex was still answering to the dead replica is answered before counting.
    for _ in 0..1000 {
        if webex.answering() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let tagged: Vec<_> = emulator
        .webex
        .meetings()
        .into_iter()
        .filter(|m| m.integration_tags.iter().any(|t| t.contains(key)))
        .collect();
    assert_eq!(tagged.len(), 1, "one Webex meeting for the key");
    assert_eq!(tagged[0].id, meeting.id);
    let events: Vec<_> = emulator
        .world
        .calendars
        .events(tenant, organiser)
        .into_iter()
        .filter(|e| e["transactionId"].is_string())
        .collect();
    assert_eq!(events.len(), 1, "one Outlook event for the key");
    assert_eq!(events[0]["id"], event_id.as_str());

    // Updated through the third: Webex follows.
    let later = start + TimeDelta::hours(2);
    let mut update = body.clone();
    update["meeting"]["start"] = json!(later.to_rfc3339());
    update["meeting"]["end"] = json!((later + TimeDelta::minutes(30)).to_rfc3339());
    let updated = http
        .patch(format!(
            "{}api/meetings/{}",
            third.url,
            url::form_urlencoded::byte_serialize(event_id.as_bytes()).collect::<String>()
        ))
        .bearer_auth(&token)
        .json(&json!({ "meeting": update["meeting"] }))
        .send()
        .await
        .expect("answer");
    assert_eq!(updated.status(), StatusCode::OK);
    let moved = emulator
        .webex
        .meetings()
        .into_iter()
        .find(|m| m.id == meeting.id)
        .expect("the meeting");
    assert_eq!(moved.start, later);
    drop(first);
    drop(third);
}

//! Fault run (prints figures; fails on any duplicate, orphan or unanswered request): 1,000
//! schedules from a message (`POST /api/meetings`) by 20 organisers, with 20 % of the requests
//! to Graph and to Webex failing in every way the emulators inject (refused before applying,
//! applied then the connection dropped, dropped before applying, 429 and 503 with
//! `Retry-After`), each organiser's pane retrying with the same `Idempotency-Key` until it is
//! answered `scheduled`, as a person's pane would.
//!
//! Then, in calm weather, it counts: events per key (must be one), Webex meetings per key's tag
//! (one), Webex meetings no event names and events naming no meeting (none), scheduling records
//! not `done`, and requests the emulators still hold or the clients got no answer to (none).
//!
//! `cargo bench -p davet --bench faults` (`DAVET_FAULT_SCHEDULES`, `DAVET_FAULT_RATE` change the
//! run's size and weather).

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use davet::demo::emulated_settings;
use davet::startup::Application;
use davet_api::ScheduleOutcome;
use davet_emulator::controls::{Chaos, Fault};
use davet_emulator::{RunningEmulator, TenantSpec};
use futures_util::StreamExt;
use serde_json::json;
use url::Url;

type Failure = Box<dyn std::error::Error + Send + Sync>;

const ORGANISERS: usize = 20;
/// Attempts a pane makes before the run counts the schedule as never answered.
const PANE_ATTEMPTS: usize = 30;
/// Panes scheduling at once.
const AT_ONCE: usize = 32;

fn main() -> Result<(), Failure> {
    if !std::env::args().any(|a| a == "--bench") {
        println!("faults: a benchmark; run it with `cargo bench -p davet --bench faults`");
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One organiser: signed in, Webex connected.
struct Organiser {
    user: usize,
    session: String,
}

async fn connect_webex(
    http: &reqwest::Client,
    base: &Url,
    emulator: &RunningEmulator,
    session: &str,
    email: &str,
) -> Result<(), Failure> {
    let start: davet_api::WebexConnectStart = http
        .post(base.join("api/webex/connection")?)
        .bearer_auth(session)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let ours = Url::parse(&start.url)?;
    let to_webex = http
        .get(base.join(&format!(
            "{}?{}&mode=popup",
            ours.path(),
            ours.query().unwrap_or_default()
        ))?)
        .send()
        .await?;
    let authorize = Url::parse(
        to_webex
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or("no redirect to Webex")?,
    )?;
    let person = emulator
        .webex
        .person_by_email(email)
        .ok_or("no Webex account")?
        .id
        .clone();
    let mut form: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
    form.push(("person".into(), person));
    let mut decision = authorize.clone();
    decision.set_query(None);
    let decided = http.post(decision).form(&form).send().await?;
    let back = Url::parse(
        decided
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or("no redirect back")?,
    )?;
    let page = http
        .get(base.join(&format!(
            "/webex/callback?{}",
            back.query().unwrap_or_default()
        ))?)
        .send()
        .await?
        .text()
        .await?;
    if !page.contains("\"connected\"") {
        return Err("Webex did not connect".into());
    }
    Ok(())
}

async fn run() -> Result<(), Failure> {
    let schedules: usize = setting("DAVET_FAULT_SCHEDULES", 1000);
    let rate: f64 = setting("DAVET_FAULT_RATE", 0.2);
    let emulator = RunningEmulator::start(TenantSpec::seeded(41, 120)).await?;
    let dir = tempfile::tempdir()?;
    let settings = emulated_settings(
        &emulator,
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        Url::parse("https://davet.faults.example/")?,
        dir.path().to_owned(),
        &format!("sqlite:{}", dir.path().join("vault.sqlite3").display()),
    );
    std::fs::write(dir.path().join("taskpane.html"), "<p>pane</p>")?;
    let app = Application::build(&settings).await?;
    let state = app.state().clone();
    let base = Url::parse(&format!("http://{}/", app.local_addr()?))?;
    tokio::spawn(app.run());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()?;
    // Each organiser makes 50 meetings, retries included: above Webex's 100 a day for one
    // person, so the emulator's limit is lifted for the run (the limit has its own test).
    emulator.webex.set_creation_limit(usize::MAX);

    let tenant = &emulator.world.tenant;
    let mut organisers = Vec::new();
    for user in 0..tenant.users.len() {
        let u = &tenant.users[user];
        if organisers.len() == ORGANISERS {
            break;
        }
        if !(u.account_enabled && u.user_type == "Member" && u.has_webex && u.mail.is_some()) {
            continue;
        }
        let session: davet_api::Session = http
            .post(base.join("api/session")?)
            .bearer_auth(emulator.api_token(user))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let email = u.mail.clone().unwrap_or_default();
        connect_webex(&http, &base, &emulator, &session.session_token, &email).await?;
        organisers.push(Organiser {
            user,
            session: session.session_token,
        });
    }
    let invitees: Vec<String> = tenant
        .users
        .iter()
        .filter(|u| u.account_enabled && u.mail.is_some())
        .filter_map(|u| u.mail.clone())
        .take(40)
        .collect();

    let faults = vec![
        Fault::Throttle {
            retry_after_secs: 1,
        },
        Fault::Unavailable {
            retry_after_secs: 1,
        },
        Fault::Drop,
        Fault::DropAfterApplied,
    ];
    for controls in [emulator.graph_controls(), emulator.webex_controls()] {
        controls.set_chaos(Some(Chaos {
            rate,
            faults: faults.clone(),
            path: String::new(),
        }));
    }
    println!(
        "fault run: {schedules} schedules by {} organisers, {:.0} % of Graph and Webex requests failing",
        organisers.len(),
        rate * 100.0
    );

    let organisers = Arc::new(organisers);
    let attempts = Arc::new(AtomicUsize::new(0));
    let unanswered = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let keys: Vec<(usize, String)> = (0..schedules)
        .map(|n| {
            (
                n % organisers.len(),
                format!("faultrun-{n:06}-{}", uuid_like(n)),
            )
        })
        .collect();
    let outcomes: Vec<Result<(), String>> = futures_util::stream::iter(keys.clone())
        .map(|(who, key)| {
            let (http, base, organisers, invitees) =
                (http.clone(), base.clone(), organisers.clone(), invitees.clone());
            let (attempts, unanswered) = (attempts.clone(), unanswered.clone());
            async move {
                let organiser = &organisers[who];
                let start = Utc::now() + TimeDelta::days(1 + (key.len() % 5) as i64);
                let body = json!({
                    "meeting": {
                        "subject": format!("Toplantı {key}"),
                        "start": start.to_rfc3339(),
                        "end": (start + TimeDelta::minutes(30)).to_rfc3339(),
                        "timeZone": "Europe/Istanbul",
                        "lang": "tr",
                    },
                    "selection": [
                        { "kind": "person", "email": invitees[key.len() % invitees.len()], "displayName": "Katılımcı" },
                        { "kind": "person", "email": invitees[(key.len() + 7) % invitees.len()], "displayName": "Katılımcı" },
                    ],
                });
                for _ in 0..PANE_ATTEMPTS {
                    attempts.fetch_add(1, Ordering::Relaxed);
                    let answer = http
                        .post(base.join(davet_api::MEETINGS_PATH).map_err(|e| e.to_string())?)
                        .bearer_auth(&organiser.session)
                        .header(davet_api::IDEMPOTENCY_KEY_HEADER, &key)
                        .json(&body)
                        .send()
                        .await;
                    match answer {
                        Ok(response) if response.status().is_success() => {
                            if let Ok(ScheduleOutcome::Scheduled { .. }) = response.json().await {
                                return Ok(());
                            }
                        }
                        Ok(_) => {}
                        Err(_) => {
                            unanswered.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(key)
            }
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    let elapsed = started.elapsed();
    for controls in [emulator.graph_controls(), emulator.webex_controls()] {
        controls.set_chaos(None);
    }
    let never_scheduled: Vec<String> = outcomes.into_iter().filter_map(Result::err).collect();

    // Count, in calm weather, what is on both sides.
    let world = &emulator.world;
    let mut events_by_key: HashMap<String, usize> = HashMap::new();
    let mut event_meetings: HashMap<String, usize> = HashMap::new();
    for organiser in organisers.iter() {
        for event in world.calendars.events(&world.tenant, organiser.user) {
            if let Some(key) = event["transactionId"].as_str() {
                *events_by_key.entry(key.to_owned()).or_default() += 1;
                let meeting = event["singleValueExtendedProperties"][0]["value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                *event_meetings.entry(meeting).or_default() += 1;
            }
        }
    }
    let meetings = emulator.webex.meetings();
    let mut meetings_by_key: HashMap<String, usize> = HashMap::new();
    for meeting in &meetings {
        for tag in &meeting.integration_tags {
            if let Some(key) = tag.strip_prefix("davet:") {
                *meetings_by_key.entry(key.to_owned()).or_default() += 1;
            }
        }
    }
    let duplicate_events = events_by_key.values().filter(|n| **n > 1).count();
    let duplicate_meetings = meetings_by_key.values().filter(|n| **n > 1).count();
    let orphan_meetings = meetings
        .iter()
        .filter(|m| !event_meetings.contains_key(&m.id))
        .count();
    let held: std::collections::HashSet<&str> = meetings.iter().map(|m| m.id.as_str()).collect();
    let events_without_meeting = event_meetings
        .keys()
        .filter(|id| !held.contains(id.as_str()))
        .count();
    let missing = keys
        .iter()
        .filter(|(_, key)| events_by_key.get(key).copied().unwrap_or(0) != 1)
        .count();
    let unfinished = state
        .auth
        .vault
        .unfinished_schedulings(-1)
        .await
        .map(|u| u.len())
        .unwrap_or(usize::MAX);
    let still_answering =
        emulator.graph_controls().answering() + emulator.webex_controls().answering();
    let injected: Vec<String> = [
        ("graph", emulator.graph_controls()),
        ("webex", emulator.webex_controls()),
    ]
    .iter()
    .map(|(name, c)| format!("{name} {:?}", c.chaos_injected()))
    .collect();

    println!("faults injected: {}", injected.join("; "));
    println!(
        "pane attempts: {} for {schedules} schedules ({:.2} each); calls with no answer at all: {}",
        attempts.load(Ordering::Relaxed),
        attempts.load(Ordering::Relaxed) as f64 / schedules as f64,
        unanswered.load(Ordering::Relaxed)
    );
    println!("time: {:.1} s", elapsed.as_secs_f64());
    println!(
        "events: {}, Webex meetings: {}",
        events_by_key.values().sum::<usize>(),
        meetings.len()
    );
    println!("duplicate events: {duplicate_events}");
    println!("duplicate Webex meetings: {duplicate_meetings}");
    println!("orphan Webex meetings (no event names them): {orphan_meetings}");
    println!("events naming no Webex meeting: {events_without_meeting}");
    println!("schedules without exactly one event: {missing}");
    println!(
        "schedules never answered `scheduled` after {PANE_ATTEMPTS} attempts: {}",
        never_scheduled.len()
    );
    println!("scheduling records not done: {unfinished}");
    println!("requests the emulators still hold: {still_answering}");
    let bad = duplicate_events
        + duplicate_meetings
        + orphan_meetings
        + events_without_meeting
        + missing
        + never_scheduled.len()
        + unfinished
        + still_answering;
    if bad > 0 {
        return Err(format!("the fault run found {bad} faults in the outcome").into());
    }
    println!("fault run: exactly once held");
    Ok(())
}

/// A key's tail, as the pane's are (random-looking, 16 hex digits).
fn uuid_like(n: usize) -> String {
    format!("{:016x}", (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

//! The seed's promise, proved: group and contact membership is never stored. After expansions
//! of groups (nested, with guests, contacts and devices) and a contact folder, on a clean run
//! and on runs through throttling, failing and dropped answers and a group deleted meanwhile,
//! and after scheduling a Webex meeting and an event for the same picks (with answers lost on
//! both sides),
//! neither the logs (at `trace`, the most a debugging admin could switch on) nor the database
//! (every file, `BYTEA` decoded) holds any id, name or address of the picked groups or of anyone
//! or anything in them.
//!
//! A test binary of its own with one test: the logger it installs is the process's only one,
//! under `cargo test` and `cargo nextest` alike, so the test can never pass without reading.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use std::collections::BTreeSet;

use davet_api::{ExpandEvent, Selection};
use davet_emulator::controls::{Fault, FaultRule};
use davet_emulator::{Member, World};

use helpers::{TestApp, spawn_app};

/// The groups picked, by name: all staff (lists in a list), the partners (guests and external
/// contacts), and a team that overlaps the others.
const GROUPS: [&str; 3] = ["Tüm Çalışanlar", "İş Ortakları", "Finans Ekibi"];

fn picks(app: &TestApp) -> Vec<Selection> {
    let world = &app.emulator.world;
    let mut picks: Vec<Selection> = GROUPS
        .iter()
        .map(|name| {
            let g = world
                .tenant
                .groups
                .iter()
                .find(|g| g.display_name == *name)
                .expect("the group");
            Selection::Group {
                id: g.id.clone(),
                display_name: g.display_name.clone(),
                mail: g.mail.clone(),
            }
        })
        .collect();
    let mailbox = world.tenant.mailbox(app.member(0));
    let folder = &mailbox.folders[0];
    picks.push(Selection::ContactFolder {
        id: folder.id.clone(),
        display_name: folder.display_name.clone(),
    });
    picks
}

/// Every id, name and address the tenant holds for the picks: the groups themselves, everyone
/// and everything in them (users, nested groups, contacts, devices, whether invited or left
/// out), and the picked folder's contacts. The organiser's own are left out: their session
/// rightly names them.
fn membership(app: &TestApp) -> BTreeSet<String> {
    let world: &World = &app.emulator.world;
    let tenant = &world.tenant;
    let organiser = &tenant.users[app.member(0)];
    let mut found = BTreeSet::new();
    let mut add = |text: &str| {
        found.insert(text.to_owned());
    };
    for name in GROUPS {
        let index = tenant
            .groups
            .iter()
            .position(|g| g.display_name == name)
            .expect("the group");
        let group = &tenant.groups[index];
        add(&group.id);
        add(&group.display_name);
        group.mail.iter().for_each(|m| add(m));
        for member in tenant.transitive_members(index) {
            match member {
                Member::User(u) => {
                    let user = &tenant.users[u];
                    if user.id == organiser.id {
                        continue;
                    }
                    add(&user.id);
                    add(&user.display_name);
                    add(&user.user_principal_name);
                    user.mail.iter().for_each(|m| add(m));
                }
                Member::Group(g) => {
                    let group = &tenant.groups[g];
                    add(&group.id);
                    add(&group.display_name);
                    group.mail.iter().for_each(|m| add(m));
                }
                Member::Contact(c) => {
                    let contact = &tenant.contacts[c];
                    add(&contact.id);
                    add(&contact.display_name);
                    contact.mail.iter().for_each(|m| add(m));
                }
                Member::Device(d) => {
                    add(&tenant.devices[d].id);
                    add(&tenant.devices[d].display_name);
                }
            }
        }
    }
    let mailbox = tenant.mailbox(app.member(0));
    let folder = &mailbox.folders[0];
    add(&folder.id);
    for contact in mailbox
        .contacts
        .iter()
        .filter(|c| c.parent_folder_id == folder.id)
    {
        add(&contact.id);
        add(&contact.display_name);
        for address in &contact.email_addresses {
            add(&address.address);
        }
    }
    found
}

#[tokio::test]
async fn membership_never_reaches_the_database_or_the_logs() {
    let logs = davet::telemetry::capture()
        .expect("this test's process has no other logger: it installs the only one");
    let app = spawn_app().await;
    let controls = app.emulator.graph_controls();

    // A clean run.
    let events = app.expand(picks(&app)).await;
    let Some(ExpandEvent::Done { expansion }) = events.last() else {
        panic!("the expansion did not finish: {events:?}");
    };
    assert!(expansion.people.len() > 50, "a real expansion ran");

    // Through throttling, a failing service and answers lost after the work was done.
    for fault in [
        Fault::Throttle {
            retry_after_secs: 1,
        },
        Fault::Unavailable {
            retry_after_secs: 1,
        },
        Fault::DropAfterApplied,
    ] {
        controls.inject(FaultRule {
            path: "$batch".into(),
            fault,
            times: 1,
        });
        controls.inject(FaultRule {
            path: "contactFolders".into(),
            fault: Fault::Throttle {
                retry_after_secs: 1,
            },
            times: 1,
        });
        let events = app.expand(picks(&app)).await;
        assert!(
            matches!(events.last(), Some(ExpandEvent::Done { .. })),
            "the expansion outlives the fault: {events:?}"
        );
    }
    // A group deleted meanwhile: the failure path.
    controls.inject(FaultRule {
        path: "transitiveMembers".into(),
        fault: Fault::Gone,
        times: 1,
    });
    let events = app.expand(picks(&app)).await;
    assert!(
        matches!(events.last(), Some(ExpandEvent::Failed { .. })),
        "{events:?}"
    );

    // Scheduling for the same picks, from a message: the people are expanded again, written
    // into the event (Graph's, not ours), and kept nowhere of Davet's; answers lost on both
    // sides on the way.
    let organiser = app.emulator.world.tenant.users[app.member(0)]
        .mail
        .clone()
        .expect("an address");
    app.connect_webex(&app.session, &organiser).await;
    controls.inject(FaultRule {
        path: "POST /v1.0/me/events".into(),
        fault: Fault::DropAfterApplied,
        times: 1,
    });
    app.emulator.webex_controls().inject(FaultRule {
        path: "POST /v1/meetings".into(),
        fault: Fault::DropAfterApplied,
        times: 1,
    });
    let start = chrono::Utc::now() + chrono::TimeDelta::days(1);
    let scheduled = app
        .http
        .post(app.url.join(davet_api::MEETINGS_PATH).expect("url"))
        .bearer_auth(&app.session)
        .header(
            davet_api::IDEMPOTENCY_KEY_HEADER,
            "membership-never-kept-0001",
        )
        .json(&serde_json::json!({
            "meeting": {
                "subject": "Herkesle",
                "start": start.to_rfc3339(),
                "end": (start + chrono::TimeDelta::hours(1)).to_rfc3339(),
                "timeZone": "Europe/Istanbul",
            },
            "selection": picks(&app),
        }))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(scheduled.status(), reqwest::StatusCode::OK);
    let outcome: davet_api::ScheduleOutcome = scheduled.json().await.expect("an outcome");
    assert!(
        matches!(outcome, davet_api::ScheduleOutcome::Scheduled { attendees, .. } if attendees > 50),
        "a real schedule ran: {outcome:?}"
    );

    let logged = String::from_utf8(logs.lock().expect("logs").clone()).expect("utf-8");
    assert!(
        logged.contains("expanded") && logged.contains("retrying") && logged.contains("scheduled"),
        "the capture saw the expansions and the retries"
    );
    let dump = app.database.dump();
    let dump = String::from_utf8_lossy(&dump);
    let needles = membership(&app);
    assert!(
        needles.len() > 300,
        "the picks hold {} ids and names",
        needles.len()
    );
    for needle in &needles {
        assert!(
            !logged.contains(needle.as_str()),
            "a member's id, name or address is in the logs"
        );
        assert!(
            !dump.contains(needle.as_str()),
            "a member's id, name or address is in the database"
        );
    }
}

//! Microsoft's Python Graph SDK against the emulator: if the SDK's own parsing, paging and
//! request building work here, the emulator speaks Graph's wire format.
//!
//! `cargo xtask test` makes the SDK's virtual environment and sets `DAVET_GRAPH_SDK_PYTHON`.

use std::collections::HashSet;
use std::process::Command;

use davet_emulator::{Member, RunningEmulator, TenantSpec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_graph_sdk_searches_pages_creates_reads_and_updates_an_event_and_expands_a_manager()
 {
    let python = std::env::var("DAVET_GRAPH_SDK_PYTHON").expect(
        "DAVET_GRAPH_SDK_PYTHON names the Python with msgraph-sdk (`cargo xtask test` sets it up)",
    );
    let emulator = RunningEmulator::start(TenantSpec::seeded(5, 5_000))
        .await
        .expect("emulator");
    let tenant = &emulator.world.tenant;
    let all_staff = tenant
        .groups
        .iter()
        .position(|g| g.mail_nickname == "tum-calisanlar")
        .expect("all staff");
    let organiser = tenant
        .users
        .iter()
        .position(|u| u.user_type == "Member")
        .expect("a member");
    let events_before = emulator.world.calendars.count(tenant, organiser);
    let report = tenant
        .users
        .iter()
        .position(|u| u.manager.is_some())
        .expect("someone with a manager");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/graph_sdk/drive_emulator.py");
    let output = Command::new(python)
        .arg(script)
        .env("GRAPH_URL", emulator.graph_url.as_str())
        .env("LOGIN_URL", emulator.login_url.as_str())
        .env("TENANT_ID", &tenant.id)
        .env("CLIENT_ID", &emulator.app().client_id)
        .env("CLIENT_SECRET", &emulator.app().client_secret)
        .env("GROUP_ID", &tenant.groups[all_staff].id)
        .env("ORGANISER_ID", &tenant.users[organiser].id)
        .env("REPORT_ID", &tenant.users[report].id)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "the SDK failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the script's JSON");

    let matching = tenant
        .users
        .iter()
        .filter(|u| {
            u.display_name
                .split(' ')
                .any(|w| w.to_lowercase().starts_with("ay"))
        })
        .count();
    assert_eq!(seen["search_count"], matching);
    let names = seen["search_names"].as_array().expect("names");
    assert_eq!(names.len(), matching.min(25));

    let expected: HashSet<&str> = tenant
        .transitive_members(all_staff)
        .into_iter()
        .filter_map(|m| match m {
            Member::User(i) => Some(tenant.users[i].id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(expected.len(), 5_000);
    let ids: Vec<&str> = seen["member_ids"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(
        ids.len(),
        5_000,
        "six pages of 999 and the rest, each member once"
    );
    assert_eq!(ids.iter().copied().collect::<HashSet<_>>(), expected);

    let events = seen["event_ids"].as_array().expect("event ids");
    assert_eq!(
        events[0], events[1],
        "the retry with the same transactionId returns the same event"
    );
    assert_eq!(
        emulator.world.calendars.count(tenant, organiser),
        events_before + 1
    );
    assert_eq!(seen["event_subject"], "Bütçe toplantısı");
    assert_eq!(
        seen["event_attendees"],
        serde_json::json!(["ayse.yilmaz@ornek.example"])
    );
    // Read back, updated, read again; a meeting that is not a Teams meeting is not online.
    assert_eq!(seen["read_subject"], "Bütçe toplantısı");
    assert_eq!(seen["read_online"], serde_json::json!([false, "unknown"]));
    assert_eq!(seen["updated_subject"], "Bütçe toplantısı (güncel)");
    assert!(
        seen["calendar_view_ids"]
            .as_array()
            .expect("ids")
            .contains(&events[0]),
        "the day's calendar view holds the event: {}",
        seen["calendar_view_ids"]
    );
    let manager = tenant.users[report].manager.expect("a manager");
    assert_eq!(
        seen["manager_name"],
        tenant.users[manager].display_name.as_str()
    );
}

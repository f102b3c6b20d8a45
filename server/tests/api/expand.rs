//! `POST /api/expand`: who the picked groups really contain. Expectations are computed from the
//! emulated tenant's own model of its groups.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use davet_api::{ErrorCode, ExpandEvent, Expansion, RecipientVerdict, Selection};
use davet_emulator::controls::{Fault, FaultRule};
use davet_emulator::{Member, RunningEmulator, TenantSpec, World};
use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_on};

fn done(events: &[ExpandEvent]) -> &Expansion {
    match events.last() {
        Some(ExpandEvent::Done { expansion }) => expansion,
        other => panic!("the answer ends with {other:?}"),
    }
}

fn group(world: &World, name: &str) -> (usize, Selection) {
    let index = world
        .tenant
        .groups
        .iter()
        .position(|g| g.display_name == name)
        .unwrap_or_else(|| panic!("the tenant has {name}"));
    let g = &world.tenant.groups[index];
    (
        index,
        Selection::Group {
            id: g.id.clone(),
            display_name: g.display_name.clone(),
            mail: g.mail.clone(),
        },
    )
}

/// The addresses a group invites, by the tenant's model: enabled people and contacts with an
/// address, the organiser left out.
fn expected(world: &World, groups: &[usize], organiser: usize) -> BTreeSet<String> {
    let tenant = &world.tenant;
    groups
        .iter()
        .flat_map(|&g| tenant.transitive_members(g))
        .filter_map(|m| match m {
            Member::User(u) if u != organiser && tenant.users[u].account_enabled => {
                tenant.users[u].mail.clone()
            }
            Member::Contact(c) => tenant.contacts[c].mail.clone(),
            _ => None,
        })
        .map(|m| m.to_lowercase())
        .collect()
}

#[tokio::test]
async fn nested_and_overlapping_groups_give_each_person_once_with_the_groups_that_brought_them() {
    let tenant = TenantSpec::empty()
        .person("Oya Düzenler") // the organiser: the first member signs in
        .person("Ayşe Kaya")
        .person("Bora Demir")
        .guest("Cem Yıldız")
        .contact("Deniz Ortak")
        .disabled("Eski Hesap")
        .without_mailbox("Fatih Posta")
        .device("Toplantı Odası")
        .security_group(
            "Çekirdek",
            ["Bora Demir", "Eski Hesap", "Fatih Posta", "Toplantı Odası"],
        )
        .group(
            "Ekip",
            ["Ayşe Kaya", "Çekirdek", "Oya Düzenler", "Cem Yıldız"],
        )
        .group(
            "Herkes",
            ["Ekip", "Deniz Ortak", "Bora Demir", "Toplantı Odası"],
        );
    let emulator = RunningEmulator::start(tenant).await.expect("emulators");
    let app = spawn_app_on(emulator, |_| {}).await;
    let world = &app.emulator.world;

    let events = app
        .expand(vec![group(world, "Herkes").1, group(world, "Ekip").1])
        .await;

    assert!(
        matches!(events.first(), Some(ExpandEvent::Progress(_))),
        "progress comes before the outcome"
    );
    let expansion = done(&events);
    let mut invited: Vec<(&str, &[u32], bool, bool)> = expansion
        .people
        .iter()
        .map(|p| {
            (
                p.display_name.as_str(),
                p.via.as_slice(),
                p.guest,
                p.external,
            )
        })
        .collect();
    invited.sort();
    // (name, picks that brought them in pick order, guest, external)
    assert_eq!(
        invited,
        [
            ("Ayşe Kaya", &[0, 1][..], false, false),
            ("Bora Demir", &[0, 1][..], false, false),
            ("Cem Yıldız", &[0, 1][..], true, false),
            ("Deniz Ortak", &[0][..], false, true),
        ]
    );
    let skipped = &expansion.skipped;
    assert_eq!(
        (
            skipped.organiser,
            skipped.disabled,
            skipped.no_mailbox,
            skipped.device
        ),
        (1, 1, 1, 1),
        "each left out once, by reason, however many picks hold them"
    );
    assert_eq!(
        expansion.verdict,
        RecipientVerdict::Fits {
            count: 4,
            limit: 500
        }
    );
    assert_eq!(expansion.receipt.groups, ["Herkes", "Ekip"]);
    assert!(expansion.receipt.pages >= 2, "{:?}", expansion.receipt);
}

#[tokio::test]
async fn guests_and_external_contacts_are_flagged_and_an_empty_group_is_empty() {
    let app = spawn_app().await;
    let world = &app.emulator.world;
    let (partners, pick) = group(world, "İş Ortakları");
    let expansion = done(&app.expand(vec![pick]).await).clone();
    let tenant = &world.tenant;
    for person in &expansion.people {
        let user = tenant.users.iter().find(|u| {
            u.mail
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(&person.email))
        });
        match user {
            Some(user) => assert_eq!(person.guest, user.user_type == "Guest", "{}", person.email),
            None => assert!(person.external, "{} is an external contact", person.email),
        }
    }
    assert!(expansion.people.iter().any(|p| p.guest));
    assert!(expansion.people.iter().any(|p| p.external));
    let found: BTreeSet<String> = expansion
        .people
        .iter()
        .map(|p| p.email.to_lowercase())
        .collect();
    assert_eq!(found.len(), expansion.people.len(), "each person once");
    assert_eq!(found, expected(world, &[partners], app.member(0)));

    let (_, empty) = group(world, "Boş Grup");
    let expansion = done(&app.expand(vec![empty]).await).clone();
    assert!(expansion.people.is_empty());
    assert_eq!(
        expansion.verdict,
        RecipientVerdict::Fits {
            count: 0,
            limit: 500
        }
    );
}

#[tokio::test]
async fn a_group_too_large_to_invite_is_proposed_by_its_own_address() {
    let emulator = RunningEmulator::start(TenantSpec::seeded(TenantSpec::DEMO.seed, 100_000))
        .await
        .expect("a large tenant");
    let app = spawn_app_on(emulator, |_| {}).await;
    let (all, pick) = group(&app.emulator.world, "Tüm Çalışanlar");
    let members = app.emulator.world.tenant.transitive_members(all).len() as u32;
    assert!(members > 100_000);
    let requests_before = app.emulator.graph_controls().count("transitiveMembers");
    let expansion = done(&app.expand(vec![pick]).await).clone();
    match &expansion.verdict {
        RecipientVerdict::TooMany {
            count,
            limit,
            invite_group_addresses,
        } => {
            assert_eq!((*count, *limit), (members, 500));
            assert_eq!(invite_group_addresses.len(), 1);
            assert_eq!(
                Some(&invite_group_addresses[0].mail),
                app.emulator.world.tenant.groups[all].mail.as_ref()
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        expansion.people.is_empty(),
        "its people are not listed one by one"
    );
    assert_eq!(
        app.emulator.graph_controls().count("transitiveMembers") - requests_before,
        1,
        "one page told its size; no more were read"
    );
}

#[tokio::test]
async fn throttling_in_the_middle_is_waited_out_and_the_expansion_completes() {
    let emulator = RunningEmulator::start(TenantSpec::seeded(TenantSpec::DEMO.seed, 2_500))
        .await
        .expect("a tenant whose all-staff list needs pages");
    let app = spawn_app_on(emulator, |s| s.recipient_limit = 10_000).await;
    let world = &app.emulator.world;
    let (all, pick) = group(world, "Tüm Çalışanlar");
    let controls = app.emulator.graph_controls();
    controls.inject(FaultRule {
        path: "$skiptoken".into(),
        fault: Fault::Throttle {
            retry_after_secs: 1,
        },
        times: 1,
    });
    controls.clear_log();
    let started = Instant::now();
    let events = app.expand(vec![pick]).await;
    let expansion = done(&events);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "never earlier than Retry-After"
    );
    let found: BTreeSet<String> = expansion
        .people
        .iter()
        .map(|p| p.email.to_lowercase())
        .collect();
    assert_eq!(found, expected(world, &[all], app.member(0)));
    let statuses: Vec<u16> = controls
        .log()
        .iter()
        .filter(|r| r.target.contains("$skiptoken"))
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses.first(),
        Some(&429),
        "a follow-up page was throttled: {statuses:?}"
    );
    assert!(statuses[1..].iter().all(|s| *s == 200));
    // The receipt: the list read, and every page of it (the first, then each follow-up).
    assert_eq!(expansion.receipt.groups, ["Tüm Çalışanlar"]);
    assert!(expansion.receipt.folders.is_empty());
    assert_eq!(expansion.receipt.pages as usize, statuses.len());
}

#[tokio::test]
async fn a_group_deleted_in_the_middle_fails_with_a_clear_error_naming_it() {
    let emulator = RunningEmulator::start(TenantSpec::seeded(TenantSpec::DEMO.seed, 2_500))
        .await
        .expect("a tenant whose all-staff list needs pages");
    let app = spawn_app_on(emulator, |s| s.recipient_limit = 10_000).await;
    let (_, pick) = group(&app.emulator.world, "Tüm Çalışanlar");
    app.emulator.graph_controls().inject(FaultRule {
        path: "$skiptoken".into(),
        fault: Fault::Gone,
        times: 1,
    });
    let events = app.expand(vec![pick]).await;
    match events.last() {
        Some(ExpandEvent::Failed { error }) => {
            assert_eq!(error.code, ErrorCode::NotFound);
            assert!(
                error.message.contains("Tüm Çalışanlar"),
                "{}",
                error.message
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn bad_selections_are_refused_before_any_work() {
    let app = spawn_app().await;
    for (body, why) in [
        (serde_json::json!({"selection": []}), "empty"),
        (
            serde_json::json!({"selection": [{"kind": "group", "id": "not-a-guid", "displayName": "x"}]}),
            "a bad id",
        ),
        (
            serde_json::json!({"selection": [{"kind": "person", "email": "nobody", "displayName": "x"}]}),
            "a bad address",
        ),
        (
            serde_json::json!({"selection": [{"kind": "planet"}]}),
            "an unknown kind",
        ),
    ] {
        let response = app
            .http
            .post(app.url.join("api/expand").expect("url"))
            .bearer_auth(&app.session)
            .json(&body)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{why}");
        let error: davet_api::ApiError = response.json().await.expect("json");
        assert_eq!(error.code, ErrorCode::InvalidRequest, "{why}");
    }
    let anonymous = app
        .http
        .post(app.url.join("api/expand").expect("url"))
        .json(&serde_json::json!({"selection": []}))
        .send()
        .await
        .expect("answer");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn when_the_client_goes_away_the_expansion_stops() {
    use davet_emulator::controls::Latency;
    let emulator = RunningEmulator::start(TenantSpec::seeded(TenantSpec::DEMO.seed, 10_000))
        .await
        .expect("a tenant whose all-staff list needs many pages");
    let app = spawn_app_on(emulator, |s| s.recipient_limit = 100_000).await;
    let (all, pick) = group(&app.emulator.world, "Tüm Çalışanlar");
    let pages = app
        .emulator
        .world
        .tenant
        .transitive_members(all)
        .len()
        .div_ceil(999);
    assert!(pages >= 10);
    let controls = app.emulator.graph_controls();
    controls.set_latency(Latency {
        fixed: Duration::from_millis(50),
        jitter: Duration::ZERO,
    });
    controls.clear_log();
    let mut response = app
        .http
        .post(app.url.join("api/expand").expect("url"))
        .bearer_auth(&app.session)
        .json(&davet_api::ExpandRequest {
            selection: vec![pick],
        })
        .send()
        .await
        .expect("answer");
    // Read until a page has come in, then hang up.
    let mut seen = String::new();
    while !seen.contains("\"pages\":1") {
        let chunk = response.chunk().await.expect("a chunk").expect("more");
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    drop(response);
    // The expansion stops, and the directory answers what it was asked before: nothing else
    // can ask for a page then.
    let stopped = async {
        while app.state.expansions.running() > 0 || controls.answering() > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), stopped)
        .await
        .expect("the expansion stops when the client hangs up");
    let after_hang_up = controls.count("transitiveMembers");
    tokio::task::yield_now().await;
    assert_eq!(
        controls.answering(),
        0,
        "no page is asked for once the client is gone"
    );
    assert_eq!(controls.count("transitiveMembers"), after_hang_up);
    assert!(
        after_hang_up < pages,
        "{after_hang_up} of {pages} pages were read"
    );
}

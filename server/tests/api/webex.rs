//! Webex: the organiser's connection in both modes, end to end against the emulators; token
//! refresh and revocation; throttling; a create whose answer was lost; the vault's secrecy.

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use davet::domain::email::EmailAddress;
use davet::domain::webex::{IdempotencyKey, MeetingDraft};
use davet::webex::{WebexActing, WebexError, WebexMode, WebexService};
use davet_api::{WebexConnectOutcome, WebexStatus};
use davet_emulator::controls::{Fault, FaultRule};
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

fn webex(app: &TestApp) -> &WebexService {
    app.state.webex.0.as_ref().expect("the test app has Webex")
}

/// The directory address of the tenant's `n`th member.
pub fn address(app: &TestApp, member: usize) -> String {
    app.emulator.world.tenant.users[app.member(member)]
        .mail
        .clone()
        .expect("a member with a mailbox")
}

fn acting(app: &TestApp, member: usize) -> WebexActing {
    let key = app.user_key(app.member(member));
    let email = EmailAddress::parse(&address(app, member)).expect("an address");
    webex(app).acting_for(&key, email)
}

/// A one-hour meeting tomorrow.
fn tomorrow(title: &str) -> MeetingDraft {
    let start = Utc::now() + TimeDelta::days(1);
    MeetingDraft::new(
        title,
        start,
        start + TimeDelta::hours(1),
        chrono_tz::Europe::Istanbul,
    )
}

async fn status(app: &TestApp, session: &str) -> WebexStatus {
    let response = app.get_as(session, davet_api::WEBEX_STATUS_PATH).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("a status")
}

/// Connects Webex as the pane's popup does (see `TestApp::connect_webex`).
pub async fn connect(app: &TestApp, session: &str, webex_address: &str) -> WebexConnectOutcome {
    app.connect_webex(session, webex_address).await
}

#[tokio::test]
async fn a_person_connects_webex_and_the_status_shows_their_account_sites_and_room() {
    let app = spawn_app().await;
    let before = status(&app, &app.session).await;
    assert_eq!(before.mode, davet_api::WebexMode::Person);
    assert!(!before.connected && before.account.is_none() && before.sites.is_empty());

    let me = address(&app, 0);
    let outcome = connect(&app, &app.session, &me).await;
    let WebexConnectOutcome::Connected { account } = outcome else {
        panic!("connected: {outcome:?}");
    };
    assert_eq!(account.email, me);

    let after = status(&app, &app.session).await;
    assert!(after.connected);
    assert_eq!(
        after.account.as_ref().map(|a| a.email.as_str()),
        Some(me.as_str())
    );
    let expected_sites = &app
        .emulator
        .webex
        .person_by_email(&me)
        .expect("Webex")
        .sites;
    assert_eq!(
        after
            .sites
            .iter()
            .map(|s| s.url.as_str())
            .collect::<Vec<_>>(),
        expected_sites
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    assert!(after.sites[0].default && after.sites.iter().filter(|s| s.default).count() == 1);
    assert!(after.templates.iter().any(|t| t.is_default));
    let room = after.personal_room.expect("a personal room");
    assert!(
        room.link
            .starts_with(&format!("https://{}/meet/", expected_sites[0]))
    );

    // Scheduling goes to Webex under the person's own account.
    let made = acting(&app, 0)
        .create_meeting(&IdempotencyKey::generate(), &tomorrow("Haftalık ekip"))
        .await
        .expect("a meeting");
    assert_eq!(made.host_email, me);
    assert!(made.web_link.starts_with("https://"));
    assert_eq!(app.emulator.webex.meetings().len(), 1);

    // Disconnecting forgets the token: the status says so, and nothing more reaches Webex.
    let gone = app
        .http
        .delete(app.url.join("api/webex/connection").expect("url"))
        .bearer_auth(&app.session)
        .send()
        .await
        .expect("answers");
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert!(!status(&app, &app.session).await.connected);
    let refused = acting(&app, 0)
        .create_meeting(&IdempotencyKey::generate(), &tomorrow("Sonra"))
        .await;
    assert!(
        matches!(refused, Err(WebexError::ConnectionRequired)),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_webex_account_under_another_address_is_not_kept() {
    let app = spawn_app().await;
    let someone_else = address(&app, 1);
    let outcome = connect(&app, &app.session, &someone_else).await;
    let WebexConnectOutcome::Failed { error } = outcome else {
        panic!("refused: {outcome:?}");
    };
    assert_eq!(error.code, davet_api::ErrorCode::WebexAccountMismatch);
    assert!(!error.message_tr.is_empty() && error.message_tr != error.message);
    assert!(!status(&app, &app.session).await.connected);
    let key = app.user_key(app.member(0));
    assert!(
        !app.state
            .auth
            .vault
            .holds_refresh(&key, davet::vault::Service::Webex)
            .await
            .expect("the vault answers")
    );
}

#[tokio::test]
async fn an_expired_webex_access_token_is_renewed_with_the_refresh_token() {
    let app = spawn_app().await;
    let me = address(&app, 0);
    connect(&app, &app.session, &me).await;
    app.emulator.webex.rotate_refresh_tokens(true);
    let refreshes = app.emulator.webex.token_grants("refresh_token");
    let kept_before = app.emulator.webex.refresh_tokens();

    app.emulator.webex.expire_access_tokens();
    let now = status(&app, &app.session).await;
    assert!(now.connected, "renewed, not disconnected");
    assert_eq!(
        app.emulator.webex.token_grants("refresh_token"),
        refreshes + 1
    );

    // The answer carried a new refresh token: Davet keeps that one (the next refresh spends it).
    app.emulator.webex.expire_access_tokens();
    let new_tokens: Vec<String> = app
        .emulator
        .webex
        .refresh_tokens()
        .into_iter()
        .filter(|t| !kept_before.contains(t))
        .collect();
    assert_eq!(new_tokens.len(), 1, "one new refresh token was issued");
    assert!(status(&app, &app.session).await.connected);
    assert_eq!(
        app.emulator.webex.token_grants("refresh_token"),
        refreshes + 2
    );
}

#[tokio::test]
async fn a_revoked_webex_grant_asks_the_person_to_connect_again_and_keeps_them_signed_in() {
    let app = spawn_app().await;
    let me = address(&app, 0);
    connect(&app, &app.session, &me).await;
    app.emulator.webex.revoke(&me);

    let refused = acting(&app, 0)
        .create_meeting(&IdempotencyKey::generate(), &tomorrow("Plan"))
        .await;
    assert!(
        matches!(refused, Err(WebexError::ConnectionRequired)),
        "{refused:?}"
    );
    let now = status(&app, &app.session).await;
    assert!(!now.connected);
    let key = app.user_key(app.member(0));
    let vault = &app.state.auth.vault;
    assert!(
        !vault
            .holds_refresh(&key, davet::vault::Service::Webex)
            .await
            .expect("vault")
    );
    assert!(
        vault
            .holds_refresh(&key, davet::vault::Service::Microsoft)
            .await
            .expect("vault"),
        "the Microsoft sign-in stands"
    );
    assert_eq!(app.get("api/session").await.status(), StatusCode::OK);
    assert!(app.emulator.webex.meetings().is_empty());
}

#[tokio::test]
async fn throttled_the_client_waits_the_retry_after_and_no_longer() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let controls = app.emulator.webex_controls();
    controls.inject(FaultRule {
        path: "/v1/meetings".into(),
        fault: Fault::Throttle {
            retry_after_secs: 2,
        },
        times: 1,
    });
    let started = Instant::now();
    let made = acting(&app, 0)
        .create_meeting(&IdempotencyKey::generate(), &tomorrow("Bekle"))
        .await;
    let waited = started.elapsed();
    assert!(made.is_ok(), "{made:?}");
    assert!(
        waited >= Duration::from_secs(2),
        "waited {waited:?}: never before Retry-After"
    );
    assert!(
        waited < Duration::from_secs(6),
        "waited {waited:?}: not much after either"
    );

    // A wait longer than the policy holds a person's request for fails at once.
    controls.inject(FaultRule {
        path: "/v1/meetings".into(),
        fault: Fault::Throttle {
            retry_after_secs: 120,
        },
        times: 1,
    });
    let started = Instant::now();
    let throttled = acting(&app, 0)
        .create_meeting(&IdempotencyKey::generate(), &tomorrow("Çok bekle"))
        .await;
    assert!(
        matches!(throttled, Err(WebexError::Throttled)),
        "{throttled:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(6));
    assert_eq!(app.emulator.webex.meetings().len(), 1);
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_found_by_its_tag_not_made_twice() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let controls = app.emulator.webex_controls();
    // The first create is applied, then the connection drops before the answer.
    controls.inject(FaultRule {
        path: "POST /v1/meetings".into(),
        fault: Fault::DropAfterApplied,
        times: 1,
    });
    controls.clear_log();
    let key = IdempotencyKey::generate();
    let draft = tomorrow("Bir kez");
    let webex = acting(&app, 0);
    let first = webex.create_meeting(&key, &draft).await;
    let meetings = app.emulator.webex.meetings();
    assert_eq!(meetings.len(), 1, "one meeting, however the answers went");
    let made = first.expect("the meeting is found by its tag");
    assert_eq!(made.id, meetings[0].id);
    assert!(made.integration_tags.contains(&key.tag()));

    // The pane retrying with the same key gets the same meeting, and Webex no second one.
    let again = webex
        .create_meeting(&key, &draft)
        .await
        .expect("the same meeting");
    assert_eq!(again.id, made.id);
    assert_eq!(app.emulator.webex.meetings().len(), 1);
    let posts = controls
        .log()
        .iter()
        .filter(|r| r.method == "POST" && r.target.starts_with("/v1/meetings"))
        .count();
    assert_eq!(posts, 1, "{:?}", controls.log());
    let lookups = controls
        .log()
        .iter()
        .filter(|r| r.method == "GET" && r.target.contains("integrationTag=davet"))
        .count();
    assert_eq!(
        lookups, 3,
        "before the create, after the lost answer, and on the retry"
    );
}

#[tokio::test]
async fn webex_errors_become_errors_the_pane_can_explain() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    let webex = acting(&app, 0);

    let mut weak = tomorrow("Parola");
    weak.password = Some("kisaparola".into());
    let refused = webex
        .create_meeting(&IdempotencyKey::generate(), &weak)
        .await;
    assert!(
        matches!(&refused, Err(WebexError::PasswordRefused(rule)) if rule.contains("uppercase and lowercase")),
        "{refused:?}"
    );

    let without: Vec<_> = (0..app.emulator.world.tenant.users.len())
        .filter(|&i| {
            let u = &app.emulator.world.tenant.users[i];
            u.account_enabled && u.mail.is_some() && !u.has_webex && u.user_type == "Member"
        })
        .collect();
    let nobody = app.emulator.world.tenant.users[without[0]]
        .mail
        .clone()
        .expect("mail");
    let mut with_cohost = tomorrow("Ortak");
    with_cohost.cohosts = vec![EmailAddress::parse(&nobody).expect("an address")];
    let refused = webex
        .create_meeting(&IdempotencyKey::generate(), &with_cohost)
        .await;
    assert!(
        matches!(&refused, Err(WebexError::NoAccount(who)) if who == &vec![nobody.clone()]),
        "{refused:?}"
    );
    let (found, missing) = webex
        .accounts(&[
            EmailAddress::parse(&address(&app, 1)).expect("an address"),
            EmailAddress::parse(&nobody).expect("an address"),
        ])
        .await
        .expect("the lookups");
    assert_eq!(found.len(), 1);
    assert_eq!(
        missing.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        [nobody.as_str()]
    );

    app.emulator.webex.set_creation_limit(3);
    let mut last = Ok(());
    for n in 0..3 {
        last = webex
            .create_meeting(
                &IdempotencyKey::generate(),
                &tomorrow(&format!("Toplantı {n}")),
            )
            .await
            .map(|_| ());
    }
    assert!(matches!(last, Err(WebexError::CreationLimit)), "{last:?}");
}

#[tokio::test]
async fn in_organisation_mode_an_admin_connects_once_and_davet_schedules_as_each_organiser() {
    let app = spawn_app_with(|settings| {
        settings.webex.as_mut().expect("Webex").mode = WebexMode::Organisation;
    })
    .await;
    let organiser = app.sign_in(app.member(1)).await;
    let before = status(&app, &organiser).await;
    assert_eq!(before.mode, davet_api::WebexMode::Organisation);
    assert!(
        !before.connected,
        "no admin has connected the organisation yet"
    );
    let nothing_to_connect = app
        .http
        .post(app.url.join("api/webex/connection").expect("url"))
        .bearer_auth(&organiser)
        .send()
        .await
        .expect("answers");
    assert_eq!(nothing_to_connect.status(), StatusCode::CONFLICT);

    // A person's own token is not enough for organisation mode.
    let refresh = app
        .emulator
        .webex
        .service_app_refresh_token()
        .expect("the organisation has an admin");
    let admin = webex(&app)
        .connect_organisation(davet::secret::Secret::new(refresh.clone()))
        .await
        .expect("the admin's token holds the admin scopes");
    assert!(
        app.emulator
            .webex
            .admin()
            .is_some_and(|a| a.email == admin.email)
    );

    let after = status(&app, &organiser).await;
    assert!(after.connected);
    let mine = address(&app, 1);
    assert_eq!(after.account.map(|a| a.email), Some(mine.clone()));
    let made = acting(&app, 1)
        .create_meeting(&IdempotencyKey::generate(), &tomorrow("Kuruluş adına"))
        .await
        .expect("a meeting");
    assert_eq!(
        made.host_email, mine,
        "scheduled as the organiser, not the admin"
    );
}

#[tokio::test]
async fn the_vault_holds_no_plaintext_webex_token() {
    let app = spawn_app().await;
    connect(&app, &app.session, &address(&app, 0)).await;
    app.emulator.webex.expire_access_tokens();
    assert!(status(&app, &app.session).await.connected);
    let dump = app.database.dump();
    let held = app.emulator.webex.refresh_tokens();
    assert!(!held.is_empty());
    for token in held {
        assert!(
            !dump.windows(token.len()).any(|w| w == token.as_bytes()),
            "a Webex refresh token in plaintext"
        );
    }
}

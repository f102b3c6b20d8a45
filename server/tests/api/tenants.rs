//! Several tenants behind one deployment (a multi-tenant app): people of different tenants
//! never reach each other's sessions, tokens, directory or calendars, and a tenant the
//! deployment does not allow cannot sign in at all.

use davet::domain::user::DirectoryId;
use davet::identity::TenantPolicy;
use davet_api::{ApiError, ErrorCode, PeopleSearch, SessionUser};
use davet_emulator::{RunningEmulator, TenantSpec, World};
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app_on};

const OTHER: TenantSpec = TenantSpec::seeded(77, 120);
const NOT_ALLOWED: TenantSpec = TenantSpec::seeded(78, 40);

async fn two_tenant_app() -> TestApp {
    let emulator = RunningEmulator::start_tenants(&[TenantSpec::DEMO, OTHER, NOT_ALLOWED])
        .await
        .expect("the emulators start");
    let allowed: Vec<DirectoryId> = emulator.worlds[..2]
        .iter()
        .map(|w| DirectoryId::parse(&w.tenant.id).expect("tenant id"))
        .collect();
    spawn_app_on(emulator, move |s| {
        s.identity.tenant_id = "organizations".into();
        s.tenants = TenantPolicy::Only(allowed);
    })
    .await
}

fn first_member(world: &World) -> usize {
    world
        .tenant
        .users
        .iter()
        .position(|u| u.account_enabled && u.user_type == "Member" && u.mail.is_some())
        .expect("a member")
}

#[tokio::test]
async fn people_of_two_tenants_never_reach_each_others_sessions_tokens_or_directory() {
    let app = two_tenant_app().await;
    let (home, other) = (&app.emulator.worlds[0], &app.emulator.worlds[1]);
    assert_ne!(home.tenant.domain, other.tenant.domain);
    let b = first_member(other);
    let response = app.post_session(&app.emulator.api_token_in(other, b)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let session_b = response
        .json::<davet_api::Session>()
        .await
        .expect("a session")
        .session_token;

    let me: SessionUser = app
        .get_as(&session_b, "api/session")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me.display_name, other.tenant.users[b].display_name);

    // Each searches their own directory only, for the same text.
    let query = &other.tenant.users[b].display_name[..3];
    for (session, world, stranger) in [(&session_b, other, home), (&app.session, home, other)] {
        let found: PeopleSearch = app
            .get_as(session, &format!("api/people?q={query}"))
            .await
            .json()
            .await
            .expect("json");
        assert!(
            !found.people.is_empty(),
            "`{query}` finds someone in the searcher's own directory"
        );
        for person in &found.people {
            assert!(
                world.tenant.users.iter().any(|u| u.id == person.id),
                "{} is not of the searcher's tenant",
                person.email
            );
            assert!(!stranger.tenant.users.iter().any(|u| u.id == person.id));
        }
    }

    // The vault files each under its own tenant; signing one out leaves the other alone.
    assert_eq!(app.database.rows("refresh_tokens").await, 2);
    let signed_out = app
        .http
        .delete(app.url.join("api/session").expect("url"))
        .bearer_auth(&session_b)
        .send()
        .await
        .expect("answer");
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.database.rows("refresh_tokens").await, 1);
    assert_eq!(app.get("api/session").await.status(), StatusCode::OK);
    assert_eq!(app.get("api/people?q=ay").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_tenant_the_deployment_does_not_allow_cannot_sign_in() {
    let app = two_tenant_app().await;
    let stranger = &app.emulator.worlds[2];
    let token = app.emulator.api_token_in(stranger, first_member(stranger));
    let response = app.post_session(&token).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let error: ApiError = response.json().await.expect("json");
    assert_eq!(error.code, ErrorCode::SignInFailed);
    assert_eq!(
        app.database.rows("refresh_tokens").await,
        1,
        "only the spawn's person"
    );
}

#[tokio::test]
async fn calendars_of_one_tenant_are_out_of_reach_of_another() {
    let app = two_tenant_app().await;
    let (home, other) = (&app.emulator.worlds[0], &app.emulator.worlds[1]);
    let graph_token = |world: &World, user: usize| {
        app.emulator
            .graph_token_in(world, user, &["Calendars.ReadWrite"])
    };
    let b = first_member(other);
    let events = format!(
        "{}/users/{}/events",
        app.emulator.graph_url, other.tenant.users[b].id
    );
    let own = app
        .http
        .get(&events)
        .bearer_auth(graph_token(other, b))
        .send()
        .await
        .expect("answer");
    assert_eq!(own.status(), StatusCode::OK);
    let foreign = app
        .http
        .get(&events)
        .bearer_auth(graph_token(home, first_member(home)))
        .send()
        .await
        .expect("answer");
    assert_eq!(
        foreign.status(),
        StatusCode::NOT_FOUND,
        "another tenant's mailbox is not there"
    );
}

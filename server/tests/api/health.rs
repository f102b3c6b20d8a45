//! `/readyz`: each check named, 503 naming the one that fails.

use davet_api::Readiness;
use davet_emulator::controls::{Fault, FaultRule};

use crate::helpers::{closed_port_url, spawn_app, spawn_app_with};

async fn readiness(app: &crate::helpers::TestApp) -> (u16, Readiness) {
    let answer = app.get_anonymous("readyz").await;
    let status = answer.status().as_u16();
    (status, answer.json().await.expect("a readiness"))
}

fn check<'a>(readiness: &'a Readiness, name: &str) -> &'a davet_api::ReadinessCheck {
    readiness
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} check in {readiness:?}"))
}

#[tokio::test]
async fn ready_when_the_database_the_signing_keys_and_webex_answer() {
    let app = spawn_app().await;
    let (status, ready) = readiness(&app).await;
    assert_eq!(status, 200, "{ready:?}");
    assert!(ready.ready);
    for name in ["database", "identity_keys", "webex"] {
        assert!(check(&ready, name).ok, "{name}");
    }
}

#[tokio::test]
async fn not_ready_names_what_does_not_answer() {
    let app = spawn_app_with(|settings| {
        settings.webex.as_mut().expect("Webex").url = closed_port_url("/v1");
    })
    .await;
    let (status, ready) = readiness(&app).await;
    assert_eq!(status, 503);
    assert!(!ready.ready);
    assert!(!check(&ready, "webex").ok);
    assert!(check(&ready, "database").ok && check(&ready, "identity_keys").ok);
}

#[tokio::test]
async fn keys_that_cannot_be_fetched_make_a_fresh_replica_not_ready() {
    let emulator = davet_emulator::RunningEmulator::start(davet_emulator::TenantSpec::DEMO)
        .await
        .expect("the emulators start");
    // Signing in (at spawn) loads the keys; a replica that has not loaded them yet, and cannot,
    // is not ready.
    let app = crate::helpers::spawn_app_on(emulator, |_| {}).await;
    let (fresh, _state) = crate::helpers::start_replica(&app.settings).await;
    app.emulator.identity_controls().inject(FaultRule {
        path: "/discovery/v2.0/keys".into(),
        fault: Fault::Unavailable {
            retry_after_secs: 1,
        },
        times: 5,
    });
    let answer = app
        .http
        .get(fresh.join("readyz").expect("url"))
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.status(), 503);
    let ready: Readiness = answer.json().await.expect("a readiness");
    assert!(!check(&ready, "identity_keys").ok);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_calls_by_outcome_and_name_nobody() {
    let app = spawn_app().await;
    assert_eq!(app.get("api/people?q=ay").await.status(), 200);
    assert_eq!(app.get("api/groups?q=Ekibi").await.status(), 200);
    let team = app
        .emulator
        .world
        .tenant
        .groups
        .iter()
        .find(|g| g.display_name.contains("Ekibi"))
        .expect("a team");
    let events = app
        .expand(vec![davet_api::Selection::Group {
            id: team.id.clone(),
            display_name: team.display_name.clone(),
            mail: None,
        }])
        .await;
    assert!(
        matches!(events.last(), Some(davet_api::ExpandEvent::Done { .. })),
        "{events:?}"
    );
    let person = &app.emulator.world.tenant.users[app.member(1)];
    assert_eq!(
        app.get(&format!("api/people/{}", person.id)).await.status(),
        200
    );
    let answer = app.get_anonymous("metrics").await;
    assert_eq!(answer.status(), 200);
    assert!(
        answer
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/openmetrics-text"))
    );
    let text = answer.text().await.expect("text");
    assert!(
        text.contains(
            r#"davet_http_requests_total{route="/api/people",method="GET",status="200"} "#
        ),
        "{text}"
    );
    assert!(text.contains(
        r#"davet_http_requests_total{route="/api/people/{id}",method="GET",status="200"} "#
    ));
    assert!(text.contains(r#"davet_upstream_requests_total{service="graph",outcome="ok"}"#));
    assert!(text.contains("davet_http_request_duration_seconds_bucket"));
    for personal in [
        person.id.as_str(),
        person.display_name.as_str(),
        "q=ay",
        "Ekibi",
    ] {
        assert!(!text.contains(personal), "{personal} in the metrics");
    }
    // No id, address or name of anyone or any group of the tenant.
    let tenant = &app.emulator.world.tenant;
    for user in &tenant.users {
        assert!(!text.contains(&user.id), "a person's id in the metrics");
        if let Some(mail) = &user.mail {
            assert!(!text.contains(mail.as_str()), "an address in the metrics");
        }
    }
    for group in &tenant.groups {
        assert!(!text.contains(&group.id), "a group's id in the metrics");
    }
    assert!(
        text.contains("davet_expansions_total") || text.contains("expansion"),
        "{text}"
    );
}

#[tokio::test]
async fn metrics_kept_private_are_served_on_their_own_address_only() {
    let port = std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("a port");
    let app = spawn_app_with(|settings| settings.metrics_bind = Some(port)).await;
    assert_eq!(
        app.get_anonymous("metrics").await.status(),
        404,
        "not on the main address"
    );
    let private = reqwest::get(format!("http://{port}/metrics"))
        .await
        .expect("answers");
    assert_eq!(private.status(), 200);
    assert!(
        private
            .text()
            .await
            .expect("text")
            .contains("davet_http_requests_total")
    );
}

/// PostgreSQL going away and coming back (the SQLite pass has no database server to lose: the
/// file is the process's own).
#[tokio::test]
async fn not_ready_while_the_database_is_down_and_ready_again_when_it_is_back() {
    use sqlx::Connection;
    let app = spawn_app().await;
    let Ok(server) = std::env::var("DAVET_TEST_POSTGRES_URL") else {
        assert!(!app.database.is_postgres());
        eprintln!("SQLite: no database server to stop; the PostgreSQL pass checks this");
        return;
    };
    assert_eq!(readiness(&app).await.0, 200);
    let name = url::Url::parse(&app.database.url)
        .expect("url")
        .path()
        .trim_start_matches('/')
        .to_owned();
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("the server");
    let allow = |yes: bool| format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {yes}");
    sqlx::query(&allow(false))
        .execute(&mut admin)
        .await
        .expect("refuse connections");
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    )
    .bind(&name)
    .execute(&mut admin)
    .await
    .expect("end Davet's connections");
    let (status, ready) = readiness(&app).await;
    assert_eq!(status, 503);
    assert!(!check(&ready, "database").ok, "{ready:?}");
    assert!(check(&ready, "identity_keys").ok);
    sqlx::query(&allow(true))
        .execute(&mut admin)
        .await
        .expect("allow connections");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (status, ready) = readiness(&app).await;
        if status == 200 {
            assert!(check(&ready, "database").ok);
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never ready again: {ready:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

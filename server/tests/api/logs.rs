//! The logs, read for what must never be in them: tokens of any kind and the app's secret.
//! Everything is logged at `trace`, the most a debugging admin could switch on.

use crate::helpers::spawn_app;

#[tokio::test]
async fn no_token_or_secret_reaches_the_logs_even_at_trace() {
    let Some(logs) = davet::telemetry::capture() else {
        // Another test of this process installed a logger first (only under `cargo test`;
        // nextest runs each test in a process of its own).
        eprintln!("skipped: a logger is installed already");
        return;
    };
    let app = spawn_app().await;
    let api_token = app.emulator.api_token(app.member(3));
    let second = app.post_session(&api_token).await;
    assert_eq!(second.status(), 201);
    let second: davet_api::Session = second.json().await.expect("session");
    app.state
        .auth
        .tokens
        .forget_access(&app.user_key(app.member(3)))
        .await;
    assert_eq!(
        app.get_as(&second.session_token, "api/people?q=ay")
            .await
            .status(),
        200,
        "a refresh"
    );
    let mut forged = api_token.clone();
    forged.push('x');
    assert_eq!(app.post_session(&forged).await.status(), 401);

    let logged = String::from_utf8(logs.lock().expect("logs").clone()).expect("utf-8");
    assert!(logged.contains("signed in"), "the capture works: {logged}");
    let mut secrets = app.emulator.world.grants.live_refresh_tokens();
    secrets.extend([
        api_token,
        app.session.clone(),
        second.session_token,
        app.settings.identity.client_secret.expose().to_owned(),
    ]);
    for secret in &secrets {
        assert!(!logged.contains(secret.as_str()), "a secret is in the logs");
    }
    // Signatures are where a JWT is most recognisable: none of any token appears.
    for secret in &secrets {
        if let Some(signature) = secret.rsplit('.').next().filter(|s| s.len() > 40) {
            assert!(!logged.contains(signature));
        }
    }
}

#[tokio::test]
async fn membership_never_reaches_the_database_or_the_logs() {
    let Some(logs) = davet::telemetry::capture() else {
        eprintln!("skipped: a logger is installed already");
        return;
    };
    let app = spawn_app().await;
    let world = &app.emulator.world;
    let picks: Vec<davet_api::Selection> = ["Tüm Çalışanlar", "İş Ortakları", "Finans Ekibi"]
        .iter()
        .map(|name| {
            let g = world
                .tenant
                .groups
                .iter()
                .find(|g| g.display_name == *name)
                .expect("the group");
            davet_api::Selection::Group {
                id: g.id.clone(),
                display_name: g.display_name.clone(),
                mail: g.mail.clone(),
            }
        })
        .collect();
    let events = app.expand(picks).await;
    let Some(davet_api::ExpandEvent::Done { expansion }) = events.last() else {
        panic!("the expansion did not finish: {events:?}");
    };
    assert!(expansion.people.len() > 50, "a real expansion ran");

    let logged = String::from_utf8(logs.lock().expect("logs").clone()).expect("utf-8");
    assert!(logged.contains("expanded"), "the capture works");
    let dump = app.database.dump();
    let dump = String::from_utf8_lossy(&dump);
    for person in &expansion.people {
        // The signed-in person's own name and address are in the session, rightly.
        if person.email.eq_ignore_ascii_case(
            world.tenant.users[app.member(0)]
                .mail
                .as_deref()
                .unwrap_or_default(),
        ) {
            continue;
        }
        for text in [&person.email, &person.display_name] {
            assert!(!logged.contains(text.as_str()), "a member is in the logs");
            assert!(!dump.contains(text.as_str()), "a member is in the database");
        }
    }
}

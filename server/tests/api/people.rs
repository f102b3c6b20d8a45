//! `GET /api/people?q=`: the directory type-ahead.

use davet_api::{ApiError, ErrorCode, PeopleSearch};
use reqwest::StatusCode;

use crate::helpers::{closed_port_url, spawn_app, spawn_app_with, start_replica};

/// Whether a display name has a word starting with `prefix`, as the directory tokenises.
fn has_word_starting_with(name: &str, prefix: &str) -> bool {
    name.split(|c: char| !c.is_alphanumeric())
        .any(|w| w.to_lowercase().starts_with(prefix))
}

#[tokio::test]
async fn search_lists_enabled_people_whose_name_or_address_starts_with_the_query() {
    let app = spawn_app().await;
    let response = app.get("api/people?q=ay").await;
    assert_eq!(response.status(), StatusCode::OK);
    let found: PeopleSearch = response.json().await.expect("json");
    assert_eq!(found.query, "ay");

    // One page of 25 directory entries, disabled accounts then left out.
    let users = &app.emulator.world.tenant.users;
    let matching: Vec<_> = users
        .iter()
        .filter(|u| {
            has_word_starting_with(&u.display_name, "ay")
                || u.mail.as_deref().is_some_and(|m| m.starts_with("ay"))
                || u.user_principal_name.starts_with("ay")
        })
        .collect();
    // The answer says when the directory has more than the page shows.
    assert!(
        matching.len() > 25,
        "the test needs more than a page: {}",
        matching.len()
    );
    assert!(found.more);
    let expected: Vec<&str> = matching
        .into_iter()
        .take(25)
        .filter(|u| u.account_enabled)
        .filter_map(|u| u.mail.as_deref())
        .collect();
    assert!(!found.people.is_empty());
    assert!(found.people.len() <= 25, "one type-ahead page at most");
    let listed: Vec<&str> = found.people.iter().map(|p| p.email.as_str()).collect();
    assert_eq!(listed, expected);
    // One person's own address: all there is.
    let one: PeopleSearch = app
        .get(&format!("api/people?q={}", listed[0]))
        .await
        .json()
        .await
        .expect("json");
    assert!(!one.more, "{one:?}");
}

#[tokio::test]
async fn guests_are_marked() {
    let app = spawn_app().await;
    let guest = app
        .emulator
        .world
        .tenant
        .users
        .iter()
        .find(|u| u.user_type == "Guest" && u.account_enabled)
        .expect("the demo tenant has a guest");
    let found: PeopleSearch = app
        .get(&format!(
            "api/people?q={}",
            guest.mail.as_deref().expect("mail")
        ))
        .await
        .json()
        .await
        .expect("json");
    let listed = found
        .people
        .iter()
        .find(|p| Some(p.email.as_str()) == guest.mail.as_deref())
        .expect("the guest is found by address");
    assert!(listed.guest);
}

#[tokio::test]
async fn turkish_capital_dotted_i_is_found_from_lower_case() {
    let app = spawn_app().await;
    let found: PeopleSearch = app
        .get("api/people?q=ipek")
        .await
        .json()
        .await
        .expect("json");
    assert!(
        found
            .people
            .iter()
            .any(|p| p.display_name.starts_with("İpek")),
        "`ipek` finds İpek: {:?}",
        found
            .people
            .iter()
            .map(|p| &p.display_name)
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_one_letter_query_is_refused_with_a_code() {
    let app = spawn_app().await;
    let response = app.get("api/people?q=a").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: ApiError = response.json().await.expect("json");
    assert_eq!(error.code, ErrorCode::QueryLength);
    assert!(error.message.contains('2'), "{}", error.message);
}

#[tokio::test]
async fn a_missing_query_is_a_bad_request() {
    let app = spawn_app().await;
    let response = app.get("api/people").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: ApiError = response.json().await.expect("json");
    assert_eq!(error.code, ErrorCode::InvalidRequest);
    assert!(error.message.contains("`q`"));
}

#[tokio::test]
async fn graph_out_of_reach_is_a_clear_bad_gateway() {
    let app = spawn_app_with(|s| s.graph_url = closed_port_url("/v1.0")).await;
    let response = app.get("api/people?q=ay").await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let error: ApiError = response.json().await.expect("json");
    assert_eq!(error.code, ErrorCode::DirectoryUnavailable);
}

#[tokio::test]
async fn a_refused_client_secret_is_reported_as_an_admin_problem_without_the_secret() {
    let app = spawn_app().await;
    let mut misconfigured = app.settings.clone();
    misconfigured.identity.client_secret = davet::secret::Secret::new("wrong-secret");
    let (replica, _) = start_replica(&misconfigured).await;
    let response = app
        .post_session_to(&replica, &app.emulator.api_token(app.member(1)))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let body = response.text().await.expect("body");
    let error: ApiError = serde_json::from_str(&body).expect("json");
    assert_eq!(error.code, ErrorCode::SignInFailed);
    assert!(error.message.contains("administrator"), "{}", error.message);
    assert!(!body.contains("wrong-secret"));
}

#[tokio::test]
async fn the_graph_client_follows_next_links_across_pages() {
    let app = spawn_app().await;
    let graph = app.state.graph.acting_for(&app.user_key(app.member(0)));
    let query = davet::domain::people::PeopleQuery::parse("ay").expect("query");
    let (in_one_page, more) = graph
        .search_people_paged(&query, 999, 999)
        .await
        .expect("one page");
    assert!(!more, "everything fits in one page of 999");
    let (in_pages_of_three, more) = graph
        .search_people_paged(&query, 3, 999)
        .await
        .expect("pages");
    assert!(!more);
    assert!(in_one_page.len() > 6, "the test needs several pages");
    assert_eq!(in_one_page, in_pages_of_three);
    // The limit counts directory entries; disabled ones among them are then left out, and the
    // answer says the directory had more.
    let (limited, more) = graph
        .search_people_paged(&query, 3, 5)
        .await
        .expect("limited");
    assert!(!limited.is_empty() && limited.len() <= 5);
    assert_eq!(limited[..], in_one_page[..limited.len()]);
    assert!(more, "the directory had more than five");
}

#[tokio::test]
async fn throttling_is_waited_out_never_sooner_than_retry_after_says() {
    use davet_emulator::controls::{Fault, FaultRule};
    let app = spawn_app().await;
    let controls = app.emulator.graph_controls();
    controls.inject(FaultRule {
        path: "/users".into(),
        fault: Fault::Throttle {
            retry_after_secs: 1,
        },
        times: 1,
    });
    controls.clear_log();
    let started = std::time::Instant::now();
    let response = app.get("api/people?q=ay").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "never earlier than Retry-After"
    );
    let statuses: Vec<u16> = controls.log().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 200], "one throttled call, one retry");
}

#[tokio::test]
async fn a_long_retry_after_is_reported_rather_than_waited_for() {
    use davet_emulator::controls::{Fault, FaultRule};
    let app = spawn_app().await;
    app.emulator.graph_controls().inject(FaultRule {
        path: "/users".into(),
        fault: Fault::Throttle {
            retry_after_secs: 600,
        },
        times: 1,
    });
    let response = app.get("api/people?q=ay").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let error: ApiError = response.json().await.expect("json");
    assert_eq!(error.code, ErrorCode::DirectoryThrottled);
}

#[tokio::test]
async fn unavailable_and_dropped_answers_are_retried() {
    use davet_emulator::controls::{Fault, FaultRule};
    let app = spawn_app().await;
    let controls = app.emulator.graph_controls();
    controls.inject(FaultRule {
        path: "/users".into(),
        fault: Fault::Unavailable {
            retry_after_secs: 0,
        },
        times: 1,
    });
    controls.inject(FaultRule {
        path: "/users".into(),
        fault: Fault::Drop,
        times: 1,
    });
    controls.clear_log();
    let response = app.get("api/people?q=ay").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        controls.count("/v1.0/users"),
        3,
        "503, dropped, then the answer"
    );
}

//! Test controls: the request log, injected faults and throttling behave as Graph does.

use std::time::{Duration, Instant};

use davet_emulator::controls::{Fault, FaultRule, Latency, ThrottleLimit};
use reqwest::StatusCode;

use crate::{assert_graph_error, session};

#[tokio::test]
async fn the_log_counts_requests_per_path() {
    let s = session().await;
    let controls = s.emulator.graph_controls();
    controls.clear_log();
    for _ in 0..3 {
        s.get(&s.users_url("?$top=1"), false).await;
    }
    s.get(&format!("{}/groups", s.emulator.graph_url), false)
        .await;
    assert_eq!(controls.count("/v1.0/users"), 3);
    assert_eq!(controls.count("/v1.0/groups"), 1);
    let log = controls.log();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].target, "/v1.0/users?$top=1");
    assert_eq!(log[0].status, 200);
}

#[tokio::test]
async fn injected_throttling_answers_429_with_retry_after_then_recovers() {
    let s = session().await;
    s.emulator.graph_controls().inject(FaultRule {
        path: "/users".into(),
        fault: Fault::Throttle {
            retry_after_secs: 7,
        },
        times: 1,
    });
    let throttled = s.get(&s.users_url(""), false).await;
    assert_eq!(throttled.headers()["retry-after"], "7");
    assert_graph_error(throttled, StatusCode::TOO_MANY_REQUESTS, "TooManyRequests").await;
    assert_eq!(
        s.get(&s.users_url(""), false).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_dropped_connection_leaves_the_client_without_a_readable_answer() {
    let s = session().await;
    s.emulator.graph_controls().inject(FaultRule {
        path: String::new(),
        fault: Fault::Drop,
        times: 1,
    });
    let outcome = match s
        .http
        .get(s.users_url(""))
        .bearer_auth(&s.token)
        .send()
        .await
    {
        Ok(response) => response.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(outcome.is_err(), "the answer breaks off");
    assert_eq!(
        s.get(&s.users_url(""), false).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_token_bucket_throttles_a_burst_and_says_when_to_come_back() {
    let s = session().await;
    s.emulator
        .graph_controls()
        .set_throttle(Some(ThrottleLimit {
            capacity: 5.0,
            // Slow enough that no token comes back during the burst, however busy the machine.
            per_second: 0.01,
        }));
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..7 {
        let response = s.get(&s.users_url("?$top=1"), false).await;
        statuses.push(response.status().as_u16());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().expect("ascii").to_owned());
        }
    }
    assert_eq!(statuses, [200, 200, 200, 200, 200, 429, 429]);
    assert_eq!(
        retry_after.as_deref(),
        Some("100"),
        "one token refills in a hundred seconds"
    );
    s.emulator.graph_controls().set_throttle(None);
    assert_eq!(
        s.get(&s.users_url("?$top=1"), false).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn no_answer_leaves_sooner_than_the_latency_after_its_request() {
    let s = session().await;
    s.emulator.graph_controls().set_latency(Latency {
        fixed: Duration::from_millis(150),
        jitter: Duration::ZERO,
    });
    let started = Instant::now();
    s.get(&s.users_url("?$top=1"), false).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn outlook_limits_are_per_mailbox_and_four_requests_at_once() {
    let s = session().await;
    let tenant = &s.emulator.world.tenant;
    let members: Vec<&str> = tenant
        .users
        .iter()
        .filter(|u| u.user_type == "Member")
        .take(2)
        .map(|u| u.id.as_str())
        .collect();
    let controls = s.emulator.graph_controls();
    controls.set_throttle(Some(ThrottleLimit {
        capacity: 2.0,
        per_second: 0.01,
    }));
    let events = |user: &str| format!("{}/users/{user}/events", s.emulator.graph_url);
    let statuses = |user: &str| {
        let url = events(user);
        let (http, token) = (s.http.clone(), s.token.clone());
        async move {
            let mut out = Vec::new();
            for _ in 0..3 {
                out.push(
                    http.get(&url)
                        .bearer_auth(&token)
                        .send()
                        .await
                        .expect("answer")
                        .status()
                        .as_u16(),
                );
            }
            out
        }
    };
    assert_eq!(statuses(members[0]).await, [200, 200, 429]);
    assert_eq!(
        statuses(members[1]).await,
        [200, 200, 429],
        "another mailbox has its own bucket"
    );

    controls.set_throttle(Some(ThrottleLimit::outlook(1.0)));
    // Each answer takes long enough that the six requests are all under way at once, however
    // busy the machine.
    controls.set_latency(Latency {
        fixed: Duration::from_secs(3),
        jitter: Duration::ZERO,
    });
    let url = events(members[0]);
    let burst = (0..6).map(|_| {
        let (http, token, url) = (s.http.clone(), s.token.clone(), url.clone());
        async move {
            http.get(&url)
                .bearer_auth(&token)
                .send()
                .await
                .expect("answer")
        }
    });
    let answers = futures_util::future::join_all(burst).await;
    let ok = answers
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    let refused: Vec<&reqwest::Response> = answers
        .iter()
        .filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!((ok, refused.len()), (4, 2), "four at once per mailbox");
    assert!(
        refused
            .iter()
            .all(|r| r.headers().contains_key("retry-after"))
    );
}

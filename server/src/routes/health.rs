//! `/healthz` (the process answers) and `/readyz` (what it stands on answers: the database,
//! the identity platform's signing keys, Webex), each check named, for a load balancer or an
//! orchestrator to hold traffic back until the replica can serve it.

use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use davet_api::{Readiness, ReadinessCheck};

use crate::app::Webex;
use crate::auth::Auth;
use crate::extract::Json;

fn check(name: &'static str, started: Instant, outcome: Result<(), String>) -> ReadinessCheck {
    if let Err(why) = &outcome {
        tracing::warn!(check = name, %why, "not ready");
    }
    ReadinessCheck {
        name: name.to_owned(),
        ok: outcome.is_ok(),
        ms: started.elapsed().as_millis() as u64,
    }
}

/// `GET /readyz`: 200 when every check passes, 503 naming the one that does not.
pub async fn ready(
    State(auth): State<Auth>,
    State(webex): State<Webex>,
) -> (StatusCode, Json<Readiness>) {
    let started = Instant::now();
    let database = check(
        "database",
        started,
        auth.vault.ping().await.map_err(|e| e.to_string()),
    );
    let started = Instant::now();
    let keys = check(
        "identity_keys",
        started,
        auth.validator
            .keys_loaded()
            .await
            .map(drop)
            .map_err(|e| e.to_string()),
    );
    let mut checks = vec![database, keys];
    if let Some(webex) = &webex.0 {
        let started = Instant::now();
        checks.push(check(
            "webex",
            started,
            webex.client.reachable().await.map_err(|e| e.to_string()),
        ));
    }
    let ready = checks.iter().all(|c| c.ok);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(Readiness { ready, checks }))
}

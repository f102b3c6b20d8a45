//! The emulator on the wire, as Microsoft documents Graph and the identity platform: statuses,
//! headers, error envelopes and paging.

mod batch;
mod contacts;
mod controls;
mod csdl;
mod events;
mod groups;
mod identity;
mod spelling;
mod users;

use davet_emulator::{RunningEmulator, TenantSpec};
use reqwest::StatusCode;
use serde_json::Value;

pub struct Session {
    pub emulator: RunningEmulator,
    pub http: reqwest::Client,
    pub token: String,
}

pub async fn session() -> Session {
    let emulator = RunningEmulator::start(TenantSpec::DEMO)
        .await
        .expect("starts");
    let http = reqwest::Client::new();
    let token_url = emulator
        .login_url
        .join(&format!("{}/oauth2/v2.0/token", emulator.world.tenant.id))
        .expect("url");
    let app = emulator.app().clone();
    let answer: Value = http
        .post(token_url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", app.client_id.as_str()),
            ("client_secret", app.client_secret.as_str()),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .expect("token answer")
        .json()
        .await
        .expect("json");
    assert_eq!(answer["token_type"], "Bearer");
    assert!(answer["expires_in"].as_u64().expect("expires_in") > 3000);
    let token = answer["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    Session {
        emulator,
        http,
        token,
    }
}

impl Session {
    pub fn users_url(&self, query: &str) -> String {
        format!("{}/users{query}", self.emulator.graph_url)
    }

    pub async fn get(&self, url: &str, eventual: bool) -> reqwest::Response {
        let mut request = self.http.get(url).bearer_auth(&self.token);
        if eventual {
            request = request.header("ConsistencyLevel", "eventual");
        }
        request.send().await.expect("answer")
    }
}

/// Graph's error envelope, with the request id in both the header and the body.
pub async fn assert_graph_error(
    response: reqwest::Response,
    status: StatusCode,
    code: &str,
) -> String {
    assert_eq!(response.status(), status);
    let request_id = response.headers()["request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert_eq!(
        body["error"]["innerError"]["request-id"],
        request_id.as_str()
    );
    assert!(
        body["error"]["innerError"]["date"]
            .as_str()
            .is_some_and(|d| d.len() == 19)
    );
    body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

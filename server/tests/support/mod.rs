//! For the tests that run the real `davet` binary against the emulators (`cli.rs`,
//! `replicas.rs`): its environment, a free port, and the wait until it answers.

#![allow(dead_code)]

use std::time::Duration;

use davet_emulator::RunningEmulator;

pub const DAVET: &str = env!("CARGO_BIN_EXE_davet");

/// `davet serve`'s settings against these emulators, with its vault at `database_url` and a
/// stand-in pane in `pane`: what an admin sets, with the emulators' addresses.
pub fn serve_env(
    emulator: &RunningEmulator,
    database_url: &str,
    pane: &std::path::Path,
) -> Vec<(String, String)> {
    let app = emulator.app();
    let _ = std::fs::write(pane.join("taskpane.html"), "<p>pane</p>");
    vec![
        (
            "DAVET_PUBLIC_URL".into(),
            "https://davet.contoso.example/".into(),
        ),
        ("DAVET_TENANT_ID".into(), emulator.world.tenant.id.clone()),
        ("DAVET_CLIENT_ID".into(), app.client_id.clone()),
        ("DAVET_CLIENT_SECRET".into(), app.client_secret.clone()),
        ("DAVET_VAULT_KEY".into(), "00".repeat(32)),
        ("DAVET_DATABASE_URL".into(), database_url.to_owned()),
        ("DAVET_PANE_DIR".into(), pane.display().to_string()),
        ("DAVET_LOGIN_URL".into(), emulator.login_url.to_string()),
        ("DAVET_GRAPH_URL".into(), emulator.graph_url.to_string()),
        ("DAVET_WEBEX_URL".into(), emulator.webex_url.to_string()),
        (
            "DAVET_WEBEX_CLIENT_ID".into(),
            emulator.webex.integration.client_id.clone(),
        ),
        (
            "DAVET_WEBEX_CLIENT_SECRET".into(),
            emulator.webex.integration.client_secret.clone(),
        ),
    ]
}

/// A SQLite vault in `dir`.
pub fn sqlite_in(dir: &tempfile::TempDir) -> String {
    format!("sqlite:{}", dir.path().join("vault.sqlite3").display())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port()
}

/// Waits (20 s at most) until the server at `base` answers `/healthz`.
pub async fn until_up(base: &str) -> bool {
    let http = reqwest::Client::new();
    for _ in 0..800 {
        if http.get(format!("{base}healthz")).send().await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

/// An enabled member of the tenant with a mailbox and a Webex account.
pub fn organiser(emulator: &RunningEmulator) -> usize {
    emulator
        .world
        .tenant
        .users
        .iter()
        .position(|u| {
            u.user_type == "Member" && u.account_enabled && u.has_webex && u.mail.is_some()
        })
        .expect("an organiser")
}

/// Signs `user` in at `base` as nested app authentication does; answers the session token.
pub async fn session(emulator: &RunningEmulator, base: &str, user: usize) -> String {
    let session: davet_api::Session = reqwest::Client::new()
        .post(format!("{base}api/session"))
        .bearer_auth(emulator.api_token(user))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("a session");
    session.session_token
}

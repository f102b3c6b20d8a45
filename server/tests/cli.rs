//! The `davet` binary as an admin and a newcomer meet it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const DAVET: &str = env!("CARGO_BIN_EXE_davet");

#[test]
fn serve_refuses_to_start_without_its_settings_and_names_each_missing_one() {
    let output = Command::new(DAVET)
        .arg("serve")
        .env_clear()
        .env("DAVET_CLIENT_ID", "00000000-0000-0000-0000-000000000001")
        .output()
        .expect("davet runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for name in ["DAVET_PUBLIC_URL", "DAVET_TENANT_ID", "DAVET_CLIENT_SECRET"] {
        assert!(stderr.contains(name), "{stderr}");
    }
    assert!(
        !stderr.contains("DAVET_CLIENT_ID"),
        "a present setting is not named: {stderr}"
    );
}

#[test]
fn demo_prints_one_line_per_service_and_serves_the_compose_window() {
    let pane = tempfile::tempdir().expect("tmp");
    std::fs::write(pane.path().join("taskpane.html"), "<p>pane</p>").expect("write");
    let mut child = Command::new(DAVET)
        .args(["demo", "--port", "0", "--users", "40"])
        .env("DAVET_PANE_DIR", pane.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("davet demo starts");
    let stdout = child.stdout.take().expect("stdout");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(3)
        .map(|l| l.expect("line"))
        .collect();
    let url = |name: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no `{name}:` line in {lines:?}"))
            .to_owned()
    };
    let (app, graph, login) = (url("app"), url("graph"), url("login"));
    assert!(app.starts_with("http://127.0.0.1:") && app.ends_with('/'));
    assert!(graph.starts_with("http://127.0.0.1:") && graph.ends_with("/v1.0"));
    assert!(login.starts_with("http://127.0.0.1:"));

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (host, graph_status) = runtime.block_on(async {
        let host = reqwest::get(&app)
            .await
            .expect("app answers")
            .text()
            .await
            .expect("html");
        let graph_status = reqwest::get(format!("{graph}/users"))
            .await
            .expect("graph answers")
            .status();
        (host, graph_status)
    });
    child.kill().expect("stop the demo");
    let _ = child.wait();
    assert!(
        host.contains("id=\"requiredAttendees\""),
        "the compose window: {host}"
    );
    assert!(host.contains("/pane/taskpane.html"));
    assert_eq!(
        graph_status,
        reqwest::StatusCode::UNAUTHORIZED,
        "Graph wants a token, as the real one does"
    );
}

#[test]
fn generate_key_then_rotate_key_reseals_what_the_old_key_sealed() {
    use davet::domain::user::{DirectoryId, UserKey};
    use davet::secret::Secret;
    use davet::vault::{Claim, KeyRing, TokenVault, VaultKey};

    let new_key = |_: ()| {
        let output = Command::new(DAVET)
            .arg("generate-key")
            .output()
            .expect("runs");
        assert!(output.status.success());
        String::from_utf8(output.stdout)
            .expect("utf-8")
            .trim()
            .to_owned()
    };
    let (old, new) = (new_key(()), new_key(()));
    assert_ne!(old, new, "every key is fresh");
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite:{}", dir.path().join("vault.sqlite3").display());
    let person = UserKey {
        tenant: DirectoryId::parse("aaaaaaaa-0000-4000-8000-000000000001").expect("id"),
        user: DirectoryId::parse("bbbbbbbb-0000-4000-8000-000000000002").expect("id"),
    };
    let ring = |current: &str, previous: &[&str]| {
        KeyRing::new(
            VaultKey::parse(current).expect("key"),
            previous
                .iter()
                .map(|k| VaultKey::parse(k).expect("key"))
                .collect(),
        )
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let vault = TokenVault::open(&url, ring(&old, &[]))
            .await
            .expect("vault");
        vault
            .store_refresh(&person, &Secret::new("the-refresh-token"))
            .await
            .expect("store");
        vault.close().await;
    });

    let output = Command::new(DAVET)
        .arg("rotate-key")
        .env_clear()
        .env("DAVET_PUBLIC_URL", "https://davet.example")
        .env("DAVET_TENANT_ID", "aaaaaaaa-0000-4000-8000-000000000001")
        .env("DAVET_CLIENT_ID", "c")
        .env("DAVET_CLIENT_SECRET", "s")
        .env("DAVET_DATABASE_URL", &url)
        .env("DAVET_VAULT_KEY", &new)
        .env("DAVET_VAULT_PREVIOUS_KEYS", &old)
        .output()
        .expect("davet rotate-key runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let new_id = VaultKey::parse(&new).expect("key").id().to_owned();
    assert!(
        stdout.contains(&format!("re-sealed 1 refresh tokens under key {new_id}")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("key {new_id}: 1 tokens")),
        "{stdout}"
    );

    runtime.block_on(async {
        let vault = TokenVault::open(&url, ring(&new, &[]))
            .await
            .expect("vault");
        match vault
            .claim_refresh(&person, std::time::Duration::from_secs(5))
            .await
            .expect("opens with the new key alone")
        {
            Claim::Granted(stored) => assert_eq!(stored.token.expose(), "the-refresh-token"),
            other => panic!("{other:?}"),
        }
    });
}

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

//! The `davet` binary as an admin and a newcomer meet it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

mod support;

use support::{DAVET, free_port, serve_env, session, sqlite_in, until_up};

/// `davet serve` configured as an admin would, by `DAVET_…` variables alone, listening on
/// `bind`, with its vault and a stand-in pane in `dir`.
fn serve(
    dir: &tempfile::TempDir,
    bind: &str,
    tenant: &str,
    client_id: &str,
    secret: &str,
) -> Command {
    std::fs::write(dir.path().join("taskpane.html"), "<p>pane</p>").expect("write");
    let mut command = Command::new(DAVET);
    command
        .arg("serve")
        .env_clear()
        .env("DAVET_BIND", bind)
        .env("DAVET_PUBLIC_URL", "https://davet.contoso.example/")
        .env("DAVET_TENANT_ID", tenant)
        .env("DAVET_CLIENT_ID", client_id)
        .env("DAVET_CLIENT_SECRET", secret)
        .env("DAVET_VAULT_KEY", "00".repeat(32))
        .env(
            "DAVET_DATABASE_URL",
            format!("sqlite:{}", dir.path().join("vault.sqlite3").display()),
        )
        .env("DAVET_PANE_DIR", dir.path());
    command
}

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
        .take(4)
        .map(|l| l.expect("line"))
        .collect();
    let url = |name: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no `{name}:` line in {lines:?}"))
            .to_owned()
    };
    let (app, graph, login, webex) = (url("app"), url("graph"), url("login"), url("webex"));
    assert!(webex.starts_with("http://127.0.0.1:") && webex.ends_with("/v1"));
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
    use davet::vault::{Claim, KeyRing, Service, TokenVault, VaultKey};

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
            .store_refresh(
                &person,
                Service::Microsoft,
                &Secret::new("the-refresh-token"),
            )
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
            .claim_refresh(
                &person,
                Service::Microsoft,
                std::time::Duration::from_secs(5),
            )
            .await
            .expect("opens with the new key alone")
        {
            Claim::Granted(stored) => assert_eq!(stored.token.expose(), "the-refresh-token"),
            other => panic!("{other:?}"),
        }
    });
}

/// `davet serve` against the emulators, on `port`, its vault and pane in `dir`.
fn serve_emulated(
    emulator: &davet_emulator::RunningEmulator,
    dir: &tempfile::TempDir,
    port: u16,
) -> Command {
    let mut command = Command::new(DAVET);
    command
        .arg("serve")
        .env_clear()
        .envs(serve_env(emulator, &sqlite_in(dir), dir.path()))
        .env("DAVET_BIND", format!("127.0.0.1:{port}"));
    command
}

/// `davet serve` stopped by SIGTERM, as a service manager or Kubernetes stops a replica: it
/// stops accepting, answers the request it holds (here one that waits on a slow directory), and
/// exits cleanly.
#[test]
fn serve_finishes_what_it_holds_when_terminated_and_exits() {
    use davet_emulator::controls::Latency;
    use davet_emulator::{RunningEmulator, TenantSpec};
    use std::time::Duration;

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let emulator = runtime
        .block_on(RunningEmulator::start(TenantSpec::DEMO))
        .expect("emulators");
    let dir = tempfile::tempdir().expect("tmp");
    let port = free_port();
    let mut child = serve_emulated(&emulator, &dir, port)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("davet serve starts");
    let base = format!("http://127.0.0.1:{port}/");
    let member = support::organiser(&emulator);
    let answered = runtime.block_on(async {
        let http = reqwest::Client::new();
        assert!(until_up(&base).await, "davet serve comes up");
        let token = session(&emulator, &base, member).await;
        // A directory slow enough that the search is under way when the signal comes.
        let controls = emulator.graph_controls();
        controls.set_latency(Latency {
            fixed: Duration::from_secs(2),
            jitter: Duration::ZERO,
        });
        let search = tokio::spawn(
            http.get(format!("{base}api/people?q=ay"))
                .bearer_auth(&token)
                .send(),
        );
        while controls.answering() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let answer = search
            .await
            .expect("joined")
            .expect("the search is answered");
        answer.status()
    });
    assert_eq!(
        answered,
        reqwest::StatusCode::OK,
        "the request it held was finished"
    );
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "davet serve exits after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "a clean exit: {status}");
}

/// `DAVET_LOG_FORMAT=json`: one JSON object a line, for a log collector.
#[test]
fn serve_logs_json_lines_when_asked() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut child = serve(
        &dir,
        "127.0.0.1:0",
        "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "00000000-0000-0000-0000-000000000001",
        "s",
    )
    .env("DAVET_LOG_FORMAT", "json")
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .expect("davet serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let first = BufReader::new(stderr)
        .lines()
        .next()
        .expect("a log line")
        .expect("text");
    let _ = child.kill();
    let _ = child.wait();
    let line: serde_json::Value = serde_json::from_str(&first).expect("a JSON line");
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(line["fields"]["message"], "davet listening", "{line}");
    assert!(line["timestamp"].is_string(), "{line}");
}

#[test]
fn webex_connect_keeps_an_admins_token_sealed_for_organisation_mode_and_refuses_a_persons() {
    use std::io::Write;

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let emulator = runtime
        .block_on(davet_emulator::RunningEmulator::start(
            davet_emulator::TenantSpec::seeded(5, 20),
        ))
        .expect("the emulators start");
    let dir = tempfile::tempdir().expect("tmp");
    let connect = |token: &str, mode: &str| {
        // `serve`'s settings, `webex-connect`'s command: the same configuration.
        let mut command = Command::new(DAVET);
        command.arg("webex-connect").env_clear();
        for (key, value) in serve_env(&emulator, &sqlite_in(&dir), dir.path()) {
            command.env(key, value);
        }
        command.env("DAVET_WEBEX_MODE", mode);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("davet webex-connect runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{token}\n").as_bytes())
            .expect("the token goes in");
        // The emulators answer on this test's runtime while the command runs.
        runtime.block_on(async {
            tokio::task::spawn_blocking(move || child.wait_with_output())
                .await
                .expect("joined")
                .expect("output")
        })
    };
    let admin = emulator
        .webex
        .service_app_refresh_token()
        .expect("an admin");
    let output = connect(&admin, "organisation");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let admin_name = &emulator.webex.admin().expect("an admin").display_name;
    assert!(
        stdout.contains(&format!(
            "Webex connected for the organisation as {admin_name}"
        )),
        "{stdout}"
    );
    let db = std::fs::read(dir.path().join("vault.sqlite3")).unwrap_or_default();
    assert!(
        !db.windows(admin.len()).any(|w| w == admin.as_bytes()),
        "sealed, not in plaintext"
    );

    // In person mode there is no organisation to connect.
    let output = connect(&admin, "person");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not `organisation`"));
}

#[test]
fn manifest_prints_the_xml_and_the_unified_manifest_and_writes_the_package() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = |args: &[&str]| {
        let output = Command::new(DAVET)
            .arg("manifest")
            .args(args)
            .env_clear()
            .env("DAVET_PUBLIC_URL", "https://davet.contoso.example/")
            .env("DAVET_TENANT_ID", "aaaaaaaa-0000-4000-8000-000000000001")
            .env("DAVET_CLIENT_ID", "aaaaaaaa-0000-4000-8000-0000000000c1")
            .env("DAVET_CLIENT_SECRET", "s")
            .env("DAVET_VAULT_KEY", "00".repeat(32))
            .env(
                "DAVET_DATABASE_URL",
                format!("sqlite:{}", dir.path().join("vault.sqlite3").display()),
            )
            .output()
            .expect("davet runs");
        assert!(
            output.status.success() || args.is_empty() || args.contains(&"zip"),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    };
    let xml = String::from_utf8(run(&[]).stdout).expect("UTF-8");
    assert!(xml.contains("<Version>0.1.0.1</Version>"), "{xml}");
    assert!(xml.contains("https://davet.contoso.example/pane/taskpane.html"));
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["--format", "json"]).stdout).expect("JSON");
    assert_eq!(json["version"], "0.1.1");
    assert_eq!(
        json["webApplicationInfo"]["id"],
        "aaaaaaaa-0000-4000-8000-0000000000c1"
    );
    let refused = run(&["--format", "zip"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--out"));
    let package = dir.path().join("davet.zip");
    let written = run(&["--format", "zip", "--out", package.to_str().expect("path")]);
    assert!(written.status.success());
    let zip =
        zip::ZipArchive::new(std::fs::File::open(&package).expect("the package")).expect("a zip");
    let mut names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("a name").to_string())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["color.png", "manifest.json", "outline.png", "tr-tr.json"]
    );
}

/// An admin hands Microsoft the id of a failed call: every JSON line about a Graph call names
/// the `client-request-id` Davet sent and the `request-id` Graph answered, inside the span of
/// the request that made it, whose id the answer's `X-Request-Id` gives.
#[test]
fn json_logs_name_each_call_by_the_ids_graph_saw_within_the_request_that_made_it() {
    use davet_emulator::controls::{Fault, FaultRule};
    use davet_emulator::{RunningEmulator, TenantSpec};

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let emulator = runtime
        .block_on(RunningEmulator::start(TenantSpec::DEMO))
        .expect("emulators");
    let dir = tempfile::tempdir().expect("tmp");
    let port = free_port();
    let log = dir.path().join("davet.log");
    let mut child = serve_emulated(&emulator, &dir, port)
        .env("DAVET_LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("a log file"))
        .spawn()
        .expect("davet serve starts");
    let base = format!("http://127.0.0.1:{port}/");
    let member = support::organiser(&emulator);
    let request_id = runtime.block_on(async {
        let http = reqwest::Client::new();
        assert!(until_up(&base).await, "davet serve comes up");
        let token = session(&emulator, &base, member).await;
        // Graph is briefly unavailable for the search: one failed call, then the retry.
        emulator.graph_controls().inject(FaultRule {
            path: "/users".into(),
            fault: Fault::Unavailable {
                retry_after_secs: 1,
            },
            times: 1,
        });
        let answer = http
            .get(format!("{base}api/people?q=ay"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.status(), reqwest::StatusCode::OK);
        answer.headers()["x-request-id"]
            .to_str()
            .expect("ascii")
            .to_owned()
    });
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).expect("the log");
    let failed: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["fields"]["message"] == "a call failed")
        .collect();
    let line = failed
        .iter()
        .find(|l| l["span"]["request_id"] == request_id.as_str())
        .unwrap_or_else(|| panic!("no failed call logged within request {request_id}:\n{text}"));
    assert_eq!(line["fields"]["service"], "graph", "{line}");
    assert_eq!(line["fields"]["status"], 503, "{line}");
    let ours = line["fields"]["client_request_id"].as_str().expect("ours");
    let graphs = line["fields"]["request_id"].as_str().expect("Graph's");
    for id in [ours, graphs, request_id.as_str()] {
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id} is not a GUID");
    }
    assert_ne!(ours, graphs);
    assert_ne!(ours, request_id.as_str(), "each call has its own id");
}

/// `davet demo --tls` (what `cargo xtask demo --tls` runs): HTTPS at https://localhost with a
/// local authority's certificate, a manifest for that address, and the steps to trust the
/// authority and sideload the add-in.
#[test]
fn demo_over_tls_serves_https_at_localhost_and_says_how_to_sideload_it() {
    let pane = tempfile::tempdir().expect("tmp");
    std::fs::write(
        pane.path().join("taskpane.html"),
        format!(
            "<script src=\"{}\"></script>",
            davet::pane::OFFICE_JS_PLACEHOLDER
        ),
    )
    .expect("write");
    let tls = tempfile::tempdir().expect("tmp");
    let mut child = Command::new(DAVET)
        .args(["demo", "--port", "0", "--users", "40", "--tls", "--tls-dir"])
        .arg(tls.path())
        .env("DAVET_PANE_DIR", pane.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("davet demo starts");
    let stdout = child.stdout.take().expect("stdout");
    let app = BufReader::new(stdout)
        .lines()
        .take(4)
        .map(|l| l.expect("line"))
        .find_map(|l| l.strip_prefix("app: ").map(str::to_owned))
        .expect("an app line");
    assert!(app.starts_with("https://localhost:"), "{app}");
    let authority = std::fs::read(tls.path().join("davet-demo-ca.pem")).expect("the authority");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (manifest, hsts, page) = runtime.block_on(async {
        let http = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&authority).expect("PEM"))
            .build()
            .expect("a client");
        let manifest = http
            .get(format!("{app}manifest.xml"))
            .send()
            .await
            .expect("HTTPS with the local authority's certificate");
        let hsts = manifest.headers().contains_key("strict-transport-security");
        let page = http
            .get(format!("{app}pane/taskpane.html"))
            .send()
            .await
            .expect("the pane")
            .text()
            .await
            .expect("html");
        (manifest.text().await.expect("xml"), hsts, page)
    });
    child.kill().expect("stop the demo");
    let _ = child.wait();
    let mut steps = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut steps)
        .expect("stderr");
    assert!(
        manifest.contains(&format!("{app}pane/taskpane.html")),
        "{manifest}"
    );
    assert!(hsts, "HSTS over HTTPS");
    assert!(
        page.contains(davet::config::OFFICE_JS_CDN),
        "inside a real Outlook the pane loads the real Office.js: {page}"
    );
    for step in ["certutil", "Add a custom add-in", "manifest.xml"] {
        assert!(
            steps.contains(step),
            "no `{step}` in the printed steps:\n{steps}"
        );
    }
}

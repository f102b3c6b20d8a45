//! Soak benchmark: the demo under steady load, watching memory. Prints figures; a person reads
//! them against the targets (flat within 10 % after warm-up; the server idle under 40 MB).
//!
//! `cargo bench -p davet --bench soak` (`DAVET_SOAK_SECONDS` sets how long each run loads,
//! 600 by default; `DAVET_SOAK_CLIENTS` how many signed-in clients, 24 by default).
//!
//! Each client signs in as a person of the demo tenant and, until the time is up, searches
//! people, opens a people card, and expands a team, one after another, with a short pause.
//! Resident memory (VmRSS) is printed every 30 s, when the load stops, and after 30 s idle.
//!
//! Two runs:
//! 1. the demo as `davet demo` runs it: emulators and server in one process (this one);
//! 2. the server alone, as `davet serve` in a process of its own, against the emulators here:
//!    the server's own figure.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use davet::demo::emulated_settings;
use davet::startup::Application;
use davet_api::{ExpandRequest, Selection};
use davet_emulator::{RunningEmulator, TenantSpec};
use url::Url;

type Failure = Box<dyn std::error::Error + Send + Sync>;

const SAMPLE_EVERY: Duration = Duration::from_secs(30);
const TEAM: &str = "Finans Ekibi";

fn main() -> Result<(), Failure> {
    // `cargo test --all-targets` runs a bench's main too, without `--bench`: minutes of load
    // are for `cargo bench` only.
    if !std::env::args().any(|a| a == "--bench") {
        println!("soak: a benchmark; run it with `cargo bench -p davet --bench soak`");
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run() -> Result<(), Failure> {
    let seconds = setting("DAVET_SOAK_SECONDS", 600);
    let clients = setting("DAVET_SOAK_CLIENTS", 24) as usize;
    println!("soak: {clients} clients, {seconds} s of load per run, RSS every 30 s");

    println!();
    println!("1. the demo in one process (emulators and server)");
    let emulator = RunningEmulator::start(TenantSpec::DEMO).await?;
    let dir = tempfile::tempdir()?;
    let base = in_process_server(&emulator, &dir).await?;
    soak(&emulator, &base, clients, seconds, std::process::id()).await?;
    drop(emulator);

    println!();
    println!("2. the server alone (`davet serve` in its own process), the emulators here");
    let emulator = RunningEmulator::start(TenantSpec::DEMO).await?;
    let dir = tempfile::tempdir()?;
    let (base, mut server) = server_process(&emulator, &dir)?;
    wait_until_up(&base).await?;
    let outcome = soak(&emulator, &base, clients, seconds, server.id()).await;
    let _ = server.kill();
    let _ = server.wait();
    outcome
}

/// The pane is not what this measures: a stand-in page.
fn fake_pane(dir: &tempfile::TempDir) -> Result<std::path::PathBuf, Failure> {
    let pane = dir.path().join("pane");
    std::fs::create_dir_all(&pane)?;
    std::fs::write(pane.join("taskpane.html"), "<p>pane</p>")?;
    Ok(pane)
}

async fn in_process_server(
    emulator: &RunningEmulator,
    dir: &tempfile::TempDir,
) -> Result<Url, Failure> {
    let settings = emulated_settings(
        emulator,
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        Url::parse("https://davet.soak.example/")?,
        fake_pane(dir)?,
        &format!("sqlite:{}", dir.path().join("vault.sqlite3").display()),
    );
    let app = Application::build(&settings).await?;
    let base = Url::parse(&format!("http://{}/", app.local_addr()?))?;
    tokio::spawn(app.run());
    Ok(base)
}

/// `davet serve` configured as an admin would, by `DAVET_…` variables, against the emulators.
fn server_process(
    emulator: &RunningEmulator,
    dir: &tempfile::TempDir,
) -> Result<(Url, Child), Failure> {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let app = emulator.app();
    let child = Command::new(env!("CARGO_BIN_EXE_davet"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DAVET_BIND", format!("127.0.0.1:{port}"))
        .env("DAVET_PUBLIC_URL", "https://davet.soak.example/")
        .env("DAVET_TENANT_ID", &emulator.world.tenant.id)
        .env("DAVET_CLIENT_ID", &app.client_id)
        .env("DAVET_CLIENT_SECRET", &app.client_secret)
        .env("DAVET_VAULT_KEY", davet::vault::VaultKey::generate())
        .env("DAVET_GRAPH_URL", emulator.graph_url.as_str())
        .env("DAVET_LOGIN_URL", emulator.login_url.as_str())
        .env(
            "DAVET_DATABASE_URL",
            format!("sqlite:{}", dir.path().join("vault.sqlite3").display()),
        )
        .env("DAVET_PANE_DIR", fake_pane(dir)?)
        .env("DAVET_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?;
    Ok((Url::parse(&format!("http://127.0.0.1:{port}/"))?, child))
}

async fn wait_until_up(base: &Url) -> Result<(), Failure> {
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(answer) = http.get(base.join("healthz")?).send().await
            && answer.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("the server did not come up".into())
}

/// Resident memory of a process, in MB.
fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn soak(
    emulator: &RunningEmulator,
    base: &Url,
    clients: usize,
    seconds: u64,
    pid: u32,
) -> Result<(), Failure> {
    let tenant = &emulator.world.tenant;
    let http = reqwest::Client::builder()
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(60))
        .build()?;
    let members: Vec<usize> = (0..tenant.users.len())
        .filter(|&i| tenant.users[i].account_enabled && tenant.users[i].user_type == "Member")
        .take(clients)
        .collect();
    let team = tenant
        .groups
        .iter()
        .find(|g| g.display_name == TEAM)
        .ok_or("the demo tenant has its teams")?;
    let pick = Selection::Group {
        id: team.id.clone(),
        display_name: team.display_name.clone(),
        mail: team.mail.clone(),
    };
    let mut sessions = Vec::new();
    for &member in &members {
        let session: davet_api::Session = http
            .post(base.join("api/session")?)
            .bearer_auth(emulator.api_token(member))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        sessions.push(session.session_token);
    }
    println!(
        "  signed in {}; RSS {:.1} MB before the load",
        sessions.len(),
        rss_mb(pid)
    );
    let card_ids: Arc<Vec<String>> = Arc::new(
        members
            .iter()
            .map(|&m| tenant.users[m].id.clone())
            .collect(),
    );
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(seconds);
    let queries = ["ay", "me", "ze", "el", "ka", "de", "şa", "öz"];
    let mut tasks = tokio::task::JoinSet::new();
    for (n, session) in sessions.into_iter().enumerate() {
        let (http, base, pick) = (http.clone(), base.clone(), pick.clone());
        let (done, failed, card_ids) = (done.clone(), failed.clone(), card_ids.clone());
        tasks.spawn(async move {
            let mut round = n;
            while Instant::now() < until {
                round += 1;
                let q = queries[round % queries.len()];
                let card = &card_ids[round % card_ids.len()];
                let calls = [
                    http.get(base.join(&format!("api/people?q={q}")).expect("url")),
                    http.get(base.join(&format!("api/people/{card}")).expect("url")),
                    http.post(base.join("api/expand").expect("url"))
                        .json(&ExpandRequest {
                            selection: vec![pick.clone()],
                        }),
                ];
                for call in calls {
                    let ok = match call.bearer_auth(&session).send().await {
                        Ok(answer) if answer.status().is_success() => answer.bytes().await.is_ok(),
                        _ => false,
                    };
                    let counter = if ok { &done } else { &failed };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
    }
    let started = Instant::now();
    let mut samples = Vec::new();
    while Instant::now() < until {
        let left = until.saturating_duration_since(Instant::now());
        tokio::time::sleep(SAMPLE_EVERY.min(left)).await;
        let rss = rss_mb(pid);
        samples.push(rss);
        println!(
            "  {:>4.0} s  RSS {rss:>6.1} MB  requests {:>7}  failed {}",
            started.elapsed().as_secs_f64(),
            done.load(Ordering::Relaxed),
            failed.load(Ordering::Relaxed)
        );
    }
    while tasks.join_next().await.is_some() {}
    println!("  load stopped: RSS {:.1} MB", rss_mb(pid));
    tokio::time::sleep(SAMPLE_EVERY).await;
    let idle = rss_mb(pid);
    println!("  30 s idle:    RSS {idle:.1} MB");
    // After warm-up (the first third of the samples), how far memory moved.
    let warm = &samples[samples.len() / 3..];
    if let (Some(low), Some(high)) = (
        warm.iter().copied().reduce(f64::min),
        warm.iter().copied().reduce(f64::max),
    ) {
        println!(
            "  after warm-up: {low:.1} … {high:.1} MB, a spread of {:.1} % (target ≤ 10 %)",
            (high - low) / low * 100.0
        );
    }
    println!(
        "  {} requests answered, {} failed, {:.0} a second",
        done.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        done.load(Ordering::Relaxed) as f64 / seconds.max(1) as f64
    );
    Ok(())
}

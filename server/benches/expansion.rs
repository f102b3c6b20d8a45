//! Benchmark: group expansion and type-ahead, against the emulator over real HTTP. Prints
//! figures; the targets are read against them by people. It fails on a wrong answer: Davet's
//! people must be the tenant's truth, and the peer's count must agree.
//!
//! `cargo xtask bench` installs what it needs (wrk, the Python Graph SDK) and runs this.
//!
//! 1. Expansion: 10 groups of a 20,000-person tenant (all staff, nested distribution lists,
//!    security groups nested four deep, overlapping teams), Graph latency 25 ms a request.
//!    Wall time, Graph requests, the physical bound (the most pages one group needs × 25 ms)
//!    and the ratio; then the same expansion by Microsoft's Python SDK, group by group.
//! 2. Type-ahead: wrk at about 500 requests a second against `/api/people?q=`, Graph latency 0;
//!    p50 and p99 of Davet, of the emulator alone, and what Davet adds.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;
use std::time::{Duration, Instant};

use davet::demo::emulated_settings;
use davet::startup::Application;
use davet_api::{ExpandEvent, ExpandRequest, Selection};
use davet_emulator::controls::Latency;
use davet_emulator::{RunningEmulator, TenantSpec};
use url::Url;

const LATENCY: Duration = Duration::from_millis(25);
const PAGE: usize = 999;
const RUNS: usize = 5;
const GROUPS: [&str; 10] = [
    "Tüm Çalışanlar",
    "Erişim Seviye 1",
    "Güvenlik Duyuruları",
    "İş Ortakları",
    "Finans Ekibi",
    "Satış Ekibi",
    "Bilgi Teknolojileri Ekibi",
    "İnsan Kaynakları Listesi",
    "Pazarlama Listesi",
    "Hukuk Listesi",
];

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    // `cargo test --all-targets` runs a bench's main too, without `--bench`: minutes of load
    // are for `cargo bench` only.
    if !std::env::args().any(|a| a == "--bench") {
        println!("expansion: a benchmark; run it with `cargo bench -p davet --bench expansion`");
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

/// The emulators and the server on a tenant of `users` people, and a signed-in organiser.
struct Stand {
    emulator: RunningEmulator,
    base: Url,
    http: reqwest::Client,
    organiser: usize,
    session: String,
    _dir: tempfile::TempDir,
}

impl Stand {
    async fn start(users: usize) -> Result<Self, Failure> {
        let emulator =
            RunningEmulator::start(TenantSpec::seeded(TenantSpec::DEMO.seed, users)).await?;
        let dir = tempfile::tempdir()?;
        let mut settings = emulated_settings(
            &emulator,
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            Url::parse("https://davet.bench.example/")?,
            dir.path().to_owned(),
            &format!("sqlite:{}", dir.path().join("vault.sqlite3").display()),
        );
        settings.recipient_limit = 100_000;
        std::fs::write(dir.path().join("taskpane.html"), "<p>pane</p>")?;
        let app = Application::build(&settings).await?;
        let base = Url::parse(&format!("http://{}/", app.local_addr()?))?;
        tokio::spawn(app.run());
        let http = reqwest::Client::builder().tcp_nodelay(true).build()?;
        let tenant = &emulator.world.tenant;
        let organiser = (0..tenant.users.len())
            .find(|&i| tenant.users[i].account_enabled && tenant.users[i].user_type == "Member")
            .ok_or("no member")?;
        let session: davet_api::Session = http
            .post(base.join("api/session")?)
            .bearer_auth(emulator.api_token(organiser))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(Self {
            emulator,
            base,
            http,
            organiser,
            session: session.session_token,
            _dir: dir,
        })
    }

    /// A delegated Graph token for the organiser, as the SDK peer and wrk use directly.
    fn graph_token(&self, scopes: &[&str]) -> String {
        self.emulator
            .graph_token_in(&self.emulator.world, self.organiser, scopes)
    }
}

async fn run() -> Result<(), Failure> {
    expansion().await?;
    type_ahead().await
}

async fn expansion() -> Result<(), Failure> {
    let stand = Stand::start(20_000).await?;
    let (emulator, base, http) = (&stand.emulator, &stand.base, &stand.http);
    let world = emulator.world.clone();
    let tenant = &world.tenant;

    // The picks, their sizes, and the bound.
    let mut selection = Vec::new();
    let mut ids = Vec::new();
    let mut max_pages = 0;
    let mut min_pages = 0;
    let mut distinct = std::collections::HashSet::new();
    // The truth: the addresses the picks invite (enabled people and contacts with an
    // address), the organiser left out.
    let mut truth = std::collections::BTreeSet::new();
    let mut organiser_picked = false;
    println!("groups (transitive members, pages of {PAGE}):");
    for name in GROUPS {
        let index = tenant
            .groups
            .iter()
            .position(|g| g.display_name == name)
            .ok_or_else(|| format!("no group {name}"))?;
        let group = &tenant.groups[index];
        let members = tenant.transitive_members(index);
        for member in &members {
            match *member {
                davet_emulator::Member::User(u) => {
                    distinct.insert(u);
                    let user = &tenant.users[u];
                    if u == stand.organiser {
                        organiser_picked = true;
                    } else if user.account_enabled
                        && let Some(mail) = &user.mail
                    {
                        truth.insert(mail.to_lowercase());
                    }
                }
                davet_emulator::Member::Contact(c) => {
                    if let Some(mail) = &tenant.contacts[c].mail {
                        truth.insert(mail.to_lowercase());
                    }
                }
                _ => {}
            }
        }
        let pages = members.len().div_ceil(PAGE).max(1);
        max_pages = max_pages.max(pages);
        min_pages += pages;
        println!("  {name:<28} {:>6} {pages:>3}", members.len());
        ids.push(group.id.clone());
        selection.push(Selection::Group {
            id: group.id.clone(),
            display_name: group.display_name.clone(),
            mail: group.mail.clone(),
        });
    }
    println!("distinct people in the picks: {}", distinct.len());

    let controls = emulator.graph_controls();
    let (pages, alone) = chain(&stand, &ids[0]).await?;
    println!(
        "the largest group's {pages} pages one after the other, latency 0: {:.1} ms a page",
        ms(alone) / pages as f64
    );
    controls.set_latency(Latency {
        fixed: LATENCY,
        jitter: Duration::ZERO,
    });
    let (pages, chained) = chain(&stand, &ids[0]).await?;
    println!(
        "the same, latency {} ms: {:.1} ms a page",
        LATENCY.as_millis(),
        ms(chained) / pages as f64
    );
    let request = ExpandRequest { selection };
    let mut walls = Vec::new();
    let mut inner = 0;
    let mut outer = 0;
    let mut people = 0;
    for run in 0..=RUNS {
        controls.clear_log();
        let started = Instant::now();
        let text = http
            .post(base.join("api/expand")?)
            .bearer_auth(&stand.session)
            .json(&request)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        let wall = started.elapsed();
        let last = text.lines().last().ok_or("an empty answer")?;
        match serde_json::from_str::<ExpandEvent>(last)? {
            ExpandEvent::Done { expansion } => {
                people = expansion.people.len();
                let invited: std::collections::BTreeSet<String> = expansion
                    .people
                    .iter()
                    .map(|p| p.email.to_lowercase())
                    .collect();
                if invited.len() != people {
                    return Err(format!("run {run}: someone is invited twice").into());
                }
                if invited != truth {
                    let missing = truth.difference(&invited).count();
                    let extra = invited.difference(&truth).count();
                    return Err(format!(
                        "run {run}: a wrong answer: {missing} people missing, {extra} who are not in the picks"
                    )
                    .into());
                }
            }
            other => return Err(format!("the expansion failed: {other:?}").into()),
        }
        if run > 0 {
            // The first run warms connections and the token cache.
            walls.push(wall);
            inner = controls.count("transitiveMembers");
            outer = controls.count("$batch");
        }
    }
    walls.sort();
    let median = walls[walls.len() / 2];
    let bound = LATENCY * max_pages as u32;
    println!();
    println!(
        "expansion, Graph latency {} ms, median of {RUNS}:",
        LATENCY.as_millis()
    );
    println!("  wall time            {:>8.1} ms", ms(median));
    println!("  people invited       {people:>8}   (the tenant's truth, every run)");
    println!(
        "  Graph pages read     {inner:>8}   (minimum: {min_pages}) in {outer} $batch requests"
    );
    println!(
        "  lower bound          {:>8.1} ms   ({max_pages} pages × {} ms)",
        ms(bound),
        LATENCY.as_millis()
    );
    println!(
        "  ratio to the bound   {:>8.2}     (target ≤ 1.25)",
        ms(median) / ms(bound)
    );
    // The bound counts latency only; a real round trip also carries the transfer and the
    // client's parse of a page of 999. Measured: the largest group's pages fetched one after
    // the other, alone, without $batch, each read into JSON.
    let measured = chained / pages as u32 * max_pages as u32;
    println!(
        "  measured bound       {:>8.1} ms   ({max_pages} × {:.1} ms: each round trip as a plain client sees it)",
        ms(measured),
        ms(chained) / pages as f64
    );
    println!("  ratio to it          {:>8.2}", ms(median) / ms(measured));

    // The peer: Microsoft's Python SDK, as its documentation shows.
    match python() {
        Some(python) => {
            println!("  (the Python SDK takes minutes to parse 50,000 members)");
            let token = stand.graph_token(&["Group.Read.All", "User.Read.All"]);
            let script = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../tests/graph_sdk/expand_with_msgraph_sdk.py"
            );
            controls.clear_log();
            let output = tokio::task::spawn_blocking({
                let graph = emulator.graph_url.to_string();
                let ids = ids.join(",");
                move || {
                    Command::new(python)
                        .arg(script)
                        .env("GRAPH_URL", graph)
                        .env("TOKEN", token)
                        .env("GROUP_IDS", ids)
                        .output()
                }
            })
            .await??;
            if !output.status.success() {
                return Err(String::from_utf8_lossy(&output.stderr).into_owned().into());
            }
            let peer: serde_json::Value = serde_json::from_slice(&output.stdout)?;
            let peer_ms = peer["ms"].as_f64().unwrap_or_default();
            // The peer keeps the organiser; Davet leaves them out.
            let agreed = truth.len() + usize::from(organiser_picked);
            if peer["people"].as_u64() != Some(agreed as u64) {
                return Err(format!(
                    "the peer found {} people where the tenant holds {agreed}",
                    peer["people"]
                )
                .into());
            }
            println!(
                "  msgraph-sdk (Python) {peer_ms:>8.1} ms   ({} people, {} requests, group by group)",
                peer["people"],
                controls.count("transitiveMembers")
            );
            println!(
                "  Davet is             {:>8.1} × faster (target ≥ 5)",
                peer_ms / ms(median)
            );
        }
        None => println!(
            "  msgraph-sdk peer skipped: set DAVET_GRAPH_SDK_PYTHON (cargo xtask bench does)"
        ),
    }

    Ok(())
}

/// wrk against the type-ahead, on the demo tenant, Graph latency 0.
async fn type_ahead() -> Result<(), Failure> {
    println!();
    if Command::new("wrk").arg("--version").output().is_err() {
        println!(
            "type-ahead skipped: wrk is not installed (apt-get install wrk; cargo xtask bench does)"
        );
        return Ok(());
    }
    let stand = Stand::start(TenantSpec::DEMO.users).await?;
    let davet = wrk(
        &stand.base.join("api/people?q=ay")?,
        &[("Authorization", format!("Bearer {}", stand.session))],
    )?;
    let mut upstream_url = stand.emulator.graph_url.clone();
    upstream_url.set_path(&format!("{}/users", upstream_url.path()));
    upstream_url
        .query_pairs_mut()
        .append_pair(
            "$search",
            "\"displayName:ay\" OR \"mail:ay\" OR \"userPrincipalName:ay\"",
        )
        .append_pair(
            "$select",
            "id,displayName,mail,jobTitle,department,userType,accountEnabled",
        )
        .append_pair("$top", "25");
    let upstream = wrk(
        &upstream_url,
        &[
            (
                "Authorization",
                format!("Bearer {}", stand.graph_token(&["User.Read.All"])),
            ),
            ("ConsistencyLevel", "eventual".into()),
        ],
    )?;
    println!("type-ahead on the demo tenant, wrk at ~500 requests/s for 10 s, Graph latency 0:");
    println!("                       p50        p99      requests/s");
    println!(
        "  Davet /api/people   {:>6.2} ms  {:>6.2} ms  {:>8.0}",
        davet.p50, davet.p99, davet.rate
    );
    println!(
        "  emulator alone      {:>6.2} ms  {:>6.2} ms  {:>8.0}",
        upstream.p50, upstream.p99, upstream.rate
    );
    println!(
        "  Davet adds          {:>6.2} ms  {:>6.2} ms  (target p99 ≤ 3 ms)",
        davet.p50 - upstream.p50,
        davet.p99 - upstream.p99
    );
    Ok(())
}

/// The largest group's pages one after the other, without `$batch`: what a page costs.
async fn chain(stand: &Stand, group: &str) -> Result<(usize, Duration), Failure> {
    let token = stand.graph_token(&["Group.Read.All"]);
    let mut next = Some(format!(
        "{}/groups/{group}/transitiveMembers?$select=id,displayName,mail,userType,accountEnabled&$top=999&$count=true",
        stand.emulator.graph_url
    ));
    let started = Instant::now();
    let mut pages = 0;
    while let Some(url) = next {
        let page: serde_json::Value = stand
            .http
            .get(&url)
            .bearer_auth(&token)
            .header("ConsistencyLevel", "eventual")
            .send()
            .await?
            .json()
            .await?;
        pages += 1;
        next = page["@odata.nextLink"].as_str().map(str::to_owned);
    }
    Ok((pages, started.elapsed()))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn python() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("DAVET_GRAPH_SDK_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../target/graph-sdk-venv/bin/python"
            )
            .into()
        });
    path.is_file().then_some(path)
}

struct Load {
    p50: f64,
    p99: f64,
    rate: f64,
}

/// wrk with 5 connections, each pausing so that together they send about 500 requests a second.
fn wrk(url: &Url, headers: &[(&str, String)]) -> Result<Load, Failure> {
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("pace.lua");
    let mut lua = String::new();
    for (name, value) in headers {
        lua.push_str(&format!("wrk.headers[\"{name}\"] = \"{value}\"\n"));
    }
    lua.push_str("function delay() return 9 end\n");
    std::fs::write(&script, lua)?;
    let output = Command::new("wrk")
        .args(["-t1", "-c5", "-d10s", "--latency", "-s"])
        .arg(&script)
        .arg(url.as_str())
        .output()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let percentile = |label: &str| -> Option<f64> {
        let line = text.lines().find(|l| l.trim_start().starts_with(label))?;
        parse_duration(line.split_whitespace().nth(1)?)
    };
    let rate = text
        .lines()
        .find(|l| l.starts_with("Requests/sec:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or_default();
    Ok(Load {
        p50: percentile("50%").ok_or_else(|| format!("no p50 in wrk's output: {text}"))?,
        p99: percentile("99%").ok_or_else(|| format!("no p99 in wrk's output: {text}"))?,
        rate,
    })
}

/// wrk's durations: `812.00us`, `1.20ms`, `2.01s`, in milliseconds.
fn parse_duration(text: &str) -> Option<f64> {
    let (number, unit) = text.split_at(text.find(|c: char| c.is_ascii_alphabetic())?);
    let value: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => value / 1000.0,
        "ms" => value,
        "s" => value * 1000.0,
        "m" => value * 60_000.0,
        _ => return None,
    })
}

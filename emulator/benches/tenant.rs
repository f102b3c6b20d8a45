//! Benchmark (prints figures; asserts nothing about time): generating a 100,000-user tenant, and
//! one `$search` page against it over HTTP.
//!
//! Run: `cargo bench -p davet-emulator --bench tenant`

use std::time::{Duration, Instant};

use davet_emulator::{RunningEmulator, Tenant, TenantSpec};

const USERS: usize = 100_000;
const SEARCHES: usize = 20;

#[tokio::main]
async fn main() {
    let spec = TenantSpec::seeded(1, USERS);
    let started = Instant::now();
    let tenant = Tenant::generate(&spec);
    let generated = started.elapsed();
    println!(
        "generate: {} users, {} groups in {:.0} ms",
        tenant.users.len(),
        tenant.groups.len(),
        generated.as_secs_f64() * 1e3
    );
    drop(tenant);

    let emulator = RunningEmulator::start(spec)
        .await
        .expect("the emulator starts");
    let http = reqwest::Client::builder()
        .tcp_nodelay(true)
        .build()
        .expect("client");
    let token = emulator
        .world
        .app_token(davet_emulator::identity::GRANTED_APP_ROLES);
    let url = format!(
        "{}/users?$search=%22displayName:ay%22%20OR%20%22mail:ay%22&$select=id,displayName,mail&$top=25",
        emulator.graph_url
    );
    let mut times: Vec<Duration> = Vec::with_capacity(SEARCHES);
    let mut found = 0;
    for _ in 0..SEARCHES {
        let started = Instant::now();
        let body: serde_json::Value = http
            .get(&url)
            .bearer_auth(&token)
            .header("ConsistencyLevel", "eventual")
            .send()
            .await
            .expect("answer")
            .json()
            .await
            .expect("json");
        times.push(started.elapsed());
        found = body["value"].as_array().map_or(0, Vec::len);
    }
    times.sort();
    println!(
        "$search page ({found} of a 100,000-user directory): p50 {:.1} ms, max {:.1} ms over {SEARCHES} requests",
        times[SEARCHES / 2].as_secs_f64() * 1e3,
        times[SEARCHES - 1].as_secs_f64() * 1e3
    );
}

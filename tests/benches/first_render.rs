//! Benchmark (prints figures): the pane's time to first render on localhost in headless
//! Chromium — from the start of the page's navigation until the pane has drawn its first view
//! (its heading in `main.pane`) — over many loads, each in a fresh browser profile (nothing
//! cached, nothing kept). Also first contentful paint, as Chromium reports it.
//!
//! `cargo bench -p davet-e2e --bench first_render` (build the pane first: `cargo xtask pane`).
//! `DAVET_FIRST_RENDER_LOADS` sets how many loads (25).

#[path = "../tests/browser/support.rs"]
#[allow(dead_code)]
mod support;

use std::time::Duration;

use support::{Browser, spawn_demo};

/// Runs in every frame before its scripts: notes when the pane's first view is in the page.
const WATCH: &str = "if (location.pathname.endsWith('/taskpane.html')) { \
    new MutationObserver((_, seen) => { \
      if (document.querySelector('main.pane h1')) { window.__davetFirstRender = performance.now(); seen.disconnect(); } \
    }).observe(document, { subtree: true, childList: true }); }";

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn line(name: &str, mut values: Vec<f64>) {
    values.sort_by(f64::total_cmp);
    println!(
        "{name:<22} median {:>6.1} ms   p10 {:>6.1}   p90 {:>6.1}   min {:>6.1}   max {:>6.1}",
        quantile(&values, 0.5),
        quantile(&values, 0.1),
        quantile(&values, 0.9),
        values[0],
        values[values.len() - 1],
    );
}

#[tokio::main]
async fn main() {
    let loads: usize = std::env::var("DAVET_FIRST_RENDER_LOADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let demo = spawn_demo().await;
    let pane = demo
        .app_url
        .join("pane/taskpane.html")
        .expect("the pane's page");
    let mut render = Vec::new();
    let mut paint = Vec::new();
    for _ in 0..loads {
        let browser = Browser::start().await;
        browser.before_page_scripts(WATCH).await;
        browser
            .client
            .goto(pane.as_str())
            .await
            .expect("the pane loads");
        let mut figures = serde_json::Value::Null;
        let mut tries_after_render = 0;
        for _ in 0..240 {
            figures = browser
                .client
                .execute(
                    "const p = performance.getEntriesByName('first-contentful-paint')[0]; \
                     return [window.__davetFirstRender || null, p ? p.startTime : null];",
                    vec![],
                )
                .await
                .expect("the figures");
            // The render, and the paint once Chromium has reported it (or a second later).
            if figures[0].is_number() && (figures[1].is_number() || tries_after_render > 40) {
                break;
            }
            if figures[0].is_number() {
                tries_after_render += 1;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let first = figures[0]
            .as_f64()
            .expect("the pane rendered within five seconds");
        render.push(first);
        if let Some(fcp) = figures[1].as_f64() {
            paint.push(fcp);
        }
        browser.client.clone().close().await.expect("closes");
    }
    println!("the pane on localhost, headless Chromium, {loads} loads, each in a fresh profile:");
    line("first render", render);
    if !paint.is_empty() {
        line("first contentful paint", paint);
    }
}

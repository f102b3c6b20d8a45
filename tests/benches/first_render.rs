//! Benchmark (prints figures): the pane's time to first render on localhost in headless
//! Chromium — from the start of the page's navigation until the pane has drawn its first view
//! (its heading in `main.pane`) — over many loads, each in a fresh browser profile (nothing
//! cached, nothing kept). Also first contentful paint, as Chromium reports it.
//!
//! Then the same for what the budget compares the pane with: a task pane made as Microsoft's
//! React + Fluent template makes one (`tests/fluent_template/`: React 19, Fluent UI React v9,
//! bundled for production by esbuild; npm installs it on the first run), served on localhost
//! beside the demo with the same Office.js (the demo's shim), and prints the pane's medians as a
//! share of the template's (the budget: at most 0.6 ×).
//!
//! `cargo bench -p davet-e2e --bench first_render` (build the pane first: `cargo xtask pane`).
//! `DAVET_FIRST_RENDER_LOADS` sets how many loads (25).

#[path = "../tests/browser/support.rs"]
#[allow(dead_code)]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use url::Url;

use support::{Browser, spawn_demo};

/// Runs in every frame before its scripts: notes when the pane's first view (or the template's)
/// is in the page.
const WATCH: &str = "if (location.pathname.endsWith('/taskpane.html')) { \
    new MutationObserver((_, seen) => { \
      if (document.querySelector('main.pane h1, #container h1')) { window.__davetFirstRender = performance.now(); seen.disconnect(); } \
    }).observe(document, { subtree: true, childList: true }); }";

/// The template's page: Office.js (the demo's shim, as the pane has it), the bundle, the root.
fn template_page(office_js: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Contoso Task Pane Add-in</title><script src=\"{office_js}\"></script>\
         <script defer src=\"taskpane.js\"></script></head>\
         <body><div id=\"container\"></div></body></html>"
    )
}

/// Installs (once) and bundles the template equivalent; its bundle's bytes.
fn build_template(out: &Path) -> Vec<u8> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fluent_template");
    let run = |command: &mut Command, what: &str| {
        let status = command.status().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(status.success(), "{what} failed");
    };
    if !dir.join("node_modules/.bin/esbuild").exists() {
        println!("installing the React + Fluent template's packages (npm ci, once)");
        run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir),
            "npm ci",
        );
    }
    std::fs::create_dir_all(out).expect("the template's folder");
    let bundle = out.join("taskpane.js");
    run(
        Command::new(dir.join("node_modules/.bin/esbuild"))
            .arg(dir.join("index.jsx"))
            .args([
                "--bundle",
                "--minify",
                "--format=iife",
                "--jsx=automatic",
                "--log-level=warning",
                "--define:process.env.NODE_ENV=\"production\"",
            ])
            .arg(format!("--outfile={}", bundle.display())),
        "esbuild",
    );
    std::fs::read(&bundle).expect("the bundle")
}

/// Serves the template's page, bundle (gzip, as a production server would) and Office.js (the
/// demo's shim, its text: the demo's own headers keep its files to its own origin) on localhost.
async fn serve_template(out: &Path, office_js: String) -> Url {
    use axum::Router;
    use axum::http::header::CONTENT_TYPE;
    use axum::response::Html;
    use axum::routing::get;
    let page = template_page("office.js");
    let app = Router::new()
        .route("/taskpane.html", get(move || async move { Html(page) }))
        .route(
            "/office.js",
            get(move || async move { ([(CONTENT_TYPE, "text/javascript")], office_js) }),
        )
        .fallback_service(tower_http::services::ServeDir::new(out).precompressed_gzip());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("the address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    Url::parse(&format!("http://{address}/taskpane.html")).expect("the URL")
}

/// First render and first contentful paint of `page`, each load in a fresh profile.
async fn measure(page: &Url, loads: usize) -> (Vec<f64>, Vec<f64>) {
    let mut render = Vec::new();
    let mut paint = Vec::new();
    for _ in 0..loads {
        let browser = Browser::start().await;
        browser.before_page_scripts(WATCH).await;
        browser
            .client
            .goto(page.as_str())
            .await
            .expect("the page loads");
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
            .unwrap_or_else(|| panic!("{page} rendered within six seconds"));
        render.push(first);
        if let Some(fcp) = figures[1].as_f64() {
            paint.push(fcp);
        }
        browser.client.clone().close().await.expect("closes");
    }
    (render, paint)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile(&sorted, 0.5)
}

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
    let (render, paint) = measure(&pane, loads).await;
    println!("the pane on localhost, headless Chromium, {loads} loads, each in a fresh profile:");
    line("first render", render.clone());
    if !paint.is_empty() {
        line("first contentful paint", paint.clone());
    }

    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fluent-template");
    let bundle = build_template(&out);
    let gzipped = {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bundle).expect("compresses");
        gz.finish().expect("compresses")
    };
    std::fs::write(out.join("taskpane.js.gz"), &gzipped).expect("the gzipped bundle");
    let office_js = demo
        .app_url
        .join(davet::demo::OFFICE_SHIM_PATH)
        .expect("the shim's URL");
    let office_js = reqwest::get(office_js)
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("the demo's Office.js shim")
        .text()
        .await
        .expect("its text");
    let template = serve_template(&out, office_js).await;
    let (template_render, template_paint) = measure(&template, loads).await;
    println!(
        "the React + Fluent template equivalent (tests/fluent_template/, {:.1} KB of JS, {:.1} KB gzip), same conditions:",
        bundle.len() as f64 / 1000.0,
        gzipped.len() as f64 / 1000.0
    );
    line("first render", template_render.clone());
    if !template_paint.is_empty() {
        line("first contentful paint", template_paint.clone());
    }
    println!(
        "the pane as a share of the template (budget: at most 0.6 ×): first render {:.2} ×{}",
        median(&render) / median(&template_render),
        if paint.is_empty() || template_paint.is_empty() {
            String::new()
        } else {
            format!(
                ", first contentful paint {:.2} ×",
                median(&paint) / median(&template_paint)
            )
        }
    );
}

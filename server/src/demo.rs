//! The demo: the emulators and the real server in one process on 127.0.0.1, and the page that
//! plays Outlook's compose window around the real task pane.
//!
//! The server runs its production code path; only base URLs and keys point at the emulators.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use davet_emulator::{RunningEmulator, TenantSpec};
use tokio::net::TcpListener;
use url::Url;

use crate::config::{AppIdentity, Secret, Settings};
use crate::startup::{Application, StartupError};

/// The Office.js stand-in the demo's pane loads instead of Microsoft's CDN.
pub const OFFICE_SHIM_PATH: &str = "/demo/office-shim.js";

/// Where `cargo xtask pane` puts the built pane.
pub fn default_pane_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/pane"))
}

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub port: u16,
    pub tenant: TenantSpec,
    pub pane_dir: PathBuf,
}

/// A running demo. Dropping it stops the emulators; `run` serves the app until the process ends.
#[derive(Debug)]
pub struct Demo {
    pub app_url: Url,
    pub emulator: RunningEmulator,
    app: Application,
}

impl Demo {
    pub async fn start(options: DemoOptions) -> Result<Self, StartupError> {
        let emulator = RunningEmulator::start(options.tenant).await?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port)).await?;
        let addr: SocketAddr = listener.local_addr()?;
        let app_url = Url::parse(&format!("http://{addr}/")).map_err(std::io::Error::other)?;
        let settings = Settings {
            office_js_url: OFFICE_SHIM_PATH.to_owned(),
            demo_host: true,
            ..emulated_settings(&emulator, addr, app_url.clone(), options.pane_dir)
        };
        let app = Application::with_listener(&settings, listener)?;
        Ok(Self {
            app_url,
            emulator,
            app,
        })
    }

    /// One line per service, `name: url`, for people and scripts.
    pub fn service_lines(&self) -> Vec<String> {
        vec![
            format!("app: {}", self.app_url),
            format!("graph: {}", self.emulator.graph_url),
            format!("login: {}", self.emulator.login_url),
        ]
    }

    pub async fn run(self) -> std::io::Result<()> {
        let Self { emulator, app, .. } = self;
        let served = app.run().await;
        drop(emulator);
        served
    }
}

/// Settings that point the production code at the emulators: only URLs and keys differ.
pub fn emulated_settings(
    emulator: &RunningEmulator,
    bind: SocketAddr,
    public_url: Url,
    pane_dir: PathBuf,
) -> Settings {
    Settings {
        bind,
        public_url,
        identity: AppIdentity {
            tenant_id: emulator.world.tenant.id.clone(),
            client_id: emulator.app().client_id.clone(),
            client_secret: Secret::new(emulator.app().client_secret.clone()),
        },
        graph_url: emulator.graph_url.clone(),
        login_url: emulator.login_url.clone(),
        pane_dir,
        office_js_url: crate::config::OFFICE_JS_CDN.to_owned(),
        demo_host: false,
    }
}

/// The compose-window page at `/` and its scripts.
pub fn host_router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    fn asset<S: Clone + Send + Sync + 'static>(
        content_type: &'static str,
        body: &'static str,
    ) -> axum::routing::MethodRouter<S> {
        get(move || async move {
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                body,
            )
        })
    }
    const JS: &str = "text/javascript; charset=utf-8";
    Router::new()
        .route(
            "/",
            asset(
                "text/html; charset=utf-8",
                include_str!("../static/demo/index.html"),
            ),
        )
        .route(
            "/demo/host.css",
            asset(
                "text/css; charset=utf-8",
                include_str!("../static/demo/host.css"),
            ),
        )
        .route(
            "/demo/host.js",
            asset(JS, include_str!("../static/demo/host.js")),
        )
        .route(
            OFFICE_SHIM_PATH,
            asset(JS, include_str!("../static/demo/office-shim.js")),
        )
}

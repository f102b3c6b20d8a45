//! Builds the application from settings. Tests and the demo spawn it on port 0.

use std::net::SocketAddr;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::graph::GraphClient;
use crate::pane::{Pane, PaneMissing, security_headers};
use crate::{demo, manifest, routes};

/// What handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub graph: GraphClient,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    PaneMissing(#[from] PaneMissing),
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
}

#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Binds `settings.bind`.
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        let listener = TcpListener::bind(settings.bind).await?;
        Self::with_listener(settings, listener)
    }

    /// Uses a listener bound already (the demo binds first to learn its port).
    pub fn with_listener(settings: &Settings, listener: TcpListener) -> Result<Self, StartupError> {
        let state = AppState {
            graph: GraphClient::new(settings)?,
        };
        Ok(Self {
            router: router(settings, state)?,
            listener,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub async fn run(self) -> std::io::Result<()> {
        axum::serve(davet_emulator::nodelay(self.listener), self.router).await
    }
}

fn router(settings: &Settings, state: AppState) -> Result<Router, StartupError> {
    let manifest_xml = manifest::render(&settings.public_url);
    let mut app = Router::new()
        .route("/api/people", get(routes::people::search))
        .route(
            "/manifest.xml",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
                    manifest_xml,
                )
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/{file}", get(icon))
        .merge(Pane::load(&settings.pane_dir, &settings.office_js_url)?.router());
    if settings.demo_host {
        app = app.merge(demo::host_router());
    }
    Ok(security_headers(
        app.with_state(state),
        &settings.office_js_url,
    ))
}

/// The manifest's icons, compiled in.
async fn icon(axum::extract::Path(file): axum::extract::Path<String>) -> axum::response::Response {
    let bytes: &'static [u8] = match file.as_str() {
        "icon-16.png" => include_bytes!("../../assets/icon-16.png"),
        "icon-32.png" => include_bytes!("../../assets/icon-32.png"),
        "icon-64.png" => include_bytes!("../../assets/icon-64.png"),
        "icon-80.png" => include_bytes!("../../assets/icon-80.png"),
        "icon-128.png" => include_bytes!("../../assets/icon-128.png"),
        _ => return axum::http::StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

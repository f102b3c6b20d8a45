//! Runs the server: the state from settings ([`crate::app`]), every route ([`crate::router`]),
//! the security headers over all of it, on a listener. Tests and the demo spawn it on port 0.

use std::net::SocketAddr;

use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

use crate::app::{AppState, StateError};
use crate::config::Settings;
use crate::manifest::{Deployment, ManifestError, Manifests};
use crate::pane::{PaneMissing, security_headers};
use crate::router::{bound_requests, router};
use crate::transport::{self, Certificate, Limits, TlsError};
use crate::vault::{TokenVault, VaultError};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    PaneMissing(#[from] PaneMissing),
    #[error(transparent)]
    State(#[from] StateError),
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
    #[error("the token vault: {0}")]
    Vault(#[from] VaultError),
    #[error("TLS: {0}")]
    Tls(#[from] TlsError),
    #[error(transparent)]
    Manifest(#[from] ManifestError),
}

/// What the manifests say of this deployment.
pub fn deployment(settings: &Settings) -> Deployment<'_> {
    Deployment {
        public_url: &settings.public_url,
        client_id: &settings.identity.client_id,
        app_id_uri: &settings.app_id_uri,
    }
}

#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    office_js_url: String,
    /// How long a scheduling may stay half-made before the sweep finishes or undoes it.
    sweep_after: chrono::TimeDelta,
    metrics_bind: Option<SocketAddr>,
    /// The certificate, when Davet terminates TLS itself.
    certificate: Option<Arc<Certificate>>,
    trusted_proxies: Vec<ipnet::IpNet>,
    limits: Limits,
}

/// How often the certificate files are looked at for a renewal.
const CERTIFICATE_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// How often the sweep looks for half-made schedulings.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// A task that ends when this is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Application {
    /// Binds `settings.bind`.
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        let listener = TcpListener::bind(settings.bind).await?;
        Self::with_listener(settings, listener).await
    }

    /// Uses a listener bound already (the demo binds first to learn its port).
    pub async fn with_listener(
        settings: &Settings,
        listener: TcpListener,
    ) -> Result<Self, StartupError> {
        let vault =
            TokenVault::open(settings.database_url.expose(), settings.vault_keys.clone()).await?;
        let state = AppState::new(settings, vault.clone())?;
        let manifests = Manifests::render(&deployment(settings), &vault).await?;
        Ok(Self {
            router: router(settings, state.clone(), manifests)?,
            listener,
            state,
            office_js_url: settings.office_js_url.clone(),
            sweep_after: settings.scheduling_sweep_after,
            metrics_bind: settings.metrics_bind,
            certificate: settings.tls.clone().map(Certificate::load).transpose()?,
            trusted_proxies: settings.trusted_proxies.clone(),
            limits: settings.limits,
        })
    }

    /// Serves `routes` beside the server's own, under the same security headers (the demo's
    /// compose-window page).
    pub fn merge(mut self, routes: Router) -> Self {
        self.router = self.router.merge(routes);
        self
    }

    /// What the handlers share: tests reach the domain through it.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The sweep of half-made schedulings, every few minutes while the server serves (with
    /// Webex configured); it stops when the guard drops.
    fn sweeper(&self) -> Option<AbortOnDrop> {
        let webex = self.state.webex.0.clone()?;
        let (graph, vault) = (self.state.graph.clone(), self.state.auth.vault.clone());
        let after = self.sweep_after;
        Some(AbortOnDrop(tokio::spawn(async move {
            let mut every = tokio::time::interval(SWEEP_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if let Err(error) = crate::scheduling::sweep(&graph, &webex, &vault, after).await {
                    tracing::warn!(code = ?error.public().code, "the scheduling sweep failed; it runs again later");
                }
            }
        })))
    }

    pub async fn run(self) -> std::io::Result<()> {
        self.run_until(std::future::pending()).await
    }

    /// Serves until `shutdown` completes, then stops accepting and finishes the requests it
    /// holds (streams included) before it returns.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let _sweeper = self.sweeper();
        let _metrics = match self.metrics_bind {
            Some(addr) => {
                let listener = TcpListener::bind(addr).await?;
                tracing::info!(%addr, "metrics on their own address");
                Some(AbortOnDrop(tokio::spawn(async move {
                    let metrics = crate::router::metrics_router::<()>();
                    let served = transport::serve(
                        listener,
                        metrics,
                        None,
                        Limits::default(),
                        std::future::pending(),
                    );
                    if let Err(error) = served.await {
                        tracing::error!(%error, "the metrics listener stopped");
                    }
                })))
            }
            None => None,
        };
        let _renewals = self
            .certificate
            .as_ref()
            .map(|c| AbortOnDrop(c.watch(CERTIFICATE_CHECK_EVERY)));
        let router = bound_requests(self.router, self.limits.request);
        let router = security_headers(router, &self.office_js_url, self.trusted_proxies);
        let router = crate::telemetry::trace_requests(router);
        transport::serve(
            self.listener,
            router,
            self.certificate,
            self.limits,
            shutdown,
        )
        .await
    }
}

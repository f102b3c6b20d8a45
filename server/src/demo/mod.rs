//! The demo: the emulators and the real server in one process on 127.0.0.1, and the page that
//! plays Outlook's compose window around the real task pane.
//!
//! The server runs its production code path; only base URLs and keys point at the emulators.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use axum::Router;
use davet_emulator::{RunningEmulator, TenantSpec};
use tokio::net::TcpListener;
use url::Url;

use std::time::Duration;

use crate::config::{AppIdentity, Settings};
use crate::domain::user::DirectoryId;
use crate::identity::TenantPolicy;
use crate::router::{CSS, HTML, JS, asset};
use crate::secret::Secret;
use crate::startup::{Application, StartupError};
use crate::vault::{KeyRing, SessionLimits};

pub mod certificates;

/// The Office.js stand-in the demo's pane loads instead of Microsoft's CDN.
pub const OFFICE_SHIM_PATH: &str = "/demo/office-shim.js";

/// Where `cargo xtask pane` puts the built pane.
pub fn default_pane_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/pane"))
}

/// Where `davet demo --tls` keeps its local authority, so a browser told to trust it once
/// keeps trusting it.
pub fn default_tls_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/demo-tls"))
}

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub port: u16,
    pub tenant: TenantSpec,
    pub pane_dir: PathBuf,
    /// Over HTTPS at `https://localhost`, with the local authority kept in this folder.
    pub tls: Option<PathBuf>,
}

/// A running demo. Dropping it stops the emulators; `run` serves the app until the process ends.
#[derive(Debug)]
pub struct Demo {
    pub app_url: Url,
    pub emulator: RunningEmulator,
    /// The local authority and certificate, in TLS mode.
    pub certificates: Option<certificates::LocalCertificates>,
    app: Application,
}

impl Demo {
    pub async fn start(options: DemoOptions) -> Result<Self, StartupError> {
        let emulator = RunningEmulator::start(options.tenant).await?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, options.port)).await?;
        let addr: SocketAddr = listener.local_addr()?;
        let certificates = options
            .tls
            .as_deref()
            .map(|folder| {
                std::fs::create_dir_all(folder)?;
                certificates::LocalCertificates::in_folder(folder).map_err(std::io::Error::other)
            })
            .transpose()?;
        // Over TLS the address is `localhost`, the name the certificate and Outlook know.
        let app_url = match certificates {
            Some(_) => format!("https://localhost:{}/", addr.port()),
            None => format!("http://{addr}/"),
        };
        let app_url = Url::parse(&app_url).map_err(std::io::Error::other)?;
        // A fresh vault each run: the demo tenant is generated anew too.
        let database = std::env::temp_dir().join(format!("davet-demo-{}.sqlite3", addr.port()));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", database.display()));
        }
        let settings = Settings {
            // Inside a real Outlook the pane needs the real Office.js; the compose-window page
            // plays Outlook with the shim over plain HTTP.
            office_js_url: match certificates {
                Some(_) => crate::config::OFFICE_JS_CDN.to_owned(),
                None => OFFICE_SHIM_PATH.to_owned(),
            },
            tls: certificates.as_ref().map(|c| c.server.clone()),
            ..emulated_settings(
                &emulator,
                addr,
                app_url.clone(),
                options.pane_dir,
                &format!("sqlite:{}", database.display()),
            )
        };
        let app = Application::with_listener(&settings, listener)
            .await?
            .merge(host_router());
        Ok(Self {
            app_url,
            emulator,
            certificates,
            app,
        })
    }

    /// One line per service, `name: url`, for people and scripts.
    pub fn service_lines(&self) -> Vec<String> {
        vec![
            format!("app: {}", self.app_url),
            format!("graph: {}", self.emulator.graph_url),
            format!("login: {}", self.emulator.login_url),
            format!("webex: {}", self.emulator.webex_url),
        ]
    }

    /// In TLS mode: how to trust the local authority and sideload the demo into Outlook.
    pub fn tls_steps(&self) -> Option<String> {
        let authority = self.certificates.as_ref()?.authority.display().to_string();
        let app = self.app_url.as_str();
        Some(format!(
            "\
Davet's demo over HTTPS, for Outlook on the web.

1. Trust the demo's local authority ({authority}) in the browser you use Outlook in:
   Linux (Chrome, Chromium): certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n davet-demo -i {authority}
   macOS: security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db {authority}
   Windows: certutil -user -addstore Root {authority}
   Firefox: Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import.
   Then open {app}healthz: it must say ok without a warning.
2. Sideload: in Outlook on the web open a new mail or event, choose Apps (or ...) > Get add-ins >
   My add-ins > Add a custom add-in > Add from URL, and give {app}manifest.xml
   (or download it and Add from file). The unified manifest is {app}manifest.json, and
   {app}manifest.zip is the package for the Microsoft 365 admin center.
3. Open an event or a mail you are writing and press Davet's Webex meeting button. You sign in
   to the demo tenant (its people, groups and Webex are emulated on this machine); what Davet
   adds goes into your real Outlook item.
The demo's own compose-window page is for plain HTTP: run `cargo xtask demo` without --tls."
        ))
    }

    pub async fn run(self) -> std::io::Result<()> {
        let Self { emulator, app, .. } = self;
        let served = app.run().await;
        drop(emulator);
        served
    }
}

/// Settings that point the production code at the emulators: only URLs and keys differ. Our
/// redirect URIs are registered with the emulated app, as an admin registers them in Entra ID.
pub fn emulated_settings(
    emulator: &RunningEmulator,
    bind: SocketAddr,
    public_url: Url,
    pane_dir: PathBuf,
    database_url: &str,
) -> Settings {
    for path in [
        crate::routes::sign_in::CALLBACK_PATH,
        crate::routes::admin::CONSENT_DONE_PATH,
    ] {
        if let Ok(uri) = public_url.join(path.trim_start_matches('/')) {
            emulator.world.grants.register_redirect_uri(uri.as_str());
        }
    }
    if let Ok(uri) = public_url.join(crate::routes::webex::CALLBACK_PATH.trim_start_matches('/')) {
        emulator.webex.register_redirect_uri(uri.as_str());
    }
    let tenant = &emulator.world.tenant;
    let home = DirectoryId::parse(&tenant.id).map(|id| TenantPolicy::Only(vec![id]));
    Settings {
        app_id_uri: format!(
            "api://{}/{}",
            public_url.host_str().unwrap_or_default(),
            tenant.app.client_id
        ),
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
        database_url: Secret::new(database_url),
        vault_keys: KeyRing::ephemeral(),
        tenants: home.unwrap_or(TenantPolicy::Any),
        sessions: SessionLimits {
            idle: Duration::from_secs(12 * 3600),
            lifetime: Duration::from_secs(14 * 24 * 3600),
        },
        recipient_limit: crate::domain::expansion::DEFAULT_RECIPIENT_LIMIT,
        scheduling_sweep_after: crate::scheduling::DEFAULT_SWEEP_AFTER,
        metrics_bind: None,
        tls: None,
        trusted_proxies: Vec::new(),
        limits: crate::transport::Limits::default(),
        webex: Some(crate::config::WebexSettings {
            url: emulator.webex_url.clone(),
            client_id: emulator.webex.integration.client_id.clone(),
            client_secret: Secret::new(emulator.webex.integration.client_secret.clone()),
            mode: crate::webex::WebexMode::Person,
        }),
    }
}

/// The compose-window page at `/` and its scripts.
fn host_router() -> Router {
    Router::new()
        .route(
            "/",
            asset(HTML, include_str!("../../static/demo/index.html")),
        )
        .route(
            "/demo/host.css",
            asset(CSS, include_str!("../../static/demo/host.css")),
        )
        .route(
            "/demo/host.js",
            asset(JS, include_str!("../../static/demo/host.js")),
        )
        .route(
            OFFICE_SHIM_PATH,
            asset(JS, include_str!("../../static/demo/office-shim.js")),
        )
}

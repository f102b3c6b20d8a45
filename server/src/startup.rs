//! Builds the application from settings. Tests and the demo spawn it on port 0.

use std::net::SocketAddr;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;

use crate::auth::{Auth, DelegatedTokens};
use crate::config::Settings;
use crate::graph::{GraphService, http_client};
use crate::identity::{IdentityClient, TokenValidator, authority};
use crate::pane::{PageSettings, Pane, PaneMissing, security_headers};
use crate::vault::{TokenVault, VaultError};
use crate::{demo, manifest, routes};

/// What handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub graph: GraphService,
    pub auth: Auth,
    /// Where our pages load Office.js from (the sign-in dialog needs it).
    pub office_js_url: String,
    /// Most people one invitation may hold.
    pub recipient_limit: u32,
}

/// Longest we wait for the identity platform.
const IDENTITY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    PaneMissing(#[from] PaneMissing),
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
    #[error("the token vault: {0}")]
    Vault(#[from] VaultError),
    #[error("the identity platform's address: {0}")]
    LoginUrl(#[from] url::ParseError),
}

#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
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
        let state = app_state(settings, vault)?;
        Ok(Self {
            router: router(settings, state.clone())?,
            listener,
            state,
        })
    }

    /// What the handlers share: tests reach the domain through it.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub async fn run(self) -> std::io::Result<()> {
        axum::serve(davet_emulator::nodelay(self.listener), self.router).await
    }
}

fn app_state(settings: &Settings, vault: TokenVault) -> Result<AppState, StartupError> {
    let http = http_client(IDENTITY_TIMEOUT)?;
    let tenant = &settings.identity.tenant_id;
    let authority = authority(&settings.login_url, tenant)?;
    let identity = IdentityClient::new(
        http.clone(),
        settings.login_url.clone(),
        tenant.clone(),
        settings.identity.client_id.clone(),
        settings.identity.client_secret.clone(),
    );
    let validator = TokenValidator::new(
        http,
        authority.join("discovery/v2.0/keys")?,
        authority.join("..")?,
        &settings.identity.client_id,
        &settings.app_id_uri,
        settings.tenants.clone(),
    );
    let tokens = DelegatedTokens::new(identity.clone(), vault.clone());
    Ok(AppState {
        graph: GraphService::new(settings, tokens.clone())?,
        auth: Auth {
            validator,
            identity,
            vault,
            tokens,
            limits: settings.sessions,
            keys: settings.vault_keys.clone(),
            public_url: settings.public_url.clone(),
        },
        office_js_url: settings.office_js_url.clone(),
        recipient_limit: settings.recipient_limit,
    })
}

fn router(settings: &Settings, state: AppState) -> Result<Router, StartupError> {
    use axum::routing::post;
    let manifest_xml = manifest::render(&settings.public_url);
    // Made once: it describes the binary, not the request.
    let openapi = crate::openapi::document();
    let mut app = Router::new()
        .route(
            "/api/openapi.json",
            get(move || async move { axum::Json(openapi) }),
        )
        .route(davet_api::PEOPLE_SEARCH_PATH, get(routes::people::search))
        .route("/api/people/{id}", get(routes::people::card))
        .route("/api/people/{id}/photo", get(routes::people::photo))
        .route(davet_api::GROUPS_PATH, get(routes::groups::search))
        .route(
            davet_api::CONTACT_FOLDERS_PATH,
            get(routes::contacts::folders),
        )
        .route(davet_api::CONTACTS_PATH, get(routes::contacts::list))
        .route(davet_api::MY_GROUPS_PATH, get(routes::groups::mine))
        .route(
            davet_api::SESSION_PATH,
            post(routes::session::create)
                .get(routes::session::show)
                .delete(routes::session::delete),
        )
        .route(davet_api::EXPAND_PATH, post(routes::expand::expand))
        .route(davet_api::SIGN_IN_START_PATH, get(routes::sign_in::start))
        .route("/auth/callback", get(routes::sign_in::callback))
        .route("/admin/consent", get(routes::admin::consent))
        .route("/admin/consent/done", get(routes::admin::consent_done))
        .route("/admin/permissions", get(routes::admin::permissions))
        .route(
            "/pages/pages.css",
            get(|| {
                static_file(
                    "text/css; charset=utf-8",
                    include_str!("../static/pages/pages.css"),
                )
            }),
        )
        .route(
            "/pages/sign-in-complete.js",
            get(|| {
                static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../static/pages/sign-in-complete.js"),
                )
            }),
        )
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
        .merge(
            Pane::load(
                &settings.pane_dir,
                &PageSettings {
                    office_js_url: &settings.office_js_url,
                    client_id: &settings.identity.client_id,
                    api_scope: format!("{}/{}", settings.app_id_uri, crate::identity::API_SCOPE),
                },
            )?
            .router(),
        );
    if settings.demo_host {
        app = app.merge(demo::host_router());
    }
    Ok(security_headers(
        app.with_state(state),
        &settings.office_js_url,
    ))
}

async fn static_file(content_type: &'static str, body: &'static str) -> axum::response::Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
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

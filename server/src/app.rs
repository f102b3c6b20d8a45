//! What the handlers share ([`AppState`]), made from settings. Handlers and extractors take
//! only the part they need through `FromRef` (`State<Auth>`, `State<GraphService>`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::FromRef;

use crate::auth::Auth;
use crate::config::Settings;
use crate::graph::GraphService;
use crate::identity::{IdentityClient, TokenValidator, authority};
use crate::tokens::DelegatedTokens;
use crate::upstream::http_client;
use crate::vault::TokenVault;
use crate::webex::{Integration, WebexClient, WebexService};

/// Longest we wait for the identity platform.
const IDENTITY_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone, FromRef)]
pub struct AppState {
    pub graph: GraphService,
    pub auth: Auth,
    pub pages: PageContext,
    /// Most people one invitation may hold.
    pub recipient_limit: RecipientLimit,
    pub expansions: Expansions,
    pub webex: Webex,
}

/// Webex for the deployment, when an integration is configured (handlers take it through the
/// `extract::Webex` extractor, which answers `webex_not_configured` otherwise).
#[derive(Debug, Clone)]
pub struct Webex(pub Option<WebexService>);

/// How many expansions this replica is running now (a gauge: tests wait on it, monitoring
/// reads it).
#[derive(Debug, Clone, Default)]
pub struct Expansions(Arc<AtomicUsize>);

impl Expansions {
    pub fn running(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    /// Counts one expansion as running until the guard drops (it finished, or was aborted).
    pub fn start(&self) -> RunningExpansion {
        self.0.fetch_add(1, Ordering::Relaxed);
        RunningExpansion(self.0.clone())
    }
}

#[derive(Debug)]
pub struct RunningExpansion(Arc<AtomicUsize>);

impl Drop for RunningExpansion {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// What our own HTML pages need to know of the deployment.
#[derive(Debug, Clone)]
pub struct PageContext {
    /// Where our pages load Office.js from (the sign-in dialog needs it).
    pub office_js_url: String,
}

/// Most people one invitation may hold before the expansion proposes group addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecipientLimit(pub u32);

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the identity platform's address: {0}")]
    LoginUrl(#[from] url::ParseError),
}

impl AppState {
    pub fn new(settings: &Settings, vault: TokenVault) -> Result<Self, StateError> {
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
        let webex = match &settings.webex {
            Some(webex) => Some(WebexService::new(
                WebexClient::new(
                    webex.url.clone(),
                    Integration {
                        client_id: webex.client_id.clone(),
                        client_secret: webex.client_secret.clone(),
                    },
                )?,
                webex.mode,
                vault.clone(),
            )),
            None => None,
        };
        Ok(Self {
            graph: GraphService::new(settings.graph_url.clone(), tokens.clone())?,
            auth: Auth {
                validator,
                identity,
                vault,
                tokens,
                limits: settings.sessions,
                keys: settings.vault_keys.clone(),
                public_url: settings.public_url.clone(),
            },
            pages: PageContext {
                office_js_url: settings.office_js_url.clone(),
            },
            recipient_limit: RecipientLimit(settings.recipient_limit),
            expansions: Expansions::default(),
            webex: Webex(webex),
        })
    }
}

//! The only speaker of Webex's wire format: OAuth (`oauth`), people and meeting preferences
//! (`people`), and meetings (`meetings`), answered in domain types.
//!
//! Webex is called as one organiser ([`WebexService::acting_for`]) in one of two ways, as the
//! admin chose (`DAVET_WEBEX_MODE`):
//! - **person**: with the organiser's own Webex tokens (they connected Webex once; the refresh
//!   token is sealed in the vault beside their Microsoft one);
//! - **organisation**: with the organisation's token, which an admin authorised once with the
//!   admin scheduling scopes, naming the organiser as host (`hostEmail`).
//!
//! Every call goes through `upstream`'s retry loop, as Graph's do: timeouts, `Retry-After`
//! exactly, bounded attempts, a refused token renewed once. A create carries Davet's key as an
//! `integrationTags` entry, so one whose answer was lost is found, not made again.

mod meetings;
mod oauth;
mod people;
mod wire;

use std::time::Duration;

use url::Url;

use crate::domain::email::EmailAddress;
use crate::domain::user::UserKey;
use crate::secret::Secret;
use crate::tokens::{AccessError, DelegatedTokens};
use crate::upstream::{Credential, Failure, RetryPolicy, http_client};
use crate::vault::{TokenVault, VaultError};

pub use oauth::{ADMIN_SCOPES, PERSON_SCOPES};

/// Longest we wait for one Webex answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Webex's retry policy: the shared one.
const RETRY: RetryPolicy = RetryPolicy::STANDARD;

/// How organisers reach Webex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebexMode {
    /// Each person connects their own Webex account.
    Person,
    /// An admin connected the organisation once; Davet schedules as each organiser.
    Organisation,
}

impl WebexMode {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "person" => Some(Self::Person),
            "organisation" | "organization" => Some(Self::Organisation),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organisation => "organisation",
        }
    }
}

/// What went wrong with Webex, in words the pane can explain.
#[derive(Debug, thiserror::Error)]
pub enum WebexError {
    /// No usable Webex token: the person connects Webex (again); in organisation mode an admin
    /// must connect the organisation.
    #[error("Webex must be connected (again)")]
    ConnectionRequired,
    /// Webex throttled us past what our retries would wait.
    #[error("Webex throttled the requests")]
    Throttled,
    /// The site's password rules refused the password; Webex's description says which rule.
    #[error("the site's password rules refused the password: {0}")]
    PasswordRefused(String),
    /// These addresses have no Webex account (or none on the site).
    #[error("{} address(es) have no Webex account", .0.len())]
    NoAccount(Vec<String>),
    /// The person made as many meetings as Webex allows in 24 hours.
    #[error("the daily limit of new meetings is reached")]
    CreationLimit,
    /// The meeting is not there (deleted in Webex meanwhile).
    #[error("no such meeting")]
    NotFound,
    /// Webex refused our token for this (missing scopes: an admin's problem).
    #[error("Webex refused access: {0}")]
    Forbidden(String),
    /// Webex refused the request; its description says why.
    #[error("Webex refused the request: {0}")]
    Rejected(String),
    #[error("Webex cannot be reached: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl From<AccessError<WebexError>> for WebexError {
    fn from(error: AccessError<WebexError>) -> Self {
        match error {
            AccessError::SignedOut | AccessError::NoRefreshToken => Self::ConnectionRequired,
            AccessError::Busy => Self::Unavailable("another replica holds the refresh".into()),
            AccessError::Issuer(e) => e,
            AccessError::Vault(e) => Self::Vault(e),
        }
    }
}

/// The Davet integration as registered with Webex.
#[derive(Debug, Clone)]
pub struct Integration {
    pub client_id: String,
    pub client_secret: Secret,
}

/// Webex's address, the integration, and the HTTP client: what every call shares.
#[derive(Debug, Clone)]
pub struct WebexClient {
    http: reqwest::Client,
    /// The API root, ending in `/` (`https://webexapis.com/v1/`).
    api: Url,
    integration: Integration,
}

impl WebexClient {
    /// Whether Webex answers at all (readiness): any HTTP answer to an unauthenticated call is
    /// one; only no answer is not.
    pub async fn reachable(&self) -> Result<(), WebexError> {
        self.http
            .get(self.url("people/me"))
            .send()
            .await
            .map(drop)
            .map_err(|e| WebexError::Unavailable(e.without_url().to_string()))
    }

    pub fn new(mut api: Url, integration: Integration) -> Result<Self, reqwest::Error> {
        if !api.path().ends_with('/') {
            api.set_path(&format!("{}/", api.path()));
        }
        Ok(Self {
            http: http_client(REQUEST_TIMEOUT)?,
            api,
            integration,
        })
    }

    fn url(&self, path: &str) -> Url {
        self.api.join(path).unwrap_or_else(|_| self.api.clone())
    }
}

/// Webex for the whole deployment: the client, the mode, and the tokens.
#[derive(Debug, Clone)]
pub struct WebexService {
    pub client: WebexClient,
    pub mode: WebexMode,
    pub tokens: DelegatedTokens<WebexClient>,
}

impl WebexService {
    pub fn new(client: WebexClient, mode: WebexMode, vault: TokenVault) -> Self {
        Self {
            tokens: DelegatedTokens::new(client.clone(), vault),
            client,
            mode,
        }
    }

    /// Webex as `user`, whose directory address is `address` (how their Webex account is
    /// found, and in organisation mode who the host is).
    pub fn acting_for(&self, user: &UserKey, address: EmailAddress) -> WebexActing {
        let (owner, host) = match self.mode {
            WebexMode::Person => (user.clone(), None),
            WebexMode::Organisation => (UserKey::organisation(), Some(address.clone())),
        };
        WebexActing {
            client: self.client.clone(),
            credential: Acting {
                tokens: self.tokens.clone(),
                owner,
            },
            host,
            address,
        }
    }

    /// Whether the token the organiser's calls need is held: theirs, or the organisation's.
    pub async fn connected(&self, user: &UserKey) -> Result<bool, VaultError> {
        let owner = match self.mode {
            WebexMode::Person => user.clone(),
            WebexMode::Organisation => UserKey::organisation(),
        };
        self.tokens.held(&owner).await
    }
}

/// Webex's tokens for one holder (a person, or the organisation).
#[derive(Debug, Clone)]
struct Acting {
    tokens: DelegatedTokens<WebexClient>,
    owner: UserKey,
}

impl Credential for Acting {
    type Error = AccessError<WebexError>;

    async fn token(&self) -> Result<Secret, Self::Error> {
        // A disconnect on any replica ends the connection at once: an access token cached
        // here is handed out only while the vault still holds the grant it came from. (Webex
        // calls are few; one indexed read each is cheap.)
        if !self.tokens.held(&self.owner).await? {
            self.tokens.forget_access(&self.owner).await;
            return Err(AccessError::SignedOut);
        }
        self.tokens.access_token(&self.owner).await
    }

    async fn refused(&self) {
        self.tokens.forget_access(&self.owner).await;
    }

    fn service(&self) -> crate::upstream::Service {
        crate::upstream::Service::Webex
    }
}

/// Webex, as one organiser.
#[derive(Debug, Clone)]
pub struct WebexActing {
    client: WebexClient,
    credential: Acting,
    /// Organisation mode: the organiser, named as host on every call.
    host: Option<EmailAddress>,
    /// The organiser's directory address.
    address: EmailAddress,
}

impl WebexActing {
    /// Sends one request through the shared retry loop; Webex's refusals become
    /// [`WebexError`]s.
    async fn send(
        &self,
        resend: crate::upstream::Resend,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<crate::upstream::Answer, WebexError> {
        RETRY
            .send(&self.client.http, &self.credential, resend, build)
            .await
            .map_err(failed)
    }

    /// `hostEmail` (or `userEmail`) for organisation mode, as a query pair.
    fn on_behalf(&self, name: &'static str) -> Vec<(&'static str, String)> {
        self.host
            .iter()
            .map(|h| (name, h.as_str().to_owned()))
            .collect()
    }
}

/// A call that failed for good, as a [`WebexError`].
fn failed<E: Into<WebexError>>(failure: Failure<E>) -> WebexError {
    match failure {
        Failure::Credential(e) => e.into(),
        Failure::Status { status, body, .. } => wire::to_error(status, &body),
        Failure::Transport(why) => WebexError::Unavailable(why),
    }
}

/// A token in hand (just redeemed), for the one call that checks whose it is.
struct Fixed<'a>(&'a Secret);

impl Credential for Fixed<'_> {
    type Error = WebexError;

    async fn token(&self) -> Result<Secret, WebexError> {
        Ok(self.0.clone())
    }

    async fn refused(&self) {}

    fn service(&self) -> crate::upstream::Service {
        crate::upstream::Service::Webex
    }
}

impl WebexClient {
    /// The Webex account a token belongs to (`/people/me`).
    pub async fn account_of(
        &self,
        token: &Secret,
    ) -> Result<crate::domain::webex::WebexAccount, WebexError> {
        let url = self.url("people/me");
        let answer = RETRY
            .send(
                &self.http,
                &Fixed(token),
                crate::upstream::Resend::Safe,
                |http| http.get(url.clone()),
            )
            .await
            .map_err(failed)?;
        let person: wire::Person = serde_json::from_slice(&answer.body)
            .map_err(|e| WebexError::Unavailable(format!("unreadable Webex answer: {e}")))?;
        Ok(person.into())
    }
}

impl WebexService {
    /// Organisation mode: keeps the refresh token an admin got for Davet's integration (or a
    /// service app) with the admin scheduling scopes, once it is proven to hold them. Answers
    /// the admin's Webex account.
    pub async fn connect_organisation(
        &self,
        refresh: Secret,
    ) -> Result<crate::domain::webex::WebexAccount, WebexError> {
        if self.mode != WebexMode::Organisation {
            return Err(WebexError::Rejected(
                "DAVET_WEBEX_MODE is not `organisation`: each person connects Webex themselves"
                    .into(),
            ));
        }
        let mut tokens = self.client.refresh_token(&refresh).await?;
        let account = self.client.account_of(&tokens.access_token).await?;
        // Listing someone's meetings by `hostEmail` needs the admin scheduling scope.
        let url = self.client.url("meetings");
        RETRY
            .send(
                &self.client.http,
                &Fixed(&tokens.access_token),
                crate::upstream::Resend::Safe,
                |http| {
                    http.get(url.clone())
                        .query(&[("hostEmail", account.email.as_str()), ("max", "1")])
                },
            )
            .await
            .map_err(failed)
            .map_err(|e| match e {
                WebexError::Forbidden(_) => WebexError::Forbidden(
                    "the token lacks the admin scheduling scopes (meeting:admin_schedule_write and the others)".into(),
                ),
                other => other,
            })?;
        if tokens.refresh_token.is_none() {
            tokens.refresh_token = Some(refresh);
        }
        self.tokens
            .signed_in(&UserKey::organisation(), tokens)
            .await?;
        Ok(account)
    }
}

/// Whether a status means the request may have been applied though we got no answer.
fn maybe_applied(error: &WebexError) -> bool {
    matches!(error, WebexError::Unavailable(_))
}

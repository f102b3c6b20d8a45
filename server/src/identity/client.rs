//! The identity platform's token endpoint, as a confidential client (client id and secret).
//!
//! Token requests are not retried: a code and a refresh token are good once, so a second send
//! after a lost answer would fail anyway. Every request has a timeout.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use url::Url;

use crate::domain::user::DirectoryId;
use crate::secret::Secret;

/// What the server asks Graph for on a person's behalf: everything the admin consented to
/// (design §1), and a refresh token.
pub const GRAPH_SCOPES: &str = "https://graph.microsoft.com/.default offline_access";
/// The code flow also asks who signed in.
const SIGN_IN_SCOPES: &str = "openid profile https://graph.microsoft.com/.default offline_access";

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// The platform refused the grant (`invalid_grant`): the person must sign in again.
    #[error("the identity platform refused the grant: {0}")]
    InvalidGrant(String),
    /// The platform refused the request for another reason (misconfiguration, consent).
    #[error("the identity platform refused the request: {0}")]
    Refused(String),
    #[error("the identity platform cannot be reached: {0}")]
    Unavailable(String),
}

pub use crate::upstream::TokenSet;

#[derive(Deserialize)]
struct Answer {
    access_token: String,
    expires_in: u64,
    refresh_token: Option<String>,
    id_token: Option<String>,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
    #[serde(default)]
    error_description: String,
}

#[derive(Debug, Clone)]
pub struct IdentityClient {
    http: reqwest::Client,
    /// `{login}/`.
    login: Url,
    /// The deployment's own tenant segment: its tenant id, or `organizations`.
    home: String,
    client_id: String,
    client_secret: Secret,
}

/// A PKCE pair: the verifier stays with the server, the challenge goes to the platform.
#[derive(Debug)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn generate() -> Self {
        let verifier = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

impl IdentityClient {
    pub fn new(
        http: reqwest::Client,
        login: Url,
        home: String,
        client_id: String,
        client_secret: Secret,
    ) -> Self {
        Self {
            http,
            login,
            home,
            client_id,
            client_secret,
        }
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `path` under a tenant's authority; `None` is the deployment's own.
    fn endpoint(&self, tenant: Option<&DirectoryId>, path: &str) -> Result<Url, IdentityError> {
        let tenant = tenant.map_or(self.home.as_str(), DirectoryId::as_str);
        super::authority(&self.login, tenant)
            .and_then(|authority| authority.join(path))
            .map_err(|e| IdentityError::Refused(format!("bad identity URL: {e}")))
    }

    /// Where the browser goes to sign in (authorization code flow with PKCE).
    pub fn authorize_url(
        &self,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
        challenge: &str,
    ) -> Result<Url, IdentityError> {
        let mut url = self.endpoint(None, "oauth2/v2.0/authorize")?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("response_type", "code")
            .append_pair("response_mode", "query")
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", SIGN_IN_SCOPES)
            .append_pair("state", state)
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", "S256");
        Ok(url)
    }

    /// Where an admin grants the app's permissions for the organisation.
    pub fn admin_consent_url(&self, redirect_uri: &str, state: &str) -> Result<Url, IdentityError> {
        let mut url = self.endpoint(None, "adminconsent")?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state);
        Ok(url)
    }

    /// Exchanges a token for Davet's API for Graph tokens on the same person's behalf, at the
    /// person's own tenant (a multi-tenant app must not ask its home tenant for a guest's
    /// tokens).
    pub async fn on_behalf_of(
        &self,
        tenant: &DirectoryId,
        assertion: &str,
    ) -> Result<TokenSet, IdentityError> {
        self.request(
            Some(tenant),
            &[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("requested_token_use", "on_behalf_of"),
                ("assertion", assertion),
                ("scope", GRAPH_SCOPES),
            ],
        )
        .await
    }

    /// An app-only token for Graph at `tenant` (client credentials): it is issued only where an
    /// admin of that tenant consented to the app, so getting one proves the consent.
    pub async fn app_token(&self, tenant: &DirectoryId) -> Result<TokenSet, IdentityError> {
        self.request(
            Some(tenant),
            &[
                ("grant_type", "client_credentials"),
                ("scope", "https://graph.microsoft.com/.default"),
            ],
        )
        .await
    }

    /// Redeems the code the sign-in page sent back, with the PKCE verifier.
    pub async fn redeem_code(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<TokenSet, IdentityError> {
        self.request(
            None,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("code_verifier", verifier),
                ("redirect_uri", redirect_uri),
                ("scope", SIGN_IN_SCOPES),
            ],
        )
        .await
    }

    /// Spends a refresh token at the person's tenant: the answer carries the next one (they
    /// rotate).
    pub async fn refresh(
        &self,
        tenant: &DirectoryId,
        refresh_token: &Secret,
    ) -> Result<TokenSet, IdentityError> {
        self.request(
            Some(tenant),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose()),
                ("scope", GRAPH_SCOPES),
            ],
        )
        .await
    }

    async fn request(
        &self,
        tenant: Option<&DirectoryId>,
        grant: &[(&str, &str)],
    ) -> Result<TokenSet, IdentityError> {
        let url = self.endpoint(tenant, "oauth2/v2.0/token")?;
        let mut form = vec![
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ];
        form.extend_from_slice(grant);
        let response = crate::upstream::Service::Identity
            .send(self.http.post(url).form(&form))
            .await
            .map_err(|e| IdentityError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        if status.is_success() {
            let answer: Answer = response
                .json()
                .await
                .map_err(|e| IdentityError::Unavailable(format!("unreadable answer: {e}")))?;
            return Ok(TokenSet {
                access_token: Secret::new(answer.access_token),
                expires_in: Duration::from_secs(answer.expires_in),
                refresh_token: answer.refresh_token.map(Secret::new),
                id_token: answer.id_token.map(Secret::new),
            });
        }
        let refusal = response.json::<ErrorAnswer>().await.ok();
        // The description's first sentence carries the AADSTS number, never a token.
        let why = refusal
            .as_ref()
            .map(|r| {
                let first = r.error_description.split(". ").next().unwrap_or_default();
                format!("{}: {first}", r.error)
            })
            .unwrap_or_else(|| status.to_string());
        Err(match refusal.as_ref().map(|r| r.error.as_str()) {
            _ if status.is_server_error() || status.as_u16() == 429 => {
                IdentityError::Unavailable(why)
            }
            Some("invalid_grant" | "interaction_required") => IdentityError::InvalidGrant(why),
            _ => IdentityError::Refused(why),
        })
    }
}

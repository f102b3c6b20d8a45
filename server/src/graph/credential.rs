//! App-only access to Graph: the client-credentials grant, with the token kept in memory until
//! shortly before it expires. Concurrent callers share one refresh.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use super::GraphError;
use crate::config::{AppIdentity, Secret};

/// Renew this long before expiry, so a token never expires in flight.
const EARLY_RENEWAL: Duration = Duration::from_secs(300);

#[derive(Debug, Clone)]
pub struct AppCredential {
    http: reqwest::Client,
    token_url: Option<Url>,
    client_id: String,
    client_secret: Secret,
    cached: Arc<Mutex<Option<(Secret, Instant)>>>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

/// The identity platform's error body.
#[derive(Deserialize)]
struct TokenError {
    error: String,
}

impl AppCredential {
    pub fn new(http: reqwest::Client, login: &Url, identity: &AppIdentity) -> Self {
        let token_url = login
            .join(&format!("{}/oauth2/v2.0/token", identity.tenant_id))
            .ok();
        Self {
            http,
            token_url,
            client_id: identity.client_id.clone(),
            client_secret: identity.client_secret.clone(),
            cached: Arc::new(Mutex::new(None)),
        }
    }

    /// A valid access token for Graph.
    pub async fn token(&self) -> Result<String, GraphError> {
        // Holding the lock across the fetch collapses concurrent refreshes into one.
        let mut cached = self.cached.lock().await;
        if let Some((token, expires)) = cached.as_ref()
            && Instant::now() + EARLY_RENEWAL < *expires
        {
            return Ok(token.expose().to_owned());
        }
        let (token, lifetime) = self.fetch().await?;
        *cached = Some((Secret::new(token.clone()), Instant::now() + lifetime));
        Ok(token)
    }

    /// Drops the cached token after Graph refused it.
    pub async fn forget(&self) {
        *self.cached.lock().await = None;
    }

    async fn fetch(&self) -> Result<(String, Duration), GraphError> {
        let url = self.token_url.clone().ok_or_else(|| {
            GraphError::AccessDenied("the tenant id does not form a token URL".into())
        })?;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("scope", "https://graph.microsoft.com/.default"),
        ];
        let response = self
            .http
            .post(url)
            .form(&form)
            .send()
            .await
            .map_err(|e| GraphError::Unavailable(format!("identity platform: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            let error = response
                .json::<TokenError>()
                .await
                .map(|e| e.error)
                .unwrap_or_else(|_| status.to_string());
            return Err(if status.is_server_error() {
                GraphError::Unavailable(format!("identity platform: {error}"))
            } else {
                GraphError::AccessDenied(format!("identity platform: {error}"))
            });
        }
        let answer: TokenAnswer = response
            .json()
            .await
            .map_err(|e| GraphError::Unavailable(format!("identity platform answer: {e}")))?;
        Ok((answer.access_token, Duration::from_secs(answer.expires_in)))
    }
}

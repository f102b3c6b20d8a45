//! Webex OAuth for integrations: the authorize URL, the code redeemed, refresh tokens spent
//! (the [`Issuer`] the token mechanism uses for Webex).

use std::time::Duration;

use url::Url;

use super::wire::{self, TokenAnswer};
use super::{WebexClient, WebexError};
use crate::domain::user::UserKey;
use crate::secret::Secret;
use crate::tokens::Issuer;
use crate::upstream::TokenSet;
use crate::vault::Service;

/// What a person grants Davet to schedule as themselves: read and write their meetings, read
/// their sites, templates and personal room, and find people by address (cohosts).
pub const PERSON_SCOPES: &[&str] = &[
    "meeting:schedules_read",
    "meeting:schedules_write",
    "meeting:preferences_read",
    "spark:people_read",
];

/// What an admin grants for organisation mode: the same on everyone's behalf.
pub const ADMIN_SCOPES: &[&str] = &[
    "meeting:admin_schedule_read",
    "meeting:admin_schedule_write",
    "meeting:admin_preferences_read",
    "spark-admin:people_read",
    "spark:people_read",
];

impl WebexClient {
    /// Where the browser goes to let Davet schedule as the person (Webex's sign-in and consent).
    pub fn authorize_url(&self, redirect_uri: &str, state: &str, scopes: &[&str]) -> Url {
        let mut url = self.url("authorize");
        url.query_pairs_mut()
            .append_pair("client_id", &self.integration.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", &scopes.join(" "))
            .append_pair("state", state);
        url
    }

    /// Redeems the code Webex sent the browser back with.
    pub async fn redeem_code(
        &self,
        code: &str,
        redirect_uri: &str,
    ) -> Result<TokenSet, WebexError> {
        self.token_request(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ])
        .await
    }

    /// Spends a refresh token: a service app's, handed over by an admin (`davet webex-connect`).
    pub async fn refresh_token(&self, token: &Secret) -> Result<TokenSet, WebexError> {
        self.token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token.expose()),
        ])
        .await
    }

    async fn token_request(&self, grant: &[(&str, &str)]) -> Result<TokenSet, WebexError> {
        let mut form = vec![
            ("client_id", self.integration.client_id.as_str()),
            ("client_secret", self.integration.client_secret.expose()),
        ];
        form.extend_from_slice(grant);
        let response = crate::upstream::Service::Webex
            .send(self.http.post(self.url("access_token")).form(&form))
            .await
            .map_err(|e| WebexError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|e| WebexError::Unavailable(e.without_url().to_string()))?;
        if !status.is_success() {
            // Webex relays the identity broker's OAuth error inside its own message.
            if body.contains("invalid_grant") {
                tracing::info!("Webex refused the grant");
                return Err(WebexError::ConnectionRequired);
            }
            return Err(wire::to_error(status, &body));
        }
        let answer: TokenAnswer = serde_json::from_str(&body)
            .map_err(|e| WebexError::Unavailable(format!("unreadable token answer: {e}")))?;
        Ok(TokenSet {
            access_token: Secret::new(answer.access_token),
            expires_in: Duration::from_secs(answer.expires_in),
            refresh_token: answer.refresh_token.map(Secret::new),
            id_token: None,
        })
    }
}

impl Issuer for WebexClient {
    const SERVICE: Service = Service::Webex;
    type Error = WebexError;

    async fn refresh(&self, _holder: &UserKey, token: &Secret) -> Result<TokenSet, WebexError> {
        self.refresh_token(token).await
    }

    fn spent(error: &WebexError) -> bool {
        matches!(error, WebexError::ConnectionRequired)
    }
}

//! Who is calling: sign-in (nested app authentication's API token, or the code flow in an
//! Office dialog or a popup), sessions, and Graph access on the signed-in person's behalf.
//!
//! - [`Auth`] holds what sign-in needs and is shared by the handlers.
//! - [`sign_in`]: the code flow's state, sealed so that any replica can finish what another began.
//! - Access tokens on a person's behalf are [`crate::tokens`]' job; the extractor that finds a
//!   request's session is `crate::extract::SignedIn`.

pub mod sign_in;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use url::Url;

use crate::domain::user::SignedInUser;
use crate::identity::{Caller, IdentityClient, TokenSet, TokenValidator};
use crate::tokens::{AccessError, DelegatedTokens};
use crate::vault::{KeyRing, SessionLimits, TokenVault};

#[derive(Debug, Clone)]
pub struct Auth {
    pub validator: TokenValidator,
    pub identity: IdentityClient,
    pub vault: TokenVault,
    pub tokens: DelegatedTokens,
    pub limits: SessionLimits,
    /// Seals the code flow's state.
    pub keys: KeyRing,
    /// Where the server is reached: redirect URIs hang off it.
    pub public_url: Url,
}

impl Auth {
    /// A session for a caller whose identity is proven and whose Graph tokens are in hand.
    pub async fn open_session(
        &self,
        caller: Caller,
        tokens: TokenSet,
    ) -> Result<davet_api::Session, AccessError> {
        self.tokens.signed_in(&caller.key, tokens).await?;
        let user = SignedInUser {
            key: caller.key,
            display_name: caller.display_name,
            username: caller.username,
        };
        let (token, expires_at) = self.vault.open_session(&user, self.limits).await?;
        tracing::info!(tenant = %user.key.tenant, "signed in");
        Ok(davet_api::Session {
            session_token: token.expose().to_owned(),
            expires_at,
            user: davet_api::SessionUser {
                display_name: user.display_name,
                username: user.username,
            },
        })
    }

    /// A redirect URI of ours, e.g. `/auth/callback`: under the public URL, its path included.
    pub fn our_url(&self, path: &str) -> String {
        self.public_url
            .join(path.trim_start_matches('/'))
            .map(String::from)
            .unwrap_or_default()
    }
}

/// The Bearer token of a request, if it has one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

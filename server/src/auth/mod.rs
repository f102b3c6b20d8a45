//! Who is calling: sign-in (nested app authentication's API token, or the code flow in an
//! Office dialog or a popup), sessions, and Graph access on the signed-in person's behalf.
//!
//! - [`Auth`] holds what sign-in needs and is shared by the handlers.
//! - [`SignedIn`] is the extractor every personal endpoint takes: a live session, or 401.
//! - [`sign_in`]: the code flow's state, sealed so that any replica can finish what another began.
//! - [`tokens`]: Graph access tokens in memory, refresh tokens in the vault.

pub mod sign_in;
pub mod tokens;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use url::Url;

use crate::domain::user::SignedInUser;
use crate::error::AppError;
use crate::identity::{Caller, IdentityClient, TokenSet, TokenValidator};
use crate::startup::AppState;
use crate::vault::{KeyRing, SessionLimits, SessionToken, TokenVault};
pub use tokens::{AccessError, DelegatedTokens};

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
    ) -> Result<davet_api::Session, AppError> {
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

    /// A redirect URI of ours, e.g. `auth/callback`.
    pub fn our_url(&self, path: &str) -> String {
        self.public_url
            .join(path)
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

/// A request made within a live session: who, and the session's token (to end it).
#[derive(Debug)]
pub struct SignedIn {
    pub user: SignedInUser,
    pub session: SessionToken,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = bearer(&parts.headers)
            .and_then(SessionToken::parse)
            .ok_or(AppError::SignInRequired("no session token"))?;
        let user = state
            .auth
            .vault
            .session(&session, state.auth.limits)
            .await?
            .ok_or(AppError::SignInRequired("the session ended"))?;
        Ok(Self { user, session })
    }
}

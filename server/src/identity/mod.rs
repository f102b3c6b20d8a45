//! The Microsoft identity platform. Architecture invariant: only this module speaks its wire
//! format (token requests and answers, JSON Web Keys, JWT claims); the rest of the server sees
//! [`TokenSet`], [`Caller`] and [`TokenRejected`].
//!
//! - [`IdentityClient`]: the token endpoint (on-behalf-of, authorization code with PKCE, refresh)
//!   and the addresses of the authorize and admin-consent pages.
//! - [`TokenValidator`]: full validation of tokens for Davet's API and of ID tokens.

mod client;
mod validation;

pub use client::{GRAPH_SCOPES, IdentityClient, IdentityError, Pkce, TokenSet};
pub use validation::{
    API_SCOPE, Caller, REFETCH_INTERVAL, TenantPolicy, TokenRejected, TokenValidator,
};

use url::Url;

/// The tenant segment of the platform's addresses for a deployment: its own tenant, or
/// `organizations` when people of any allowed tenant sign in.
pub fn authority(login: &Url, tenant: &str) -> Result<Url, url::ParseError> {
    let mut base = login.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    base.join(&format!("{tenant}/"))
}

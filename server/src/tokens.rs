//! Access on a person's behalf, for every service that issues refresh tokens (Microsoft's
//! identity platform for Graph, Webex): one mechanism, parameterised by the [`Issuer`]. Access
//! tokens live in this replica's memory until shortly before they expire; refresh tokens live
//! sealed in the vault, filed under the person and the service, and are replaced by whatever a
//! refresh answers with.
//!
//! Concurrent refreshes for one person collapse into one: within a replica a per-person lock
//! holds the others back until the first has a token; across replicas the vault's lease (a
//! compare-and-swap on the row's version) makes a second replica wait for the first instead of
//! spending the same refresh token, which the platform would refuse.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::domain::user::UserKey;
use crate::identity::{IdentityClient, IdentityError};
use crate::secret::Secret;
use crate::upstream::TokenSet;
use crate::vault::{Claim, Service, TokenVault, VaultError};

/// Renew this long before expiry, so a token never expires in flight.
const EARLY_RENEWAL: Duration = Duration::from_secs(300);
/// How long one replica may hold a refresh before others may take it over.
const REFRESH_LEASE: Duration = Duration::from_secs(30);
/// How often a waiting replica looks whether the other has finished.
const LEASE_POLL: Duration = Duration::from_millis(50);

/// A token endpoint that spends refresh tokens: the identity platform, Webex.
pub trait Issuer: Clone + Send + Sync + std::fmt::Debug + 'static {
    /// Whose tokens these are, as the vault files them.
    const SERVICE: Service;
    type Error: std::error::Error + Send + Sync + 'static;
    /// Spends a refresh token of `user`'s.
    fn refresh(
        &self,
        user: &UserKey,
        token: &Secret,
    ) -> impl Future<Output = Result<TokenSet, Self::Error>> + Send;
    /// Whether the endpoint refused the refresh token for good (revoked, expired): the person
    /// must sign in or connect again.
    fn spent(error: &Self::Error) -> bool;
}

impl Issuer for IdentityClient {
    const SERVICE: Service = Service::Microsoft;
    type Error = IdentityError;

    async fn refresh(&self, user: &UserKey, token: &Secret) -> Result<TokenSet, IdentityError> {
        IdentityClient::refresh(self, &user.tenant, token).await
    }

    fn spent(error: &IdentityError) -> bool {
        matches!(error, IdentityError::InvalidGrant(_))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError<E = IdentityError> {
    /// No usable refresh token: the person must sign in (or connect the service) again.
    #[error("the person must sign in again")]
    SignedOut,
    /// A sign-in or connection answered without a refresh token (is offline access granted?).
    #[error("the token endpoint sent no refresh token")]
    NoRefreshToken,
    /// Another replica held the refresh for longer than its lease.
    #[error("another replica holds the refresh")]
    Busy,
    #[error(transparent)]
    Issuer(E),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

type Slot = Arc<Mutex<Option<(Secret, Instant)>>>;

#[derive(Debug, Clone)]
pub struct DelegatedTokens<I: Issuer = IdentityClient> {
    issuer: I,
    vault: TokenVault,
    slots: Arc<SyncMutex<HashMap<UserKey, Slot>>>,
    /// How often this replica found another holding a person's refresh and waited for it.
    lease_waits: Arc<AtomicU64>,
}

impl<I: Issuer> DelegatedTokens<I> {
    pub fn new(issuer: I, vault: TokenVault) -> Self {
        Self {
            issuer,
            vault,
            slots: Arc::default(),
            lease_waits: Arc::default(),
        }
    }

    /// The vault the tokens live in (for what is filed beside them).
    pub fn vault(&self) -> &TokenVault {
        &self.vault
    }

    /// How often this replica waited on another's refresh lease (a count, for tests and
    /// monitoring).
    pub fn lease_waits(&self) -> u64 {
        self.lease_waits.load(Ordering::Relaxed)
    }

    fn slot(&self, user: &UserKey) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(user.clone()).or_default().clone()
    }

    /// Keeps what a sign-in returned: the access token here, the refresh token in the vault.
    pub async fn signed_in(
        &self,
        user: &UserKey,
        tokens: TokenSet,
    ) -> Result<(), AccessError<I::Error>> {
        let refresh = tokens.refresh_token.ok_or(AccessError::NoRefreshToken)?;
        self.vault.store_refresh(user, I::SERVICE, &refresh).await?;
        *self.slot(user).lock().await =
            Some((tokens.access_token, Instant::now() + tokens.expires_in));
        Ok(())
    }

    /// An access token for the person, refreshing when the cached one is about to expire.
    pub async fn access_token(&self, user: &UserKey) -> Result<Secret, AccessError<I::Error>> {
        let slot = self.slot(user);
        let mut cached = slot.lock().await;
        if let Some((token, expires)) = cached.as_ref()
            && Instant::now() + EARLY_RENEWAL < *expires
        {
            return Ok(token.clone());
        }
        let started = Instant::now();
        loop {
            match self
                .vault
                .claim_refresh(user, I::SERVICE, REFRESH_LEASE)
                .await?
            {
                Claim::Missing => return Err(AccessError::SignedOut),
                Claim::Busy if started.elapsed() < REFRESH_LEASE + LEASE_POLL => {
                    self.lease_waits.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(LEASE_POLL).await;
                }
                Claim::Busy => return Err(AccessError::Busy),
                Claim::Granted(claimed) => {
                    let answer = self.issuer.refresh(user, &claimed.token).await;
                    crate::metrics::refresh(
                        I::SERVICE.name(),
                        match &answer {
                            Ok(_) => "ok",
                            Err(e) if I::spent(e) => "refused",
                            Err(_) => "failed",
                        },
                    );
                    return match answer {
                        Ok(tokens) => {
                            // Whichever refresh token the answer carries is kept; an answer
                            // without one leaves the one we hold.
                            match &tokens.refresh_token {
                                Some(next) => {
                                    self.vault.replace_refresh(user, &claimed, next).await?;
                                }
                                None => self.vault.release_refresh(user, &claimed).await?,
                            }
                            *cached = Some((
                                tokens.access_token.clone(),
                                Instant::now() + tokens.expires_in,
                            ));
                            Ok(tokens.access_token)
                        }
                        Err(refused) if I::spent(&refused) => {
                            tracing::info!(service = I::SERVICE.name(), why = %refused, "refresh token refused; the person must sign in or connect again");
                            self.forget_service(user).await?;
                            Err(AccessError::SignedOut)
                        }
                        Err(other) => {
                            self.vault.release_refresh(user, &claimed).await?;
                            Err(AccessError::Issuer(other))
                        }
                    };
                }
            }
        }
    }

    /// What a refused refresh token ends: for Microsoft the person's whole standing (sessions
    /// too: they sign in again), for any other service that service's token alone.
    async fn forget_service(&self, user: &UserKey) -> Result<(), VaultError> {
        match I::SERVICE {
            Service::Microsoft => self.vault.forget_user(user).await,
            other => self.vault.forget_refresh(user, other).await,
        }
    }

    /// Whether the person holds a token of this service (connected, signed in).
    pub async fn held(&self, user: &UserKey) -> Result<bool, VaultError> {
        self.vault.holds_refresh(user, I::SERVICE).await
    }

    /// Disconnects the service: its tokens of the person are gone, here and in the vault.
    pub async fn disconnect(&self, user: &UserKey) -> Result<(), VaultError> {
        self.forget_access(user).await;
        self.vault.forget_refresh(user, I::SERVICE).await
    }

    /// Drops the cached access token (the service refused it).
    pub async fn forget_access(&self, user: &UserKey) {
        *self.slot(user).lock().await = None;
    }

    /// Sign-out: the person's tokens and sessions are gone, here and in the vault.
    pub async fn sign_out(&self, user: &UserKey) -> Result<(), AccessError<I::Error>> {
        self.forget_access(user).await;
        self.slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(user);
        self.vault.forget_user(user).await?;
        Ok(())
    }
}

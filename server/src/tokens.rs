//! Graph access on a person's behalf. Access tokens live in this replica's memory until shortly
//! before they expire; refresh tokens live sealed in the vault and rotate on every use.
//!
//! Concurrent refreshes for one person collapse into one: within a replica a per-person lock
//! holds the others back until the first has a token; across replicas the vault's lease (a
//! compare-and-swap on the row's version) makes a second replica wait for the first instead of
//! spending the same refresh token, which the platform would refuse.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::domain::user::UserKey;
use crate::identity::{IdentityClient, IdentityError, TokenSet};
use crate::secret::Secret;
use crate::vault::{Claim, TokenVault, VaultError};

/// Renew this long before expiry, so a token never expires in flight.
const EARLY_RENEWAL: Duration = Duration::from_secs(300);
/// How long one replica may hold a refresh before others may take it over.
const REFRESH_LEASE: Duration = Duration::from_secs(30);
/// How often a waiting replica looks whether the other has finished.
const LEASE_POLL: Duration = Duration::from_millis(50);

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// No usable refresh token: the person must sign in again.
    #[error("the person must sign in again")]
    SignedOut,
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

type Slot = Arc<Mutex<Option<(Secret, Instant)>>>;

#[derive(Debug, Clone)]
pub struct DelegatedTokens {
    identity: IdentityClient,
    vault: TokenVault,
    slots: Arc<SyncMutex<HashMap<UserKey, Slot>>>,
    /// How often this replica found another holding a person's refresh and waited for it.
    lease_waits: Arc<AtomicU64>,
}

impl DelegatedTokens {
    pub fn new(identity: IdentityClient, vault: TokenVault) -> Self {
        Self {
            identity,
            vault,
            slots: Arc::default(),
            lease_waits: Arc::default(),
        }
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
    pub async fn signed_in(&self, user: &UserKey, tokens: TokenSet) -> Result<(), AccessError> {
        let refresh = tokens
            .refresh_token
            .ok_or(AccessError::Identity(IdentityError::Refused(
                "no refresh token: is offline_access consented?".into(),
            )))?;
        self.vault.store_refresh(user, &refresh).await?;
        *self.slot(user).lock().await =
            Some((tokens.access_token, Instant::now() + tokens.expires_in));
        Ok(())
    }

    /// A Graph access token for the person, refreshing when the cached one is about to expire.
    pub async fn access_token(&self, user: &UserKey) -> Result<Secret, AccessError> {
        let slot = self.slot(user);
        let mut cached = slot.lock().await;
        if let Some((token, expires)) = cached.as_ref()
            && Instant::now() + EARLY_RENEWAL < *expires
        {
            return Ok(token.clone());
        }
        let started = Instant::now();
        loop {
            match self.vault.claim_refresh(user, REFRESH_LEASE).await? {
                Claim::Missing => return Err(AccessError::SignedOut),
                Claim::Busy if started.elapsed() < REFRESH_LEASE + LEASE_POLL => {
                    self.lease_waits.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(LEASE_POLL).await;
                }
                Claim::Busy => {
                    return Err(AccessError::Identity(IdentityError::Unavailable(
                        "another replica holds the refresh".into(),
                    )));
                }
                Claim::Granted(claimed) => {
                    let answer = self.identity.refresh(&user.tenant, &claimed.token).await;
                    return match answer {
                        Ok(tokens) => {
                            let Some(next) = &tokens.refresh_token else {
                                self.vault.release_refresh(user, &claimed).await?;
                                return Err(AccessError::SignedOut);
                            };
                            self.vault.replace_refresh(user, &claimed, next).await?;
                            *cached = Some((
                                tokens.access_token.clone(),
                                Instant::now() + tokens.expires_in,
                            ));
                            Ok(tokens.access_token)
                        }
                        Err(IdentityError::InvalidGrant(why)) => {
                            tracing::info!(%why, "refresh token refused; the person must sign in again");
                            self.vault.forget_user(user).await?;
                            Err(AccessError::SignedOut)
                        }
                        Err(other) => {
                            self.vault.release_refresh(user, &claimed).await?;
                            Err(other.into())
                        }
                    };
                }
            }
        }
    }

    /// Drops the cached access token (Graph refused it).
    pub async fn forget_access(&self, user: &UserKey) {
        *self.slot(user).lock().await = None;
    }

    /// Sign-out: the person's tokens and sessions are gone, here and in the vault.
    pub async fn sign_out(&self, user: &UserKey) -> Result<(), AccessError> {
        self.forget_access(user).await;
        self.slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(user);
        self.vault.forget_user(user).await?;
        Ok(())
    }
}

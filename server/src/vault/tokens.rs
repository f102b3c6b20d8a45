//! Refresh tokens: one per person and service (Microsoft, Webex), sealed, replaced on every
//! refresh (they rotate), and guarded by a lease so that replicas sharing a database never
//! spend the same token twice.

use std::time::Duration;

use sqlx::Row;

use super::cipher::Sealed;
use super::{TokenVault, VaultError, ms, now_ms};
use crate::domain::user::{UserKey, owner_bytes};
use crate::secret::Secret;

/// Whose token endpoint a refresh token is for. Its name is stored beside the token and is
/// part of the associated data it is sealed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Microsoft,
    Webex,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Self::Microsoft => "microsoft",
            Self::Webex => "webex",
        }
    }

    fn named(name: &str) -> Option<Self> {
        [Self::Microsoft, Self::Webex]
            .into_iter()
            .find(|s| s.name() == name)
    }

    /// The associated data of a sealed token: its owner, and for any service but the first
    /// (whose rows predate the others) the service's name.
    fn owner(self, tenant: &str, user: &str) -> Vec<u8> {
        let mut owner = owner_bytes(tenant, user);
        if self != Self::Microsoft {
            owner.extend_from_slice(format!("\n{}", self.name()).as_bytes());
        }
        owner
    }

    fn owner_of(self, user: &UserKey) -> Vec<u8> {
        self.owner(user.tenant.as_str(), user.user.as_str())
    }
}

/// A refresh token as stored, with the version a refresh must still find to replace it.
#[derive(Debug)]
pub struct StoredRefresh {
    pub token: Secret,
    pub version: i64,
    pub service: Service,
}

/// The outcome of asking to refresh a person's token.
#[derive(Debug)]
pub enum Claim {
    /// This caller holds the lease on this version: refresh, then [`TokenVault::replace_refresh`].
    Granted(StoredRefresh),
    /// Another replica is refreshing; wait for it.
    Busy,
    /// No token is stored: the person must sign in.
    Missing,
}

impl TokenVault {
    /// Stores a person's refresh token for a service, replacing whatever was stored (sign-in,
    /// connecting Webex).
    pub async fn store_refresh(
        &self,
        user: &UserKey,
        service: Service,
        token: &Secret,
    ) -> Result<(), VaultError> {
        let sealed = self
            .keys
            .seal(token.expose().as_bytes(), &service.owner_of(user));
        sqlx::query(
            "INSERT INTO refresh_tokens (tenant_id, user_id, service, key_id, sealed, version, lease_until, updated_at)
             VALUES ($1, $2, $6, $3, $4, 1, 0, $5)
             ON CONFLICT (tenant_id, user_id, service) DO UPDATE SET
                key_id = excluded.key_id, sealed = excluded.sealed,
                version = refresh_tokens.version + 1, lease_until = 0, updated_at = excluded.updated_at",
        )
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(sealed.key_id)
        .bind(sealed.bytes)
        .bind(now_ms())
        .bind(service.name())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether a person holds a token for a service.
    pub async fn holds_refresh(
        &self,
        user: &UserKey,
        service: Service,
    ) -> Result<bool, VaultError> {
        let row = sqlx::query(
            "SELECT 1 AS held FROM refresh_tokens WHERE tenant_id = $1 AND user_id = $2 AND service = $3",
        )
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(service.name())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Forgets one service's token of a person (disconnecting Webex).
    pub async fn forget_refresh(&self, user: &UserKey, service: Service) -> Result<(), VaultError> {
        sqlx::query(
            "DELETE FROM refresh_tokens WHERE tenant_id = $1 AND user_id = $2 AND service = $3",
        )
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(service.name())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes the lease on a person's refresh token for `lease`, if no one else holds it.
    pub async fn claim_refresh(
        &self,
        user: &UserKey,
        service: Service,
        lease: Duration,
    ) -> Result<Claim, VaultError> {
        let now = now_ms();
        let Some(row) = sqlx::query(
            "SELECT key_id, sealed, version, lease_until FROM refresh_tokens
             WHERE tenant_id = $1 AND user_id = $2 AND service = $3",
        )
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(service.name())
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(Claim::Missing);
        };
        let version: i64 = row.try_get("version")?;
        if row.try_get::<i64, _>("lease_until")? > now {
            return Ok(Claim::Busy);
        }
        // Opened before the lease is taken: a token that does not open holds no lease.
        let sealed = Sealed {
            key_id: row.try_get("key_id")?,
            bytes: row.try_get("sealed")?,
        };
        let token = self.keys.open(&sealed, &service.owner_of(user))?;
        // Compare and swap: only one caller moves the lease of this version.
        let taken = sqlx::query(
            "UPDATE refresh_tokens SET lease_until = $1
             WHERE tenant_id = $2 AND user_id = $3 AND version = $4 AND lease_until <= $5
               AND service = $6",
        )
        .bind(now + ms(lease))
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(version)
        .bind(now)
        .bind(service.name())
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        if !taken {
            return Ok(Claim::Busy);
        }
        Ok(Claim::Granted(StoredRefresh {
            token: Secret::new(String::from_utf8_lossy(&token).into_owned()),
            version,
            service,
        }))
    }

    /// Replaces the token a granted claim read with the one the refresh returned, and releases
    /// the lease. `false` when the token changed meanwhile (a new sign-in): the new one stays.
    pub async fn replace_refresh(
        &self,
        user: &UserKey,
        claimed: &StoredRefresh,
        token: &Secret,
    ) -> Result<bool, VaultError> {
        let sealed = self
            .keys
            .seal(token.expose().as_bytes(), &claimed.service.owner_of(user));
        let replaced = sqlx::query(
            "UPDATE refresh_tokens SET key_id = $1, sealed = $2, version = version + 1,
                lease_until = 0, updated_at = $3
             WHERE tenant_id = $4 AND user_id = $5 AND version = $6 AND service = $7",
        )
        .bind(sealed.key_id)
        .bind(sealed.bytes)
        .bind(now_ms())
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(claimed.version)
        .bind(claimed.service.name())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(replaced == 1)
    }

    /// Gives the lease back without a new token (the refresh failed for a passing reason).
    pub async fn release_refresh(
        &self,
        user: &UserKey,
        claimed: &StoredRefresh,
    ) -> Result<(), VaultError> {
        sqlx::query(
            "UPDATE refresh_tokens SET lease_until = 0
             WHERE tenant_id = $1 AND user_id = $2 AND version = $3 AND service = $4",
        )
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(claimed.version)
        .bind(claimed.service.name())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets a person: their refresh tokens (every service) and every session of theirs.
    pub async fn forget_user(&self, user: &UserKey) -> Result<(), VaultError> {
        let mut tx = self.pool.begin().await?;
        for table in ["refresh_tokens", "sessions", "webex_defaults"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE tenant_id = $1 AND user_id = $2"
            ))
            .bind(user.tenant.as_str())
            .bind(user.user.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Re-seals every token not under the current key (`davet rotate-key`). Returns how many.
    pub async fn rotate_keys(&self) -> Result<usize, VaultError> {
        let rows = sqlx::query(
            "SELECT tenant_id, user_id, service, key_id, sealed, version FROM refresh_tokens WHERE key_id <> $1",
        )
        .bind(self.keys.current_id())
        .fetch_all(&self.pool)
        .await?;
        let mut rotated = 0;
        for row in rows {
            let tenant: String = row.try_get("tenant_id")?;
            let user: String = row.try_get("user_id")?;
            let service_name: String = row.try_get("service")?;
            // A service this binary does not know stays as it is, sealed under its key.
            let Some(service) = Service::named(&service_name) else {
                continue;
            };
            let owner = service.owner(&tenant, &user);
            let sealed = Sealed {
                key_id: row.try_get("key_id")?,
                bytes: row.try_get("sealed")?,
            };
            let plain = self.keys.open(&sealed, &owner)?;
            let resealed = self.keys.seal(&plain, &owner);
            // The version stays: a refresh in flight elsewhere still finds its row.
            rotated += sqlx::query(
                "UPDATE refresh_tokens SET key_id = $1, sealed = $2
                 WHERE tenant_id = $3 AND user_id = $4 AND version = $5 AND service = $6",
            )
            .bind(resealed.key_id)
            .bind(resealed.bytes)
            .bind(&tenant)
            .bind(&user)
            .bind(row.try_get::<i64, _>("version")?)
            .bind(service.name())
            .execute(&self.pool)
            .await?
            .rows_affected() as usize;
        }
        Ok(rotated)
    }

    /// How many stored tokens each key id seals, for `davet rotate-key` to report.
    pub async fn tokens_by_key(&self) -> Result<Vec<(String, i64)>, VaultError> {
        let rows = sqlx::query(
            "SELECT key_id, COUNT(*) AS n FROM refresh_tokens GROUP BY key_id ORDER BY key_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("key_id")?, r.try_get("n")?)))
            .collect()
    }
}

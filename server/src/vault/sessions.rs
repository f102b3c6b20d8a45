//! Sessions: the pane holds an opaque token (256 random bits) and sends it as a Bearer header,
//! because Outlook on the web's iframe blocks third-party cookies. The vault keeps only its
//! SHA-256 hash, so a copy of the database signs no one in.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{TokenVault, VaultError, ms, now_ms};
use crate::domain::user::{DirectoryId, SignedInUser, UserKey};
use crate::secret::Secret;

/// Seen this recently, a session's last-seen time is not written again (one write a minute,
/// not one per keystroke of the type-ahead).
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// A session token as the pane holds it.
#[derive(Debug, Clone)]
pub struct SessionToken(Secret);

impl SessionToken {
    fn generate() -> Self {
        Self(Secret::new(
            URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()),
        ))
    }

    pub fn parse(text: &str) -> Option<Self> {
        let well_formed = text.len() == 43
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(Secret::new(text)))
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.expose().as_bytes()))
    }
}

/// How long sessions live: `idle` without use, `lifetime` at most.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle: Duration,
    pub lifetime: Duration,
}

impl TokenVault {
    /// Opens a session for a person; answers its token and when it ends at the latest (ms).
    pub async fn open_session(
        &self,
        user: &SignedInUser,
        limits: SessionLimits,
    ) -> Result<(SessionToken, i64), VaultError> {
        let token = SessionToken::generate();
        let now = now_ms();
        let expires = now + ms(limits.lifetime);
        sqlx::query(
            "INSERT INTO sessions (token_hash, tenant_id, user_id, display_name, username,
                created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind(token.hash())
        .bind(user.key.tenant.as_str())
        .bind(user.key.user.as_str())
        .bind(&user.display_name)
        .bind(&user.username)
        .bind(now)
        .bind(expires)
        .execute(&self.pool)
        .await?;
        Ok((token, expires))
    }

    /// The person a session token stands for, while the session lives. An expired session is
    /// deleted on sight.
    pub async fn session(
        &self,
        token: &SessionToken,
        limits: SessionLimits,
    ) -> Result<Option<SignedInUser>, VaultError> {
        let hash = token.hash();
        let Some(row) = sqlx::query(
            "SELECT tenant_id, user_id, display_name, username, last_seen_at, expires_at
             FROM sessions WHERE token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let now = now_ms();
        let last_seen: i64 = row.try_get("last_seen_at")?;
        let expires: i64 = row.try_get("expires_at")?;
        if now >= expires || now >= last_seen + ms(limits.idle) {
            self.end_session(token).await?;
            return Ok(None);
        }
        if now >= last_seen + ms(TOUCH_EVERY) {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&hash)
                .execute(&self.pool)
                .await?;
        }
        let id = |column: &str| -> Result<DirectoryId, VaultError> {
            let text: String = row.try_get(column)?;
            DirectoryId::parse(&text)
                .map_err(|e| VaultError::Database(sqlx::Error::Decode(e.into())))
        };
        Ok(Some(SignedInUser {
            key: UserKey {
                tenant: id("tenant_id")?,
                user: id("user_id")?,
            },
            display_name: row.try_get("display_name")?,
            username: row.try_get("username")?,
        }))
    }

    pub async fn end_session(&self, token: &SessionToken) -> Result<(), VaultError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token.hash())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

//! Each organiser's remembered Webex options (JSON the caller made: options only, never people
//! or passwords).

use sqlx::Row;

use super::{TokenVault, VaultError, now_ms};
use crate::domain::user::UserKey;

impl TokenVault {
    /// Remembers a person's options, replacing what was remembered.
    pub async fn save_webex_defaults(
        &self,
        user: &UserKey,
        options: &str,
    ) -> Result<(), VaultError> {
        sqlx::query(
            "INSERT INTO webex_defaults (tenant_id, user_id, options, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, user_id) DO UPDATE SET options = excluded.options, updated_at = excluded.updated_at",
        )
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(options)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// What a person's options were last time, if they have scheduled before.
    pub async fn webex_defaults(&self, user: &UserKey) -> Result<Option<String>, VaultError> {
        let row =
            sqlx::query("SELECT options FROM webex_defaults WHERE tenant_id = $1 AND user_id = $2")
                .bind(user.tenant.as_str())
                .bind(user.user.as_str())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| r.try_get("options")).transpose()?)
    }
}

//! The revision each manifest format's content is at ([`crate::manifest`] numbers its versions
//! with it).

use sqlx::Row;

use super::{TokenVault, VaultError, now_ms};

impl TokenVault {
    /// The revision of `format`'s content with this digest: the latest revision when the
    /// content is unchanged since, else a new one above every earlier one (content that comes
    /// back after another gets a new revision too, so versions only rise).
    pub async fn manifest_revision(&self, format: &str, digest: &str) -> Result<i64, VaultError> {
        for _ in 0..8 {
            let latest = sqlx::query(
                "SELECT revision, digest FROM manifest_revisions WHERE format = $1
                 ORDER BY revision DESC LIMIT 1",
            )
            .bind(format)
            .fetch_optional(&self.pool)
            .await?;
            let next = match latest {
                Some(row) => {
                    let revision: i64 = row.try_get("revision")?;
                    if row.try_get::<String, _>("digest")? == digest {
                        return Ok(revision);
                    }
                    revision + 1
                }
                None => 1,
            };
            // Another replica may take this revision first (with the same content, or not):
            // then read again.
            sqlx::query(
                "INSERT INTO manifest_revisions (format, revision, digest, created_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(format)
            .bind(next)
            .bind(digest)
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        }
        Err(VaultError::Contended("manifest revisions"))
    }
}

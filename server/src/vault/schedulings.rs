//! Scheduling records: how far one scheduling from a message has come (ids, a state and times
//! only), so that a retry on any replica finishes it and a sweep undoes one left behind.

use sqlx::Row;

use super::{TokenVault, VaultError, now_ms};
use crate::domain::user::{DirectoryId, UserKey};

/// How far a scheduling has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchedulingState {
    /// Begun: nothing made yet, or a Webex meeting whose answer was lost.
    Started,
    /// The Webex meeting is made; the event is not (yet).
    WebexMade,
    /// Both are made.
    Done,
    /// The event could not be written and the Webex meeting was deleted again.
    Undone,
}

impl SchedulingState {
    fn name(self) -> &'static str {
        match self {
            Self::Started => "started",
            Self::WebexMade => "webex_made",
            Self::Done => "done",
            Self::Undone => "undone",
        }
    }

    fn named(name: &str) -> Self {
        match name {
            "webex_made" => Self::WebexMade,
            "done" => Self::Done,
            "undone" => Self::Undone,
            _ => Self::Started,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduling {
    pub state: SchedulingState,
    pub webex_meeting_id: Option<String>,
    pub event_id: Option<String>,
}

/// A scheduling left between its two steps, for the sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    pub user: UserKey,
    pub key: String,
    pub webex_meeting_id: Option<String>,
}

impl TokenVault {
    /// The record of this scheduling, begun now if there was none.
    pub async fn begin_scheduling(
        &self,
        user: &UserKey,
        key: &str,
    ) -> Result<Scheduling, VaultError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO schedulings (tenant_id, user_id, idempotency_key, state, created_at, updated_at)
             VALUES ($1, $2, $3, 'started', $4, $4)
             ON CONFLICT (tenant_id, user_id, idempotency_key) DO NOTHING",
        )
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(key)
        .bind(now)
        .execute(&self.pool)
        .await?;
        let row = sqlx::query(
            "SELECT state, webex_meeting_id, event_id FROM schedulings
             WHERE tenant_id = $1 AND user_id = $2 AND idempotency_key = $3",
        )
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(key)
        .fetch_one(&self.pool)
        .await?;
        Ok(Scheduling {
            state: SchedulingState::named(&row.try_get::<String, _>("state")?),
            webex_meeting_id: row.try_get("webex_meeting_id")?,
            event_id: row.try_get("event_id")?,
        })
    }

    /// Moves a scheduling on, keeping whichever ids are given.
    pub async fn advance_scheduling(
        &self,
        user: &UserKey,
        key: &str,
        state: SchedulingState,
        webex_meeting_id: Option<&str>,
        event_id: Option<&str>,
    ) -> Result<(), VaultError> {
        sqlx::query(
            "UPDATE schedulings SET state = $1,
                webex_meeting_id = COALESCE($2, webex_meeting_id),
                event_id = COALESCE($3, event_id), updated_at = $4
             WHERE tenant_id = $5 AND user_id = $6 AND idempotency_key = $7",
        )
        .bind(state.name())
        .bind(webex_meeting_id)
        .bind(event_id)
        .bind(now_ms())
        .bind(user.tenant.as_str())
        .bind(user.user.as_str())
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Schedulings left between their steps for longer than `older_than_ms`.
    pub async fn unfinished_schedulings(
        &self,
        older_than_ms: i64,
    ) -> Result<Vec<Unfinished>, VaultError> {
        let rows = sqlx::query(
            "SELECT tenant_id, user_id, idempotency_key, webex_meeting_id FROM schedulings
             WHERE state IN ('started', 'webex_made') AND updated_at < $1",
        )
        .bind(now_ms() - older_than_ms)
        .fetch_all(&self.pool)
        .await?;
        let mut found = Vec::new();
        for row in rows {
            let tenant: String = row.try_get("tenant_id")?;
            let user: String = row.try_get("user_id")?;
            let (Ok(tenant), Ok(user)) = (DirectoryId::parse(&tenant), DirectoryId::parse(&user))
            else {
                continue;
            };
            found.push(Unfinished {
                user: UserKey { tenant, user },
                key: row.try_get("idempotency_key")?,
                webex_meeting_id: row.try_get("webex_meeting_id")?,
            });
        }
        Ok(found)
    }
}

//! The token vault: sealed refresh tokens and sessions, in SQLite (the default: one file, created
//! on first start, in WAL mode) or PostgreSQL (`DAVET_DATABASE_URL=postgres://…`, for several
//! replicas). One set of queries serves both through sqlx's `Any` driver; each backend has its
//! own migrations, applied at start.
//!
//! Architecture invariant: nothing here holds a plaintext token, a message body, or any group or
//! contact membership. Refresh tokens are sealed with AES-256-GCM under the owner's tenant and
//! user ids; sessions are stored as SHA-256 hashes of their tokens.

pub mod cipher;
mod defaults;
mod manifests;
mod schedulings;
mod sessions;
mod tokens;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

pub use cipher::{KeyRing, OpenError, VaultKey};
pub use schedulings::{Scheduling, SchedulingState, Unfinished};
pub use sessions::{SessionLimits, SessionToken};
pub use tokens::{Claim, Service, StoredRefresh};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("the database URL must start with sqlite: or postgres:// (got `{0}`)")]
    UnsupportedUrl(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("the {0} kept changing under us; try again")]
    Contended(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct TokenVault {
    pool: AnyPool,
    backend: Backend,
    keys: KeyRing,
}

impl TokenVault {
    /// Connects, creating a SQLite file when there is none, and applies the migrations.
    pub async fn open(url: &str, keys: KeyRing) -> Result<Self, VaultError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("sqlite:") {
            let create = if url.contains("mode=") {
                ""
            } else if url.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            };
            (Backend::Sqlite, format!("{url}{create}"))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            let shown = url.split('@').next_back().unwrap_or_default();
            return Err(VaultError::UnsupportedUrl(shown.to_owned()));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await?;
        match backend {
            Backend::Sqlite => {
                // WAL lets readers go on while one writer writes; it persists in the file.
                sqlx::query("PRAGMA journal_mode = WAL")
                    .execute(&pool)
                    .await?;
                SQLITE.run(&pool).await?;
            }
            Backend::Postgres => POSTGRES.run(&pool).await?,
        }
        Ok(Self {
            pool,
            backend,
            keys,
        })
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<(), VaultError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Now, in Unix milliseconds: the vault's clock for every stored time.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

fn ms(duration: Duration) -> i64 {
    duration.as_millis().min(i64::MAX as u128) as i64
}

//! The token vault on its own database: nothing in plaintext, keys that rotate, and owners that
//! never meet.

use std::time::Duration;

use davet::domain::user::{DirectoryId, UserKey};
use davet::secret::Secret;
use davet::vault::{Claim, KeyRing, Service, TokenVault, VaultError, VaultKey};

use crate::helpers::{TestDatabase, spawn_app};

const LEASE: Duration = Duration::from_secs(30);

fn key(hex_byte: &str) -> VaultKey {
    VaultKey::parse(&hex_byte.repeat(32)).expect("a key")
}

fn user(tenant: &str, user: &str) -> UserKey {
    UserKey {
        tenant: DirectoryId::parse(tenant).expect("tenant"),
        user: DirectoryId::parse(user).expect("user"),
    }
}

const TENANT_A: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const TENANT_B: &str = "bbbbbbbb-0000-4000-8000-000000000002";
const SAME_OID: &str = "11111111-2222-4333-8444-555555555555";

async fn stored(vault: &TokenVault, who: &UserKey) -> Option<String> {
    match vault
        .claim_refresh(who, Service::Microsoft, LEASE)
        .await
        .expect("claim")
    {
        Claim::Granted(stored) => {
            let token = stored.token.expose().to_owned();
            vault.release_refresh(who, &stored).await.expect("release");
            Some(token)
        }
        Claim::Busy => panic!("nobody else holds it"),
        Claim::Missing => None,
    }
}

#[tokio::test]
async fn after_sign_ins_and_refreshes_the_database_holds_no_token_in_plaintext() {
    let app = spawn_app().await;
    let second = app.sign_in(app.member(2)).await;
    app.state
        .auth
        .tokens
        .forget_access(&app.user_key(app.member(2)))
        .await;
    assert_eq!(
        app.get_as(&second, "api/people?q=ay").await.status(),
        200,
        "a refresh"
    );
    let api_token = app.emulator.api_token(app.member(4));
    let third = app.post_session(&api_token).await;
    assert_eq!(third.status(), 201);
    let third: davet_api::Session = third.json().await.expect("a session");

    let dump = app.database.dump();
    assert!(!dump.is_empty());
    let grants = &app.emulator.world.grants;
    let live = grants.live_refresh_tokens();
    assert_eq!(live.len(), 3, "three people hold refresh tokens");
    let spent = grants.spent_refresh_tokens();
    assert_eq!(spent.len(), 1, "the forced refresh spent one");
    let access = grants.issued_access_tokens();
    assert!(
        access.len() >= 4,
        "Graph access tokens were issued: {}",
        access.len()
    );
    let client_secret = app.settings.identity.client_secret.expose().to_owned();
    let sessions = [app.session.clone(), second, third.session_token];
    let secrets = live
        .iter()
        .chain(&spent)
        .chain(&access)
        .chain(&sessions)
        .chain([&api_token, &client_secret])
        .collect::<Vec<_>>();
    for secret in secrets {
        assert!(
            !dump.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "a token is in the database in plaintext ({})",
            if app.database.is_postgres() {
                "pg_dump"
            } else {
                "SQLite files"
            }
        );
    }
    // The database is not empty of the things it should hold: their hashes and ciphertexts.
    assert_eq!(app.database.rows("refresh_tokens").await, 3);
    assert_eq!(app.database.rows("sessions").await, 3);
}

#[tokio::test]
async fn rotating_the_key_reseals_every_token_and_the_old_key_can_then_go() {
    let database = TestDatabase::new().await;
    let (old, new) = (key("0a"), key("0b"));
    let people = [user(TENANT_A, SAME_OID), user(TENANT_B, SAME_OID)];
    let before = TokenVault::open(&database.url, KeyRing::new(old.clone(), vec![]))
        .await
        .expect("vault");
    for (i, who) in people.iter().enumerate() {
        before
            .store_refresh(
                who,
                Service::Microsoft,
                &Secret::new(format!("refresh-{i}")),
            )
            .await
            .expect("store");
    }
    before.close().await;

    let without_old = TokenVault::open(&database.url, KeyRing::new(new.clone(), vec![]))
        .await
        .expect("vault");
    assert!(matches!(
        without_old
            .claim_refresh(&people[0], Service::Microsoft, LEASE)
            .await,
        Err(VaultError::Open(_))
    ));
    without_old.close().await;

    let rotating = TokenVault::open(&database.url, KeyRing::new(new.clone(), vec![old]))
        .await
        .expect("vault");
    assert_eq!(rotating.rotate_keys().await.expect("rotate"), 2);
    assert_eq!(
        rotating.rotate_keys().await.expect("again"),
        0,
        "nothing left to do"
    );
    assert_eq!(
        rotating.tokens_by_key().await.expect("counts"),
        vec![(new.id().to_owned(), 2)]
    );
    rotating.close().await;

    let after = TokenVault::open(&database.url, KeyRing::new(new, vec![]))
        .await
        .expect("vault");
    for (i, who) in people.iter().enumerate() {
        assert_eq!(stored(&after, who).await, Some(format!("refresh-{i}")));
    }
}

#[tokio::test]
async fn two_tenants_never_meet_even_with_the_same_object_id() {
    let database = TestDatabase::new().await;
    let vault = TokenVault::open(&database.url, KeyRing::new(key("0c"), vec![]))
        .await
        .expect("vault");
    let (a, b) = (user(TENANT_A, SAME_OID), user(TENANT_B, SAME_OID));
    vault
        .store_refresh(&a, Service::Microsoft, &Secret::new("token-of-a"))
        .await
        .expect("a");
    assert_eq!(stored(&vault, &b).await, None, "B sees nothing of A's");
    vault
        .store_refresh(&b, Service::Microsoft, &Secret::new("token-of-b"))
        .await
        .expect("b");
    assert_eq!(stored(&vault, &a).await.as_deref(), Some("token-of-a"));
    assert_eq!(stored(&vault, &b).await.as_deref(), Some("token-of-b"));

    // A's ciphertext filed under B (a swapped row) does not open: it is sealed to A.
    vault.close().await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&database.url).await.expect("pool");
    sqlx::query(
        "UPDATE refresh_tokens SET sealed = (SELECT sealed FROM refresh_tokens WHERE tenant_id = $1)
         WHERE tenant_id = $2",
    )
    .bind(TENANT_A)
    .bind(TENANT_B)
    .execute(&pool)
    .await
    .expect("swap");
    pool.close().await;
    let vault = TokenVault::open(&database.url, KeyRing::new(key("0c"), vec![]))
        .await
        .expect("vault");
    assert!(matches!(
        vault.claim_refresh(&b, Service::Microsoft, LEASE).await,
        Err(VaultError::Open(_))
    ));

    // Forgetting B leaves A alone.
    vault.forget_user(&b).await.expect("forget");
    assert_eq!(stored(&vault, &a).await.as_deref(), Some("token-of-a"));
}

#[tokio::test]
async fn a_sqlite_vault_is_created_on_first_start_in_wal_mode() {
    use sqlx::Row;
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("new.sqlite3");
    let url = format!("sqlite:{}", file.display());
    let vault = TokenVault::open(&url, KeyRing::new(key("0e"), vec![]))
        .await
        .expect("created");
    vault.close().await;
    assert!(file.is_file(), "the file is made on first start");
    let pool = sqlx::AnyPool::connect(&url).await.expect("pool");
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .expect("pragma")
        .try_get(0)
        .expect("mode");
    assert_eq!(mode, "wal");
    // Opening again applies no migration twice.
    TokenVault::open(&url, KeyRing::new(key("0e"), vec![]))
        .await
        .expect("reopened");
}

#[tokio::test]
async fn a_database_url_of_another_kind_is_refused_by_name() {
    let error = TokenVault::open(
        "mysql://user:secret@db/davet",
        KeyRing::new(key("0d"), vec![]),
    )
    .await
    .expect_err("refused");
    let text = error.to_string();
    assert!(
        text.contains("sqlite:") && text.contains("postgres://"),
        "{text}"
    );
    assert!(!text.contains("secret"), "the password is shown: {text}");
}

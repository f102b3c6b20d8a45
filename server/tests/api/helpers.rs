//! One way to spawn the application for a test: the emulators, then the server on port 0,
//! configured exactly as production is, by settings, over a fresh database: a SQLite file, or
//! a new PostgreSQL database when `DAVET_TEST_POSTGRES_URL` names a server (the test command
//! runs this suite once each way).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use davet::app::AppState;
use davet::config::Settings;
use davet::demo::emulated_settings;
use davet::startup::Application;
use davet_emulator::{RunningEmulator, TenantSpec};
use url::Url;

pub struct TestApp {
    pub url: Url,
    pub emulator: RunningEmulator,
    /// Follows no redirects, so sign-in steps can be looked at one by one.
    pub http: reqwest::Client,
    pub settings: Settings,
    /// The first server's shared state, for tests that call the domain directly.
    pub state: AppState,
    /// The session of [`TestApp::member`], signed in at spawn.
    pub session: String,
    pub database: TestDatabase,
    _pane: tempfile::TempDir,
}

/// A database of one test's own.
pub struct TestDatabase {
    pub url: String,
    dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub async fn new() -> Self {
        match std::env::var("DAVET_TEST_POSTGRES_URL") {
            Ok(server) => {
                use sqlx::Connection;
                let name = format!("davet_test_{:016x}", rand::random::<u64>());
                let mut admin = sqlx::PgConnection::connect(&server)
                    .await
                    .expect("the test PostgreSQL server answers");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("a test database");
                let mut url = Url::parse(&server).expect("DAVET_TEST_POSTGRES_URL is a URL");
                url.set_path(&name);
                Self {
                    url: url.into(),
                    dir: None,
                }
            }
            Err(_) => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                Self {
                    url: format!("sqlite:{}", dir.path().join("davet.sqlite3").display()),
                    dir: Some(dir),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.dir.is_none()
    }

    /// Rows in a table, read straight from the database.
    pub async fn rows(&self, table: &str) -> i64 {
        use sqlx::Row;
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.url)
            .await
            .expect("the test database");
        let count: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .fetch_one(&pool)
            .await
            .expect("count")
            .try_get("n")
            .expect("n");
        pool.close().await;
        count
    }

    /// Runs one statement with an integer and a text parameter (tests that move time).
    pub async fn execute(&self, sql: &str, number: i64, text: &str) {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.url)
            .await
            .expect("the test database");
        let changed = sqlx::query(sql)
            .bind(number)
            .bind(text)
            .execute(&pool)
            .await
            .expect("the statement runs")
            .rows_affected();
        assert_eq!(changed, 1, "{sql} changed {changed} rows");
        pool.close().await;
    }

    /// Everything the database holds, as bytes: the SQLite files (WAL included), or
    /// `pg_dump`'s output with every `BYTEA` value (written `\x…` in hex) decoded beside it, so
    /// that a search finds bytes stored in a binary column too.
    pub fn dump(&self) -> Vec<u8> {
        match &self.dir {
            Some(dir) => std::fs::read_dir(dir.path())
                .expect("the database directory")
                .flat_map(|entry| std::fs::read(entry.expect("entry").path()).expect("read"))
                .collect(),
            None => {
                let output = std::process::Command::new(pg_dump())
                    .arg("--dbname")
                    .arg(&self.url)
                    .output()
                    .expect("pg_dump runs");
                assert!(
                    output.status.success(),
                    "{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                let mut dump = output.stdout;
                let decoded = decode_bytea(&dump);
                assert!(
                    !decoded.is_empty(),
                    "the dump holds BYTEA values (the sealed tokens) and they decode"
                );
                dump.extend(decoded);
                dump
            }
        }
    }
}

/// The bytes of every `\x<hex>` run in `pg_dump`'s text (how it writes `BYTEA`), one after
/// another.
fn decode_bytea(dump: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = dump;
    while let Some(at) = rest.windows(2).position(|w| w == b"\\x") {
        let hex: Vec<u8> = rest[at + 2..]
            .iter()
            .copied()
            .take_while(u8::is_ascii_hexdigit)
            .collect();
        let even = hex.len() / 2 * 2;
        if let Ok(bytes) = hex::decode(&hex[..even]) {
            out.extend(bytes);
            out.push(b'\n');
        }
        rest = &rest[at + 2 + hex.len()..];
    }
    out
}

fn pg_dump() -> std::path::PathBuf {
    std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|v| v.path().join("bin/pg_dump"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| "pg_dump".into())
}

/// A built pane is not needed here: a stand-in directory with the files the server serves.
pub const HASHED_ASSET: &str = "davet_pane-0123456789abcdef.js";
pub const ASSET_BODY: &str = "export default 1;\n";

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let emulator = RunningEmulator::start(TenantSpec::DEMO)
        .await
        .expect("the emulators start");
    spawn_app_on(emulator, adjust).await
}

/// The app against emulators started already (several tenants, say).
pub async fn spawn_app_on(
    emulator: RunningEmulator,
    adjust: impl FnOnce(&mut Settings),
) -> TestApp {
    let database = TestDatabase::new().await;
    let pane = fake_pane();
    let mut settings = emulated_settings(
        &emulator,
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        Url::parse("https://davet.contoso.example/").expect("url"),
        pane.path().to_owned(),
        &database.url,
    );
    adjust(&mut settings);
    let (url, state) = start_replica(&settings).await;
    let mut app = TestApp {
        url,
        state,
        emulator,
        http: client_for(&settings),
        settings,
        session: String::new(),
        database,
        _pane: pane,
    };
    app.session = app.sign_in(app.member(0)).await;
    app
}

/// Starts one more server on these settings (a replica: same database, same emulators), and
/// answers its address and state.
pub async fn start_replica(settings: &Settings) -> (Url, AppState) {
    let app = Application::build(settings).await.expect("the app builds");
    let scheme = if settings.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let addr = app.local_addr().expect("addr");
    let url = Url::parse(&format!("{scheme}://{addr}/")).expect("url");
    let state = app.state().clone();
    tokio::spawn(app.run());
    (url, state)
}

/// A client that follows no redirects and, when the server terminates TLS, trusts what its
/// certificate file holds (the chain ends with the test's own authority).
pub fn client_for(settings: &Settings) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tls_info(true);
    if let Some(tls) = &settings.tls {
        let pem = std::fs::read(&tls.certificate).expect("the certificate file");
        for certificate in reqwest::Certificate::from_pem_bundle(&pem).expect("PEM") {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder.build().expect("a client")
}

fn fake_pane() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary pane");
    let write =
        |name: &str, body: &[u8]| std::fs::write(dir.path().join(name), body).expect("write");
    write(
        "taskpane.html",
        format!(
            "<script src=\"{}\"></script>",
            davet::pane::OFFICE_JS_PLACEHOLDER
        )
        .as_bytes(),
    );
    write(HASHED_ASSET, ASSET_BODY.as_bytes());
    write(&format!("{HASHED_ASSET}.br"), b"brotli bytes");
    write(&format!("{HASHED_ASSET}.gz"), b"gzip bytes");
    dir
}

impl TestApp {
    /// A GET within the test's session.
    pub async fn get(&self, path_and_query: &str) -> reqwest::Response {
        self.get_as(&self.session, path_and_query).await
    }

    pub async fn get_as(&self, session: &str, path_and_query: &str) -> reqwest::Response {
        self.http
            .get(self.url.join(path_and_query).expect("url"))
            .bearer_auth(session)
            .send()
            .await
            .expect("the server answers")
    }

    /// A GET with no session at all.
    pub async fn get_anonymous(&self, path_and_query: &str) -> reqwest::Response {
        self.http
            .get(self.url.join(path_and_query).expect("url"))
            .send()
            .await
            .expect("the server answers")
    }

    /// The index of the `n`th enabled member of the tenant (people who can sign in).
    pub fn member(&self, n: usize) -> usize {
        let users = &self.emulator.world.tenant.users;
        (0..users.len())
            .filter(|&i| users[i].account_enabled && users[i].user_type == "Member")
            .nth(n)
            .expect("the tenant has enough members")
    }

    /// Who `user` is, as the vault files them.
    pub fn user_key(&self, user: usize) -> davet::domain::user::UserKey {
        use davet::domain::user::DirectoryId;
        let world = &self.emulator.world;
        davet::domain::user::UserKey {
            tenant: DirectoryId::parse(&world.tenant.id).expect("tenant id"),
            user: DirectoryId::parse(&world.tenant.users[user].id).expect("user id"),
        }
    }

    /// The claims of a JWT, unverified (to make variants of a real token).
    pub fn claims_of(token: &str) -> serde_json::Value {
        use base64::Engine;
        let payload = token.split('.').nth(1).expect("a JWT");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64url");
        serde_json::from_slice(&bytes).expect("claims")
    }

    /// A token for our API with `change` applied to the claims, signed by the platform's key.
    pub fn api_token_with(
        &self,
        user: usize,
        change: impl FnOnce(&mut serde_json::Value),
    ) -> String {
        let mut claims = Self::claims_of(&self.emulator.api_token(user));
        change(&mut claims);
        self.emulator.world.keys.sign(&claims)
    }

    /// `POST /api/session` with `token` as the Bearer.
    pub async fn post_session(&self, token: &str) -> reqwest::Response {
        self.post_session_to(&self.url, token).await
    }

    pub async fn post_session_to(&self, server: &Url, token: &str) -> reqwest::Response {
        self.http
            .post(server.join("api/session").expect("url"))
            .bearer_auth(token)
            .send()
            .await
            .expect("the server answers")
    }

    /// Signs `user` in as nested app authentication does: the pane's token for our API is
    /// traded for a session. Answers the session token.
    pub async fn sign_in(&self, user: usize) -> String {
        let response = self.post_session(&self.emulator.api_token(user)).await;
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
        let session: davet_api::Session = response.json().await.expect("a session");
        session.session_token
    }
}

/// Where a redirect sends the browser.
pub fn location(response: &reqwest::Response) -> Url {
    let text = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a Location");
    Url::parse(text).expect("a URL")
}

/// A port nothing listens on.
pub fn closed_port_url(path: &str) -> Url {
    let port = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    Url::parse(&format!("http://127.0.0.1:{port}{path}")).expect("url")
}

pub fn manifest_schema() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("DAVET_MANIFEST_SCHEMA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/spec/office-manifest-xsd/OfficeAppManifestV1_1.xsd")
        });
    path.is_file().then_some(path)
}

impl TestApp {
    /// Posts an expansion and reads every NDJSON line of the answer.
    pub async fn expand(
        &self,
        selection: Vec<davet_api::Selection>,
    ) -> Vec<davet_api::ExpandEvent> {
        let response = self
            .http
            .post(self.url.join("api/expand").expect("url"))
            .bearer_auth(&self.session)
            .json(&davet_api::ExpandRequest { selection })
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        assert_eq!(
            response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().ok()),
            Some(Some(davet_api::NDJSON))
        );
        response
            .text()
            .await
            .expect("body")
            .lines()
            .map(|line| serde_json::from_str(line).expect("an event a line"))
            .collect()
    }
}

impl TestApp {
    /// Connects Webex as the pane's popup does, the person choosing the Webex account under
    /// `webex_address` on Webex's page. Answers what the popup hands the pane.
    pub async fn connect_webex(
        &self,
        session: &str,
        webex_address: &str,
    ) -> davet_api::WebexConnectOutcome {
        let app = self;
        let started = app
            .http
            .post(app.url.join("api/webex/connection").expect("url"))
            .bearer_auth(session)
            .send()
            .await
            .expect("the server answers");
        assert_eq!(started.status(), reqwest::StatusCode::CREATED);
        let start: davet_api::WebexConnectStart = started.json().await.expect("a start");
        let ours = url::Url::parse(&start.url).expect("a URL");
        let to_webex = app
            .http
            .get(
                app.url
                    .join(&format!(
                        "{}?{}&mode=popup",
                        ours.path(),
                        ours.query().unwrap_or_default()
                    ))
                    .expect("url"),
            )
            .send()
            .await
            .expect("answers");
        assert_eq!(to_webex.status(), reqwest::StatusCode::SEE_OTHER);
        let authorize = location(&to_webex);
        assert!(
            authorize
                .as_str()
                .starts_with(app.emulator.webex_url.as_str())
        );
        let page = app
            .http
            .get(authorize.clone())
            .send()
            .await
            .expect("answers");
        assert_eq!(page.status(), reqwest::StatusCode::OK);
        let person = app
            .emulator
            .webex
            .person_by_email(webex_address)
            .expect("a Webex account")
            .id
            .clone();
        let mut form: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
        form.push(("person".into(), person));
        let mut decision_url = authorize.clone();
        decision_url.set_query(None);
        let decided = app
            .http
            .post(decision_url)
            .form(&form)
            .send()
            .await
            .expect("answers");
        assert_eq!(decided.status(), reqwest::StatusCode::SEE_OTHER);
        let back = location(&decided);
        assert_eq!(back.path(), "/webex/callback");
        let page = app
            .http
            .get(
                app.url
                    .join(&format!(
                        "/webex/callback?{}",
                        back.query().unwrap_or_default()
                    ))
                    .expect("url"),
            )
            .send()
            .await
            .expect("answers");
        assert_eq!(page.status(), reqwest::StatusCode::OK);
        let html = page.text().await.expect("a page");
        let json = html
            .split("id=\"davet-outcome\">")
            .nth(1)
            .and_then(|rest| rest.split("</script>").next())
            .expect("the outcome on the page");
        serde_json::from_str(json).expect("an outcome")
    }
}

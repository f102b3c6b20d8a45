//! One way to spawn the application for a test: the emulators, then the server on port 0,
//! configured exactly as production is, by settings.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use davet::config::Settings;
use davet::demo::emulated_settings;
use davet::startup::Application;
use davet_emulator::{RunningEmulator, TenantSpec};
use url::Url;

pub struct TestApp {
    pub url: Url,
    pub emulator: RunningEmulator,
    pub http: reqwest::Client,
    pub settings: Settings,
    _pane: tempfile::TempDir,
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
    let pane = fake_pane();
    let mut settings = emulated_settings(
        &emulator,
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        Url::parse("https://davet.contoso.example/").expect("url"),
        pane.path().to_owned(),
    );
    adjust(&mut settings);
    let app = Application::build(&settings).await.expect("the app builds");
    let url = Url::parse(&format!("http://{}/", app.local_addr().expect("addr"))).expect("url");
    tokio::spawn(app.run());
    TestApp {
        url,
        emulator,
        http: reqwest::Client::new(),
        settings,
        _pane: pane,
    }
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
    pub async fn get(&self, path_and_query: &str) -> reqwest::Response {
        self.http
            .get(self.url.join(path_and_query).expect("url"))
            .send()
            .await
            .expect("the server answers")
    }
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

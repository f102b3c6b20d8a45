//! How Davet takes connections: TLS of its own with a certificate that renews without a
//! restart, the security headers over HTTPS, and every wait a client can impose bounded.

use std::time::Duration;

use davet::demo::certificates::LocalCertificates;
use davet_emulator::controls::Latency;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{TestApp, spawn_app_with};

async fn tls_app() -> (TestApp, LocalCertificates, tempfile::TempDir) {
    let folder = tempfile::tempdir().expect("a folder");
    let certificates = LocalCertificates::in_folder(folder.path()).expect("certificates");
    let files = certificates.server.clone();
    let app = spawn_app_with(|s| s.tls = Some(files)).await;
    (app, certificates, folder)
}

/// The server certificate a fresh connection is shown.
async fn presented(app: &TestApp) -> Vec<u8> {
    let client = crate::helpers::client_for(&app.settings);
    let response = client
        .get(app.url.join("healthz").expect("url"))
        .send()
        .await
        .expect("an HTTPS answer");
    response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .expect("a certificate")
        .to_vec()
}

#[tokio::test]
async fn davet_serves_https_itself_with_strict_headers_on_the_pane_the_api_and_the_manifest() {
    let (app, _certificates, _folder) = tls_app().await;
    assert_eq!(app.url.scheme(), "https");
    for path in [
        "pane/taskpane.html",
        "api/people?q=ay",
        "manifest.xml",
        "manifest.json",
        "manifest.zip",
        "api/no/such/thing",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(
            headers["strict-transport-security"], "max-age=31536000; includeSubDomains",
            "{path}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("content-security-policy"), "{path}");
    }
    assert_eq!(app.get("api/people?q=ay").await.status(), StatusCode::OK);
    // Plain HTTP on the TLS port is not served.
    let plain = reqwest::get(format!(
        "http://{}/healthz",
        app.url
            .host_str()
            .zip(app.url.port())
            .map(|(h, p)| format!("{h}:{p}"))
            .expect("addr")
    ))
    .await;
    assert!(plain.is_err(), "plain HTTP was answered on the TLS port");
}

#[tokio::test]
async fn a_renewed_certificate_is_served_without_a_restart() {
    let (app, certificates, _folder) = tls_app().await;
    let before = presented(&app).await;
    certificates.renew().expect("a renewal");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now = presented(&app).await;
        if now != before {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the renewed certificate was never served"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A broken renewal (a key that is not the certificate's) keeps the certificate in use.
    let serving = presented(&app).await;
    std::fs::write(&certificates.server.key, "not a key").expect("write");
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(presented(&app).await, serving);
}

#[tokio::test]
async fn hsts_goes_only_over_https_and_a_forwarded_proto_counts_only_from_a_listed_proxy() {
    let untrusting = spawn_app_with(|_| {}).await;
    let trusting =
        spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().expect("net")]).await;
    let ask = |app: &TestApp, forwarded: Option<&'static str>| {
        let mut request = app.http.get(app.url.join("healthz").expect("url"));
        if let Some(proto) = forwarded {
            request = request.header("x-forwarded-proto", proto);
        }
        async move {
            request
                .send()
                .await
                .expect("an answer")
                .headers()
                .contains_key("strict-transport-security")
        }
    };
    assert!(!ask(&untrusting, None).await, "HSTS over plain HTTP");
    assert!(
        !ask(&untrusting, Some("https")).await,
        "an unlisted proxy was believed"
    );
    assert!(ask(&trusting, Some("https")).await);
    assert!(!ask(&trusting, Some("http")).await);
    assert!(!ask(&trusting, None).await);
}

/// Reads until the server closes the connection; false if it is still open after `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0_u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, read_all).await.is_ok()
}

fn addr(app: &TestApp) -> String {
    format!(
        "{}:{}",
        app.url.host_str().expect("host"),
        app.url.port().expect("port")
    )
}

#[tokio::test]
async fn idle_and_slow_clients_are_let_go() {
    let app = spawn_app_with(|s| s.limits.header_read = Duration::from_secs(1)).await;
    // A connection that never sends anything.
    let mut idle = TcpStream::connect(addr(&app)).await.expect("connect");
    assert!(
        closed_within(&mut idle, Duration::from_secs(20)).await,
        "an idle connection stayed open"
    );
    // One that sends its headers a byte at a time, slower than the bound allows.
    let mut slow = TcpStream::connect(addr(&app)).await.expect("connect");
    let trickle = async {
        for byte in b"GET /healthz HTTP/1.1\r\nHost: davet\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n" {
            if slow.write_all(&[*byte]).await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        false
    };
    let cut_off = trickle.await;
    let mut rest = Vec::new();
    let answered = slow
        .read_to_end(&mut rest)
        .await
        .map(|_| rest.starts_with(b"HTTP/1.1 200"))
        .unwrap_or(false);
    assert!(
        cut_off || !answered,
        "a 20-second header trickle was answered"
    );
    // A keep-alive connection left idle after its answer.
    let mut kept = TcpStream::connect(addr(&app)).await.expect("connect");
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: davet\r\n\r\n")
        .await
        .expect("write");
    let mut first = [0_u8; 12];
    kept.read_exact(&mut first).await.expect("an answer");
    assert_eq!(&first, b"HTTP/1.1 200");
    assert!(
        closed_within(&mut kept, Duration::from_secs(20)).await,
        "a kept-alive idle connection stayed open"
    );
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_others_to_close() {
    let app = spawn_app_with(|s| {
        s.limits.max_connections = 2;
        s.limits.header_read = Duration::from_secs(60);
    })
    .await;
    let mut holders = Vec::new();
    for _ in 0..2 {
        holders.push(TcpStream::connect(addr(&app)).await.expect("connect"));
    }
    let mut third = TcpStream::connect(addr(&app))
        .await
        .expect("the kernel takes it");
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: davet\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut answer = Vec::new();
    let early =
        tokio::time::timeout(Duration::from_millis(800), third.read_to_end(&mut answer)).await;
    assert!(
        early.is_err() && answer.is_empty(),
        "a third connection was served past the cap of two"
    );
    // (The test's own client may keep a pooled connection too: the cap counts it.)
    drop(holders);
    tokio::time::timeout(Duration::from_secs(20), third.read_to_end(&mut answer))
        .await
        .expect("served once a place was free")
        .expect("read");
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

#[tokio::test]
async fn an_answer_that_does_not_begin_in_time_is_an_api_error() {
    let app = spawn_app_with(|s| s.limits.request = Duration::from_secs(1)).await;
    app.emulator.graph_controls().set_latency(Latency {
        fixed: Duration::from_secs(5),
        jitter: Duration::ZERO,
    });
    let response = app.get("api/people?q=ay").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let error: davet_api::ApiError = response.json().await.expect("an ApiError");
    assert_eq!(error.code, davet_api::ErrorCode::Internal);
    assert!(error.message.contains("too long"), "{}", error.message);
    assert!(!error.message_tr.is_empty() && error.message_tr != error.message);
}

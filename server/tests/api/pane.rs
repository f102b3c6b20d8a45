//! The pane's files and the headers every answer carries.

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY};

use crate::helpers::{ASSET_BODY, HASHED_ASSET, spawn_app};

#[tokio::test]
async fn the_pane_page_loads_office_js_from_the_configured_url_and_is_not_cached() {
    let app = spawn_app().await;
    let response = app.get("pane/taskpane.html").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CACHE_CONTROL], "no-cache");
    let csp = response.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp")
        .to_owned();
    let body = response.text().await.expect("body");
    assert!(body.contains(davet::config::OFFICE_JS_CDN), "{body}");
    assert!(!body.contains(davet::pane::OFFICE_JS_PLACEHOLDER));
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval' https://appsforoffice.microsoft.com;"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'self' https://outlook.office.com"));
}

#[tokio::test]
async fn hashed_assets_are_served_precompressed_by_accept_encoding_and_cached_for_good() {
    let app = spawn_app().await;
    let url = app.url.join(&format!("pane/{HASHED_ASSET}")).expect("url");
    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("identity", None, ASSET_BODY),
    ] {
        let response = app
            .http
            .get(url.clone())
            .header("accept-encoding", accept)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response
                .headers()
                .get(CONTENT_ENCODING)
                .map(|v| v.to_str().expect("ascii")),
            encoding,
            "Accept-Encoding: {accept}"
        );
        assert_eq!(
            response.headers()[CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .contains("javascript")
        );
        assert_eq!(response.text().await.expect("body"), body);
    }
}

#[tokio::test]
async fn every_answer_carries_strict_security_headers() {
    let app = spawn_app().await;
    for path in [
        "pane/taskpane.html",
        "api/people?q=a",
        "manifest.xml",
        "no/such/page",
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(headers.contains_key("content-security-policy"), "{path}");
        // Plain HTTP: no HSTS (RFC 6797 §7.2); transport.rs checks it over HTTPS.
        assert!(!headers.contains_key("strict-transport-security"), "{path}");
    }
}

#[tokio::test]
async fn the_demo_host_page_is_not_served_in_production() {
    let app = spawn_app().await;
    assert_eq!(app.get("").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("demo/office-shim.js").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn icons_are_real_pngs() {
    let app = spawn_app().await;
    for size in [16, 32, 64, 80, 128] {
        let response = app.get(&format!("assets/icon-{size}.png")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.bytes().await.expect("png");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes(bytes[16..20].try_into().expect("4 bytes"));
        assert_eq!(width, size);
    }
    assert_eq!(
        app.get("assets/icon-17.png").await.status(),
        StatusCode::NOT_FOUND
    );
}

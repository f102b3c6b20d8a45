//! Serves the built task pane and the headers every page of ours carries.
//!
//! `taskpane.html` is rendered once at start (it names the Office.js URL, which differs between
//! production and the demo) and never cached; the hashed assets beside it are immutable and
//! served precompressed (brotli, then gzip) by `Accept-Encoding`.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use url::Url;

/// Where the pane's page names the Office.js URL; `cargo xtask pane` writes it.
pub const OFFICE_JS_PLACEHOLDER: &str = "__OFFICE_JS_URL__";
/// Where it names the app's client id and its API scope, for nested app authentication.
pub const CLIENT_ID_PLACEHOLDER: &str = "__DAVET_CLIENT_ID__";
pub const API_SCOPE_PLACEHOLDER: &str = "__DAVET_API_SCOPE__";

/// What the pane's page is told of this deployment.
#[derive(Debug, Clone)]
pub struct PageSettings<'a> {
    pub office_js_url: &'a str,
    pub client_id: &'a str,
    /// `api://host/client-id/access_as_user`.
    pub api_scope: String,
}

/// Outlook's web origins, which frame the pane.
const OUTLOOK_FRAME_ANCESTORS: &str = "https://outlook.office.com https://outlook.office365.com \
     https://outlook.live.com https://outlook.cloud.microsoft https://*.outlook.com \
     https://*.office.com https://*.office365.com https://*.officeapps.live.com";

#[derive(Debug, thiserror::Error)]
#[error("the task pane is not built in {}: run `cargo xtask pane` ({why})", dir.display())]
pub struct PaneMissing {
    dir: PathBuf,
    why: String,
}

#[derive(Debug, Clone)]
pub struct Pane {
    dir: PathBuf,
    page: String,
}

impl Pane {
    pub fn load(dir: &Path, page: &PageSettings<'_>) -> Result<Self, PaneMissing> {
        let template =
            std::fs::read_to_string(dir.join("taskpane.html")).map_err(|e| PaneMissing {
                dir: dir.to_owned(),
                why: e.to_string(),
            })?;
        Ok(Self {
            dir: dir.to_owned(),
            page: template
                .replace(OFFICE_JS_PLACEHOLDER, &escaped(page.office_js_url))
                .replace(CLIENT_ID_PLACEHOLDER, &escaped(page.client_id))
                .replace(API_SCOPE_PLACEHOLDER, &escaped(&page.api_scope)),
        })
    }

    pub fn router<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        let page = self.page;
        let assets = Router::new()
            .fallback_service(
                ServeDir::new(&self.dir)
                    .precompressed_br()
                    .precompressed_gzip(),
            )
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ));
        Router::new()
            .route(
                "/pane/taskpane.html",
                get(move || async move {
                    ([(header::CACHE_CONTROL, "no-cache")], Html(page)).into_response()
                }),
            )
            .nest("/pane", assets)
    }
}

/// A value as HTML text (the placeholders sit in attributes and text alike).
fn escaped(value: &str) -> String {
    maud::html! { (value) }.into_string()
}

/// Strict security headers for every answer. The content security policy allows scripts from
/// ourselves and Office.js's origin only, WebAssembly compilation (`wasm-unsafe-eval`), no
/// inline script or style, and framing by ourselves and Outlook on the web.
///
/// `Strict-Transport-Security` goes only on answers that travel over HTTPS (RFC 6797 §7.2: not
/// over plain HTTP): TLS Davet terminated, or a proxy among `trusted_proxies` that says
/// `X-Forwarded-Proto: https`. Anyone else's `X-Forwarded-…` is ignored, and Davet builds every
/// address it hands out from `DAVET_PUBLIC_URL`, never from `Host` or `X-Forwarded-Host`.
pub fn security_headers<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    office_js_url: &str,
    trusted_proxies: Vec<ipnet::IpNet>,
) -> Router<S> {
    let office_origin = Url::parse(office_js_url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null")
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{office_origin}; style-src 'self'; \
         img-src 'self' data: blob:; connect-src 'self'; frame-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'self' {OUTLOOK_FRAME_ANCESTORS}"
    );
    let headers = [
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::REFERRER_POLICY, "no-referrer".to_owned()),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()".to_owned(),
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin".to_owned(),
        ),
    ];
    let trusted = std::sync::Arc::new(trusted_proxies);
    headers
        .into_iter()
        .fold(
            router,
            |router, (name, value)| match HeaderValue::from_str(&value) {
                Ok(value) => router.layer(SetResponseHeaderLayer::if_not_present(name, value)),
                Err(_) => router,
            },
        )
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let secure = over_https(&request, &trusted);
                async move {
                    let mut response = next.run(request).await;
                    if secure {
                        response.headers_mut().insert(
                            header::STRICT_TRANSPORT_SECURITY,
                            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
                        );
                    }
                    response
                }
            },
        ))
}

/// Whether the request reached us over HTTPS, as far as we can know.
fn over_https(request: &axum::extract::Request, trusted: &[ipnet::IpNet]) -> bool {
    let Some(arrival) = request.extensions().get::<crate::transport::Arrival>() else {
        return false;
    };
    arrival.tls
        || (trusted.iter().any(|p| p.contains(&arrival.peer.ip()))
            && request
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https")))
}

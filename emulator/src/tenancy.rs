//! Which tenant answers a request, when several share the emulator's hosts: Graph by the `tid`
//! of the request's token, the identity platform by the tenant in the path. `common` and
//! `organizations` serve the key set and discovery (the keys are the same for every tenant);
//! other requests to them go to the home tenant, which refuses them as a single-tenant
//! authority would.

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::Uri;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tower::ServiceExt;

use crate::World;

/// Graph: the router of the tenant the bearer token names; the first when none does (it then
/// refuses the token itself).
pub(crate) fn by_token(routers: Vec<(String, Router)>) -> Router {
    let routers = Arc::new(routers);
    Router::new().fallback(move |request: Request| {
        let routers = routers.clone();
        async move {
            let tid = token_tenant(&request);
            let router = routers
                .iter()
                .find(|(id, _)| Some(id.as_str()) == tid.as_deref())
                .unwrap_or(&routers[0])
                .1
                .clone();
            forward(router, request).await
        }
    })
}

/// The identity platform: the router of the tenant named by the first path segment.
pub(crate) fn by_path(routers: Vec<(Arc<World>, Router)>) -> Router {
    let routers = Arc::new(routers);
    Router::new().fallback(move |mut request: Request| {
        let routers = routers.clone();
        async move {
            let path = request.uri().path().to_owned();
            let segment = path.trim_start_matches('/').split('/').next().unwrap_or("");
            let named = routers
                .iter()
                .find(|(w, _)| w.tenant.id == segment || w.tenant.domain == segment);
            let (world, router) = named.unwrap_or(&routers[0]);
            let shared = path.ends_with("/discovery/v2.0/keys")
                || path.ends_with("/v2.0/.well-known/openid-configuration");
            if named.is_none() && shared && matches!(segment, "common" | "organizations") {
                let rest = &path[segment.len() + 1..];
                let query = request
                    .uri()
                    .query()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default();
                if let Ok(uri) = format!("/{}{rest}{query}", world.tenant.id).parse::<Uri>() {
                    *request.uri_mut() = uri;
                }
            }
            forward(router.clone(), request).await
        }
    })
}

async fn forward(router: Router, request: Request) -> Response {
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The `tid` claim of the request's bearer token, read without verifying: only to route; the
/// tenant's own router verifies the token in full.
fn token_tenant(request: &Request) -> Option<String> {
    let header = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let token = header.strip_prefix("Bearer ")?;
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims["tid"].as_str().map(str::to_owned)
}

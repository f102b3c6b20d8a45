//! Admin pages: consent for the organisation, and which feature uses which permission.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Redirect, Response};
use serde::Deserialize;

use crate::auth::Auth;
use crate::auth::sign_in::{SignInMode, SignInState};
use crate::domain::user::DirectoryId;
use crate::error::AppError;
use crate::extract::Query;
use crate::pages;

/// Where the admin-consent page sends the admin back; register it in Entra ID.
pub const CONSENT_DONE_PATH: &str = "/admin/consent/done";

/// `GET /admin/consent`: off to the identity platform's admin-consent page.
pub async fn consent(State(auth): State<Auth>) -> Result<Redirect, AppError> {
    let sealed = SignInState::new(SignInMode::Consent, String::new()).seal(&auth.keys);
    let url = auth
        .identity
        .admin_consent_url(&auth.our_url(CONSENT_DONE_PATH), &sealed)?;
    Ok(Redirect::to(url.as_str()))
}

#[derive(Debug, Deserialize)]
pub struct ConsentDone {
    admin_consent: Option<String>,
    tenant: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    lang: Option<String>,
}

/// `GET /admin/consent/done`: what the admin decided.
pub async fn consent_done(
    State(auth): State<Auth>,
    headers: HeaderMap,
    Query(done): Query<ConsentDone>,
) -> Response {
    let lang = pages::pick_lang(done.lang.as_deref(), &headers);
    let ours = done
        .state
        .as_deref()
        .and_then(|s| SignInState::open(s, &auth.keys))
        .is_some_and(|s| s.mode == SignInMode::Consent);
    let outcome = match (&done.admin_consent, &done.tenant, &done.error) {
        _ if !ours => Err("this consent was not started here, or it expired"),
        (Some(granted), Some(tenant), None) if granted.eq_ignore_ascii_case("true") => {
            verified(&auth, tenant).await
        }
        _ => Err(done
            .error_description
            .as_deref()
            .or(done.error.as_deref())
            .unwrap_or("no answer")),
    };
    pages::consent_outcome(lang, outcome)
}

/// What the browser says was granted is believed only once the platform agrees: an app-only
/// token for that tenant is issued only where its admin consented. The tenant is the
/// browser's text, so it is logged only as a tenant id.
async fn verified<'a>(auth: &Auth, tenant: &'a str) -> Result<&'a str, &'static str> {
    let Ok(id) = DirectoryId::parse(tenant) else {
        tracing::info!("admin consent answered for a value that is no tenant id");
        return Err("the answer names no tenant");
    };
    match auth.identity.app_token(&id).await {
        Ok(_) => {
            tracing::info!(tenant = %id, "admin consent granted and verified");
            Ok(tenant)
        }
        Err(error) => {
            tracing::info!(tenant = %id, %error, "admin consent could not be verified");
            Err(
                "the consent could not be verified: Microsoft issued no token to Davet for this tenant",
            )
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct LangParam {
    lang: Option<String>,
}

/// `GET /admin/permissions`.
pub async fn permissions(headers: HeaderMap, Query(q): Query<LangParam>) -> Response {
    pages::permissions(pages::pick_lang(q.lang.as_deref(), &headers))
}

//! The authorization code flow with PKCE, for Outlook clients without nested app authentication
//! (an Office dialog) and for plain browsers (a popup). The server is the confidential client:
//! the code and the tokens never reach the browser; the pane receives a session.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use davet_api::{Lang, SignInOutcome};
use serde::Deserialize;

use crate::app::PageContext;
use crate::auth::Auth;
use crate::auth::sign_in::{Delivery, SignInMode, SignInState};
use crate::error::{AppError, Invalid};
use crate::extract::Query;
use crate::identity::Pkce;
use crate::pages;

/// Where the identity platform sends the browser back; register it in Entra ID.
pub const CALLBACK_PATH: &str = "/auth/callback";

#[derive(Debug, Deserialize)]
pub struct StartParams {
    /// `dialog` or `popup`: how the outcome reaches the pane.
    mode: Delivery,
}

/// `GET /auth/start?mode=dialog|popup`: off to the identity platform's sign-in page.
pub async fn start(
    State(auth): State<Auth>,
    Query(params): Query<StartParams>,
) -> Result<Redirect, AppError> {
    let pkce = Pkce::generate();
    let sign_in = SignInState::new(SignInMode::Pane(params.mode), pkce.verifier);
    let url = auth.identity.authorize_url(
        &auth.our_url(CALLBACK_PATH),
        &sign_in.seal(&auth.keys),
        &sign_in.nonce,
        &pkce.challenge,
    )?;
    Ok(Redirect::to(url.as_str()))
}

#[derive(Debug, Deserialize)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    lang: Option<String>,
}

/// `GET /auth/callback`: redeem the code, check the ID token, open a session, and hand the
/// outcome to the pane.
pub async fn callback(
    State(auth): State<Auth>,
    State(page): State<PageContext>,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> Response {
    let lang = pages::pick_lang(params.lang.as_deref(), &headers);
    let opened = params
        .state
        .as_deref()
        .and_then(|s| SignInState::open(s, &auth.keys));
    let Some((sign_in, delivery)) = opened.and_then(|s| match s.mode {
        SignInMode::Pane(delivery) => Some((s, delivery)),
        SignInMode::Consent => None,
    }) else {
        // Not a sign-in we began (or too old): there is no pane to answer.
        let error = AppError::from(Invalid::SignInNotOurs);
        return finish(&page, lang, Delivery::Popup, Err(error));
    };
    let outcome = complete(&auth, &sign_in, &params).await;
    finish(&page, lang, delivery, outcome)
}

async fn complete(
    auth: &Auth,
    sign_in: &SignInState,
    params: &CallbackParams,
) -> Result<davet_api::Session, AppError> {
    if let Some(error) = &params.error {
        // What the browser brought back is the client's to write: only a documented OAuth error
        // code and an AADSTS number of the documented shape reach the log, never the text.
        let error = oauth_error(error);
        let aadsts = params
            .error_description
            .as_deref()
            .and_then(aadsts_code)
            .unwrap_or("none");
        tracing::info!(error, aadsts, "sign-in refused by the identity platform");
        return Err(AppError::SignInRefused(error));
    }
    let code = params.code.as_deref().ok_or(Invalid::NoCode)?;
    let tokens = auth
        .identity
        .redeem_code(code, &sign_in.verifier, &auth.our_url(CALLBACK_PATH))
        .await?;
    let id_token = tokens.id_token.as_ref().ok_or(Invalid::NoIdToken)?;
    let caller = auth
        .validator
        .id_token(id_token.expose(), &sign_in.nonce)
        .await?;
    Ok(auth.open_session(caller, tokens).await?)
}

/// The OAuth 2.0 and OpenID Connect error codes an authorization response may carry (RFC 6749
/// §4.1.2.1, OpenID Connect Core §3.1.2.6), as `'static` text; anything else is `unrecognised`.
fn oauth_error(text: &str) -> &'static str {
    const CODES: &[&str] = &[
        "access_denied",
        "invalid_request",
        "unauthorized_client",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "interaction_required",
        "login_required",
        "account_selection_required",
        "consent_required",
        "invalid_request_uri",
        "invalid_request_object",
        "request_not_supported",
        "request_uri_not_supported",
        "registration_not_supported",
    ];
    CODES
        .iter()
        .find(|code| **code == text)
        .copied()
        .unwrap_or("unrecognised")
}

/// `AADSTS50058` from an `error_description` that starts with it, if it has that shape.
fn aadsts_code(description: &str) -> Option<&str> {
    let code = description.split(':').next()?;
    let digits = code.strip_prefix("AADSTS")?;
    (!digits.is_empty() && digits.len() <= 7 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(code)
}

fn finish(
    page: &PageContext,
    lang: Lang,
    delivery: Delivery,
    outcome: Result<davet_api::Session, AppError>,
) -> Response {
    let signed_in = outcome.is_ok();
    let outcome = match outcome {
        Ok(session) => SignInOutcome::SignedIn { session },
        Err(error) => {
            let public = error.public();
            tracing::info!(status = %public.status, code = ?public.code, "sign-in did not complete");
            SignInOutcome::Failed {
                error: public.api_error(),
            }
        }
    };
    let json = serde_json::to_string(&outcome).unwrap_or_default();
    pages::sign_in_complete(lang, delivery, signed_in, &json, &page.office_js_url).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_documented_codes_of_the_documented_shape_are_kept() {
        assert_eq!(oauth_error("access_denied"), "access_denied");
        assert_eq!(oauth_error("access_denied\r\nforged"), "unrecognised");
        assert_eq!(aadsts_code("AADSTS50058: No account"), Some("AADSTS50058"));
        assert_eq!(aadsts_code("AADSTS50058\nforged: x"), None);
        assert_eq!(aadsts_code("AADSTS: x"), None);
        assert_eq!(aadsts_code("hello"), None);
    }
}

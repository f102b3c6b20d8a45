//! The authorization code flow with PKCE, for Outlook clients without nested app authentication
//! (an Office dialog) and for plain browsers (a popup). The server is the confidential client:
//! the code and the tokens never reach the browser; the pane receives a session.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use davet_api::{ApiError, SignInOutcome};
use serde::Deserialize;

use crate::auth::sign_in::{SignInMode, SignInState};
use crate::error::AppError;
use crate::identity::Pkce;
use crate::pages::{self, Lang};
use crate::startup::AppState;

/// Where the identity platform sends the browser back; register it in Entra ID.
pub const CALLBACK_PATH: &str = "auth/callback";

#[derive(Debug, Deserialize)]
pub struct StartParams {
    mode: Option<String>,
}

/// `GET /auth/start?mode=dialog|popup`: off to the identity platform's sign-in page.
pub async fn start(
    State(state): State<AppState>,
    Query(params): Query<StartParams>,
) -> Result<Redirect, AppError> {
    let mode = match params.mode.as_deref() {
        Some("dialog") => SignInMode::Dialog,
        Some("popup") => SignInMode::Popup,
        _ => {
            return Err(AppError::InvalidRequest(
                "`mode` must be `dialog` or `popup`".into(),
            ));
        }
    };
    let auth = &state.auth;
    let pkce = Pkce::generate();
    let sign_in = SignInState::new(mode, pkce.verifier);
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
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> Response {
    let lang = Lang::pick(params.lang.as_deref(), &headers);
    let Some(sign_in) = params
        .state
        .as_deref()
        .and_then(|s| SignInState::open(s, &state.auth.keys))
    else {
        // Not a sign-in we began (or too old): there is no pane to answer.
        let error = AppError::InvalidRequest("this sign-in expired or was not started here".into());
        return finish(&state, lang, SignInMode::Popup, Err(error));
    };
    let outcome = complete(&state, &sign_in, &params).await;
    finish(&state, lang, sign_in.mode, outcome)
}

async fn complete(
    state: &AppState,
    sign_in: &SignInState,
    params: &CallbackParams,
) -> Result<davet_api::Session, AppError> {
    if let Some(error) = &params.error {
        let description = params.error_description.as_deref().unwrap_or_default();
        let aadsts = description.split(':').next().unwrap_or_default();
        tracing::info!(%error, %aadsts, "sign-in refused by the identity platform");
        return Err(AppError::SignInRefused(error.clone()));
    }
    let code = params
        .code
        .as_deref()
        .ok_or_else(|| AppError::InvalidRequest("the callback carries no code".into()))?;
    let auth = &state.auth;
    let tokens = auth
        .identity
        .redeem_code(code, &sign_in.verifier, &auth.our_url(CALLBACK_PATH))
        .await?;
    let id_token = tokens
        .id_token
        .as_ref()
        .ok_or_else(|| AppError::InvalidRequest("the identity platform sent no ID token".into()))?;
    let caller = auth
        .validator
        .id_token(id_token.expose(), &sign_in.nonce)
        .await?;
    auth.open_session(caller, tokens).await
}

fn finish(
    state: &AppState,
    lang: Lang,
    mode: SignInMode,
    outcome: Result<davet_api::Session, AppError>,
) -> Response {
    let signed_in = outcome.is_ok();
    let outcome = match outcome {
        Ok(session) => SignInOutcome::SignedIn { session },
        Err(error) => {
            let (status, code, message) = error.parts();
            tracing::info!(%status, ?code, "sign-in did not complete");
            SignInOutcome::Failed {
                error: ApiError { code, message },
            }
        }
    };
    let json = serde_json::to_string(&outcome).unwrap_or_default();
    pages::sign_in_complete(lang, mode, signed_in, &json, &state.office_js_url).into_response()
}

//! `/api/session`: sign in with a token for Davet's API (nested app authentication), see who is
//! signed in, sign out.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use davet_api::{Session, SessionUser};

use crate::auth::{Auth, bearer};
use crate::error::AppError;
use crate::extract::{Json, SignedIn};

/// `POST`: the pane's API token is validated in full, exchanged on-behalf-of for Graph tokens
/// (with a refresh token for the vault), and traded for a session.
pub async fn create(
    State(auth): State<Auth>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<Session>), AppError> {
    let token = bearer(&headers).ok_or(AppError::SignInRequired("no token for Davet's API"))?;
    let caller = auth.validator.api_token(token).await?;
    let tokens = auth
        .identity
        .on_behalf_of(&caller.key.tenant, token)
        .await?;
    let session = auth.open_session(caller, tokens).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// `GET`: who the session belongs to.
pub async fn show(signed_in: SignedIn) -> Json<SessionUser> {
    Json(SessionUser {
        display_name: signed_in.user.display_name,
        username: signed_in.user.username,
    })
}

/// `DELETE`: sign-out. The person's refresh tokens (Microsoft's and Webex's) and every session
/// of theirs are forgotten: without the token no session of theirs could reach Graph anyway.
pub async fn delete(
    State(auth): State<Auth>,
    State(webex): State<crate::app::Webex>,
    signed_in: SignedIn,
) -> Result<StatusCode, AppError> {
    auth.vault.end_session(&signed_in.session).await?;
    auth.tokens.sign_out(&signed_in.user.key).await?;
    // The vault forgot every token of theirs, Webex's too; so does this replica's memory.
    if let Some(webex) = &webex.0 {
        webex.tokens.forget_access(&signed_in.user.key).await;
    }
    tracing::info!(tenant = %signed_in.user.key.tenant, "signed out");
    Ok(StatusCode::NO_CONTENT)
}

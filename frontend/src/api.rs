//! Calls to the Davet server, within the pane's session (`Authorization: Bearer`). Errors
//! arrive as `davet_api::ApiError`.

use davet_api::{
    ApiError, ErrorCode, PEOPLE_SEARCH_PATH, PeopleSearch, SESSION_PATH, Session, SessionUser,
};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

/// What can go wrong talking to our server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The server answered with an error.
    Api(ErrorCode),
    /// No answer, or one we cannot read.
    Network,
}

async fn send(request: RequestBuilder, session: &str) -> Result<Response, CallError> {
    let response = request
        .header("Authorization", &format!("Bearer {session}"))
        .send()
        .await
        .map_err(|_| CallError::Network)?;
    if response.ok() {
        Ok(response)
    } else {
        let error: ApiError = response.json().await.map_err(|_| CallError::Network)?;
        Err(CallError::Api(error.code))
    }
}

async fn json<T: DeserializeOwned>(response: Response) -> Result<T, CallError> {
    response.json().await.map_err(|_| CallError::Network)
}

pub async fn search_people(session: &str, query: &str) -> Result<PeopleSearch, CallError> {
    let q = String::from(js_sys::encode_uri_component(query));
    let request = Request::get(&format!("{PEOPLE_SEARCH_PATH}?q={q}"));
    json(send(request, session).await?).await
}

/// Trades a token for Davet's API (from nested app authentication) for a session.
pub async fn create_session(api_token: &str) -> Result<Session, CallError> {
    json(send(Request::post(SESSION_PATH), api_token).await?).await
}

/// Who the session belongs to, if it still lives.
pub async fn session_user(session: &str) -> Result<SessionUser, CallError> {
    json(send(Request::get(SESSION_PATH), session).await?).await
}

/// Signs out on the server: the session and the person's tokens are forgotten.
pub async fn end_session(session: &str) -> Result<(), CallError> {
    send(Request::delete(SESSION_PATH), session).await.map(drop)
}

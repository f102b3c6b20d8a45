//! Calls to the Davet server, within the pane's session (`Authorization: Bearer`). Errors
//! arrive as `davet_api::ApiError`.

use davet_api::{
    ApiError, EXPAND_PATH, ErrorCode, ExpandEvent, ExpandRequest, Expansion, GROUPS_PATH,
    GroupList, PEOPLE_SEARCH_PATH, PeopleSearch, SESSION_PATH, Selection, Session, SessionUser,
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

pub async fn search_groups(session: &str, query: &str) -> Result<GroupList, CallError> {
    let q = String::from(js_sys::encode_uri_component(query));
    let request = Request::get(&format!("{GROUPS_PATH}?q={q}"));
    json(send(request, session).await?).await
}

/// Expands a selection into the people to invite. The answer streams NDJSON; the pane reads
/// it whole and keeps the last line, the outcome.
pub async fn expand(session: &str, selection: Vec<Selection>) -> Result<Expansion, CallError> {
    let request = Request::post(EXPAND_PATH)
        .header("Authorization", &format!("Bearer {session}"))
        .json(&ExpandRequest { selection })
        .map_err(|_| CallError::Network)?;
    let response = request.send().await.map_err(|_| CallError::Network)?;
    if !response.ok() {
        let error: ApiError = response.json().await.map_err(|_| CallError::Network)?;
        return Err(CallError::Api(error.code));
    }
    let text = response.text().await.map_err(|_| CallError::Network)?;
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    match serde_json::from_str::<ExpandEvent>(last) {
        Ok(ExpandEvent::Done { expansion }) => Ok(expansion),
        Ok(ExpandEvent::Failed { error }) => Err(CallError::Api(error.code)),
        _ => Err(CallError::Network),
    }
}

//! Calls to the Davet server. Errors arrive as `davet_api::ApiError`.

use davet_api::{ApiError, ErrorCode, PEOPLE_SEARCH_PATH, PeopleSearch};
use gloo_net::http::Request;

/// What can go wrong talking to our server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The server answered with an error.
    Api(ErrorCode),
    /// No answer, or one we cannot read.
    Network,
}

pub async fn search_people(query: &str) -> Result<PeopleSearch, CallError> {
    let q = String::from(js_sys::encode_uri_component(query));
    let response = Request::get(&format!("{PEOPLE_SEARCH_PATH}?q={q}"))
        .send()
        .await
        .map_err(|_| CallError::Network)?;
    if response.ok() {
        response.json().await.map_err(|_| CallError::Network)
    } else {
        let error: ApiError = response.json().await.map_err(|_| CallError::Network)?;
        Err(CallError::Api(error.code))
    }
}

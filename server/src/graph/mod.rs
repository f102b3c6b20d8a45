//! The Microsoft Graph client. Architecture invariant: only this module speaks Graph's wire
//! format; it answers in domain types.
//!
//! Every call has a timeout, follows `@odata.nextLink` as an absolute URL, honours
//! `Retry-After` exactly (never earlier), and retries a bounded number of times.
//!
//! Graph is called on the signed-in person's behalf ([`GraphService::acting_for`]), with the
//! delegated token the sign-in obtained: the directory answers what that person may see.

mod batch;
mod contacts;
mod groups;
mod members;

pub use groups::DirectoryGroup;

pub use members::GroupPage;
mod users;

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::auth::{AccessError, DelegatedTokens};
use crate::config::Settings;
use crate::domain::user::UserKey;

/// Longest we wait for one Graph answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Attempts per request, the first included.
const MAX_ATTEMPTS: u32 = 4;
/// A `Retry-After` longer than this is not worth holding the organiser's request for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("Microsoft Graph is unreachable or failing: {0}")]
    Unavailable(String),
    #[error("Microsoft Graph is throttling requests")]
    Throttled,
    #[error("Microsoft Graph refused the credentials: {0}")]
    AccessDenied(String),
    #[error("Microsoft Graph rejected the request: {code}: {message}")]
    Rejected { code: String, message: String },
    /// The person's Graph access is gone (refresh token revoked or expired).
    #[error("the person must sign in again")]
    SignedOut,
    /// A group, contact folder or person asked for is not in the directory.
    #[error("not found: {0}")]
    NotFound(String),
}

impl From<AccessError> for GraphError {
    fn from(error: AccessError) -> Self {
        match error {
            AccessError::SignedOut => Self::SignedOut,
            other => Self::AccessDenied(other.to_string()),
        }
    }
}

/// Graph's error envelope: `{"error":{"code","message","innerError":{…}}}`.
#[derive(Debug, Deserialize)]
struct Envelope {
    error: EnvelopeError,
}

#[derive(Debug, Deserialize)]
struct EnvelopeError {
    code: String,
    message: String,
}

/// One page of a Graph collection.
#[derive(Debug, Deserialize)]
struct Page<T> {
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

/// Graph's address and the connection pool, shared by every request.
#[derive(Debug, Clone)]
pub struct GraphService {
    http: reqwest::Client,
    root: Url,
    tokens: DelegatedTokens,
}

impl GraphService {
    pub fn new(settings: &Settings, tokens: DelegatedTokens) -> Result<Self, reqwest::Error> {
        let mut root = settings.graph_url.clone();
        if !root.path().ends_with('/') {
            root.set_path(&format!("{}/", root.path()));
        }
        Ok(Self {
            http: http_client(REQUEST_TIMEOUT)?,
            root,
            tokens,
        })
    }

    /// A client that calls Graph as `user`.
    pub fn acting_for(&self, user: &UserKey) -> GraphClient {
        GraphClient {
            http: self.http.clone(),
            root: self.root.clone(),
            tokens: self.tokens.clone(),
            user: user.clone(),
        }
    }
}

/// The server's HTTP client for Microsoft's services: timeouts, `TCP_NODELAY` (design §5), and
/// our name in `User-Agent`.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .user_agent(concat!("davet/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Graph, as one signed-in person.
#[derive(Debug, Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    root: Url,
    tokens: DelegatedTokens,
    user: UserKey,
}

impl GraphClient {
    /// `path` relative to the service root, e.g. `users`.
    fn url(&self, path: &str) -> Result<Url, GraphError> {
        self.root
            .join(path)
            .map_err(|e| GraphError::Unavailable(format!("bad Graph URL: {e}")))
    }

    /// Items of a collection, following `@odata.nextLink` until `limit` items or the end.
    async fn collect<T: DeserializeOwned>(
        &self,
        first: Url,
        limit: usize,
        eventual: bool,
    ) -> Result<Vec<T>, GraphError> {
        let mut items = Vec::new();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            let page: Page<T> = self.get(url, eventual).await?;
            items.extend(page.value);
            if items.len() >= limit {
                items.truncate(limit);
                break;
            }
            next = page
                .next_link
                .map(|link| Url::parse(&link))
                .transpose()
                .map_err(|e| GraphError::Unavailable(format!("unusable @odata.nextLink: {e}")))?;
        }
        Ok(items)
    }

    /// One GET with retries. `eventual` adds `ConsistencyLevel: eventual`, which `$search` and
    /// `$count` on directory objects require.
    async fn get<T: DeserializeOwned>(&self, url: Url, eventual: bool) -> Result<T, GraphError> {
        let (_, body) = self.fetch(url, eventual).await?;
        serde_json::from_slice(&body)
            .map_err(|e| GraphError::Unavailable(format!("unreadable answer: {e}")))
    }

    /// One GET of a binary resource (a photo): its content type and bytes.
    async fn get_bytes(&self, url: Url) -> Result<(String, Vec<u8>), GraphError> {
        let (content_type, body) = self.fetch(url, false).await?;
        Ok((
            content_type.unwrap_or_else(|| "application/octet-stream".into()),
            body.to_vec(),
        ))
    }

    /// One GET with retries: the answer's content type and body.
    async fn fetch(
        &self,
        url: Url,
        eventual: bool,
    ) -> Result<(Option<String>, bytes::Bytes), GraphError> {
        self.send_retrying(|http, token| {
            let request = http.get(url.clone()).bearer_auth(token);
            if eventual {
                request.header("ConsistencyLevel", "eventual")
            } else {
                request
            }
        })
        .await
    }

    /// Sends a request (made afresh, with a current token, for every attempt) until it
    /// succeeds or fails for good: `Retry-After` honoured exactly, backoff with jitter for
    /// server errors and broken connections, a refused token renewed once. Only for requests
    /// that are safe to send again (GETs, and `$batch`es of GETs). Answers the content type and
    /// the whole body.
    async fn send_retrying(
        &self,
        request: impl Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
    ) -> Result<(Option<String>, bytes::Bytes), GraphError> {
        let mut attempt = 1;
        loop {
            let token = self.tokens.access_token(&self.user).await?;
            let outcome = request(&self.http, token.expose()).send().await;
            let wait = match outcome {
                Ok(response) if response.status().is_success() => {
                    let content_type = response
                        .headers()
                        .get(reqwest::header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    match response.bytes().await {
                        Ok(body) => return Ok((content_type, body)),
                        // The connection broke mid-answer; the request is safe to send again.
                        Err(e) if attempt < MAX_ATTEMPTS => {
                            tracing::debug!(error = %e, "Graph answer cut off");
                            backoff(attempt)
                        }
                        Err(e) => return Err(GraphError::Unavailable(e.to_string())),
                    }
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = retry_after(response.headers());
                    let error = to_error(status, response.text().await.unwrap_or_default());
                    if status == StatusCode::UNAUTHORIZED {
                        self.tokens.forget_access(&self.user).await;
                    }
                    match retryable(status, retry_after, attempt) {
                        Some(wait) => wait,
                        None => return Err(error),
                    }
                }
                // Transport failures (refused, reset, timed out, cut off): send again.
                Err(e) if attempt < MAX_ATTEMPTS && !e.is_builder() => backoff(attempt),
                Err(e) => return Err(GraphError::Unavailable(e.without_url().to_string())),
            };
            tracing::warn!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying a Graph request"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

/// How long to wait before the next attempt, or `None` when the failure is final.
fn retryable(status: StatusCode, retry_after: Option<Duration>, attempt: u32) -> Option<Duration> {
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    match status {
        StatusCode::TOO_MANY_REQUESTS
        | StatusCode::SERVICE_UNAVAILABLE
        | StatusCode::GATEWAY_TIMEOUT => match retry_after {
            Some(wait) if wait > MAX_RETRY_AFTER => None,
            Some(wait) => Some(wait),
            None => Some(backoff(attempt)),
        },
        StatusCode::INTERNAL_SERVER_ERROR | StatusCode::BAD_GATEWAY => Some(backoff(attempt)),
        // A token that expired between issue and use: fetch a new one once.
        StatusCode::UNAUTHORIZED if attempt == 1 => Some(Duration::ZERO),
        _ => None,
    }
}

/// Exponential backoff with jitter: 200 ms, 400 ms, 800 ms … plus up to half again.
fn backoff(attempt: u32) -> Duration {
    let base = 200u64 << attempt.saturating_sub(1).min(6);
    Duration::from_millis(base + rand::random_range(0..=base / 2))
}

/// `Retry-After` in seconds (Graph's form). An HTTP date is not used by Graph.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_value(headers.get(RETRY_AFTER)?.to_str().ok()?)
}

fn retry_after_value(text: &str) -> Option<Duration> {
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn to_error(status: StatusCode, body: String) -> GraphError {
    let (code, message) = match serde_json::from_str::<Envelope>(&body) {
        Ok(envelope) => (envelope.error.code, envelope.error.message),
        Err(_) => (status.to_string(), String::from("no error envelope")),
    };
    match status {
        StatusCode::TOO_MANY_REQUESTS => GraphError::Throttled,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => GraphError::AccessDenied(code),
        StatusCode::NOT_FOUND => GraphError::NotFound(code),
        s if s.is_server_error() => GraphError::Unavailable(format!("{s}: {code}")),
        _ => GraphError::Rejected { code, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_exactly_and_long_waits_give_up() {
        let five = Some(Duration::from_secs(5));
        assert_eq!(retryable(StatusCode::TOO_MANY_REQUESTS, five, 1), five);
        assert_eq!(
            retryable(
                StatusCode::TOO_MANY_REQUESTS,
                Some(Duration::from_secs(120)),
                1
            ),
            None
        );
        assert_eq!(
            retryable(StatusCode::TOO_MANY_REQUESTS, five, MAX_ATTEMPTS),
            None
        );
        assert_eq!(retryable(StatusCode::BAD_REQUEST, five, 1), None);
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        let first = backoff(1);
        assert!(first >= Duration::from_millis(200) && first <= Duration::from_millis(300));
        assert!(backoff(3) >= Duration::from_millis(800));
        assert!(backoff(50) <= Duration::from_millis(12_800 + 6_400));
    }

    #[test]
    fn graph_envelopes_become_domain_errors() {
        let body = r#"{"error":{"code":"Request_UnsupportedQuery","message":"nope"}}"#.to_owned();
        match to_error(StatusCode::BAD_REQUEST, body) {
            GraphError::Rejected { code, .. } => assert_eq!(code, "Request_UnsupportedQuery"),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            to_error(StatusCode::FORBIDDEN, String::new()),
            GraphError::AccessDenied(_)
        ));
    }
}

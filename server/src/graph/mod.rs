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
mod events;
mod groups;
mod members;

pub use events::{EventChange, EventOfMeeting, NewEvent, WEBEX_MEETING_PROPERTY, WebexEvent};
pub use groups::DirectoryGroup;

pub use members::{GroupPage, MembersError};
mod users;

use std::time::Duration;

use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::domain::user::UserKey;
use crate::secret::Secret;
use crate::tokens::{AccessError, DelegatedTokens};
use crate::upstream::{Credential, Failure, Resend, RetryPolicy, http_client};

/// Longest we wait for one Graph answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

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

/// Text as one path segment of a Graph URL (ids are opaque: percent-encode whatever they hold).
fn segment(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
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
    /// `root` is Graph's service root, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn new(mut root: Url, tokens: DelegatedTokens) -> Result<Self, reqwest::Error> {
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
            acting: Acting {
                tokens: self.tokens.clone(),
                user: user.clone(),
            },
        }
    }
}

/// Graph, as one signed-in person.
#[derive(Debug, Clone)]
pub struct GraphClient {
    http: reqwest::Client,
    root: Url,
    acting: Acting,
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
        Ok(self.collect_up_to(first, limit, eventual).await?.0)
    }

    /// The items of a collection, following `@odata.nextLink`, up to `limit`; and whether the
    /// collection had more than that.
    async fn collect_up_to<T: DeserializeOwned>(
        &self,
        first: Url,
        limit: usize,
        eventual: bool,
    ) -> Result<(Vec<T>, bool), GraphError> {
        let mut items = Vec::new();
        let mut next = Some(first);
        while let Some(url) = next.take() {
            let page: Page<T> = self.get(url, eventual).await?;
            items.extend(page.value);
            if items.len() >= limit {
                let more = items.len() > limit || page.next_link.is_some();
                items.truncate(limit);
                return Ok((items, more));
            }
            next = page
                .next_link
                .map(|link| Url::parse(&link))
                .transpose()
                .map_err(|e| GraphError::Unavailable(format!("unusable @odata.nextLink: {e}")))?;
        }
        Ok((items, false))
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
        self.send(Resend::Safe, |http| {
            let request = http.get(url.clone());
            if eventual {
                request.header("ConsistencyLevel", "eventual")
            } else {
                request
            }
        })
        .await
    }

    /// Sends a request through the one retry loop ([`crate::upstream`]) as this person, and
    /// turns a failure into Graph's terms. Answers the content type and the whole body.
    async fn send(
        &self,
        resend: Resend,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<(Option<String>, bytes::Bytes), GraphError> {
        let answer = RETRY
            .send(&self.http, &self.acting, resend, build)
            .await
            .map_err(|failure| match failure {
                Failure::Credential(e) => GraphError::from(e),
                Failure::Status { status, body, .. } => to_error(status, body),
                Failure::Transport(why) => GraphError::Unavailable(why),
            })?;
        Ok((answer.content_type, answer.body))
    }
}

/// Graph's retry policy: the shared one.
const RETRY: RetryPolicy = RetryPolicy::STANDARD;

/// Graph's tokens for one person.
#[derive(Debug, Clone)]
struct Acting {
    tokens: DelegatedTokens,
    user: UserKey,
}

impl Credential for Acting {
    type Error = AccessError;

    async fn token(&self) -> Result<Secret, AccessError> {
        self.tokens.access_token(&self.user).await
    }

    async fn refused(&self) {
        self.tokens.forget_access(&self.user).await;
    }

    fn service(&self) -> crate::upstream::Service {
        crate::upstream::Service::Graph
    }
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

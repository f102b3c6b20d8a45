//! Calling the services Davet stands on (Microsoft Graph, the identity platform, Webex): the
//! one HTTP client shape and the one retry loop every client of ours uses.
//!
//! - Every call has a timeout (the client's), a connect timeout, and `TCP_NODELAY` (design §5).
//! - `Retry-After` is honoured exactly: never earlier, never later. A wait longer than the
//!   policy's ceiling is not worth holding a person's request for; the call fails instead.
//! - Attempts are bounded; server errors and broken connections back off exponentially with
//!   jitter.
//! - What may be sent again is the caller's to say ([`Resend`]): a request that may have been
//!   applied is resent only when it is safe to apply twice.
//! - A bearer token refused with 401 is renewed once (it expired between issue and use).
//! - Every attempt carries an id of ours the service keeps ([`Service::stamp`]), and every log
//!   line about a call names it and the id the service gave the call, so an admin can hand
//!   Microsoft or Cisco the request id they need.

use std::future::Future;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};

use crate::secret::Secret;

/// The server's HTTP client for a service: timeouts, `TCP_NODELAY`, our name in `User-Agent`.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        .user_agent(concat!("davet/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// A service Davet calls, and how it names a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Graph,
    Identity,
    Webex,
}

impl Service {
    /// Its name in the metrics and the logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Graph => "graph",
            Self::Identity => "identity",
            Self::Webex => "webex",
        }
    }

    /// The request with an id of ours the service keeps with the call and echoes: Graph's and
    /// the identity platform's `client-request-id` (a GUID), Webex's `TrackingID`.
    pub fn stamp(self, request: reqwest::RequestBuilder) -> (reqwest::RequestBuilder, String) {
        let id = uuid::Uuid::new_v4().to_string();
        match self {
            Self::Graph | Self::Identity => (request.header("client-request-id", &id), id),
            Self::Webex => {
                let id = format!("DAVET_{id}");
                (request.header("TrackingID", &id), id)
            }
        }
    }

    /// The id the service gave the call (Graph's `request-id`, the identity platform's
    /// `x-ms-request-id`, Webex's `trackingid`), when it has the shape of one: nothing else a
    /// service sends reaches a log line.
    pub fn seen(self, headers: &HeaderMap) -> Option<String> {
        let name = match self {
            Self::Graph => "request-id",
            Self::Identity => "x-ms-request-id",
            Self::Webex => "trackingid",
        };
        let value = headers.get(name)?.to_str().ok()?;
        (!value.is_empty()
            && value.len() <= 128
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
        .then(|| value.to_owned())
    }

    /// Sends `request` stamped with an id of ours ([`Self::stamp`]) and logs the call with
    /// both ids: a debug line when it succeeded, a warning when it failed or got no answer.
    pub async fn send(
        self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let (request, ours) = self.stamp(request);
        let outcome = request.send().await;
        let (status, theirs) = match &outcome {
            Ok(r) => (Some(r.status()), self.seen(r.headers())),
            Err(_) => (None, None),
        };
        if status.is_some_and(|s| s.is_success()) {
            tracing::debug!(
                service = self.name(),
                status = status.map(|s| s.as_u16()),
                client_request_id = ours,
                request_id = theirs.as_deref(),
                "a call answered"
            );
        } else {
            tracing::warn!(
                service = self.name(),
                status = status.map(|s| s.as_u16()),
                client_request_id = ours,
                request_id = theirs.as_deref(),
                "a call failed"
            );
        }
        outcome
    }
}

/// The tokens of one answer of an OAuth token endpoint (the identity platform's, Webex's).
#[derive(Debug)]
pub struct TokenSet {
    pub access_token: Secret,
    pub expires_in: Duration,
    pub refresh_token: Option<Secret>,
    pub id_token: Option<Secret>,
}

/// Where a client's bearer tokens come from.
pub trait Credential: Sync {
    type Error;
    /// A token to send now.
    fn token(&self) -> impl Future<Output = Result<Secret, Self::Error>> + Send;
    /// The service refused the last token: do not hand it out again.
    fn refused(&self) -> impl Future<Output = ()> + Send;
    /// The service it is for.
    fn service(&self) -> Service;
}

/// Whether a request may be sent again once it may have reached the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// Applying it twice is harmless (GET, a `$batch` of GETs, PUT, DELETE, a create that
    /// carries its own idempotency key): sent again after any transient failure.
    Safe,
    /// Applying it twice would duplicate something: sent again only when the service cannot
    /// have applied it (429, a 503 with `Retry-After`, or no connection made).
    UnlessApplied,
}

/// How long to keep trying.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// A `Retry-After` longer than this fails the call instead of holding it.
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    /// What every client of ours uses unless it says why not.
    pub const STANDARD: Self = Self {
        max_attempts: 4,
        max_retry_after: Duration::from_secs(30),
    };
}

/// A successful answer, whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

/// Why a call failed for good.
#[derive(Debug)]
pub enum Failure<E> {
    /// No token could be had.
    Credential(E),
    /// The service answered with an error status (after the retries it deserved).
    Status {
        status: StatusCode,
        retry_after: Option<Duration>,
        body: String,
    },
    /// No answer: refused, reset, timed out, cut off. The text names no URL.
    Transport(String),
}

impl RetryPolicy {
    /// Sends the request `build` makes (made afresh, with a current token, for every attempt)
    /// until it succeeds or fails for good.
    pub async fn send<C: Credential>(
        &self,
        http: &reqwest::Client,
        credential: &C,
        resend: Resend,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, Failure<C::Error>> {
        let mut attempt = 1;
        loop {
            let token = credential.token().await.map_err(Failure::Credential)?;
            let service = credential.service();
            let outcome = service.send(build(http).bearer_auth(token.expose())).await;
            crate::metrics::call(
                service.name(),
                match &outcome {
                    Ok(r) if r.status().is_success() => "ok",
                    Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS => "throttled",
                    Ok(r) if r.status().is_server_error() => "server_error",
                    Ok(_) => "refused",
                    Err(_) => "transport",
                },
            );
            let wait = match outcome {
                Ok(response) if response.status().is_success() => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let content_type = headers
                        .get(CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    match response.bytes().await {
                        Ok(body) => {
                            return Ok(Answer {
                                status,
                                content_type,
                                headers,
                                body,
                            });
                        }
                        // The connection broke mid-answer: the service applied the request.
                        Err(e) if resend == Resend::Safe && attempt < self.max_attempts => {
                            tracing::debug!(error = %e.without_url(), "answer cut off");
                            backoff(attempt)
                        }
                        Err(e) => return Err(Failure::Transport(e.without_url().to_string())),
                    }
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = retry_after(response.headers());
                    let body = response.text().await.unwrap_or_default();
                    if status == StatusCode::UNAUTHORIZED {
                        credential.refused().await;
                    }
                    match self.wait_after(status, retry_after, attempt, resend) {
                        Some(wait) => wait,
                        None => {
                            return Err(Failure::Status {
                                status,
                                retry_after,
                                body,
                            });
                        }
                    }
                }
                Err(e) if attempt < self.max_attempts && resendable(&e, resend) => backoff(attempt),
                Err(e) => return Err(Failure::Transport(e.without_url().to_string())),
            };
            tracing::warn!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                "retrying a request"
            );
            crate::metrics::retry(service.name());
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// How long to wait before the next attempt, or `None` when the failure is final.
    pub fn wait_after(
        &self,
        status: StatusCode,
        retry_after: Option<Duration>,
        attempt: u32,
        resend: Resend,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let told = |wait: Option<Duration>| match wait {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(backoff(attempt)),
        };
        match status {
            // Throttled: the service did not apply the request.
            StatusCode::TOO_MANY_REQUESTS => told(retry_after),
            // Unavailable with a time to come back: refused before it was applied.
            StatusCode::SERVICE_UNAVAILABLE if retry_after.is_some() => told(retry_after),
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
                if resend == Resend::Safe =>
            {
                told(retry_after)
            }
            StatusCode::INTERNAL_SERVER_ERROR | StatusCode::BAD_GATEWAY
                if resend == Resend::Safe =>
            {
                Some(backoff(attempt))
            }
            // A token that expired between issue and use: a new one, once. A 401 is a refusal
            // before anything was applied.
            StatusCode::UNAUTHORIZED if attempt == 1 => Some(Duration::ZERO),
            _ => None,
        }
    }

    /// Whether a throttled item of a batch (its own status and `Retry-After`) is worth sending
    /// again, and after how long.
    pub fn item_wait(&self, retry_after: Option<Duration>) -> Option<Duration> {
        let wait = retry_after.unwrap_or(Duration::from_secs(1));
        (wait <= self.max_retry_after).then_some(wait)
    }
}

/// A transport error after which the request may be sent again.
fn resendable(error: &reqwest::Error, resend: Resend) -> bool {
    if error.is_builder() {
        return false;
    }
    // No connection was made: nothing reached the service.
    resend == Resend::Safe || error.is_connect()
}

/// Exponential backoff with jitter: 200 ms, 400 ms, 800 ms … plus up to half again.
pub fn backoff(attempt: u32) -> Duration {
    let base = 200u64 << attempt.saturating_sub(1).min(6);
    Duration::from_millis(base + rand::random_range(0..=base / 2))
}

/// `Retry-After` in seconds, the form Graph and Webex send.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_value(headers.get(RETRY_AFTER)?.to_str().ok()?)
}

pub fn retry_after_value(text: &str) -> Option<Duration> {
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy::STANDARD;

    #[test]
    fn retry_after_is_honoured_exactly_and_long_waits_give_up() {
        let five = Some(Duration::from_secs(5));
        let wait = |status, after, attempt| POLICY.wait_after(status, after, attempt, Resend::Safe);
        assert_eq!(wait(StatusCode::TOO_MANY_REQUESTS, five, 1), five);
        assert_eq!(
            wait(
                StatusCode::TOO_MANY_REQUESTS,
                Some(Duration::from_secs(120)),
                1
            ),
            None
        );
        assert_eq!(wait(StatusCode::TOO_MANY_REQUESTS, five, 4), None);
        assert_eq!(wait(StatusCode::BAD_REQUEST, five, 1), None);
        assert_eq!(POLICY.item_wait(five), five);
        assert_eq!(POLICY.item_wait(Some(Duration::from_secs(31))), None);
    }

    #[test]
    fn a_request_that_may_have_been_applied_is_resent_only_when_it_was_not() {
        let wait = |status, after| POLICY.wait_after(status, after, 1, Resend::UnlessApplied);
        let two = Some(Duration::from_secs(2));
        assert_eq!(wait(StatusCode::TOO_MANY_REQUESTS, two), two);
        assert_eq!(wait(StatusCode::SERVICE_UNAVAILABLE, two), two);
        assert_eq!(wait(StatusCode::SERVICE_UNAVAILABLE, None), None);
        assert_eq!(wait(StatusCode::BAD_GATEWAY, None), None);
        assert_eq!(wait(StatusCode::GATEWAY_TIMEOUT, None), None);
        assert_eq!(
            wait(StatusCode::UNAUTHORIZED, None),
            Some(Duration::ZERO),
            "a refused token applied nothing"
        );
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        let first = backoff(1);
        assert!(first >= Duration::from_millis(200) && first <= Duration::from_millis(300));
        assert!(backoff(3) >= Duration::from_millis(800));
        assert!(backoff(50) <= Duration::from_millis(12_800 + 6_400));
    }
}

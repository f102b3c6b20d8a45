//! `$batch`: up to 20 GETs in one round trip. Graph answers 200 whenever the batch parses; each
//! item has its own status, and a throttled item its own `Retry-After`.

use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::{GraphClient, GraphError, to_error};
use crate::upstream::{Resend, retry_after_value};

/// Graph's limit of requests in one batch.
pub const MAX_BATCH: usize = 20;

#[derive(Debug, Serialize)]
struct Request<'a> {
    id: String,
    method: &'static str,
    url: &'a str,
    headers: serde_json::Map<String, Value>,
}

#[derive(Debug, Deserialize)]
struct Answers {
    responses: Vec<Answer>,
}

/// One item's answer.
#[derive(Debug, Deserialize)]
pub struct Answer {
    id: String,
    pub status: u16,
    #[serde(default)]
    headers: serde_json::Map<String, Value>,
    /// Kept as text until the caller reads it as its own type: a page is parsed once.
    #[serde(default)]
    pub body: Option<Box<serde_json::value::RawValue>>,
}

impl Answer {
    /// The item's `Retry-After`, when it says one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("retry-after"))
            .and_then(|(_, value)| match value {
                Value::String(s) => retry_after_value(s),
                Value::Number(n) => n.as_u64().map(Duration::from_secs),
                _ => None,
            })
    }

    /// The item's error, in our terms.
    pub fn error(&self) -> GraphError {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_GATEWAY);
        to_error(
            status,
            self.body
                .as_ref()
                .map(|b| b.get().to_owned())
                .unwrap_or_default(),
        )
    }
}

impl GraphClient {
    /// A URL of Graph's (a `@odata.nextLink`) as a batch item's URL: relative to the root.
    pub(super) fn relative(&self, absolute: &str) -> Result<String, GraphError> {
        absolute
            .strip_prefix(self.root.as_str())
            .map(str::to_owned)
            .ok_or_else(|| GraphError::Unavailable("a next link left the service root".into()))
    }

    /// Sends GETs (URLs relative to the root) as one batch, `ConsistencyLevel: eventual` on
    /// each; answers in request order. The batch itself is retried like any GET.
    pub async fn batch_get(&self, urls: &[String]) -> Result<Vec<Answer>, GraphError> {
        let mut eventual = serde_json::Map::new();
        eventual.insert("ConsistencyLevel".into(), Value::from("eventual"));
        let requests: Vec<Request<'_>> = urls
            .iter()
            .enumerate()
            .map(|(i, url)| Request {
                id: i.to_string(),
                method: "GET",
                url,
                headers: eventual.clone(),
            })
            .collect();
        let body = serde_json::json!({ "requests": requests });
        let url: Url = self.url("$batch")?;
        let (_, bytes) = self
            .send(Resend::Safe, |http| http.post(url.clone()).json(&body))
            .await?;
        let mut answers: Answers = serde_json::from_slice(&bytes)
            .map_err(|e| GraphError::Unavailable(format!("unreadable batch: {e}")))?;
        answers
            .responses
            .sort_by_key(|a| a.id.parse::<usize>().unwrap_or(usize::MAX));
        if answers.responses.len() != urls.len() {
            return Err(GraphError::Unavailable(
                "a batch answer is missing items".into(),
            ));
        }
        Ok(answers.responses)
    }
}

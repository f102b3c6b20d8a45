//! Test controls: latency, injected faults, throttling, and a record of every request, so tests
//! can assert how many calls a feature made. The demo leaves them all off.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Marks a request the service sends itself (`/me` resolved to `/users/{id}`): it was counted,
/// throttled and logged as it arrived.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Internal;

/// Marks an item of a `$batch`: it is answered inside the service, so it pays no network
/// latency of its own (the batch paid it once); faults, throttling and the log still apply.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BatchItem;

/// What the controls refuse a request with, in the service's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 429: over the rate limit (the controls add `Retry-After`).
    Throttled,
    /// 503: briefly unavailable (the controls add `Retry-After`).
    Unavailable,
    /// 404: the object was deleted meanwhile.
    Gone,
    /// 429: too many requests under way at once for one resource.
    TooManyAtOnce,
}

/// How one service words the controls' refusals, and what its limits are kept per beside the
/// caller (Outlook: the mailbox). Each emulated service has one; the controls are the same code.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    pub refusal: fn(Refusal) -> Response,
    pub resource: fn(&str) -> Option<&str>,
}

/// What can go wrong with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 with `Retry-After` in seconds, Graph's throttling answer.
    Throttle { retry_after_secs: u64 },
    /// 503 with `Retry-After`, as Graph answers when a service is briefly unavailable.
    Unavailable { retry_after_secs: u64 },
    /// No answer for this long (longer than the client waits: a timeout).
    Stall(Duration),
    /// 404 `Request_ResourceNotFound`: the object was deleted meanwhile.
    Gone,
    /// The connection drops before the request is applied.
    Drop,
    /// The request is applied, then the connection drops before the answer.
    DropAfterApplied,
}

/// A fault for the next `times` requests whose path and query contain `path` (every request
/// when empty). `path` may start with a method and a space (`POST /v1/meetings`): then only
/// requests of that method match.
#[derive(Debug, Clone)]
pub struct FaultRule {
    pub path: String,
    pub fault: Fault,
    pub times: usize,
}

/// A share of requests that fail, each in one of `faults` picked at random: the weather of a
/// fault run. Requests whose path and query contain `path` (every request when empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Chaos {
    pub rate: f64,
    pub faults: Vec<Fault>,
    pub path: String,
}

/// Per-request latency, `fixed` plus up to `jitter` (uniformly): how long the service takes to
/// answer. An answer leaves that long after its request arrived, or as soon as it is ready if
/// the emulator itself took longer: the emulator's own work is not the service's latency, so
/// it is not added to it (a round trip at latency 25 ms takes 25 ms, not 25 ms plus the time
/// the emulator spent serialising a page of 999).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Latency {
    pub fixed: Duration,
    pub jitter: Duration,
}

/// A token bucket: `capacity` requests at once, refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThrottleLimit {
    pub capacity: f64,
    pub per_second: f64,
}

impl ThrottleLimit {
    /// Outlook resources: 10,000 requests per 10 minutes per app and mailbox, scaled by `scale`
    /// (tests scale it down to reach the limit quickly).
    pub fn outlook(scale: f64) -> Self {
        Self {
            capacity: 10_000.0 * scale,
            per_second: 10_000.0 * scale / 600.0,
        }
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Outlook's limit of requests under way at once per app and mailbox.
pub const MAILBOX_CONCURRENCY: usize = 4;

/// A concurrent slot of a mailbox, given back on drop.
#[derive(Debug)]
struct MailboxSlot {
    controls: Controls,
    key: String,
}

impl Drop for MailboxSlot {
    fn drop(&mut self) {
        let mut state = self.controls.state();
        if let Some(running) = state.in_flight.get_mut(&self.key) {
            *running = running.saturating_sub(1);
            // A caller and mailbox with nothing under way holds no entry: the map does not
            // grow with every caller ever seen.
            if *running == 0 {
                state.in_flight.remove(&self.key);
            }
        }
    }
}

/// One request as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub status: u16,
}

/// One request and its answer, bodies included, as [`Controls::keep_exchanges`] keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    pub status: u16,
    pub request_content_type: Option<String>,
    pub request: Vec<u8>,
    pub response_content_type: Option<String>,
    pub response: Vec<u8>,
}

/// Exchanges kept at most, and the largest body read whole.
const EXCHANGES_KEPT: usize = 1000;
const BODY_LIMIT: usize = 1 << 20;

#[derive(Debug, Default)]
struct State_ {
    /// Whole requests and answers, when a test asked for them (off: nothing is buffered).
    exchanges: Option<Vec<Exchange>>,
    latency: Latency,
    faults: Vec<FaultRule>,
    chaos: Option<Chaos>,
    /// Faults the chaos injected, by kind, for the run's report.
    chaos_injected: HashMap<&'static str, usize>,
    throttle: Option<ThrottleLimit>,
    buckets: HashMap<String, Bucket>,
    /// Requests under way per caller and mailbox (Outlook allows four at once).
    in_flight: HashMap<String, usize>,
    /// Requests being answered now, of any caller.
    answering: usize,
    log: std::collections::VecDeque<LoggedRequest>,
}

/// Requests the log keeps, the latest: enough for any test's look at what a feature asked,
/// and a bound for a demo that answers requests for days.
pub const LOG_KEPT: usize = 10_000;

/// The controls of one emulated service. Cheap to clone; clones share state.
#[derive(Debug, Clone, Default)]
pub struct Controls(Arc<Mutex<State_>>);

impl Controls {
    fn state(&self) -> MutexGuard<'_, State_> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn set_latency(&self, latency: Latency) {
        self.state().latency = latency;
    }

    pub fn inject(&self, rule: FaultRule) {
        self.state().faults.push(rule);
    }

    /// Fails a share of requests at random from now on; `None` calms the weather.
    pub fn set_chaos(&self, chaos: Option<Chaos>) {
        self.state().chaos = chaos;
    }

    /// How many faults the chaos injected, by kind (`throttle`, `unavailable`, `drop`,
    /// `drop_after_applied`, `gone`, `stall`).
    pub fn chaos_injected(&self) -> Vec<(&'static str, usize)> {
        let mut kinds: Vec<_> = self
            .state()
            .chaos_injected
            .iter()
            .map(|(k, n)| (*k, *n))
            .collect();
        kinds.sort();
        kinds
    }

    /// Throttle every caller (by bearer token) with this limit; `None` lifts it.
    pub fn set_throttle(&self, limit: Option<ThrottleLimit>) {
        let mut state = self.state();
        state.throttle = limit;
        state.buckets.clear();
    }

    /// Requests the service is answering now: none means every request that arrived has been
    /// answered (or dropped) and logged.
    pub fn answering(&self) -> usize {
        self.state().answering
    }

    /// The requests so far (the latest [`LOG_KEPT`]), in the order they were answered.
    pub fn log(&self) -> Vec<LoggedRequest> {
        self.state().log.iter().cloned().collect()
    }

    /// How many requests had a path (without the query) containing `fragment`.
    pub fn count(&self, fragment: &str) -> usize {
        self.state()
            .log
            .iter()
            .filter(|r| {
                r.target
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .contains(fragment)
            })
            .count()
    }

    /// From now on keeps every request and its answer whole (the latest thousand), for tests
    /// that check bodies against a service's published schemas.
    pub fn keep_exchanges(&self) {
        self.state().exchanges.get_or_insert_with(Vec::new);
    }

    /// The exchanges kept since [`Controls::keep_exchanges`].
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.state().exchanges.clone().unwrap_or_default()
    }

    fn keeping(&self) -> bool {
        self.state().exchanges.is_some()
    }

    fn keep(&self, exchange: Exchange) {
        if let Some(kept) = self.state().exchanges.as_mut() {
            if kept.len() == EXCHANGES_KEPT {
                kept.remove(0);
            }
            kept.push(exchange);
        }
    }

    pub fn clear_log(&self) {
        self.state().log.clear();
    }

    fn take_fault(&self, method: &str, path: &str) -> Option<Fault> {
        let mut state = self.state();
        let matches = |rule: &FaultRule| match rule.path.split_once(' ') {
            Some((only, fragment)) if only.bytes().all(|b| b.is_ascii_uppercase()) => {
                only == method && path.contains(fragment)
            }
            _ => path.contains(&rule.path),
        };
        let Some(index) = state.faults.iter().position(|r| r.times > 0 && matches(r)) else {
            return Self::chaos_fault(&mut state, path);
        };
        let rule = &mut state.faults[index];
        rule.times -= 1;
        let fault = rule.fault.clone();
        state.faults.retain(|r| r.times > 0);
        Some(fault)
    }

    fn chaos_fault(state: &mut State_, path: &str) -> Option<Fault> {
        let chaos = state.chaos.as_ref()?;
        if chaos.faults.is_empty()
            || !path.contains(&chaos.path)
            || rand::random::<f64>() >= chaos.rate
        {
            return None;
        }
        let fault = chaos.faults[rand::random_range(0..chaos.faults.len())].clone();
        let kind = match fault {
            Fault::Throttle { .. } => "throttle",
            Fault::Unavailable { .. } => "unavailable",
            Fault::Stall(_) => "stall",
            Fault::Gone => "gone",
            Fault::Drop => "drop",
            Fault::DropAfterApplied => "drop_after_applied",
        };
        *state.chaos_injected.entry(kind).or_default() += 1;
        Some(fault)
    }

    /// Takes one of a mailbox's concurrent slots for a caller, if throttling is on and one is
    /// free; `Err` when all are taken. The slot is given back when the guard drops.
    fn enter_mailbox(&self, key: &str) -> Result<Option<MailboxSlot>, ()> {
        let mut state = self.state();
        if state.throttle.is_none() {
            return Ok(None);
        }
        let running = state.in_flight.entry(key.to_owned()).or_default();
        if *running >= MAILBOX_CONCURRENCY {
            return Err(());
        }
        *running += 1;
        Ok(Some(MailboxSlot {
            controls: self.clone(),
            key: key.to_owned(),
        }))
    }

    /// Seconds until a token is free for `key`, or `None` when the request may go.
    fn throttled(&self, key: &str) -> Option<u64> {
        let mut state = self.state();
        let limit = state.throttle?;
        let now = Instant::now();
        let bucket = state.buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: limit.capacity,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * limit.per_second).min(limit.capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            None
        } else {
            Some(((1.0 - bucket.tokens) / limit.per_second).ceil().max(1.0) as u64)
        }
    }

    fn record(&self, method: &str, target: &str, status: StatusCode) {
        let mut state = self.state();
        if state.log.len() == LOG_KEPT {
            state.log.pop_front();
        }
        state.log.push_back(LoggedRequest {
            method: method.to_owned(),
            target: target.to_owned(),
            status: status.as_u16(),
        });
    }

    fn delay(&self) -> Duration {
        let latency = self.state().latency;
        let jitter = latency.jitter.as_micros() as u64;
        let extra = if jitter == 0 {
            0
        } else {
            rand::random_range(0..=jitter)
        };
        latency.fixed + Duration::from_micros(extra)
    }
}

/// The middleware that applies the controls to every request of a service:
/// `middleware::from_fn_with_state((controls, dialect), controls::apply)`.
pub async fn apply(
    State((controls, dialect)): State<(Controls, Dialect)>,
    request: Request,
    next: Next,
) -> Response {
    if request.extensions().get::<Internal>().is_some() {
        return next.run(request).await;
    }
    let _answering = Answering::enter(&controls);
    let method = request.method().to_string();
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let path = request.uri().path().to_owned();
    let caller = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("anonymous")
        .to_owned();
    let mailbox = (dialect.resource)(&path).map(str::to_owned);
    let key = match &mailbox {
        Some(mailbox) => format!("{caller}|{mailbox}"),
        None => caller,
    };
    // Limits are decided as the request arrives; the latency then passes while it holds its
    // mailbox slot, as a request in progress does. The answer is made meanwhile.
    let arrived = tokio::time::Instant::now();
    let delay = if request.extensions().get::<BatchItem>().is_some() {
        Duration::ZERO
    } else {
        controls.delay()
    };
    let response = match controls.take_fault(&method, &target) {
        Some(Fault::Throttle { retry_after_secs }) => {
            with_retry_after((dialect.refusal)(Refusal::Throttled), retry_after_secs)
        }
        Some(Fault::Unavailable { retry_after_secs }) => {
            with_retry_after((dialect.refusal)(Refusal::Unavailable), retry_after_secs)
        }
        Some(Fault::Stall(stall)) => {
            tokio::time::sleep(stall).await;
            next.run(request).await
        }
        Some(Fault::Gone) => (dialect.refusal)(Refusal::Gone),
        Some(Fault::Drop) => dropped(),
        Some(Fault::DropAfterApplied) => {
            let _applied = next.run(request).await;
            dropped()
        }
        None => match controls.throttled(&key) {
            Some(retry_after) => {
                with_retry_after((dialect.refusal)(Refusal::Throttled), retry_after)
            }
            None if mailbox.is_some() => match controls.enter_mailbox(&key) {
                Ok(_slot) => answer_at(next, request, arrived + delay).await,
                Err(()) => with_retry_after((dialect.refusal)(Refusal::TooManyAtOnce), 1),
            },
            None => answer_at(next, request, arrived + delay).await,
        },
    };
    controls.record(&method, &target, response.status());
    response
}

fn content_type(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// [`apply`], keeping the request and its answer whole when a test asked for them.
pub async fn apply_keeping(
    state: State<(Controls, Dialect)>,
    request: Request,
    next: Next,
) -> Response {
    let controls = state.0.0.clone();
    if !controls.keeping() || request.extensions().get::<Internal>().is_some() {
        return apply(state, request, next).await;
    }
    let (parts, body) = request.into_parts();
    let request_body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let mut exchange = Exchange {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        status: 0,
        request_content_type: content_type(&parts.headers),
        request: request_body.to_vec(),
        response_content_type: None,
        response: Vec::new(),
    };
    let request = Request::from_parts(parts, Body::from(request_body));
    let response = apply(state, request, next).await;
    let (parts, body) = response.into_parts();
    let Ok(response_body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        // A dropped answer stays dropped.
        return dropped();
    };
    exchange.status = parts.status.as_u16();
    exchange.response_content_type = content_type(&parts.headers);
    exchange.response = response_body.to_vec();
    controls.keep(exchange);
    Response::from_parts(parts, Body::from(response_body))
}

/// A request being answered, counted until it is logged (or its connection drops).
struct Answering(Controls);

impl Answering {
    fn enter(controls: &Controls) -> Self {
        controls.state().answering += 1;
        Self(controls.clone())
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.answering = state.answering.saturating_sub(1);
    }
}

/// Makes the answer, then holds it until `due`.
async fn answer_at(next: Next, request: Request, due: tokio::time::Instant) -> Response {
    let response = next.run(request).await;
    tokio::time::sleep_until(due).await;
    response
}

fn with_retry_after(mut response: Response, secs: u64) -> Response {
    if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
        response.headers_mut().insert("retry-after", value);
    }
    response
}

/// A response whose body fails at once: the server closes the connection mid-answer.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::other("connection dropped"))
    });
    let mut response = Response::new(Body::from_stream(failing));
    // Announce a body it will never send, so the client sees a broken answer, not an empty one.
    response
        .headers_mut()
        .insert("content-length", HeaderValue::from_static("64"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_log_keeps_the_latest_and_never_grows_past_its_bound() {
        let controls = Controls::default();
        for n in 0..LOG_KEPT + 5 {
            controls.record("GET", &format!("/v1.0/users/{n}"), StatusCode::OK);
        }
        let log = controls.log();
        assert_eq!(log.len(), LOG_KEPT);
        assert_eq!(log[0].target, "/v1.0/users/5", "the oldest went first");
        assert_eq!(
            log[LOG_KEPT - 1].target,
            format!("/v1.0/users/{}", LOG_KEPT + 4)
        );
    }
}

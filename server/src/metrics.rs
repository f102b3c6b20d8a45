//! What an admin's Prometheus reads at `/metrics` (OpenMetrics text): requests and latency per
//! route, calls to Graph, the identity platform and Webex by outcome, retries, expansions by
//! size, token refreshes. Labels are route templates, services and outcomes: never an id, an
//! address, a query value or anyone's name.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Request {
    /// The route's template (`/api/people/{id}`), or `unmatched`.
    route: String,
    method: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Call {
    service: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Service {
    service: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Size {
    people: &'static str,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<Request, Counter>,
    latency: Family<Route, Histogram>,
    calls: Family<Call, Counter>,
    retries: Family<Service, Counter>,
    expansions: Family<Size, Counter>,
    refreshes: Family<Call, Counter>,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("davet");
    let requests = Family::<Request, Counter>::default();
    registry.register(
        "http_requests",
        "HTTP requests answered, by route template, method and status",
        requests.clone(),
    );
    let latency = Family::<Route, Histogram>::new_with_constructor(|| {
        Histogram::new(exponential_buckets(0.005, 2.0, 12))
    });
    registry.register(
        "http_request_duration_seconds",
        "Time to answer, by route template",
        latency.clone(),
    );
    let calls = Family::<Call, Counter>::default();
    registry.register(
        "upstream_requests",
        "Requests to Graph, the identity platform and Webex, by outcome",
        calls.clone(),
    );
    let retries = Family::<Service, Counter>::default();
    registry.register(
        "upstream_retries",
        "Requests sent again (throttled, failing, cut off)",
        retries.clone(),
    );
    let expansions = Family::<Size, Counter>::default();
    registry.register(
        "expansions",
        "Expansions finished, by how many people they found",
        expansions.clone(),
    );
    let refreshes = Family::<Call, Counter>::default();
    registry.register(
        "token_refreshes",
        "Refresh tokens spent, by service and outcome",
        refreshes.clone(),
    );
    Metrics {
        registry,
        requests,
        latency,
        calls,
        retries,
        expansions,
        refreshes,
    }
});

/// One answered request.
pub fn request(route: &str, method: &str, status: u16, took: Duration) {
    METRICS
        .requests
        .get_or_create(&Request {
            route: route.to_owned(),
            method: method.to_owned(),
            status,
        })
        .inc();
    METRICS
        .latency
        .get_or_create(&Route {
            route: route.to_owned(),
        })
        .observe(took.as_secs_f64());
}

/// One request to a service, with how it ended (`ok`, `throttled`, `server_error`,
/// `refused`, `transport`).
pub fn call(service: &'static str, outcome: &'static str) {
    METRICS
        .calls
        .get_or_create(&Call { service, outcome })
        .inc();
}

pub fn retry(service: &'static str) {
    METRICS.retries.get_or_create(&Service { service }).inc();
}

/// An expansion's size, in buckets.
pub fn expansion(people: usize) {
    let bucket = match people {
        0..=10 => "10",
        11..=100 => "100",
        101..=500 => "500",
        501..=5000 => "5000",
        _ => "more",
    };
    METRICS
        .expansions
        .get_or_create(&Size { people: bucket })
        .inc();
}

/// A refresh token spent (`ok`, `refused`, `failed`).
pub fn refresh(service: &'static str, outcome: &'static str) {
    METRICS
        .refreshes
        .get_or_create(&Call { service, outcome })
        .inc();
}

/// Everything, as OpenMetrics text.
pub fn render() -> String {
    let mut text = String::new();
    if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &METRICS.registry) {
        tracing::warn!(%error, "metrics could not be written");
    }
    text
}

/// OpenMetrics' content type.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

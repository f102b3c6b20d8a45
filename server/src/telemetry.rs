//! Logging. Policy: log methods, paths, statuses and counts; never query strings, tokens,
//! addresses, membership or message bodies.

use tracing_subscriber::EnvFilter;

/// Logs to standard error, at `DAVET_LOG` (`info` by default), as text or, with
/// `DAVET_LOG_FORMAT=json`, one JSON object a line for a log collector.
pub fn init() {
    let filter = EnvFilter::try_from_env("DAVET_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("DAVET_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Everything logged from now on, at every level, into memory: for tests that read the logs
/// for what must never be there. Answers `None` when a logger is already installed.
pub fn capture() -> Option<std::sync::Arc<std::sync::Mutex<Vec<u8>>>> {
    use std::sync::{Arc, Mutex};
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(buffer.clone());
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::new("trace"))
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .try_init()
        .ok()
        .map(|()| buffer)
}

/// Every request in a span with an id of Davet's own (never one a client sent), so every line
/// logged while answering it carries the id; the answer names it in `X-Request-Id` for the
/// person who reports a problem. The line about each upstream call adds the ids Graph, the
/// identity platform or Webex gave that call.
pub fn trace_requests(router: axum::Router) -> axum::Router {
    use tracing::Instrument;
    router.layer(axum::middleware::from_fn(
        |request: axum::extract::Request, next: axum::middleware::Next| async move {
            let id = uuid::Uuid::new_v4().to_string();
            let span = tracing::info_span!("request", request_id = %id);
            let mut response = next.run(request).instrument(span).await;
            if let Ok(value) = axum::http::HeaderValue::from_str(&id) {
                response.headers_mut().insert("x-request-id", value);
            }
            response
        },
    ))
}

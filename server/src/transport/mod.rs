//! How connections are taken: plain HTTP, or TLS with a certificate re-read when its files
//! change ([`tls`]); every wait bounded (the TLS handshake, a request's headers, an idle
//! keep-alive connection, HTTP/2 peers that stop answering pings), at most so many connections
//! at once, and a graceful stop that lets the requests under way (streams included) finish.
//!
//! The per-request bound is the router's ([`crate::router`]), as it answers with an `ApiError`.

pub mod tls;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tower_service::Service;

pub use tls::{Certificate, TlsError, TlsFiles};

/// The bounds on what a client may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// For the TLS handshake.
    pub handshake: Duration,
    /// For a request's headers to arrive, counted from when the server starts waiting for them:
    /// it bounds a client that sends its headers slowly and a keep-alive connection left idle.
    pub header_read: Duration,
    /// For the answer to begin (a stream's body, such as the expansion's, is not bounded by it).
    pub request: Duration,
    /// Connections at once; the next waits in the kernel's backlog until one closes.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            handshake: Duration::from_secs(10),
            header_read: Duration::from_secs(15),
            request: Duration::from_secs(120),
            max_connections: 1024,
        }
    }
}

/// How a request reached Davet, on every request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    pub peer: SocketAddr,
    /// Over TLS that Davet terminated itself.
    pub tls: bool,
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting and waits for
/// the connections it holds to finish what they are doing (the caller bounds that wait).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    certificate: Option<Arc<Certificate>>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let acceptor = certificate.map(|c| TlsAcceptor::from(c.server_config()));
    let protocols = Arc::new(Protocols::new(limits));
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small answers must not wait on delayed ACKs (design §5).
        let _ = tcp.set_nodelay(true);
        let (protocols, router, watcher) = (protocols.clone(), router.clone(), graceful.watcher());
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let _permit = permit;
            match acceptor {
                None => {
                    let arrival = Arrival { peer, tls: false };
                    protocols
                        .serve(TokioIo::new(tcp), false, router, arrival, watcher)
                        .await;
                }
                Some(acceptor) => {
                    match tokio::time::timeout(limits.handshake, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => {
                            let arrival = Arrival { peer, tls: true };
                            let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
                            protocols
                                .serve(TokioIo::new(stream), h2, router, arrival, watcher)
                                .await;
                        }
                        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// HTTP/1.1, or HTTP/2 where TLS's ALPN chose it. (Not hyper-util's automatic choice: it
/// reads a first byte to choose, and that read waits for ever on a client that sends nothing.)
struct Protocols {
    http1: http1::Builder,
    http2: http2::Builder<TokioExecutor>,
}

impl Protocols {
    fn new(limits: Limits) -> Self {
        let mut one = http1::Builder::new();
        one.timer(TokioTimer::new())
            .header_read_timeout(limits.header_read);
        let mut two = http2::Builder::new(TokioExecutor::new());
        two.timer(TokioTimer::new())
            .max_concurrent_streams(100)
            .keep_alive_interval(Some(Duration::from_secs(20)))
            .keep_alive_timeout(Duration::from_secs(20));
        Self {
            http1: one,
            http2: two,
        }
    }

    async fn serve<I>(
        &self,
        io: TokioIo<I>,
        h2: bool,
        router: Router,
        arrival: Arrival,
        watcher: Watcher,
    ) where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let service = hyper::service::service_fn(move |mut request: http::Request<Incoming>| {
            request.extensions_mut().insert(arrival);
            let mut router = router.clone();
            async move { router.call(request).await }
        });
        let served = if h2 {
            watcher
                .watch(self.http2.serve_connection(io, service))
                .await
        } else {
            watcher
                .watch(self.http1.serve_connection(io, service))
                .await
        };
        if let Err(error) = served {
            // A client that went away or was too slow: its own business, nothing to alarm about.
            tracing::debug!(error = %error, "a connection ended with an error");
        }
    }
}

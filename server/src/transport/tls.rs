//! The server's certificate, read from the PEM files an admin names and read again when either
//! file changes, so a renewal needs no restart. A renewal that does not parse (a key that is not
//! the certificate's, a half-copied file) is refused and the certificate in use kept.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;
use tokio_rustls::rustls::{self, ServerConfig};

/// Where the certificate chain and its key are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub certificate: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {why}")]
    Read { path: String, why: String },
    #[error("{path} holds no certificate")]
    NoCertificate { path: String },
    #[error("the key does not fit the certificate or is not usable: {0}")]
    Key(String),
}

/// The certificate being served, swapped when the files change.
#[derive(Debug)]
pub struct Certificate {
    files: TlsFiles,
    current: RwLock<Arc<CertifiedKey>>,
    /// The files' modification times when last read.
    read_at: RwLock<(Option<SystemTime>, Option<SystemTime>)>,
}

impl Certificate {
    pub fn load(files: TlsFiles) -> Result<Arc<Self>, TlsError> {
        let stamps = stamps(&files);
        let key = read(&files)?;
        Ok(Arc::new(Self {
            files,
            current: RwLock::new(Arc::new(key)),
            read_at: RwLock::new(stamps),
        }))
    }

    /// rustls, serving this certificate (HTTP/2 and HTTP/1.1 offered by ALPN).
    pub fn server_config(self: &Arc<Self>) -> Arc<ServerConfig> {
        let mut config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map(|b| b.with_no_client_auth().with_cert_resolver(self.clone()))
                // ring offers every safe default version; this cannot fail with it.
                .unwrap_or_else(|_| unreachable!("ring supports TLS 1.2 and 1.3"));
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Arc::new(config)
    }

    /// Reads the files again if either changed since the last read; the certificate in use is
    /// kept when the new files do not make one.
    pub fn reload_if_changed(&self) -> Result<bool, TlsError> {
        let now = stamps(&self.files);
        if *self.read_at.read().unwrap_or_else(|p| p.into_inner()) == now {
            return Ok(false);
        }
        let key = read(&self.files);
        *self.read_at.write().unwrap_or_else(|p| p.into_inner()) = now;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(key?);
        Ok(true)
    }

    /// Looks at the files every `every` until the returned task is aborted.
    pub fn watch(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let certificate = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match certificate.reload_if_changed() {
                    Ok(true) => tracing::info!("TLS certificate reloaded"),
                    Ok(false) => {}
                    Err(error) => tracing::warn!(
                        %error,
                        "the changed TLS files were not loaded; the certificate in use is kept"
                    ),
                }
            }
        })
    }
}

impl ResolvesServerCert for Certificate {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(
            self.current
                .read()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        )
    }
}

fn stamps(files: &TlsFiles) -> (Option<SystemTime>, Option<SystemTime>) {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    (modified(&files.certificate), modified(&files.key))
}

fn read(files: &TlsFiles) -> Result<CertifiedKey, TlsError> {
    let unreadable = |path: &Path, why: String| TlsError::Read {
        path: path.display().to_string(),
        why,
    };
    let chain = CertificateDer::pem_file_iter(&files.certificate)
        .map_err(|e| unreadable(&files.certificate, e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| unreadable(&files.certificate, e.to_string()))?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate {
            path: files.certificate.display().to_string(),
        });
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| unreadable(&files.key, e.to_string()))?;
    let provider = rustls::crypto::ring::default_provider();
    let certified =
        CertifiedKey::from_der(chain, key, &provider).map_err(|e| TlsError::Key(e.to_string()))?;
    Ok(certified)
}

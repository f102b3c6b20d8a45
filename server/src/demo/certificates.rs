//! A local certificate authority and a `localhost` certificate it signs, for trying Davet over
//! HTTPS on one machine (`cargo xtask demo --tls`) and for the TLS tests. Never for production:
//! the authority's key sits in a file beside the certificate.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

use crate::transport::TlsFiles;

/// The authority and the server certificate, as PEM files in one folder.
#[derive(Debug, Clone)]
pub struct LocalCertificates {
    /// The authority to trust (`davet-demo-ca.pem`).
    pub authority: PathBuf,
    /// The server's certificate chain (server, then authority) and key.
    pub server: TlsFiles,
    authority_key: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    #[error("making a certificate: {0}")]
    Make(#[from] rcgen::Error),
    #[error("writing {path}: {why}")]
    Write { path: String, why: String },
    #[error("reading {path}: {why}")]
    Read { path: String, why: String },
}

impl LocalCertificates {
    /// The authority in `folder`, made if it is not there yet (so a browser that trusts it
    /// keeps trusting it), and a fresh server certificate for `localhost` and 127.0.0.1.
    pub fn in_folder(folder: &Path) -> Result<Self, CertificateError> {
        let certificates = Self {
            authority: folder.join("davet-demo-ca.pem"),
            authority_key: folder.join("davet-demo-ca-key.pem"),
            server: TlsFiles {
                certificate: folder.join("localhost.pem"),
                key: folder.join("localhost-key.pem"),
            },
        };
        if !certificates.authority.exists() || !certificates.authority_key.exists() {
            let key = KeyPair::generate()?;
            let certificate = authority_params()?.self_signed(&key)?;
            write(&certificates.authority, &certificate.pem())?;
            write(&certificates.authority_key, &key.serialize_pem())?;
        }
        certificates.renew()?;
        Ok(certificates)
    }

    /// Writes a new server certificate (a new key, a new serial) signed by the authority.
    pub fn renew(&self) -> Result<(), CertificateError> {
        let authority_key = KeyPair::from_pem(&read(&self.authority_key)?)?;
        let issuer = Issuer::new(authority_params()?, authority_key);
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])?;
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.serial_number = Some(rand::random::<u64>().into());
        let key = KeyPair::generate()?;
        let certificate = params.signed_by(&key, &issuer)?;
        // The key first: a reload that sees the new certificate then finds its key.
        write(&self.server.key, &key.serialize_pem())?;
        let chain = format!("{}{}", certificate.pem(), read(&self.authority)?);
        write(&self.server.certificate, &chain)?;
        Ok(())
    }
}

fn authority_params() -> Result<CertificateParams, rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.distinguished_name.push(
        DnType::CommonName,
        "Davet demo authority (this machine only)",
    );
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    Ok(params)
}

fn write(path: &Path, text: &str) -> Result<(), CertificateError> {
    // Whole or not at all: a reload never sees half a file.
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| CertificateError::Write {
            path: path.display().to_string(),
            why: e.to_string(),
        })
}

fn read(path: &Path) -> Result<String, CertificateError> {
    std::fs::read_to_string(path).map_err(|e| CertificateError::Read {
        path: path.display().to_string(),
        why: e.to_string(),
    })
}

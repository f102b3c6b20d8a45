//! The add-in's two manifests, rendered for this deployment: the XML add-in manifest (Outlook
//! on Mac, mobile and older Office) and the unified Microsoft 365 app manifest (JSON: Outlook on
//! the web, the new Outlook and Windows), the latter also as the zip an admin uploads (with
//! its icons and Turkish strings).
//!
//! `manifest.xml`, `manifest.json` and `manifest.tr-tr.json` at the repository root are valid
//! manifests for `https://localhost:3000` (the schemas validate them as they are); rendering
//! swaps that origin for the public URL and numbers the version with the revision the vault
//! keeps per content, so each format's version rises whenever its content changes.

use std::io::Write;

use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

use crate::vault::{TokenVault, VaultError};

/// The origin the templates are written for.
pub const TEMPLATE_ORIGIN: &str = "https://localhost:3000";

const XML_TEMPLATE: &str = include_str!("../../manifest.xml");
const JSON_TEMPLATE: &str = include_str!("../../manifest.json");
const JSON_TURKISH: &str = include_str!("../../manifest.tr-tr.json");
const XML_TEMPLATE_VERSION: &str = "<Version>0.1.0.0</Version>";
const COLOR_ICON: &[u8] = include_bytes!("../../assets/color-192.png");
const OUTLINE_ICON: &[u8] = include_bytes!("../../assets/outline-32.png");

/// What the manifests say about the deployment.
#[derive(Debug, Clone)]
pub struct Deployment<'a> {
    pub public_url: &'a Url,
    /// The app registration's client id (the unified manifest's `webApplicationInfo`).
    pub client_id: &'a str,
    /// The API's application id URI.
    pub app_id_uri: &'a str,
}

/// Both manifests, rendered.
#[derive(Debug, Clone)]
pub struct Manifests {
    pub xml: String,
    /// The unified manifest, `manifest.json` of the package.
    pub json: String,
    /// The package an admin uploads: `manifest.json`, its icons and its Turkish strings.
    pub package: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("the manifest package: {0}")]
    Package(String),
}

impl Manifests {
    pub async fn render(
        deployment: &Deployment<'_>,
        vault: &TokenVault,
    ) -> Result<Self, ManifestError> {
        let xml = xml_body(deployment.public_url);
        let xml_revision = vault.manifest_revision("xml", &digest(&xml)).await?;
        let xml = xml.replace(
            XML_TEMPLATE_VERSION,
            &format!("<Version>{}</Version>", xml_version(xml_revision)),
        );
        let mut json = json_body(deployment);
        let revision = vault
            .manifest_revision("json", &digest(&json.to_string()))
            .await?;
        json["version"] = Value::String(unified_version(revision));
        let json = serde_json::to_string_pretty(&json)
            .map_err(|e| ManifestError::Package(e.to_string()))?;
        let package = package(&json).map_err(|e| ManifestError::Package(e.to_string()))?;
        Ok(Self { xml, json, package })
    }
}

/// The product's version, `major.minor.patch`.
fn product() -> (u64, u64, u64) {
    let mut parts = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|p| p.parse::<u64>().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

/// The content's digest, with the product's version in it (a release is a new content).
fn digest(body: &str) -> String {
    hex::encode(Sha256::digest(
        format!("{}\n{body}", env!("CARGO_PKG_VERSION")).as_bytes(),
    ))
}

/// `major.minor.patch.revision`: Office's four-part version.
fn xml_version(revision: i64) -> String {
    let (major, minor, patch) = product();
    format!("{major}.{minor}.{patch}.{revision}")
}

/// Semantic versioning has three parts: `major.minor.(patch × 10000 + revision)`, which rises
/// with a release and with every new content of one release.
fn unified_version(revision: i64) -> String {
    let (major, minor, patch) = product();
    format!(
        "{major}.{minor}.{}",
        patch * 10_000 + revision.max(0) as u64
    )
}

fn xml_body(public_url: &Url) -> String {
    let origin = public_url.as_str().trim_end_matches('/');
    XML_TEMPLATE.replace(TEMPLATE_ORIGIN, &escape_xml(origin))
}

fn json_body(deployment: &Deployment<'_>) -> Value {
    let origin = deployment.public_url.as_str().trim_end_matches('/');
    let mut manifest: Value = serde_json::from_str(JSON_TEMPLATE).unwrap_or(Value::Null);
    swap_origin(&mut manifest, origin);
    let host = deployment
        .public_url
        .host_str()
        .map(|h| match deployment.public_url.port() {
            Some(port) => format!("{h}:{port}"),
            None => h.to_owned(),
        })
        .unwrap_or_default();
    manifest["validDomains"] = serde_json::json!([host]);
    manifest["webApplicationInfo"] = serde_json::json!({
        "id": deployment.client_id,
        "resource": deployment.app_id_uri,
    });
    manifest
}

/// Every string that starts with the template's origin, for this deployment's.
fn swap_origin(value: &mut Value, origin: &str) {
    match value {
        Value::String(s) => {
            if let Some(rest) = s.strip_prefix(TEMPLATE_ORIGIN) {
                *s = format!("{origin}{rest}");
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| swap_origin(v, origin)),
        Value::Object(fields) => fields.values_mut().for_each(|v| swap_origin(v, origin)),
        _ => {}
    }
}

fn package(json: &str) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [
        ("manifest.json", json.as_bytes()),
        ("tr-tr.json", JSON_TURKISH.as_bytes()),
        ("color.png", COLOR_ICON),
        ("outline.png", OUTLINE_ICON),
    ] {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

fn escape_xml(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_points_at_the_deployment() {
        let url = Url::parse("https://davet.contoso.example/").unwrap();
        let xml = xml_body(&url);
        assert!(!xml.contains("localhost"), "a template URL survived");
        assert!(xml.contains("https://davet.contoso.example/pane/taskpane.html"));
        assert!(xml.contains("https://davet.contoso.example/assets/icon-80.png"));
        let json = json_body(&Deployment {
            public_url: &url,
            client_id: "c1",
            app_id_uri: "api://davet.contoso.example/c1",
        })
        .to_string();
        assert!(
            !json.contains("localhost"),
            "a template URL survived: {json}"
        );
        assert!(json.contains("https://davet.contoso.example/pane/taskpane.html"));
        assert!(json.contains("\"validDomains\":[\"davet.contoso.example\"]"));
    }

    #[test]
    fn versions_rise_with_the_revision() {
        assert!(xml_version(2) > xml_version(1));
        let semver = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap()).collect() };
        assert!(semver(&unified_version(12)) > semver(&unified_version(9)));
        assert_eq!(semver(&unified_version(3)).len(), 3);
    }
}

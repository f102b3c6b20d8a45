//! Settings: from a TOML file and `DAVET_…` environment variables (the environment wins).
//!
//! `davet serve` refuses to start while a required setting is missing, and names every one.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use url::Url;

use crate::secret::Secret;

use crate::domain::user::DirectoryId;
use crate::identity::TenantPolicy;
use crate::vault::{KeyRing, SessionLimits, VaultKey};

/// Microsoft's CDN copy of Office.js: production pages must load it from there.
pub const OFFICE_JS_CDN: &str = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";

#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the server listens.
    pub bind: SocketAddr,
    /// The address Outlook reaches the server at; the manifest points here.
    pub public_url: Url,
    pub identity: AppIdentity,
    /// Microsoft Graph's service root (national clouds differ).
    pub graph_url: Url,
    /// The identity platform's root.
    pub login_url: Url,
    /// The built task pane (`cargo xtask pane`).
    pub pane_dir: PathBuf,
    /// Where `taskpane.html` loads Office.js from.
    pub office_js_url: String,
    /// `sqlite:<file>` (the default) or `postgres://…`.
    pub database_url: Secret,
    /// The key that seals refresh tokens, and earlier keys that still open them.
    pub vault_keys: KeyRing,
    /// Whose people may sign in.
    pub tenants: TenantPolicy,
    /// The API's application id URI, the audience of v1 tokens (`api://host/client-id`).
    pub app_id_uri: String,
    pub sessions: SessionLimits,
    /// Most people one invitation may hold before the expansion proposes group addresses.
    pub recipient_limit: u32,
    /// Webex, when an integration is configured (`webex_client_id` and `webex_client_secret`).
    pub webex: Option<WebexSettings>,
    /// How long a scheduling may stay half-made before the sweep finishes or undoes it.
    pub scheduling_sweep_after: chrono::TimeDelta,
    /// Where `/metrics` is served alone (an address an admin keeps private); on the main
    /// address when unset.
    pub metrics_bind: Option<SocketAddr>,
    /// The certificate and key Davet terminates TLS with; plain HTTP (behind a proxy) when unset.
    pub tls: Option<crate::transport::TlsFiles>,
    /// Proxies whose `X-Forwarded-Proto` is believed (plain HTTP behind a proxy).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The bounds on what a client may hold: handshake, headers, answer, connections.
    pub limits: crate::transport::Limits,
}

/// The server's app registration in Entra ID.
#[derive(Debug, Clone)]
pub struct AppIdentity {
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: Secret,
}

/// The Webex integration and how organisers reach Webex.
#[derive(Debug, Clone)]
pub struct WebexSettings {
    /// Webex's API root (`https://webexapis.com/v1`).
    pub url: Url,
    pub client_id: String,
    pub client_secret: Secret,
    pub mode: crate::webex::WebexMode,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("missing required settings: {}", .0.join(", "))]
    Missing(Vec<String>),
    #[error("setting {name} is invalid: {why}")]
    Invalid { name: String, why: String },
    #[error("cannot read the config file {path}: {why}")]
    File { path: String, why: String },
}

/// Every setting, by its file key; the environment variable is `DAVET_` + the key in capitals.
///
/// Kept by hand rather than through `figment` or `config`, for a reason read in figment's
/// source (0.10.19, `providers/env.rs`): environment values are parsed as TOML-like values
/// before they are deserialised, so `DAVET_CLIENT_SECRET=12345` or `DAVET_VAULT_KEY=true`
/// would reach a `String` setting as a number or a boolean and be refused, and type errors name
/// figment's key path rather than the `DAVET_…` variable this loader promises to name. Merging a
/// TOML file with the environment is these forty lines; every setting is then parsed once,
/// with its own message, by the code below.
struct Source(BTreeMap<String, String>);

impl Source {
    fn load(
        file: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut values = BTreeMap::new();
        if let Some(path) = file {
            let file_error = |why: String| ConfigError::File {
                path: path.display().to_string(),
                why,
            };
            let text = std::fs::read_to_string(path).map_err(|e| file_error(e.to_string()))?;
            let table: toml::Table = text
                .parse()
                .map_err(|e: toml::de::Error| file_error(e.message().to_owned()))?;
            for (key, value) in table {
                let value = match value {
                    toml::Value::String(s) => s,
                    other => other.to_string(),
                };
                values.insert(key, value);
            }
        }
        for (name, value) in env {
            if let Some(key) = name.strip_prefix("DAVET_") {
                values.insert(key.to_ascii_lowercase(), value);
            }
        }
        Ok(Self(values))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

fn env_name(key: &str) -> String {
    format!("DAVET_{}", key.to_ascii_uppercase())
}

impl Settings {
    /// Production settings, from an optional TOML file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::from_sources(file, std::env::vars())
    }

    pub fn from_sources(
        file: Option<&Path>,
        env: impl Iterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let source = Source::load(file, env)?;
        let mut missing = Vec::new();
        let mut required = |key: &str| match source.get(key) {
            Some(v) => v.to_owned(),
            None => {
                missing.push(format!("{} (or `{key}` in the config file)", env_name(key)));
                String::new()
            }
        };
        let public_url = required("public_url");
        let tenant_id = required("tenant_id");
        let client_id = required("client_id");
        let client_secret = required("client_secret");
        let vault_key = required("vault_key");
        if !missing.is_empty() {
            return Err(ConfigError::Missing(missing));
        }
        let or = |key: &str, default: &str| source.get(key).unwrap_or(default).to_owned();
        let public_url = parse_url("public_url", &public_url)?;
        let tenants = tenant_policy(source.get("allowed_tenants"), &tenant_id)?;
        let app_id_uri = source
            .get("app_id_uri")
            .map(str::to_owned)
            .unwrap_or_else(|| {
                format!(
                    "api://{}/{client_id}",
                    public_url.host_str().unwrap_or_default()
                )
            });
        let vault_keys = KeyRing::new(
            vault_key_named("vault_key", &vault_key)?,
            source
                .get("vault_previous_keys")
                .unwrap_or_default()
                .split(',')
                .filter(|k| !k.trim().is_empty())
                .map(|k| vault_key_named("vault_previous_keys", k))
                .collect::<Result<_, _>>()?,
        );
        let minutes = |key: &str, default: u64| -> Result<std::time::Duration, ConfigError> {
            let n: u64 = parse(key, &or(key, &default.to_string()))?;
            Ok(std::time::Duration::from_secs(n * 60))
        };
        Ok(Self {
            bind: parse("bind", &or("bind", "127.0.0.1:3000"))?,
            public_url,
            identity: AppIdentity {
                tenant_id,
                client_id,
                client_secret: Secret::new(client_secret),
            },
            graph_url: parse_url(
                "graph_url",
                &or("graph_url", "https://graph.microsoft.com/v1.0"),
            )?,
            login_url: parse_url(
                "login_url",
                &or("login_url", "https://login.microsoftonline.com"),
            )?,
            pane_dir: PathBuf::from(or("pane_dir", "pane")),
            office_js_url: or("office_js_url", OFFICE_JS_CDN),
            database_url: Secret::new(or("database_url", "sqlite:davet.sqlite3")),
            vault_keys,
            tenants,
            app_id_uri,
            sessions: SessionLimits {
                idle: minutes("session_idle_minutes", 12 * 60)?,
                lifetime: minutes("session_lifetime_minutes", 14 * 24 * 60)?,
            },
            webex: webex_settings(&source)?,
            metrics_bind: source
                .get("metrics_bind")
                .map(|v| parse("metrics_bind", v))
                .transpose()?,
            tls: tls_files(&source)?,
            trusted_proxies: source
                .get("trusted_proxies")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse::<ipnet::IpNet>()
                        .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| ConfigError::Invalid {
                            name: env_name("trusted_proxies"),
                            why: format!("`{p}` is neither an address nor a network"),
                        })
                })
                .collect::<Result<_, _>>()?,
            limits: {
                let default = crate::transport::Limits::default();
                let seconds = |key: &str, default: std::time::Duration| {
                    parse::<u64>(key, &or(key, &default.as_secs().to_string()))
                        .map(std::time::Duration::from_secs)
                };
                crate::transport::Limits {
                    handshake: default.handshake,
                    header_read: seconds("header_timeout_seconds", default.header_read)?,
                    request: seconds("request_timeout_seconds", default.request)?,
                    max_connections: parse(
                        "max_connections",
                        &or("max_connections", &default.max_connections.to_string()),
                    )?,
                }
            },
            scheduling_sweep_after: chrono::TimeDelta::minutes(parse(
                "scheduling_sweep_minutes",
                &or("scheduling_sweep_minutes", "30"),
            )?),
            recipient_limit: parse(
                "recipient_limit",
                &or(
                    "recipient_limit",
                    &crate::domain::expansion::DEFAULT_RECIPIENT_LIMIT.to_string(),
                ),
            )?,
        })
    }
}

/// Webex is on when its client id and secret are both set; one without the other is a mistake.
fn webex_settings(source: &Source) -> Result<Option<WebexSettings>, ConfigError> {
    let mode_text = source.get("webex_mode").unwrap_or("person");
    let mode = crate::webex::WebexMode::parse(mode_text).ok_or_else(|| ConfigError::Invalid {
        name: env_name("webex_mode"),
        why: format!("`{mode_text}` is neither `person` nor `organisation`"),
    })?;
    match (
        source.get("webex_client_id"),
        source.get("webex_client_secret"),
    ) {
        (None, None) => Ok(None),
        (Some(client_id), Some(secret)) => Ok(Some(WebexSettings {
            url: parse_url(
                "webex_url",
                source
                    .get("webex_url")
                    .unwrap_or("https://webexapis.com/v1"),
            )?,
            client_id: client_id.to_owned(),
            client_secret: Secret::new(secret.to_owned()),
            mode,
        })),
        (Some(_), None) => Err(ConfigError::Missing(vec![env_name("webex_client_secret")])),
        (None, Some(_)) => Err(ConfigError::Missing(vec![env_name("webex_client_id")])),
    }
}

/// TLS is on when the certificate and key files are both named; one without the other is a
/// mistake.
fn tls_files(source: &Source) -> Result<Option<crate::transport::TlsFiles>, ConfigError> {
    match (source.get("tls_certificate"), source.get("tls_key")) {
        (None, None) => Ok(None),
        (Some(certificate), Some(key)) => Ok(Some(crate::transport::TlsFiles {
            certificate: PathBuf::from(certificate),
            key: PathBuf::from(key),
        })),
        (Some(_), None) => Err(ConfigError::Missing(vec![env_name("tls_key")])),
        (None, Some(_)) => Err(ConfigError::Missing(vec![env_name("tls_certificate")])),
    }
}

/// `allowed_tenants`: unset means the deployment's own tenant; `any`, or a comma list of ids.
fn tenant_policy(setting: Option<&str>, home: &str) -> Result<TenantPolicy, ConfigError> {
    let invalid = |why: String| ConfigError::Invalid {
        name: env_name("allowed_tenants"),
        why,
    };
    match setting.map(str::trim) {
        Some("any" | "*") => Ok(TenantPolicy::Any),
        Some(list) => list
            .split(',')
            .map(|t| DirectoryId::parse(t.trim()).map_err(|e| invalid(e.to_string())))
            .collect::<Result<_, _>>()
            .map(TenantPolicy::Only),
        None => DirectoryId::parse(home)
            .map(|id| TenantPolicy::Only(vec![id]))
            .map_err(|_| {
                invalid(format!(
                    "DAVET_TENANT_ID `{home}` is not a tenant id; name the allowed tenants"
                ))
            }),
    }
}

fn vault_key_named(key: &str, value: &str) -> Result<VaultKey, ConfigError> {
    VaultKey::parse(value).map_err(|e| ConfigError::Invalid {
        name: env_name(key),
        why: e.to_string(),
    })
}

fn parse<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, ConfigError>
where
    T::Err: fmt::Display,
{
    value.parse().map_err(|e: T::Err| ConfigError::Invalid {
        name: env_name(key),
        why: e.to_string(),
    })
}

fn parse_url(key: &str, value: &str) -> Result<Url, ConfigError> {
    let url: Url = parse(key, value)?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(ConfigError::Invalid {
            name: env_name(key),
            why: format!("`{value}` is not an http(s) URL"),
        });
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn missing_settings_are_all_named() {
        let err = Settings::from_sources(None, env(&[("DAVET_CLIENT_ID", "abc")])).unwrap_err();
        let text = err.to_string();
        for name in [
            "DAVET_PUBLIC_URL",
            "DAVET_TENANT_ID",
            "DAVET_CLIENT_SECRET",
            "DAVET_VAULT_KEY",
        ] {
            assert!(text.contains(name), "{text} should name {name}");
        }
        assert!(!text.contains("DAVET_CLIENT_ID"));
    }

    #[test]
    fn environment_overrides_the_file_and_defaults_point_at_microsoft() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("davet.toml");
        std::fs::write(
            &file,
            "public_url = \"https://davet.example\"\ntenant_id = \"72f988bf-86f1-41af-91ab-2d7cd011db47\"\nclient_id = \"file\"\nclient_secret = \"s\"\nvault_key = \"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\"\n",
        )
        .unwrap();
        let settings =
            Settings::from_sources(Some(&file), env(&[("DAVET_CLIENT_ID", "env")])).unwrap();
        assert_eq!(settings.identity.client_id, "env");
        assert_eq!(
            settings.graph_url.as_str(),
            "https://graph.microsoft.com/v1.0"
        );
        assert_eq!(settings.office_js_url, OFFICE_JS_CDN);
        assert!(
            !format!("{settings:?}").contains("\"s\""),
            "the secret leaks into Debug"
        );
    }

    #[test]
    fn a_bad_url_is_named() {
        let err = Settings::from_sources(
            None,
            env(&[
                ("DAVET_PUBLIC_URL", "ftp://x"),
                ("DAVET_TENANT_ID", "t"),
                ("DAVET_CLIENT_ID", "c"),
                ("DAVET_CLIENT_SECRET", "s"),
                ("DAVET_VAULT_KEY", &"00".repeat(32)),
            ]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("DAVET_PUBLIC_URL"), "{err}");
    }

    fn complete(extra: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let mut pairs = vec![
            ("DAVET_PUBLIC_URL", "https://davet.example"),
            ("DAVET_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
            ("DAVET_CLIENT_ID", "c"),
            ("DAVET_CLIENT_SECRET", "s"),
            (
                "DAVET_VAULT_KEY",
                "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=",
            ),
        ];
        pairs.extend_from_slice(extra);
        Settings::from_sources(None, env(&pairs))
    }

    #[test]
    fn the_home_tenant_is_allowed_unless_told_otherwise() {
        let home = DirectoryId::parse("72f988bf-86f1-41af-91ab-2d7cd011db47").unwrap();
        assert_eq!(
            complete(&[]).unwrap().tenants,
            TenantPolicy::Only(vec![home])
        );
        assert_eq!(
            complete(&[("DAVET_ALLOWED_TENANTS", "any")])
                .unwrap()
                .tenants,
            TenantPolicy::Any
        );
        let err = complete(&[("DAVET_ALLOWED_TENANTS", "contoso")]).unwrap_err();
        assert!(err.to_string().contains("DAVET_ALLOWED_TENANTS"), "{err}");
        assert_eq!(complete(&[]).unwrap().app_id_uri, "api://davet.example/c");
    }

    #[test]
    fn tls_needs_both_files_and_proxies_are_addresses_or_networks() {
        let err = complete(&[("DAVET_TLS_CERTIFICATE", "/etc/davet/cert.pem")]).unwrap_err();
        assert_eq!(err, ConfigError::Missing(vec!["DAVET_TLS_KEY".into()]));
        let settings = complete(&[
            ("DAVET_TLS_CERTIFICATE", "/etc/davet/cert.pem"),
            ("DAVET_TLS_KEY", "/etc/davet/key.pem"),
            ("DAVET_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7"),
            ("DAVET_HEADER_TIMEOUT_SECONDS", "5"),
        ])
        .unwrap();
        assert_eq!(
            settings.tls.map(|t| t.key),
            Some(PathBuf::from("/etc/davet/key.pem"))
        );
        assert_eq!(settings.trusted_proxies.len(), 2);
        assert!(
            settings.trusted_proxies[1]
                .contains(&"192.168.1.7".parse::<std::net::IpAddr>().unwrap())
        );
        assert_eq!(
            settings.limits.header_read,
            std::time::Duration::from_secs(5)
        );
        let err = complete(&[("DAVET_TRUSTED_PROXIES", "proxy.internal")]).unwrap_err();
        assert!(err.to_string().contains("DAVET_TRUSTED_PROXIES"), "{err}");
    }

    #[test]
    fn a_short_vault_key_is_refused_by_name() {
        let err = complete(&[("DAVET_VAULT_KEY", "c2hvcnQ=")]).unwrap_err();
        assert!(err.to_string().contains("DAVET_VAULT_KEY"), "{err}");
        let err = complete(&[("DAVET_VAULT_PREVIOUS_KEYS", "nope")]).unwrap_err();
        assert!(
            err.to_string().contains("DAVET_VAULT_PREVIOUS_KEYS"),
            "{err}"
        );
    }
}

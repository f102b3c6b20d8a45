//! Validation of the tokens Davet accepts: tokens for its API (from nested app authentication)
//! and ID tokens (from the code flow). The `jsonwebtoken` crate checks the signature, the
//! algorithm and the lifetime; Davet's policy (which keys, which tenants, issuers, audiences and
//! scopes) sits on top. Nothing is trusted before all of these hold:
//!
//! - `alg` is RS256, exactly (no `none`, no HMAC with a public key as its secret);
//! - the signature verifies with the platform's published key named by `kid`; keys are cached
//!   per kid, and an unknown kid refetches the key set at most once per [`REFETCH_INTERVAL`];
//! - `exp` and `nbf` hold, with [`LEEWAY`] for clock skew;
//! - `tid` is a tenant the deployment allows, and `iss` is that tenant's v1 or v2 issuer;
//! - `aud` is this app (its client id or its application id URI);
//! - for API tokens, `scp` includes `access_as_user` and the client that asked for it (`azp`,
//!   or `appid` in v1 tokens) is this app; for ID tokens, `nonce` is the one sent.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::{Mutex, RwLock};
use url::Url;

use crate::domain::user::{DirectoryId, UserKey};

/// An unknown `kid` refetches the key set at most this often: a stream of forged kids must not
/// become a stream of requests to the identity platform.
pub const REFETCH_INTERVAL: Duration = Duration::from_secs(300);
/// Clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY: Duration = Duration::from_secs(60);
/// The delegated scope of Davet's API.
pub const API_SCOPE: &str = "access_as_user";

/// Why a token was refused. Logged by name; never with the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejected {
    #[error("not a well-formed JWT")]
    Malformed,
    #[error("signed with an algorithm other than RS256")]
    Algorithm,
    #[error("signed with a key the platform does not publish")]
    UnknownKey,
    #[error("the signature does not verify")]
    Signature,
    #[error("expired")]
    Expired,
    #[error("not valid yet")]
    NotYetValid,
    #[error("from a tenant this deployment does not allow")]
    Tenant,
    #[error("from an issuer other than the tenant's")]
    Issuer,
    #[error("for another audience")]
    Audience,
    #[error("without the access_as_user scope")]
    Scope,
    #[error("issued to another client application")]
    Client,
    #[error("with a nonce other than the one sent")]
    Nonce,
    #[error("the platform's signing keys cannot be fetched")]
    KeysUnavailable,
}

/// Which tenants' people may sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TenantPolicy {
    Only(Vec<DirectoryId>),
    Any,
}

impl TenantPolicy {
    pub fn allows(&self, tenant: &DirectoryId) -> bool {
        match self {
            Self::Only(list) => list.contains(tenant),
            Self::Any => true,
        }
    }
}

/// Who a valid token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub key: UserKey,
    pub display_name: String,
    pub username: String,
}

#[derive(Debug, Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Debug, Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    #[serde(rename = "use")]
    usage: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

#[derive(Default)]
struct KeyCache {
    keys: HashMap<String, DecodingKey>,
    fetched: Option<Instant>,
}

#[derive(Debug, Clone)]
pub struct TokenValidator {
    http: reqwest::Client,
    jwks_url: Url,
    /// `{login}/` (the v2 issuer is `{login}/{tid}/v2.0`).
    login: Url,
    v1_issuer_host: &'static str,
    audiences: Vec<String>,
    client_id: String,
    tenants: TenantPolicy,
    cache: Arc<RwLock<KeyCache>>,
    fetching: Arc<Mutex<()>>,
    /// What `jsonwebtoken` checks: RS256 only, `exp` required, `exp`/`nbf` with leeway.
    rules: Validation,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .field("fetched", &self.fetched)
            .finish()
    }
}

impl TokenValidator {
    /// `app_id_uri` is the API's application id URI (`api://host/client-id`), the audience of v1
    /// tokens; v2 tokens carry the client id.
    pub fn new(
        http: reqwest::Client,
        jwks_url: Url,
        login: Url,
        client_id: &str,
        app_id_uri: &str,
        tenants: TenantPolicy,
    ) -> Self {
        // The v1 issuer lives on the security token service's own host; only the Chinese cloud
        // has its own.
        let v1_issuer_host = if login.host_str().is_some_and(|h| h.ends_with(".cn")) {
            "https://sts.chinacloudapi.cn"
        } else {
            "https://sts.windows.net"
        };
        Self {
            http,
            jwks_url,
            login,
            v1_issuer_host,
            audiences: vec![client_id.to_owned(), app_id_uri.to_owned()],
            client_id: client_id.to_owned(),
            tenants,
            cache: Arc::default(),
            fetching: Arc::default(),
            rules: rules(),
        }
    }

    /// A token for Davet's API: who it names, or why it is refused.
    pub async fn api_token(&self, token: &str) -> Result<Caller, TokenRejected> {
        let claims = self.verified_claims(token).await?;
        if !claim_str(&claims, "aud").is_some_and(|aud| self.audiences.iter().any(|a| a == aud)) {
            return Err(TokenRejected::Audience);
        }
        let scopes = claim_str(&claims, "scp").unwrap_or_default();
        if !scopes.split(' ').any(|s| s == API_SCOPE) {
            return Err(TokenRejected::Scope);
        }
        // Our own pane asked for it (through Outlook's broker): `azp` in v2 tokens, `appid` in
        // v1 ones. A token another app obtained for our API does not open a session.
        let client = claim_str(&claims, "azp").or_else(|| claim_str(&claims, "appid"));
        if client != Some(self.client_id.as_str()) {
            return Err(TokenRejected::Client);
        }
        caller(&claims)
    }

    /// An ID token from the code flow, which must carry `nonce`.
    pub async fn id_token(&self, token: &str, nonce: &str) -> Result<Caller, TokenRejected> {
        let claims = self.verified_claims(token).await?;
        if claim_str(&claims, "aud") != Some(self.client_id.as_str()) {
            return Err(TokenRejected::Audience);
        }
        if claim_str(&claims, "nonce") != Some(nonce) {
            return Err(TokenRejected::Nonce);
        }
        caller(&claims)
    }

    /// Signature, lifetime, tenant and issuer: what every token must pass.
    async fn verified_claims(&self, token: &str) -> Result<Value, TokenRejected> {
        // `jsonwebtoken` cannot read a header naming `none` (no algorithm of its own), so the
        // declared algorithm is looked at first: a refusal says what was wrong.
        if declared_algorithm(token).is_some_and(|alg| alg != "RS256") {
            return Err(TokenRejected::Algorithm);
        }
        let header = jsonwebtoken::decode_header(token).map_err(|e| match e.kind() {
            ErrorKind::InvalidAlgorithmName => TokenRejected::Algorithm,
            _ => TokenRejected::Malformed,
        })?;
        if header.alg != Algorithm::RS256 {
            return Err(TokenRejected::Algorithm);
        }
        if header.typ.as_deref().is_some_and(|t| t != "JWT") {
            return Err(TokenRejected::Malformed);
        }
        // The key comes from the key set we fetch, never from where a token says (`jku`, `x5u`,
        // an embedded `jwk`): those headers are not followed.
        let kid = header.kid.ok_or(TokenRejected::UnknownKey)?;
        let key = self.key(&kid).await?;
        let claims = jsonwebtoken::decode::<Value>(token, &key, &self.rules)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenRejected::Expired,
                ErrorKind::ImmatureSignature => TokenRejected::NotYetValid,
                ErrorKind::InvalidSignature => TokenRejected::Signature,
                ErrorKind::InvalidAlgorithm => TokenRejected::Algorithm,
                _ => TokenRejected::Malformed,
            })?
            .claims;
        let tenant = claim_str(&claims, "tid")
            .and_then(|t| DirectoryId::parse(t).ok())
            .ok_or(TokenRejected::Tenant)?;
        if !self.tenants.allows(&tenant) {
            return Err(TokenRejected::Tenant);
        }
        let issuer = claim_str(&claims, "iss").unwrap_or_default();
        let v2 = format!("{}{tenant}/v2.0", self.login);
        let v1 = format!("{}/{tenant}/", self.v1_issuer_host);
        if issuer != v2 && issuer != v1 {
            return Err(TokenRejected::Issuer);
        }
        Ok(claims)
    }

    /// How many signing keys are loaded, loading the key set first when none is (readiness).
    pub async fn keys_loaded(&self) -> Result<usize, TokenRejected> {
        let held = self.cache.read().await.keys.len();
        if held > 0 {
            return Ok(held);
        }
        let _fetching = self.fetching.lock().await;
        let keys = self.fetch_keys().await?;
        let mut cache = self.cache.write().await;
        cache.keys = keys;
        cache.fetched = Some(Instant::now());
        Ok(cache.keys.len())
    }

    /// The verifying key named `kid`, from the cache or a refetch of the key set.
    async fn key(&self, kid: &str) -> Result<DecodingKey, TokenRejected> {
        if let Some(key) = self.cache.read().await.keys.get(kid) {
            return Ok(key.clone());
        }
        // One fetch at a time; whoever waited finds the keys the first one fetched.
        let _fetching = self.fetching.lock().await;
        {
            let cache = self.cache.read().await;
            if let Some(key) = cache.keys.get(kid) {
                return Ok(key.clone());
            }
            if cache
                .fetched
                .is_some_and(|at| at.elapsed() < REFETCH_INTERVAL)
            {
                return Err(TokenRejected::UnknownKey);
            }
        }
        let keys = self.fetch_keys().await?;
        let mut cache = self.cache.write().await;
        cache.keys = keys;
        cache.fetched = Some(Instant::now());
        cache
            .keys
            .get(kid)
            .cloned()
            .ok_or(TokenRejected::UnknownKey)
    }

    async fn fetch_keys(&self) -> Result<HashMap<String, DecodingKey>, TokenRejected> {
        let unavailable = |e: &dyn std::fmt::Display| {
            tracing::warn!(error = %e, "signing keys unavailable");
            TokenRejected::KeysUnavailable
        };
        let jwks: Jwks = self
            .http
            .get(self.jwks_url.clone())
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| unavailable(&e))?
            .json()
            .await
            .map_err(|e| unavailable(&e))?;
        tracing::info!(
            keys = jwks.keys.len(),
            "fetched the identity platform's signing keys"
        );
        Ok(jwks
            .keys
            .into_iter()
            .filter(|k| k.kty == "RSA" && k.usage.as_deref().is_none_or(|u| u == "sig"))
            .filter_map(|k| {
                let key = DecodingKey::from_rsa_components(&k.n?, &k.e?).ok()?;
                Some((k.kid?, key))
            })
            .collect())
    }
}

/// The `alg` a token's header declares, if the header reads as JSON.
fn declared_algorithm(token: &str) -> Option<String> {
    use base64::Engine;
    let header = token.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .ok()?;
    let header: Value = serde_json::from_slice(&bytes).ok()?;
    header["alg"].as_str().map(str::to_owned)
}

/// What `jsonwebtoken` checks for Davet: RS256 alone, an `exp`, `exp` and `nbf` with
/// [`LEEWAY`]. Audience and issuer depend on the token's tenant and kind: checked above.
fn rules() -> Validation {
    let mut rules = Validation::new(Algorithm::RS256);
    rules.leeway = LEEWAY.as_secs();
    rules.validate_exp = true;
    rules.validate_nbf = true;
    rules.validate_aud = false;
    rules.set_required_spec_claims(&["exp"]);
    rules
}

fn claim_str<'a>(claims: &'a Value, name: &str) -> Option<&'a str> {
    claims[name].as_str()
}

fn caller(claims: &Value) -> Result<Caller, TokenRejected> {
    let tenant = claim_str(claims, "tid")
        .and_then(|t| DirectoryId::parse(t).ok())
        .ok_or(TokenRejected::Tenant)?;
    let user = claim_str(claims, "oid")
        .and_then(|o| DirectoryId::parse(o).ok())
        .ok_or(TokenRejected::Malformed)?;
    let username = claim_str(claims, "preferred_username")
        .or_else(|| claim_str(claims, "upn"))
        .unwrap_or_default()
        .to_owned();
    Ok(Caller {
        key: UserKey { tenant, user },
        display_name: claim_str(claims, "name").unwrap_or(&username).to_owned(),
        username,
    })
}

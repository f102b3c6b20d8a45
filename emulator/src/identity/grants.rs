//! Delegated sign-in: the authorize page (a list of the tenant's people to sign in as), codes
//! bound to PKCE challenges, rotating refresh tokens, and the on-behalf-of exchange.
//!
//! Codes live ten minutes and are good once. A refresh token is good once: using it returns a
//! new one and revokes it (design §4: refresh tokens rotate).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{GRAPH_AUDIENCE, TOKEN_LIFETIME, now_secs};
use crate::World;

const CODE_LIFETIME: Duration = Duration::from_secs(600);

/// The delegated permissions an admin consented to for the Davet app (design §1).
pub const CONSENTED_SCOPES: &[&str] = &[
    "User.Read.All",
    "Group.Read.All",
    "Directory.Read.All",
    "Contacts.Read",
    "Calendars.Read",
    "Calendars.ReadWrite",
];

/// The scope the pane asks for to call Davet's own API.
pub const API_SCOPE: &str = "access_as_user";

/// What a code, refresh token or assertion stands for: a person, and what they granted.
#[derive(Debug, Clone)]
pub struct Grant {
    pub user: usize,
    pub scopes: Vec<String>,
    pub client_id: String,
}

#[derive(Debug, Clone)]
struct PendingCode {
    grant: Grant,
    redirect_uri: String,
    challenge: Option<String>,
    nonce: Option<String>,
    expires: Instant,
}

#[derive(Debug, Default)]
struct Store {
    codes: HashMap<String, PendingCode>,
    refresh: HashMap<String, Grant>,
    redirect_uris: Vec<String>,
    /// The latest refresh tokens used up and access tokens issued, for tests that look for
    /// them where they must not be; bounded, so a demo that runs for days does not grow.
    spent: Recent,
    issued: Recent,
}

/// The last [`Recent::KEPT`] values, oldest first.
#[derive(Debug, Default)]
struct Recent(std::collections::VecDeque<String>);

impl Recent {
    const KEPT: usize = 256;

    fn push(&mut self, value: String) {
        if self.0.len() == Self::KEPT {
            self.0.pop_front();
        }
        self.0.push_back(value);
    }
}

/// The platform's memory of codes and refresh tokens, and the app's registered redirect URIs.
#[derive(Debug, Default)]
pub struct Grants(Mutex<Store>);

/// A refused grant: the OAuth `error`, the AADSTS number and its description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub error: &'static str,
    pub code: u32,
    pub description: String,
}

fn refuse(error: &'static str, code: u32, description: impl Into<String>) -> Refusal {
    Refusal {
        error,
        code,
        description: description.into(),
    }
}

fn secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

impl Grants {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a redirect URI for the tenant's app (as an admin does in Entra ID).
    pub fn register_redirect_uri(&self, uri: &str) {
        self.store().redirect_uris.push(uri.to_owned());
    }

    pub fn is_registered(&self, uri: &str) -> bool {
        self.store().redirect_uris.iter().any(|r| r == uri)
    }

    pub fn issue_code(
        &self,
        grant: Grant,
        redirect_uri: &str,
        challenge: Option<String>,
        nonce: Option<String>,
    ) -> String {
        let code = secret();
        let mut store = self.store();
        let now = Instant::now();
        store.codes.retain(|_, c| c.expires > now);
        store.codes.insert(
            code.clone(),
            PendingCode {
                grant,
                redirect_uri: redirect_uri.to_owned(),
                challenge,
                nonce,
                expires: now + CODE_LIFETIME,
            },
        );
        code
    }

    /// Redeems a code once, checking the client, the redirect URI and the PKCE verifier.
    pub fn redeem_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: Option<&str>,
    ) -> Result<(Grant, Option<String>), Refusal> {
        let pending = self
            .store()
            .codes
            .remove(code)
            .filter(|c| c.expires > Instant::now())
            .ok_or_else(|| refuse("invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."))?;
        if pending.grant.client_id != client_id {
            return Err(refuse(
                "invalid_grant",
                70000,
                "The provided authorization code was issued to another client.",
            ));
        }
        if pending.redirect_uri != redirect_uri {
            return Err(refuse(
                "invalid_grant",
                500112,
                "The reply address does not match the reply address provided when requesting the authorization code.",
            ));
        }
        if let Some(challenge) = &pending.challenge {
            let verifier = verifier.ok_or_else(|| refuse("invalid_request", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE."))?;
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if &computed != challenge {
                return Err(refuse(
                    "invalid_grant",
                    501481,
                    "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                ));
            }
        }
        Ok((pending.grant, pending.nonce))
    }

    /// A new refresh token for a grant.
    pub fn issue_refresh(&self, grant: Grant) -> String {
        let token = secret();
        self.store().refresh.insert(token.clone(), grant);
        token
    }

    /// Uses a refresh token up: it is revoked, and the caller issues the next one.
    pub fn take_refresh(&self, token: &str, client_id: &str) -> Result<Grant, Refusal> {
        let mut store = self.store();
        let grant = store.refresh.remove(token);
        if grant.is_some() {
            store.spent.push(token.to_owned());
        }
        drop(store);
        let grant = grant.ok_or_else(|| refuse("invalid_grant", 70000, "The provided value for the input parameter 'refresh_token' is not valid. The refresh token was revoked or already used."))?;
        if grant.client_id != client_id {
            return Err(refuse(
                "invalid_grant",
                70000,
                "The refresh token was issued to another client.",
            ));
        }
        Ok(grant)
    }

    /// The refresh tokens now good, so tests can look for them where they must not be.
    pub fn live_refresh_tokens(&self) -> Vec<String> {
        self.store().refresh.keys().cloned().collect()
    }

    /// Refresh tokens used up lately (each good once, then revoked).
    pub fn spent_refresh_tokens(&self) -> Vec<String> {
        self.store().spent.0.iter().cloned().collect()
    }

    /// Keeps an access token the platform issued, for [`Grants::issued_access_tokens`].
    pub(crate) fn record_access(&self, token: &str) {
        self.store().issued.push(token.to_owned());
    }

    /// Access tokens the platform issued lately (for Graph or for the API).
    pub fn issued_access_tokens(&self) -> Vec<String> {
        self.store().issued.0.iter().cloned().collect()
    }

    /// Forgets every refresh token of a person (a sign-out everywhere, or an admin's revocation).
    pub fn revoke_user(&self, user: usize) {
        self.store().refresh.retain(|_, g| g.user != user);
    }
}

/// Splits a `scope` parameter into the Graph scopes (short names) and whether the API scope, an
/// id token or a refresh token is asked for.
#[derive(Debug, Default)]
pub struct Scopes {
    pub graph: Vec<String>,
    pub api: bool,
    pub openid: bool,
    pub offline: bool,
}

impl Scopes {
    pub fn parse(scope: &str) -> Self {
        let mut scopes = Scopes::default();
        for s in scope.split_whitespace() {
            match s {
                "openid" | "profile" | "email" => scopes.openid = true,
                "offline_access" => scopes.offline = true,
                s if s.ends_with(&format!("/{API_SCOPE}")) => scopes.api = true,
                s => scopes.graph.push(
                    s.trim_start_matches(&format!("{GRAPH_AUDIENCE}/"))
                        .to_owned(),
                ),
            }
        }
        scopes
    }

    /// Graph scopes must have been consented; `.default` means all that were.
    pub fn consented(&self) -> Result<Vec<String>, Refusal> {
        if self.graph.iter().any(|s| s == ".default") {
            return Ok(CONSENTED_SCOPES.iter().map(|s| (*s).to_owned()).collect());
        }
        match self
            .graph
            .iter()
            .find(|s| !CONSENTED_SCOPES.contains(&s.as_str()))
        {
            Some(missing) => Err(refuse(
                "invalid_grant",
                65001,
                format!(
                    "The user or administrator has not consented to use the application with the scope '{missing}'. Send an interactive authorization request for this user and resource."
                ),
            )),
            None => Ok(self.graph.clone()),
        }
    }
}

impl World {
    /// A delegated access token: for Graph (v1.0 format) or for Davet's API (v2.0).
    pub fn delegated_token(&self, issuer_v2: &str, grant: &Grant, api: bool) -> String {
        let now = now_secs();
        let user = &self.tenant.users[grant.user];
        let mut claims = json!({
            "iat": now,
            "nbf": now,
            "exp": now + TOKEN_LIFETIME.as_secs(),
            "oid": user.id,
            "sub": format!("{}-{}", grant.client_id, user.id),
            "tid": self.tenant.id,
            "name": user.display_name,
            "uti": crate::wire::request_id(),
        });
        let extra = if api {
            json!({
                "aud": grant.client_id,
                "iss": issuer_v2,
                "azp": grant.client_id,
                "scp": API_SCOPE,
                "preferred_username": user.user_principal_name,
                "ver": "2.0",
            })
        } else {
            json!({
                "aud": GRAPH_AUDIENCE,
                "iss": format!("https://sts.windows.net/{}/", self.tenant.id),
                "appid": grant.client_id,
                "idtyp": "user",
                "scp": grant.scopes.join(" "),
                "upn": user.user_principal_name,
                "unique_name": user.user_principal_name,
                "ver": "1.0",
            })
        };
        merge(&mut claims, extra);
        self.keys.sign(&claims)
    }

    pub fn id_token(&self, issuer_v2: &str, grant: &Grant, nonce: Option<&str>) -> String {
        let now = now_secs();
        let user = &self.tenant.users[grant.user];
        let mut claims = json!({
            "aud": grant.client_id,
            "iss": issuer_v2,
            "iat": now,
            "nbf": now,
            "exp": now + TOKEN_LIFETIME.as_secs(),
            "oid": user.id,
            "sub": format!("{}-{}", grant.client_id, user.id),
            "tid": self.tenant.id,
            "name": user.display_name,
            "preferred_username": user.user_principal_name,
            "ver": "2.0",
        });
        if let Some(nonce) = nonce {
            claims["nonce"] = nonce.into();
        }
        self.keys.sign(&claims)
    }
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> Grant {
        Grant {
            user: 0,
            scopes: vec!["User.Read.All".into()],
            client_id: "app".into(),
        }
    }

    #[test]
    fn a_code_is_good_once_and_only_with_its_verifier() {
        let grants = Grants::default();
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let code = grants.issue_code(grant(), "https://x/cb", Some(challenge.clone()), None);
        assert_eq!(
            grants
                .redeem_code(&code, "app", "https://x/cb", Some("wrong"))
                .unwrap_err()
                .code,
            501481
        );
        let code = grants.issue_code(grant(), "https://x/cb", Some(challenge), None);
        assert!(
            grants
                .redeem_code(&code, "app", "https://x/cb", Some(verifier))
                .is_ok()
        );
        assert_eq!(
            grants
                .redeem_code(&code, "app", "https://x/cb", Some(verifier))
                .unwrap_err()
                .code,
            70008
        );
    }

    #[test]
    fn a_refresh_token_is_revoked_by_its_use() {
        let grants = Grants::default();
        let token = grants.issue_refresh(grant());
        assert!(grants.take_refresh(&token, "app").is_ok());
        assert_eq!(
            grants.take_refresh(&token, "app").unwrap_err().error,
            "invalid_grant"
        );
    }

    #[test]
    fn scopes_split_into_graph_api_and_protocol_scopes() {
        let s = Scopes::parse(
            "openid offline_access https://graph.microsoft.com/User.Read.All api://davet.example/abc/access_as_user",
        );
        assert!(s.openid && s.offline && s.api);
        assert_eq!(s.graph, vec!["User.Read.All"]);
        assert!(Scopes::parse("Mail.Send").consented().is_err());
        assert_eq!(
            Scopes::parse(".default").consented().unwrap().len(),
            CONSENTED_SCOPES.len()
        );
    }
}

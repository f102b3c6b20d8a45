//! The identity platform's signing keys: RS256, published as a JSON Web Key Set, rotated on
//! demand (the previous keys stay published, as Microsoft keeps old keys listed for a while).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Value, json};
use sha2::Sha256;

const KEY_BITS: usize = 2048;

#[derive(Debug, Clone)]
struct Key {
    kid: String,
    private: RsaPrivateKey,
}

/// Keys, newest first.
#[derive(Debug)]
pub struct SigningKeys {
    keys: Mutex<Vec<Key>>,
    seed: u64,
    /// Tokens whose signature verified, with their claims: a service checks the same token
    /// on every request, and RSA in pure Rust is slow enough to show in latency figures.
    verified: Mutex<HashMap<String, Value>>,
}

/// Verified tokens remembered at most; the memory starts afresh beyond it.
const VERIFIED_CACHE: usize = 4096;

impl SigningKeys {
    /// The first key of a tenant is derived from its seed, so a restarted demo keeps
    /// validating the tokens it issued; generating RSA keys is slow, so each is made once.
    pub fn new(seed: u64) -> Self {
        Self {
            keys: Mutex::new(vec![key(seed, 0)]),
            seed,
            verified: Mutex::default(),
        }
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, Vec<Key>> {
        self.keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new signing key; the old ones stay in the key set.
    pub fn rotate(&self) -> String {
        let mut keys = self.keys();
        let next = key(self.seed, keys.len() as u64);
        let kid = next.kid.clone();
        keys.insert(0, next);
        kid
    }

    pub fn current_kid(&self) -> String {
        self.keys()[0].kid.clone()
    }

    /// `header.payload.signature`, RS256 with the current key.
    pub fn sign(&self, claims: &Value) -> String {
        let current = self.keys()[0].clone();
        sign_with(&current.private, &current.kid, claims)
    }

    /// A token signed with this key set's current key under a header of the caller's making
    /// (`extra` fields added to, or replacing, `typ`, `alg`, `kid`): how tests forge tokens
    /// that name another key or point elsewhere for one (`jku`, `x5u`, `jwk`).
    pub fn sign_with_header(&self, extra: &Value, claims: &Value) -> String {
        let current = self.keys()[0].clone();
        let mut header = json!({ "typ": "JWT", "alg": "RS256", "kid": current.kid });
        if let (Some(header), Some(extra)) = (header.as_object_mut(), extra.as_object()) {
            header.extend(extra.clone());
        }
        let encode = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
        let signed = format!("{}.{}", encode(&header), encode(claims));
        let signature = SigningKey::<Sha256>::new(current.private.clone()).sign(signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// The claims of a token signed by one of our keys, or why not.
    pub fn verify(&self, token: &str) -> Result<Value, &'static str> {
        let remembered = self
            .verified
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(token)
            .cloned();
        if let Some(claims) = remembered {
            return Ok(claims);
        }
        let claims = self.verify_signature(token)?;
        let mut verified = self.verified.lock().unwrap_or_else(|p| p.into_inner());
        if verified.len() >= VERIFIED_CACHE {
            verified.clear();
        }
        verified.insert(token.to_owned(), claims.clone());
        Ok(claims)
    }

    fn verify_signature(&self, token: &str) -> Result<Value, &'static str> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("IDX14100: JWT is not well formed, there are no dots (.).");
        };
        let decode = |part: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| "IDX14102: Unable to decode the token.")
        };
        let header: Value = serde_json::from_slice(&decode(header)?)
            .map_err(|_| "IDX14102: Unable to decode the header.")?;
        if header["alg"] != "RS256" {
            return Err("IDX10511: Signature validation failed: the algorithm is not RS256.");
        }
        let kid = header["kid"]
            .as_str()
            .ok_or("IDX10503: Signature validation failed: no kid.")?;
        let key = self
            .keys()
            .iter()
            .find(|k| k.kid == kid)
            .map(|k| k.private.to_public_key())
            .ok_or(
                "IDX10503: Signature validation failed. The token's kid is not in the key set.",
            )?;
        let signature = Signature::try_from(decode(signature)?.as_slice())
            .map_err(|_| "IDX10511: Signature validation failed.")?;
        let signed = token.rsplit_once('.').map_or("", |(signed, _)| signed);
        VerifyingKey::<Sha256>::new(key)
            .verify(signed.as_bytes(), &signature)
            .map_err(|_| "IDX10511: Signature validation failed.")?;
        serde_json::from_slice(&decode(payload)?)
            .map_err(|_| "IDX14102: Unable to decode the payload.")
    }

    /// The JSON Web Key Set of `/discovery/v2.0/keys`.
    pub fn jwks(&self, issuer: &str) -> Value {
        let keys: Vec<Value> = self
            .keys()
            .iter()
            .map(|k| {
                let public = k.private.to_public_key();
                json!({
                    "kty": "RSA",
                    "use": "sig",
                    "kid": k.kid,
                    "x5t": k.kid,
                    "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
                    "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
                    "issuer": issuer,
                })
            })
            .collect();
        json!({ "keys": keys })
    }
}

/// Signs `claims` as a JWT with the given key: also how tests forge tokens with keys of their own.
pub fn sign_with(private: &RsaPrivateKey, kid: &str, claims: &Value) -> String {
    let header = json!({ "typ": "JWT", "alg": "RS256", "kid": kid, "x5t": kid });
    let encode = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let signed = format!("{}.{}", encode(&header), encode(claims));
    let signature = SigningKey::<Sha256>::new(private.clone()).sign(signed.as_bytes());
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// The `n`-th key of a seed, made once per process.
fn key(seed: u64, n: u64) -> Key {
    static MADE: OnceLock<Mutex<HashMap<(u64, u64), RsaPrivateKey>>> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    let private = {
        let mut made = made.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        made.entry((seed, n))
            .or_insert_with(|| {
                let mut rng =
                    ChaCha20Rng::seed_from_u64(seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                // A failure here means the RSA implementation itself is broken.
                RsaPrivateKey::new(&mut rng, KEY_BITS)
                    .unwrap_or_else(|e| panic!("RSA key generation failed: {e}"))
            })
            .clone()
    };
    let kid = {
        use sha2::Digest;
        let digest = Sha256::digest(RsaPublicKey::from(&private).n().to_bytes_be());
        URL_SAFE_NO_PAD.encode(&digest[..20])
    };
    Key { kid, private }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_verifies_and_a_tampered_one_does_not() {
        let keys = SigningKeys::new(1);
        let token = keys.sign(&json!({"aud": "x", "roles": ["User.Read.All"]}));
        assert_eq!(keys.verify(&token).unwrap()["aud"], "x");
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = URL_SAFE_NO_PAD
            .encode(json!({"aud": "x", "roles": ["Directory.ReadWrite.All"]}).to_string());
        assert!(keys.verify(&parts.join(".")).is_err());
        assert!(keys.verify("not.a.jwt").is_err());
    }

    #[test]
    fn rotation_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key() {
        let keys = SigningKeys::new(2);
        let old = keys.sign(&json!({"n": 1}));
        let old_kid = keys.current_kid();
        let new_kid = keys.rotate();
        assert_ne!(old_kid, new_kid);
        assert!(keys.verify(&old).is_ok());
        assert_eq!(keys.jwks("i")["keys"].as_array().unwrap().len(), 2);
    }
}

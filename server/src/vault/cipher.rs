//! AES-256-GCM for what the vault keeps secret: a random 96-bit nonce per seal, associated data
//! that binds a ciphertext to its owner (a refresh token sealed for one user does not open as
//! another's), and a key id beside every ciphertext so keys can rotate.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, Key, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

const NONCE_LEN: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("a vault key must be 32 bytes, written as 64 hex digits or in base64")]
    Malformed,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error(
        "sealed with key {0}, which is not configured (DAVET_VAULT_KEY or DAVET_VAULT_PREVIOUS_KEYS)"
    )]
    UnknownKey(String),
    #[error("the ciphertext does not open with its key and owner: tampered or misfiled")]
    Forged,
}

/// One 256-bit key and its id: the first 8 bytes of a SHA-256 of the key, in hex, so an admin
/// never has to name keys and the id reveals nothing usable.
#[derive(Clone)]
pub struct VaultKey {
    id: String,
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VaultKey({})", self.id)
    }
}

impl VaultKey {
    /// Reads 64 hex digits or base64 (standard or URL-safe, padded or not) of 32 bytes.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|_| KeyError::Malformed)?
        } else {
            [&STANDARD, &URL_SAFE, &URL_SAFE_NO_PAD]
                .iter()
                .find_map(|engine| engine.decode(text).ok())
                .ok_or(KeyError::Malformed)?
        };
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Malformed)?;
        Ok(Self::from_bytes(bytes))
    }

    fn from_bytes(bytes: [u8; 32]) -> Self {
        let id =
            hex::encode(&Sha256::digest([b"davet vault key ".as_slice(), &bytes].concat())[..8]);
        Self {
            id,
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)),
        }
    }

    /// A fresh random key, in base64, for `davet generate-key`.
    pub fn generate() -> String {
        STANDARD.encode(rand::random::<[u8; 32]>())
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// A ciphertext and the id of the key that sealed it. `bytes` is the nonce, then the ciphertext
/// with its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub bytes: Vec<u8>,
}

/// The current key, which seals, and earlier keys, which only open until `davet rotate-key` has
/// re-sealed everything under the current one.
#[derive(Debug, Clone)]
pub struct KeyRing {
    current: VaultKey,
    previous: Vec<VaultKey>,
}

impl KeyRing {
    pub fn new(current: VaultKey, previous: Vec<VaultKey>) -> Self {
        Self { current, previous }
    }

    /// One fresh key: for a vault that lives as long as the process (the demo's).
    pub fn ephemeral() -> Self {
        Self::new(VaultKey::from_bytes(rand::random()), vec![])
    }

    pub fn current_id(&self) -> &str {
        self.current.id()
    }

    pub fn seal(&self, plaintext: &[u8], owner: &[u8]) -> Sealed {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let payload = Payload {
            msg: plaintext,
            aad: owner,
        };
        // Encryption fails only for plaintexts beyond 64 GiB; ours are tokens.
        let ciphertext = self
            .current
            .cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        Sealed {
            key_id: self.current.id.clone(),
            bytes: [nonce.as_slice(), &ciphertext].concat(),
        }
    }

    /// Sealed as text that travels in a URL (`key-id.base64url`): state a flow carries through
    /// a browser and back, bound to `purpose` so it opens as nothing else.
    pub fn seal_text(&self, plaintext: &[u8], purpose: &[u8]) -> String {
        use base64::Engine;
        let sealed = self.seal(plaintext, purpose);
        format!(
            "{}.{}",
            sealed.key_id,
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed.bytes)
        )
    }

    /// What [`KeyRing::seal_text`] sealed for `purpose`, if it is ours and untouched.
    pub fn open_text(&self, text: &str, purpose: &[u8]) -> Option<Vec<u8>> {
        use base64::Engine;
        let (key_id, bytes) = text.split_once('.')?;
        let sealed = Sealed {
            key_id: key_id.to_owned(),
            bytes: base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(bytes)
                .ok()?,
        };
        self.open(&sealed, purpose).ok()
    }

    pub fn open(&self, sealed: &Sealed, owner: &[u8]) -> Result<Vec<u8>, OpenError> {
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == sealed.key_id)
            .ok_or_else(|| OpenError::UnknownKey(sealed.key_id.clone()))?;
        if sealed.bytes.len() < NONCE_LEN {
            return Err(OpenError::Forged);
        }
        let (nonce, ciphertext) = sealed.bytes.split_at(NONCE_LEN);
        key.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: owner,
                },
            )
            .map_err(|_| OpenError::Forged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> KeyRing {
        KeyRing::new(VaultKey::parse(&VaultKey::generate()).unwrap(), vec![])
    }

    #[test]
    fn a_sealed_secret_opens_only_for_its_owner() {
        let ring = ring();
        let sealed = ring.seal(b"refresh-token", b"tenant\nuser-a");
        assert!(!sealed.bytes.windows(7).any(|w| w == b"refresh"));
        assert_eq!(
            ring.open(&sealed, b"tenant\nuser-a").unwrap(),
            b"refresh-token"
        );
        assert_eq!(
            ring.open(&sealed, b"tenant\nuser-b"),
            Err(OpenError::Forged)
        );
        let mut tampered = sealed.clone();
        tampered.bytes[NONCE_LEN] ^= 1;
        assert_eq!(
            ring.open(&tampered, b"tenant\nuser-a"),
            Err(OpenError::Forged)
        );
    }

    #[test]
    fn the_same_secret_seals_differently_each_time() {
        let ring = ring();
        assert_ne!(ring.seal(b"x", b"o").bytes, ring.seal(b"x", b"o").bytes);
    }

    #[test]
    fn old_keys_open_and_unknown_keys_are_named() {
        let old = VaultKey::parse(&"ab".repeat(32)).unwrap();
        let sealed = KeyRing::new(old.clone(), vec![]).seal(b"t", b"o");
        let rotated = KeyRing::new(VaultKey::parse(&VaultKey::generate()).unwrap(), vec![old]);
        assert_eq!(rotated.open(&sealed, b"o").unwrap(), b"t");
        let forgot = ring();
        assert_eq!(
            forgot.open(&sealed, b"o"),
            Err(OpenError::UnknownKey(sealed.key_id.clone()))
        );
    }

    #[test]
    fn keys_are_32_bytes_in_hex_or_base64() {
        assert!(VaultKey::parse(&"00".repeat(32)).is_ok());
        assert!(VaultKey::parse(&VaultKey::generate()).is_ok());
        assert_eq!(
            VaultKey::parse("c2hvcnQ=").unwrap_err(),
            KeyError::Malformed
        );
        assert_eq!(
            VaultKey::parse("not a key").unwrap_err(),
            KeyError::Malformed
        );
        let a = VaultKey::parse(&"00".repeat(32)).unwrap();
        let b = VaultKey::parse(&"01".repeat(32)).unwrap();
        assert_ne!(a.id(), b.id());
        assert_eq!(a.id().len(), 16);
    }
}

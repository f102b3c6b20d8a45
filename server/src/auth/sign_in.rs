//! The code flow's state parameter. It carries the PKCE verifier, the nonce and the mode
//! (dialog or popup), sealed with the vault key and good for ten minutes, so the server keeps
//! nothing between the start and the callback and any replica can finish a sign-in.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::vault::KeyRing;

const STATE_LIFETIME: Duration = Duration::from_secs(600);
/// Binds sealed states to their purpose: a state never opens as anything else.
const STATE_PURPOSE: &[u8] = b"davet sign-in state";

/// How the pane opened the sign-in page, and so how the outcome reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    /// An Office dialog (`displayDialogAsync`): the page answers with `messageParent`.
    Dialog,
    /// A browser popup: the page answers with `postMessage` to its opener, our origin only.
    Popup,
}

/// What a code flow was started for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignInMode {
    /// A person signing in to the pane.
    Pane(Delivery),
    /// An admin's consent: the page shows the outcome.
    Consent,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct SignInState {
    pub mode: SignInMode,
    pub verifier: String,
    pub nonce: String,
    /// Unix seconds.
    expires: u64,
}

pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl SignInState {
    pub fn new(mode: SignInMode, verifier: String) -> Self {
        Self {
            mode,
            verifier,
            nonce: URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>()),
            expires: now() + STATE_LIFETIME.as_secs(),
        }
    }

    /// `key-id.sealed`, URL-safe.
    pub fn seal(&self, keys: &KeyRing) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        keys.seal_text(&json, STATE_PURPOSE)
    }

    /// The state, if it is ours, untampered and not expired.
    pub fn open(text: &str, keys: &KeyRing) -> Option<Self> {
        let json = keys.open_text(text, STATE_PURPOSE)?;
        let state: Self = serde_json::from_slice(&json).ok()?;
        (state.expires > now()).then_some(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::VaultKey;

    fn keys() -> KeyRing {
        KeyRing::new(VaultKey::parse(&VaultKey::generate()).unwrap(), vec![])
    }

    #[test]
    fn a_state_opens_only_with_our_key_and_untouched() {
        let keys = keys();
        let sealed = SignInState::new(SignInMode::Pane(Delivery::Popup), "v".into()).seal(&keys);
        let opened = SignInState::open(&sealed, &keys).unwrap();
        assert_eq!(
            (opened.mode, opened.verifier.as_str()),
            (SignInMode::Pane(Delivery::Popup), "v")
        );
        assert!(SignInState::open(&sealed, &self::keys()).is_none());
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(SignInState::open(&String::from_utf8(tampered).unwrap(), &keys).is_none());
        assert!(SignInState::open("not-a-state", &keys).is_none());
    }

    #[test]
    fn an_expired_state_is_refused() {
        let keys = keys();
        let mut state = SignInState::new(SignInMode::Pane(Delivery::Dialog), "v".into());
        state.expires = now() - 1;
        assert!(SignInState::open(&state.seal(&keys), &keys).is_none());
    }
}

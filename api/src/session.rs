//! Signing in: the session the pane holds, and what the sign-in page hands it.

use serde::{Deserialize, Serialize};

use crate::ApiError;

/// Path of the session: `POST` trades a token for Davet's API (nested app authentication) for a
/// session; `GET` tells who is signed in; `DELETE` signs out.
pub const SESSION_PATH: &str = "/api/session";
/// Where the sign-in dialog or popup starts the code flow; `mode` is `dialog` or `popup`.
pub const SIGN_IN_START_PATH: &str = "/auth/start";

/// A session the pane holds after signing in. The token is opaque; the pane sends it as
/// `Authorization: Bearer …` (Outlook on the web's iframe blocks third-party cookies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub session_token: String,
    /// When the session ends at the latest, in Unix milliseconds.
    pub expires_at: i64,
    pub user: SessionUser,
}

/// Who is signed in, as the pane shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    pub display_name: String,
    /// The sign-in name (UPN).
    pub username: String,
}

/// What the sign-in dialog or popup hands the pane when the code flow ends (through
/// `Office.context.ui.messageParent` or `postMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum SignInOutcome {
    SignedIn { session: Session },
    Failed { error: ApiError },
}

/// `/readyz`: whether this replica can serve, each check named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    pub ready: bool,
    pub checks: Vec<ReadinessCheck>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReadinessCheck {
    /// `database`, `identity_keys`, `webex`.
    pub name: String,
    pub ok: bool,
    /// How long it took.
    pub ms: u64,
}

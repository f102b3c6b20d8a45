//! The organiser's Webex connection: its state, with what the options panel offers (sites,
//! templates, personal room), and connecting (person mode).

use serde::{Deserialize, Serialize};

use crate::ApiError;

/// `GET`: whether Webex is connected for the organiser, and what they may schedule with.
pub const WEBEX_STATUS_PATH: &str = "/api/webex/status";
/// `POST`: where to send the person to connect their Webex account (person mode); `DELETE`:
/// disconnect (Davet forgets the token).
pub const WEBEX_CONNECTION_PATH: &str = "/api/webex/connection";

/// How the deployment reaches Webex, as the admin chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum WebexMode {
    /// Each person connects their own Webex account once.
    Person,
    /// An admin connected the organisation; nobody connects Webex themselves.
    Organisation,
}

/// The organiser's Webex, as the options panel needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebexStatus {
    pub mode: WebexMode,
    /// Davet can schedule for the organiser now. When false in person mode, the pane offers
    /// "Connect Webex"; in organisation mode an admin must connect the organisation.
    pub connected: bool,
    /// Their Webex account, when connected and found.
    pub account: Option<WebexAccount>,
    pub sites: Vec<WebexSite>,
    pub templates: Vec<WebexTemplate>,
    /// Their personal room on their default site.
    pub personal_room: Option<PersonalRoom>,
    /// The options they last scheduled with (never cohosts, never a password); Webex's
    /// defaults when they have not scheduled yet.
    #[serde(default)]
    pub defaults: crate::WebexOptions,
}

/// The part of [`WebexStatus`] the pane's account line reads: the same JSON, read without the
/// rest (serde passes over fields a type does not name), so the pane's first load carries no
/// code for sites, templates and options until it needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebexConnection {
    pub mode: WebexMode,
    pub connected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebexAccount {
    pub display_name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebexSite {
    pub url: String,
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebexTemplate {
    pub id: String,
    pub name: String,
    pub site_url: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PersonalRoom {
    pub link: String,
    pub topic: String,
}

/// Where the pane opens its dialog (or popup) to connect Webex: a short-lived address of
/// Davet's own that sends the browser on to Webex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebexConnectStart {
    /// Absolute, with the ticket; add `&mode=dialog` or `&mode=popup`.
    pub url: String,
}

/// What the connect dialog or popup hands the pane when it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum WebexConnectOutcome {
    Connected { account: WebexAccount },
    Failed { error: ApiError },
}

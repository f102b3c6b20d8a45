//! Group expansion: what the organiser picked, and the people it invites.

use serde::{Deserialize, Serialize};

use crate::ApiError;

/// Path of the group expansion: `POST` a [`ExpandRequest`]; the answer is NDJSON, one
/// [`ExpandEvent`] a line, ending with `done` or `failed`.
pub const EXPAND_PATH: &str = "/api/expand";
/// The media type of the expansion's answer.
pub const NDJSON: &str = "application/x-ndjson";

/// What the organiser picked to invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExpandRequest {
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = 50)))]
    pub selection: Vec<Selection>,
}

/// One pick: a group (expanded transitively), a contact folder, or one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Selection {
    #[serde(rename_all = "camelCase")]
    Group {
        #[cfg_attr(feature = "schema", schemars(regex(pattern = crate::DIRECTORY_ID_PATTERN)))]
        id: String,
        display_name: String,
        /// The group's own address, when it has one: the proposal when it is too large.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(
            feature = "schema",
            schemars(length(max = 254), regex(pattern = crate::EMAIL_PATTERN))
        )]
        mail: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    ContactFolder {
        #[cfg_attr(feature = "schema", schemars(regex(pattern = crate::OPAQUE_ID_PATTERN)))]
        id: String,
        display_name: String,
    },
    #[serde(rename_all = "camelCase")]
    Person {
        #[cfg_attr(
            feature = "schema",
            schemars(length(max = 254), regex(pattern = crate::EMAIL_PATTERN))
        )]
        email: String,
        display_name: String,
    },
}

/// A person to invite, once, however many picks brought them in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Invitee {
    pub email: String,
    pub display_name: String,
    /// A guest (B2B) account of the organisation. Left out when false, as `external` is: an
    /// expansion lists thousands of people.
    #[serde(default, skip_serializing_if = "is_false")]
    pub guest: bool,
    /// Outside the organisation: an external contact, or a personal contact's address.
    #[serde(default, skip_serializing_if = "is_false")]
    pub external: bool,
    /// The picks that brought them in, by their position in the selection, in pick order
    /// (positions rather than names: an expansion lists thousands of people).
    pub via: Vec<u32>,
}

fn is_false(flag: &bool) -> bool {
    !flag
}

/// Members left out, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    pub no_mailbox: u32,
    pub disabled: u32,
    pub device: u32,
    pub service_principal: u32,
    /// The organiser themself (they are the meeting's organiser, not an attendee).
    pub organiser: u32,
}

/// Whether the people fit in one invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum RecipientVerdict {
    #[serde(rename_all = "camelCase")]
    Fits { count: u32, limit: u32 },
    /// Too many: invite these groups by their own address instead of their people.
    #[serde(rename_all = "camelCase")]
    TooMany {
        count: u32,
        limit: u32,
        invite_group_addresses: Vec<GroupAddress>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupAddress {
    pub id: String,
    pub display_name: String,
    pub mail: String,
    /// Its people, transitively (as the directory counts them).
    pub members: u32,
}

/// The expansion's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Expansion {
    pub people: Vec<Invitee>,
    pub skipped: Skipped,
    pub verdict: RecipientVerdict,
    #[serde(default)]
    pub receipt: Receipt,
}

/// What Davet read from Microsoft 365 for one answer: the groups and contact folders, by name,
/// and how many directory pages. The people it found live in that request's memory only (the
/// architecture's invariant, tested); the pane says so beside these figures.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub groups: Vec<String>,
    pub folders: Vec<String>,
    pub pages: u32,
}

/// How far an expansion has come: picks finished of all picks, directory pages read, distinct
/// people found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub picks_done: u32,
    pub picks: u32,
    pub pages: u32,
    pub people: u32,
}

/// One line of the expansion's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ExpandEvent {
    /// Work so far.
    Progress(Progress),
    Done {
        expansion: Expansion,
    },
    Failed {
        error: ApiError,
    },
}

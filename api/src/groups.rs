//! Directory groups, with their kind and people count.

use serde::{Deserialize, Serialize};

/// Path of the group search (`?q=`); `/api/groups/mine` lists the organiser's own groups.
pub const GROUPS_PATH: &str = "/api/groups";
pub const MY_GROUPS_PATH: &str = "/api/groups/mine";

/// What kind of group, as an organiser tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum GroupKind {
    /// A Microsoft 365 group with a team in Microsoft Teams.
    Team,
    /// A Microsoft 365 group.
    Microsoft365,
    /// A distribution list.
    DistributionList,
    /// A mail-enabled security group.
    MailEnabledSecurity,
    /// A security group (no address of its own).
    Security,
}

/// A group found in the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupSummary {
    pub id: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<String>,
    pub kind: GroupKind,
    /// People in it, nested groups included (the directory's count).
    pub people: u32,
}

/// Answer of `GET /api/groups?q=` and `GET /api/groups/mine`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupList {
    pub groups: Vec<GroupSummary>,
}

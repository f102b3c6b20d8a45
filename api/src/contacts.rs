//! The organiser's personal contacts.

use serde::{Deserialize, Serialize};

/// Paths of the organiser's personal contacts: the folder tree, and contacts (`?q=&folder=`).
pub const CONTACT_FOLDERS_PATH: &str = "/api/contacts/folders";
pub const CONTACTS_PATH: &str = "/api/contacts";

/// A contact folder and the folders inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactFolder {
    pub id: String,
    pub display_name: String,
    #[serde(default)]
    pub children: Vec<ContactFolder>,
}

/// Answer of `GET /api/contacts/folders`. Outlook's personal contact groups (contact lists)
/// cannot be read through Microsoft Graph; the pane says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactFolders {
    pub folders: Vec<ContactFolder>,
}

/// A personal contact with an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub id: String,
    pub display_name: String,
    pub email: String,
}

/// Answer of `GET /api/contacts?q=&folder=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactList {
    pub contacts: Vec<Contact>,
}

//! Directory people: the type-ahead and the people card.

use serde::{Deserialize, Serialize};

/// Path of the directory type-ahead; the query goes in `q`.
pub const PEOPLE_SEARCH_PATH: &str = "/api/people";

/// Path of the people card of a directory person, by object id.
pub const PERSON_CARD_PATH: &str = "/api/people/{id}";
/// Path of their photo.
pub const PERSON_PHOTO_PATH: &str = "/api/people/{id}/photo";

/// Shortest query the type-ahead accepts: one letter matches half the directory.
pub const PEOPLE_QUERY_MIN_CHARS: usize = 2;
/// Longest query the type-ahead accepts.
pub const PEOPLE_QUERY_MAX_CHARS: usize = 100;

/// A person found in the organisation's directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// The directory object id (a GUID).
    pub id: String,
    pub display_name: String,
    /// Primary SMTP address; a person without one cannot be invited and is not returned.
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// A guest (B2B) account rather than a member of the organisation.
    #[serde(default)]
    pub guest: bool,
}

/// Answer of `GET /api/people?q=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PeopleSearch {
    pub query: String,
    pub people: Vec<Person>,
    /// The directory has more matches than these: typing more narrows them.
    #[serde(default, skip_serializing_if = "is_false")]
    pub more: bool,
}

fn is_false(flag: &bool) -> bool {
    !flag
}

/// Answer of `GET /api/people/{id}`: the people card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct PersonCard {
    pub person: Person,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    /// Their manager, the manager's manager, … at most three levels.
    #[serde(default)]
    pub managers: Vec<Manager>,
    /// Whether the directory has a photo of them (`GET /api/people/{id}/photo`).
    #[serde(default)]
    pub photo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Manager {
    pub id: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
}

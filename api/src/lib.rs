//! The contract between the task pane and the server.
//!
//! Architecture invariant: this crate knows nothing of axum, Leptos or Microsoft Graph. It holds
//! plain serde types, builds for `wasm32-unknown-unknown` and the host, and both sides agree on
//! the JSON because both compile these definitions.
//!
//! Enums the pane reads are externally tagged (`{"done":{…}}`): serde reads that form without
//! buffering the object first, and the buffering machinery costs the pane's first load
//! kilobytes. `Selection`, which only the server reads, keeps its `kind` tag.

use serde::{Deserialize, Serialize};

/// Path of the directory type-ahead; the query goes in `q`.
pub const PEOPLE_SEARCH_PATH: &str = "/api/people";

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
}

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
    pub selection: Vec<Selection>,
}

/// One pick: a group (expanded transitively), a contact folder, or one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Selection {
    #[serde(rename_all = "camelCase")]
    Group {
        id: String,
        display_name: String,
        /// The group's own address, when it has one: the proposal when it is too large.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mail: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    ContactFolder { id: String, display_name: String },
    #[serde(rename_all = "camelCase")]
    Person { email: String, display_name: String },
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
}

/// One line of the expansion's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ExpandEvent {
    /// Work so far: picks finished of all picks, directory pages read, distinct people found.
    #[serde(rename_all = "camelCase")]
    Progress {
        picks_done: u32,
        picks: u32,
        pages: u32,
        people: u32,
    },
    Done {
        expansion: Expansion,
    },
    Failed {
        error: ApiError,
    },
}

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

/// Every error the server answers with: an HTTP status, a machine-readable `code` the pane can
/// branch on, and a human `message` (English; the pane shows its own localised text per code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

/// Machine-readable error codes. Adding one is a contract change: the pane localises each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request itself is malformed (missing or invalid parameter).
    InvalidRequest,
    /// The search text is shorter than [`PEOPLE_QUERY_MIN_CHARS`] or longer than the maximum.
    QueryLength,
    /// Microsoft Graph could not be reached or answered with a server error.
    DirectoryUnavailable,
    /// Microsoft Graph is throttling us and the retry budget ran out.
    DirectoryThrottled,
    /// Microsoft Graph refused our credentials.
    DirectoryAccessDenied,
    /// No session, or it ended: sign in (again).
    SignInRequired,
    /// Signing in did not complete: refused, cancelled, or a token that does not hold.
    SignInFailed,
    /// The Microsoft identity platform could not be reached.
    IdentityUnavailable,
    /// A picked group or contact folder does not exist (any more).
    NotFound,
    /// Anything unexpected; the server log has the details.
    Internal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_snake_case_on_the_wire() {
        let e = ApiError {
            code: ErrorCode::DirectoryUnavailable,
            message: "x".into(),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"code":"directory_unavailable","message":"x"}"#);
    }

    #[test]
    fn the_expansion_answer_is_externally_tagged() {
        let line = serde_json::to_string(&ExpandEvent::Progress {
            picks_done: 1,
            picks: 2,
            pages: 3,
            people: 4,
        })
        .unwrap();
        assert_eq!(
            line,
            r#"{"progress":{"picksDone":1,"picks":2,"pages":3,"people":4}}"#
        );
        let verdict = serde_json::to_string(&RecipientVerdict::Fits {
            count: 1,
            limit: 500,
        })
        .unwrap();
        assert_eq!(verdict, r#"{"fits":{"count":1,"limit":500}}"#);
    }

    #[test]
    fn person_round_trips_in_camel_case_and_omits_absent_fields() {
        let p = Person {
            id: "1".into(),
            display_name: "Ayşe Yılmaz".into(),
            email: "ayse@ornek.example".into(),
            job_title: None,
            department: Some("Finans".into()),
            guest: false,
        };
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains(r#""displayName":"Ayşe Yılmaz""#));
        assert!(!json.contains("jobTitle"));
        assert_eq!(serde_json::from_str::<Person>(&json).unwrap(), p);
    }
}

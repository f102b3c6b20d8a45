//! The contract between the task pane and the server.
//!
//! Architecture invariant: this crate knows nothing of axum, Leptos or Microsoft Graph. It holds
//! plain serde types, builds for `wasm32-unknown-unknown` and the host, and both sides agree on
//! the JSON because both compile these definitions.
//!
//! Enums the pane reads are externally tagged (`{"done":{…}}`): serde reads that form without
//! buffering the object first, and the buffering machinery costs the pane's first load
//! kilobytes. `Selection`, which only the server reads, keeps its `kind` tag.

mod contacts;
mod error;
mod expand;
mod groups;
mod lang;
mod meetings;
mod people;
mod session;
mod webex;

pub use contacts::*;
pub use error::*;
pub use expand::*;
pub use groups::*;
pub use lang::*;
pub use meetings::*;
pub use people::*;
pub use session::*;
pub use webex::*;

/// What the server takes as a directory object id: a GUID, hyphenated (the OpenAPI document
/// states it, so a generated client never sends another).
pub const DIRECTORY_ID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
/// An opaque Graph id (a contact folder's, an event's): no `/`, `?` or `#`, 1 to 512 long.
pub const OPAQUE_ID_PATTERN: &str = "^[^/?#]{1,512}$";
/// An address the server takes: a local part, `@`, a domain with a dot inside it, nothing
/// blank or a control character anywhere (at most 254 characters, said beside it).
pub const EMAIL_PATTERN: &str = "^[^@\\s\\x00-\\x1f\\x7f-\\x9f]+@[^@.\\s\\x00-\\x1f\\x7f-\\x9f][^@\\s\\x00-\\x1f\\x7f-\\x9f]*\\.[^@\\s\\x00-\\x1f\\x7f-\\x9f]*[^@.\\s\\x00-\\x1f\\x7f-\\x9f]$";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_snake_case_on_the_wire() {
        let e = ApiError {
            code: ErrorCode::DirectoryUnavailable,
            message: "x".into(),
            message_tr: "y".into(),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"code":"directory_unavailable","message":"x","messageTr":"y"}"#
        );
    }

    #[test]
    fn languages_are_read_from_any_tag_of_theirs() {
        assert_eq!(Lang::from_tag("tr-TR"), Lang::Tr);
        assert_eq!(Lang::from_tag("TR"), Lang::Tr);
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    #[test]
    fn the_expansion_answer_is_externally_tagged() {
        let line = serde_json::to_string(&ExpandEvent::Progress(Progress {
            picks_done: 1,
            picks: 2,
            pages: 3,
            people: 4,
        }))
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

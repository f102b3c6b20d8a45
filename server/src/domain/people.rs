//! Directory type-ahead: the query an organiser types and the people it finds.

use davet_api::{PEOPLE_QUERY_MAX_CHARS, PEOPLE_QUERY_MIN_CHARS};

use super::user::DirectoryId;

/// A type-ahead query: trimmed, inner white space collapsed, between the minimum and maximum
/// length in characters, and free of the characters Graph's `$search` syntax reserves (`"` and
/// `\`), which never occur in names or addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleQuery(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeopleQueryError {
    #[error("type at least {PEOPLE_QUERY_MIN_CHARS} characters to search")]
    TooShort,
    #[error("a search is at most {PEOPLE_QUERY_MAX_CHARS} characters")]
    TooLong,
}

impl PeopleQuery {
    pub fn parse(raw: &str) -> Result<Self, PeopleQueryError> {
        let cleaned: String = raw
            .split(|c: char| c.is_whitespace() || c == '"' || c == '\\' || c.is_control())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        match cleaned.chars().count() {
            n if n < PEOPLE_QUERY_MIN_CHARS => Err(PeopleQueryError::TooShort),
            n if n > PEOPLE_QUERY_MAX_CHARS => Err(PeopleQueryError::TooLong),
            _ => Ok(Self(cleaned)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Someone in the directory, as the domain sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPerson {
    pub id: DirectoryId,
    pub display_name: String,
    pub email: String,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub guest: bool,
}

impl From<DirectoryPerson> for davet_api::Person {
    fn from(p: DirectoryPerson) -> Self {
        Self {
            id: p.id.to_string(),
            display_name: p.display_name,
            email: p.email,
            job_title: p.job_title,
            department: p.department,
            guest: p.guest,
        }
    }
}

/// The people card: a person, where they sit, how to call them, whom they report to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonCard {
    pub person: DirectoryPerson,
    pub office: Option<String>,
    pub phones: Vec<String>,
    /// Their manager, the manager's manager, … nearest first.
    pub managers: Vec<Manager>,
    /// Whether the directory has a photo of them.
    pub photo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manager {
    pub id: DirectoryId,
    pub display_name: String,
    pub job_title: Option<String>,
}

impl From<PersonCard> for davet_api::PersonCard {
    fn from(card: PersonCard) -> Self {
        Self {
            person: card.person.into(),
            office: card.office,
            phones: card.phones,
            photo: card.photo,
            managers: card
                .managers
                .into_iter()
                .map(|m| davet_api::Manager {
                    id: m.id.to_string(),
                    display_name: m.display_name,
                    job_title: m.job_title,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_is_trimmed_and_collapsed() {
        assert_eq!(
            PeopleQuery::parse("  ayşe \t yıl ").unwrap().as_str(),
            "ayşe yıl"
        );
    }

    #[test]
    fn search_syntax_characters_cannot_break_out_of_the_clause() {
        assert_eq!(
            PeopleQuery::parse(r#"ay" OR "mail:x"#).unwrap().as_str(),
            "ay OR mail:x"
        );
        assert_eq!(PeopleQuery::parse(r"a\y").unwrap().as_str(), "a y");
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        // Two Turkish letters are four bytes but two characters: long enough.
        assert!(PeopleQuery::parse("İş").is_ok());
        assert_eq!(PeopleQuery::parse("ş"), Err(PeopleQueryError::TooShort));
        assert_eq!(PeopleQuery::parse(" \" "), Err(PeopleQueryError::TooShort));
        assert_eq!(
            PeopleQuery::parse(&"ı".repeat(101)),
            Err(PeopleQueryError::TooLong)
        );
    }
}

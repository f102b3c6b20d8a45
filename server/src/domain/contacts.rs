//! The organiser's personal contacts, as the domain sees them, and matching what they type
//! against them. Graph cannot search personal contacts by name, so a folder is read (it is
//! personal, and small) and matched here, with Turkish casing.

use super::email::EmailAddress;
use super::people::PeopleQuery;
use super::text::some_word_starts_with;
use super::user::ContactFolderId;

/// Contacts one answer lists at most.
pub const CONTACTS_PER_ANSWER: usize = 50;

/// A contact folder and the folders inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFolder {
    pub id: ContactFolderId,
    pub display_name: String,
    pub children: Vec<ContactFolder>,
}

/// A personal contact with an address (their first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: String,
    pub display_name: String,
    pub email: EmailAddress,
}

/// The contacts a query finds: some word of the name or the address starts with it (all of
/// them without a query), at most [`CONTACTS_PER_ANSWER`].
pub fn matching(contacts: Vec<Contact>, query: Option<&PeopleQuery>) -> Vec<Contact> {
    contacts
        .into_iter()
        .filter(|c| {
            query.is_none_or(|q| {
                some_word_starts_with(&c.display_name, q.as_str())
                    || some_word_starts_with(c.email.as_str(), q.as_str())
            })
        })
        .take(CONTACTS_PER_ANSWER)
        .collect()
}

impl From<ContactFolder> for davet_api::ContactFolder {
    fn from(folder: ContactFolder) -> Self {
        Self {
            id: folder.id.as_str().to_owned(),
            display_name: folder.display_name,
            children: folder.children.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<Contact> for davet_api::Contact {
    fn from(contact: Contact) -> Self {
        Self {
            id: contact.id,
            display_name: contact.display_name,
            email: contact.email.as_str().to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(name: &str, email: &str) -> Contact {
        Contact {
            id: name.into(),
            display_name: name.into(),
            email: EmailAddress::parse(email).unwrap(),
        }
    }

    #[test]
    fn a_query_matches_word_starts_of_name_or_address_with_turkish_casing() {
        let all = vec![
            contact("İlkay Şahin", "ilkay@partner.example"),
            contact("Bora Işık", "bora@ornek.example"),
            contact("Deniz Ak", "dak@ornek.example"),
        ];
        let names = |q: &str| -> Vec<String> {
            matching(all.clone(), Some(&PeopleQuery::parse(q).unwrap()))
                .into_iter()
                .map(|c| c.display_name)
                .collect()
        };
        assert_eq!(names("ilk"), ["İlkay Şahin"]);
        assert_eq!(names("ışı"), ["Bora Işık"]);
        assert_eq!(names("dak"), ["Deniz Ak"]);
        assert_eq!(matching(all.clone(), None).len(), 3);
        let many = (0..80)
            .map(|i| contact(&format!("Kişi {i}"), &format!("k{i}@ornek.example")))
            .collect();
        assert_eq!(matching(many, None).len(), CONTACTS_PER_ANSWER);
    }
}

//! The signed-in person's contacts.

use serde::Deserialize;

use super::{GraphClient, GraphError};
use crate::domain::email::EmailAddress;
use crate::domain::expansion::{Member, SkipReason};

/// A contact folder holds at most this many contacts worth inviting at once.
const FOLDER_LIMIT: usize = 10_000;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Contact {
    id: String,
    display_name: Option<String>,
    #[serde(default)]
    email_addresses: Vec<Address>,
}

#[derive(Debug, Deserialize)]
struct Address {
    name: Option<String>,
    address: Option<String>,
}

impl GraphClient {
    /// The people of one of the person's contact folders: each contact's first address.
    pub async fn contact_folder_members(&self, folder: &str) -> Result<Vec<Member>, GraphError> {
        let encoded: String = url::form_urlencoded::byte_serialize(folder.as_bytes()).collect();
        let mut url = self.url(&format!("me/contactFolders/{encoded}/contacts"))?;
        url.query_pairs_mut()
            .append_pair("$select", "id,displayName,emailAddresses")
            .append_pair("$top", "999");
        let contacts: Vec<Contact> =
            self.collect(url, FOLDER_LIMIT, false)
                .await
                .map_err(|e| match e {
                    GraphError::NotFound(_) => GraphError::NotFound(folder.to_owned()),
                    other => other,
                })?;
        Ok(contacts
            .into_iter()
            .map(|c| {
                let first = c.email_addresses.into_iter().find_map(|a| {
                    let email = EmailAddress::parse(a.address.as_deref()?).ok()?;
                    Some((email, a.name))
                });
                match first {
                    Some((email, name)) => Member::Person {
                        display_name: c
                            .display_name
                            .or(name)
                            .unwrap_or_else(|| email.as_str().to_owned()),
                        id: c.id,
                        email,
                        guest: false,
                        external: true,
                    },
                    None => Member::Skip {
                        id: c.id,
                        reason: SkipReason::NoMailbox,
                    },
                }
            })
            .collect())
    }
}

//! The signed-in person's contacts.

use serde::Deserialize;

use futures_util::future::BoxFuture;

use super::{GraphClient, GraphError, segment};
use crate::domain::contacts::{Contact as DomainContact, ContactFolder};
use crate::domain::email::EmailAddress;
use crate::domain::expansion::{Member, MemberId, SkipReason};
use crate::domain::user::ContactFolderId;

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
    /// The contacts of one of the person's contact folders (`None`: the default one).
    async fn folder_contacts(
        &self,
        folder: Option<&ContactFolderId>,
    ) -> Result<Vec<Contact>, GraphError> {
        let path = match folder {
            Some(folder) => format!("me/contactFolders/{}/contacts", segment(folder.as_str())),
            None => "me/contacts".to_owned(),
        };
        let mut url = self.url(&path)?;
        url.query_pairs_mut()
            .append_pair("$select", "id,displayName,emailAddresses")
            .append_pair("$top", "999");
        self.collect(url, FOLDER_LIMIT, false)
            .await
            .map_err(|e| match e {
                GraphError::NotFound(_) => GraphError::NotFound(
                    folder
                        .map_or("contacts", ContactFolderId::as_str)
                        .to_owned(),
                ),
                other => other,
            })
    }

    /// The people of a contact folder, to invite: each contact's first address, or left out
    /// without one.
    pub async fn contact_folder_members(
        &self,
        folder: Option<&ContactFolderId>,
    ) -> Result<Vec<Member>, GraphError> {
        let contacts = self.folder_contacts(folder).await?;
        Ok(contacts
            .into_iter()
            .map(|c| {
                let id = MemberId::Other(c.id.clone());
                match c.into_domain() {
                    Some(contact) => Member::Person {
                        id,
                        email: contact.email,
                        display_name: contact.display_name,
                        guest: false,
                        external: true,
                    },
                    None => Member::Skip {
                        id,
                        reason: SkipReason::NoMailbox,
                    },
                }
            })
            .collect())
    }

    /// The person's contacts with an address, in a folder or the default one.
    pub async fn contacts(
        &self,
        folder: Option<&ContactFolderId>,
    ) -> Result<Vec<DomainContact>, GraphError> {
        let contacts = self.folder_contacts(folder).await?;
        Ok(contacts
            .into_iter()
            .filter_map(Contact::into_domain)
            .collect())
    }
}

impl Contact {
    /// A contact with their first address, or `None` without one.
    fn into_domain(self) -> Option<DomainContact> {
        let (email, name) = self.email_addresses.into_iter().find_map(|a| {
            let email = EmailAddress::parse(a.address.as_deref()?).ok()?;
            Some((email, a.name))
        })?;
        Some(DomainContact {
            display_name: self
                .display_name
                .filter(|n| !n.trim().is_empty())
                .or(name)
                .unwrap_or_else(|| email.as_str().to_owned()),
            id: self.id,
            email,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Folder {
    id: String,
    display_name: Option<String>,
}

/// Folders deeper than this are not listed (Outlook users rarely nest past three).
const FOLDER_DEPTH: usize = 5;

impl GraphClient {
    /// The person's contact folders, as a tree.
    pub async fn contact_folders(&self) -> Result<Vec<ContactFolder>, GraphError> {
        self.folders_under(None, 0).await
    }

    /// Recursive, so boxed.
    fn folders_under(
        &self,
        parent: Option<ContactFolderId>,
        depth: usize,
    ) -> BoxFuture<'_, Result<Vec<ContactFolder>, GraphError>> {
        Box::pin(async move {
            let path = match &parent {
                None => "me/contactFolders".to_owned(),
                Some(id) => format!("me/contactFolders/{}/childFolders", segment(id.as_str())),
            };
            let mut url = self.url(&path)?;
            url.query_pairs_mut()
                .append_pair("$select", "id,displayName")
                .append_pair("$top", "100");
            let found: Vec<Folder> = self.collect(url, 500, false).await?;
            let mut folders = Vec::with_capacity(found.len());
            for folder in found {
                // A folder whose id could not name it in a path cannot be read or invited.
                let Ok(id) = ContactFolderId::parse(&folder.id) else {
                    continue;
                };
                let children = if depth + 1 < FOLDER_DEPTH {
                    self.folders_under(Some(id.clone()), depth + 1).await?
                } else {
                    Vec::new()
                };
                folders.push(ContactFolder {
                    display_name: folder.display_name.unwrap_or_else(|| folder.id.clone()),
                    id,
                    children,
                });
            }
            Ok(folders)
        })
    }
}

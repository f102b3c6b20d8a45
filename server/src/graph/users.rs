//! Directory users: the type-ahead search.

use serde::Deserialize;

use super::{GraphClient, GraphError};
use crate::domain::people::{DirectoryPerson, Manager, PeopleQuery, PersonCard};
use crate::domain::user::DirectoryId;

/// How many people one type-ahead answer lists.
pub const TYPE_AHEAD_SIZE: usize = 25;

const SELECT: &str = "id,displayName,mail,jobTitle,department,userType,accountEnabled";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphUser {
    id: String,
    display_name: Option<String>,
    mail: Option<String>,
    job_title: Option<String>,
    department: Option<String>,
    user_type: Option<String>,
    account_enabled: Option<bool>,
}

impl GraphUser {
    /// People who can be invited: enabled accounts with a mailbox address.
    fn into_person(self) -> Option<DirectoryPerson> {
        if self.account_enabled == Some(false) {
            return None;
        }
        let email = self.mail.filter(|m| !m.is_empty())?;
        Some(DirectoryPerson {
            display_name: self.display_name.unwrap_or_else(|| email.clone()),
            id: DirectoryId::parse(&self.id).ok()?,
            email,
            job_title: self.job_title,
            department: self.department,
            guest: self.user_type.as_deref() == Some("Guest"),
        })
    }
}

impl GraphClient {
    /// Type-ahead over display name (word starts), mail and UPN (prefixes); and whether the
    /// directory has more matches than the type-ahead shows.
    pub async fn search_people(
        &self,
        query: &PeopleQuery,
    ) -> Result<(Vec<DirectoryPerson>, bool), GraphError> {
        self.search_people_paged(query, TYPE_AHEAD_SIZE, TYPE_AHEAD_SIZE)
            .await
    }

    /// The same search with an explicit page size, so paging can be exercised.
    pub async fn search_people_paged(
        &self,
        query: &PeopleQuery,
        page_size: usize,
        limit: usize,
    ) -> Result<(Vec<DirectoryPerson>, bool), GraphError> {
        let q = query.as_str();
        let search = format!("\"displayName:{q}\" OR \"mail:{q}\" OR \"userPrincipalName:{q}\"");
        let mut url = self.url("users")?;
        url.query_pairs_mut()
            .append_pair("$search", &search)
            .append_pair("$select", SELECT)
            .append_pair("$top", &page_size.to_string());
        let (users, more): (Vec<GraphUser>, bool) = self.collect_up_to(url, limit, true).await?;
        let people = users
            .into_iter()
            .filter_map(GraphUser::into_person)
            .collect();
        Ok((people, more))
    }
}

/// How far up the manager chain a people card goes.
const MANAGER_LEVELS: usize = 3;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphProfile {
    #[serde(flatten)]
    user: GraphUser,
    office_location: Option<String>,
    #[serde(default)]
    business_phones: Vec<String>,
    mobile_phone: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphManager {
    id: String,
    display_name: Option<String>,
    job_title: Option<String>,
}

/// A picture of a person, as Graph keeps it.
#[derive(Debug)]
pub struct Photo {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl GraphClient {
    /// The people card: profile, phones, office, and the manager chain (up to three levels).
    pub async fn person_card(&self, id: &DirectoryId) -> Result<PersonCard, GraphError> {
        let mut url = self.url(&format!("users/{id}"))?;
        url.query_pairs_mut().append_pair(
            "$select",
            &format!("{SELECT},officeLocation,businessPhones,mobilePhone"),
        );
        // Whether there is a photo, asked beside the profile (a photo that cannot be looked up
        // now is shown as initials: the card matters more).
        let (profile, photo) =
            tokio::join!(self.get::<GraphProfile>(url, false), self.has_photo(id));
        let (profile, photo) = (profile?, photo.unwrap_or(false));
        let person = profile
            .user
            .into_person()
            .ok_or_else(|| GraphError::NotFound(id.to_string()))?;
        let mut managers = Vec::new();
        let mut of = id.clone();
        for _ in 0..MANAGER_LEVELS {
            let mut url = self.url(&format!("users/{of}/manager"))?;
            url.query_pairs_mut()
                .append_pair("$select", "id,displayName,jobTitle");
            match self.get::<GraphManager>(url, false).await {
                Ok(manager) => {
                    let Ok(manager_id) = DirectoryId::parse(&manager.id) else {
                        break;
                    };
                    of = manager_id.clone();
                    managers.push(Manager {
                        display_name: manager.display_name.unwrap_or_else(|| manager.id.clone()),
                        id: manager_id,
                        job_title: manager.job_title,
                    });
                }
                // The top of the chain has no manager.
                Err(GraphError::NotFound(_)) => break,
                Err(other) => return Err(other),
            }
        }
        let phones = profile
            .business_phones
            .into_iter()
            .chain(profile.mobile_phone)
            .filter(|p| !p.trim().is_empty())
            .collect();
        Ok(PersonCard {
            person,
            office: profile.office_location.filter(|o| !o.is_empty()),
            phones,
            managers,
            photo,
        })
    }

    /// Whether the directory has a photo of the person (its metadata, not the picture).
    pub async fn has_photo(&self, id: &DirectoryId) -> Result<bool, GraphError> {
        let url = self.url(&format!("users/{id}/photo"))?;
        match self.get::<serde_json::Value>(url, false).await {
            Ok(_) => Ok(true),
            Err(GraphError::NotFound(_)) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// A person's photo, or `None` when they have none.
    pub async fn photo(&self, id: &DirectoryId) -> Result<Option<Photo>, GraphError> {
        let url = self.url(&format!("users/{id}/photo/$value"))?;
        match self.get_bytes(url).await {
            Ok((content_type, bytes)) => Ok(Some(Photo {
                content_type,
                bytes,
            })),
            Err(GraphError::NotFound(_)) => Ok(None),
            Err(other) => Err(other),
        }
    }
}

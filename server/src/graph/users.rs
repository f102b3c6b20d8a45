//! Directory users: the type-ahead search.

use serde::Deserialize;

use super::{GraphClient, GraphError};
use crate::domain::people::{DirectoryPerson, PeopleQuery};

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
            id: self.id,
            email,
            job_title: self.job_title,
            department: self.department,
            guest: self.user_type.as_deref() == Some("Guest"),
        })
    }
}

impl GraphClient {
    /// Type-ahead over display name (word starts), mail and UPN (prefixes).
    pub async fn search_people(
        &self,
        query: &PeopleQuery,
    ) -> Result<Vec<DirectoryPerson>, GraphError> {
        self.search_people_paged(query, TYPE_AHEAD_SIZE, TYPE_AHEAD_SIZE)
            .await
    }

    /// The same search with an explicit page size, so paging can be exercised.
    pub async fn search_people_paged(
        &self,
        query: &PeopleQuery,
        page_size: usize,
        limit: usize,
    ) -> Result<Vec<DirectoryPerson>, GraphError> {
        let q = query.as_str();
        let search = format!("\"displayName:{q}\" OR \"mail:{q}\" OR \"userPrincipalName:{q}\"");
        let mut url = self.url("users")?;
        url.query_pairs_mut()
            .append_pair("$search", &search)
            .append_pair("$select", SELECT)
            .append_pair("$top", &page_size.to_string());
        let users: Vec<GraphUser> = self.collect(url, limit, true).await?;
        Ok(users
            .into_iter()
            .filter_map(GraphUser::into_person)
            .collect())
    }
}

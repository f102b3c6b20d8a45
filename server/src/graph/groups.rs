//! Groups: search, the organiser's own, and how many people each holds.

use davet_api::GroupKind;
use serde::Deserialize;
use url::Url;

use super::{GraphClient, GraphError};
use crate::domain::people::PeopleQuery;
use crate::domain::user::DirectoryId;

/// How many groups one search answer lists.
const GROUPS_PER_ANSWER: usize = 25;
const SELECT: &str =
    "id,displayName,mail,groupTypes,mailEnabled,securityEnabled,resourceProvisioningOptions";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphGroup {
    id: String,
    display_name: Option<String>,
    mail: Option<String>,
    #[serde(default)]
    group_types: Vec<String>,
    #[serde(default)]
    mail_enabled: bool,
    #[serde(default)]
    security_enabled: bool,
    #[serde(default)]
    resource_provisioning_options: Vec<String>,
}

/// A group as the domain sees it; `people` filled in by [`GraphClient::people_counts`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryGroup {
    pub id: DirectoryId,
    pub display_name: String,
    pub mail: Option<String>,
    pub kind: GroupKind,
}

impl GraphGroup {
    /// The group as the domain sees it; `None` for an id that is not the directory's.
    fn into_group(self) -> Option<DirectoryGroup> {
        let g = self;
        let kind = if g.group_types.iter().any(|t| t == "Unified") {
            if g.resource_provisioning_options.iter().any(|o| o == "Team") {
                GroupKind::Team
            } else {
                GroupKind::Microsoft365
            }
        } else {
            match (g.mail_enabled, g.security_enabled) {
                (true, true) => GroupKind::MailEnabledSecurity,
                (false, _) => GroupKind::Security,
                (true, false) => GroupKind::DistributionList,
            }
        };
        Some(DirectoryGroup {
            id: DirectoryId::parse(&g.id).ok()?,
            display_name: g.display_name.unwrap_or_else(|| g.id.clone()),
            mail: g.mail.filter(|m| !m.is_empty()),
            kind,
        })
    }
}

impl GraphClient {
    /// Groups whose name or address starts with the query.
    pub async fn search_groups(
        &self,
        query: &PeopleQuery,
    ) -> Result<Vec<DirectoryGroup>, GraphError> {
        let q = query.as_str();
        let mut url = self.url("groups")?;
        url.query_pairs_mut()
            .append_pair("$search", &format!("\"displayName:{q}\" OR \"mail:{q}\""))
            .append_pair("$select", SELECT)
            .append_pair("$top", &GROUPS_PER_ANSWER.to_string());
        self.groups(url, GROUPS_PER_ANSWER, true).await
    }

    /// The groups the signed-in person belongs to, directly or through nesting.
    pub async fn my_groups(&self) -> Result<Vec<DirectoryGroup>, GraphError> {
        let mut url = self.url("me/transitiveMemberOf/microsoft.graph.group")?;
        url.query_pairs_mut()
            .append_pair("$select", SELECT)
            .append_pair("$top", "999");
        self.groups(url, 999, false).await
    }

    async fn groups(
        &self,
        url: Url,
        limit: usize,
        eventual: bool,
    ) -> Result<Vec<DirectoryGroup>, GraphError> {
        let found: Vec<GraphGroup> = self.collect(url, limit, eventual).await?;
        Ok(found
            .into_iter()
            .filter_map(GraphGroup::into_group)
            .collect())
    }

    /// Each group's people (transitive users), counted by the directory, in one or more
    /// `$batch` requests.
    pub async fn people_counts(&self, groups: &[DirectoryGroup]) -> Result<Vec<u32>, GraphError> {
        let mut counts = Vec::with_capacity(groups.len());
        for chunk in groups.chunks(super::batch::MAX_BATCH) {
            let urls: Vec<String> = chunk
                .iter()
                .map(|g| {
                    format!(
                        "groups/{}/transitiveMembers/microsoft.graph.user/$count",
                        g.id
                    )
                })
                .collect();
            for answer in self.batch_get(&urls).await? {
                if answer.status != 200 {
                    return Err(answer.error());
                }
                // `$count` answers plain text; in a batch it arrives as a number or a string.
                let text = answer.body.as_ref().map_or("0", |b| b.get());
                let count = text.trim().trim_matches('"').parse().unwrap_or(0);
                counts.push(count);
            }
        }
        Ok(counts)
    }
}

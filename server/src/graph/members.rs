//! Transitive members of many groups at once: every group's first page, then every follow-up
//! page as its link arrives, packed into `$batch` requests of up to 20, a few batches in flight.
//! The wall time is bounded by the group that needs the most pages, one round trip each.
//!
//! One listing per group, without a cast: its items carry `@odata.type`, so the same pages that
//! bring the people also say who is left out (devices, service principals) and why, with no
//! request beyond the minimum number of pages. `$count=true` on the first page tells a group's
//! size before its people are read, so a group too large to invite is not read further.

use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::Deserialize;

use super::batch::{Answer, MAX_BATCH};
use super::{GraphClient, GraphError, MAX_RETRY_AFTER};
use crate::domain::email::EmailAddress;
use crate::domain::expansion::{Member, SkipReason};

/// Batches in flight at once: enough to keep every group's chain moving, few enough to stay
/// well inside the directory's per-app limits.
const BATCHES_IN_FLIGHT: usize = 4;
/// The largest page the directory serves.
const PAGE_SIZE: u32 = 999;
/// A throttled item is retried at most this many times.
const ITEM_ATTEMPTS: u32 = 4;
const SELECT: &str = "id,displayName,mail,userType,accountEnabled";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    #[serde(rename = "@odata.type")]
    kind: Option<String>,
    id: String,
    display_name: Option<String>,
    mail: Option<String>,
    user_type: Option<String>,
    account_enabled: Option<bool>,
}

impl Item {
    fn into_member(self) -> Member {
        let kind = self.kind.as_deref().unwrap_or("#microsoft.graph.user");
        let skip = |reason| Member::Skip {
            id: self.id.clone(),
            reason,
        };
        match kind {
            "#microsoft.graph.group" => Member::Group,
            "#microsoft.graph.device" => skip(SkipReason::Device),
            "#microsoft.graph.servicePrincipal" | "#microsoft.graph.application" => {
                skip(SkipReason::ServicePrincipal)
            }
            _ if self.account_enabled == Some(false) => skip(SkipReason::Disabled),
            _ => match self.mail.as_deref().map(EmailAddress::parse) {
                Some(Ok(email)) => Member::Person {
                    display_name: self
                        .display_name
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| email.as_str().to_owned()),
                    guest: self.user_type.as_deref() == Some("Guest"),
                    external: kind == "#microsoft.graph.orgContact",
                    id: self.id,
                    email,
                },
                _ => skip(SkipReason::NoMailbox),
            },
        }
    }
}

#[derive(Debug, Deserialize)]
struct Page {
    value: Vec<Item>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
    #[serde(rename = "@odata.count")]
    count: Option<u32>,
}

/// What one page of one group brought.
#[derive(Debug)]
pub struct GroupPage {
    /// The group's position among those asked for.
    pub group: usize,
    pub members: Vec<Member>,
    /// On a first page: the group's transitive member count.
    pub total: Option<u32>,
    /// No page of this group follows.
    pub last: bool,
}

/// What the caller wants after a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Continue,
    /// Read no more pages of this group.
    StopGroup,
}

#[derive(Clone)]
struct Pending {
    group: usize,
    url: String,
    attempt: u32,
    not_before: Instant,
}

impl GraphClient {
    /// Reads the transitive members of `groups` (ids), calling `on_page` for each page as it
    /// arrives. A group that does not exist fails the whole read with `NotFound(id)`.
    pub async fn transitive_members(
        &self,
        groups: &[String],
        mut on_page: impl FnMut(GroupPage) -> Next,
    ) -> Result<u32, GraphError> {
        let now = Instant::now();
        let mut pending: Vec<Pending> = groups
            .iter()
            .enumerate()
            .map(|(group, id)| Pending {
                group,
                url: format!(
                    "groups/{}/transitiveMembers?$select={SELECT}&$top={PAGE_SIZE}&$count=true",
                    urlencode(id)
                ),
                attempt: 1,
                not_before: now,
            })
            .collect();
        let mut stopped = vec![false; groups.len()];
        let mut requests = 0u32;
        while !pending.is_empty() {
            // Items waiting out a Retry-After stay back; if all are, wait for the first.
            let now = Instant::now();
            let (due, waiting): (Vec<Pending>, Vec<Pending>) =
                pending.into_iter().partition(|p| p.not_before <= now);
            pending = waiting;
            if due.is_empty() {
                if let Some(first) = pending.iter().map(|p| p.not_before).min() {
                    tokio::time::sleep_until(first.into()).await;
                }
                continue;
            }
            let mut chunks = due.chunks(MAX_BATCH).map(|chunk| chunk.to_vec());
            let mut in_flight = FuturesUnordered::new();
            let launch = |in_flight: &mut FuturesUnordered<_>, chunk: Vec<Pending>| {
                let urls: Vec<String> = chunk.iter().map(|p| p.url.clone()).collect();
                in_flight.push(async move { (chunk, self.batch_get(&urls).await) });
            };
            for chunk in chunks.by_ref().take(BATCHES_IN_FLIGHT) {
                launch(&mut in_flight, chunk);
            }
            while let Some((chunk, answers)) = in_flight.next().await {
                if let Some(next_chunk) = chunks.next() {
                    launch(&mut in_flight, next_chunk);
                }
                requests += chunk.len() as u32;
                for (asked, answer) in chunk.into_iter().zip(answers?) {
                    if stopped[asked.group] {
                        continue;
                    }
                    match self.settle(asked, answer, groups, &mut on_page)? {
                        Settled::Next(next) => pending.push(next),
                        Settled::Stop(group) => stopped[group] = true,
                        Settled::Done => {}
                    }
                }
            }
        }
        Ok(requests)
    }

    fn settle(
        &self,
        asked: Pending,
        answer: Answer,
        groups: &[String],
        on_page: &mut impl FnMut(GroupPage) -> Next,
    ) -> Result<Settled, GraphError> {
        match answer.status {
            200 => {
                let body = answer.body.as_ref().map_or("null", |b| b.get());
                let page: Page = serde_json::from_str(body)
                    .map_err(|e| GraphError::Unavailable(format!("unreadable page: {e}")))?;
                let last = page.next_link.is_none();
                let next = on_page(GroupPage {
                    group: asked.group,
                    members: page.value.into_iter().map(Item::into_member).collect(),
                    total: page.count,
                    last,
                });
                match (next, page.next_link) {
                    (Next::StopGroup, _) => Ok(Settled::Stop(asked.group)),
                    (Next::Continue, Some(link)) => Ok(Settled::Next(Pending {
                        group: asked.group,
                        url: self.relative(&link)?,
                        attempt: 1,
                        not_before: Instant::now(),
                    })),
                    (Next::Continue, None) => Ok(Settled::Done),
                }
            }
            404 => Err(GraphError::NotFound(groups[asked.group].clone())),
            429 | 503 | 504 if asked.attempt < ITEM_ATTEMPTS => {
                let wait = answer.retry_after().unwrap_or(Duration::from_secs(1));
                if wait > MAX_RETRY_AFTER {
                    return Err(GraphError::Throttled);
                }
                tracing::warn!(
                    wait_ms = wait.as_millis() as u64,
                    "a batch item is throttled; retrying it"
                );
                Ok(Settled::Next(Pending {
                    not_before: Instant::now() + wait,
                    attempt: asked.attempt + 1,
                    ..asked
                }))
            }
            _ => Err(answer.error()),
        }
    }
}

enum Settled {
    Next(Pending),
    Stop(usize),
    Done,
}

fn urlencode(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

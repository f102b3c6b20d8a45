//! Transitive members of many groups at once: every group's first page, then every follow-up
//! page as its link arrives, packed into `$batch` requests of up to 20, a few batches in flight.
//! The wall time is bounded by the group that needs the most pages, one round trip each.
//!
//! One listing per group, without a cast: its items carry `@odata.type`, so the same pages that
//! bring the people also say who is left out (devices, service principals) and why, with no
//! request beyond the minimum number of pages. `$count=true` on the first page tells a group's
//! size before its people are read, so a group too large to invite is not read further.

use std::time::Instant;

use serde::Deserialize;

use super::batch::{Answer, MAX_BATCH};
use super::{GraphClient, GraphError, RETRY};
use crate::domain::email::EmailAddress;
use crate::domain::expansion::{Member, MemberId, SkipReason};
use crate::domain::user::DirectoryId;

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
        let id = match DirectoryId::parse(&self.id) {
            Ok(id) => MemberId::Directory(id),
            Err(_) => MemberId::Other(self.id.clone()),
        };
        let skip = |reason| Member::Skip {
            id: id.clone(),
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
                    id,
                    email,
                },
                _ => skip(SkipReason::NoMailbox),
            },
        }
    }
}

/// A page as it arrives: its links read, its people still text (read once the follow-ups left).
#[derive(Debug, Deserialize)]
struct Page {
    value: Box<serde_json::value::RawValue>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
    #[serde(rename = "@odata.count")]
    count: Option<u32>,
}

/// Why reading the members stopped.
#[derive(Debug, thiserror::Error)]
pub enum MembersError {
    /// A group asked for is not in the directory (deleted meanwhile): by its position.
    #[error("group {group} is not in the directory")]
    Gone { group: usize },
    #[error(transparent)]
    Graph(#[from] GraphError),
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

#[derive(Clone)]
struct Pending {
    group: usize,
    url: String,
    attempt: u32,
    not_before: Instant,
    /// Pages of the group still to read, this one included; `None` before its first page.
    chain: Option<u32>,
}

impl GraphClient {
    /// Reads the transitive members of `groups` (ids), calling `on_page` for each page as it
    /// arrives; answers the pages read. A group that does not exist fails the whole read with
    /// [`MembersError::Gone`]. `read_on(group, total)` is asked when a group's first page tells its
    /// size: `false` reads no more of it (too large to invite person by person).
    ///
    /// A batch goes out as soon as links are known: the follow-ups a batch brings are sent
    /// before its people are looked at, so reading the people overlaps the next round trip.
    pub async fn transitive_members(
        &self,
        groups: &[DirectoryId],
        read_on: impl Fn(usize, u32) -> bool,
        mut on_page: impl FnMut(GroupPage),
    ) -> Result<u32, MembersError> {
        let now = Instant::now();
        let mut queue: Vec<Pending> = groups
            .iter()
            .enumerate()
            .map(|(group, id)| Pending {
                group,
                url: format!(
                    "groups/{}/transitiveMembers?$select={SELECT}&$top={PAGE_SIZE}&$count=true",
                    id.as_str()
                ),
                attempt: 1,
                not_before: now,
                chain: None,
            })
            .collect();
        let mut pages = 0u32;
        let mut in_flight = InFlight::new();
        // Each group's size, once its first page has told it.
        let mut totals: Vec<Option<u32>> = vec![None; groups.len()];
        loop {
            self.send_due(&mut queue, &mut in_flight);
            let Some(finished) = in_flight.join_next().await else {
                // Nothing in flight: done, or everything left waits out a Retry-After.
                match queue.iter().map(|p| p.not_before).min() {
                    Some(first) => {
                        tokio::time::sleep_until(first.into()).await;
                        continue;
                    }
                    None => return Ok(pages),
                }
            };
            let (chunk, answers) = finished
                .map_err(|e| GraphError::Unavailable(format!("a batch task failed: {e}")))?;
            // Read every page first and queue its follow-up, so the next batch can leave now.
            let mut read = Vec::new();
            for (asked, answer) in chunk.into_iter().zip(answers?) {
                match self.settle(asked, answer)? {
                    Settled::Page(group, mut page, chain) => {
                        if let Some(total) = page.count {
                            totals[group] = Some(total);
                            if !read_on(group, total) {
                                page.next_link = None;
                            }
                        }
                        if let Some(link) = &page.next_link {
                            let chain = chain.or(totals[group].map(|t| t.div_ceil(PAGE_SIZE)));
                            queue.push(Pending {
                                group,
                                url: self.relative(link)?,
                                attempt: 1,
                                not_before: Instant::now(),
                                chain: chain.map(|c| c.saturating_sub(1)),
                            });
                        }
                        read.push((group, page));
                    }
                    Settled::Retry(retry) => queue.push(retry),
                }
            }
            self.send_due(&mut queue, &mut in_flight);
            // Let the batches just spawned send their requests before this task reads the
            // people (milliseconds of work): a task spawned here waits until this one yields.
            tokio::task::yield_now().await;
            for (group, page) in read {
                let items: Vec<Item> = serde_json::from_str(page.value.get())
                    .map_err(|e| GraphError::Unavailable(format!("unreadable page: {e}")))?;
                pages += 1;
                on_page(GroupPage {
                    group,
                    last: page.next_link.is_none(),
                    total: page.count,
                    members: items.into_iter().map(Item::into_member).collect(),
                });
            }
        }
    }

    /// Sends what is due, while fewer than a few batches are in flight. A batch answers when
    /// its slowest item does, so the page of the group with the longest chain still to read
    /// (which bounds the wall time) leaves in a batch of its own; the other pages share
    /// batches of up to 20, spread over the batches allowed (first pages, whose chains are not
    /// known yet, are spread too).
    fn send_due(&self, queue: &mut Vec<Pending>, in_flight: &mut InFlight) {
        let now = Instant::now();
        let (mut due, later): (Vec<Pending>, Vec<Pending>) =
            queue.drain(..).partition(|p| p.not_before <= now);
        *queue = later;
        due.sort_by_key(|p| std::cmp::Reverse(p.chain.unwrap_or(0)));
        let longest_alone = match (due.first(), due.get(1)) {
            (Some(first), next) => first
                .chain
                .is_some_and(|c| c > next.and_then(|n| n.chain).unwrap_or(0)),
            _ => false,
        };
        let mut batches: Vec<Vec<Pending>> = Vec::new();
        let mut free = BATCHES_IN_FLIGHT.saturating_sub(in_flight.len());
        if longest_alone && free > 0 {
            batches.push(vec![due.remove(0)]);
            free -= 1;
        }
        if free > 0 && !due.is_empty() {
            let size = due.len().div_ceil(free).clamp(1, MAX_BATCH);
            let sent = due.len().min(size * free);
            let rest = due.split_off(sent);
            let mut due = due.into_iter().peekable();
            while due.peek().is_some() {
                batches.push(due.by_ref().take(size).collect());
            }
            queue.extend(rest);
        } else {
            // No batch free: what is due waits for one.
            queue.extend(due);
        }
        for chunk in batches {
            let client = self.clone();
            in_flight.spawn(async move {
                let urls: Vec<String> = chunk.iter().map(|p| p.url.clone()).collect();
                let answers = client.batch_get(&urls).await;
                (chunk, answers)
            });
        }
    }

    fn settle(&self, asked: Pending, answer: Answer) -> Result<Settled, MembersError> {
        match answer.status {
            200 => {
                let body = answer.body.as_ref().map_or("null", |b| b.get());
                let page: Page = serde_json::from_str(body)
                    .map_err(|e| GraphError::Unavailable(format!("unreadable page: {e}")))?;
                Ok(Settled::Page(asked.group, page, asked.chain))
            }
            404 => Err(MembersError::Gone { group: asked.group }),
            429 | 503 | 504 if asked.attempt < ITEM_ATTEMPTS => {
                let Some(wait) = RETRY.item_wait(answer.retry_after()) else {
                    return Err(GraphError::Throttled.into());
                };
                tracing::warn!(
                    wait_ms = wait.as_millis() as u64,
                    "a batch item is throttled; retrying it"
                );
                Ok(Settled::Retry(Pending {
                    not_before: Instant::now() + wait,
                    attempt: asked.attempt + 1,
                    ..asked
                }))
            }
            _ => Err(answer.error().into()),
        }
    }
}

type InFlight = tokio::task::JoinSet<(Vec<Pending>, Result<Vec<Answer>, GraphError>)>;

enum Settled {
    /// A page of group `.0`, whose chain (pages left, this one included) was `.2`.
    Page(usize, Page, Option<u32>),
    Retry(Pending),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: serde_json::Value) -> Member {
        serde_json::from_value::<Item>(json).unwrap().into_member()
    }

    #[test]
    fn each_kind_of_member_is_a_person_or_a_reason() {
        let person = item(serde_json::json!({
            "@odata.type": "#microsoft.graph.user", "id": "u", "displayName": "Ayşe",
            "mail": "ayse@ornek.example", "userType": "Guest", "accountEnabled": true
        }));
        assert!(matches!(
            person,
            Member::Person {
                guest: true,
                external: false,
                ..
            }
        ));
        let contact = item(serde_json::json!({
            "@odata.type": "#microsoft.graph.orgContact", "id": "c", "mail": "x@partner.example"
        }));
        assert!(matches!(
            contact,
            Member::Person { external: true, ref display_name, .. } if display_name == "x@partner.example"
        ));
        for (json, reason) in [
            (
                serde_json::json!({"@odata.type": "#microsoft.graph.device", "id": "d"}),
                SkipReason::Device,
            ),
            (
                serde_json::json!({"@odata.type": "#microsoft.graph.servicePrincipal", "id": "s"}),
                SkipReason::ServicePrincipal,
            ),
            (
                serde_json::json!({"@odata.type": "#microsoft.graph.user", "id": "x", "mail": "x@o.example", "accountEnabled": false}),
                SkipReason::Disabled,
            ),
            (
                serde_json::json!({"@odata.type": "#microsoft.graph.user", "id": "n"}),
                SkipReason::NoMailbox,
            ),
            (
                serde_json::json!({"@odata.type": "#microsoft.graph.user", "id": "b", "mail": "not an address"}),
                SkipReason::NoMailbox,
            ),
        ] {
            assert!(
                matches!(item(json), Member::Skip { reason: r, .. } if r == reason),
                "{reason:?}"
            );
        }
        assert_eq!(
            item(serde_json::json!({"@odata.type": "#microsoft.graph.group", "id": "g"})),
            Member::Group
        );
    }
}

//! Runs a group expansion: the organiser's picks read through Graph into a
//! [`GroupExpansion`], as a stream of [`ExpandEvent`]s (progress while pages arrive, then the
//! outcome). The work runs in a task of its own; dropping the stream (the client went away)
//! aborts it.
//!
//! Architecture invariant: the people live in this task's memory only; only counts are logged.

use std::time::Instant;

use davet_api::{ExpandEvent, GroupAddress, Progress};
use futures_util::Stream;
use tokio::sync::mpsc;

use crate::app::RunningExpansion;
use crate::domain::expansion::{GroupExpansion, Member, MemberId, Pick, Picks};
use crate::error::AppError;
use crate::graph::{GraphClient, GraphError, MembersError};

/// The expansion of `picks` as `graph`'s person sees the directory.
/// `running` counts it while the work lasts.
pub fn expand(
    graph: GraphClient,
    picks: Picks,
    expansion: GroupExpansion,
    running: RunningExpansion,
) -> impl Stream<Item = ExpandEvent> + Send + 'static {
    let (events, lines) = mpsc::unbounded_channel::<ExpandEvent>();
    // Dropping the stream drops the guard, which aborts the work (and with it `running`).
    let guard = AbortOnDrop(tokio::spawn(async move {
        let _running = running;
        run(graph, picks, expansion, events).await;
    }));
    futures_util::stream::unfold((lines, guard), |(mut lines, guard)| async move {
        let event = lines.recv().await?;
        Some((event, (lines, guard)))
    })
}

/// The same expansion, whole, for a caller that needs the outcome and no progress (scheduling
/// from a message): the people live in the caller's memory only, as here.
pub async fn expand_whole(
    graph: &GraphClient,
    picks: Picks,
    expansion: GroupExpansion,
) -> Result<davet_api::Expansion, AppError> {
    let (events, _ignored) = mpsc::unbounded_channel::<ExpandEvent>();
    let mut run = Run {
        picks: &picks,
        expansion,
        events: &events,
        done: 0,
        pages: 0,
    };
    run.gather(graph).await?;
    tracing::info!(
        picks = picks.len(),
        people = run.expansion.people(),
        "expanded to schedule"
    );
    Ok(run.finish())
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn run(
    graph: GraphClient,
    picks: Picks,
    expansion: GroupExpansion,
    events: mpsc::UnboundedSender<ExpandEvent>,
) {
    let started = Instant::now();
    let mut run = Run {
        picks: &picks,
        expansion,
        events: &events,
        done: 0,
        pages: 0,
    };
    let event = match run.gather(&graph).await {
        Ok(()) => {
            crate::metrics::expansion(run.expansion.people() as usize);
            tracing::info!(
                picks = picks.len(),
                people = run.expansion.people(),
                pages = run.pages,
                ms = started.elapsed().as_millis() as u64,
                "expanded"
            );
            ExpandEvent::Done {
                expansion: run.finish(),
            }
        }
        Err(error) => {
            let public = error.public();
            tracing::info!(code = ?public.code, "expansion failed");
            ExpandEvent::Failed {
                error: public.api_error(),
            }
        }
    };
    let _ = events.send(event);
}

/// One expansion under way: what it has found and how far it is.
struct Run<'a> {
    picks: &'a Picks,
    expansion: GroupExpansion,
    events: &'a mpsc::UnboundedSender<ExpandEvent>,
    /// Picks finished.
    done: u32,
    /// Directory pages read.
    pages: u32,
}

impl Run<'_> {
    /// The outcome, with its receipt: the groups and folders read, and the pages.
    fn finish(self) -> davet_api::Expansion {
        let mut receipt = davet_api::Receipt {
            pages: self.pages,
            ..davet_api::Receipt::default()
        };
        for pick in self.picks.iter() {
            match pick {
                Pick::Group { name, .. } => receipt.groups.push(name.clone()),
                Pick::ContactFolder { name, .. } => receipt.folders.push(name.clone()),
                Pick::Person { .. } => {}
            }
        }
        self.expansion.finish(receipt)
    }

    fn progress(&self) {
        let _ = self.events.send(ExpandEvent::Progress(Progress {
            picks_done: self.done,
            picks: self.picks.len() as u32,
            pages: self.pages,
            people: self.expansion.people(),
        }));
    }

    /// Reads every pick into the expansion: people at once, contact folders one by one, and
    /// the groups all together (their pages in `$batch`es as links arrive).
    async fn gather(&mut self, graph: &GraphClient) -> Result<(), AppError> {
        let mut groups = Vec::new();
        for (index, pick) in self.picks.iter().enumerate() {
            match pick {
                Pick::Person { email, name } => {
                    self.expansion.add(
                        index,
                        Member::Person {
                            id: MemberId::Other(email.normalised().to_owned()),
                            email: email.clone(),
                            display_name: name.clone(),
                            guest: false,
                            external: false,
                        },
                    );
                    self.done += 1;
                }
                Pick::ContactFolder { id, name } => {
                    let members =
                        graph
                            .contact_folder_members(Some(id))
                            .await
                            .map_err(|e| match e {
                                GraphError::NotFound(_) => AppError::PickGone(name.clone()),
                                other => other.into(),
                            })?;
                    for member in members {
                        self.expansion.add(index, member);
                    }
                    self.pages += 1;
                    self.done += 1;
                }
                Pick::Group { id, .. } => groups.push((index, id.clone())),
            }
        }
        self.progress();
        let ids: Vec<_> = groups.iter().map(|(_, id)| id.clone()).collect();
        let limit = self.expansion.limit();
        let picks = self.picks;
        let pick_of = |group: usize| picks.get(groups[group].0);
        // A group over the limit on its own, with an address of its own, is proposed by that
        // address instead of being read person by person.
        let proposed = |group: usize, total: u32| {
            matches!(pick_of(group), Some(Pick::Group { mail: Some(_), .. })) && total > limit
        };
        graph
            .transitive_members(
                &ids,
                |group, total| !proposed(group, total),
                |page| {
                    self.pages += 1;
                    match (pick_of(page.group), page.total) {
                        (
                            Some(Pick::Group {
                                id,
                                name,
                                mail: Some(mail),
                            }),
                            Some(total),
                        ) if proposed(page.group, total) => {
                            self.expansion.too_large(GroupAddress {
                                id: id.as_str().to_owned(),
                                display_name: name.clone(),
                                mail: mail.as_str().to_owned(),
                                members: total,
                            });
                            self.done += 1;
                        }
                        _ => {
                            let index = groups[page.group].0;
                            for member in page.members {
                                self.expansion.add(index, member);
                            }
                            if page.last {
                                self.done += 1;
                            }
                        }
                    }
                    self.progress();
                },
            )
            .await
            .map_err(|e| match e {
                MembersError::Gone { group } => AppError::PickGone(
                    pick_of(group)
                        .map(Pick::name)
                        .unwrap_or_default()
                        .to_owned(),
                ),
                MembersError::Graph(e) => e.into(),
            })?;
        Ok(())
    }
}

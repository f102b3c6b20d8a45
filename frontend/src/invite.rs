//! Inviting everyone a pick holds (a group, a contact folder): the server expands it while the
//! pane shows how far it has come; then the people go into Required attendees, or, when the
//! organiser only asked to see them, are listed with an offer to invite them. A pick too large
//! for one invitation is offered by its own address instead.

use davet_api::{Expansion, GroupAddress, Progress, Receipt, RecipientVerdict, Selection, Skipped};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, CallError};
use crate::i18n::{Locale, Localised, Text};
use crate::office::{self, AttendeeField, OfficeError, Recipient};
use crate::session::{Auth, use_auth};

/// Where an invitation stands.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Working(String, Option<Progress>),
    /// The people are known; `added` when they are in Required attendees already.
    Ready {
        pick: Selection,
        expansion: Expansion,
        added: bool,
        /// Of the people, how many the item had already (not added again).
        already: u32,
    },
    TooMany {
        count: u32,
        limit: u32,
        addresses: Vec<GroupAddress>,
    },
    AddressesInvited(Vec<String>),
    /// Message compose: the pick joins the meeting's picks, expanded when it is scheduled.
    Picked(String),
    Failed(Text),
}

/// Message compose: what the organiser picked for the meeting Davet will write (groups and
/// folders stay whole until the server expands them, when scheduling), each with the people
/// count the directory gave, when it gave one.
#[derive(Debug, Clone, Copy)]
pub struct MeetingPicks(pub RwSignal<Vec<(Selection, Option<u32>)>>);

impl MeetingPicks {
    pub fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    /// Adds a pick once.
    pub fn add(self, pick: Selection, people: Option<u32>) {
        self.0.update(|all| {
            if !all.iter().any(|(p, _)| *p == pick) {
                all.push((pick, people));
            }
        });
    }

    pub fn remove(self, pick: &Selection) {
        self.0.update(|all| all.retain(|(p, _)| p != pick));
    }
}

impl Default for MeetingPicks {
    fn default() -> Self {
        Self::new()
    }
}
/// The invitation under a list of picks. A new one stops the one before (the server stops its
/// expansion when the pane stops reading), and so does leaving the view.
#[derive(Debug, Clone, Copy)]
pub struct Invitation {
    outcome: RwSignal<Option<Outcome>>,
    /// The pick the outcome is about: its row shows it.
    about: RwSignal<Option<Selection>>,
    generation: StoredValue<u64>,
    auth: Auth,
    picks: Option<MeetingPicks>,
}

pub fn pick_name(pick: &Selection) -> &str {
    match pick {
        Selection::Group { display_name, .. }
        | Selection::ContactFolder { display_name, .. }
        | Selection::Person { display_name, .. } => display_name,
    }
}

fn failure(error: CallError) -> Outcome {
    Outcome::Failed(error.words())
}

/// Adds the people to Required attendees; answers how many were on the item already.
async fn add_required(people: Vec<(String, String)>) -> Result<u32, Text> {
    let recipients: Vec<Recipient<'_>> = people
        .iter()
        .map(|(display_name, email)| Recipient {
            display_name,
            email,
        })
        .collect();
    office::add_attendees(AttendeeField::Required, &recipients)
        .await
        .map_err(OfficeError::adding_text)
}

impl Invitation {
    pub fn new() -> Self {
        Self {
            outcome: RwSignal::new(None),
            about: RwSignal::new(None),
            generation: StoredValue::new(0),
            auth: use_auth(),
            picks: use_context::<MeetingPicks>(),
        }
    }

    /// Expands `pick`; with `add`, puts its people into Required attendees when it fits (in
    /// a message, `add` makes it one of the meeting's picks instead).
    pub fn start(self, pick: Selection, add: bool) {
        self.start_counted(pick, add, None);
    }

    /// [`Self::start`] for a pick whose people the directory has counted (`people`).
    pub fn start_counted(self, pick: Selection, add: bool, people: Option<u32>) {
        self.about.set(Some(pick.clone()));
        if let (true, Some(picks)) = (add, self.picks) {
            self.outcome
                .set(Some(Outcome::Picked(pick_name(&pick).to_owned())));
            return picks.add(pick, people);
        }
        let auth = self.auth;
        let current = self.generation.get_value() + 1;
        self.generation.set_value(current);
        let outcome = self.outcome;
        let generation = self.generation;
        outcome.set(Some(Outcome::Working(pick_name(&pick).to_owned(), None)));
        spawn_local(async move {
            let Some(session) = auth.token() else { return };
            // Disposed (the view is gone) or superseded: stop reading.
            let still = move || generation.try_get_value() == Some(current);
            let name = pick_name(&pick).to_owned();
            let answer = api::expand(&session, vec![pick.clone()], move |progress| {
                still()
                    && outcome
                        .try_set(Some(Outcome::Working(name.clone(), Some(progress))))
                        .is_none()
            })
            .await;
            if !still() {
                return;
            }
            let expansion = match auth.check(answer) {
                Ok(expansion) => expansion,
                Err(error) => return outcome.set(Some(failure(error))),
            };
            if let RecipientVerdict::TooMany {
                count,
                limit,
                invite_group_addresses,
            } = expansion.verdict
            {
                return outcome.set(Some(Outcome::TooMany {
                    count,
                    limit,
                    addresses: invite_group_addresses,
                }));
            }
            self.settle(pick, expansion, add).await;
        });
    }

    async fn settle(self, pick: Selection, expansion: Expansion, add: bool) {
        let mut already = 0;
        if add {
            let people = expansion
                .people
                .iter()
                .map(|p| (p.display_name.clone(), p.email.clone()))
                .collect();
            match add_required(people).await {
                Ok(n) => already = n,
                Err(text) => return self.outcome.set(Some(Outcome::Failed(text))),
            }
        }
        self.outcome.set(Some(Outcome::Ready {
            pick,
            expansion,
            added: add,
            already,
        }));
    }

    /// Whether `pick`'s preview ("Who?") is open.
    pub fn showing(self, pick: &Selection) -> bool {
        self.about.with(|a| a.as_ref() == Some(pick))
            && self.outcome.with(|o| {
                matches!(
                    o,
                    Some(Outcome::Ready { added: false, .. } | Outcome::Working(..))
                )
            })
    }

    /// "Who?" opens `pick`'s preview, or closes it when it is open.
    pub fn toggle_who(self, pick: Selection) {
        if self.showing(&pick) {
            self.close();
        } else {
            self.start(pick, false);
        }
    }

    /// Closes what is shown (stopping an expansion under way).
    pub fn close(self) {
        self.generation.update_value(|g| *g += 1);
        self.outcome.set(None);
        self.about.set(None);
    }

    /// The outcome, where it is about `pick` (under that pick's row).
    pub fn view_for(self, pick: Selection, locale: Locale) -> impl IntoView {
        move || {
            self.about
                .with(|a| a.as_ref() == Some(&pick))
                .then(|| view! { <div class="row-outcome">{self.view(locale)}</div> })
        }
    }

    fn invite_addresses(self, addresses: Vec<GroupAddress>) {
        spawn_local(async move {
            let people = addresses
                .iter()
                .map(|a| (a.display_name.clone(), a.mail.clone()))
                .collect();
            self.outcome.set(Some(match add_required(people).await {
                Ok(_) => Outcome::AddressesInvited(
                    addresses.into_iter().map(|a| a.display_name).collect(),
                ),
                Err(text) => Outcome::Failed(text),
            }));
        });
    }

    /// Progress, the outcome, and who the people are.
    pub fn view(self, locale: Locale) -> impl IntoView {
        move || {
            self.outcome.get().map(|o| match o {
                Outcome::Working(name, progress) => working(locale, name, progress).into_any(),
                Outcome::Ready { pick, expansion, added, already } => {
                    ready(self, locale, pick, expansion, added, already).into_any()
                }
                Outcome::TooMany { count, limit, addresses } => {
                    let offer = (!addresses.is_empty()).then(|| {
                        let names = addresses.iter().map(|a| a.display_name.clone()).collect::<Vec<_>>().join(", ");
                        view! {
                            <button class="primary" on:click=move |_| self.invite_addresses(addresses.clone())>
                                {locale.text(Text::InviteAddress)}
                            </button>
                            <p class="detail">{names}</p>
                        }
                    });
                    view! {
                        <div class="notice" role="alert">
                            <p>{count} " " {locale.text(Text::TooManyPeople)} " (" {limit} ")."</p>
                            {offer}
                        </div>
                    }.into_any()
                }
                Outcome::AddressesInvited(names) => view! {
                    <p class="notice-ok" role="status">{names.join(", ")} " " {locale.text(Text::AddressAdded)}</p>
                }.into_any(),
                Outcome::Picked(name) => view! {
                    <p class="notice-ok" role="status">{name} " " {locale.text(Text::PickedForMeeting)}</p>
                }.into_any(),
                Outcome::Failed(text) => view! { <p class="error" role="alert">{locale.text(text)}</p> }.into_any(),
            })
        }
    }
}

impl Default for Invitation {
    fn default() -> Self {
        Self::new()
    }
}

fn working(locale: Locale, name: String, progress: Option<Progress>) -> impl IntoView {
    let figures = progress.map(|p| {
        view! {
            <progress max=p.picks value=p.picks_done></progress>
            <span class="detail progress-figures">
                <span class="found-people">{p.people}</span> " " {locale.counted(p.people, Text::PeopleFound)}
                " · " {p.pages} " " {locale.counted(p.pages, Text::PagesRead)}
            </span>
        }
    });
    view! {
        <div class="hint working" role="status">
            <p>{locale.text(Text::Expanding)} " " {name}</p>
            {figures}
        </div>
    }
}

fn ready(
    invitation: Invitation,
    locale: Locale,
    pick: Selection,
    expansion: Expansion,
    added: bool,
    already: u32,
) -> impl IntoView {
    let name = pick_name(&pick).to_owned();
    let count = expansion.people.len();
    let headline = if added {
        let fresh = count.saturating_sub(already as usize);
        view! {
            <p class="notice-ok" role="status">
                <span class="invited-count">{fresh}</span> " " {locale.counted(fresh as u32, Text::PeopleAddedFrom)} " " {name}
                {(already > 0).then(|| view! {
                    " · " <span class="already-count">{already}</span> " " {locale.text(Text::AlreadyInvited)}
                })}
            </p>
        }
        .into_any()
    } else {
        view! {
            <p class="preview-head" role="status">
                <span><span class="shown-count">{count}</span> " " {locale.counted(count as u32, Text::PeopleIn)} " " {name}</span>
                <button class="close" aria-label=locale.text(Text::Close) on:click=move |_| invitation.close()>"×"</button>
            </p>
        }
        .into_any()
    };
    let people = expansion
        .people
        .into_iter()
        .map(|p| {
            let badge = if p.guest {
                Some(Text::Guest)
            } else if p.external {
                Some(Text::External)
            } else {
                None
            };
            view! {
                <li class="invitee">
                    <span class="person-name">{p.display_name}</span>
                    {badge.map(|b| view! { " " <span class="badge">{locale.text(b)}</span> })}
                    <span class="email">{p.email}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="outcome">
            {headline}
            {left_out(locale, expansion.skipped)}
            {receipt(locale, &expansion.receipt)}
            <details open=!added>
                <summary>{locale.text(Text::WhoIsIn)}</summary>
                <ul class="invitees" tabindex="0" aria-label=locale.text(Text::WhoIsIn)>{people}</ul>
            </details>
        </div>
    }
}

/// The privacy receipt: what Davet read for an answer, and that it kept none of it.
pub fn receipt(locale: Locale, receipt: &Receipt) -> impl IntoView + use<> {
    let names = receipt
        .groups
        .iter()
        .chain(&receipt.folders)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let pages = receipt.pages;
    view! {
        <p class="detail receipt">
            {locale.text(Text::ReceiptRead)} " " {names} " · " <span class="receipt-pages">{pages}</span> " "
            {locale.counted(pages, Text::PagesRead)} ". " {locale.text(Text::NothingKept)}
        </p>
    }
}

/// "3 left out: 2 disabled, 1 you (the organiser)": only the reasons that occurred.
fn left_out(locale: Locale, skipped: Skipped) -> Option<impl IntoView> {
    let reasons = [
        (skipped.no_mailbox, Text::SkipNoMailbox),
        (skipped.disabled, Text::SkipDisabled),
        (skipped.device, Text::SkipDevice),
        (skipped.service_principal, Text::SkipApp),
        (skipped.organiser, Text::SkipOrganiser),
    ];
    let total: u32 = reasons.iter().map(|(n, _)| n).sum();
    let parts = reasons
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, text)| format!("{n} {}", locale.counted(*n, *text)))
        .collect::<Vec<_>>()
        .join(", ");
    (total > 0).then(|| {
        view! { <p class="detail left-out">{total} " " {locale.text(Text::LeftOut)} ": " {parts}</p> }
    })
}

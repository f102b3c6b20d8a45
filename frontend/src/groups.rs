//! The group search: find a group, see its kind and how many people it holds, and invite them
//! all: the server expands it (nested groups too) and the people go into Required attendees.
//! A group too large for one invitation is offered by its own address instead.

use davet_api::{GroupKind, GroupSummary, RecipientVerdict, Selection, Skipped};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, CallError};
use crate::i18n::{Locale, Text};
use crate::office::{self, AttendeeField, Recipient};
use crate::session::use_auth;
use crate::type_ahead::{self, Results};

/// What came of inviting a group.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Working(String),
    Invited {
        group: String,
        people: usize,
        skipped: u32,
    },
    TooMany {
        group: GroupSummary,
        count: u32,
        limit: u32,
    },
    AddressInvited(String),
    Failed(Text),
}

fn kind_text(kind: GroupKind) -> Text {
    match kind {
        GroupKind::Team => Text::KindTeam,
        GroupKind::Microsoft365 => Text::KindMicrosoft365,
        GroupKind::DistributionList => Text::KindDistributionList,
        GroupKind::MailEnabledSecurity => Text::KindMailEnabledSecurity,
        GroupKind::Security => Text::KindSecurity,
    }
}

fn skipped_total(s: &Skipped) -> u32 {
    s.no_mailbox + s.disabled + s.device + s.service_principal + s.organiser
}

#[component]
pub fn GroupSearch() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let auth = use_auth();
    let results = RwSignal::new(Results::Idle);
    let outcome = RwSignal::new(None::<Outcome>);
    let on_input = type_ahead::on_input(results, |session, text| async move {
        api::search_groups(&session, &text)
            .await
            .map(|found| found.groups)
    });

    let invite = move |group: GroupSummary| {
        outcome.set(Some(Outcome::Working(group.display_name.clone())));
        spawn_local(async move {
            let Some(session) = auth.token() else { return };
            let selection = vec![Selection::Group {
                id: group.id.clone(),
                display_name: group.display_name.clone(),
                mail: group.mail.clone(),
            }];
            let expansion = match auth.check(api::expand(&session, selection).await) {
                Ok(expansion) => expansion,
                Err(CallError::Api(code)) => {
                    return outcome.set(Some(Outcome::Failed(Text::Error(code))));
                }
                Err(CallError::Network) => {
                    return outcome.set(Some(Outcome::Failed(Text::NetworkError)));
                }
            };
            if let RecipientVerdict::TooMany { count, limit, .. } = expansion.verdict {
                return outcome.set(Some(Outcome::TooMany {
                    group,
                    count,
                    limit,
                }));
            }
            let recipients: Vec<Recipient<'_>> = expansion
                .people
                .iter()
                .map(|p| Recipient {
                    display_name: &p.display_name,
                    email: &p.email,
                })
                .collect();
            let added = office::add_attendees(AttendeeField::Required, &recipients).await;
            outcome.set(Some(match added {
                Ok(()) => Outcome::Invited {
                    group: group.display_name.clone(),
                    people: recipients.len(),
                    skipped: skipped_total(&expansion.skipped),
                },
                Err(e) if e.name == "NoItem" => Outcome::Failed(Text::NotInOutlook),
                Err(_) => Outcome::Failed(Text::AddFailed),
            }));
        });
    };

    let invite_address = move |group: GroupSummary| {
        spawn_local(async move {
            let Some(mail) = group.mail.clone() else {
                return;
            };
            let recipient = Recipient {
                display_name: &group.display_name,
                email: &mail,
            };
            outcome.set(Some(
                match office::add_attendees(AttendeeField::Required, &[recipient]).await {
                    Ok(()) => Outcome::AddressInvited(group.display_name.clone()),
                    Err(_) => Outcome::Failed(Text::AddFailed),
                },
            ));
        });
    };

    let row = move |group: GroupSummary| {
        let chosen = group.clone();
        view! {
            <li class="group">
                <span class="who">
                    <span class="group-name">{group.display_name.clone()}</span>
                    <span class="detail">
                        {locale.text(kind_text(group.kind))} " · "
                        <span class="group-people">{group.people}</span> " " {locale.text(Text::PeopleCount)}
                    </span>
                </span>
                <button class="add" on:click=move |_| invite(chosen.clone())>{locale.text(Text::Invite)}</button>
            </li>
        }
    };

    let outcome_view = move || {
        outcome.get().map(|o| match o {
            Outcome::Working(name) => view! { <p class="hint">{locale.text(Text::Expanding)} " " {name}</p> }.into_any(),
            Outcome::Invited { group, people, skipped } => view! {
                <p class="notice-ok" role="status">
                    <span class="invited-count">{people}</span> " " {locale.text(Text::PeopleAddedFrom)} " " {group}
                    {(skipped > 0).then(|| view! { " · " {skipped} " " {locale.text(Text::LeftOut)} })}
                </p>
            }.into_any(),
            Outcome::TooMany { group, count, limit } => {
                let with_address = group.mail.is_some();
                let chosen = group.clone();
                view! {
                    <div class="notice" role="alert">
                        <p>{group.display_name.clone()} ": " {count} " " {locale.text(Text::TooManyPeople)} " (" {limit} ")."</p>
                        {with_address.then(|| view! {
                            <button class="primary" on:click=move |_| invite_address(chosen.clone())>{locale.text(Text::InviteAddress)}</button>
                        })}
                    </div>
                }.into_any()
            }
            Outcome::AddressInvited(name) => view! { <p class="notice-ok" role="status">{name} " " {locale.text(Text::AddressAdded)}</p> }.into_any(),
            Outcome::Failed(text) => view! { <p class="error" role="alert">{locale.text(text)}</p> }.into_any(),
        })
    };

    view! {
        <label class="search">
            <span>{locale.text(Text::GroupSearchLabel)}</span>
            <input type="search" class="group-search" autocomplete="off" spellcheck="false"
                placeholder=locale.text(Text::GroupSearchPlaceholder) on:input=on_input/>
        </label>
        {outcome_view}
        {type_ahead::results_view(results, locale, move |groups: Vec<GroupSummary>| {
            view! { <ul class="groups">{groups.into_iter().map(row).collect_view()}</ul> }
        })}
    }
}

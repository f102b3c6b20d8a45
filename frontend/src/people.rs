//! The people search: type part of a name, see who matches and who they are (the people card
//! opens under a name), add them as attendees.

use davet_api::Person;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::card::Card;
use crate::i18n::{Locale, Localised, Text, initials};
use crate::office::{self, AttendeeField, Recipient};
use crate::type_ahead::{self, Results};

#[component]
pub fn PeopleSearch() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let results = RwSignal::new(Results::Idle);
    let added = RwSignal::new(Vec::<String>::new());
    // Whose card is open: one at a time.
    let open = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<Text>);
    // The directory has more matches than the list shows.
    let more = RwSignal::new(false);
    let on_input = type_ahead::on_input(results, move |session, text| async move {
        api::search_people(&session, &text).await.map(|found| {
            more.try_set(found.more);
            found.people
        })
    });

    let add = move |person: Person| {
        notice.set(None);
        spawn_local(async move {
            let recipient = Recipient {
                display_name: &person.display_name,
                email: &person.email,
            };
            match office::add_attendees(AttendeeField::Required, &[recipient]).await {
                Ok(already) => {
                    added.update(|list| list.push(person.email.clone()));
                    if already > 0 {
                        notice.set(Some(Text::AlreadyInvited));
                    }
                }
                Err(error) => notice.set(Some(error.adding_text())),
            }
        });
    };

    let row = move |person: Person| {
        let email = person.email.clone();
        let is_added = Signal::derive(move || added.with(|list| list.contains(&email)));
        let detail = [person.job_title.as_deref(), person.department.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        let avatar = initials(&person.display_name, locale);
        let guest = person.guest;
        let chosen = person.clone();
        let id = person.id.clone();
        let is_open = {
            let id = id.clone();
            Signal::derive(move || open.with(|o| o.as_ref() == Some(&id)))
        };
        let toggle = move |_| {
            open.update(|o| {
                *o = if o.as_ref() == Some(&id) {
                    None
                } else {
                    Some(id.clone())
                }
            })
        };
        let (card_id, card_name) = (person.id.clone(), person.display_name.clone());
        view! {
            <li class="person">
                <span class="avatar" aria-hidden="true">{avatar}</span>
                <span class="who">
                    <button class="person-name link-plain" aria-expanded=move || is_open.get().to_string()
                        on:click=toggle>{person.display_name.clone()}</button>
                    {guest.then(|| view! { <span class="badge">{locale.text(Text::Guest)}</span> })}
                    <span class="detail">{detail}</span>
                    <span class="email">{person.email.clone()}</span>
                </span>
                <button
                    class="add"
                    prop:disabled=is_added
                    on:click=move |_| add(chosen.clone())
                >
                    {move || locale.text(if is_added.get() { Text::Added } else { Text::Add })}
                </button>
                {move || is_open.get().then(|| view! { <Card id=card_id.clone() display_name=card_name.clone()/> })}
            </li>
        }
    };

    view! {
        <label class="search">
            <span>{locale.text(Text::SearchLabel)}</span>
            <input
                type="search"
                autocomplete="off"
                spellcheck="false"
                placeholder=locale.text(Text::SearchPlaceholder)
                on:input=on_input
            />
        </label>
        {move || notice.get().map(|text| view! { <p class="notice" role="alert">{locale.text(text)}</p> })}
        {type_ahead::results_view(results, locale, move |people: Vec<Person>| {
            view! {
                <ul class="people">{people.into_iter().map(row).collect_view()}</ul>
                {more.get_untracked().then(|| view! { <p class="hint more-matches">{locale.text(Text::MoreMatches)}</p> })}
            }
        })}
    }
}

//! The people search: type part of a name, see who matches, add them as attendees.

use davet_api::{PEOPLE_QUERY_MIN_CHARS, Person};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, CallError};
use crate::i18n::{Locale, Text, initials};
use crate::office::{self, AttendeeField, Recipient};
use crate::session::use_auth;

/// Wait this long after the last keystroke before asking the server.
const DEBOUNCE_MS: u32 = 120;

#[derive(Debug, Clone, PartialEq)]
enum Results {
    Idle,
    TooShort,
    Searching,
    Found(Vec<Person>),
    Failed(Text),
}

#[component]
pub fn PeopleSearch() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let auth = use_auth();
    let results = RwSignal::new(Results::Idle);
    let added = RwSignal::new(Vec::<String>::new());
    let notice = RwSignal::new(None::<Text>);
    // Each keystroke starts a new generation; answers to older ones are dropped.
    let generation = StoredValue::new(0u64);

    let on_input = move |ev| {
        let text = event_target_value(&ev).trim().to_owned();
        let current = generation.get_value() + 1;
        generation.set_value(current);
        if text.chars().count() < PEOPLE_QUERY_MIN_CHARS {
            results.set(if text.is_empty() {
                Results::Idle
            } else {
                Results::TooShort
            });
            return;
        }
        results.set(Results::Searching);
        spawn_local(async move {
            TimeoutFuture::new(DEBOUNCE_MS).await;
            if generation.get_value() != current {
                return;
            }
            let Some(session) = auth.token() else {
                return;
            };
            let outcome = auth.check(api::search_people(&session, &text).await);
            if generation.get_value() != current {
                return;
            }
            results.set(match outcome {
                Ok(found) => Results::Found(found.people),
                Err(CallError::Api(code)) => Results::Failed(Text::Error(code)),
                Err(CallError::Network) => Results::Failed(Text::NetworkError),
            });
        });
    };

    let add = move |person: Person| {
        notice.set(None);
        spawn_local(async move {
            let recipient = Recipient {
                display_name: &person.display_name,
                email: &person.email,
            };
            match office::add_attendees(AttendeeField::Required, &[recipient]).await {
                Ok(()) => added.update(|list| list.push(person.email.clone())),
                Err(error) if error.name == "NoItem" => notice.set(Some(Text::NotInOutlook)),
                Err(_) => notice.set(Some(Text::AddFailed)),
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
        view! {
            <li class="person">
                <span class="avatar" aria-hidden="true">{avatar}</span>
                <span class="who">
                    <span class="person-name">{person.display_name.clone()}</span>
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
        <div class="results" aria-live="polite">
            {move || match results.get() {
                Results::Idle => ().into_any(),
                Results::TooShort => view! { <p class="hint">{locale.text(Text::TypeMore)}</p> }.into_any(),
                Results::Searching => view! { <p class="hint">{locale.text(Text::Searching)}</p> }.into_any(),
                Results::Found(people) if people.is_empty() => {
                    view! { <p class="hint">{locale.text(Text::NoMatches)}</p> }.into_any()
                }
                Results::Found(people) => {
                    view! { <ul class="people">{people.into_iter().map(row).collect_view()}</ul> }.into_any()
                }
                Results::Failed(text) => view! { <p class="error" role="alert">{locale.text(text)}</p> }.into_any(),
            }}
        </div>
    }
}

//! The people search: type part of a name, see who matches and who they are, add them as
//! attendees. A person's card opens over the rows below their name: for a look while the
//! pointer rests on the row or the keyboard is on the name, and pinned by a click (or Enter),
//! until clicked again or Escape.

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
    // Whose card is open (one at a time), and whether a click pinned it.
    let open = RwSignal::new(None::<Open>);
    // The row the pointer rests on: a look opens when it is still there after a pause.
    let hovered = RwSignal::new(None::<String>);
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
            Signal::derive(move || open.with(|o| o.as_ref().is_some_and(|o| o.id == id)))
        };
        let toggle = {
            let id = id.clone();
            move |_| open.update(|o| *o = Open::toggled(o.take(), &id))
        };
        let look = {
            let id = id.clone();
            move || open.update(|o| Open::look(o, &id))
        };
        let end_look = {
            let id = id.clone();
            move || open.update(|o| Open::end_look(o, &id))
        };
        let on_enter = {
            let (id, look) = (id.clone(), look.clone());
            move |_| {
                hovered.set(Some(id.clone()));
                let (id, look) = (id.clone(), look.clone());
                gloo_timers::callback::Timeout::new(LOOK_AFTER_MS, move || {
                    if hovered.with_untracked(|h| h.as_ref() == Some(&id)) {
                        look();
                    }
                })
                .forget();
            }
        };
        let on_leave = {
            let end_look = end_look.clone();
            move |ev: leptos::web_sys::MouseEvent| {
                hovered.set(None);
                if !focus_stays_in(ev.current_target()) {
                    end_look();
                }
            }
        };
        let on_focus_out = {
            let end_look = end_look.clone();
            move |ev: leptos::web_sys::FocusEvent| {
                let staying = ev
                    .related_target()
                    .zip(ev.current_target())
                    .is_some_and(|(to, row)| contains(&row, &to));
                if !staying && hovered.with_untracked(Option::is_none) {
                    end_look();
                }
            }
        };
        let on_key = move |ev: leptos::web_sys::KeyboardEvent| {
            if ev.key() == "Escape" && is_open.get_untracked() {
                ev.prevent_default();
                open.set(None);
            }
        };
        let (card_id, card_name) = (person.id.clone(), person.display_name.clone());
        view! {
            <li class="person" on:mouseenter=on_enter on:mouseleave=on_leave
                on:focusout=on_focus_out on:keydown=on_key>
                <span class="avatar" aria-hidden="true">{avatar}</span>
                <span class="who">
                    <button class="person-name link-plain" aria-expanded=move || is_open.get().to_string()
                        on:click=toggle on:focus=move |_| look()>{person.display_name.clone()}</button>
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

/// How long the pointer rests on a row before its card opens for a look (Fluent's persona
/// cards wait about as long), so a pointer passing over the list fetches nobody's card.
const LOOK_AFTER_MS: u32 = 500;

/// The open card: whose, and whether a click pinned it (a look closes when the pointer and
/// the keyboard leave the row; a pinned card stays until clicked again or Escape).
#[derive(Clone, Debug, PartialEq)]
struct Open {
    id: String,
    pinned: bool,
}

impl Open {
    /// A click on a name: pins its card, or closes it when it is pinned already.
    fn toggled(open: Option<Open>, id: &str) -> Option<Open> {
        match open {
            Some(o) if o.id == id && o.pinned => None,
            _ => Some(Open {
                id: id.to_owned(),
                pinned: true,
            }),
        }
    }

    /// The pointer rests on a row or the keyboard reaches its name: its card opens for a look,
    /// unless another card is pinned.
    fn look(open: &mut Option<Open>, id: &str) {
        if open.as_ref().is_none_or(|o| !o.pinned) {
            *open = Some(Open {
                id: id.to_owned(),
                pinned: false,
            });
        }
    }

    /// The pointer and the keyboard left the row: a look at its card ends.
    fn end_look(open: &mut Option<Open>, id: &str) {
        if open.as_ref().is_some_and(|o| o.id == id && !o.pinned) {
            *open = None;
        }
    }
}

/// Whether `inner` is `row` or inside it.
fn contains(row: &leptos::web_sys::EventTarget, inner: &leptos::web_sys::EventTarget) -> bool {
    use wasm_bindgen::JsCast;
    match (
        row.dyn_ref::<leptos::web_sys::Node>(),
        inner.dyn_ref::<leptos::web_sys::Node>(),
    ) {
        (Some(row), Some(inner)) => row.contains(Some(inner)),
        _ => false,
    }
}

/// Whether the keyboard's focus is still inside the row the pointer just left.
fn focus_stays_in(row: Option<leptos::web_sys::EventTarget>) -> bool {
    let active = leptos::web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    row.zip(active)
        .is_some_and(|(row, active)| contains(&row, &active))
}

#[cfg(test)]
mod tests {
    use super::Open;

    fn look(id: &str) -> Option<Open> {
        Some(Open {
            id: id.into(),
            pinned: false,
        })
    }

    fn pinned(id: &str) -> Option<Open> {
        Some(Open {
            id: id.into(),
            pinned: true,
        })
    }

    #[test]
    fn a_click_pins_a_look_and_a_second_click_closes() {
        assert_eq!(Open::toggled(None, "a"), pinned("a"));
        assert_eq!(Open::toggled(look("a"), "a"), pinned("a"));
        assert_eq!(Open::toggled(pinned("a"), "a"), None);
        assert_eq!(Open::toggled(pinned("a"), "b"), pinned("b"));
    }

    #[test]
    fn a_look_never_replaces_a_pinned_card_and_ends_only_its_own() {
        let mut open = pinned("a");
        Open::look(&mut open, "b");
        assert_eq!(open, pinned("a"));
        Open::end_look(&mut open, "a");
        assert_eq!(open, pinned("a"), "leaving the row keeps a pinned card");

        let mut open = look("a");
        Open::look(&mut open, "b");
        assert_eq!(open, look("b"));
        Open::end_look(&mut open, "a");
        assert_eq!(open, look("b"), "leaving another row keeps this look");
        Open::end_look(&mut open, "b");
        assert_eq!(open, None);
    }
}

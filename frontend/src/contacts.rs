//! The organiser's personal contacts: pick a folder, search it, add a contact, or see and
//! invite everyone in the folder. Outlook's contact groups cannot be read through Microsoft
//! Graph; the view says so and what to do instead.

use davet_api::{Contact, ContactFolder, Selection};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::i18n::{Locale, Localised, Text};
use crate::invite::Invitation;
use crate::office::{self, AttendeeField, Recipient};
use crate::session::use_auth;
use crate::type_ahead::{self, Results};

/// The folder tree, flattened for a list box: (id, name, depth).
fn flatten(folders: &[ContactFolder], depth: usize, out: &mut Vec<(String, String, usize)>) {
    for folder in folders {
        out.push((folder.id.clone(), folder.display_name.clone(), depth));
        flatten(&folder.children, depth + 1, out);
    }
}

#[component]
pub fn ContactSearch() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let auth = use_auth();
    let folders = RwSignal::new(Vec::<(String, String, usize)>::new());
    // The chosen folder; `None` is the default Contacts folder.
    let folder = RwSignal::new(None::<String>);
    let results = RwSignal::new(Results::Idle);
    let notice = RwSignal::new(None::<Text>);
    let invitation = Invitation::new();

    spawn_local(async move {
        let Some(session) = auth.token() else { return };
        match auth.check(api::contact_folders(&session).await) {
            Ok(tree) => {
                let mut flat = Vec::new();
                flatten(&tree.folders, 0, &mut flat);
                folders.try_set(flat);
            }
            Err(_) => {
                notice.try_set(Some(Text::FoldersUnavailable));
            }
        }
    });

    let query = RwSignal::new(String::new());
    // The chosen folder's contacts matching `text` (empty: all of them).
    let fetch = move |session: String, text: String| async move {
        let folder = folder.get_untracked();
        api::search_contacts(&session, &text, folder.as_deref())
            .await
            .map(|found| found.contacts)
    };
    let search = type_ahead::on_input(results, fetch);
    // The chosen folder's contacts: all of them, or those matching what is typed (a search
    // of one letter lists them all too).
    let list = move || {
        results.set(Results::Searching);
        spawn_local(async move {
            let Some(session) = auth.token() else { return };
            let typed = query.get_untracked();
            let typed = if typed.chars().count() < davet_api::PEOPLE_QUERY_MIN_CHARS {
                String::new()
            } else {
                typed
            };
            results.try_set(match auth.check(fetch(session, typed).await) {
                Ok(contacts) => Results::Found(contacts),
                Err(e) => Results::Failed(e.words()),
            });
        });
    };
    list();
    let on_input = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev).trim().to_owned();
        let short = typed.chars().count() < davet_api::PEOPLE_QUERY_MIN_CHARS;
        query.set(typed);
        if short {
            list();
        } else {
            search(ev);
        }
    };

    let add = move |contact: Contact| {
        spawn_local(async move {
            let recipient = Recipient {
                display_name: &contact.display_name,
                email: &contact.email,
            };
            notice.set(
                match office::add_attendees(AttendeeField::Required, &[recipient]).await {
                    Ok(0) => Some(Text::ContactAdded),
                    Ok(_) => Some(Text::AlreadyInvited),
                    Err(e) => Some(e.adding_text()),
                },
            );
        });
    };

    let chosen_pick = move || {
        let id = folder.get()?;
        let name = folders.with(|all| {
            all.iter()
                .find(|(fid, _, _)| *fid == id)
                .map(|(_, name, _)| name.clone())
        })?;
        Some(Selection::ContactFolder {
            id,
            display_name: name,
        })
    };

    let row = move |contact: Contact| {
        let chosen = contact.clone();
        view! {
            <li class="person contact">
                <span class="who">
                    <span class="person-name">{contact.display_name.clone()}</span>
                    <span class="email">{contact.email.clone()}</span>
                </span>
                <button class="add" on:click=move |_| add(chosen.clone())>{locale.text(Text::Add)}</button>
            </li>
        }
    };

    view! {
        <p class="note contact-groups-note">{locale.text(Text::ContactGroupsNote)}</p>
        <label class="search">
            <span>{locale.text(Text::ContactFolder)}</span>
            <select class="contact-folder" on:change=move |ev| {
                let id = event_target_value(&ev);
                folder.set((!id.is_empty()).then_some(id));
                list();
            }>
                <option value="">{locale.text(Text::DefaultContacts)}</option>
                {move || folders.get().into_iter().map(|(id, name, depth)| {
                    view! { <option value=id>{"\u{a0}\u{a0}".repeat(depth + 1)}{name}</option> }
                }).collect_view()}
            </select>
        </label>
        {move || chosen_pick().map(|pick| {
            let shown = pick.clone();
            view! {
                <p class="folder-actions">
                    <button class="link show" on:click=move |_| invitation.toggle_who(shown.clone())>{locale.text(Text::ShowPeople)}</button>
                    " "
                    <button class="add invite-folder" on:click=move |_| invitation.start(pick.clone(), true)>{locale.text(Text::Invite)}</button>
                </p>
            }
        })}
        {invitation.view(locale)}
        <label class="search">
            <span>{locale.text(Text::ContactSearchLabel)}</span>
            <input type="search" class="contact-search" autocomplete="off" spellcheck="false"
                placeholder=locale.text(Text::SearchPlaceholder) on:input=on_input/>
        </label>
        {move || notice.get().map(|text| {
            let class = if text == Text::ContactAdded { "notice-ok" } else { "notice" };
            view! { <p class=class role="status">{locale.text(text)}</p> }
        })}
        {type_ahead::results_view(results, locale, move |contacts: Vec<Contact>| {
            view! { <ul class="people">{contacts.into_iter().map(row).collect_view()}</ul> }
        })}
    }
}

//! The Davet task pane.
//!
//! - [`office`]: the bridge to Office.js (the item being composed)
//! - [`api`]: calls to the Davet server
//! - [`i18n`]: every string a person reads, in English and Turkish
//! - [`people`]: the people search and its results; [`card`]: the people card
//! - [`groups`]: the group search; [`contacts`]: personal contacts and their folders
//! - [`invite`]: inviting everyone a group or folder holds, with progress
//! - [`meeting`]: the appointment's Webex meeting: options, join block, update, remove
//! - [`session`]: signing in and out; the session token every call carries
//! - [`type_ahead`]: the debounced search both people and groups use
//!
//! Office.js sets `history.pushState` to null, so views switch with signals, never a router.

pub mod api;
pub mod card;
pub mod contacts;
pub mod groups;
pub mod i18n;
pub mod invite;
pub mod meeting;
pub mod office;
pub mod people;
pub mod session;
pub mod type_ahead;

use leptos::prelude::*;

use crate::i18n::{Locale, Localised, Text};

/// Waits for Office, then mounts the pane into `#app`.
pub fn mount() {
    // A panic in the pane reaches the browser console instead of an opaque "unreachable".
    std::panic::set_hook(Box::new(|info| {
        leptos::web_sys::console::error_1(&info.to_string().into());
    }));
    // Leptos's own executor starts with the first mount, so the wait for Office runs on
    // wasm-bindgen's.
    wasm_bindgen_futures::spawn_local(async {
        let context = office::ready().await;
        let locale = Locale::from_tag(&context.display_language);
        let Some(root) = document().get_element_by_id("app") else {
            return;
        };
        root.set_inner_html("");
        if let Ok(root) = wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(root) {
            let message = context.message;
            leptos::mount::mount_to(root, move || view! { <App locale message/> }).forget();
        }
    });
}

/// `message`: the pane is in a message being written (else an appointment).
#[component]
pub fn App(locale: Locale, message: bool) -> impl IntoView {
    provide_context(locale);
    let auth = session::Auth::restore();
    provide_context(auth);
    if message {
        provide_context(invite::MeetingPicks::new());
    }
    view! {
        <main class="pane" lang=locale.tag()>
            <h1>{locale.text(Text::Title)}</h1>
            {move || if auth.is_signed_in() {
                let meeting = move || if message {
                    Suspend::new(message_meeting_view()).into_any()
                } else {
                    Suspend::new(appointment_meeting_view()).into_any()
                };
                view! { <session::Account/>{meeting}<Tabs/> }.into_any()
            } else {
                view! { <session::SignIn/> }.into_any()
            }}
        </main>
    }
}

/// The pane's views, one at a time, switched by a signal (no router in Office).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    People,
    Groups,
    Contacts,
}

#[component]
fn Tabs() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let tab = RwSignal::new(Tab::People);
    let button = move |which: Tab, class: &'static str, text: Text| {
        view! {
            <button role="tab" class=class aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)>{locale.text(text)}</button>
        }
    };
    view! {
        <nav class="tabs" role="tablist">
            {button(Tab::People, "tab tab-people", Text::TabPeople)}
            {button(Tab::Groups, "tab tab-groups", Text::TabGroups)}
            {button(Tab::Contacts, "tab tab-contacts", Text::TabContacts)}
        </nav>
        {move || match tab.get() {
            Tab::People => view! { <people::PeopleSearch/> }.into_any(),
            Tab::Groups => Suspend::new(groups_view()).into_any(),
            Tab::Contacts => Suspend::new(contacts_view()).into_any(),
        }}
    }
}

/// The appointment's Webex meeting, in a module of its own loaded after first paint.
#[lazy]
fn appointment_meeting_view() -> AnyView {
    view! { <meeting::MeetingSection/> }.into_any()
}

/// In a message, the meeting Davet writes whole, in a module of its own loaded after first
/// paint.
#[lazy]
fn message_meeting_view() -> AnyView {
    view! { <meeting::MessageSchedule/> }.into_any()
}

/// The Groups view, in a module of its own loaded when first shown.
#[lazy]
fn groups_view() -> AnyView {
    view! { <groups::GroupSearch/> }.into_any()
}

/// The Contacts view, in a module of its own loaded when first shown.
#[lazy]
fn contacts_view() -> AnyView {
    view! { <contacts::ContactSearch/> }.into_any()
}

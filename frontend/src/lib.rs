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
    let busy = api::busy();
    view! {
        <main class="pane" lang=locale.tag()>
            <h1>{locale.text(Text::Title)}</h1>
            {move || busy.get().map(|busy| {
                let text = match busy.code {
                    davet_api::ErrorCode::WebexThrottled => Text::RetryingWebex,
                    _ => Text::RetryingDirectory,
                };
                let words = locale.text(text).replace("{}", &busy.seconds.to_string());
                view! { <p class="notice busy" role="status">{words}</p> }
            })}
            {move || if auth.is_signed_in() {
                let meeting = move || if message {
                    later(locale, message_meeting_view).into_any()
                } else {
                    later(locale, appointment_meeting_view).into_any()
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
            Tab::Groups => later(locale, groups_view).into_any(),
            Tab::Contacts => later(locale, contacts_view).into_any(),
        }}
    }
}

/// A view in a module of its own, drawn once the module has arrived. When it cannot be
/// fetched (the network dropped, or a new deployment replaced the files) the organiser reads
/// so and can try again, where Leptos's `#[lazy]` would panic and take the pane down.
fn later<F>(locale: Locale, load: fn() -> F) -> impl IntoView
where
    F: std::future::Future<Output = Result<AnyView, NotLoaded>> + Send + 'static,
{
    let attempt = RwSignal::new(0u32);
    move || {
        attempt.track();
        Suspend::new(async move {
            load().await.unwrap_or_else(|NotLoaded| {
                view! {
                    <p class="error not-loaded" role="alert">
                        {locale.text(Text::ViewNotLoaded)}" "
                        <button class="link" on:click=move |_| attempt.update(|n| *n += 1)>
                            {locale.text(Text::TryAgain)}
                        </button>
                    </p>
                }
                .into_any()
            })
        })
    }
}

/// A split module could not be fetched; the next call fetches it afresh.
#[derive(Debug)]
struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self
    }
}

// `fallible`: a module that cannot be fetched is an `Err`, not a panic. The module names end
// in `_0` because the build names each file by what comes before the last `_`.

/// The appointment's Webex meeting, in a module of its own loaded after first paint.
#[leptos::wasm_split::wasm_split(appointment_meeting_view_0, wasm_split_path = ::leptos::wasm_split, fallible)]
fn appointment_meeting_view() -> Result<AnyView, NotLoaded> {
    Ok(view! { <meeting::MeetingSection/> }.into_any())
}

/// In a message, the meeting Davet writes whole, in a module of its own loaded after first
/// paint.
#[leptos::wasm_split::wasm_split(message_meeting_view_0, wasm_split_path = ::leptos::wasm_split, fallible)]
fn message_meeting_view() -> Result<AnyView, NotLoaded> {
    Ok(view! { <meeting::MessageSchedule/> }.into_any())
}

/// The Groups view, in a module of its own loaded when first shown.
#[leptos::wasm_split::wasm_split(groups_view_0, wasm_split_path = ::leptos::wasm_split, fallible)]
fn groups_view() -> Result<AnyView, NotLoaded> {
    Ok(view! { <groups::GroupSearch/> }.into_any())
}

/// The Contacts view, in a module of its own loaded when first shown.
#[leptos::wasm_split::wasm_split(contacts_view_0, wasm_split_path = ::leptos::wasm_split, fallible)]
fn contacts_view() -> Result<AnyView, NotLoaded> {
    Ok(view! { <contacts::ContactSearch/> }.into_any())
}

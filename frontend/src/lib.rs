//! The Davet task pane.
//!
//! - [`office`]: the bridge to Office.js (the item being composed)
//! - [`api`]: calls to the Davet server
//! - [`i18n`]: every string a person reads, in English and Turkish
//! - [`people`]: the people search and its results
//! - [`groups`]: the group search, and inviting a whole group
//! - [`session`]: signing in and out; the session token every call carries
//! - [`type_ahead`]: the debounced search both people and groups use
//!
//! Office.js sets `history.pushState` to null, so views switch with signals, never a router.

pub mod api;
pub mod groups;
pub mod i18n;
pub mod office;
pub mod people;
pub mod session;
pub mod type_ahead;

use leptos::prelude::*;

use crate::i18n::{Locale, Text};

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
            leptos::mount::mount_to(root, move || view! { <App locale/> }).forget();
        }
    });
}

#[component]
pub fn App(locale: Locale) -> impl IntoView {
    provide_context(locale);
    let auth = session::Auth::restore();
    provide_context(auth);
    view! {
        <main class="pane" lang=locale.tag()>
            <h1>{locale.text(Text::Title)}</h1>
            {move || if auth.is_signed_in() {
                view! { <session::Account/><Tabs/> }.into_any()
            } else {
                view! { <session::SignIn/> }.into_any()
            }}
        </main>
    }
}

/// People or groups: one view at a time, switched by a signal (no router in Office).
#[component]
fn Tabs() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let groups = RwSignal::new(false);
    view! {
        <nav class="tabs" role="tablist">
            <button role="tab" class="tab" aria-selected=move || (!groups.get()).to_string()
                on:click=move |_| groups.set(false)>{locale.text(Text::TabPeople)}</button>
            <button role="tab" class="tab tab-groups" aria-selected=move || groups.get().to_string()
                on:click=move |_| groups.set(true)>{locale.text(Text::TabGroups)}</button>
        </nav>
        {move || if groups.get() {
            view! { <groups::GroupSearch/> }.into_any()
        } else {
            view! { <people::PeopleSearch/> }.into_any()
        }}
    }
}

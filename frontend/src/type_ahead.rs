//! A type-ahead over the server: what the people and group searches share. Each keystroke
//! starts a new generation; a search leaves only after a pause in typing, and answers to older
//! keystrokes are dropped.

use std::future::Future;

use davet_api::PEOPLE_QUERY_MIN_CHARS;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::CallError;
use crate::i18n::{Locale, Localised, Text};
use crate::session::use_auth;

/// Wait this long after the last keystroke before asking the server.
const DEBOUNCE_MS: u32 = 120;

/// What a type-ahead shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Results<T> {
    Idle,
    TooShort,
    Searching,
    Found(Vec<T>),
    Failed(Text),
}

/// The input handler of a type-ahead: `search(session, text)` asks the server.
pub fn on_input<T, F, Fut>(
    results: RwSignal<Results<T>>,
    search: F,
) -> impl Fn(leptos::ev::Event) + Copy + 'static
where
    T: Send + Sync + 'static,
    F: Fn(String, String) -> Fut + Copy + 'static,
    Fut: Future<Output = Result<Vec<T>, CallError>> + 'static,
{
    let auth = use_auth();
    let generation = StoredValue::new(0u64);
    move |ev| {
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
            let outcome = auth.check(search(session, text).await);
            if generation.get_value() != current {
                return;
            }
            results.set(match outcome {
                Ok(found) => Results::Found(found),
                Err(error) => Results::Failed(error.words()),
            });
        });
    }
}

/// The results under a type-ahead: hints while typing, the list (`list`), or the error.
pub fn results_view<T, V>(
    results: RwSignal<Results<T>>,
    locale: Locale,
    list: impl Fn(Vec<T>) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <div class="results" aria-live="polite">
            {move || match results.get() {
                Results::Idle => ().into_any(),
                Results::TooShort => view! { <p class="hint">{locale.text(Text::TypeMore)}</p> }.into_any(),
                Results::Searching => view! { <p class="hint">{locale.text(Text::Searching)}</p> }.into_any(),
                Results::Found(found) if found.is_empty() => {
                    view! { <p class="hint">{locale.text(Text::NoMatches)}</p> }.into_any()
                }
                Results::Found(found) => list(found).into_any(),
                Results::Failed(text) => view! { <p class="error" role="alert">{locale.text(text)}</p> }.into_any(),
            }}
        </div>
    }
}

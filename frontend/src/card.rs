//! The people card: who someone is before inviting them. Title, department, office, phones,
//! whom they report to (three levels), and their photo, or their initials when there is none.

use std::sync::{Arc, Mutex};

use davet_api::PersonCard;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::i18n::{Locale, Localised, Text, initials};
use crate::session::use_auth;

#[component]
pub fn Card(id: String, display_name: String) -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let auth = use_auth();
    let card = RwSignal::new(None::<Result<PersonCard, Text>>);
    let photo = RwSignal::new(None::<String>);
    // The photo's blob: URL, freed when the card closes.
    let kept = Arc::new(Mutex::new(None::<String>));
    on_cleanup({
        let kept = kept.clone();
        move || {
            if let Some(url) = kept.lock().ok().and_then(|mut k| k.take()) {
                api::forget_image_url(&url);
            }
        }
    });
    if let Some(session) = auth.token() {
        spawn_local(async move {
            let answer = auth.check(api::person_card(&session, &id).await);
            // The photo only where the card says there is one (no 404 for everyone without).
            let has_photo = answer.as_ref().is_ok_and(|c| c.photo);
            card.try_set(Some(answer.map_err(|e| e.words())));
            if !has_photo {
                return;
            }
            if let Some(url) = api::photo_url(&session, &id).await {
                if photo.try_set(Some(url.clone())).is_some() {
                    // The card closed meanwhile.
                    api::forget_image_url(&url);
                } else if let Ok(mut k) = kept.lock() {
                    *k = Some(url);
                }
            }
        });
    }
    let avatar = initials(&display_name, locale);
    let picture = move || match photo.get() {
        Some(url) => view! { <img class="photo" src=url alt=""/> }.into_any(),
        None => {
            view! { <span class="avatar avatar-large" aria-hidden="true">{avatar.clone()}</span> }
                .into_any()
        }
    };
    let details = move || {
        card.get().map(|answer| match answer {
            Err(text) => view! { <p class="error" role="alert">{locale.text(text)}</p> }.into_any(),
            Ok(card) => {
                let person = card.person;
                let role = [person.job_title, person.department]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                let managers = (!card.managers.is_empty()).then(|| {
                    let chain = card.managers.into_iter().map(|m| view! {
                        <li>{m.display_name}{m.job_title.map(|t| format!(" · {t}"))}</li>
                    }).collect_view();
                    view! {
                        <p class="detail">{locale.text(Text::ReportsTo)}</p>
                        <ol class="managers">{chain}</ol>
                    }
                });
                view! {
                    <dl>
                        {(!role.is_empty()).then(|| view! { <dt>{locale.text(Text::Role)}</dt><dd class="card-role">{role}</dd> })}
                        {card.office.map(|o| view! { <dt>{locale.text(Text::Office)}</dt><dd>{o}</dd> })}
                        {card.phones.into_iter().map(|p| {
                            let href = format!("tel:{}", p.replace(' ', ""));
                            view! { <dt>{locale.text(Text::Phone)}</dt><dd><a href=href>{p}</a></dd> }
                        }).collect_view()}
                        <dt>{locale.text(Text::Email)}</dt><dd>{person.email}</dd>
                    </dl>
                    {managers}
                }.into_any()
            }
        })
    };
    view! {
        <div class="card" role="region" aria-label=display_name>
            {picture}
            <div class="card-body">
                {move || card.with(Option::is_none).then(|| view! { <p class="hint">{locale.text(Text::Loading)}</p> })}
                {details}
            </div>
        </div>
    }
}

//! The group search: find a group, see its kind and how many people it holds, see who they are
//! (nested groups expanded), or invite them all at once.

use davet_api::{GroupKind, GroupSummary, Selection};
use leptos::prelude::*;

use crate::api;
use crate::i18n::{Locale, Localised, Text};
use crate::invite::Invitation;
use crate::type_ahead::{self, Results};

fn kind_text(kind: GroupKind) -> Text {
    match kind {
        GroupKind::Team => Text::KindTeam,
        GroupKind::Microsoft365 => Text::KindMicrosoft365,
        GroupKind::DistributionList => Text::KindDistributionList,
        GroupKind::MailEnabledSecurity => Text::KindMailEnabledSecurity,
        GroupKind::Security => Text::KindSecurity,
    }
}

#[component]
pub fn GroupSearch() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let results = RwSignal::new(Results::Idle);
    let invitation = Invitation::new();
    let on_input = type_ahead::on_input(results, |session, text| async move {
        api::search_groups(&session, &text)
            .await
            .map(|found| found.groups)
    });

    let row = move |group: GroupSummary| {
        let pick = Selection::Group {
            id: group.id.clone(),
            display_name: group.display_name.clone(),
            mail: group.mail.clone(),
        };
        let shown = pick.clone();
        let people = group.people;
        let here = pick.clone();
        let open = pick.clone();
        view! {
            <li class="group">
                <span class="who">
                    <span class="group-name">{group.display_name.clone()}</span>
                    <span class="detail">
                        {locale.text(kind_text(group.kind))} " · "
                        <span class="group-people">{group.people}</span> " " {locale.counted(group.people, Text::PeopleCount)}
                    </span>
                </span>
                <button class="link show" aria-expanded=move || invitation.showing(&open).to_string()
                    on:click=move |_| invitation.toggle_who(shown.clone())>{locale.text(Text::ShowPeople)}</button>
                <button class="add" on:click=move |_| invitation.start_counted(pick.clone(), true, Some(people))>{locale.text(Text::Invite)}</button>
                {invitation.view_for(here, locale)}
            </li>
        }
    };

    view! {
        <label class="search">
            <span>{locale.text(Text::GroupSearchLabel)}</span>
            <input type="search" class="group-search" autocomplete="off" spellcheck="false"
                placeholder=locale.text(Text::GroupSearchPlaceholder) on:input=on_input/>
        </label>
        {type_ahead::results_view(results, locale, move |groups: Vec<GroupSummary>| {
            view! { <ul class="groups">{groups.into_iter().map(row).collect_view()}</ul> }
        })}
    }
}

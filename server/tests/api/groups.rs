//! Groups (search, mine, kinds and people counts) and people cards with photos.

use davet_api::{ErrorCode, GroupKind, GroupList, PersonCard};
use davet_emulator::Member;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app, spawn_app_on};

fn people_in(app: &TestApp, group_id: &str) -> u32 {
    let tenant = &app.emulator.world.tenant;
    let index = tenant
        .groups
        .iter()
        .position(|g| g.id == group_id)
        .expect("the group");
    tenant
        .transitive_members(index)
        .iter()
        .filter(|m| matches!(m, Member::User(_)))
        .count() as u32
}

#[tokio::test]
async fn groups_are_found_with_their_kind_and_people_count() {
    let app = spawn_app().await;
    for (query, kind) in [
        ("Ekibi", GroupKind::Team),
        ("Listesi", GroupKind::DistributionList),
        ("Erişim", GroupKind::Security),
        ("Güvenlik", GroupKind::MailEnabledSecurity),
    ] {
        let found: GroupList = app
            .get(&format!("api/groups?q={query}"))
            .await
            .json()
            .await
            .expect("json");
        assert!(!found.groups.is_empty(), "{query}");
        for group in &found.groups {
            assert!(
                group.display_name.contains(query),
                "{} for {query}",
                group.display_name
            );
            assert_eq!(group.kind, kind, "{}", group.display_name);
            assert_eq!(
                group.people,
                people_in(&app, &group.id),
                "{}",
                group.display_name
            );
            assert_eq!(group.mail.is_some(), kind != GroupKind::Security);
        }
    }
    let short = app.get("api/groups?q=a").await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn my_groups_are_the_ones_i_belong_to_through_any_nesting() {
    let app = spawn_app().await;
    let tenant = &app.emulator.world.tenant;
    let me = app.member(0);
    let mut expected: Vec<String> = tenant
        .transitive_member_of(Member::User(me))
        .into_iter()
        .filter_map(|m| match m {
            Member::Group(g) => Some(tenant.groups[g].id.clone()),
            _ => None,
        })
        .collect();
    expected.sort();
    let mine: GroupList = app.get("api/groups/mine").await.json().await.expect("json");
    let mut found: Vec<String> = mine.groups.iter().map(|g| g.id.clone()).collect();
    found.sort();
    assert!(!found.is_empty());
    assert_eq!(found, expected);
}

#[tokio::test]
async fn a_people_card_shows_profile_phones_and_three_levels_of_managers() {
    // Large enough for chains deeper than the card shows.
    let emulator = davet_emulator::RunningEmulator::start(davet_emulator::TenantSpec::seeded(
        davet_emulator::TenantSpec::DEMO.seed,
        3_000,
    ))
    .await
    .expect("emulator");
    let app = spawn_app_on(emulator, |_| {}).await;
    let tenant = &app.emulator.world.tenant;
    let chain = |mut u: usize| {
        let mut managers = Vec::new();
        while let Some(m) = tenant.users[u].manager {
            managers.push(m);
            u = m;
        }
        managers
    };
    let person = (0..tenant.users.len())
        .find(|&u| tenant.users[u].account_enabled && chain(u).len() > 3)
        .expect("someone deep in the organisation");
    let user = &tenant.users[person];
    let card: PersonCard = app
        .get(&format!("api/people/{}", user.id))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(card.person.display_name, user.display_name);
    assert_eq!(card.office, user.office_location);
    let mut phones = user.business_phones.clone();
    phones.extend(user.mobile_phone.clone());
    assert_eq!(card.phones, phones);
    let expected: Vec<&str> = chain(person)
        .into_iter()
        .take(3)
        .map(|m| tenant.users[m].id.as_str())
        .collect();
    let managers: Vec<&str> = card.managers.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(managers, expected);
    // The card says whether there is a photo, as the directory has it, for both kinds.
    assert_eq!(card.photo, user.has_photo);
    for has in [true, false] {
        let someone = tenant
            .users
            .iter()
            .find(|u| u.account_enabled && u.mail.is_some() && u.has_photo == has)
            .expect("someone");
        let card: PersonCard = app
            .get(&format!("api/people/{}", someone.id))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(card.photo, has, "{}", someone.display_name);
    }

    let top = (0..tenant.users.len())
        .find(|&u| tenant.users[u].manager.is_none() && tenant.users[u].account_enabled)
        .expect("the top");
    let card: PersonCard = app
        .get(&format!("api/people/{}", tenant.users[top].id))
        .await
        .json()
        .await
        .expect("json");
    assert!(card.managers.is_empty(), "the top has no manager");

    let nobody = app
        .get("api/people/00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(nobody.status(), StatusCode::NOT_FOUND);
    let missing: davet_api::ApiError = nobody.json().await.expect("an ApiError");
    assert_eq!(missing.code, davet_api::ErrorCode::NotFound);
    assert!(
        !missing.message.contains("Request_") && !missing.message.contains("ResourceNotFound"),
        "Graph's own code is not quoted to the client: {}",
        missing.message
    );
    let bad = app.get("api/people/not-an-id").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn photos_are_proxied_privately_cached_and_absent_ones_are_404() {
    let app = spawn_app().await;
    let tenant = &app.emulator.world.tenant;
    let with = tenant
        .users
        .iter()
        .find(|u| u.has_photo)
        .expect("someone with a photo");
    let without = tenant
        .users
        .iter()
        .find(|u| !u.has_photo)
        .expect("someone without");
    let photo = app.get(&format!("api/people/{}/photo", with.id)).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(
        photo
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().ok()),
        Some(Some("private, max-age=3600"))
    );
    assert!(
        photo
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("image/"))
    );
    let bytes = photo.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"\x89PNG"), "a real picture");
    let none = app.get(&format!("api/people/{}/photo", without.id)).await;
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
    let error: davet_api::ApiError = none.json().await.expect("json");
    assert_eq!(error.code, ErrorCode::NotFound);
}

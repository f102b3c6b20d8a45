//! The people card: a name in the results opens who they are: role, office, phones, the
//! manager chain, and their photo (fetched with the session into a blob: URL, which the pane's
//! CSP allows), or their initials when the directory has no photo.

use std::time::Duration;

use davet_emulator::Tenant;
use fantoccini::Locator;

use crate::support::{Browser, SignedInPane};

/// An enabled member with a title, a manager and a department, with a photo or without.
fn someone(tenant: &Tenant, photo: bool) -> usize {
    (1..tenant.users.len())
        .find(|&i| {
            let u = &tenant.users[i];
            u.account_enabled
                && u.user_type == "Member"
                && u.mail.is_some()
                && u.job_title.is_some()
                && u.department.is_some()
                && u.manager.is_some()
                && u.has_photo == photo
                // Initials without Turkish casing questions (İ/ı are the unit tests' job).
                && u.display_name.split_whitespace().all(|w| {
                    w.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_uppercase() && c != 'I')
                })
        })
        .expect("such a person")
}

/// Searches for user `n` by their address: their name's button in the results.
async fn find_name(browser: &Browser, tenant: &Tenant, n: usize) -> fantoccini::elements::Element {
    let mail = tenant.users[n].mail.clone().expect("an address");
    let search = browser
        .client
        .find(Locator::Css("input[type=search]"))
        .await
        .expect("the search box");
    search.clear().await.expect("cleared");
    search.send_keys(&mail).await.expect("typing");
    let name = format!(
        "//li[contains(@class,'person')][.//span[@class='email' and text()='{mail}']]//button[contains(@class,'person-name')]"
    );
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::XPath(&name))
        .await
        .expect("the person is listed")
}

/// The pointer moves onto `element`.
async fn point_at(browser: &Browser, element: &fantoccini::elements::Element) {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction};
    let moves = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
        element: element.clone(),
        duration: None,
        x: 0.0,
        y: 0.0,
    });
    browser
        .client
        .perform_actions(moves)
        .await
        .expect("the pointer moves");
}

/// Waits until no card is open (up to five seconds).
async fn card_closes(browser: &Browser, why: &str) {
    for _ in 0..50 {
        let open = browser
            .client
            .find_all(Locator::Css(".card"))
            .await
            .expect("finds");
        if open.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the card stayed open after {why}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resting_on_a_row_or_reaching_a_name_from_the_keyboard_shows_the_card_until_leaving() {
    let browser = SignedInPane::open().await;
    let tenant = browser.tenant();
    let n = someone(tenant, false);
    let user = &tenant.users[n];
    let role = format!(
        "{} · {}",
        user.job_title.as_deref().unwrap_or_default(),
        user.department.as_deref().unwrap_or_default()
    );
    let name = find_name(&browser, tenant, n).await;
    let search = browser
        .client
        .find(Locator::Css("input[type=search]"))
        .await
        .expect("the search box");

    // The pointer rests on the row: the card opens over the rows below, for a look.
    point_at(&browser, &name).await;
    assert_eq!(browser.text_of(".card .card-role").await, role);
    assert_eq!(
        name.attr("aria-expanded").await.expect("attr").as_deref(),
        Some("true")
    );
    browser.screenshot("people-card-hover").await;
    // ...and closes when the pointer leaves.
    point_at(&browser, &search).await;
    card_closes(&browser, "the pointer left the row").await;

    // The keyboard reaches the name: the card opens; Escape closes it.
    browser
        .client
        .execute(
            "arguments[0].focus();",
            vec![serde_json::to_value(&name).expect("element")],
        )
        .await
        .expect("focus");
    assert_eq!(browser.text_of(".card .card-role").await, role);
    let escape: String = char::from(fantoccini::key::Key::Escape).into();
    name.send_keys(&escape).await.expect("Escape");
    card_closes(&browser, "Escape").await;

    // Enter pins it: leaving the row by pointer or keyboard keeps it; Enter again closes it.
    let enter: String = char::from(fantoccini::key::Key::Enter).into();
    name.send_keys(&enter).await.expect("Enter");
    assert_eq!(browser.text_of(".card .card-role").await, role);
    point_at(&browser, &name).await;
    point_at(&browser, &search).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        browser.text_of(".card .card-role").await,
        role,
        "a pinned card stays"
    );
    name.send_keys(&enter).await.expect("Enter");
    card_closes(&browser, "its name was pressed again").await;
    browser.client.clone().close().await.expect("closes");
}

/// Searches for user `n` by their address and opens their card.
async fn open_card(browser: &Browser, tenant: &Tenant, n: usize) {
    find_name(browser, tenant, n)
        .await
        .click()
        .await
        .expect("their name opens the card");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_opens_the_card_with_role_manager_chain_and_photo_or_initials() {
    let browser = SignedInPane::open().await;
    let page = browser.page();
    let tenant = browser.tenant();

    let with_photo = someone(tenant, true);
    let user = &tenant.users[with_photo];
    open_card(&browser, tenant, with_photo).await;
    let role = browser.text_of(".card .card-role").await;
    assert_eq!(
        role,
        format!(
            "{} · {}",
            user.job_title.as_deref().unwrap_or_default(),
            user.department.as_deref().unwrap_or_default()
        )
    );
    let manager = user.manager.expect("a manager");
    let first_manager = browser.text_of(".card .managers li").await;
    assert!(
        first_manager.starts_with(&tenant.users[manager].display_name),
        "the first manager is theirs: {first_manager}"
    );
    let photo = page
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(".card img.photo"))
        .await
        .expect("the photo shows");
    let src = photo.attr("src").await.expect("attr").expect("a source");
    assert!(src.starts_with("blob:"), "{src}");
    let decoded = page
        .execute(
            "const img = document.querySelector('.card img.photo'); return img.complete && img.naturalWidth;",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(
        decoded,
        serde_json::json!(48),
        "the browser decoded the portrait"
    );
    browser.screenshot("people-card").await;

    let without = someone(tenant, false);
    open_card(&browser, tenant, without).await;
    // Only one card is open at a time: the new one, with initials.
    page.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(".card .card-role"))
        .await
        .expect("the card loads");
    let cards = page.find_all(Locator::Css(".card")).await.expect("cards");
    assert_eq!(cards.len(), 1);
    let initials = browser.text_of(".card .avatar-large").await;
    let expected: String = tenant.users[without]
        .display_name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    assert_eq!(initials, expected);
    assert!(
        page.find(Locator::Css(".card img.photo")).await.is_err(),
        "no photo, no image"
    );
    // The card said there is none: the pane never asked for it (no 404 in the console).
    let asked = browser.loaded_resources().await;
    let without_id = &tenant.users[without].id;
    assert!(
        !asked
            .iter()
            .any(|u| u.contains(&format!("{without_id}/photo"))),
        "the photo of someone without one was asked for: {asked:?}"
    );
    assert!(
        asked
            .iter()
            .any(|u| u.contains(&format!("{}/photo", user.id))),
        "the photo of someone with one was asked for"
    );
    browser.client.clone().close().await.expect("closes");
}

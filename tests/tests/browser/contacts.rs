//! Personal contacts in the pane: the folder tree, everyone in a folder into Required
//! attendees, a search inside a folder, and the note that Outlook's contact groups cannot be
//! read through Graph.

use std::collections::BTreeSet;
use std::time::Duration;

use fantoccini::Locator;

use crate::support::{Browser, SignedInPane, organiser, texts};

/// Chooses folder `id` in the folder list, once the folders have loaded.
async fn choose_folder(browser: &Browser, id: &str) {
    let page = &browser.client;
    page.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(&format!(
            "select.contact-folder option[value='{id}']"
        )))
        .await
        .expect("the folders load");
    page.find(Locator::Css("select.contact-folder"))
        .await
        .expect("the folder list")
        .select_by_value(id)
        .await
        .expect("choose it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_of_contacts_is_invited_whole_and_searched_within() {
    let browser = SignedInPane::open().await;
    let page = browser.page();
    let tenant = browser.tenant();
    let mailbox = tenant.mailbox(organiser(tenant));

    browser.click("button.tab-contacts").await;
    let note = browser.text_of(".contact-groups-note").await;
    assert!(note.contains("contact groups"), "{note}");

    // The tree: the main folder, then every folder at its depth.
    page.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(&format!(
            "select.contact-folder option[value='{}']",
            mailbox.folders[0].id
        )))
        .await
        .expect("the folders load");
    let options = page
        .find_all(Locator::Css("select.contact-folder option"))
        .await
        .expect("options");
    assert_eq!(options.len(), mailbox.folders.len() + 1);

    let customers = mailbox
        .folders
        .iter()
        .find(|f| f.display_name == "Müşteriler")
        .expect("the folder");
    choose_folder(&browser, &customers.id).await;
    browser.click("button.invite-folder").await;
    let expected: BTreeSet<String> = mailbox
        .contacts_in(&customers.id)
        .iter()
        .filter_map(|c| c.email_addresses.first())
        .map(|a| a.address.to_lowercase())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(
        browser.text_of(".invited-count").await,
        expected.len().to_string()
    );
    assert_eq!(
        browser.required_attendees().await,
        expected,
        "the folder's contacts, each by their first address"
    );

    // A search within another folder finds its contact by the start of a name.
    browser.click("button.tab-contacts").await;
    let family = mailbox
        .folders
        .iter()
        .find(|f| f.display_name == "Aile")
        .expect("the folder");
    let relative = mailbox
        .contacts_in(&family.id)
        .into_iter()
        .find(|c| !c.email_addresses.is_empty())
        .expect("a relative with an address");
    choose_folder(&browser, &family.id).await;
    let prefix: String = relative.given_name.chars().take(3).collect();
    page.find(Locator::Css("input.contact-search"))
        .await
        .expect("the contact search")
        .send_keys(&prefix)
        .await
        .expect("type");
    browser.text_of("li.contact .email").await;
    let found: Vec<String> = texts(page, "li.contact .email")
        .await
        .into_iter()
        .map(|e| e.to_lowercase())
        .collect();
    assert!(
        found.contains(&relative.email_addresses[0].address.to_lowercase()),
        "`{prefix}` finds {} in {found:?}",
        relative.display_name
    );
    browser.screenshot("contacts").await;
    browser.client.clone().close().await.expect("closes");
}

/// The addresses the contact list shows, once it shows something other than "Searching…".
async fn listed(browser: &Browser) -> BTreeSet<String> {
    let page = &browser.client;
    for _ in 0..100 {
        let searching = texts(page, ".results .hint")
            .await
            .iter()
            .any(|t| t.contains("Searching"));
        if !searching {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    texts(page, "li.contact .email")
        .await
        .into_iter()
        .map(|e| e.to_lowercase())
        .collect()
}

/// A folder lists its contacts without a word typed; choosing another folder lists (or
/// searches, when something is typed) that one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_lists_its_contacts_and_choosing_another_searches_it_again() {
    let browser = SignedInPane::open().await;
    let tenant = browser.tenant();
    let mailbox = tenant.mailbox(organiser(tenant));
    let addresses = |folder: &str| -> BTreeSet<String> {
        mailbox
            .contacts_in(folder)
            .iter()
            .filter_map(|c| c.email_addresses.first())
            .map(|a| a.address.to_lowercase())
            .collect()
    };
    browser.click("button.tab-contacts").await;
    let family = mailbox
        .folders
        .iter()
        .find(|f| f.display_name == "Aile")
        .expect("the folder");
    choose_folder(&browser, &family.id).await;
    browser.text_of("li.contact .email").await;
    assert_eq!(
        listed(&browser).await,
        addresses(&family.id),
        "Aile, nothing typed"
    );

    let relative = mailbox
        .contacts_in(&family.id)
        .into_iter()
        .find(|c| !c.email_addresses.is_empty())
        .expect("a relative with an address");
    let prefix: String = relative.given_name.chars().take(3).collect();
    browser
        .page()
        .find(Locator::Css("input.contact-search"))
        .await
        .expect("the contact search")
        .send_keys(&prefix)
        .await
        .expect("type");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let relative_address = relative.email_addresses[0].address.to_lowercase();
    assert!(listed(&browser).await.contains(&relative_address));

    // Another folder, the same words typed: searched again there.
    let customers = mailbox
        .folders
        .iter()
        .find(|f| f.display_name == "Müşteriler")
        .expect("the folder");
    choose_folder(&browser, &customers.id).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let now = listed(&browser).await;
    assert!(
        !now.contains(&relative_address),
        "still Aile's results: {now:?}"
    );
    assert!(now.is_subset(&addresses(&customers.id)), "{now:?}");
}

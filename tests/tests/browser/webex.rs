//! The pane's Webex line: a person connects their Webex account in a dialog, as they signed in,
//! and can disconnect it again.

use std::time::Duration;

use fantoccini::Locator;

use crate::support::SignedInPane;

#[tokio::test]
async fn a_person_connects_webex_from_the_pane_in_a_dialog_and_disconnects_it() {
    let pane = SignedInPane::open().await;
    let browser = &pane.browser;
    browser
        .wait_for_text(".account.webex span", "Webex is not connected.")
        .await;
    assert_eq!(
        browser.text_of(".account.webex button").await,
        "Connect Webex"
    );

    let pane_window = browser.open_dialog_with(".account.webex button").await;
    let page = &browser.client;
    // Webex's own page: whom to sign in as, and what Davet asks to do.
    let scopes = page
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("ul.scopes"))
        .await
        .expect("Webex lists what Davet asks for")
        .text()
        .await
        .expect("text");
    assert!(scopes.contains("meeting:schedules_write"), "{scopes}");
    // The first Webex account is the signed-in person's (the first member of the tenant).
    page.find(Locator::Css("ul.accounts button"))
        .await
        .expect("Webex lists accounts")
        .click()
        .await
        .expect("choose the account");
    page.switch_to_window(pane_window)
        .await
        .expect("back to the compose window");
    browser.enter_pane().await;
    browser
        .wait_for_text(".account.webex span", "Webex is connected.")
        .await;
    assert_eq!(browser.text_of(".account.webex button").await, "Disconnect");
    assert_eq!(pane.demo.webex.token_grants("authorization_code"), 1);

    browser.click(".account.webex button").await;
    browser
        .wait_for_text(".account.webex span", "Webex is not connected.")
        .await;
    browser.client.clone().close().await.expect("closes");
}

//! The first vertical slice, through every layer, in a real browser: the pane's search → the
//! server's `/api/people` → the Graph client → the emulator's `/v1.0/users?$search` → results in
//! the pane → "Add" → Office.js → the appointment's Required attendees. It begins where a
//! person begins: signing in through the Office dialog and the identity platform's page.

use std::time::{Duration, Instant};

use crate::support::{Browser, spawn_demo, texts};
use fantoccini::Locator;

/// The acceptance bound for type-ahead results to show, from the last keystroke.
const RESULTS_WITHIN: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_ay_lists_matching_people_and_add_puts_one_in_required_attendees() {
    let demo = spawn_demo().await;
    let browser = Browser::start().await;
    let page = &browser.client;

    page.goto(demo.app_url.as_str())
        .await
        .expect("the demo host page loads");
    for field in [
        "subject",
        "requiredAttendees",
        "optionalAttendees",
        "start",
        "end",
        "location",
        "body",
    ] {
        page.find(Locator::Id(field))
            .await
            .unwrap_or_else(|_| panic!("the compose form shows {field}"));
    }

    browser.enter_pane().await;
    let listed = browser.sign_in().await;
    let signed_in_as = page
        .find(Locator::Css(".account-name"))
        .await
        .expect("the pane names who is signed in")
        .text()
        .await
        .expect("text");
    assert!(
        !signed_in_as.is_empty() && listed.starts_with(&signed_in_as),
        "signed in as `{signed_in_as}`, chosen `{listed}`"
    );
    let loaded = browser.loaded_resources().await;
    assert!(
        !loaded.iter().any(|url| url.contains("/pane/naa-")),
        "without nested app auth, MSAL's module is never loaded: {loaded:?}"
    );
    let search = page
        .find(Locator::Css("input[type=search]"))
        .await
        .expect("the search box");

    search.send_keys("ay").await.expect("typing");
    let typed = Instant::now();
    let rows = page
        .wait()
        .at_most(RESULTS_WITHIN)
        .for_element(Locator::Css("li.person"))
        .await
        .expect("matching people are listed within a second");
    let latency = typed.elapsed();
    eprintln!("type-ahead results shown {latency:?} after the keystroke");
    drop(rows);

    let names = texts(page, "li.person .person-name").await;
    let emails = texts(page, "li.person .email").await;
    assert!(!names.is_empty());
    assert_eq!(names.len(), emails.len());
    for name in &names {
        let words: Vec<String> = name.split_whitespace().map(|w| w.to_lowercase()).collect();
        assert!(
            words.iter().any(|w| w.starts_with("ay")),
            "{name} is listed for `ay` but no word of it starts with `ay`"
        );
    }
    // Exactly the people the directory holds for `ay`: a word of the display name, or the
    // address, starting with it; one page of 25 directory entries, disabled accounts left out.
    let expected: Vec<String> = demo
        .tenant
        .tenant
        .users
        .iter()
        .filter(|u| {
            u.display_name
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.to_lowercase().starts_with("ay"))
                || u.mail.as_deref().is_some_and(|m| m.starts_with("ay"))
                || u.user_principal_name.starts_with("ay")
        })
        .take(25)
        .filter(|u| u.account_enabled)
        .filter_map(|u| u.mail.clone())
        .collect();
    assert_eq!(
        emails, expected,
        "the pane lists exactly the matching people, in the directory's order"
    );
    for (name, email) in names.iter().zip(&emails) {
        let user = demo
            .tenant
            .tenant
            .users
            .iter()
            .find(|u| u.mail.as_ref() == Some(email));
        assert_eq!(
            user.map(|u| &u.display_name),
            Some(name),
            "{email} shows its own name"
        );
    }
    let rows = page
        .find_all(Locator::Css("li.person"))
        .await
        .expect("rows");
    assert!(
        rows.len() > 1,
        "the demo tenant has several people for `ay`"
    );
    for (row, email) in rows.iter().zip(&emails) {
        let is_guest = demo
            .tenant
            .tenant
            .users
            .iter()
            .any(|u| u.mail.as_ref() == Some(email) && u.user_type == "Guest");
        let badges = row.find_all(Locator::Css(".badge")).await.expect("badges");
        assert_eq!(
            badges.len(),
            usize::from(is_guest),
            "{email}: a guest badge exactly for guests"
        );
    }

    let first = page
        .find(Locator::Css("li.person button.add"))
        .await
        .expect("an Add button");
    first.click().await.expect("clicking Add");
    page.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("li.person button.add[disabled]"))
        .await
        .expect("the pane marks the person as added");

    page.enter_parent_frame()
        .await
        .expect("back to the compose window");
    let chips = page
        .find_all(Locator::Css("#requiredAttendees .chip"))
        .await
        .expect("required attendees");
    assert_eq!(
        chips.len(),
        1,
        "exactly the chosen person is in Required attendees"
    );
    let chip_email = chips[0]
        .attr("data-email")
        .await
        .expect("attr")
        .expect("the chip's address");
    assert_eq!(chip_email, emails[0]);
    let chip_text = chips[0].text().await.expect("chip text");
    assert!(
        chip_text.contains(&names[0]),
        "{chip_text} shows {}",
        names[0]
    );
    let optional = page
        .find_all(Locator::Css("#optionalAttendees .chip"))
        .await
        .expect("optional attendees");
    assert!(optional.is_empty(), "nothing lands in Optional attendees");

    let shot = browser.screenshot("slice").await;
    eprintln!("screenshot: {}", shot.display());
    browser
        .client
        .clone()
        .close()
        .await
        .expect("the browser closes");
}

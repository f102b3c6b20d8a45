//! The first vertical slice, through every layer, in a real browser: the pane's search → the
//! server's `/api/people` → the Graph client → the emulator's `/v1.0/users?$search` → results in
//! the pane → "Add" → Office.js → the appointment's Required attendees. It begins where a
//! person begins: signing in through the Office dialog and the identity platform's page.

use std::time::{Duration, Instant};

use crate::support::SignedInPane;
use davet_emulator::{Tenant, User};
use fantoccini::Locator;

/// The people the directory lists for `ay`, as the pane must show them: a word of the display
/// name, the address or the sign-in name starting with it; one page of 25 directory entries,
/// disabled accounts left out.
fn directory_answer_for_ay(tenant: &Tenant) -> Vec<&User> {
    let starts = |text: &str| text.to_lowercase().starts_with("ay");
    tenant
        .users
        .iter()
        .filter(|u| {
            u.display_name
                .split(|c: char| !c.is_alphanumeric())
                .any(starts)
                || u.mail.as_deref().is_some_and(starts)
                || starts(&u.user_principal_name)
        })
        .take(25)
        .filter(|u| u.account_enabled && u.mail.is_some())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_ay_lists_matching_people_and_add_puts_one_in_required_attendees() {
    let pane = SignedInPane::open().await;
    let page = pane.page();
    let signed_in_as = pane.text_of(".account-name").await;
    assert!(
        !signed_in_as.is_empty() && pane.account.starts_with(&signed_in_as),
        "the pane names who signed in: `{signed_in_as}`, chosen `{}`",
        pane.account
    );
    let loaded = pane.loaded_resources().await;
    assert!(
        !loaded.iter().any(|url| url.contains("/pane/naa-")),
        "without nested app auth, MSAL's module is never loaded: {loaded:?}"
    );

    let typed = Instant::now();
    let listed = pane.search_people("ay").await;
    // Speed is the benchmarks' to judge; this is for the log.
    eprintln!(
        "type-ahead results shown {:?} after typing",
        typed.elapsed()
    );

    let expected = directory_answer_for_ay(pane.tenant());
    assert!(
        expected.len() > 1,
        "the demo tenant has several people for `ay`"
    );
    // More than a page match `ay`: the pane says the list is not all of them.
    assert!(
        pane.text_of(".more-matches").await.contains("type more"),
        "the list does not say it stops at a page"
    );
    let shown: Vec<(&str, &str)> = listed
        .iter()
        .map(|(name, email)| (name.as_str(), email.as_str()))
        .collect();
    let truth: Vec<(&str, &str)> = expected
        .iter()
        .map(|u| {
            (
                u.display_name.as_str(),
                u.mail.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        shown, truth,
        "exactly the matching people, each with their own name, in the directory's order"
    );
    let rows = page
        .find_all(Locator::Css("li.person"))
        .await
        .expect("rows");
    for (row, user) in rows.iter().zip(&expected) {
        let badges = row.find_all(Locator::Css(".badge")).await.expect("badges");
        assert_eq!(
            badges.len(),
            usize::from(user.user_type == "Guest"),
            "{}: a guest badge exactly for guests",
            user.display_name
        );
    }

    pane.click("li.person button.add").await;
    page.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("li.person button.add[disabled]"))
        .await
        .expect("the pane marks the person as added");

    let (name, email) = truth[0];
    assert_eq!(
        pane.required_attendees().await,
        [email.to_lowercase()].into(),
        "exactly the chosen person is in Required attendees"
    );
    page.enter_parent_frame()
        .await
        .expect("back to the compose window");
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
    let chip = page
        .find(Locator::Css("#requiredAttendees .chip"))
        .await
        .expect("the attendee's chip")
        .text()
        .await
        .expect("chip text");
    assert!(chip.contains(name), "{chip} shows {name}");
    let optional = page
        .find_all(Locator::Css("#optionalAttendees .chip"))
        .await
        .expect("optional attendees");
    assert!(optional.is_empty(), "nothing lands in Optional attendees");

    let shot = pane.screenshot("slice").await;
    eprintln!("screenshot: {}", shot.display());
    page.clone().close().await.expect("the browser closes");
}

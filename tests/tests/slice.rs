//! The first vertical slice, through every layer, in a real browser: the pane's search → the
//! server's `/api/people` → the Graph client → the emulator's `/v1.0/users?$search` → results in
//! the pane → "Add" → Office.js → the appointment's Required attendees.

mod support;

use std::time::{Duration, Instant};

use fantoccini::Locator;
use support::{Browser, spawn_demo};

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

    page.find(Locator::Id("pane"))
        .await
        .expect("the pane's iframe")
        .enter_frame()
        .await
        .expect("enter the pane");
    let search = page
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("input[type=search]"))
        .await
        .expect("the pane starts and shows its search box");

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
    // Every enabled person of the demo tenant with a name word starting with "ay" is a candidate;
    // the listed ones must all be real people of the tenant, with their real addresses.
    for (name, email) in names.iter().zip(&emails) {
        let user = demo
            .tenant
            .tenant
            .users
            .iter()
            .find(|u| u.mail.as_deref() == Some(email.as_str()))
            .unwrap_or_else(|| panic!("{email} is not in the demo tenant"));
        assert_eq!(&user.display_name, name);
        assert!(
            user.account_enabled,
            "{name} is disabled and must not be offered"
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

async fn texts(page: &fantoccini::Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for element in page.find_all(Locator::Css(css)).await.expect("elements") {
        out.push(element.text().await.expect("text"));
    }
    out
}

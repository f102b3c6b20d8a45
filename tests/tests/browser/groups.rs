//! Inviting a whole group from the pane: the group tab's search, the kind and people count,
//! "Who?" → the people as the server finds them, "Invite all" → every person in Required
//! attendees, once.

use std::collections::BTreeSet;
use std::time::Duration;

use davet_emulator::controls::Latency;
use davet_emulator::{Member, Tenant};
use fantoccini::Locator;

use crate::support::{Browser, SignedInPane, organiser, spawn_demo, texts};

pub(crate) const TEAM: &str = "Finans Ekibi";
const ALL_STAFF: &str = "Tüm Çalışanlar";

/// The team's people as the directory holds them: enabled, with a mailbox, not the organiser.
pub(crate) fn invitable(tenant: &Tenant, group: usize) -> BTreeSet<String> {
    let organiser = organiser(tenant);
    tenant
        .transitive_members(group)
        .into_iter()
        .filter_map(|m| match m {
            Member::User(u) if u != organiser && tenant.users[u].account_enabled => {
                tenant.users[u].mail.clone()
            }
            _ => None,
        })
        .map(|m| m.to_lowercase())
        .collect()
}

pub(crate) fn team(tenant: &Tenant) -> usize {
    tenant
        .groups
        .iter()
        .position(|g| g.display_name == TEAM)
        .expect("the team")
}

/// Signed in, on the Groups tab, with the team listed; answers its row's XPath.
async fn find_team(browser: &Browser) -> String {
    browser.sign_in().await;
    find_group(browser, "Finans", TEAM).await
}

/// On the Groups tab (signed in), searches `typed` until the group `name` is listed; answers
/// its row's XPath.
pub(crate) async fn find_group(browser: &Browser, typed: &str, name: &str) -> String {
    browser.click("button.tab-groups").await;
    // The view's module loads when the tab is first opened.
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("input.group-search"))
        .await
        .expect("the group search")
        .send_keys(typed)
        .await
        .expect("type");
    let row =
        format!("//li[contains(@class,'group')][.//span[@class='group-name' and text()='{name}']]");
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::XPath(&row))
        .await
        .unwrap_or_else(|_| panic!("{name} is listed"));
    row
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inviting_all_staff_adds_hundreds_in_calls_of_at_most_a_hundred() {
    let pane = SignedInPane::open().await;
    let tenant = pane.tenant();
    let all = tenant
        .groups
        .iter()
        .position(|g| g.display_name == ALL_STAFF)
        .expect("all staff");
    let expected = invitable(tenant, all);
    assert!(
        expected.len() > 200,
        "more than two calls' worth: {}",
        expected.len()
    );
    let row = find_group(&pane, "Tüm", ALL_STAFF).await;
    pane.click_in_row(&row, "add").await;
    assert_eq!(
        pane.text_of(".invited-count").await,
        expected.len().to_string()
    );
    assert_eq!(
        pane.required_attendees().await,
        expected,
        "every one of them, once (the shim refuses a call of more than 100)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inviting_a_team_puts_each_of_its_people_in_required_attendees() {
    let demo = spawn_demo().await;
    let browser = Browser::start().await;
    let page = &browser.client;
    browser.open_pane(&demo.app_url).await;
    let tenant = &demo.tenant.tenant;
    let team = team(tenant);
    let expected = invitable(tenant, team);

    let row = page
        .find(Locator::XPath(&find_team(&browser).await))
        .await
        .expect("the row");
    let people = row
        .find(Locator::Css(".group-people"))
        .await
        .expect("its count")
        .text()
        .await
        .expect("text");
    let in_team = tenant
        .transitive_members(team)
        .iter()
        .filter(|m| matches!(m, Member::User(_)))
        .count();
    assert_eq!(
        people,
        in_team.to_string(),
        "the people count is the directory's"
    );
    assert!(row.text().await.expect("text").contains("Team"));
    row.find(Locator::Css("button.add"))
        .await
        .expect("Invite all")
        .click()
        .await
        .expect("click");
    let added = browser.text_of(".invited-count").await;
    assert_eq!(added, expected.len().to_string());
    assert_eq!(
        browser.required_attendees().await,
        expected,
        "exactly the team's people, the organiser left out"
    );
    browser.screenshot("group").await;
    browser.client.clone().close().await.expect("closes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_shows_progress_then_the_people_and_adds_nobody_until_asked() {
    let demo = spawn_demo().await;
    let browser = Browser::start().await;
    let page = &browser.client;
    browser.open_pane(&demo.app_url).await;
    let tenant = &demo.tenant.tenant;
    let expected = invitable(tenant, team(tenant));
    let row = find_team(&browser).await;

    // A slow directory: the expansion takes long enough to watch it stream.
    demo.tenant.graph_controls.set_latency(Latency {
        fixed: Duration::from_millis(600),
        jitter: Duration::ZERO,
    });
    browser.click_in_row(&row, "show").await;
    page.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".working .progress-figures"))
        .await
        .expect("progress shows while the directory is read (the answer streams)");
    let shown = browser.text_of(".shown-count").await;
    // The receipt: what was read for this, and that none of it was kept.
    let receipt = browser.text_of(".receipt").await;
    assert!(
        receipt.starts_with(&format!("Read for this: {TEAM} · "))
            && receipt.ends_with("Davet kept none of it."),
        "{receipt}"
    );
    let pages: u32 = browser
        .text_of(".receipt-pages")
        .await
        .parse()
        .expect("a count");
    assert!(pages >= 1);
    assert_eq!(shown, expected.len().to_string());
    let listed: BTreeSet<String> = texts(page, ".invitees .email")
        .await
        .into_iter()
        .map(|e| e.to_lowercase())
        .collect();
    assert_eq!(listed, expected, "the list is the team's people");
    assert!(
        browser.required_attendees().await.is_empty(),
        "looking adds nobody"
    );

    // The preview opened under the row clicked, with no second "Invite all" of its own.
    let in_row = |css: &str| format!("{row}//*[contains(@class,'{css}')]");
    assert!(
        page.find(Locator::XPath(&in_row("shown-count")))
            .await
            .is_ok()
    );
    assert_eq!(
        page.find_all(Locator::XPath(&format!(
            "{row}//button[contains(@class,'add')]"
        )))
        .await
        .expect("buttons")
        .len(),
        1,
        "one Invite all for the group"
    );
    // "Who?" again closes it, as does its close button after it opens again.
    let who = page
        .find(Locator::XPath(&format!(
            "{row}//button[contains(@class,'show')]"
        )))
        .await
        .expect("Who?");
    assert_eq!(
        who.attr("aria-expanded").await.expect("attr"),
        Some("true".into())
    );
    who.click().await.expect("click");
    assert!(
        page.find(Locator::Css(".shown-count")).await.is_err(),
        "closed"
    );
    assert_eq!(
        who.attr("aria-expanded").await.expect("attr"),
        Some("false".into())
    );
    who.click().await.expect("click");
    browser.click(".preview-head .close").await;
    assert!(
        page.find(Locator::Css(".shown-count")).await.is_err(),
        "closed"
    );

    browser.click_in_row(&row, "add").await;
    assert_eq!(
        browser.text_of(".invited-count").await,
        expected.len().to_string()
    );
    assert_eq!(browser.required_attendees().await, expected);
    browser.client.clone().close().await.expect("closes");
}

/// The Groups and Contacts views are modules of their own (the pane's split build): the first
/// load fetches neither (only, after first paint, the appointment's meeting section);
/// opening Groups fetches its module and what it shares with Contacts, opening Contacts then
/// fetches no other view's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_groups_and_contacts_views_load_only_when_first_opened() {
    let pane = SignedInPane::open().await;
    let lazy = |loaded: Vec<String>| -> Vec<String> {
        loaded
            .into_iter()
            .filter_map(|url| {
                let name = url.rsplit('/').next()?.to_owned();
                name.starts_with("lazy-")
                    .then(|| name.split('-').nth(1).unwrap_or("").to_owned())
            })
            .collect()
    };
    pane.page()
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("section.meeting"))
        .await
        .expect("the meeting section, after first paint");
    let first = lazy(pane.loaded_resources().await);
    assert!(
        first.iter().any(|n| n == "appointment_meeting_view"),
        "{first:?}"
    );
    assert!(
        !first
            .iter()
            .any(|n| n == "groups_view" || n == "contacts_view" || n == "message_meeting_view"),
        "a view module in the first load: {first:?}"
    );
    find_group(&pane, "Finans", TEAM).await;
    let after_groups = lazy(pane.loaded_resources().await);
    assert!(
        after_groups.iter().any(|n| n == "groups_view"),
        "{after_groups:?}"
    );
    assert!(
        !after_groups.iter().any(|n| n == "contacts_view"),
        "{after_groups:?}"
    );
    pane.click("button.tab-contacts").await;
    pane.page()
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("select"))
        .await
        .expect("the contacts view");
    let after_contacts = lazy(pane.loaded_resources().await);
    assert!(
        after_contacts.iter().any(|n| n == "contacts_view"),
        "{after_contacts:?}"
    );
    let views: Vec<_> = after_contacts
        .iter()
        .filter(|n| !after_groups.contains(n) && n.ends_with("_view"))
        .collect();
    assert_eq!(
        views,
        ["contacts_view"],
        "Contacts needed only its own view (and chunks it shares): {after_contacts:?}"
    );
}

/// "Invite all" twice (or after the pane reloads): nobody is added a second time, and the pane
/// says how many were invited already.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inviting_a_team_twice_adds_nobody_twice_and_says_who_was_there() {
    let pane = SignedInPane::open().await;
    let expected = invitable(pane.tenant(), team(pane.tenant()));
    let row = find_group(&pane, "Finans", TEAM).await;
    let invite_all = format!("{row}//button[contains(@class,'add')]");
    for _ in 0..2 {
        pane.page()
            .find(Locator::XPath(&invite_all))
            .await
            .expect("Invite all")
            .click()
            .await
            .expect("click");
        pane.page()
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(".invited-count"))
            .await
            .expect("the outcome");
    }
    pane.wait_for_text(".invited-count", "0").await;
    assert_eq!(
        pane.text_of(".already-count").await,
        expected.len().to_string(),
        "everyone was there already"
    );
    // Each address once (the helper fails on a second chip for one address).
    assert_eq!(pane.required_attendees().await, expected);
}

#[tokio::test]
async fn a_view_whose_module_cannot_be_fetched_says_so_and_loads_when_tried_again() {
    let pane = SignedInPane::open().await;
    // The network drops for the Groups view's module only.
    pane.page()
        .execute(
            "const real = window.fetch; window.__offline = true; \
             window.fetch = function (url, ...rest) { \
               if (window.__offline && String(url).includes('lazy-groups_view')) \
                 return Promise.reject(new TypeError('Failed to fetch')); \
               return real.call(this, url, ...rest); };",
            vec![],
        )
        .await
        .expect("the script runs");
    pane.click("button.tab-groups").await;
    assert_eq!(
        pane.text_of(".not-loaded").await,
        "This part of Davet did not load; check the connection, then try again. Try again"
    );
    // The pane lives on: the People tab still searches.
    pane.click("button.tab-people").await;
    pane.text_of("input[type=search]").await;
    pane.click("button.tab-groups").await;
    pane.text_of(".not-loaded").await;
    // The network is back: Try again fetches the module afresh.
    pane.page()
        .execute("window.__offline = false;", vec![])
        .await
        .expect("the script runs");
    pane.click(".not-loaded button").await;
    pane.page()
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("input.group-search"))
        .await
        .expect("the Groups view, once its module arrived");
    pane.browser.client.clone().close().await.expect("closes");
}

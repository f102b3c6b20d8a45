//! Inviting a whole group from the pane: the group tab's search, the kind and people count,
//! "Invite all" → the server's expansion → every person in Required attendees, once.

use std::collections::BTreeSet;
use std::time::Duration;

use davet_emulator::Member;
use fantoccini::Locator;

use crate::support::{Browser, spawn_demo};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inviting_a_team_puts_each_of_its_people_in_required_attendees() {
    let demo = spawn_demo().await;
    let browser = Browser::start().await;
    let page = &browser.client;
    browser.open_pane(&demo.app_url).await;
    browser.sign_in().await;
    let tenant = &demo.tenant.tenant;
    // The sign-in page lists enabled members first; the first is who signed in.
    let organiser = tenant
        .users
        .iter()
        .position(|u| u.account_enabled && u.user_type == "Member")
        .expect("a member");
    let team = tenant
        .groups
        .iter()
        .position(|g| g.display_name == "Finans Ekibi")
        .expect("the team");
    let expected: BTreeSet<String> = tenant
        .transitive_members(team)
        .into_iter()
        .filter_map(|m| match m {
            Member::User(u) if u != organiser && tenant.users[u].account_enabled => {
                tenant.users[u].mail.clone()
            }
            _ => None,
        })
        .map(|m| m.to_lowercase())
        .collect();

    page.find(Locator::Css("button.tab-groups"))
        .await
        .expect("the groups tab")
        .click()
        .await
        .expect("open it");
    page.find(Locator::Css("input.group-search"))
        .await
        .expect("the group search")
        .send_keys("Finans")
        .await
        .expect("type");
    let row = page
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::XPath(
            "//li[contains(@class,'group')][.//span[@class='group-name' and text()='Finans Ekibi']]",
        ))
        .await
        .expect("the team is listed");
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
    let done = page
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".invited-count"))
        .await
        .expect("the pane says how many were added");
    assert_eq!(done.text().await.expect("text"), expected.len().to_string());

    page.enter_parent_frame().await.expect("the compose window");
    let mut chips = BTreeSet::new();
    for chip in page
        .find_all(Locator::Css("#requiredAttendees .chip"))
        .await
        .expect("chips")
    {
        let email = chip
            .attr("data-email")
            .await
            .expect("attr")
            .expect("address");
        assert!(chips.insert(email.to_lowercase()), "{email} twice");
    }
    assert_eq!(
        chips, expected,
        "exactly the team's people, the organiser left out"
    );
    browser.screenshot("group").await;
    browser.client.clone().close().await.expect("closes");
}

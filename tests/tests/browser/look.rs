//! How the pane looks and whether everyone can use it: Fluent's light and dark themes following
//! Office's, English and Turkish, 320 px wide without horizontal scrolling, and axe-core finding
//! nothing serious or critical in any main state. Screenshots of each state go to `target/e2e/`.

use std::time::Duration;

use fantoccini::Locator;

use crate::support::{Browser, SignedInPane, spawn_demo};

/// One main state: axe-core's serious and critical findings and any horizontal scrolling go
/// into `problems`; a screenshot is saved.
async fn look_at(browser: &Browser, state: &str, problems: &mut Vec<String>) {
    for finding in browser.accessibility_violations().await {
        problems.push(format!("{state}: {finding}"));
    }
    let scrolls = browser
        .client
        .execute(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .expect("the pane's width");
    if scrolls == serde_json::json!(true) {
        problems.push(format!("{state}: scrolls sideways at 320 px"));
    }
    // Names, counts and explanations wrap rather than being cut off (an address may be cut,
    // with its ellipsis).
    let cut = browser
        .client
        .execute(
            "return Array.from(document.querySelectorAll('.detail, .left-out, .receipt, .group-name, .person-name, .notice, .notice-ok, .error')) \
               .filter((e) => { const style = getComputedStyle(e); \
                 return style.textOverflow === 'ellipsis' || (style.whiteSpace === 'nowrap' && style.overflowX === 'hidden'); }) \
               .map((e) => e.className + ': ' + e.textContent);",
            vec![],
        )
        .await
        .expect("the texts' widths");
    for text in cut.as_array().into_iter().flatten() {
        problems.push(format!("{state}: cut off at 320 px: {text}"));
    }
    browser.screenshot(state).await;
}

async fn every_main_state(theme: &str, lang: &str) {
    let demo = spawn_demo().await;
    let browser = Browser::start().await;
    let mut url = demo.app_url.clone();
    url.query_pairs_mut()
        .append_pair("theme", theme)
        .append_pair("lang", lang);
    browser.open_pane(&url).await;
    // Outlook's narrowest task pane.
    browser.client.enter_parent_frame().await.expect("compose");
    browser
        .client
        .execute(
            "document.querySelector('.taskpane').style.width = '320px';",
            vec![],
        )
        .await
        .expect("narrowed");
    browser.enter_pane().await;
    let painted = browser
        .client
        .execute(
            "return [document.documentElement.dataset.theme || '', getComputedStyle(document.body).backgroundColor];",
            vec![],
        )
        .await
        .expect("the theme");
    let dark = theme == "dark";
    let expected_background = if dark {
        "rgb(41, 41, 41)"
    } else {
        "rgb(255, 255, 255)"
    };
    assert_eq!(
        painted,
        serde_json::json!([theme, expected_background]),
        "the pane follows Office's theme"
    );

    let name = |state: &str| format!("{state}-{theme}-{lang}");
    let mut problems = Vec::new();
    look_at(&browser, &name("sign-in"), &mut problems).await;
    let account = browser.sign_in().await;
    let pane = SignedInPane {
        demo,
        browser,
        account,
    };
    pane.search_people("ay").await;
    look_at(&pane, &name("people"), &mut problems).await;

    let row = crate::groups::find_group(&pane, "Finans", crate::groups::TEAM).await;
    pane.click_in_row(&row, "show").await;
    pane.page()
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".shown-count"))
        .await
        .expect("who is in the team");
    look_at(&pane, &name("who"), &mut problems).await;

    pane.connect_webex().await;
    pane.in_compose_window(
        "const c = window.davetCompose; c.item.subject = 'Erişilebilirlik'; \
         c.item.start = new Date(Date.now() + 86400000); \
         c.item.end = new Date(Date.now() + 86400000 + 3600000); c.changed();",
        vec![],
    )
    .await;
    pane.click(".add-meeting").await;
    pane.page()
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("form.options"))
        .await
        .expect("the options");
    look_at(&pane, &name("options"), &mut problems).await;
    pane.click(".confirm-meeting").await;
    pane.text_of(".meeting-number").await;
    look_at(&pane, &name("meeting"), &mut problems).await;

    assert!(problems.is_empty(), "{}", problems.join("\n"));
    pane.browser.client.clone().close().await.expect("closes");
}

#[tokio::test]
async fn in_light_and_english_every_main_state_is_accessible_at_320_px() {
    every_main_state("light", "en-US").await;
}

#[tokio::test]
async fn in_dark_and_turkish_every_main_state_is_accessible_at_320_px() {
    every_main_state("dark", "tr-TR").await;
}

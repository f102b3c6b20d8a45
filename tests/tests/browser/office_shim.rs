//! The demo's Office.js shim keeps Office's rules, so the pane meets them in tests as in Outlook:
//! at most 100 recipients a call, 255-character subject and location, HTML bodies rewritten.
//! And the pane's page says plainly when the webview cannot run WebAssembly.

use std::time::Duration;

use crate::support::{Browser, spawn_demo};
use fantoccini::Locator;
use serde_json::{Value, json};

/// Runs `body` (which ends by calling `done(value)`) inside the pane's frame.
async fn in_pane(browser: &Browser, body: &str) -> Value {
    let script = format!("const done = arguments[arguments.length - 1]; {body}");
    browser
        .client
        .execute_async(&script, vec![])
        .await
        .expect("the script runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shim_keeps_offices_limits_and_writes_into_the_compose_form() {
    let demo = spawn_demo().await;
    let browser = Browser::start().await;
    browser.open_pane(&demo.app_url).await;

    let too_many = in_pane(
        &browser,
        r#"const r = Array.from({length: 101}, (_, i) => ({displayName: "P" + i, emailAddress: "p" + i + "@ornek.example"}));
           Office.context.mailbox.item.requiredAttendees.addAsync(r, (res) => done({status: res.status, name: res.error && res.error.name}));"#,
    )
    .await;
    assert_eq!(
        too_many,
        json!({"status": "failed", "name": "NumberOfRecipientsExceeded"})
    );

    let hundred = in_pane(
        &browser,
        r#"const r = Array.from({length: 100}, (_, i) => ({displayName: "P" + i, emailAddress: "p" + i + "@ornek.example"}));
           const item = Office.context.mailbox.item;
           item.requiredAttendees.addAsync(r, (res) => item.requiredAttendees.getAsync((all) => done({status: res.status, count: all.value.length})));"#,
    )
    .await;
    assert_eq!(hundred, json!({"status": "succeeded", "count": 100}));

    let subject = in_pane(
        &browser,
        r#"const item = Office.context.mailbox.item;
           item.subject.setAsync("x".repeat(256), (long) => item.subject.setAsync("Bütçe toplantısı", (ok) => done([long.status, long.error && long.error.name, ok.status])));"#,
    )
    .await;
    assert_eq!(
        subject,
        json!(["failed", "DataExceedsMaximumSize", "succeeded"])
    );

    let body = in_pane(
        &browser,
        r#"const item = Office.context.mailbox.item;
           item.body.setAsync('<p style="color:red" onclick="x()">Join <b>Webex</b></p><script>alert(1)</script>', {coercionType: "html"},
             () => item.body.getAsync("html", (res) => done(res.value)));"#,
    )
    .await;
    assert_eq!(body, json!("<p>Join <b>Webex</b></p>"));

    let start = in_pane(
        &browser,
        r#"const item = Office.context.mailbox.item;
           item.start.setAsync(new Date(Date.UTC(2026, 11, 1, 9, 30)), () => item.start.getAsync((res) => done(res.value.toISOString())));"#,
    )
    .await;
    assert_eq!(start, json!("2026-12-01T09:30:00.000Z"));

    let sets = in_pane(
        &browser,
        r#"const r = Office.context.requirements; done([r.isSetSupported("Mailbox", "1.8"), r.isSetSupported("Mailbox", "1.99"), r.isSetSupported("NestedAppAuth", "1.1")]);"#,
    )
    .await;
    assert_eq!(sets, json!([true, false, false]));

    // What the pane's Office wrote shows in the compose form at once.
    let page = &browser.client;
    page.enter_parent_frame()
        .await
        .expect("back to the compose window");
    let chips = page
        .find_all(Locator::Css("#requiredAttendees .chip"))
        .await
        .expect("chips");
    assert_eq!(chips.len(), 100);
    let subject_value = page
        .find(Locator::Id("subject"))
        .await
        .expect("subject")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(subject_value.as_deref(), Some("Bütçe toplantısı"));
    let body_html = page
        .find(Locator::Id("body"))
        .await
        .expect("body")
        .html(true)
        .await
        .expect("html");
    assert_eq!(body_html, "<p>Join <b>Webex</b></p>");
    browser.client.clone().close().await.expect("closes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_webassembly_the_pane_says_so_in_english_and_turkish() {
    let demo = spawn_demo().await;
    // No WebAssembly global: what an old Outlook webview (IE11, early EdgeHTML) offers.
    let browser = Browser::start().await;
    browser
        .before_page_scripts("delete window.WebAssembly;")
        .await;
    let page = &browser.client;
    page.goto(
        demo.app_url
            .join("pane/taskpane.html")
            .expect("url")
            .as_str(),
    )
    .await
    .expect("the pane page loads");
    let note = page
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#unsupported:not([hidden])"))
        .await
        .expect("the unsupported message shows");
    let text = note.text().await.expect("text");
    assert!(text.contains("WebAssembly"), "{text}");
    assert!(
        text.contains("Outlook'u"),
        "the Turkish text is there: {text}"
    );
    let app = page
        .find(Locator::Id("app"))
        .await
        .expect("#app")
        .html(true)
        .await
        .expect("html");
    assert!(app.trim().is_empty(), "the pane did not start: {app}");
    browser.screenshot("no-webassembly").await;
    browser.client.clone().close().await.expect("closes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pane_speaks_turkish_when_office_does() {
    let demo = spawn_demo().await;
    let browser = Browser::start().await;
    let page = &browser.client;
    page.goto(demo.app_url.as_str()).await.expect("loads");
    page.find(Locator::Css("#display-language option[value='tr-TR']"))
        .await
        .expect("the Türkçe option")
        .click()
        .await
        .expect("choose Türkçe");
    page.find(Locator::Id("pane"))
        .await
        .expect("iframe")
        .enter_frame()
        .await
        .expect("enter");
    let heading = page
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("main.pane[lang=tr] h1"))
        .await
        .expect("the pane restarts in Turkish");
    assert_eq!(heading.text().await.expect("text"), "Kişileri davet et");
    let sign_in = page
        .find(Locator::Css(".sign-in button.primary"))
        .await
        .expect("the sign-in button");
    assert_eq!(sign_in.text().await.expect("text"), "Oturum aç");
    browser.sign_in().await;
    let search = page
        .find(Locator::Css("input[type=search]"))
        .await
        .expect("search");
    assert_eq!(
        search.attr("placeholder").await.expect("attr").as_deref(),
        Some("Ad veya e-posta adresi")
    );
    search.send_keys("a").await.expect("type");
    let hint = page
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(".hint"))
        .await
        .expect("a hint");
    assert_eq!(hint.text().await.expect("text"), "En az iki harf yazın.");
    browser.client.clone().close().await.expect("closes");
}

/// The join block Davet writes, through the shim's rewriting as Outlook rewrites a body (ids
/// and classes with `x_`, comments and unknown elements gone), is still found by its marker:
/// applied again it is replaced, not repeated, and removing the meeting removes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_join_block_survives_outlooks_rewriting_of_the_body() {
    use davet::domain::join_block::{JoinBlock, remove_from};
    use davet::domain::webex::{CallIn, WebexMeeting};

    let demo = spawn_demo().await;
    let browser = Browser::start().await;
    browser.open_pane(&demo.app_url).await;
    let meeting = WebexMeeting {
        id: "870f51ff287b41be84648412901e0402".into(),
        meeting_number: "2512345678".into(),
        title: "Haftalık ekip".into(),
        password: "Bg&Jep@43".into(),
        web_link: "https://ornek.webex.com/ornek/j.php?MTID=m870f".into(),
        sip_address: Some("2512345678@ornek.webex.com".into()),
        site_url: "ornek.webex.com".into(),
        host_email: "ayse.kaya@ornek.example".into(),
        start: chrono::Utc::now(),
        end: chrono::Utc::now(),
        timezone: "Europe/Istanbul".into(),
        recurrence: None,
        access_code: Some("2512345678".into()),
        call_in: vec![CallIn {
            label: "Türkiye".into(),
            number: "+90-212-900-1234".into(),
            toll_free: false,
        }],
        integration_tags: vec![],
    };
    let block = JoinBlock::new(&meeting, davet_api::Lang::Tr);
    let written =
        block.apply_to("<p>Gündem: bütçe</p><!-- a note --><custom-tag>kept text</custom-tag>");
    let script = format!(
        r#"const item = Office.context.mailbox.item;
           item.body.setAsync({}, {{coercionType: "html"}}, () => item.body.getAsync("html", (res) => done(res.value)));"#,
        serde_json::to_string(&written).expect("json")
    );
    let rewritten = in_pane(&browser, &script)
        .await
        .as_str()
        .expect("the body")
        .to_owned();
    assert!(
        rewritten.contains("id=\"x_davet-webex-begin-"),
        "Outlook's rewriting: {rewritten}"
    );
    assert_eq!(
        davet::domain::join_block::meeting_in(&rewritten).as_deref(),
        Some(meeting.id.as_str()),
        "the marker still names the meeting"
    );
    assert!(!rewritten.contains("<!--") && !rewritten.contains("custom-tag"));
    assert!(rewritten.contains("kept text"));

    let again = block.apply_to(&rewritten);
    assert_eq!(
        again.matches("Webex toplantısına katılın").count(),
        1,
        "{again}"
    );
    assert!(again.contains("Gündem: bütçe"));
    let removed = remove_from(&rewritten);
    assert!(!removed.contains("Webex"), "{removed}");
    assert!(removed.contains("Gündem: bütçe") && removed.contains("kept text"));
    browser.client.clone().close().await.expect("closes");
}

//! The appointment's Webex meeting from the pane: the options, the join block and the location
//! written into the item, the meeting shown again when the pane reopens, moved with the
//! appointment, removed — and Webex holding exactly one meeting all along.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use fantoccini::Locator;
use serde_json::{Value, json};

use davet_emulator::controls::{Fault, FaultRule};

use crate::support::SignedInPane;

/// The compose window's item as Outlook would hold it: subject, times, location, body, and
/// what Davet keeps on it.
async fn item(pane: &SignedInPane) -> Value {
    pane.in_compose_window(
        "const i = window.davetCompose.item; return { subject: i.subject, start: i.start.toISOString(), \
         location: i.location, body: i.body, shown: document.getElementById('body').innerHTML, \
         kept: i.customProperties };",
        vec![],
    )
    .await
}

/// Tomorrow at 07:00 UTC, an hour long: a title and a time typed into the compose window.
async fn compose_tomorrow(pane: &SignedInPane, subject: &str) -> DateTime<Utc> {
    let start = (Utc::now() + TimeDelta::days(1))
        .date_naive()
        .and_hms_opt(7, 0, 0)
        .expect("a time")
        .and_utc();
    pane.in_compose_window(
        "const c = window.davetCompose; c.item.subject = arguments[0]; \
         c.item.start = new Date(arguments[1]); c.item.end = new Date(arguments[2]); c.changed();",
        vec![
            json!(subject),
            json!(start.to_rfc3339()),
            json!((start + TimeDelta::hours(1)).to_rfc3339()),
        ],
    )
    .await;
    start
}

fn blocks_in(body: &str) -> usize {
    body.matches("davet-webex-begin-").count()
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen within ten seconds");
}

/// The organiser's whole journey in an appointment, in one theme and language: connect Webex,
/// invite a team (Who? counts the directory's truth), add the meeting, add it again, move it,
/// make it weekly, remove it.
async fn journey(theme: &str, lang: &str) {
    let turkish = lang.starts_with("tr");
    let say = |en: &'static str, tr: &'static str| if turkish { tr } else { en };
    let shot = |state: &str| format!("journey-{state}-{theme}-{lang}");
    let pane = SignedInPane::open_with(&[("theme", theme), ("lang", lang)]).await;
    pane.connect_webex().await;
    let start = compose_tomorrow(&pane, "Bütçe gözden geçirme").await;
    let webex = &pane.demo.webex;

    // A team, nested groups and all: Who? counts the directory's truth; Invite all adds them.
    let tenant = pane.tenant();
    let expected = crate::groups::invitable(tenant, crate::groups::team(tenant));
    let row = crate::groups::find_group(&pane, "Finans", crate::groups::TEAM).await;
    pane.click_in_row(&row, "show").await;
    assert_eq!(
        pane.text_of(".shown-count").await,
        expected.len().to_string()
    );
    pane.click_in_row(&row, "add").await;
    pane.text_of(".invited-count").await;
    assert_eq!(pane.required_attendees().await, expected);

    // The options: a password Webex would refuse is named beside the field, before any call.
    pane.click(".add-meeting").await;
    let password = pane
        .page()
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("form.options input.password"))
        .await
        .expect("the options panel");
    // What will be scheduled, in the organiser's zone (the tests' browser runs in UTC).
    assert_eq!(
        pane.text_of(".item-summary strong").await,
        "Bütçe gözden geçirme"
    );
    let when = pane.text_of(".item-when").await;
    assert!(when.contains("7:00") && when.contains("8:00"), "{when}");
    password.send_keys("kisa").await.expect("typing");
    pane.click(".confirm-meeting").await;
    assert_eq!(
        pane.text_of(".field-error").await,
        say(
            "8 to 32 characters without spaces, with upper and lower case letters and a digit.",
            "Boşluksuz 8 ila 32 karakter; büyük ve küçük harf ile bir rakam içermeli."
        )
    );
    assert!(webex.meetings().is_empty(), "nothing asked of Webex");
    pane.screenshot(&shot("options-password-refused")).await;
    password.clear().await.expect("clearing");
    password.send_keys("Butce2026x").await.expect("typing");
    pane.page()
        .find(Locator::Css("select.join-before-host option:nth-child(3)"))
        .await
        .expect("5 minutes early")
        .click()
        .await
        .expect("choose it");
    pane.click(".confirm-meeting").await;

    let number = pane.text_of(".meeting-number").await;
    pane.screenshot(&shot("meeting-added")).await;
    let held = webex.meetings();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].meeting_number, number);
    assert_eq!(held[0].title, "Bütçe gözden geçirme");
    assert_eq!(held[0].start, start);
    assert_eq!(held[0].password, "Butce2026x");
    assert_eq!(
        held[0].options.get("joinBeforeHostMinutes"),
        Some(&json!(5))
    );
    let link = pane.text_of(".join-link").await;
    let written = item(&pane).await;
    assert_eq!(written["location"], json!(link));
    let body = written["body"].as_str().expect("a body");
    assert_eq!(blocks_in(body), 1, "{body}");
    // The join block speaks the organiser's language.
    assert!(
        body.contains(say("Join the Webex meeting", "Webex toplantısına katılın"))
            && body.contains(&number),
        "{body}"
    );
    assert_eq!(
        pane.required_attendees().await,
        expected,
        "attendees untouched"
    );
    assert!(
        written["shown"]
            .as_str()
            .is_some_and(|shown| shown.contains(&number)),
        "the compose window shows the body"
    );
    let kept = written["kept"]["davetMeeting"].as_str().expect("kept");
    assert!(!kept.contains("Butce2026x"), "never the password: {kept}");

    // Reopened on the item, the pane shows its meeting; saving again changes nothing twice.
    pane.in_compose_window(
        "document.getElementById('pane').contentWindow.location.reload();",
        vec![],
    )
    .await;
    assert_eq!(pane.text_of(".meeting-number").await, number);
    pane.click(".update-meeting").await;
    pane.click(".confirm-meeting").await;
    pane.wait_for_text(
        ".meeting-note",
        say(
            "The Webex meeting and the invitation were updated.",
            "Webex toplantısı ve davet güncellendi.",
        ),
    )
    .await;
    assert_eq!(webex.meetings().len(), 1);
    let again = item(&pane).await;
    assert_eq!(blocks_in(again["body"].as_str().unwrap_or_default()), 1);
    assert_eq!(again["location"], json!(link));

    // The organiser moves the appointment two hours later: Webex follows, and the pane says so.
    let later = start + TimeDelta::hours(2);
    pane.in_compose_window(
        "const field = document.getElementById('start'); field.value = arguments[0]; \
         field.dispatchEvent(new Event('change'));",
        vec![json!(later.format("%Y-%m-%dT%H:%M").to_string())],
    )
    .await;
    wait_until("Webex moving the meeting", || {
        webex.meetings().first().is_some_and(|m| m.start == later)
    })
    .await;
    let moved = &webex.meetings()[0];
    assert_eq!(
        moved.end - moved.start,
        TimeDelta::hours(1),
        "the length kept"
    );
    let note = pane.text_of(".meeting-note").await;
    assert!(
        note.starts_with(say(
            "The Webex meeting follows the appointment's new time:",
            "Webex toplantısı randevunun yeni zamanına uyarlandı:"
        )),
        "{note}"
    );
    pane.screenshot(&shot("meeting-moved")).await;

    // Made weekly in the compose window: the Webex meeting becomes a weekly series.
    pane.in_compose_window(
        "const field = document.getElementById('repeat'); field.value = 'weekly'; \
         field.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await;
    wait_until("Webex repeating the meeting", || {
        webex.meetings().first().is_some_and(|m| {
            m.recurrence
                .as_deref()
                .is_some_and(|r| r.contains("FREQ=WEEKLY"))
        })
    })
    .await;
    assert_eq!(webex.meetings().len(), 1, "the same meeting, now a series");

    // Removed: gone from Webex, and the join block and the location out of the item.
    pane.click(".remove-meeting").await;
    pane.page()
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".add-meeting"))
        .await
        .expect("the pane offers to add a meeting again");
    assert!(webex.meetings().is_empty());
    let after = item(&pane).await;
    assert_eq!(blocks_in(after["body"].as_str().unwrap_or_default()), 0);
    assert_eq!(after["location"], json!(""));
    assert_eq!(after["kept"], json!({}));
    pane.browser.client.clone().close().await.expect("closes");
}

#[tokio::test]
async fn in_light_and_english_an_organiser_invites_a_team_adds_moves_repeats_and_removes_a_meeting()
{
    journey("light", "en-US").await;
}

#[tokio::test]
async fn in_dark_and_turkish_an_organiser_invites_a_team_adds_moves_repeats_and_removes_a_meeting()
{
    journey("dark", "tr-TR").await;
}

#[tokio::test]
async fn a_pane_that_failed_after_webex_made_the_meeting_retries_with_the_same_key() {
    let pane = SignedInPane::open().await;
    pane.connect_webex().await;
    compose_tomorrow(&pane, "Kurul toplantısı").await;
    let webex = &pane.demo.webex;

    // Outlook refuses to write the body once: Webex has the meeting, the item does not.
    pane.page()
        .execute(
            "const body = Office.context.mailbox.item.body; const real = body.setAsync; \
             body.setAsync = function (data, options, callback) { body.setAsync = real; \
             setTimeout(() => callback({ status: 'failed', error: { name: 'GenericResponseError', \
             message: 'refused' } }), 0); };",
            vec![],
        )
        .await
        .expect("the script runs");
    pane.click(".add-meeting").await;
    pane.click(".confirm-meeting").await;
    assert_eq!(
        pane.text_of(".meeting-error").await,
        "Outlook did not accept the change to the invitation."
    );
    assert_eq!(webex.meetings().len(), 1);
    let first = webex.meetings()[0].id.clone();

    // Tried again (the pane could as well have been closed and reopened): the key kept on the
    // item makes it the same meeting.
    pane.click(".add-meeting").await;
    pane.click(".confirm-meeting").await;
    let number = pane.text_of(".meeting-number").await;
    let held = webex.meetings();
    assert_eq!(held.len(), 1, "one meeting, not two");
    assert_eq!(held[0].id, first);
    assert_eq!(held[0].meeting_number, number);
    let written = item(&pane).await;
    assert_eq!(blocks_in(written["body"].as_str().unwrap_or_default()), 1);
    pane.browser.client.clone().close().await.expect("closes");
}

#[tokio::test]
async fn in_light_and_english_from_a_message_davet_writes_the_meeting_for_its_recipients_and_a_picked_group()
 {
    message_journey("light", "en-US").await;
}

#[tokio::test]
async fn in_dark_and_turkish_from_a_message_davet_writes_the_meeting_for_its_recipients_and_a_picked_group()
 {
    message_journey("dark", "tr-TR").await;
}

/// From a message, in one theme and language: To recipients and a picked team, the chip's
/// Who?, the meeting written whole by the server, the receipt, accessible throughout.
async fn message_journey(theme: &str, lang: &str) {
    let turkish = lang.starts_with("tr");
    let pane =
        SignedInPane::open_with(&[("item", "message"), ("theme", theme), ("lang", lang)]).await;
    assert_eq!(
        pane.page()
            .execute("return document.documentElement.dataset.theme;", vec![])
            .await
            .expect("the script runs"),
        json!(theme),
        "the pane follows the compose window's theme"
    );
    pane.connect_webex().await;
    let tenant = pane.tenant();
    let organiser = crate::support::organiser(tenant);
    // Two colleagues in To, as the organiser typed them.
    let colleagues: Vec<_> = tenant
        .users
        .iter()
        .enumerate()
        .filter(|(i, u)| *i != organiser && u.account_enabled && u.user_type == "Member")
        .filter_map(|(_, u)| u.mail.clone().map(|m| (u.display_name.clone(), m)))
        .take(2)
        .collect();
    pane.in_compose_window(
        "const c = window.davetCompose; c.item.subject = 'Çeyrek planlaması'; \
         c.item.to = arguments[0].map(([n, m]) => ({ displayName: n, emailAddress: m, recipientType: 'user' })); \
         c.changed();",
        vec![json!(colleagues)],
    )
    .await;
    pane.in_compose_window(
        "document.getElementById('pane').contentWindow.location.reload();",
        vec![],
    )
    .await;
    let subject = pane
        .page()
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("input.meeting-subject"))
        .await
        .expect("the message's meeting form");
    // The message's subject is the meeting's, once read.
    for _ in 0..50 {
        if subject.prop("value").await.ok().flatten().as_deref() == Some("Çeyrek planlaması") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // "Invite all" in a message makes the group one of the meeting's picks, shown as a chip.
    let row = crate::groups::find_group(&pane, "Finans", crate::groups::TEAM).await;
    let listed_people = pane
        .page()
        .find(Locator::XPath(&format!(
            "{row}//span[@class='group-people']"
        )))
        .await
        .expect("the team's count")
        .text()
        .await
        .expect("text");
    pane.click_in_row(&row, "add").await;
    assert_eq!(pane.text_of(".chips .chip-who").await, crate::groups::TEAM);
    assert_eq!(pane.text_of(".chips .chip-count").await, listed_people);
    // The chip's Who?: the people the server finds in it, without inviting anyone yet.
    let team = crate::groups::invitable(tenant, crate::groups::team(tenant));
    pane.click(".chips .chip-who").await;
    assert_eq!(pane.text_of(".shown-count").await, team.len().to_string());
    pane.click(".chips .chip-who").await;
    assert!(
        pane.in_compose_window("return window.davetCompose.item.to.length;", vec![])
            .await
            == json!(2),
        "the group's people are not written into To"
    );

    assert_eq!(
        pane.accessibility_violations().await,
        Vec::<String>::new(),
        "the message's meeting form"
    );
    pane.click(".schedule-message").await;
    pane.click(".confirm-meeting").await;
    let count: u32 = pane
        .text_of(".scheduled-count")
        .await
        .parse()
        .expect("a count");
    pane.screenshot(&format!("message-scheduled-{theme}-{lang}"))
        .await;
    assert_eq!(
        pane.accessibility_violations().await,
        Vec::<String>::new(),
        "the message scheduled"
    );
    let receipt = pane.text_of(".receipt").await;
    assert!(
        receipt.contains(crate::groups::TEAM)
            && receipt.ends_with(if turkish {
                "Davet bunların hiçbirini saklamadı."
            } else {
                "Davet kept none of it."
            }),
        "{receipt}"
    );

    let mut expected = crate::groups::invitable(tenant, crate::groups::team(tenant));
    expected.extend(colleagues.iter().map(|(_, m)| m.to_lowercase()));
    assert_eq!(count as usize, expected.len());
    let world = &pane.demo.tenant;
    let events: Vec<_> = world
        .calendars
        .events(&world.tenant, organiser)
        .into_iter()
        .filter(|e| e["transactionId"].is_string())
        .collect();
    assert_eq!(events.len(), 1, "one event");
    assert_eq!(events[0]["subject"], "Çeyrek planlaması");
    let invited: std::collections::BTreeSet<String> = events[0]["attendees"]
        .as_array()
        .expect("attendees")
        .iter()
        .filter_map(|a| a["emailAddress"]["address"].as_str())
        .map(str::to_lowercase)
        .collect();
    assert_eq!(invited, expected);
    assert_eq!(pane.demo.webex.meetings().len(), 1, "one Webex meeting");
    assert_eq!(
        pane.text_of(".schedule-message").await,
        if turkish {
            "Başka bir toplantı planla"
        } else {
            "Schedule another meeting"
        },
        "a second one would be a new meeting, and the button says so"
    );
    pane.browser.client.clone().close().await.expect("closes");
}

#[tokio::test]
async fn an_untitled_appointment_is_named_before_anything_is_asked_and_webex_is_not_called() {
    let pane = SignedInPane::open().await;
    pane.connect_webex().await;
    compose_tomorrow(&pane, "").await;
    pane.click(".add-meeting").await;
    assert_eq!(
        pane.text_of(".item-summary + .field-error").await,
        "Give the appointment a title in Outlook first."
    );
    pane.click(".confirm-meeting").await;
    // The server refuses it too, in its words, and Webex has nothing.
    let said = pane.text_of(".meeting-error").await;
    assert!(said.contains("subject"), "{said}");
    assert!(pane.demo.webex.meetings().is_empty());
    pane.browser.client.clone().close().await.expect("closes");
}

#[tokio::test]
async fn when_webex_throttles_past_the_servers_own_tries_the_pane_says_so_and_tries_again_by_itself()
 {
    let pane = SignedInPane::open().await;
    pane.connect_webex().await;
    compose_tomorrow(&pane, "Yıl sonu kapanışı").await;
    let webex = &pane.demo.webex;
    // As many throttled answers as the server tries (four), each asking for a second's pause:
    // the server gives up and says when to come back; the pane's own next try goes through.
    webex.controls.inject(FaultRule {
        path: "POST /v1/meetings".into(),
        fault: Fault::Throttle {
            retry_after_secs: 1,
        },
        times: 4,
    });
    pane.click(".add-meeting").await;
    pane.click(".confirm-meeting").await;
    let busy = pane.text_of(".busy").await;
    assert!(
        busy.starts_with("Webex is busy; Davet tries again by itself in ") && busy.ends_with(" s."),
        "{busy}"
    );
    pane.screenshot("throttled-retrying").await;
    let number = pane
        .page()
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".meeting-number"))
        .await
        .expect("the meeting is made on the pane's own next try")
        .text()
        .await
        .expect("text");
    assert!(
        pane.page()
            .find_all(Locator::Css(".busy"))
            .await
            .expect("finds")
            .is_empty(),
        "the notice goes once the call went through"
    );
    let held = webex.meetings();
    assert_eq!(held.len(), 1, "one meeting");
    assert_eq!(held[0].meeting_number, number);
    let creates: Vec<u16> = webex
        .controls
        .log()
        .into_iter()
        .filter(|r| r.method == "POST" && r.target.split('?').next() == Some("/v1/meetings"))
        .map(|r| r.status)
        .collect();
    assert_eq!(
        creates,
        [429, 429, 429, 429, 200],
        "four throttled tries by the server, then the pane's one"
    );
    pane.browser.client.clone().close().await.expect("closes");
}

//! Sign-in in a real browser, each way Outlook offers it (the Office dialog is in the slice):
//!
//! - Nested app authentication: where Outlook offers it, the pane loads MSAL.js (its own file,
//!   only then), MSAL asks the host's auth bridge for a token for Davet's API, and the server
//!   trades it for a session, with no click and no dialog. The host's bridge is played by a
//!   script speaking MSAL's bridge protocol, as Outlook does; the tokens are the emulated
//!   identity platform's.
//! - Without Office's dialog API (a plain browser), the same code flow in a popup.

use std::time::Duration;

use davet_emulator::identity::grants::{API_SCOPE, Grant};
use fantoccini::Locator;
use serde_json::json;

use crate::support::{Browser, spawn_demo};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_outlook_offers_nested_app_auth_the_pane_signs_in_by_itself() {
    let demo = spawn_demo().await;
    let world = &demo.tenant;
    let user = world
        .tenant
        .users
        .iter()
        .position(|u| u.account_enabled && u.user_type == "Member")
        .expect("a member");
    let person = &world.tenant.users[user];
    let issuer = format!("{}{}/v2.0", demo.login_url, world.tenant.id);
    let grant = Grant {
        user,
        scopes: vec![API_SCOPE.to_owned(), "openid".to_owned()],
        client_id: world.tenant.app.client_id.clone(),
    };
    let access = world.delegated_token(&issuer, &grant, true);
    let id = world.id_token(&issuer, &grant, None);
    let account = json!({
        "homeAccountId": format!("{}.{}", person.id, world.tenant.id),
        "environment": "login.microsoftonline.com",
        "tenantId": world.tenant.id,
        "username": person.user_principal_name,
        "localAccountId": person.id,
        "name": person.display_name,
        "idToken": id,
    });
    let bridge = format!(
        r#"(function () {{
  const listeners = [];
  window.__naaRequests = [];
  window.nestedAppAuthBridge = {{
    addEventListener(type, listener) {{ if (type === "message") listeners.push(listener); }},
    removeEventListener(type, listener) {{ const i = listeners.indexOf(listener); if (i >= 0) listeners.splice(i, 1); }},
    postMessage(text) {{
      const request = JSON.parse(text);
      window.__naaRequests.push(request);
      const response = {{ messageType: "NestedAppAuthResponse", requestId: request.requestId, success: true }};
      if (request.method === "GetInitContext") {{
        response.initContext = {{ sdkName: "davet-test-host", sdkVersion: "1.0.0", capabilities: {{}} }};
      }} else if (request.method === "GetToken" || request.method === "GetTokenPopup") {{
        response.token = {{ access_token: {access}, expires_in: 3599, id_token: {id}, properties: null, scope: request.tokenParams.scope }};
        response.account = {account};
      }} else {{
        response.success = false;
        response.error = {{ status: "NESTED_APP_AUTH_UNAVAILABLE", description: "not played by this host" }};
      }}
      setTimeout(() => listeners.forEach((listener) => listener(JSON.stringify(response))), 0);
    }},
  }};
}})();"#,
        access = json!(access),
        id = json!(id),
    );
    let browser = Browser::start().await;
    browser.before_page_scripts(&bridge).await;
    let page = &browser.client;
    browser.open_pane(&demo.app_url).await;
    page.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("input[type=search]"))
        .await
        .expect("signed in without a click");
    let name = page
        .find(Locator::Css(".account-name"))
        .await
        .expect("who is signed in")
        .text()
        .await
        .expect("text");
    assert_eq!(name, person.display_name);
    let windows = page.windows().await.expect("windows");
    assert_eq!(windows.len(), 1, "no dialog, no popup");

    let requests = page
        .execute("return window.__naaRequests;", vec![])
        .await
        .expect("the bridge's requests");
    let asked = requests
        .as_array()
        .expect("a list")
        .iter()
        .find(|r| r["method"] == "GetToken")
        .expect("MSAL asked the host for a token");
    let scope = format!(
        "api://{}/{}/{API_SCOPE}",
        demo.app_url.host_str().expect("host"),
        world.tenant.app.client_id
    );
    assert!(
        asked["tokenParams"]["scope"]
            .as_str()
            .is_some_and(|s| s.contains(&scope)),
        "{asked}"
    );
    assert_eq!(
        asked["tokenParams"]["clientId"],
        world.tenant.app.client_id.as_str()
    );
    let loaded = browser.loaded_resources().await;
    assert!(
        loaded.iter().any(|url| url.contains("/pane/naa-")),
        "MSAL's module is loaded here: {loaded:?}"
    );

    // The session works: a search answers.
    page.find(Locator::Css("input[type=search]"))
        .await
        .expect("search")
        .send_keys("ay")
        .await
        .expect("type");
    page.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("li.person"))
        .await
        .expect("results");
    browser.client.clone().close().await.expect("closes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_office_dialogs_the_pane_signs_in_through_a_popup() {
    let demo = spawn_demo().await;
    let browser = Browser::start().await;
    // A host without the dialog API: the shim's Office loses `context.ui` as it is defined.
    browser
        .before_page_scripts(
            r#"Object.defineProperty(window, "Office", { configurable: true,
                 get() { return this.__office; },
                 set(office) { if (office && office.context) delete office.context.ui; this.__office = office; } });"#,
        )
        .await;
    browser.open_pane(&demo.app_url).await;
    let listed = browser.sign_in().await;
    let name = browser
        .client
        .find(Locator::Css(".account-name"))
        .await
        .expect("who is signed in")
        .text()
        .await
        .expect("text");
    assert!(
        listed.starts_with(&name),
        "signed in as `{name}`, chose `{listed}`"
    );
    let dialogs = browser
        .client
        .execute("return typeof Office.context.ui;", vec![])
        .await
        .expect("ran");
    assert_eq!(dialogs, json!("undefined"), "this host has no dialog API");
    browser.client.clone().close().await.expect("closes");
}

/// The demo's sign-in page finds an account as the person types, in Turkish casing: a name
/// typed in capitals finds the person (and only those who match), who then signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_page_finds_an_account_as_you_type_with_turkish_casing() {
    let demo = spawn_demo().await;
    let browser = Browser::start().await;
    browser.open_pane(&demo.app_url).await;
    let members: Vec<_> = demo
        .tenant
        .tenant
        .users
        .iter()
        .filter(|u| u.account_enabled && u.user_type == "Member")
        .collect();
    // Someone whose name has a dotless or dotted i, typed in Turkish capitals.
    let surname_of = |name: &str| name.split_whitespace().last().unwrap_or("").to_owned();
    let person = members
        .iter()
        .skip(1)
        .find(|u| surname_of(&u.display_name).contains('ı'))
        .or_else(|| {
            members
                .iter()
                .skip(1)
                .find(|u| surname_of(&u.display_name).contains('i'))
        })
        .expect("a surname with an i");
    let surname = surname_of(&person.display_name);
    let typed: String = surname
        .chars()
        .map(|c| match c {
            'i' => "İ".to_owned(),
            'ı' => "I".to_owned(),
            c => c.to_uppercase().collect(),
        })
        .collect();
    let matching = members
        .iter()
        .filter(|u| {
            let low = |t: &str| t.replace('İ', "i").replace('I', "ı").to_lowercase();
            low(&format!("{} {}", u.display_name, u.user_principal_name)).contains(&low(&typed))
        })
        .count();

    let page = &browser.client;
    let pane_window = browser.open_dialog_with(".sign-in button.primary").await;
    page.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("input#find"))
        .await
        .expect("the page offers to find an account")
        .send_keys(&typed)
        .await
        .expect("typing");
    let shown = page
        .execute(
            "return Array.from(document.querySelectorAll('ul.accounts li')).filter((li) => !li.hidden).map((li) => li.textContent);",
            vec![],
        )
        .await
        .expect("the tiles shown");
    let shown: Vec<String> = serde_json::from_value(shown).expect("texts");
    browser.screenshot("sign-in-picker").await;
    assert_eq!(shown.len(), matching, "{typed}: {shown:?}");
    assert!(
        shown.iter().any(|t| t.starts_with(&person.display_name)),
        "{shown:?}"
    );
    let tile = format!(
        "//ul[@class='accounts']/li[not(@hidden)]//button[starts-with(normalize-space(.), '{}')]",
        person.display_name
    );
    page.find(Locator::XPath(&tile))
        .await
        .expect("their tile")
        .click()
        .await
        .expect("choose them");
    page.switch_to_window(pane_window).await.expect("back");
    browser.enter_pane().await;
    browser
        .wait_for_text(".account-name", &person.display_name)
        .await;
    browser.client.clone().close().await.expect("closes");
}

//! The admin's pages: consent for the organisation, and which feature uses which permission.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location, spawn_app};

/// `/admin/consent` → the platform's consent page → the admin's `decision` → our outcome page.
async fn consent(app: &TestApp, decision: &str) -> String {
    let start = app.get_anonymous("admin/consent").await;
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let platform = location(&start);
    assert!(platform.path().ends_with("/adminconsent"), "{platform}");
    let mut form: Vec<(String, String)> = platform.query_pairs().into_owned().collect();
    assert!(form.iter().any(
        |(k, v)| k == "redirect_uri" && v == "https://davet.contoso.example/admin/consent/done"
    ));
    form.push(("decision".into(), decision.into()));
    let answered = app
        .http
        .post(platform.as_str().split('?').next().expect("path"))
        .form(&form)
        .send()
        .await
        .expect("the platform answers");
    assert_eq!(answered.status(), StatusCode::FOUND);
    let back = location(&answered);
    app.get_anonymous(&format!(
        "admin/consent/done?{}&lang=en",
        back.query().unwrap_or_default()
    ))
    .await
    .text()
    .await
    .expect("html")
}

#[tokio::test]
async fn consent_sends_the_admin_to_the_platform_and_shows_what_came_of_it() {
    let app = spawn_app().await;
    let granted = consent(&app, "accept").await;
    assert!(granted.contains("<h1>Consent granted</h1>"), "{granted}");
    assert!(granted.contains(&app.emulator.world.tenant.id));
    assert!(granted.contains("Verified"), "{granted}");
    let declined = consent(&app, "cancel").await;
    assert!(
        declined.contains("<h1>Consent not granted</h1>"),
        "{declined}"
    );
    assert!(declined.contains("AADSTS65004"));
    let forged = app
        .get_anonymous("admin/consent/done?admin_consent=True&tenant=x&state=k.forged")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        forged.contains("Consent not granted"),
        "a forged answer is not believed"
    );
    // A state of ours, and an answer claiming consent for a tenant that never gave it: the
    // platform issues no token there, so the page does not say granted.
    let start = app.get_anonymous("admin/consent").await;
    let state = location(&start)
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    let claimed = app
        .get_anonymous(&format!(
            "admin/consent/done?admin_consent=True&tenant=0badc0de-0000-4000-8000-000000000001&state={state}&lang=en"
        ))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        claimed.contains("<h1>Consent not granted</h1>"),
        "{claimed}"
    );
    assert!(claimed.contains("could not be verified"), "{claimed}");
}

#[tokio::test]
async fn the_permissions_page_explains_each_permission_in_english_and_turkish() {
    let app = spawn_app().await;
    let english = app
        .http
        .get(app.url.join("admin/permissions").expect("url"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("answer");
    assert!(english.headers().contains_key("content-security-policy"));
    let english = english.text().await.expect("html");
    let turkish = app
        .get_anonymous("admin/permissions?lang=tr")
        .await
        .text()
        .await
        .expect("html");
    assert!(english.contains("<html lang=\"en\">") && english.contains("What Davet uses it for"));
    assert!(turkish.contains("<html lang=\"tr\">") && turkish.contains("Davet ne için kullanır"));
    for permission in [
        "offline_access",
        "User.Read.All",
        "Calendars.Read",
        "Contacts.Read",
        "Group.Read.All",
        "Directory.Read.All",
        "Calendars.ReadWrite",
    ] {
        for page in [&english, &turkish] {
            assert!(
                page.contains(&format!("<code>{permission}</code>")),
                "{permission}"
            );
        }
    }
}

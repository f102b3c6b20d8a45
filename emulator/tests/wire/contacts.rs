//! Personal contacts and contact folders, nested; the address filter; Outlook's errors.

use reqwest::StatusCode;
use serde_json::Value;

use crate::{Session, assert_graph_error, session, urlencode};

async fn json(s: &Session, url: &str) -> Value {
    let response = s.get(url, false).await;
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    response.json().await.expect("json")
}

fn names(body: &Value) -> Vec<String> {
    body["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|f| f["displayName"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn folders_nest_three_deep_and_each_holds_its_own_contacts() {
    let s = session().await;
    let tenant = &s.emulator.world.tenant;
    let owner = tenant
        .users
        .iter()
        .position(|u| u.user_type == "Member")
        .expect("a member");
    let user = &tenant.users[owner].id;
    let base = format!("{}/users/{user}", s.emulator.graph_url);
    let mailbox = tenant.mailbox(owner);

    let default: Value = json(&s, &format!("{base}/contacts")).await;
    let default = default["value"].as_array().expect("value");
    assert_eq!(default.len(), mailbox.contacts_in(&mailbox.root.id).len());
    assert!(
        default
            .iter()
            .all(|c| c["parentFolderId"] == mailbox.root.id.as_str())
    );

    let top = json(&s, &format!("{base}/contactFolders")).await;
    assert_eq!(names(&top), ["Müşteriler", "Aile"]);
    let mut folder = top["value"][0]["id"].as_str().expect("id").to_owned();
    for expected in ["Önemli Müşteriler", "Arşiv"] {
        let children = json(&s, &format!("{base}/contactFolders/{folder}/childFolders")).await;
        assert_eq!(names(&children), [expected]);
        folder = children["value"][0]["id"].as_str().expect("id").to_owned();
    }
    let deepest = json(&s, &format!("{base}/contactFolders/{folder}/contacts")).await;
    assert_eq!(deepest["value"].as_array().expect("value").len(), 1);
    let single = json(&s, &format!("{base}/contactFolders/{folder}")).await;
    assert_eq!(single["displayName"], "Arşiv");
}

#[tokio::test]
async fn outlook_pages_by_ten_and_filters_by_address() {
    let s = session().await;
    let tenant = &s.emulator.world.tenant;
    let owner = tenant
        .users
        .iter()
        .position(|u| u.user_type == "Member")
        .expect("a member");
    let mailbox = tenant.mailbox(owner);
    let base = format!("{}/users/{}", s.emulator.graph_url, tenant.users[owner].id);
    let paged = json(&s, &format!("{base}/contacts?$top=2")).await;
    assert_eq!(paged["value"].as_array().expect("value").len(), 2);
    assert!(paged["@odata.nextLink"].is_string());

    let wanted = mailbox
        .contacts_in(&mailbox.root.id)
        .into_iter()
        .find(|c| !c.email_addresses.is_empty())
        .expect("a contact with an address");
    let address = wanted.email_addresses[0].address.to_uppercase();
    let filter = urlencode(&format!("emailAddresses/any(a:a/address eq '{address}')"));
    let found = json(&s, &format!("{base}/contacts?$filter={filter}")).await;
    let found = found["value"].as_array().expect("value");
    assert!(!found.is_empty());
    assert!(found.iter().all(|c| {
        c["emailAddresses"]
            .as_array()
            .expect("emails")
            .iter()
            .any(|e| {
                e["address"]
                    .as_str()
                    .expect("a")
                    .eq_ignore_ascii_case(&address)
            })
    }));
}

#[tokio::test]
async fn missing_folders_guests_and_missing_permissions_get_outlooks_errors() {
    let s = session().await;
    let tenant = &s.emulator.world.tenant;
    let member = tenant
        .users
        .iter()
        .find(|u| u.user_type == "Member")
        .expect("a member");
    let guest = tenant
        .users
        .iter()
        .find(|u| u.user_type == "Guest")
        .expect("a guest");
    let root = &s.emulator.graph_url;
    assert_graph_error(
        s.get(
            &format!("{root}/users/{}/contactFolders/AAMkAGnothing", member.id),
            false,
        )
        .await,
        StatusCode::NOT_FOUND,
        "ErrorItemNotFound",
    )
    .await;
    assert_graph_error(
        s.get(&format!("{root}/users/{}/contacts", guest.id), false)
            .await,
        StatusCode::NOT_FOUND,
        "MailboxNotEnabledForRESTAPI",
    )
    .await;
    let users_only = s.emulator.world.app_token(&["User.Read.All"]);
    let response = s
        .http
        .get(format!("{root}/users/{}/contacts", member.id))
        .bearer_auth(users_only)
        .send()
        .await
        .expect("answer");
    assert_graph_error(
        response,
        StatusCode::FORBIDDEN,
        "Authorization_RequestDenied",
    )
    .await;
}

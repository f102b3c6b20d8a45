//! `/groups`, `members`, `transitiveMembers` with casts and `$count`; `/users/{id}`, its manager
//! and photo.

use std::collections::HashSet;

use davet_emulator::Member;
use reqwest::StatusCode;
use serde_json::Value;

use crate::{Session, assert_graph_error, session};

fn group_id(s: &Session, nickname: &str) -> (usize, String) {
    let groups = &s.emulator.world.tenant.groups;
    let index = groups
        .iter()
        .position(|g| g.mail_nickname == nickname)
        .expect("the group exists");
    (index, groups[index].id.clone())
}

/// Every item of a paged collection, following `@odata.nextLink`.
async fn all_pages(s: &Session, first: &str, eventual: bool) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(url) = next {
        let response = s.get(&url, eventual).await;
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let body: Value = response.json().await.expect("json");
        items.extend(body["value"].as_array().expect("value").iter().cloned());
        next = body["@odata.nextLink"].as_str().map(str::to_owned);
    }
    items
}

#[tokio::test]
async fn groups_of_every_kind_are_listed_with_their_kind_flags() {
    let s = session().await;
    let groups = all_pages(&s, &format!("{}/groups?$select=displayName,groupTypes,mailEnabled,securityEnabled,resourceProvisioningOptions", s.emulator.graph_url), false).await;
    let kind = |g: &Value| {
        let unified = g["groupTypes"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "Unified"));
        let team = g["resourceProvisioningOptions"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "Team"));
        match (
            unified,
            team,
            g["mailEnabled"].as_bool(),
            g["securityEnabled"].as_bool(),
        ) {
            (true, true, ..) => "team",
            (true, false, ..) => "microsoft365",
            (false, _, Some(true), Some(true)) => "mailEnabledSecurity",
            (false, _, Some(false), Some(true)) => "security",
            (false, _, Some(true), Some(false)) => "distribution",
            _ => "other",
        }
    };
    let kinds: HashSet<&str> = groups.iter().map(kind).collect();
    for expected in [
        "team",
        "microsoft365",
        "mailEnabledSecurity",
        "security",
        "distribution",
    ] {
        assert!(kinds.contains(expected), "{expected} is among {kinds:?}");
    }
    assert!(!kinds.contains("other"));
}

#[tokio::test]
async fn transitive_members_expand_nesting_and_casts_filter_by_type() {
    let s = session().await;
    let (index, id) = group_id(&s, "tum-calisanlar");
    let root = &s.emulator.graph_url;
    let everything = all_pages(
        &s,
        &format!("{root}/groups/{id}/transitiveMembers?$top=50"),
        false,
    )
    .await;
    let expected = s.emulator.world.tenant.transitive_members(index);
    assert_eq!(everything.len(), expected.len());
    assert!(
        everything
            .iter()
            .any(|m| m["@odata.type"] == "#microsoft.graph.group")
    );

    // Both spellings of the cast, as the SDKs and hand-written code send them.
    for cast in ["microsoft.graph.user", "graph.user"] {
        let users = all_pages(
            &s,
            &format!("{root}/groups/{id}/transitiveMembers/{cast}?$select=id,mail&$top=999"),
            false,
        )
        .await;
        let want = expected
            .iter()
            .filter(|m| matches!(m, Member::User(_)))
            .count();
        assert_eq!(users.len(), want, "{cast}");
        let ids: HashSet<&str> = users
            .iter()
            .map(|u| u["id"].as_str().expect("id"))
            .collect();
        assert_eq!(ids.len(), want, "no duplicates through overlapping nesting");
        assert!(
            users
                .iter()
                .all(|u| u.get("@odata.type").is_none() && u.as_object().expect("o").len() == 2)
        );
    }

    let direct = all_pages(&s, &format!("{root}/groups/{id}/members"), false).await;
    assert_eq!(
        direct.len(),
        s.emulator.world.tenant.groups[index].members.len()
    );
    assert!(
        direct.len() < everything.len(),
        "members are the first level only"
    );
}

#[tokio::test]
async fn counting_members_needs_eventual_consistency() {
    let s = session().await;
    let (index, id) = group_id(&s, "erisim-seviye-1");
    let url = format!(
        "{}/groups/{id}/transitiveMembers/microsoft.graph.device/$count",
        s.emulator.graph_url
    );
    assert_graph_error(
        s.get(&url, false).await,
        StatusCode::BAD_REQUEST,
        "Request_BadRequest",
    )
    .await;
    let response = s.get(&url, true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let devices = s
        .emulator
        .world
        .tenant
        .transitive_members(index)
        .into_iter()
        .filter(|m| matches!(m, Member::Device(_)))
        .count();
    assert!(devices > 0, "the fourth level holds devices");
    assert_eq!(response.text().await.expect("text"), devices.to_string());

    let counted: Value = s
        .get(
            &format!(
                "{}/groups/{id}/transitiveMembers/graph.user?$count=true&$top=1",
                s.emulator.graph_url
            ),
            true,
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(counted["@odata.count"].as_u64().expect("count") > 1);
    assert_eq!(counted["value"].as_array().expect("value").len(), 1);
}

#[tokio::test]
async fn org_contacts_and_an_empty_group_answer_as_graph_does() {
    let s = session().await;
    let root = &s.emulator.graph_url;
    let (_, partners) = group_id(&s, "is-ortaklari");
    let contacts: Value = s
        .get(
            &format!("{root}/groups/{partners}/members/microsoft.graph.orgContact"),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    let contacts = contacts["value"].as_array().expect("value");
    assert_eq!(contacts.len(), s.emulator.world.tenant.contacts.len());
    assert!(contacts.iter().all(|c| {
        c["mail"]
            .as_str()
            .is_some_and(|m| !m.ends_with("ornek.example"))
    }));

    let (_, empty) = group_id(&s, "bos-grup");
    let body: Value = s
        .get(&format!("{root}/groups/{empty}/transitiveMembers"), false)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["value"], serde_json::json!([]));
    assert!(body.get("@odata.nextLink").is_none());
}

#[tokio::test]
async fn bad_group_ids_and_segments_get_graphs_errors() {
    let s = session().await;
    let root = &s.emulator.graph_url;
    assert_graph_error(
        s.get(&format!("{root}/groups/not-a-guid/members"), false)
            .await,
        StatusCode::BAD_REQUEST,
        "Request_BadRequest",
    )
    .await;
    let missing = "00000000-0000-4000-8000-000000000000";
    assert_graph_error(
        s.get(&format!("{root}/groups/{missing}"), false).await,
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
    )
    .await;
    let (_, id) = group_id(&s, "tum-calisanlar");
    assert_graph_error(
        s.get(&format!("{root}/groups/{id}/owners2"), false).await,
        StatusCode::BAD_REQUEST,
        "BadRequest",
    )
    .await;
    assert_graph_error(
        s.get(
            &format!("{root}/groups/{id}/members/microsoft.graph.planet"),
            false,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "BadRequest",
    )
    .await;
}

#[tokio::test]
async fn a_user_by_id_or_upn_with_manager_and_photo() {
    let s = session().await;
    let root = &s.emulator.graph_url;
    let tenant = &s.emulator.world.tenant;
    let (n, user) = tenant
        .users
        .iter()
        .enumerate()
        .find(|(_, u)| u.manager.is_some() && u.has_photo)
        .expect("a user with both");
    for key in [&user.id, &user.user_principal_name] {
        let body: Value = s
            .get(
                &format!("{root}/users/{key}?$select=displayName,department"),
                false,
            )
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(body["displayName"], user.display_name.as_str());
        assert_eq!(
            body["department"],
            user.department.as_deref().unwrap_or_default()
        );
        assert!(
            body["@odata.context"]
                .as_str()
                .expect("context")
                .ends_with("/v1.0/$metadata#users(displayName,department)/$entity")
        );
    }
    let manager: Value = s
        .get(&format!("{root}/users/{}/manager", user.id), false)
        .await
        .json()
        .await
        .expect("json");
    let expected = &tenant.users[user.manager.expect("manager")];
    assert_eq!(manager["id"], expected.id.as_str());
    assert_eq!(manager["@odata.type"], "#microsoft.graph.user");
    assert!(n > 0);

    let top = &tenant.users[0];
    assert_graph_error(
        s.get(&format!("{root}/users/{}/manager", top.id), false)
            .await,
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
    )
    .await;

    let photo = s
        .get(&format!("{root}/users/{}/photo/$value", user.id), false)
        .await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/png");
    let bytes = photo.bytes().await.expect("bytes");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let without = tenant
        .users
        .iter()
        .find(|u| !u.has_photo)
        .expect("someone without a photo");
    assert_graph_error(
        s.get(&format!("{root}/users/{}/photo/$value", without.id), false)
            .await,
        StatusCode::NOT_FOUND,
        "ImageNotFound",
    )
    .await;
    assert_graph_error(
        s.get(&format!("{root}/users/nobody@ornek.example"), false)
            .await,
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
    )
    .await;
}

#[tokio::test]
async fn filter_and_orderby_select_and_sort_as_the_directory_does() {
    let s = session().await;
    let root = &s.emulator.graph_url;
    let tenant = &s.emulator.world.tenant;
    let teams: Value = s
        .get(
            &format!(
                "{root}/groups?$filter={}",
                crate::urlencode("groupTypes/any(c:c eq 'Unified') and mailEnabled eq true")
            ),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    let want = tenant
        .groups
        .iter()
        .filter(|g| g.group_types.iter().any(|t| t == "Unified"))
        .count();
    assert_eq!(teams["value"].as_array().expect("value").len(), want);

    let department = tenant.users[0].department.clone().expect("department");
    let url = format!(
        "{root}/users?$filter={}&$orderby=displayName desc&$select=displayName&$top=999",
        crate::urlencode(&format!(
            "department eq '{}' and accountEnabled eq true",
            department.to_uppercase()
        ))
    );
    let body: Value = s.get(&url, false).await.json().await.expect("json");
    let names: Vec<String> = body["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|u| directory_fold(u["displayName"].as_str().expect("name")))
        .collect();
    let want = tenant
        .users
        .iter()
        .filter(|u| u.department.as_deref() == Some(department.as_str()) && u.account_enabled)
        .count();
    assert_eq!(names.len(), want, "eq compares without regard to case");
    let mut sorted = names.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(names, sorted, "sorted descending by display name");

    let upn = &tenant.users[3].user_principal_name;
    let url = format!(
        "{root}/users?$filter={}",
        crate::urlencode(&format!(
            "userPrincipalName in ('{upn}', 'nobody@ornek.example') or startsWith(mail,'zz')"
        ))
    );
    let body: Value = s.get(&url, false).await.json().await.expect("json");
    assert_eq!(body["value"].as_array().expect("value").len(), 1);

    let ne = format!("{root}/users?$filter={}", crate::urlencode("mail ne null"));
    assert_graph_error(
        s.get(&ne, false).await,
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
    )
    .await;
    assert_eq!(
        s.get(&format!("{ne}&$count=true"), true).await.status(),
        StatusCode::OK
    );
    let unknown = format!("{root}/users?$filter={}", crate::urlencode("shoeSize eq 9"));
    assert_graph_error(
        s.get(&unknown, false).await,
        StatusCode::BAD_REQUEST,
        "Request_BadRequest",
    )
    .await;
    assert_graph_error(
        s.get(&format!("{root}/users?$orderby=jobTitle"), false)
            .await,
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
    )
    .await;
}

#[tokio::test]
async fn next_links_carry_the_filter_and_order() {
    let s = session().await;
    let url = format!(
        "{}/users?$filter={}&$orderby=displayName&$top=10&$select=displayName",
        s.emulator.graph_url,
        crate::urlencode("accountEnabled eq true")
    );
    let all = all_pages(&s, &url, false).await;
    let enabled = s
        .emulator
        .world
        .tenant
        .users
        .iter()
        .filter(|u| u.account_enabled)
        .count();
    assert_eq!(all.len(), enabled);
    let names: Vec<String> = all
        .iter()
        .map(|u| u["displayName"].as_str().expect("name").to_owned())
        .collect();
    let folded: Vec<String> = names.iter().map(|n| directory_fold(n)).collect();
    let mut sorted = folded.clone();
    sorted.sort();
    assert_eq!(folded, sorted, "pages continue the same order");
}

/// Lower case as the directory folds it: `İ` is `i`, not `i` and a combining dot.
fn directory_fold(text: &str) -> String {
    text.to_lowercase().replace("i\u{307}", "i")
}

#[tokio::test]
async fn me_is_the_signed_in_user_and_member_of_walks_up_the_nesting() {
    use davet_emulator::identity::grants::Grant;
    let s = session().await;
    let world = &s.emulator.world;
    let tenant = &world.tenant;
    let user = tenant
        .users
        .iter()
        .position(|u| u.user_type == "Member" && u.account_enabled)
        .expect("a member");
    let grant = Grant {
        user,
        scopes: vec!["User.Read.All".into(), "Group.Read.All".into()],
        client_id: tenant.app.client_id.clone(),
    };
    let token = world.delegated_token("issuer", &grant, false);
    let get = |path: &str| {
        let url = format!("{}{path}", s.emulator.graph_url);
        let (http, token) = (s.http.clone(), token.clone());
        async move {
            http.get(url)
                .bearer_auth(token)
                .header("ConsistencyLevel", "eventual")
                .send()
                .await
                .expect("answer")
        }
    };
    s.emulator.graph_controls().clear_log();
    let me: Value = get("/me?$select=id,displayName")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["id"], tenant.users[user].id.as_str());
    assert_eq!(
        s.emulator.graph_controls().log().len(),
        1,
        "/me is one request, not two"
    );

    let direct: Value = get("/me/memberOf").await.json().await.expect("json");
    let direct = direct["value"].as_array().expect("value").len();
    assert_eq!(direct, tenant.member_of(Member::User(user)).len());
    let all: Value =
        get("/me/transitiveMemberOf/microsoft.graph.group?$select=displayName&$top=999")
            .await
            .json()
            .await
            .expect("json");
    let names: Vec<&str> = all["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|g| g["displayName"].as_str())
        .collect();
    assert_eq!(
        names.len(),
        tenant.transitive_member_of(Member::User(user)).len()
    );
    assert!(
        names.contains(&"Tüm Çalışanlar"),
        "everyone is in all staff through a department list: {names:?}"
    );
    assert!(names.len() > direct);
    let count = get("/me/transitiveMemberOf/$count")
        .await
        .text()
        .await
        .expect("text");
    assert_eq!(count, names.len().to_string());

    let app_only = s.get(&format!("{}/me", s.emulator.graph_url), false).await;
    assert_graph_error(app_only, StatusCode::BAD_REQUEST, "BadRequest").await;
}

//! Requests written the way Microsoft's Graph reference writes them: path segments and query
//! option names in any case, `$count` as a path segment, `calendarView` windows with offsets,
//! `$batch` item URLs with or without a leading slash.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{assert_graph_error, session};

fn ids(body: &Value) -> Vec<String> {
    body["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn path_segments_and_query_option_names_are_read_without_regard_to_case() {
    let s = session().await;
    let graph = &s.emulator.graph_url;
    let group = &s.emulator.world.tenant.groups[0].id;
    let canonical: Value = s
        .get(
            &format!("{graph}/groups/{group}/transitiveMembers?$select=id,displayName&$top=5"),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(!ids(&canonical).is_empty());
    for spelled in [
        format!("{graph}/groups/{group}/transitivemembers?$select=id,displayName&$top=5"),
        format!("{graph}/Groups/{group}/TransitiveMembers?$Select=id,displayName&$TOP=5"),
    ] {
        let response = s.get(&spelled, false).await;
        assert_eq!(response.status(), StatusCode::OK, "{spelled}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(ids(&body), ids(&canonical), "{spelled}");
    }
    // A cast in another case, and `$orderBy` as the advanced-query reference writes it.
    let users = s
        .get(
            &format!("{graph}/groups/{group}/transitiveMembers/Microsoft.Graph.User?$top=3"),
            false,
        )
        .await;
    assert_eq!(users.status(), StatusCode::OK);
    let ordered: Value = s
        .get(
            &format!("{graph}/users?$orderBy=displayName&$top=10&$count=true"),
            true,
        )
        .await
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = ordered["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|u| u["displayName"].as_str().expect("name"))
        .collect();
    assert_eq!(names.len(), 10);
    assert!(
        ordered["@odata.count"].as_u64() == Some(s.emulator.world.tenant.users.len() as u64),
        "{ordered}"
    );
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "ordered by display name");
    // An option Graph does not know is still refused, whatever its case.
    assert_graph_error(
        s.get(&format!("{graph}/users?$Frobnicate=1"), false).await,
        StatusCode::BAD_REQUEST,
        "BadRequest",
    )
    .await;
}

#[tokio::test]
async fn count_segments_answer_plain_text_under_the_consistency_rules() {
    let s = session().await;
    let graph = &s.emulator.graph_url;
    let tenant = &s.emulator.world.tenant;
    for (path, expected) in [
        ("users/$count", tenant.users.len()),
        ("groups/$count", tenant.groups.len()),
        (
            "users/$count?$filter=accountEnabled eq false",
            tenant.users.iter().filter(|u| !u.account_enabled).count(),
        ),
    ] {
        let url = format!("{graph}/{path}");
        let response = s.get(&url, true).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/plain"),
            "{path}"
        );
        assert_eq!(
            response.text().await.expect("text"),
            expected.to_string(),
            "{path}"
        );
        assert_graph_error(
            s.get(&url, false).await,
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
        )
        .await;
    }
    assert!(tenant.users.iter().any(|u| !u.account_enabled));
}

#[tokio::test]
async fn a_calendar_view_window_reads_any_offset_and_its_parameters_in_any_case() {
    let s = session().await;
    let graph = &s.emulator.graph_url;
    let user = &s.emulator.world.tenant.users[0].id;
    // Every calendar starts with meetings around today; a week either side holds them.
    let day = 86_400;
    let now = chrono::Utc::now().timestamp();
    let utc = |secs: i64| {
        chrono::DateTime::from_timestamp(secs, 0)
            .expect("time")
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let pacific = |secs: i64| {
        chrono::DateTime::from_timestamp(secs, 0)
            .expect("time")
            .with_timezone(&chrono::FixedOffset::west_opt(8 * 3600).expect("offset"))
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    };
    let (from, to) = (now - 7 * day, now + 7 * day);
    let in_utc: Value = s
        .get(
            &format!(
                "{graph}/users/{user}/calendarView?startDateTime={}&endDateTime={}",
                utc(from),
                utc(to)
            ),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(
        !ids(&in_utc).is_empty(),
        "the calendar has meetings this week"
    );
    let spelled = format!(
        "{graph}/users/{user}/calendarview?startdatetime={}&ENDDATETIME={}",
        crate::urlencode(&pacific(from)),
        crate::urlencode(&pacific(to))
    );
    assert!(spelled.contains("-08%3A00"), "{spelled}");
    let response = s.get(&spelled, false).await;
    assert_eq!(response.status(), StatusCode::OK);
    let in_pacific: Value = response.json().await.expect("json");
    assert_eq!(
        ids(&in_pacific),
        ids(&in_utc),
        "the same window, written in -08:00"
    );
}

#[tokio::test]
async fn batch_item_urls_are_read_with_or_without_a_leading_slash() {
    let s = session().await;
    let response = s
        .http
        .post(format!("{}/$batch", s.emulator.graph_url))
        .bearer_auth(&s.token)
        .json(&json!({
            "requests": [
                { "id": "1", "method": "GET", "url": "/users?$top=2&$select=id" },
                { "id": "2", "method": "GET", "url": "users?$top=2&$select=id" },
                { "id": "3", "method": "GET", "url": "/Users/$count", "headers": { "ConsistencyLevel": "eventual" } },
            ]
        }))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    let answer = |id: &str| {
        body["responses"]
            .as_array()
            .expect("responses")
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("answer {id}"))
            .clone()
    };
    assert_eq!(answer("1")["status"], 200);
    assert_eq!(answer("1")["body"], answer("2")["body"], "{body}");
    assert_eq!(answer("3")["status"], 200, "{body}");
    assert_eq!(
        answer("3")["body"].to_string().trim_matches('"'),
        s.emulator.world.tenant.users.len().to_string()
    );
}

/// The users and groups an advanced query finds, with and without the advanced query
/// parameters, as the reference writes the requests.
#[tokio::test]
async fn advanced_queries_need_both_advanced_parameters_and_answer_like_the_directory() {
    let s = session().await;
    let graph = &s.emulator.graph_url;
    let tenant = &s.emulator.world.tenant;
    let filter = |f: &str| crate::urlencode(f);
    let guests = tenant
        .users
        .iter()
        .filter(|u| {
            u.mail
                .as_deref()
                .is_some_and(|m| m.ends_with("@partner.example"))
        })
        .count();
    let no_mobile = tenant
        .users
        .iter()
        .filter(|u| u.mobile_phone.is_none())
        .count();
    let mobile = tenant.users.len() - no_mobile;
    let not_unified = tenant
        .groups
        .iter()
        .filter(|g| !g.group_types.iter().any(|t| t == "Unified"))
        .count();
    assert!(guests > 0 && not_unified > 0 && no_mobile > 0 && mobile > 0);
    for (collection, clause, expected) in [
        ("users", "endsWith(mail,'@partner.example')", guests),
        ("users", "endswith(mail,'@PARTNER.example')", guests),
        ("users", "mobilePhone eq null", no_mobile),
        ("users", "mobilePhone ne null", mobile),
        (
            "groups",
            "NOT groupTypes/any(c:c eq 'Unified')",
            not_unified,
        ),
        (
            "groups",
            "not(groupTypes/any(c:c eq 'Unified'))",
            not_unified,
        ),
    ] {
        let without = format!("{graph}/{collection}?$filter={}", filter(clause));
        // Neither parameter, the header alone, or `$count=true` alone: refused.
        assert_graph_error(
            s.get(&without, false).await,
            StatusCode::BAD_REQUEST,
            "Request_UnsupportedQuery",
        )
        .await;
        assert_graph_error(
            s.get(&without, true).await,
            StatusCode::BAD_REQUEST,
            "Request_UnsupportedQuery",
        )
        .await;
        assert_graph_error(
            s.get(&format!("{without}&$count=true"), false).await,
            StatusCode::BAD_REQUEST,
            "Request_UnsupportedQuery",
        )
        .await;
        let url = format!(
            "{graph}/{collection}?$count=true&$filter={}&$top=999",
            filter(clause)
        );
        let response = s.get(&url, true).await;
        assert_eq!(response.status(), StatusCode::OK, "{clause}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["@odata.count"], expected, "{clause}");
        assert_eq!(
            body["value"].as_array().expect("value").len(),
            expected.min(999),
            "{clause}"
        );
    }
    // Inside `$batch`, each item by its own headers.
    let clause = filter("endsWith(mail,'@partner.example')");
    let body: Value = s
        .http
        .post(format!("{graph}/$batch"))
        .bearer_auth(&s.token)
        .json(&json!({
            "requests": [
                { "id": "1", "method": "GET", "url": format!("/users?$filter={clause}&$count=true"),
                  "headers": { "ConsistencyLevel": "eventual" } },
                { "id": "2", "method": "GET", "url": format!("/users?$filter={clause}&$count=true") },
            ]
        }))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    let status = |id: &str| {
        body["responses"]
            .as_array()
            .expect("responses")
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["status"].clone())
    };
    assert_eq!(status("1"), Some(json!(200)), "{body}");
    assert_eq!(status("2"), Some(json!(400)), "{body}");
}

/// Without `$select`, a group answers its reference's default set: each property, with `null`
/// for what the tenant has no value for and `[]` for an empty collection.
#[tokio::test]
async fn a_group_without_select_answers_its_default_property_set() {
    let s = session().await;
    let graph = &s.emulator.graph_url;
    let group = &s.emulator.world.tenant.groups[0];
    for url in [
        format!("{graph}/groups/{}", group.id),
        format!("{graph}/groups?$top=1"),
    ] {
        let body: Value = s.get(&url, false).await.json().await.expect("json");
        let item = if body.get("value").is_some() {
            body["value"][0].clone()
        } else {
            body.clone()
        };
        let mut keys: Vec<&str> = item
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .filter(|k| !k.starts_with('@'))
            .collect();
        keys.sort_unstable();
        let mut expected = davet_emulator::graph::GROUP_DEFAULTS.to_vec();
        expected.sort_unstable();
        assert_eq!(keys, expected, "{url}");
        for collection in [
            "groupTypes",
            "proxyAddresses",
            "resourceBehaviorOptions",
            "resourceProvisioningOptions",
            "onPremisesProvisioningErrors",
        ] {
            assert!(
                item[collection].is_array(),
                "{collection} is a collection: {item}"
            );
        }
        assert!(item["classification"].is_null() && item["theme"].is_null());
        assert!(
            item["createdDateTime"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z') && t.len() == 20),
            "{item}"
        );
        assert!(
            item["securityIdentifier"]
                .as_str()
                .is_some_and(|sid| sid.starts_with("S-1-12-1-")),
            "{item}"
        );
    }
}

/// Outlook items carry `@odata.etag` (the change key, weakly) and their `id` whatever
/// `$select` says; without `$select` every property of their type, empty collections as `[]`;
/// an event whose meeting is not a Teams meeting is not "online" to Graph.
#[tokio::test]
async fn outlook_items_carry_their_etag_and_id_and_every_property() {
    let s = session().await;
    let graph = &s.emulator.graph_url;
    let tenant = &s.emulator.world.tenant;
    let member = tenant
        .users
        .iter()
        .position(|u| u.user_type == "Member" && u.account_enabled)
        .expect("a member");
    let user = &tenant.users[member].id;

    let events: Value = s
        .get(&format!("{graph}/users/{user}/events"), false)
        .await
        .json()
        .await
        .expect("json");
    let event = &events["value"][0];
    for property in davet_emulator::graph::csdl::EVENT {
        assert!(
            event.get(*property).is_some(),
            "an event answers {property}"
        );
    }
    for collection in [
        "categories",
        "attendees",
        "locations",
        "cancelledOccurrences",
    ] {
        assert!(event[collection].is_array(), "{collection}: {event}");
    }
    assert_eq!(event["isOnlineMeeting"], false);
    assert_eq!(event["onlineMeetingProvider"], "unknown");
    assert!(event["onlineMeeting"].is_null());
    assert_eq!(event["reminderMinutesBeforeStart"], 15);
    let change_key = event["changeKey"].as_str().expect("a change key");
    assert_eq!(event["@odata.etag"], format!("W/\"{change_key}\""));

    let selected: Value = s
        .get(
            &format!("{graph}/users/{user}/events?$select=subject"),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    let first = &selected["value"][0];
    assert_eq!(first["id"], event["id"], "the id though not selected");
    assert_eq!(first["@odata.etag"], event["@odata.etag"]);
    assert!(first.get("changeKey").is_none(), "only what was selected");

    let contacts: Value = s
        .get(&format!("{graph}/users/{user}/contacts?$top=1"), false)
        .await
        .json()
        .await
        .expect("json");
    let contact = &contacts["value"][0];
    for property in davet_emulator::graph::csdl::CONTACT {
        assert!(
            contact.get(*property).is_some(),
            "a contact answers {property}"
        );
    }
    for collection in ["categories", "imAddresses", "homePhones", "children"] {
        assert!(contact[collection].is_array(), "{collection}: {contact}");
    }
    assert!(contact["homeAddress"].is_object());
    let change_key = contact["changeKey"].as_str().expect("a change key");
    assert_eq!(contact["@odata.etag"], format!("W/\"{change_key}\""));
    let selected: Value = s
        .get(
            &format!("{graph}/users/{user}/contacts?$top=1&$select=displayName"),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(selected["value"][0]["id"], contact["id"]);
}

/// `GET /users/{id}?$expand=manager($levels=max;$select=id,displayName)&$select=id,displayName
/// &$count=true` with `ConsistencyLevel: eventual`, as the manager reference writes it: the
/// whole chain, each level as selected.
#[tokio::test]
async fn a_user_with_the_manager_chain_expanded() {
    let s = session().await;
    let graph = &s.emulator.graph_url;
    let tenant = &s.emulator.world.tenant;
    let chain_of = |mut u: usize| {
        let mut chain = Vec::new();
        while let Some(m) = tenant.users[u].manager {
            chain.push(tenant.users[m].display_name.clone());
            u = m;
        }
        chain
    };
    let someone = (0..tenant.users.len())
        .find(|&u| chain_of(u).len() >= 2)
        .expect("someone two levels down");
    let id = &tenant.users[someone].id;
    let url = format!(
        "{graph}/users/{id}?$expand=manager($levels=max;$select=id,displayName)&$select=id,displayName&$count=true"
    );
    let response = s.get(&url, true).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    let mut names = Vec::new();
    let mut level = &body["manager"];
    while level.is_object() {
        let keys: Vec<&str> = level
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .filter(|k| !k.starts_with('@') && *k != "manager")
            .collect();
        assert_eq!(
            keys,
            ["displayName", "id"],
            "each level as selected: {level}"
        );
        names.push(level["displayName"].as_str().expect("name").to_owned());
        level = &level["manager"];
    }
    assert_eq!(names, chain_of(someone), "the whole chain, nearest first");
    // `$levels` is an advanced query: without its parameters, refused.
    assert_graph_error(
        s.get(&url.replace("&$count=true", ""), true).await,
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
    )
    .await;
    // One level needs nothing more.
    let one: Value = s
        .get(&format!("{graph}/users/{id}?$expand=manager"), false)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(one["manager"]["displayName"], chain_of(someone)[0].as_str());
    assert!(one["manager"].get("manager").is_none());
}

/// `GET /groups/{id}?$expand=members($select=id,displayName)` and
/// `GET /users/{id}?$expand=memberOf`, as the group and user references show them: the direct
/// relationship, at most 20 objects, each with its `@odata.type`.
#[tokio::test]
async fn groups_expand_their_members_and_users_their_groups() {
    use davet_emulator::Member;
    let s = session().await;
    let graph = &s.emulator.graph_url;
    let tenant = &s.emulator.world.tenant;
    let id_of = |m: &Member| match *m {
        Member::User(i) => tenant.users[i].id.clone(),
        Member::Group(i) => tenant.groups[i].id.clone(),
        Member::Contact(i) => tenant.contacts[i].id.clone(),
        Member::Device(i) => tenant.devices[i].id.clone(),
    };
    let group = tenant
        .groups
        .iter()
        .find(|g| g.members.len() > 1 && g.members.len() <= 20)
        .expect("a small group");
    let body: Value = s
        .get(
            &format!(
                "{graph}/groups/{}?$expand=members($select=id,displayName)",
                group.id
            ),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    let listed: Vec<String> = body["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            assert!(
                m["@odata.type"].is_string() && m["displayName"].is_string(),
                "{m}"
            );
            m["id"].as_str().expect("id").to_owned()
        })
        .collect();
    let expected: Vec<String> = group.members.iter().map(id_of).collect();
    assert_eq!(listed, expected);

    let big = tenant
        .groups
        .iter()
        .find(|g| g.members.len() > 20)
        .expect("a group of more than 20");
    let body: Value = s
        .get(&format!("{graph}/groups/{}?$expand=members", big.id), false)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["members"].as_array().expect("members").len(), 20);

    let user = (0..tenant.users.len())
        .find(|&u| !tenant.member_of(Member::User(u)).is_empty())
        .expect("someone in a group");
    let body: Value = s
        .get(
            &format!("{graph}/users/{}?$expand=memberOf", tenant.users[user].id),
            false,
        )
        .await
        .json()
        .await
        .expect("json");
    let groups: Vec<String> = body["memberOf"]
        .as_array()
        .expect("memberOf")
        .iter()
        .map(|g| g["id"].as_str().expect("id").to_owned())
        .collect();
    let expected: Vec<String> = tenant
        .member_of(Member::User(user))
        .iter()
        .take(20)
        .map(id_of)
        .collect();
    assert_eq!(groups, expected);
    assert_graph_error(
        s.get(
            &format!("{graph}/users/{}?$expand=shoes", tenant.users[user].id),
            false,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "BadRequest",
    )
    .await;
}

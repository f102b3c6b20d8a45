//! People (`/v1/people/me`, `/v1/people?email=`) and meeting preferences: the person's sites,
//! personal room and meeting templates.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::{Answered, Failure, Params, Person, Service, answer, invalid};

const PEOPLE_READ: &str = "spark:people_read";
const PREFERENCES_READ: &str = "meeting:preferences_read";

pub(super) fn person_json(service: &Service, person: &Person) -> Value {
    json!({
        "id": person.id,
        "emails": [person.email],
        "phoneNumbers": [],
        "displayName": person.display_name,
        "nickName": person.first_name,
        "firstName": person.first_name,
        "lastName": person.last_name,
        "orgId": service.webex.org_id,
        "created": "2024-09-02T08:00:00.000Z",
        "lastModified": "2026-01-15T09:30:00.000Z",
        "timezone": "Europe/Istanbul",
        "siteUrls": person.sites.iter().map(|s| format!("{s}#attendee")).collect::<Vec<_>>(),
        "status": "active",
        "invitePending": "false",
        "loginEnabled": "true",
        "type": "person",
    })
}

/// `GET /v1/people/me`.
pub(super) async fn me(State(service): State<Service>, headers: HeaderMap) -> Answered {
    match service.caller(&headers, PEOPLE_READ) {
        Ok(caller) => answer(
            StatusCode::OK,
            &person_json(&service, service.person(caller.person)),
        ),
        Err(refusal) => Err(refusal),
    }
}

/// `GET /v1/people?email=…` (or `id=`, `displayName=`): the organisation's people matching.
pub(super) async fn list(
    State(service): State<Service>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Answered {
    let caller = service.caller(&headers, PEOPLE_READ)?;
    let email = params.get("email");
    let name = params.get("displayName");
    let ids: Vec<&str> = params
        .get("id")
        .map(|ids| ids.split(',').collect())
        .unwrap_or_default();
    if email.is_none() && name.is_none() && ids.is_empty() && !caller.admin_for(PEOPLE_READ) {
        return Err(invalid(
            "Email, displayName, or id list should be specified.",
        ));
    }
    let max = match params.get("max").map(|m| m.parse::<usize>()) {
        None => 100,
        Some(Ok(max)) if (1..=1000).contains(&max) => max,
        Some(_) => return Err(invalid("max must be an integer from 1 to 1000.")),
    };
    let items: Vec<Value> = service
        .webex
        .people
        .iter()
        .filter(|p| email.is_none_or(|e| p.email.eq_ignore_ascii_case(e)))
        .filter(|p| {
            name.is_none_or(|n| p.display_name.to_lowercase().starts_with(&n.to_lowercase()))
        })
        .filter(|p| ids.is_empty() || ids.contains(&p.id.as_str()))
        .take(max)
        .map(|p| person_json(&service, p))
        .collect();
    answer(StatusCode::OK, &json!({ "items": items }))
}

/// The person a preferences request is about, and the site it names (their default when none).
fn subject_and_site(
    service: &Service,
    headers: &HeaderMap,
    params: &Params,
) -> Result<(usize, String), Failure> {
    let caller = service.caller(headers, PREFERENCES_READ)?;
    let on_behalf = params
        .get("userEmail")
        .or_else(|| params.get("hostEmail"))
        .map(String::as_str);
    let person = caller.subject(&service.webex, on_behalf, PREFERENCES_READ)?;
    let sites = &service.person(person).sites;
    let site = match params.get("siteUrl") {
        None => sites[0].clone(),
        Some(site) if sites.contains(site) => site.clone(),
        Some(site) => {
            return Err(invalid(&format!(
                "Site {site} is not one of the user's sites."
            )));
        }
    };
    Ok((person, site))
}

/// `GET /v1/meetingPreferences/sites`.
pub(super) async fn sites(
    State(service): State<Service>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Answered {
    let (person, _) = subject_and_site(&service, &headers, &params)?;
    let sites: Vec<Value> = service
        .person(person)
        .sites
        .iter()
        .enumerate()
        .map(|(n, site)| json!({ "siteUrl": site, "default": n == 0 }))
        .collect();
    answer(StatusCode::OK, &json!({ "sites": sites }))
}

/// A person's address before the `@`, as Webex makes room and SIP names of it.
fn local_part(person: &Person) -> &str {
    person.email.split('@').next().unwrap_or_default()
}

/// The digits Webex derives from a seed: access codes, PINs, meeting numbers.
pub(super) fn digits(seed: &str, count: usize) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(seed.as_bytes());
    let mut text: String = hash.iter().map(|b| char::from(b'0' + b % 10)).collect();
    if text.starts_with('0') {
        text.replace_range(0..1, "2");
    }
    text.truncate(count);
    text
}

pub(super) fn call_in_numbers(site: &str) -> Value {
    let _ = site;
    json!([
        { "label": "Türkiye ücretli arama / Turkey toll", "callInNumber": "+90-212-900-1234", "tollType": "toll" },
        { "label": "Call-in toll-free number (US/Canada)", "callInNumber": "+1-866-555-0100", "tollType": "tollFree" },
    ])
}

/// `GET /v1/meetingPreferences/personalMeetingRoom`.
pub(super) async fn personal_room(
    State(service): State<Service>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Answered {
    let (person, site) = subject_and_site(&service, &headers, &params)?;
    let person = service.person(person);
    let local = local_part(person);
    answer(
        StatusCode::OK,
        &json!({
            "topic": format!("{}'s Personal Room", person.display_name),
            "hostPin": digits(&format!("pin{}", person.id), 4),
            "personalMeetingRoomLink": format!("https://{site}/meet/{local}"),
            "enabledAutoLock": false,
            "autoLockMinutes": 10,
            "enabledNotifyHost": true,
            "supportCoHost": false,
            "supportAnyoneAsCoHost": false,
            "allowFirstUserToBeCoHost": false,
            "allowAuthenticatedDevices": false,
            "coHosts": [],
            "sipAddress": format!("{local}@{site}"),
            "dialInIpAddress": "173.243.2.68",
            "telephony": {
                "accessCode": digits(&format!("room{}{site}", person.id), 10),
                "callInNumbers": call_in_numbers(&site),
                "links": {
                    "rel": "globalCallinNumbers",
                    "href": format!("/v1/meetingPreferences/personalMeetingRoom/globalCallinNumbers?siteUrl={site}"),
                    "method": "GET",
                },
            },
        }),
    )
}

/// `GET /v1/meetings/templates`: the standard template of each of the person's sites, and a
/// custom one of their default site.
pub(super) async fn templates(
    State(service): State<Service>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Answered {
    let caller = service.caller(&headers, PREFERENCES_READ)?;
    let person = caller.subject(
        &service.webex,
        params.get("hostEmail").map(String::as_str),
        PREFERENCES_READ,
    )?;
    let sites = &service.person(person).sites;
    if let Some(site) = params.get("siteUrl")
        && !sites.contains(site)
    {
        return Err(invalid(&format!(
            "Site {site} is not one of the user's sites."
        )));
    }
    let items: Vec<Value> = all_templates(sites)
        .into_iter()
        .filter(|t| {
            params
                .get("siteUrl")
                .is_none_or(|s| t["siteUrl"] == s.as_str())
        })
        .filter(|t| {
            params
                .get("templateType")
                .is_none_or(|k| t["templateType"] == k.as_str())
        })
        .collect();
    answer(StatusCode::OK, &json!({ "items": items }))
}

/// Every template of these sites.
pub(super) fn all_templates(sites: &[String]) -> Vec<Value> {
    let mut items = Vec::new();
    for (n, site) in sites.iter().enumerate() {
        let id = |name: &str| {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(format!("{site}|{name}"))
        };
        items.push(json!({
            "id": id("standard"),
            "name": "Webex Meetings",
            "locale": "en_US",
            "siteUrl": site,
            "templateType": "meeting",
            "isDefault": true,
            "isStandard": true,
        }));
        if n == 0 {
            items.push(json!({
                "id": id("ekip"),
                "name": "Ekip toplantısı",
                "locale": "tr_TR",
                "siteUrl": site,
                "templateType": "meeting",
                "isDefault": false,
                "isStandard": false,
            }));
        }
    }
    items
}

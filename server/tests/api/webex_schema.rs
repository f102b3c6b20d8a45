//! Every kind of answer the Webex emulator gives, and every request Davet sends it, checked
//! against Cisco's OpenAPI document for Webex Meetings (`shared/spec/webex/`), read here at test
//! time: the schema of the operation, the status, and the body.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use chrono::{TimeDelta, Utc};
use davet::domain::email::EmailAddress;
use davet::domain::webex::{IdempotencyKey, MeetingDraft};
use davet_emulator::controls::{Exchange, Fault, FaultRule};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

fn spec_path() -> PathBuf {
    std::env::var_os("DAVET_WEBEX_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/spec/webex/webex-meeting.json")
        })
}

/// Cisco's document, and a validator per schema, made once each.
struct Spec {
    document: Value,
    validators: HashMap<String, jsonschema::Validator>,
}

impl Spec {
    fn load() -> Self {
        let path = spec_path();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("Webex's OpenAPI document at {}: {e}", path.display()));
        Self {
            document: serde_json::from_str(&text).expect("the document is JSON"),
            validators: HashMap::new(),
        }
    }

    /// The spec's path template for a request path under `/v1` (`/meetings/{meetingId}`).
    fn template(&self, method: &str, path: &str) -> Option<String> {
        let path = path.strip_prefix("/v1")?;
        let wanted: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.document["paths"]
            .as_object()?
            .iter()
            .filter(|(_, item)| item.get(method).is_some())
            .map(|(template, _)| template)
            .filter(|template| {
                let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
                parts.len() == wanted.len()
                    && parts
                        .iter()
                        .zip(&wanted)
                        .all(|(p, w)| p.starts_with('{') || p == w)
            })
            // A literal segment beats a parameter (`/meetings/templates`, not `{meetingId}`).
            .min_by_key(|template| template.matches('{').count())
            .cloned()
    }

    /// Checks `instance` against `schema` (resolving `#/components/…` in the document).
    fn check(&mut self, key: &str, schema: &Value, instance: &Value) -> Vec<String> {
        let components = self.document["components"].clone();
        let validator = self.validators.entry(key.to_owned()).or_insert_with(|| {
            let wrapped = json!({ "allOf": [schema], "components": components });
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .should_validate_formats(false)
                .build(&wrapped)
                .unwrap_or_else(|e| panic!("the schema of {key} compiles: {e}"))
        });
        validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    /// Checks one exchange: its operation and status are in the document, its request body
    /// (when it has one) and its answer match their schemas. Answers what it checked, as
    /// `METHOD template status`.
    fn check_exchange(&mut self, exchange: &Exchange) -> Result<String, String> {
        let method = exchange.method.to_lowercase();
        let template = self.template(&method, &exchange.path).ok_or_else(|| {
            format!(
                "{} {} is not in the document",
                exchange.method, exchange.path
            )
        })?;
        let operation = self.document["paths"][&template][&method].clone();
        let name = format!("{} {template} {}", exchange.method, exchange.status);
        if !exchange.request.is_empty() {
            let content = &operation["requestBody"]["content"];
            let schema = content
                .as_object()
                .and_then(|c| c.values().next())
                .map(|c| c["schema"].clone())
                .ok_or_else(|| format!("{name}: a body the operation takes none of"))?;
            let body: Value = serde_json::from_slice(&exchange.request)
                .map_err(|e| format!("{name}: the request is not JSON: {e}"))?;
            let errors = self.check(&format!("{name} request"), &schema, &body);
            if !errors.is_empty() {
                return Err(format!(
                    "{name}: the request breaks the schema: {errors:?}\n{body}"
                ));
            }
        }
        let answer = &operation["responses"][exchange.status.to_string()];
        if answer.is_null() {
            return Err(format!("{name}: the document lists no such status"));
        }
        match answer["content"].as_object().and_then(|c| c.iter().next()) {
            None if exchange.status == 204 => {
                if !exchange.response.is_empty() {
                    return Err(format!("{name}: a body in a 204"));
                }
            }
            // The document leaves the body of most refusals unwritten; Webex sends its error
            // body with every one, the shape the document gives for 400.
            None => {
                let documented = |op: &Value| {
                    op["responses"]["400"]["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .map(|c| c["schema"].clone())
                };
                let schema = documented(&operation)
                    .or_else(|| documented(&self.document["paths"]["/meetings"]["post"]))
                    .ok_or_else(|| format!("{name}: the document has no error body"))?;
                let body: Value = serde_json::from_slice(&exchange.response)
                    .map_err(|e| format!("{name}: the error is not JSON: {e}"))?;
                for field in ["message", "errors", "trackingId"] {
                    if body.get(field).is_none() {
                        return Err(format!("{name}: the error has no {field}: {body}"));
                    }
                }
                let errors = self.check(&format!("{name} error"), &schema, &body);
                if !errors.is_empty() {
                    return Err(format!("{name}: the error breaks the schema: {errors:?}"));
                }
            }
            Some((content_type, content)) => {
                let sent = exchange
                    .response_content_type
                    .as_deref()
                    .unwrap_or_default();
                if sent.split(';').next() != content_type.split(';').next() {
                    return Err(format!("{name}: content type {sent}, not {content_type}"));
                }
                let body: Value = serde_json::from_slice(&exchange.response)
                    .map_err(|e| format!("{name}: the answer is not JSON: {e}"))?;
                let errors = self.check(&name, &content["schema"], &body);
                if !errors.is_empty() {
                    return Err(format!(
                        "{name}: the answer breaks the schema: {errors:?}\n{body}"
                    ));
                }
            }
        }
        Ok(name)
    }
}

/// A direct call to the emulated Webex, as a client written from Cisco's reference would make it.
async fn call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let url = format!(
        "{}{path}",
        app.emulator.webex_url.as_str().trim_end_matches("/v1")
    );
    let mut request = app.http.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("Webex answers")
}

#[tokio::test]
async fn every_answer_the_webex_emulator_gives_and_every_request_davet_sends_match_ciscos_document()
{
    let mut spec = Spec::load();
    let app = spawn_app().await;
    let controls = app.emulator.webex_controls();
    controls.keep_exchanges();
    let users = &app.emulator.world.tenant.users;
    let me = users[app.member(0)].mail.clone().expect("an address");
    let other = users[app.member(1)].mail.clone().expect("an address");
    let key = app.user_key(app.member(0));
    let webex = app.state.webex.0.as_ref().expect("Webex");

    // Davet's own requests: connecting, the status, and the meeting calls.
    let token = app
        .emulator
        .webex
        .access_token_for(&me, davet::webex::PERSON_SCOPES)
        .expect("a token");
    // The person's tokens, as connecting leaves them.
    let acting = {
        let tokens = davet::upstream::TokenSet {
            access_token: davet::secret::Secret::new(token.clone()),
            expires_in: std::time::Duration::from_secs(3600),
            refresh_token: Some(davet::secret::Secret::new("unused".to_owned())),
            id_token: None,
        };
        webex.tokens.signed_in(&key, tokens).await.expect("kept");
        webex.acting_for(&key, EmailAddress::parse(&me).expect("an address"))
    };
    acting.me().await.expect("me");
    acting.sites().await.expect("sites");
    acting.templates().await.expect("templates");
    acting.personal_room(None).await.expect("a room");
    acting
        .accounts(&[EmailAddress::parse(&other).expect("an address")])
        .await
        .expect("people");
    let start = Utc::now() + TimeDelta::days(2);
    let mut draft = MeetingDraft::new(
        "Şema",
        start,
        start + TimeDelta::hours(1),
        chrono_tz::Europe::Istanbul,
    );
    draft.recurrence = Some("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=6".into());
    draft.cohosts = vec![EmailAddress::parse(&other).expect("an address")];
    draft.audio = Some("VoIP");
    draft.toll_free_call_in = true;
    let made = acting
        .create_meeting(&IdempotencyKey::generate(), &draft)
        .await
        .expect("a series");
    acting.meeting(&made.id).await.expect("the series");
    draft.title = "Şema, yeni".into();
    acting
        .update_meeting(&made.id, &draft)
        .await
        .expect("updated");
    let mut weak = draft.clone();
    weak.password = Some("zayif".into());
    assert!(
        acting
            .create_meeting(&IdempotencyKey::generate(), &weak)
            .await
            .is_err()
    );
    acting.delete_meeting(&made.id).await.expect("deleted");
    assert!(matches!(
        acting.meeting(&made.id).await,
        Err(davet::webex::WebexError::NotFound)
    ));

    // Requests in the spelling of Cisco's reference: its own example body, local times
    // without an offset and a zone beside them, then the occurrence calls.
    let mut example = spec.document["paths"]["/meetings"]["post"]["requestBody"]["content"]
        ["application/json"]["example"]
        .clone();
    let day = (Utc::now() + TimeDelta::days(3))
        .format("%Y-%m-%d")
        .to_string();
    example["start"] = json!(format!("{day} 20:00:00"));
    example["end"] = json!(format!("{day} 21:00:00"));
    // The example's host, site and invitees are Cisco's, not the demo organisation's.
    if let Some(fields) = example.as_object_mut() {
        for field in ["hostEmail", "siteUrl", "invitees"] {
            fields.remove(field);
        }
    }
    let created = call(
        &app,
        &token,
        reqwest::Method::POST,
        "/v1/meetings",
        Some(example),
    )
    .await;
    assert_eq!(created.status(), 200, "{:?}", created.text().await);
    let series: Value = call(
        &app,
        &token,
        reqwest::Method::GET,
        &format!(
            "/v1/meetings?meetingType=scheduledMeeting&from={day}T00:00:00Z&to={}T00:00:00Z",
            (Utc::now() + TimeDelta::days(9)).format("%Y-%m-%d")
        ),
        None,
    )
    .await
    .json()
    .await
    .expect("occurrences");
    let occurrence = series["items"][1]["id"]
        .as_str()
        .expect("an occurrence id")
        .to_owned();
    let changed = call(
        &app,
        &token,
        reqwest::Method::PATCH,
        &format!("/v1/meetings/{occurrence}"),
        Some(json!({ "title": "Bu hafta başka" })),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let cancelled = call(
        &app,
        &token,
        reqwest::Method::DELETE,
        &format!("/v1/meetings/{occurrence}"),
        None,
    )
    .await;
    assert_eq!(cancelled.status(), 204);
    assert_eq!(
        call(
            &app,
            &token,
            reqwest::Method::GET,
            &format!("/v1/meetings/{occurrence}"),
            None
        )
        .await
        .status(),
        404,
        "a cancelled occurrence is gone"
    );
    let put = call(
        &app,
        &token,
        reqwest::Method::PUT,
        &format!("/v1/meetings/{}", series["items"][0]["meetingSeriesId"].as_str().expect("a series")),
        Some(json!({ "title": "Yeniden", "start": format!("{day}T18:00:00+03:00"), "end": format!("{day}T19:00:00+03:00"), "password": "Yeni1Parola" })),
    )
    .await;
    assert_eq!(put.status(), 200);
    // Refusals: no token, a missing scope, hostEmail without admin scopes, throttling.
    assert_eq!(
        call(
            &app,
            "nonsense",
            reqwest::Method::GET,
            "/v1/people/me",
            None
        )
        .await
        .status(),
        401
    );
    let reader = app
        .emulator
        .webex
        .access_token_for(&me, &["spark:people_read"])
        .expect("a token");
    assert_eq!(
        call(&app, &reader, reqwest::Method::GET, "/v1/meetings", None)
            .await
            .status(),
        403
    );
    assert_eq!(
        call(
            &app,
            &token,
            reqwest::Method::GET,
            &format!("/v1/meetings?hostEmail={other}"),
            None
        )
        .await
        .status(),
        403
    );
    controls.inject(FaultRule {
        path: "/v1/meetings/templates".into(),
        fault: Fault::Throttle {
            retry_after_secs: 1,
        },
        times: 1,
    });
    assert_eq!(
        call(
            &app,
            &token,
            reqwest::Method::GET,
            "/v1/meetings/templates",
            None
        )
        .await
        .status(),
        429
    );
    assert_eq!(
        call(
            &app,
            &token,
            reqwest::Method::GET,
            "/v1/meetings?max=101",
            None
        )
        .await
        .status(),
        400
    );

    let mut checked = BTreeSet::new();
    let mut failures = Vec::new();
    for exchange in controls.exchanges() {
        // OAuth is not part of the Meetings document.
        if exchange.path.ends_with("/access_token") || exchange.path.ends_with("/authorize") {
            continue;
        }
        match spec.check_exchange(&exchange) {
            Ok(name) => {
                checked.insert(name);
            }
            Err(why) => failures.push(why),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for kind in [
        "POST /meetings 200",
        "POST /meetings 400",
        "GET /meetings 200",
        "GET /meetings 400",
        "GET /meetings 403",
        "GET /meetings/{meetingId} 200",
        "GET /meetings/{meetingId} 404",
        "PATCH /meetings/{meetingId} 200",
        "PUT /meetings/{meetingId} 200",
        "DELETE /meetings/{meetingId} 204",
        "GET /people/me 200",
        "GET /people/me 401",
        "GET /people 200",
        "GET /meetingPreferences/sites 200",
        "GET /meetingPreferences/personalMeetingRoom 200",
        "GET /meetings/templates 200",
        "GET /meetings/templates 429",
    ] {
        assert!(
            checked.contains(kind),
            "{kind} was not checked; checked: {checked:?}"
        );
    }
}

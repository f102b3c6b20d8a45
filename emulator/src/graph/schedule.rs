//! `POST /users/{id}/calendar/getSchedule`: free/busy over the events of `events`.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::events::{epoch_seconds, invalid, owner, time_of};
use super::{Graph, GraphError};

/// The largest span `getSchedule` answers for, as Graph documents: 62 days.
const MAX_SCHEDULE_SECONDS: i64 = 62 * 86_400;

/// `POST /users/{id}/calendar/getSchedule`: free/busy of people over a window, with
/// `availabilityView` (one digit per interval: 0 free, 1 tentative, 2 busy, 3 away, 4 working
/// elsewhere).
pub(super) async fn get_schedule(
    State(graph): State<Graph>,
    Path(user): Path<String>,
    Json(body): Json<Value>,
) -> Result<Response, GraphError> {
    owner(&graph, &user)?;
    let window = |field: &str| body[field]["dateTime"].as_str().and_then(epoch_seconds);
    let (Some(from), Some(to)) = (window("startTime"), window("endTime")) else {
        return Err(invalid(
            "startTime and endTime, each a dateTime and a timeZone, are required.",
        ));
    };
    if to <= from || to - from > MAX_SCHEDULE_SECONDS {
        return Err(invalid(
            "The time window must be positive and at most 62 days.",
        ));
    }
    let interval = body["availabilityViewInterval"].as_i64().unwrap_or(30);
    if !(5..=1440).contains(&interval) {
        return Err(invalid(
            "availabilityViewInterval must be between 5 and 1440 minutes.",
        ));
    }
    let schedules = body["schedules"]
        .as_array()
        .ok_or_else(|| invalid("schedules must be a list of addresses."))?;
    if schedules.is_empty() || schedules.len() > 100 {
        return Err(invalid("schedules must name between 1 and 100 addresses."));
    }
    let tenant = &graph.world.tenant;
    let value: Vec<Value> = schedules
        .iter()
        .map(|id| {
            let address = id.as_str().unwrap_or_default();
            let Some(person) = tenant.users.iter().position(|u| u.mail.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(address))) else {
                return json!({
                    "scheduleId": address,
                    "error": { "message": format!("The specified recipient is not found: {address}"), "responseCode": "ErrorMailRecipientNotFound" },
                });
            };
            let busy: Vec<(i64, i64, String, Value)> = graph.world.calendars.with(tenant, person, |events| {
                events
                    .iter()
                    .filter_map(|e| Some((time_of(e, "start")?, time_of(e, "end")?, e)))
                    .filter(|(s, e, _)| *s < to && *e > from)
                    .map(|(s, e, ev)| (s, e, ev["showAs"].as_str().unwrap_or("busy").to_owned(), ev.clone()))
                    .collect()
            });
            let step = interval * 60;
            let slots = (to - from + step - 1) / step;
            let view: String = (0..slots)
                .map(|slot| {
                    let (s, e) = (from + slot * interval * 60, from + (slot + 1) * interval * 60);
                    let digit = |status: &str| match status {
                        "tentative" => 1,
                        "oof" => 3,
                        "workingElsewhere" => 4,
                        "free" => 0,
                        _ => 2,
                    };
                    let worst = busy.iter().filter(|(bs, be, _, _)| *bs < e && *be > s).map(|(_, _, st, _)| digit(st)).max();
                    char::from(b'0' + worst.unwrap_or(0))
                })
                .collect();
            let items: Vec<Value> = busy
                .iter()
                .map(|(_, _, status, ev)| json!({ "status": status, "start": ev["start"], "end": ev["end"], "subject": ev["subject"] }))
                .collect();
            json!({
                "scheduleId": address,
                "availabilityView": view,
                "scheduleItems": items,
                "workingHours": {
                    "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                    "startTime": "09:00:00.0000000",
                    "endTime": "18:00:00.0000000",
                    "timeZone": { "name": "Turkey Standard Time" },
                },
            })
        })
        .collect();
    let context = format!(
        "{}/$metadata#Collection(microsoft.graph.scheduleInformation)",
        graph.service_root()
    );
    Ok(super::odata(
        json!({ "@odata.context": context, "value": value }),
    ))
}

//! Recurring events as Exchange serves them: a series master (`type: seriesMaster`, with its
//! `recurrence`) and its occurrences, computed for a window (`type: occurrence`, or
//! `exception` once changed on its own, with `seriesMasterId` and `originalStart`), an
//! occurrence cancelled on its own left out (and listed in the master's
//! `cancelledOccurrences`).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Map, Value, json};

use super::events::time_of;
use super::zones;
use crate::recurrence::Rule;

/// What happened to one occurrence on its own.
#[derive(Debug, Clone)]
pub enum Exception {
    Cancelled,
    /// The properties changed (`start`, `end`, `subject`, …), as the `PATCH` sent them.
    Changed(Map<String, Value>),
}

/// Occurrences changed or cancelled, by their original start (Unix seconds).
pub type Exceptions = BTreeMap<i64, Exception>;

/// An occurrence's id: the master's and its original start.
pub fn occurrence_id(master: &str, original: i64) -> String {
    format!("{master}_{original}")
}

/// `(master id, original start)` of an occurrence id.
pub fn parse_occurrence_id(id: &str) -> Option<(&str, i64)> {
    let (master, original) = id.rsplit_once('_')?;
    Some((master, original.parse().ok()?))
}

pub fn is_master(event: &Value) -> bool {
    event["recurrence"].is_object()
}

/// The original starts of a master's occurrences up to `until` (Unix seconds).
fn starts(master: &Value, until: i64) -> Vec<i64> {
    let Ok(rule) = Rule::from_graph(&master["recurrence"]) else {
        return Vec::new();
    };
    let Ok(zone) = zones::zone(master["start"]["timeZone"].as_str().unwrap_or("UTC")) else {
        return Vec::new();
    };
    let Some(first) = time_of(master, "start") else {
        return Vec::new();
    };
    let local = |secs: i64| {
        DateTime::<Utc>::from_timestamp(secs, 0).map(|t| t.with_timezone(&zone).naive_local())
    };
    let (Some(first_local), Some(horizon)) = (local(first), local(until)) else {
        return Vec::new();
    };
    rule.occurrences(first_local, horizon)
        .into_iter()
        .filter_map(|t| zone.from_local_datetime(&t).earliest())
        .map(|t| t.timestamp())
        .collect()
}

/// One occurrence as Graph answers it.
fn occurrence(master: &Value, original: i64, exception: Option<&Exception>) -> Option<Value> {
    let length = time_of(master, "end")? - time_of(master, "start")?;
    let zone_name = master["start"]["timeZone"]
        .as_str()
        .unwrap_or("UTC")
        .to_owned();
    let zone = zones::zone(&zone_name).ok()?;
    let mut event = master.clone();
    let fields = event.as_object_mut()?;
    let id = occurrence_id(master["id"].as_str()?, original);
    fields.insert("id".into(), json!(id));
    fields.insert("seriesMasterId".into(), master["id"].clone());
    fields.insert("recurrence".into(), Value::Null);
    fields.insert("cancelledOccurrences".into(), json!([]));
    fields.insert("type".into(), json!("occurrence"));
    fields.insert(
        "originalStart".into(),
        json!(
            DateTime::<Utc>::from_timestamp(original, 0)?
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        ),
    );
    fields.insert(
        "start".into(),
        json!({ "dateTime": zones::wall_clock(original, zone), "timeZone": zone_name }),
    );
    fields.insert(
        "end".into(),
        json!({ "dateTime": zones::wall_clock(original + length, zone), "timeZone": zone_name }),
    );
    match exception {
        Some(Exception::Cancelled) => return None,
        Some(Exception::Changed(changes)) => {
            fields.extend(changes.clone());
            fields.insert("type".into(), json!("exception"));
        }
        None => {}
    }
    Some(event)
}

/// The occurrences of a master that overlap `[from, to)`.
pub fn occurrences_between(
    master: &Value,
    exceptions: &Exceptions,
    from: i64,
    to: i64,
) -> Vec<Value> {
    starts(master, to + 366 * 86_400)
        .into_iter()
        .filter_map(|original| occurrence(master, original, exceptions.get(&original)))
        .filter(|o| {
            time_of(o, "start").is_some_and(|s| s < to)
                && time_of(o, "end").is_some_and(|e| e > from)
        })
        .collect()
}

/// One occurrence by its original start, unless it is not one of the master's (or cancelled).
pub fn occurrence_at(master: &Value, exceptions: &Exceptions, original: i64) -> Option<Value> {
    starts(master, original + 1)
        .contains(&original)
        .then(|| occurrence(master, original, exceptions.get(&original)))
        .flatten()
}

/// The master as answered: its `cancelledOccurrences` written from the exceptions.
pub fn master_with_cancellations(master: &Value, exceptions: &Exceptions) -> Value {
    let mut shown = master.clone();
    let cancelled: Vec<Value> = exceptions
        .iter()
        .filter(|(_, e)| matches!(e, Exception::Cancelled))
        .filter_map(|(original, _)| {
            DateTime::<Utc>::from_timestamp(*original, 0).map(|t| {
                json!(format!(
                    "OID.{}.{}",
                    master["id"].as_str().unwrap_or_default(),
                    t.format("%Y-%m-%d")
                ))
            })
        })
        .collect();
    shown["cancelledOccurrences"] = Value::Array(cancelled);
    shown
}

//! The organiser's events that carry a Webex meeting: written once (`transactionId`), updated,
//! cancelled, and found again by the Webex meeting id Davet keeps in a single-value extended
//! property (which Outlook keeps on an occurrence changed on its own, where an add-in's custom
//! properties are dropped).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{GraphClient, GraphError, segment};
use crate::domain::email::EmailAddress;
use crate::upstream::Resend;

/// The extended property that holds the Webex meeting id: a string property in Davet's own
/// property set (a GUID of ours), by name.
pub const WEBEX_MEETING_PROPERTY: &str =
    "String {0e2b5c9a-7d31-4a8e-9f64-3b1d2c5e8a70} Name DavetWebexMeetingId";

/// An event to write.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub subject: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The organiser's zone: the event's times are written in it.
    pub zone: Tz,
    pub attendees: &'a [(EmailAddress, String)],
    /// The join link, as the event's location.
    pub location: &'a str,
    pub body_html: &'a str,
    /// Makes the create idempotent: Graph answers the event made first for the same id.
    pub transaction_id: &'a str,
    pub webex_meeting_id: &'a str,
    /// Graph's `patternedRecurrence`, for a series.
    pub recurrence: Option<Value>,
}

/// An event Davet wrote, as found again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebexEvent {
    pub id: String,
    pub subject: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub webex_meeting_id: String,
    pub web_link: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    id: String,
    #[serde(default)]
    web_link: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GraphTime {
    #[serde(rename = "dateTime")]
    date_time: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Property {
    id: String,
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Listed {
    id: String,
    #[serde(default)]
    subject: Option<String>,
    start: GraphTime,
    end: GraphTime,
    #[serde(default)]
    web_link: Option<String>,
    #[serde(default)]
    single_value_extended_properties: Vec<Property>,
}

/// Graph's `dateTime` in UTC (we ask for UTC): `2026-12-02T07:00:00.0000000`.
fn utc(text: &str) -> Option<DateTime<Utc>> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

fn local(at: DateTime<Utc>, zone: Tz) -> Value {
    json!({
        "dateTime": at.with_timezone(&zone).format("%Y-%m-%dT%H:%M:%S").to_string(),
        "timeZone": zone.name(),
    })
}

impl GraphClient {
    /// Writes the event, once for its transaction id.
    pub async fn create_event(
        &self,
        event: &NewEvent<'_>,
    ) -> Result<(String, Option<String>), GraphError> {
        let attendees: Vec<Value> = event
            .attendees
            .iter()
            .map(|(address, name)| {
                json!({
                    "emailAddress": { "address": address.as_str(), "name": name },
                    "type": "required",
                })
            })
            .collect();
        let mut body = json!({
            "subject": event.subject,
            "start": local(event.start, event.zone),
            "end": local(event.end, event.zone),
            "attendees": attendees,
            "location": { "displayName": event.location, "locationUri": event.location },
            "body": { "contentType": "html", "content": event.body_html },
            "isOnlineMeeting": false,
            "transactionId": event.transaction_id,
            "singleValueExtendedProperties": [
                { "id": WEBEX_MEETING_PROPERTY, "value": event.webex_meeting_id }
            ],
        });
        if let Some(recurrence) = &event.recurrence {
            body["recurrence"] = recurrence.clone();
        }
        let url = self.url("me/events")?;
        // The transaction id makes a second create answer the first event: safe to resend.
        let (_, answer) = self
            .send(Resend::Safe, |http| http.post(url.clone()).json(&body))
            .await?;
        let created: Created = serde_json::from_slice(&answer)
            .map_err(|e| GraphError::Unavailable(format!("unreadable answer: {e}")))?;
        Ok((created.id, created.web_link))
    }

    /// Cancels the event: Outlook sends the attendees its cancellation. An event already gone
    /// is no error.
    pub async fn delete_event(&self, id: &str) -> Result<(), GraphError> {
        let url = self.url(&format!("me/events/{}", segment(id)))?;
        match self
            .send(Resend::Safe, |http| http.delete(url.clone()))
            .await
        {
            Ok(_) | Err(GraphError::NotFound(_)) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// The organiser's events between `from` and `to` that carry a Webex meeting.
    pub async fn webex_events(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<WebexEvent>, GraphError> {
        let mut url = self.url("me/calendarView")?;
        let filter =
            format!("singleValueExtendedProperties/any(ep: ep/id eq '{WEBEX_MEETING_PROPERTY}')");
        let expand =
            format!("singleValueExtendedProperties($filter=id eq '{WEBEX_MEETING_PROPERTY}')");
        url.query_pairs_mut()
            .append_pair(
                "startDateTime",
                &from.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            )
            .append_pair("endDateTime", &to.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .append_pair("$filter", &filter)
            .append_pair("$expand", &expand)
            .append_pair("$select", "id,subject,start,end,webLink")
            .append_pair("$top", "100");
        let listed: Vec<Listed> = self.collect(url, 5000, false).await?;
        Ok(listed
            .into_iter()
            .filter_map(|e| {
                let webex_meeting_id = e
                    .single_value_extended_properties
                    .into_iter()
                    .find(|p| p.id.eq_ignore_ascii_case(WEBEX_MEETING_PROPERTY))?
                    .value;
                Some(WebexEvent {
                    id: e.id,
                    subject: e.subject.unwrap_or_default(),
                    start: utc(&e.start.date_time)?,
                    end: utc(&e.end.date_time)?,
                    webex_meeting_id,
                    web_link: e.web_link,
                })
            })
            .collect())
    }
}

/// One event as Davet needs it to update or cancel it.
#[derive(Debug, Clone)]
pub struct EventOfMeeting {
    pub id: String,
    pub subject: String,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub webex_meeting_id: Option<String>,
    pub body_html: String,
    /// For one occurrence of a series: when it was to start before any change of its own.
    pub original_start: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
struct Body {
    #[serde(default)]
    content: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OneEvent {
    id: String,
    #[serde(default)]
    subject: Option<String>,
    start: Option<GraphTime>,
    end: Option<GraphTime>,
    #[serde(default)]
    body: Option<Body>,
    #[serde(default)]
    original_start: Option<String>,
    #[serde(default)]
    single_value_extended_properties: Vec<Property>,
}

/// What an update changes of an event.
#[derive(Debug, Clone)]
pub struct EventChange<'a> {
    pub subject: &'a str,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub zone: Tz,
    /// The new attendee list, when it changes.
    pub attendees: Option<&'a [(EmailAddress, String)]>,
    pub location: &'a str,
    pub body_html: &'a str,
}

impl GraphClient {
    /// The event with its Webex meeting id and body.
    pub async fn event_of_meeting(&self, id: &str) -> Result<EventOfMeeting, GraphError> {
        let mut url = self.url(&format!("me/events/{}", segment(id)))?;
        let expand =
            format!("singleValueExtendedProperties($filter=id eq '{WEBEX_MEETING_PROPERTY}')");
        url.query_pairs_mut()
            .append_pair("$select", "id,subject,start,end,body,originalStart,type")
            .append_pair("$expand", &expand);
        let event: OneEvent = self.get(url, false).await?;
        Ok(EventOfMeeting {
            id: event.id,
            subject: event.subject.unwrap_or_default(),
            start: event.start.and_then(|t| utc(&t.date_time)),
            end: event.end.and_then(|t| utc(&t.date_time)),
            webex_meeting_id: event
                .single_value_extended_properties
                .into_iter()
                .find(|p| p.id.eq_ignore_ascii_case(WEBEX_MEETING_PROPERTY))
                .map(|p| p.value),
            body_html: event.body.map(|b| b.content).unwrap_or_default(),
            original_start: event
                .original_start
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc)),
        })
    }

    /// Changes the event: Outlook sends the attendees the update.
    pub async fn update_event(&self, id: &str, change: &EventChange<'_>) -> Result<(), GraphError> {
        let mut body = json!({
            "subject": change.subject,
            "start": local(change.start, change.zone),
            "end": local(change.end, change.zone),
            "location": { "displayName": change.location, "locationUri": change.location },
            "body": { "contentType": "html", "content": change.body_html },
        });
        if let Some(attendees) = change.attendees {
            body["attendees"] = attendees
                .iter()
                .map(|(address, name)| {
                    json!({ "emailAddress": { "address": address.as_str(), "name": name }, "type": "required" })
                })
                .collect();
        }
        let url = self.url(&format!("me/events/{}", segment(id)))?;
        // The same change applied twice leaves the same event.
        self.send(Resend::Safe, |http| http.patch(url.clone()).json(&body))
            .await?;
        Ok(())
    }
}

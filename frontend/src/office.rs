//! The bridge to Office.js: the item being composed (design §4: at most 100 recipients a call).

use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::i18n::Text;

#[wasm_bindgen(module = "/src/office.js")]
extern "C" {
    #[wasm_bindgen(js_name = officeReady)]
    fn office_ready() -> Promise;
    #[wasm_bindgen(js_name = addRecipients)]
    fn add_recipients(field: &str, names: Vec<String>, emails: Vec<String>) -> Promise;
    #[wasm_bindgen(js_name = signIn)]
    fn sign_in_window(start_path: &str) -> Promise;
    #[wasm_bindgen(js_name = naaAvailable)]
    pub fn naa_available() -> bool;
    #[wasm_bindgen(js_name = naaApiToken)]
    fn naa_api_token_js() -> Promise;
    #[wasm_bindgen(js_name = loadSession)]
    pub fn load_session() -> Option<String>;
    #[wasm_bindgen(js_name = saveSession)]
    pub fn save_session(json: &str);
    #[wasm_bindgen(js_name = clearSession)]
    pub fn clear_session();
    #[wasm_bindgen(js_name = readAppointment)]
    fn read_appointment() -> Promise;
    #[wasm_bindgen(js_name = readMessage)]
    fn read_message() -> Promise;
    /// `minutes` after a time typed in the organiser's zone, as RFC 3339 UTC ("" when it is
    /// not a time).
    #[wasm_bindgen(js_name = utcOfPlus)]
    pub fn utc_of_plus(local: &str, minutes: u32) -> String;
    /// The organiser's IANA zone, as the browser knows it.
    #[wasm_bindgen(js_name = timeZone)]
    pub fn time_zone() -> String;
    /// The next half hour, as a time field writes it in the organiser's zone.
    #[wasm_bindgen(js_name = nextHalfHour)]
    pub fn next_half_hour() -> String;
    #[wasm_bindgen(js_name = itemProperty)]
    fn item_property_js(name: &str) -> Promise;
    #[wasm_bindgen(js_name = saveItemProperties)]
    fn save_item_properties_js(changes: &str) -> Promise;
    #[wasm_bindgen(js_name = putJoinBlock)]
    fn put_join_block_js(html: &str, location: &str, earlier: Option<String>) -> Promise;
    #[wasm_bindgen(js_name = takeOutJoinBlock)]
    fn take_out_join_block_js(location: &str) -> Promise;
    /// Calls `handler` when the appointment's time or recurrence changes.
    #[wasm_bindgen(js_name = onTimeChanged)]
    pub fn on_time_changed(handler: &Closure<dyn FnMut()>);
    /// A fresh idempotency key (a UUID).
    #[wasm_bindgen(js_name = newKey)]
    pub fn new_key() -> String;
    /// An RFC 3339 time as the organiser writes it, in their zone and language.
    #[wasm_bindgen(js_name = localTime)]
    pub fn local_time(iso: &str, lang: &str) -> String;
}

#[derive(Debug, Clone)]
pub struct OfficeContext {
    pub display_language: String,
    /// Whether an Outlook item is there to write into.
    pub in_office: bool,
    /// The item is a message being written (else an appointment).
    pub message: bool,
}

/// Which recipient field of an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendeeField {
    Required,
    Optional,
}

impl AttendeeField {
    fn js_name(self) -> &'static str {
        match self {
            Self::Required => "requiredAttendees",
            Self::Optional => "optionalAttendees",
        }
    }
}

/// What went wrong in Office (by the `name` of its error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeError {
    /// No item is being composed: the pane runs outside a compose window.
    NoItem,
    /// The person closed the sign-in dialog or popup.
    Cancelled,
    /// The browser or Office would not open the dialog or popup.
    Blocked,
    /// Anything else Office refused.
    Failed,
}

impl OfficeError {
    /// What the organiser reads when adding attendees failed.
    pub fn adding_text(self) -> Text {
        match self {
            Self::NoItem => Text::NotInOutlook,
            _ => Text::AddFailed,
        }
    }
}

/// The appointment as Office has it now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub subject: String,
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
    /// The organiser's IANA zone.
    pub time_zone: String,
    /// How the appointment repeats, in Graph's words; `None` when it does not.
    #[serde(default)]
    pub recurrence: Option<davet_api::RecurrenceInput>,
}

async fn settle(promise: Promise) -> Result<JsValue, OfficeError> {
    JsFuture::from(promise).await.map_err(|e| office_error(&e))
}

pub async fn appointment() -> Result<Appointment, OfficeError> {
    let json = settle(read_appointment()).await?.as_string();
    json.and_then(|j| serde_json::from_str(&j).ok())
        .ok_or(OfficeError::Failed)
}

/// The message being written: its subject and its To and Cc recipients.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub subject: String,
    pub recipients: Vec<MessageRecipient>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageRecipient {
    pub email: String,
    pub display_name: String,
}

pub async fn message() -> Result<Message, OfficeError> {
    let json = settle(read_message()).await?.as_string();
    json.and_then(|j| serde_json::from_str(&j).ok())
        .ok_or(OfficeError::Failed)
}

/// A custom property Davet keeps on the item, if it is there.
pub async fn item_property(name: &str) -> Result<Option<String>, OfficeError> {
    Ok(settle(item_property_js(name)).await?.as_string())
}

/// Sets (`Some`) or removes (`None`) custom properties and saves them with the item.
pub async fn save_item_properties(changes: &[(&str, Option<&str>)]) -> Result<(), OfficeError> {
    let map: serde_json::Map<String, serde_json::Value> = changes
        .iter()
        .map(|(name, value)| {
            (
                (*name).to_owned(),
                value.map_or(serde_json::Value::Null, |v| v.into()),
            )
        })
        .collect();
    let json = serde_json::Value::Object(map).to_string();
    settle(save_item_properties_js(&json)).await.map(drop)
}

/// The join block into the body (replacing an earlier one) and `location` as the location
/// (taking `earlier` out).
pub async fn put_join_block(
    html: &str,
    location: &str,
    earlier: Option<String>,
) -> Result<(), OfficeError> {
    settle(put_join_block_js(html, location, earlier))
        .await
        .map(drop)
}

/// The join block and `location` taken out of the item.
pub async fn take_out_join_block(location: &str) -> Result<(), OfficeError> {
    settle(take_out_join_block_js(location)).await.map(drop)
}

pub struct Recipient<'a> {
    pub display_name: &'a str,
    pub email: &'a str,
}

fn string_field(value: &JsValue, name: &str) -> Option<String> {
    Reflect::get(value, &JsValue::from_str(name))
        .ok()?
        .as_string()
}

fn flag(value: &JsValue, name: &str) -> bool {
    Reflect::get(value, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

pub async fn ready() -> OfficeContext {
    let value = JsFuture::from(office_ready())
        .await
        .unwrap_or(JsValue::NULL);
    OfficeContext {
        display_language: string_field(&value, "displayLanguage").unwrap_or_else(|| "en-US".into()),
        in_office: flag(&value, "inOffice"),
        message: flag(&value, "message"),
    }
}

/// Runs the code flow in an Office dialog (or a popup outside Office) and answers the outcome
/// message the sign-in page sent.
pub async fn sign_in(start_path: &str) -> Result<String, OfficeError> {
    JsFuture::from(sign_in_window(start_path))
        .await
        .map(|v| v.as_string().unwrap_or_default())
        .map_err(|e| office_error(&e))
}

/// A token for Davet's API from Outlook (nested app authentication).
pub async fn naa_api_token() -> Result<String, OfficeError> {
    JsFuture::from(naa_api_token_js())
        .await
        .map(|v| v.as_string().unwrap_or_default())
        .map_err(|e| office_error(&e))
}

fn office_error(e: &JsValue) -> OfficeError {
    match string_field(e, "name").as_deref() {
        Some("NoItem") => OfficeError::NoItem,
        Some("Cancelled") => OfficeError::Cancelled,
        Some("PopupBlocked" | "DialogBlocked") => OfficeError::Blocked,
        _ => OfficeError::Failed,
    }
}

/// Adds recipients to a field, in calls of at most 100 (`office.js`), leaving out everyone
/// already on the item; answers how many were.
pub async fn add_attendees(
    field: AttendeeField,
    recipients: &[Recipient<'_>],
) -> Result<u32, OfficeError> {
    let names = recipients
        .iter()
        .map(|r| r.display_name.to_owned())
        .collect();
    let emails = recipients.iter().map(|r| r.email.to_owned()).collect();
    JsFuture::from(add_recipients(field.js_name(), names, emails))
        .await
        .map(|already| already.as_f64().unwrap_or(0.0) as u32)
        .map_err(|e| office_error(&e))
}

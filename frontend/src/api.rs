//! Calls to the Davet server, within the pane's session (`Authorization: Bearer`), through the
//! browser's fetch (`fetch.js` beside it: plain calls, streamed answers, images). Errors arrive
//! as `davet_api::ApiError`.

use std::cell::RefCell;
use std::rc::Rc;

use davet_api::{
    ApiError, CONTACT_FOLDERS_PATH, CONTACTS_PATH, ContactFolders, ContactList, EXPAND_PATH,
    ErrorCode, ExpandEvent, ExpandRequest, Expansion, GROUPS_PATH, GroupList, PEOPLE_SEARCH_PATH,
    PeopleSearch, PersonCard, Progress, SESSION_PATH, Selection, Session, SessionUser,
    WEBEX_CONNECTION_PATH, WEBEX_STATUS_PATH, WebexConnectStart, WebexConnection,
};
use js_sys::Promise;
use leptos::prelude::{ArcRwSignal, Set};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/fetch.js")]
extern "C" {
    fn call(
        method: &str,
        path: &str,
        token: &str,
        body: Option<String>,
        key: Option<String>,
    ) -> Promise;
    #[wasm_bindgen(js_name = postLines)]
    fn post_lines(
        path: &str,
        session: &str,
        body: &str,
        on_line: &Closure<dyn FnMut(String) -> bool>,
    ) -> Promise;
    #[wasm_bindgen(js_name = imageUrl)]
    fn image_url(path: &str, session: &str) -> Promise;
    /// Lets the browser free an image got by [`photo_url`].
    #[wasm_bindgen(js_name = forgetImageUrl)]
    pub fn forget_image_url(url: &str);
}

/// What can go wrong talking to our server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The server answered with an error.
    Api(ErrorCode),
    /// The server refused a meeting as asked (`invalid_meeting`), naming the rule in its
    /// words, both languages: the pane shows them beside the form.
    Invalid(Box<ApiError>),
    /// No answer, or one we cannot read.
    Network,
}

impl CallError {
    /// What the organiser reads when a call failed.
    pub fn words(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            Self::Api(code) => Text::Error(*code),
            Self::Invalid(error) => Text::Error(error.code),
            Self::Network => Text::NetworkError,
        }
    }
}

/// The server's error, from its JSON text (`None`: no answer at all).
fn refusal(text: Option<String>) -> CallError {
    match text.and_then(|t| serde_json::from_str::<ApiError>(&t).ok()) {
        None => CallError::Network,
        Some(e) if e.code == ErrorCode::InvalidMeeting => CallError::Invalid(Box::new(e)),
        Some(e) => CallError::Api(e.code),
    }
}

/// The answer's text; one function for every call, so the generic part below stays small.
async fn text(method: &str, path: &str, token: &str) -> Result<String, CallError> {
    send(method, path, token, None, None).await
}

/// A call with a JSON body and an `Idempotency-Key`, when given. When the server says Webex or
/// Microsoft 365 is throttling (after its own tries) and when to come back (`Retry-After`), the
/// call waits that long and goes again, [`BUSY_TRIES`] times at most, the same key each time,
/// while [`busy`] counts the seconds down for the organiser.
pub async fn send(
    method: &str,
    path: &str,
    token: &str,
    body: Option<String>,
    key: Option<String>,
) -> Result<String, CallError> {
    let mut tries_left = BUSY_TRIES;
    loop {
        let error = match JsFuture::from(call(method, path, token, body.clone(), key.clone())).await
        {
            Ok(text) => {
                BUSY.with(|b| b.set(None));
                return Ok(text.as_string().unwrap_or_default());
            }
            Err(error) => error,
        };
        // No answer (null), or [the error's text, its Retry-After].
        let answer: js_sys::Array = error.dyn_into().unwrap_or_default();
        let failed = refusal(answer.get(0).as_string());
        let wait = answer
            .get(1)
            .as_string()
            .and_then(|s| s.trim().parse::<u32>().ok());
        match (&failed, wait) {
            (
                CallError::Api(code @ (ErrorCode::WebexThrottled | ErrorCode::DirectoryThrottled)),
                Some(seconds),
            ) if tries_left > 0 => {
                tries_left -= 1;
                for left in (1..=seconds.clamp(1, 60)).rev() {
                    BUSY.with(|b| {
                        b.set(Some(Busy {
                            code: *code,
                            seconds: left,
                        }))
                    });
                    gloo_timers::future::TimeoutFuture::new(1_000).await;
                }
            }
            _ => {
                BUSY.with(|b| b.set(None));
                return Err(failed);
            }
        }
    }
}

/// How many times the pane sends a throttled call again by itself.
pub const BUSY_TRIES: u32 = 2;

/// A service is throttling a call the pane will send again in `seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    pub code: ErrorCode,
    pub seconds: u32,
}

std::thread_local! {
    // Reference-counted, not in an owner's arena: the signal outlives whichever view made the
    // first call (an arena signal would be disposed with that view).
    static BUSY: ArcRwSignal<Option<Busy>> = ArcRwSignal::new(None);
}

/// The throttled call the pane is waiting to send again, if any: the pane says so.
pub fn busy() -> ArcRwSignal<Option<Busy>> {
    BUSY.with(Clone::clone)
}

async fn json<T: DeserializeOwned>(method: &str, path: &str, token: &str) -> Result<T, CallError> {
    send_json(method, path, token, None, None).await
}

/// [`send`], its answer read as `T`.
pub async fn send_json<T: DeserializeOwned>(
    method: &str,
    path: &str,
    token: &str,
    body: Option<String>,
    key: Option<String>,
) -> Result<T, CallError> {
    serde_json::from_str(&send(method, path, token, body, key).await?)
        .map_err(|_| CallError::Network)
}

async fn get<T: DeserializeOwned>(session: &str, path: &str) -> Result<T, CallError> {
    json("GET", path, session).await
}

fn encode(text: &str) -> String {
    js_sys::encode_uri_component(text).into()
}

pub async fn search_people(session: &str, query: &str) -> Result<PeopleSearch, CallError> {
    get(
        session,
        &format!("{PEOPLE_SEARCH_PATH}?q={}", encode(query)),
    )
    .await
}

/// The people card of a directory person.
pub async fn person_card(session: &str, id: &str) -> Result<PersonCard, CallError> {
    get(session, &format!("{PEOPLE_SEARCH_PATH}/{}", encode(id))).await
}

/// The person's photo as a `blob:` URL, or `None` (no photo: the pane shows initials). Free it
/// with [`forget_image_url`].
pub async fn photo_url(session: &str, id: &str) -> Option<String> {
    let path = format!("{PEOPLE_SEARCH_PATH}/{}/photo", encode(id));
    JsFuture::from(image_url(&path, session))
        .await
        .ok()?
        .as_string()
}

/// Trades a token for Davet's API (from nested app authentication) for a session.
pub async fn create_session(api_token: &str) -> Result<Session, CallError> {
    json("POST", SESSION_PATH, api_token).await
}

/// Who the session belongs to, if it still lives.
pub async fn session_user(session: &str) -> Result<SessionUser, CallError> {
    get(session, SESSION_PATH).await
}

/// Signs out on the server: the session and the person's tokens are forgotten.
pub async fn end_session(session: &str) -> Result<(), CallError> {
    text("DELETE", SESSION_PATH, session).await.map(drop)
}

/// The organiser's Webex: connected or not, and as whom.
pub async fn webex_status(session: &str) -> Result<WebexConnection, CallError> {
    get(session, WEBEX_STATUS_PATH).await
}

/// Where the dialog that connects Webex starts (person mode).
pub async fn webex_connect(session: &str) -> Result<WebexConnectStart, CallError> {
    json("POST", WEBEX_CONNECTION_PATH, session).await
}

/// Davet forgets the organiser's Webex token.
pub async fn webex_disconnect(session: &str) -> Result<(), CallError> {
    text("DELETE", WEBEX_CONNECTION_PATH, session)
        .await
        .map(drop)
}

pub async fn search_groups(session: &str, query: &str) -> Result<GroupList, CallError> {
    get(session, &format!("{GROUPS_PATH}?q={}", encode(query))).await
}

pub async fn contact_folders(session: &str) -> Result<ContactFolders, CallError> {
    get(session, CONTACT_FOLDERS_PATH).await
}

/// Personal contacts matching `query` (empty: all), in one folder or the default one.
pub async fn search_contacts(
    session: &str,
    query: &str,
    folder: Option<&str>,
) -> Result<ContactList, CallError> {
    let mut path = format!("{CONTACTS_PATH}?");
    if !query.is_empty() {
        path.push_str(&format!("q={}&", encode(query)));
    }
    if let Some(folder) = folder {
        path.push_str(&format!("folder={}", encode(folder)));
    }
    get(session, &path).await
}

/// Expands a selection into the people to invite. The answer streams one event a line;
/// `progress` sees each progress line as it arrives and answers false to stop (the server
/// stops with it).
pub async fn expand(
    session: &str,
    selection: Vec<Selection>,
    mut progress: impl FnMut(Progress) -> bool + 'static,
) -> Result<Expansion, CallError> {
    let body =
        serde_json::to_string(&ExpandRequest { selection }).map_err(|_| CallError::Network)?;
    let outcome = Rc::new(RefCell::new(None::<Result<Expansion, CallError>>));
    let sink = outcome.clone();
    let on_line = Closure::<dyn FnMut(String) -> bool>::new(move |line: String| {
        let end = match serde_json::from_str::<ExpandEvent>(&line) {
            Ok(ExpandEvent::Progress(now)) => return progress(now),
            Ok(ExpandEvent::Done { expansion }) => Ok(expansion),
            Ok(ExpandEvent::Failed { error }) => Err(CallError::Api(error.code)),
            Err(_) => Err(CallError::Network),
        };
        *sink.borrow_mut() = Some(end);
        false
    });
    let refused = JsFuture::from(post_lines(EXPAND_PATH, session, &body, &on_line))
        .await
        .map_err(|_| CallError::Network)?;
    if refused.is_string() {
        return Err(refusal(refused.as_string()));
    }
    drop(on_line);
    outcome.take().unwrap_or(Err(CallError::Network))
}

//! Signing in and out. After sign-in the pane holds an opaque session token (never a Microsoft
//! token) and sends it with every call; a `sign_in_required` answer anywhere signs the pane out.
//!
//! Sign-in, in the order Outlook supports (design §4): nested app authentication where Outlook
//! offers it (MSAL.js, loaded only then, gets a token for our API from Outlook and the server
//! trades it for a session; tried without a click as soon as the pane shows); else the code
//! flow on the server in an Office dialog; outside Office, in a popup.
//!
//! Webex, once signed in: the line under the account says whom Davet schedules as in Webex,
//! and in person mode offers to connect Webex (the same dialog or popup, on Webex's code flow)
//! or to disconnect it.

use davet_api::{ErrorCode, SIGN_IN_START_PATH, Session, SignInOutcome};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, CallError};
use crate::i18n::{Locale, Localised, Text};
use crate::office::{self, OfficeError};

/// The pane's session, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    session: RwSignal<Option<Session>>,
}

impl Auth {
    /// The session kept from an earlier opening of the pane, unless it has expired.
    pub fn restore() -> Self {
        let kept = office::load_session()
            .and_then(|json| serde_json::from_str::<Session>(&json).ok())
            .filter(|s| s.expires_at as f64 > js_sys::Date::now());
        Self {
            session: RwSignal::new(kept),
        }
    }

    pub fn token(&self) -> Option<String> {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.session_token.clone()))
    }

    pub fn user_name(&self) -> Option<String> {
        self.session
            .with(|s| s.as_ref().map(|s| s.user.display_name.clone()))
    }

    pub fn is_signed_in(&self) -> bool {
        self.session.with(Option::is_some)
    }

    fn signed_in(&self, session: Session) {
        if let Ok(json) = serde_json::to_string(&session) {
            office::save_session(&json);
        }
        self.session.set(Some(session));
    }

    /// Forgets the session here (the server already has, or will).
    pub fn signed_out(&self) {
        office::clear_session();
        self.session.set(None);
    }

    /// Routes an error: `sign_in_required` signs the pane out; others are the caller's.
    pub fn check<T>(&self, outcome: Result<T, CallError>) -> Result<T, CallError> {
        if matches!(outcome, Err(CallError::Api(ErrorCode::SignInRequired))) {
            self.signed_out();
        }
        outcome
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// The sign-in view: why, and one button.
/// Nested app authentication: a session, or `None` when it is not there or did not work.
async fn sign_in_nested() -> Option<Session> {
    if !office::naa_available() {
        return None;
    }
    let token = office::naa_api_token().await.ok()?;
    api::create_session(&token).await.ok()
}

#[component]
pub fn SignIn() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let auth = use_auth();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Text>);
    if office::naa_available() {
        busy.set(true);
        spawn_local(async move {
            match sign_in_nested().await {
                Some(session) => auth.signed_in(session),
                None => busy.set(false),
            }
        });
    }
    let start = move |_| {
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            if let Some(session) = sign_in_nested().await {
                auth.signed_in(session);
                return;
            }
            let outcome = office::sign_in(SIGN_IN_START_PATH).await;
            busy.set(false);
            match outcome.map(|m| serde_json::from_str::<SignInOutcome>(&m)) {
                Ok(Ok(SignInOutcome::SignedIn { session })) => auth.signed_in(session),
                Ok(Ok(SignInOutcome::Failed { error })) => {
                    problem.set(Some(Text::Error(error.code)));
                }
                Ok(Err(_)) => problem.set(Some(Text::Error(ErrorCode::SignInFailed))),
                Err(OfficeError::Cancelled) => problem.set(Some(Text::SignInCancelled)),
                Err(OfficeError::Blocked) => problem.set(Some(Text::PopupBlocked)),
                Err(_) => problem.set(Some(Text::Error(ErrorCode::SignInFailed))),
            }
        });
    };
    view! {
        <section class="sign-in">
            <p>{locale.text(Text::SignInExplain)}</p>
            <button class="primary" prop:disabled=busy on:click=start>
                {move || locale.text(if busy.get() { Text::SigningIn } else { Text::SignIn })}
            </button>
            {move || problem.get().map(|t| view! { <p class="error" role="alert">{locale.text(t)}</p> })}
        </section>
    }
}

/// Who is signed in, and the way out.
#[component]
pub fn Account() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let auth = use_auth();
    // A session kept from before may have ended on the server: ask once.
    if let Some(token) = auth.token() {
        spawn_local(async move {
            let _ = auth.check(api::session_user(&token).await);
        });
    }
    let sign_out = move |_| {
        let token = auth.token();
        auth.signed_out();
        if let Some(token) = token {
            spawn_local(async move {
                let _ = api::end_session(&token).await;
            });
        }
    };
    view! {
        <p class="account">
            <span>{locale.text(Text::SignedInAs)} " " <strong class="account-name">{move || auth.user_name()}</strong></span>
            <button class="link" on:click=sign_out>{locale.text(Text::SignOut)}</button>
        </p>
        <WebexConnection/>
    }
}

/// The organiser's Webex: connected or not, and in person mode the way to connect or
/// disconnect it. One view whose words change with the state, not a view per state: every
/// view and every reactive attribute is code in the pane's first load (a view per state cost
/// 4.9 KB brotli, this one 2.2 KB).
#[component]
fn WebexConnection() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let auth = use_auth();
    // `None` until the server has said; then the connection, or the words of what went wrong.
    let status = RwSignal::new(None::<Result<davet_api::WebexConnection, Text>>);
    let load = move || {
        let Some(token) = auth.token() else { return };
        spawn_local(async move {
            let answer = auth.check(api::webex_status(&token).await);
            status.set(Some(answer.map_err(|e| e.words())));
        });
    };
    load();
    let person_mode =
        move || status.with(|s| matches!(s, Some(Ok(w)) if w.mode == davet_api::WebexMode::Person));
    let connected = move || status.with(|s| matches!(s, Some(Ok(w)) if w.connected));
    // Nothing until the server has said.
    let words = move || match status.get() {
        None => "",
        Some(Err(text)) => locale.text(text),
        Some(Ok(_)) if connected() => locale.text(Text::WebexConnected),
        Some(Ok(_)) if person_mode() => locale.text(Text::WebexNotConnected),
        Some(Ok(_)) => locale.text(Text::Error(ErrorCode::WebexConnectionRequired)),
    };
    // Connect (the dialog's outcome is read back from the status: the page itself says what
    // went wrong) or disconnect, then ask again.
    let act = move |_| {
        let Some(token) = auth.token() else { return };
        let connected = connected();
        spawn_local(async move {
            let mut problem = None;
            if connected {
                let _ = auth.check(api::webex_disconnect(&token).await);
            } else {
                match auth.check(api::webex_connect(&token).await) {
                    Ok(start) => {
                        if let Err(OfficeError::Blocked) = office::sign_in(&start.url).await {
                            problem = Some(Text::PopupBlocked);
                        }
                    }
                    Err(_) => problem = Some(Text::NetworkError),
                }
            }
            match problem {
                Some(text) => status.set(Some(Err(text))),
                None => load(),
            }
        });
    };
    // In organisation mode the button has no words, and CSS hides an empty button.
    let button = move || match (person_mode(), connected()) {
        (false, _) => "",
        (true, true) => locale.text(Text::WebexDisconnect),
        (true, false) => locale.text(Text::WebexConnect),
    };
    view! {
        <p class="account webex">
            <span>{words}</span>
            <button class="link" on:click=act>{button}</button>
        </p>
    }
}

//! The organiser's Webex connection: its status (with sites, templates and personal room for
//! the options panel), and in person mode connecting and disconnecting Webex through Webex's
//! code flow, in an Office dialog or a popup as signing in is.
//!
//! Connecting is bound to the person twice over: the pane asks for a ticket within its session
//! (`POST /api/webex/connection`), and the Webex account that comes back must be under the
//! person's own directory address, so a ticket that reaches someone else links nothing.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use davet_api::{Lang, WebexConnectOutcome, WebexConnectStart, WebexStatus};
use serde::{Deserialize, Serialize};

use crate::app::PageContext;
use crate::auth::Auth;
use crate::auth::sign_in::{Delivery, now};
use crate::domain::email::EmailAddress;
use crate::domain::join_block::JoinBlock;
use crate::domain::meeting::MeetingRequest;
use crate::domain::user::{DirectoryId, UserKey};
use crate::error::{AppError, Invalid};
use crate::extract::{IdempotencyKey, Json, Path, Query, SignedIn, Webex};
use crate::graph::GraphService;
use crate::pages;
use crate::webex::{PERSON_SCOPES, WebexError, WebexMode, WebexService};

/// Where the pane's dialog starts connecting Webex.
pub const CONNECT_PATH: &str = "/webex/connect";
/// Where Webex sends the browser back; register it with the Webex integration.
pub const CALLBACK_PATH: &str = "/webex/callback";

/// A ticket lives five minutes, the flow's state ten.
const TICKET_LIFETIME: u64 = 300;
const STATE_LIFETIME: u64 = 600;
const TICKET_PURPOSE: &[u8] = b"davet webex ticket";
const STATE_PURPOSE: &[u8] = b"davet webex state";

/// Who is connecting Webex, and the address their Webex account must have.
#[derive(Debug, Serialize, Deserialize)]
struct Connecting {
    tenant: String,
    user: String,
    email: String,
    /// Set once the flow has left for Webex: how the outcome reaches the pane.
    delivery: Option<Delivery>,
    /// Unix seconds.
    expires: u64,
}

impl Connecting {
    fn seal(&self, auth: &Auth, purpose: &[u8]) -> String {
        auth.keys
            .seal_text(&serde_json::to_vec(self).unwrap_or_default(), purpose)
    }

    fn open(text: &str, auth: &Auth, purpose: &[u8]) -> Option<Self> {
        let json = auth.keys.open_text(text, purpose)?;
        let state: Self = serde_json::from_slice(&json).ok()?;
        (state.expires > now()).then_some(state)
    }

    fn user(&self) -> Option<UserKey> {
        Some(UserKey {
            tenant: DirectoryId::parse(&self.tenant).ok()?,
            user: DirectoryId::parse(&self.user).ok()?,
        })
    }
}

/// The signed-in person's directory address: how their Webex account is found.
pub(super) async fn address_of(
    graph: &GraphService,
    user: &UserKey,
) -> Result<EmailAddress, AppError> {
    let card = graph.acting_for(user).person_card(&user.user).await?;
    Ok(EmailAddress::parse(&card.person.email)?)
}

/// `GET /api/webex/status`.
pub async fn status(
    signed_in: SignedIn,
    Webex(webex): Webex,
    State(graph): State<GraphService>,
) -> Result<Json<WebexStatus>, AppError> {
    let user = &signed_in.user.key;
    let mode = match webex.mode {
        WebexMode::Person => davet_api::WebexMode::Person,
        WebexMode::Organisation => davet_api::WebexMode::Organisation,
    };
    let mut status = WebexStatus {
        mode,
        connected: false,
        account: None,
        sites: Vec::new(),
        templates: Vec::new(),
        personal_room: None,
        defaults: remembered(&webex, user).await,
    };
    if !webex.connected(user).await? {
        return Ok(Json(status));
    }
    let address = address_of(&graph, user).await?;
    let acting = webex.acting_for(user, address);
    let account = match acting.me().await {
        Ok(Some(account)) => account,
        // No account under their address (organisation mode), or a token that no longer holds.
        Ok(None) | Err(WebexError::ConnectionRequired) => return Ok(Json(status)),
        Err(other) => return Err(other.into()),
    };
    let (sites, templates, room) = futures_util::try_join!(
        acting.sites(),
        acting.templates(),
        acting.personal_room(None)
    )?;
    status.connected = true;
    status.account = Some(davet_api::WebexAccount {
        display_name: account.display_name,
        email: account.email,
    });
    status.sites = sites
        .into_iter()
        .map(|s| davet_api::WebexSite {
            url: s.url,
            default: s.default,
        })
        .collect();
    status.templates = templates
        .into_iter()
        .map(|t| davet_api::WebexTemplate {
            id: t.id,
            name: t.name,
            site_url: t.site_url,
            is_default: t.is_default,
        })
        .collect();
    status.personal_room = Some(davet_api::PersonalRoom {
        link: room.link,
        topic: room.topic,
    });
    Ok(Json(status))
}

/// The options a person last scheduled with, or Webex's defaults. A row that no longer reads
/// (an older shape) is as good as none.
async fn remembered(webex: &WebexService, user: &UserKey) -> davet_api::WebexOptions {
    match webex.tokens.vault().webex_defaults(user).await {
        Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_default(),
        Ok(None) => davet_api::WebexOptions::default(),
        Err(error) => {
            tracing::warn!(%error, "remembered Webex options could not be read");
            davet_api::WebexOptions::default()
        }
    }
}

/// Remembers the options a meeting was made with: options only, never people or passwords.
pub(super) async fn remember(
    webex: &WebexService,
    user: &UserKey,
    options: &davet_api::WebexOptions,
) {
    let kept = davet_api::WebexOptions {
        password: None,
        cohosts: Vec::new(),
        ..options.clone()
    };
    let json = serde_json::to_string(&kept).unwrap_or_default();
    if let Err(error) = webex.tokens.vault().save_webex_defaults(user, &json).await {
        tracing::warn!(%error, "Webex options not remembered");
    }
}

/// Every named cohost has a Webex account, or the refusal names who has none.
pub(super) async fn cohosts_have_accounts(
    acting: &crate::webex::WebexActing,
    request: &MeetingRequest,
) -> Result<(), AppError> {
    if request.draft.cohosts.is_empty() {
        return Ok(());
    }
    let (_, missing) = acting.accounts(&request.draft.cohosts).await?;
    if missing.is_empty() {
        Ok(())
    } else {
        Err(WebexError::NoAccount(missing.iter().map(|m| m.as_str().to_owned()).collect()).into())
    }
}

/// A meeting as the pane shows it.
pub(super) fn meeting_info(
    meeting: &crate::domain::webex::WebexMeeting,
) -> davet_api::WebexMeetingInfo {
    davet_api::WebexMeetingInfo {
        id: meeting.id.clone(),
        meeting_number: meeting.meeting_number.clone(),
        web_link: meeting.web_link.clone(),
        password: meeting.password.clone(),
        site_url: meeting.site_url.clone(),
        host_email: meeting.host_email.clone(),
        start: meeting
            .start
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        end: meeting
            .end
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

fn person_mode(webex: &WebexService) -> Result<(), AppError> {
    match webex.mode {
        WebexMode::Person => Ok(()),
        WebexMode::Organisation => Err(AppError::WebexOrganisationMode),
    }
}

/// `POST /api/webex/connection`: a short-lived address for the pane's connect dialog.
pub async fn connect(
    signed_in: SignedIn,
    Webex(webex): Webex,
    State(auth): State<Auth>,
    State(graph): State<GraphService>,
) -> Result<(StatusCode, Json<WebexConnectStart>), AppError> {
    person_mode(&webex)?;
    let user = &signed_in.user.key;
    let address = address_of(&graph, user).await?;
    let ticket = Connecting {
        tenant: user.tenant.to_string(),
        user: user.user.to_string(),
        email: address.as_str().to_owned(),
        delivery: None,
        expires: now() + TICKET_LIFETIME,
    }
    .seal(&auth, TICKET_PURPOSE);
    let mut url = url::Url::parse(&auth.our_url(CONNECT_PATH))
        .map_err(|e| AppError::Invalid(Invalid::Malformed(e.to_string())))?;
    url.query_pairs_mut().append_pair("ticket", &ticket);
    Ok((
        StatusCode::CREATED,
        Json(WebexConnectStart { url: url.into() }),
    ))
}

/// `DELETE /api/webex/connection`: Davet forgets the person's Webex token.
pub async fn disconnect(signed_in: SignedIn, Webex(webex): Webex) -> Result<StatusCode, AppError> {
    person_mode(&webex)?;
    webex.tokens.disconnect(&signed_in.user.key).await?;
    tracing::info!(tenant = %signed_in.user.key.tenant, "Webex disconnected");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct ConnectParams {
    ticket: String,
    mode: Delivery,
}

/// `GET /webex/connect?ticket=…&mode=dialog|popup`: off to Webex's sign-in and consent.
pub async fn start(
    Webex(webex): Webex,
    State(auth): State<Auth>,
    State(page): State<PageContext>,
    headers: HeaderMap,
    Query(params): Query<ConnectParams>,
) -> Response {
    let Some(ticket) = Connecting::open(&params.ticket, &auth, TICKET_PURPOSE) else {
        let lang = pages::pick_lang(None, &headers);
        let error = AppError::from(Invalid::SignInNotOurs);
        return finish(&page, lang, params.mode, Err(error));
    };
    let state = Connecting {
        delivery: Some(params.mode),
        expires: now() + STATE_LIFETIME,
        ..ticket
    }
    .seal(&auth, STATE_PURPOSE);
    let url = webex
        .client
        .authorize_url(&auth.our_url(CALLBACK_PATH), &state, PERSON_SCOPES);
    Redirect::to(url.as_str()).into_response()
}

#[derive(Debug, Deserialize)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /webex/callback`: redeem the code, check whose Webex account it is, keep the refresh
/// token sealed, and hand the outcome to the pane.
pub async fn callback(
    Webex(webex): Webex,
    State(auth): State<Auth>,
    State(page): State<PageContext>,
    headers: HeaderMap,
    Query(params): Query<CallbackParams>,
) -> Response {
    let lang = pages::pick_lang(None, &headers);
    let opened = params
        .state
        .as_deref()
        .and_then(|s| Connecting::open(s, &auth, STATE_PURPOSE));
    let Some((connecting, delivery)) = opened.and_then(|c| c.delivery.map(|d| (c, d))) else {
        let error = AppError::from(Invalid::SignInNotOurs);
        return finish(&page, lang, Delivery::Popup, Err(error));
    };
    let outcome = complete(&webex, &auth, &connecting, &params).await;
    finish(&page, lang, delivery, outcome)
}

async fn complete(
    webex: &WebexService,
    auth: &Auth,
    connecting: &Connecting,
    params: &CallbackParams,
) -> Result<davet_api::WebexAccount, AppError> {
    let user = connecting.user().ok_or(Invalid::SignInNotOurs)?;
    if params.error.is_some() {
        // Webex's words are the browser's to bring back: none of them reach the log.
        tracing::info!("Webex connection refused or cancelled");
        return Err(WebexError::ConnectionRequired.into());
    }
    let code = params.code.as_deref().ok_or(Invalid::NoCode)?;
    let tokens = webex
        .client
        .redeem_code(code, &auth.our_url(CALLBACK_PATH))
        .await?;
    let account = webex.client.account_of(&tokens.access_token).await?;
    if !account.email.eq_ignore_ascii_case(&connecting.email) {
        // Nothing is kept: the tokens of someone else's account are dropped here.
        tracing::info!(tenant = %user.tenant, "a Webex account under another address was refused");
        return Err(AppError::WebexAccountMismatch);
    }
    webex
        .tokens
        .signed_in(&user, tokens)
        .await
        .map_err(WebexError::from)?;
    tracing::info!(tenant = %user.tenant, "Webex connected");
    Ok(davet_api::WebexAccount {
        display_name: account.display_name,
        email: account.email,
    })
}

fn finish(
    page: &PageContext,
    lang: Lang,
    delivery: Delivery,
    outcome: Result<davet_api::WebexAccount, AppError>,
) -> Response {
    let connected = outcome.is_ok();
    let outcome = match outcome {
        Ok(account) => WebexConnectOutcome::Connected { account },
        Err(error) => {
            let public = error.public();
            tracing::info!(status = %public.status, code = ?public.code, "Webex connection did not complete");
            WebexConnectOutcome::Failed {
                error: public.api_error(),
            }
        }
    };
    let json = serde_json::to_string(&outcome).unwrap_or_default();
    pages::webex_connected(lang, delivery, connected, &json, &page.office_js_url).into_response()
}

/// `POST /api/webex/meetings` (appointment compose): creates the Webex meeting once for the
/// `Idempotency-Key`, or updates the one the item has; answers it with its join block. Every
/// rule is checked before Webex is called; cohosts must have Webex accounts.
pub async fn schedule(
    signed_in: SignedIn,
    Webex(webex): Webex,
    State(graph): State<GraphService>,
    IdempotencyKey(key): IdempotencyKey,
    Json(input): Json<davet_api::WebexMeetingRequest>,
) -> Result<Json<davet_api::WebexMeetingAnswer>, AppError> {
    let request = MeetingRequest::parse(&input, chrono::Utc::now())?;
    let user = &signed_in.user.key;
    let acting = webex.acting_for(user, address_of(&graph, user).await?);
    cohosts_have_accounts(&acting, &request).await?;
    let meeting = match input.existing_meeting_id.as_deref() {
        Some(id) => acting.update_meeting(id, &request.draft).await?,
        None => acting.create_meeting(&key, &request.draft).await?,
    };
    remember(&webex, user, &input.options).await;
    let block = JoinBlock::new(&meeting, request.lang);
    Ok(Json(davet_api::WebexMeetingAnswer {
        meeting: meeting_info(&meeting),
        join_block: davet_api::JoinBlockInfo {
            html: block.html,
            text: block.text,
        },
    }))
}

/// `GET /api/webex/meetings/{id}` (appointment compose): the meeting an item names, as Webex
/// holds it now (a pane reopened on the item shows it; 404 when it was deleted in Webex).
pub async fn meeting(
    signed_in: SignedIn,
    Webex(webex): Webex,
    State(graph): State<GraphService>,
    Path(id): Path<String>,
) -> Result<Json<davet_api::WebexMeetingInfo>, AppError> {
    let user = &signed_in.user.key;
    let acting = webex.acting_for(user, address_of(&graph, user).await?);
    Ok(Json(meeting_info(&acting.meeting(&id).await?)))
}

/// `DELETE /api/webex/meetings/{id}` (appointment compose): the Webex meeting deleted; the pane
/// takes the join block and location out of the item. A meeting already gone is no error.
pub async fn remove(
    signed_in: SignedIn,
    Webex(webex): Webex,
    State(graph): State<GraphService>,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let user = &signed_in.user.key;
    let acting = webex.acting_for(user, address_of(&graph, user).await?);
    acting.delete_meeting(&id).await?;
    tracing::info!("Webex meeting removed from an appointment");
    Ok(StatusCode::NO_CONTENT)
}

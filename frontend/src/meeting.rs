//! The appointment's Webex meeting: add it (the options panel, then the join block and the
//! location written into the item), show it when the pane reopens on the item, update it,
//! remove it, and keep it in step when the appointment's time changes. Loaded as a module of
//! its own after first paint (`lib.rs`).
//!
//! What Davet keeps on the item, in its custom properties (at most 2,500 characters there):
//! `davetKey`, the idempotency key, stored *before* the server is asked, so a pane closed
//! mid-way and reopened makes the same meeting, not a second one; and `davetMeeting`, the
//! meeting and the options it was made with (never the password).

use davet_api::{
    EventMeetingRequest, LobbyChoice, MEETINGS_PATH, ScheduleOutcome, Selection,
    WEBEX_MEETING_PATH, WEBEX_MEETINGS_PATH, WEBEX_STATUS_PATH, WebexMeetingAnswer,
    WebexMeetingInfo, WebexMeetingRequest, WebexOptions, WebexStatus,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::Closure;

use crate::api::{self, CallError};
use crate::i18n::{Locale, Localised, Text};
use crate::invite::{Invitation, MeetingPicks, pick_name};
use crate::office::{self, OfficeError};
use crate::session::{Auth, use_auth};

const KEY_PROPERTY: &str = "davetKey";
const MEETING_PROPERTY: &str = "davetMeeting";
/// A moved appointment updates Webex this long after the last change (a drag fires many).
const SETTLE_MS: u32 = 1500;
/// Most picks one scheduling takes (the server's limit: recipients and picks together).
const MAX_PICKS: usize = 50;

/// The meeting as the item keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Kept {
    id: String,
    meeting_number: String,
    web_link: String,
    /// What Davet put into the location line (taken out again on Remove).
    location: String,
    /// RFC 3339, UTC: when Webex has it start.
    start: String,
    options: WebexOptions,
}

impl Kept {
    fn new(meeting: &WebexMeetingInfo, options: &WebexOptions) -> Self {
        Self {
            id: meeting.id.clone(),
            meeting_number: meeting.meeting_number.clone(),
            web_link: meeting.web_link.clone(),
            location: meeting.web_link.clone(),
            start: meeting.start.clone(),
            options: WebexOptions {
                password: None,
                ..options.clone()
            },
        }
    }
}

/// What the section is doing.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    /// Reading the item.
    Reading,
    /// Showing the item's meeting, or the way to add one.
    Idle,
    /// The options panel, for a new meeting or the item's.
    Options(Box<WebexStatus>),
    /// Talking to Davet or Office.
    Working(Words),
}

/// Every string this section shows, in English and Turkish (kept here, with the section's
/// code, out of the pane's first load).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    Heading,
    Add,
    Update,
    Remove,
    Cancel,
    Save,
    Adding,
    Updating,
    Removing,
    Added,
    Moved,
    Updated,
    Removed,
    DeletedInWebex,
    NumberLabel,
    Join,
    PersonalRoom,
    Site,
    Template,
    SiteDefault,
    Password,
    PasswordHint,
    PasswordRule,
    JoinBeforeHost,
    NoJoinBeforeHost,
    AtStart,
    MinutesEarly,
    Lobby,
    LobbyAllow,
    LobbyWait,
    LobbyBlock,
    Record,
    Reminder,
    NoReminder,
    MinutesBefore,
    NotAppointment,
    OfficeRefused,
    MessageHeading,
    Subject,
    Starts,
    Length,
    Minutes,
    RecipientsToo,
    Unpick,
    Schedule,
    Scheduling,
    Scheduled,
    OpenEvent,
    NothingMade,
    NobodyYet,
    TooManyPicks,
    NoTime,
    Untitled,
    NeedsTitle,
    ScheduleAnother,
}

impl Words {
    fn text(self, locale: Locale) -> &'static str {
        use Locale::{En, Tr};
        match (self, locale) {
            (Self::Heading, En) => "Webex meeting",
            (Self::Heading, Tr) => "Webex toplantısı",
            (Self::Add, En) => "Add Webex meeting",
            (Self::Add, Tr) => "Webex toplantısı ekle",
            (Self::Update, En) => "Change options",
            (Self::Update, Tr) => "Seçenekleri değiştir",
            (Self::Remove, En) => "Remove",
            (Self::Remove, Tr) => "Kaldır",
            (Self::Cancel, En) => "Cancel",
            (Self::Cancel, Tr) => "Vazgeç",
            (Self::Save, En) => "Save",
            (Self::Save, Tr) => "Kaydet",
            (Self::Adding, En) => "Making the Webex meeting…",
            (Self::Adding, Tr) => "Webex toplantısı oluşturuluyor…",
            (Self::Updating, En) => "Updating the Webex meeting…",
            (Self::Updating, Tr) => "Webex toplantısı güncelleniyor…",
            (Self::Removing, En) => "Removing the Webex meeting…",
            (Self::Removing, Tr) => "Webex toplantısı kaldırılıyor…",
            (Self::Added, En) => "The join details are in the invitation and the location.",
            (Self::Added, Tr) => "Katılım bilgileri davete ve konuma yazıldı.",
            (Self::Moved, En) => "The Webex meeting follows the appointment's new time:",
            (Self::Moved, Tr) => "Webex toplantısı randevunun yeni zamanına uyarlandı:",
            (Self::Updated, En) => "The Webex meeting and the invitation were updated.",
            (Self::Updated, Tr) => "Webex toplantısı ve davet güncellendi.",
            (Self::Removed, En) => "The Webex meeting was deleted and taken out of the invitation.",
            (Self::Removed, Tr) => "Webex toplantısı silindi ve davetten çıkarıldı.",
            (Self::DeletedInWebex, En) => {
                "This meeting was deleted in Webex. Remove it from the invitation, or add a new one."
            }
            (Self::DeletedInWebex, Tr) => {
                "Bu toplantı Webex'te silinmiş. Davetten kaldırın ya da yenisini ekleyin."
            }
            (Self::NumberLabel, En) => "Meeting number",
            (Self::NumberLabel, Tr) => "Toplantı numarası",
            (Self::Join, En) => "Join link",
            (Self::Join, Tr) => "Katılım bağlantısı",
            (Self::PersonalRoom, En) => "In my personal room",
            (Self::PersonalRoom, Tr) => "Kişisel odamda",
            (Self::Site, En) => "Webex site",
            (Self::Site, Tr) => "Webex sitesi",
            (Self::Template, En) => "Template",
            (Self::Template, Tr) => "Şablon",
            (Self::SiteDefault, En) => "The site's default",
            (Self::SiteDefault, Tr) => "Sitenin varsayılanı",
            (Self::Password, En) => "Password",
            (Self::Password, Tr) => "Parola",
            (Self::PasswordHint, En) => "Leave empty and Webex makes one",
            (Self::PasswordHint, Tr) => "Boş bırakırsanız Webex bir parola oluşturur",
            (Self::PasswordRule, En) => {
                "8 to 32 characters without spaces, with upper and lower case letters and a digit."
            }
            (Self::PasswordRule, Tr) => {
                "Boşluksuz 8 ila 32 karakter; büyük ve küçük harf ile bir rakam içermeli."
            }
            (Self::JoinBeforeHost, En) => "Join before the host",
            (Self::JoinBeforeHost, Tr) => "Sunucudan önce katılım",
            (Self::NoJoinBeforeHost, En) => "Nobody",
            (Self::NoJoinBeforeHost, Tr) => "Kimse katılamaz",
            (Self::AtStart, En) => "From the start time",
            (Self::AtStart, Tr) => "Başlangıç saatinden itibaren",
            (Self::MinutesEarly, En) => "minutes early",
            (Self::MinutesEarly, Tr) => "dakika önce",
            (Self::Lobby, En) => "People not invited",
            (Self::Lobby, Tr) => "Davetli olmayanlar",
            (Self::LobbyAllow, En) => "Join directly",
            (Self::LobbyAllow, Tr) => "Doğrudan katılır",
            (Self::LobbyWait, En) => "Wait in the lobby",
            (Self::LobbyWait, Tr) => "Lobide bekler",
            (Self::LobbyBlock, En) => "Cannot join",
            (Self::LobbyBlock, Tr) => "Katılamaz",
            (Self::Record, En) => "Record automatically",
            (Self::Record, Tr) => "Otomatik kaydet",
            (Self::Reminder, En) => "Remind me",
            (Self::Reminder, Tr) => "Bana hatırlat",
            (Self::NoReminder, En) => "No reminder",
            (Self::NoReminder, Tr) => "Hatırlatma yok",
            (Self::MinutesBefore, En) => "minutes before",
            (Self::MinutesBefore, Tr) => "dakika önce",
            (Self::NotAppointment, En) => {
                "Open Davet from an Outlook appointment to add a meeting."
            }
            (Self::NotAppointment, Tr) => {
                "Toplantı eklemek için Davet'i bir Outlook randevusundan açın."
            }
            (Self::OfficeRefused, En) => "Outlook did not accept the change to the invitation.",
            (Self::OfficeRefused, Tr) => "Outlook davetteki değişikliği kabul etmedi.",
            (Self::MessageHeading, En) => "Schedule a Webex meeting with these recipients",
            (Self::MessageHeading, Tr) => "Bu alıcılarla bir Webex toplantısı planlayın",
            (Self::Subject, En) => "Subject",
            (Self::Subject, Tr) => "Konu",
            (Self::Starts, En) => "Starts",
            (Self::Starts, Tr) => "Başlangıç",
            (Self::Length, En) => "Length",
            (Self::Length, Tr) => "Süre",
            (Self::Minutes, En) => "minutes",
            (Self::Minutes, Tr) => "dakika",
            (Self::RecipientsToo, En) => {
                "The message's To and Cc recipients are invited, with the groups and folders you pick below."
            }
            (Self::RecipientsToo, Tr) => {
                "İletinin Kime ve Bilgi alıcıları, aşağıda seçtiğiniz grup ve klasörlerle birlikte davet edilir."
            }
            (Self::Unpick, En) => "Take out",
            (Self::Unpick, Tr) => "Çıkar:",
            (Self::Schedule, En) => "Choose options and schedule",
            (Self::Schedule, Tr) => "Seçenekleri belirleyip planla",
            (Self::Scheduling, En) => "Scheduling: Webex first, then your Outlook event…",
            (Self::Scheduling, Tr) => "Planlanıyor: önce Webex, sonra Outlook etkinliğiniz…",
            (Self::Scheduled, En) => "Scheduled: Outlook sends the invitations to",
            (Self::Scheduled, Tr) => "Planlandı: Outlook davetleri gönderiyor:",
            (Self::OpenEvent, En) => "Open the event",
            (Self::OpenEvent, Tr) => "Etkinliği aç",
            (Self::NothingMade, En) => "Nothing was made.",
            (Self::NothingMade, Tr) => "Hiçbir şey oluşturulmadı.",
            (Self::NobodyYet, En) => {
                "Add recipients to the message, or pick people, groups or folders first."
            }
            (Self::NobodyYet, Tr) => {
                "Önce iletiye alıcı ekleyin ya da kişi, grup veya klasör seçin."
            }
            (Self::TooManyPicks, En) => {
                "At most 50 recipients and picks at once: pick a group that holds them instead."
            }
            (Self::TooManyPicks, Tr) => {
                "Bir seferde en fazla 50 alıcı ve seçim: bunun yerine onları içeren bir grup seçin."
            }
            (Self::ScheduleAnother, En) => "Schedule another meeting",
            (Self::ScheduleAnother, Tr) => "Başka bir toplantı planla",
            (Self::Untitled, En) => "(no title)",
            (Self::Untitled, Tr) => "(başlıksız)",
            (Self::NeedsTitle, En) => "Give the appointment a title in Outlook first.",
            (Self::NeedsTitle, Tr) => "Önce Outlook'ta randevuya bir başlık verin.",
            (Self::NoTime, En) => "Choose when the meeting starts.",
            (Self::NoTime, Tr) => "Toplantının ne zaman başlayacağını seçin.",
        }
    }
}

/// What went wrong, in the organiser's words: one of ours, the pane's shared texts, or the
/// server's own (a rule the meeting broke, named in both languages).
#[derive(Debug, Clone, PartialEq)]
enum Problem {
    Ours(Words),
    Shared(Text),
    Server { en: String, tr: String },
}

impl Problem {
    fn text(&self, locale: Locale) -> String {
        match (self, locale) {
            (Self::Ours(words), _) => words.text(locale).to_owned(),
            (Self::Shared(text), _) => locale.text(*text).to_owned(),
            (Self::Server { en, .. }, Locale::En) => en.clone(),
            (Self::Server { tr, .. }, Locale::Tr) => tr.clone(),
        }
    }
}

impl From<CallError> for Problem {
    fn from(error: CallError) -> Self {
        match error {
            CallError::Invalid(error) => Self::Server {
                en: error.message,
                tr: error.message_tr,
            },
            other => Self::Shared(other.words()),
        }
    }
}

impl From<OfficeError> for Problem {
    fn from(error: OfficeError) -> Self {
        match error {
            OfficeError::NoItem => Self::Ours(Words::NotAppointment),
            _ => Self::Ours(Words::OfficeRefused),
        }
    }
}

/// The meeting a pane reopened on the item finds there.
async fn kept_on_item() -> Result<Option<Kept>, OfficeError> {
    Ok(office::item_property(MEETING_PROPERTY)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok()))
}

/// The key this item schedules with: the one kept on it, or a fresh one kept first.
async fn item_key() -> Result<String, OfficeError> {
    if let Some(key) = office::item_property(KEY_PROPERTY).await? {
        return Ok(key);
    }
    let key = office::new_key();
    office::save_item_properties(&[(KEY_PROPERTY, Some(&key))]).await?;
    Ok(key)
}

fn meeting_path(kept: &Kept) -> String {
    let id = js_sys::encode_uri_component(&kept.id);
    WEBEX_MEETING_PATH.replace("{id}", &String::from(id))
}

/// Makes or updates the meeting for the appointment as it is now, then writes it into the
/// item: join block, location, and what Davet keeps.
async fn schedule(
    auth: Auth,
    locale: Locale,
    options: WebexOptions,
    existing: Option<Kept>,
) -> Result<Option<Kept>, Problem> {
    let session = auth.token().ok_or(Problem::Shared(Text::Error(
        davet_api::ErrorCode::SignInRequired,
    )))?;
    let key = item_key().await?;
    let item = office::appointment().await?;
    let request = WebexMeetingRequest {
        subject: item.subject,
        start: item.start,
        end: item.end,
        time_zone: item.time_zone,
        recurrence: item.recurrence,
        options: options.clone(),
        existing_meeting_id: existing.as_ref().map(|k| k.id.clone()),
        lang: Some(locale.tag().to_owned()),
    };
    let body = serde_json::to_string(&request).map_err(|_| Problem::Shared(Text::NetworkError))?;
    let answer: WebexMeetingAnswer = auth.check(
        api::send_json("POST", WEBEX_MEETINGS_PATH, &session, Some(body), Some(key)).await,
    )?;
    let kept = Kept::new(&answer.meeting, &options);
    office::put_join_block(
        &answer.join_block.html,
        &kept.location,
        existing.map(|k| k.location),
    )
    .await?;
    let json = serde_json::to_string(&kept).map_err(|_| Problem::Ours(Words::OfficeRefused))?;
    office::save_item_properties(&[(MEETING_PROPERTY, Some(&json))]).await?;
    Ok(Some(kept))
}

/// The meeting deleted in Webex (one already gone is no error), then taken out of the item;
/// the key goes too, so a meeting added afterwards is a new one.
async fn remove(auth: Auth, kept: Kept) -> Result<Option<Kept>, Problem> {
    let session = auth.token().unwrap_or_default();
    auth.check(api::send("DELETE", &meeting_path(&kept), &session, None, None).await)?;
    office::take_out_join_block(&kept.location).await?;
    office::save_item_properties(&[(MEETING_PROPERTY, None), (KEY_PROPERTY, None)]).await?;
    Ok(None)
}

/// Whether Webex still holds the meeting (`Ok(false)`: deleted there).
async fn still_in_webex(auth: Auth, kept: &Kept) -> Result<bool, CallError> {
    let session = auth.token().unwrap_or_default();
    match auth.check(api::send("GET", &meeting_path(kept), &session, None, None).await) {
        Ok(_) => Ok(true),
        Err(CallError::Api(davet_api::ErrorCode::NotFound)) => Ok(false),
        Err(other) => Err(other),
    }
}

async fn webex_status(auth: Auth) -> Result<WebexStatus, CallError> {
    let session = auth.token().unwrap_or_default();
    auth.check(api::send_json("GET", WEBEX_STATUS_PATH, &session, None, None).await)
}

/// What will be scheduled: the appointment's subject and times in the organiser's zone and
/// language; an empty subject is named before anything is asked.
fn summary(locale: Locale, item: &office::Appointment) -> impl IntoView + use<> {
    let lang = locale.tag();
    let when = format!(
        "{} – {}",
        office::local_time(&item.start, lang),
        office::local_time(&item.end, lang)
    );
    let untitled = item.subject.trim().is_empty();
    view! {
        <p class="item-summary">
            <strong>{if untitled { Words::Untitled.text(locale).to_owned() } else { item.subject.clone() }}</strong>
            <span class="detail item-when">{when}</span>
        </p>
        {untitled.then(|| view! { <p class="field-error" role="alert">{Words::NeedsTitle.text(locale)}</p> })}
    }
}

/// Opens the options panel with what the organiser's Webex offers now, or says why it cannot
/// (Webex not connected: the account line above offers to connect it).
fn open_options(auth: Auth, mode: RwSignal<Mode>, problem: RwSignal<Option<Problem>>) {
    problem.set(None);
    spawn_local(async move {
        match webex_status(auth).await {
            Ok(status) if status.connected => {
                mode.try_set(Mode::Options(Box::new(status)));
            }
            Ok(_) => {
                problem.try_set(Some(Problem::Shared(Text::Error(
                    davet_api::ErrorCode::WebexConnectionRequired,
                ))));
            }
            Err(error) => {
                problem.try_set(Some(error.into()));
            }
        }
    });
}

/// The section's signals, shared by its actions.
#[derive(Clone, Copy)]
struct Section {
    auth: Auth,
    locale: Locale,
    mode: RwSignal<Mode>,
    /// The meeting on the item.
    kept: RwSignal<Option<Kept>>,
    /// Webex no longer has the item's meeting.
    gone: RwSignal<bool>,
    /// What was done last (with a time, for a move).
    note: RwSignal<Option<(Words, Option<String>)>>,
    problem: RwSignal<Option<Problem>>,
    /// The appointment as the options panel opened: what will be scheduled.
    item: RwSignal<Option<office::Appointment>>,
}

impl Section {
    /// Runs one action: the section says `working` meanwhile, then what was done or what
    /// went wrong (the item's meeting as it was).
    fn run<F>(self, working: Words, done: Words, action: F)
    where
        F: std::future::Future<Output = Result<Option<Kept>, Problem>> + 'static,
    {
        self.mode.set(Mode::Working(working));
        self.problem.set(None);
        self.note.set(None);
        spawn_local(async move {
            match action.await {
                Ok(kept) => {
                    let at = (done == Words::Moved)
                        .then(|| {
                            kept.as_ref()
                                .map(|k| office::local_time(&k.start, self.locale.tag()))
                        })
                        .flatten();
                    self.kept.try_set(kept);
                    self.gone.try_set(false);
                    self.note.try_set(Some((done, at)));
                }
                Err(problem) => {
                    self.problem.try_set(Some(problem));
                }
            }
            self.mode.try_set(Mode::Idle);
        });
    }

    /// The options panel, with what Webex offers the organiser now.
    fn open_options(self) {
        let item = self.item;
        spawn_local(async move {
            item.try_set(office::appointment().await.ok());
        });
        open_options(self.auth, self.mode, self.problem);
    }

    fn confirm(self, options: WebexOptions) {
        let existing = self.kept.get_untracked();
        let (working, done) = match existing {
            Some(_) => (Words::Updating, Words::Updated),
            None => (Words::Adding, Words::Added),
        };
        self.run(
            working,
            done,
            schedule(self.auth, self.locale, options, existing),
        );
    }

    fn remove(self) {
        let Some(kept) = self.kept.get_untracked() else {
            return;
        };
        self.run(Words::Removing, Words::Removed, remove(self.auth, kept));
    }

    /// The appointment moved: its meeting follows, with the options it has.
    fn moved(self) {
        let Some(kept) = self.kept.get_untracked() else {
            return;
        };
        if self.mode.get_untracked() != Mode::Idle {
            return;
        }
        let options = kept.options.clone();
        self.run(
            Words::Updating,
            Words::Moved,
            schedule(self.auth, self.locale, options, Some(kept)),
        );
    }

    /// The item's meeting, read when the pane opens, and whether Webex still has it.
    fn read_item(self) {
        spawn_local(async move {
            let found = kept_on_item().await;
            self.mode.try_set(Mode::Idle);
            match found {
                Ok(Some(kept)) => {
                    self.kept.try_set(Some(kept.clone()));
                    match still_in_webex(self.auth, &kept).await {
                        Ok(held) => {
                            self.gone.try_set(!held);
                        }
                        Err(error) => {
                            self.problem.try_set(Some(error.into()));
                        }
                    }
                }
                Ok(None) => {}
                Err(error) => {
                    self.problem.try_set(Some(error.into()));
                }
            }
        });
    }
}

#[component]
pub fn MeetingSection() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let section = Section {
        auth: use_auth(),
        locale,
        mode: RwSignal::new(Mode::Reading),
        kept: RwSignal::new(None),
        gone: RwSignal::new(false),
        note: RwSignal::new(None),
        problem: RwSignal::new(None),
        item: RwSignal::new(None),
    };
    section.read_item();

    // A moved appointment moves its meeting, once the moving has settled.
    let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let on_moved = Closure::<dyn FnMut()>::new(move || {
        let timeout = gloo_timers::callback::Timeout::new(SETTLE_MS, move || section.moved());
        pending.set_value(Some(timeout));
    });
    office::on_time_changed(&on_moved);
    on_moved.forget();

    let has = move |kept: Kept| {
        view! {
            <dl class="meeting-info">
                <dt>{Words::NumberLabel.text(locale)}</dt>
                <dd class="meeting-number">{kept.meeting_number.clone()}</dd>
                <dt>{Words::Join.text(locale)}</dt>
                <dd><a class="join-link" href=kept.web_link.clone() target="_blank" rel="noopener">{kept.web_link.clone()}</a></dd>
            </dl>
            {move || section.gone.get().then(|| view! { <p class="notice gone" role="alert">{Words::DeletedInWebex.text(locale)}</p> })}
            <p class="meeting-actions">
                <button class="update-meeting" on:click=move |_| section.open_options()>{Words::Update.text(locale)}</button>
                " "
                <button class="remove-meeting" on:click=move |_| section.remove()>{Words::Remove.text(locale)}</button>
            </p>
        }
    };

    view! {
        <section class="meeting" aria-labelledby="meeting-heading">
            <h2 id="meeting-heading">{Words::Heading.text(locale)}</h2>
            {move || match section.mode.get() {
                Mode::Reading => view! { <p class="muted">{locale.text(Text::Loading)}</p> }.into_any(),
                Mode::Working(words) => view! { <p class="working" role="status">{words.text(locale)}</p> }.into_any(),
                Mode::Options(status) => {
                    let options = section.kept.get_untracked().map_or_else(|| status.defaults.clone(), |k| k.options);
                    view! {
                        {move || section.item.get().map(|item| summary(locale, &item))}
                        {options_panel(locale, *status, options, section.kept.with_untracked(Option::is_some), move |picked| section.confirm(picked), move || section.mode.set(Mode::Idle))}
                    }.into_any()
                }
                Mode::Idle => match section.kept.get() {
                    Some(kept) => has(kept).into_any(),
                    None => view! {
                        <button class="primary add-meeting" on:click=move |_| section.open_options()>{Words::Add.text(locale)}</button>
                    }.into_any(),
                },
            }}
            {move || section.note.get().map(|(words, at)| view! {
                <p class="notice-ok meeting-note" role="status">{words.text(locale)}{at.map(|at| format!(" {at}"))}</p>
            })}
            {move || section.problem.get().map(|p| view! { <p class="error meeting-error" role="alert">{p.text(locale)}</p> })}
        </section>
    }
}

/// Message compose: the meeting Davet writes whole (the Webex meeting, then the organiser's
/// Outlook event with every invitee), for the message's To and Cc and what the organiser
/// picked. Groups and folders are expanded by the server, then, never kept.
#[component]
pub fn MessageSchedule() -> impl IntoView {
    let locale = use_context::<Locale>().unwrap_or(Locale::En);
    let auth = use_auth();
    let picks = use_context::<MeetingPicks>().unwrap_or_default();
    // A chip's Who?: the pick's people, why each is in, who is left out, the verdict.
    let who = Invitation::new();
    let subject = RwSignal::new(String::new());
    let start = RwSignal::new(office::next_half_hour());
    let minutes = RwSignal::new(60u32);
    let mode = RwSignal::new(Mode::Idle);
    let outcome = RwSignal::new(None::<ScheduleOutcome>);
    let problem = RwSignal::new(None::<Problem>);
    spawn_local(async move {
        if let Ok(message) = office::message().await {
            subject.try_set(message.subject);
        }
    });
    let words = move |w: Words| w.text(locale);

    let open_options = move || open_options(auth, mode, problem);
    let confirm = move |options: WebexOptions| {
        mode.set(Mode::Working(Words::Scheduling));
        problem.set(None);
        outcome.set(None);
        let planned = Planned {
            subject: subject.get_untracked(),
            start: start.get_untracked(),
            minutes: minutes.get_untracked(),
            picks: picks
                .0
                .with_untracked(|all| all.iter().map(|(p, _)| p.clone()).collect()),
        };
        spawn_local(async move {
            match schedule_event(auth, locale, planned, options).await {
                Ok(done) => {
                    outcome.try_set(Some(done));
                }
                Err(error) => {
                    problem.try_set(Some(error));
                }
            }
            mode.try_set(Mode::Idle);
        });
    };
    // Too many people: each group that has an address is invited by it instead.
    let use_addresses = move |addresses: Vec<davet_api::GroupAddress>| {
        picks.0.update(|all| {
            for address in addresses {
                all.retain(|(p, _)| !matches!(p, Selection::Group { id, .. } if *id == address.id));
                all.push((
                    Selection::Person {
                        email: address.mail,
                        display_name: address.display_name,
                    },
                    Some(address.members),
                ));
            }
        });
        outcome.set(None);
    };

    let chips = move || {
        picks.0.get().into_iter().map(|(pick, people)| {
            let name = pick_name(&pick).to_owned();
            let label = format!("{} {name}", words(Words::Unpick));
            let shown = pick.clone();
            let open = pick.clone();
            let whole = !matches!(pick, Selection::Person { .. });
            view! {
                <li class="chip">
                    {if whole {
                        view! {
                            <button class="chip-who" aria-expanded=move || who.showing(&open).to_string()
                                on:click=move |_| who.toggle_who(shown.clone())>{name.clone()}</button>
                        }.into_any()
                    } else {
                        view! { <span>{name.clone()}</span> }.into_any()
                    }}
                    {people.map(|n| view! { <span class="chip-count">{n}</span> })}
                    <button class="unpick" aria-label=label on:click=move |_| picks.remove(&pick)>"×"</button>
                </li>
            }
        }).collect_view()
    };
    let result = move || {
        outcome.get().map(|done| match done {
        ScheduleOutcome::Scheduled { attendees, event_link, receipt, .. } => view! {
            <p class="notice-ok scheduled" role="status">
                {words(Words::Scheduled)} " " <span class="scheduled-count">{attendees}</span> " " {locale.counted(attendees, Text::PeopleCount)}
                {event_link.map(|link| view! { " · " <a class="event-link" href=link target="_blank" rel="noopener">{words(Words::OpenEvent)}</a> })}
            </p>
            {(!receipt.groups.is_empty() || !receipt.folders.is_empty()).then(|| crate::invite::receipt(locale, &receipt))}
        }.into_any(),
        ScheduleOutcome::TooMany { verdict } => {
            let (count, limit, addresses) = match verdict {
                davet_api::RecipientVerdict::TooMany { count, limit, invite_group_addresses } => (count, limit, invite_group_addresses),
                davet_api::RecipientVerdict::Fits { count, limit } => (count, limit, Vec::new()),
            };
            let offer = (!addresses.is_empty()).then(|| view! {
                <button class="primary use-addresses" on:click=move |_| use_addresses(addresses.clone())>{locale.text(Text::InviteAddress)}</button>
            });
            view! {
                <div class="notice too-many" role="alert">
                    <p>{count} " " {locale.text(Text::TooManyPeople)} " (" {limit} "). " {words(Words::NothingMade)}</p>
                    {offer}
                </div>
            }.into_any()
        }
    })
    };

    view! {
        <section class="meeting message-meeting" aria-labelledby="meeting-heading">
            <h2 id="meeting-heading">{words(Words::MessageHeading)}</h2>
            <label class="field">
                <span>{words(Words::Subject)}</span>
                <input type="text" class="meeting-subject" maxlength="255" prop:value=subject
                    on:input=move |ev| subject.set(event_target_value(&ev))/>
            </label>
            <div class="field-row">
                <label class="field">
                    <span>{words(Words::Starts)}</span>
                    <input type="datetime-local" class="meeting-start" prop:value=start
                        on:change=move |ev| start.set(event_target_value(&ev))/>
                </label>
                {choice(words(Words::Length), "meeting-length", [30u32, 60, 90, 120].iter().map(|m| (*m, format!("{m} {}", words(Words::Minutes)))).collect(), move || minutes.get(), move |m| minutes.set(m))}
            </div>
            <p class="note">{words(Words::RecipientsToo)}</p>
            <ul class="chips">{chips}</ul>
            {who.view(locale)}
            {move || match mode.get() {
                Mode::Options(status) => {
                    let defaults = status.defaults.clone();
                    options_panel(locale, *status, defaults, false, confirm, move || mode.set(Mode::Idle)).into_any()
                }
                Mode::Working(w) => view! { <p class="working" role="status">{words(w)}</p> }.into_any(),
                _ => view! {
                    // Once a meeting is made, another is a new one: the button says so.
                    <button class="primary schedule-message" on:click=move |_| open_options()>{move || {
                        let made = outcome.with(|o| matches!(o, Some(ScheduleOutcome::Scheduled { .. })));
                        words(if made { Words::ScheduleAnother } else { Words::Schedule })
                    }}</button>
                }.into_any(),
            }}
            {result}
            {move || problem.get().map(|p| view! { <p class="error meeting-error" role="alert">{p.text(locale)}</p> })}
        </section>
    }
}

/// What the organiser asked for in a message, before it is checked.
struct Planned {
    subject: String,
    /// As the time field has it, in the organiser's zone.
    start: String,
    minutes: u32,
    picks: Vec<Selection>,
}

/// Asks Davet to write the meeting: the message's To and Cc and the picks, once per key (kept
/// on the message first; gone once the meeting is made, so the next one is a new meeting).
async fn schedule_event(
    auth: Auth,
    locale: Locale,
    planned: Planned,
    options: WebexOptions,
) -> Result<ScheduleOutcome, Problem> {
    let session = auth.token().ok_or(Problem::Shared(Text::Error(
        davet_api::ErrorCode::SignInRequired,
    )))?;
    let message = office::message().await?;
    let mut selection: Vec<Selection> = message
        .recipients
        .into_iter()
        .map(|r| Selection::Person {
            email: r.email,
            display_name: r.display_name,
        })
        .collect();
    for pick in planned.picks {
        if !selection.contains(&pick) {
            selection.push(pick);
        }
    }
    if selection.is_empty() {
        return Err(Problem::Ours(Words::NobodyYet));
    }
    if selection.len() > MAX_PICKS {
        return Err(Problem::Ours(Words::TooManyPicks));
    }
    let start = office::utc_of_plus(&planned.start, 0);
    let end = office::utc_of_plus(&planned.start, planned.minutes);
    if start.is_empty() || end.is_empty() {
        return Err(Problem::Ours(Words::NoTime));
    }
    let request = EventMeetingRequest {
        meeting: WebexMeetingRequest {
            subject: planned.subject,
            start,
            end,
            time_zone: office::time_zone(),
            recurrence: None,
            options,
            existing_meeting_id: None,
            lang: Some(locale.tag().to_owned()),
        },
        selection,
    };
    let key = item_key().await?;
    let body = serde_json::to_string(&request).map_err(|_| Problem::Shared(Text::NetworkError))?;
    let outcome: ScheduleOutcome =
        auth.check(api::send_json("POST", MEETINGS_PATH, &session, Some(body), Some(key)).await)?;
    if matches!(outcome, ScheduleOutcome::Scheduled { .. }) {
        office::save_item_properties(&[(KEY_PROPERTY, None)]).await?;
    }
    Ok(outcome)
}

/// A labelled list box over `choices`; `get` says which is chosen, `set` hears a new choice.
fn choice<T: Clone + PartialEq + Send + Sync + 'static>(
    label: &'static str,
    class: &'static str,
    choices: Vec<(T, String)>,
    get: impl Fn() -> T + Send + Sync + 'static,
    set: impl Fn(T) + 'static,
) -> impl IntoView {
    let values: Vec<T> = choices.iter().map(|(v, _)| v.clone()).collect();
    let chosen = move || {
        let now = get();
        values
            .iter()
            .position(|v| *v == now)
            .unwrap_or(0)
            .to_string()
    };
    let options = choices
        .iter()
        .enumerate()
        .map(|(i, (_, text))| {
            view! { <option value=i.to_string()>{text.clone()}</option> }
        })
        .collect_view();
    view! {
        <label class="field">
            <span>{label}</span>
            <select class=class prop:value=chosen on:change=move |ev| {
                if let Some((value, _)) = event_target_value(&ev).parse::<usize>().ok().and_then(|i| choices.get(i)) {
                    set(value.clone());
                }
            }>{options}</select>
        </label>
    }
}

/// The options panel: the organiser's remembered options (or the item's meeting's), what
/// their Webex offers, the rules beside the fields.
fn options_panel(
    locale: Locale,
    status: WebexStatus,
    start: WebexOptions,
    updating: bool,
    confirm: impl Fn(WebexOptions) + Copy + 'static,
    cancel: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let draft = RwSignal::new(start);
    let password = RwSignal::new(String::new());
    let password_wrong =
        move || password.with(|p| !p.trim().is_empty() && !davet_api::webex_password_ok(p.trim()));
    let words = move |w: Words| w.text(locale);
    let default_site = status
        .sites
        .iter()
        .find(|s| s.default)
        .or(status.sites.first())
        .map(|s| s.url.clone())
        .unwrap_or_default();
    let site_now = move || {
        draft
            .with(|d| d.site_url.clone())
            .unwrap_or_else(|| default_site.clone())
    };

    let personal_room = status.personal_room.clone().map(|room| view! {
        <label class="check">
            <input type="checkbox" class="personal-room" prop:checked=move || draft.with(|d| d.personal_room)
                on:change=move |ev| draft.update(|d| d.personal_room = event_target_checked(&ev))/>
            <span>{words(Words::PersonalRoom)}<small class="muted room-link">{room.link}</small></span>
        </label>
    });
    let sites = (status.sites.len() > 1).then(|| {
        let site_now = site_now.clone();
        let choices = status
            .sites
            .iter()
            .map(|s| (s.url.clone(), s.url.clone()))
            .collect();
        choice(words(Words::Site), "site", choices, site_now, move |url| {
            draft.update(|d| {
                d.site_url = Some(url);
                d.template_id = None;
            })
        })
    });
    let templates = status.templates.clone();
    let template = move || {
        let site = site_now();
        let mut choices = vec![(None, words(Words::SiteDefault).to_owned())];
        choices.extend(
            templates
                .iter()
                .filter(|t| t.site_url == site)
                .map(|t| (Some(t.id.clone()), t.name.clone())),
        );
        (choices.len() > 1).then(|| {
            choice(
                words(Words::Template),
                "template",
                choices,
                move || draft.with(|d| d.template_id.clone()),
                move |id| draft.update(|d| d.template_id = id),
            )
        })
    };
    let minutes = |list: &[u8], text: Words| -> Vec<(Option<u8>, String)> {
        list.iter()
            .map(|m| (Some(*m), format!("{m} {}", words(text))))
            .collect()
    };
    let mut join_choices = vec![
        (None, words(Words::NoJoinBeforeHost).to_owned()),
        (Some(0), words(Words::AtStart).to_owned()),
    ];
    join_choices.extend(minutes(&[5, 10, 15], Words::MinutesEarly));
    let join = choice(
        words(Words::JoinBeforeHost),
        "join-before-host",
        join_choices,
        move || draft.with(|d| d.join_before_host_minutes),
        move |m| draft.update(|d| d.join_before_host_minutes = m),
    );
    let lobby = choice(
        words(Words::Lobby),
        "lobby",
        vec![
            (LobbyChoice::WaitInLobby, words(Words::LobbyWait).to_owned()),
            (LobbyChoice::AllowJoin, words(Words::LobbyAllow).to_owned()),
            (LobbyChoice::Block, words(Words::LobbyBlock).to_owned()),
        ],
        move || draft.with(|d| d.lobby),
        move |l| draft.update(|d| d.lobby = l),
    );
    let mut reminder_choices = vec![(Some(0u16), words(Words::NoReminder).to_owned())];
    reminder_choices.extend(
        [5u16, 10, 15, 30, 60]
            .iter()
            .map(|m| (Some(*m), format!("{m} {}", words(Words::MinutesBefore)))),
    );
    // Left out, the server reminds 10 minutes before.
    let reminder = choice(
        words(Words::Reminder),
        "reminder",
        reminder_choices,
        move || draft.with(|d| d.reminder_minutes.or(Some(10))),
        move |m| draft.update(|d| d.reminder_minutes = m),
    );

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if password_wrong() {
            return;
        }
        let mut options = draft.get_untracked();
        options.password =
            password.with_untracked(|p| Some(p.trim().to_owned()).filter(|p| !p.is_empty()));
        confirm(options);
    };
    view! {
        <form class="options" on:submit=submit novalidate>
            {personal_room}
            {sites}
            {template}
            <label class="field">
                <span>{words(Words::Password)}</span>
                <input type="text" class="password" autocomplete="off" spellcheck="false" maxlength="32"
                    placeholder=words(Words::PasswordHint)
                    aria-invalid=move || password_wrong().to_string()
                    aria-describedby="password-rule"
                    on:input=move |ev| password.set(event_target_value(&ev))/>
            </label>
            <p id="password-rule" class=move || if password_wrong() { "field-error" } else { "field-help" }>{words(Words::PasswordRule)}</p>
            {join}
            {lobby}
            <label class="check">
                <input type="checkbox" class="auto-record" prop:checked=move || draft.with(|d| d.auto_record)
                    on:change=move |ev| draft.update(|d| d.auto_record = event_target_checked(&ev))/>
                <span>{words(Words::Record)}</span>
            </label>
            {reminder}
            <p class="form-actions">
                <button type="submit" class="primary confirm-meeting">{words(if updating { Words::Save } else { Words::Add })}</button>
                " "
                <button type="button" class="cancel" on:click=move |_| cancel()>{words(Words::Cancel)}</button>
            </p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_of_the_section_is_in_both_languages() {
        use Words::*;
        let all = [
            Heading,
            Add,
            Update,
            Remove,
            Cancel,
            Save,
            Adding,
            Updating,
            Removing,
            Added,
            Moved,
            Updated,
            Removed,
            DeletedInWebex,
            NumberLabel,
            Join,
            PersonalRoom,
            Site,
            Template,
            SiteDefault,
            Password,
            PasswordHint,
            PasswordRule,
            JoinBeforeHost,
            NoJoinBeforeHost,
            AtStart,
            MinutesEarly,
            Lobby,
            LobbyAllow,
            LobbyWait,
            LobbyBlock,
            Record,
            Reminder,
            NoReminder,
            MinutesBefore,
            NotAppointment,
            OfficeRefused,
        ];
        for words in all {
            let (en, tr) = (words.text(Locale::En), words.text(Locale::Tr));
            assert!(!en.is_empty() && !tr.is_empty(), "{words:?}");
            assert_ne!(en, tr, "{words:?} untranslated");
        }
    }

    #[test]
    fn what_the_item_keeps_never_holds_the_password_and_fits_outlooks_limit() {
        let meeting = WebexMeetingInfo {
            id: "870f51ff287b41be84648412901e0402".into(),
            meeting_number: "2512345678".into(),
            web_link: "https://ornek.webex.com/ornek/j.php?MTID=m8a1b2c3d4e5f60718293a4b5c6d7e8f9"
                .into(),
            password: "Bg8Jep43".into(),
            site_url: "ornek.webex.com".into(),
            host_email: "ayse.kaya@ornek.example".into(),
            start: "2026-12-03T07:00:00Z".into(),
            end: "2026-12-03T08:00:00Z".into(),
        };
        let options = WebexOptions {
            password: Some("Gizli2026x".into()),
            cohosts: (0..50)
                .map(|i| format!("ortak.sunucu.{i}@ornek.example"))
                .collect(),
            ..WebexOptions::default()
        };
        let json = serde_json::to_string(&Kept::new(&meeting, &options)).expect("json");
        assert!(!json.contains("Gizli2026x"), "{json}");
        assert!(json.len() < 2500, "{} characters", json.len());
    }
}

//! Error policy, in one place:
//!
//! - Every error a client sees is `davet_api::ApiError`: an HTTP status, a machine-readable
//!   `code`, and a human message in English (`message`) and Turkish (`messageTr`).
//!   [`AppError::public`] is the one table that maps an error to all four; nothing else does.
//! - Input errors are 400/422 and name what is wrong. Upstream failures are 502 (unreachable or
//!   failing), 503 (throttled past our retry budget) or 502 with `directory_access_denied`
//!   (our credentials were refused: an admin's problem, never the organiser's).
//! - Who is calling: no session or an ended one is 401 `sign_in_required` (the pane signs in
//!   again); a token offered to sign in that does not hold is 401 `sign_in_failed`, and the log
//!   names which check it failed. 401s carry `WWW-Authenticate: Bearer`.
//! - Lower layers (domain, clients, vault) return their own errors; this module converts them.
//! - Details of upstream failures go to the log, without tokens, addresses or membership.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use davet_api::{ApiError, ErrorCode, PEOPLE_QUERY_MAX_CHARS, PEOPLE_QUERY_MIN_CHARS};

use crate::domain::email::NotAnEmailAddress;
use crate::domain::expansion::PicksError;
use crate::domain::meeting::MeetingError;
use crate::domain::people::PeopleQueryError;
use crate::domain::recurrence::RecurrenceNotSupported;
use crate::domain::user::{NotAContactFolderId, NotADirectoryId};
use crate::domain::webex::NotAnIdempotencyKey;
use crate::graph::GraphError;
use crate::identity::{IdentityError, TokenRejected};
use crate::tokens::AccessError;
use crate::vault::VaultError;
use crate::webex::WebexError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    PeopleQuery(#[from] PeopleQueryError),
    /// The request cannot be read, or names something that cannot be.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// A picked group or folder disappeared (deleted meanwhile); by its display name.
    #[error("pick gone: {0}")]
    PickGone(String),
    /// No live session: the pane signs in (again).
    #[error("sign-in required: {0}")]
    SignInRequired(&'static str),
    /// The identity platform sent the person back without a code (refused or cancelled), with
    /// this documented OAuth error code.
    #[error("sign-in refused by the identity platform: {0}")]
    SignInRefused(&'static str),
    /// A token offered to sign in was refused.
    #[error("token refused: {0}")]
    TokenRejected(#[from] TokenRejected),
    /// The person's Microsoft tokens are gone (revoked, expired): they sign in again.
    #[error("the person must sign in again")]
    SignedOut,
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Webex(#[from] WebexError),
    /// Graph refused the event for good; the Webex meeting was deleted again.
    #[error("the event was not written: {0}")]
    EventNotWritten(GraphError),
    /// The meeting asked for breaks a rule.
    #[error(transparent)]
    Meeting(#[from] MeetingError),
    /// The deployment has no Webex integration (`DAVET_WEBEX_CLIENT_ID` unset).
    #[error("Webex is not configured")]
    WebexNotConfigured,
    /// Connecting Webex is for person mode; this deployment runs in organisation mode.
    #[error("Webex is connected by an admin for the whole organisation here")]
    WebexOrganisationMode,
    /// The Webex account someone connected is not under their directory address.
    #[error("the Webex account connected is not the organiser's")]
    WebexAccountMismatch,
    /// No route has this path.
    #[error("no such address")]
    NoRoute,
    /// The path is there, the method is not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The answer did not begin within the deployment's request bound.
    #[error("the request took too long")]
    TimedOut,
}

/// What is wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    /// The framework could not read the body, query or path; its words say why.
    #[error("{0}")]
    Malformed(String),
    #[error("the query parameter `{0}` is required")]
    MissingParameter(&'static str),
    #[error(transparent)]
    DirectoryId(#[from] NotADirectoryId),
    #[error(transparent)]
    ContactFolderId(#[from] NotAContactFolderId),
    #[error(transparent)]
    Email(#[from] NotAnEmailAddress),
    #[error(transparent)]
    Picks(#[from] PicksError),
    #[error("this sign-in expired or was not started here")]
    SignInNotOurs,
    #[error("the callback carries no code")]
    NoCode,
    #[error("the identity platform sent no ID token")]
    NoIdToken,
    #[error("the Idempotency-Key header is required: {0}")]
    IdempotencyKey(#[from] NotAnIdempotencyKey),
}

impl From<AccessError> for AppError {
    fn from(error: AccessError) -> Self {
        match error {
            AccessError::SignedOut => Self::SignedOut,
            AccessError::NoRefreshToken => Self::Identity(IdentityError::Refused(
                "no refresh token: is offline_access consented?".into(),
            )),
            AccessError::Busy => Self::Identity(IdentityError::Unavailable(
                "another replica holds the refresh".into(),
            )),
            AccessError::Issuer(e) => Self::Identity(e),
            AccessError::Vault(e) => Self::Vault(e),
        }
    }
}

macro_rules! invalid_from {
    ($($t:ty),*) => {$(
        impl From<$t> for AppError {
            fn from(error: $t) -> Self {
                Self::Invalid(error.into())
            }
        }
    )*};
}
invalid_from!(
    NotADirectoryId,
    NotAContactFolderId,
    NotAnEmailAddress,
    PicksError
);

/// What a client is told of an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Public {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub en: String,
    pub tr: String,
}

impl Public {
    fn new(
        status: StatusCode,
        code: ErrorCode,
        en: impl Into<String>,
        tr: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            en: en.into(),
            tr: tr.into(),
        }
    }

    pub fn api_error(&self) -> ApiError {
        ApiError {
            code: self.code,
            message: self.en.clone(),
            message_tr: self.tr.clone(),
        }
    }
}

impl AppError {
    /// The one table: status, code, and the message in English and Turkish. Input errors say
    /// what is wrong; upstream errors say which service failed, not its internals.
    pub fn public(&self) -> Public {
        use ErrorCode as C;
        use StatusCode as S;
        match self {
            Self::PeopleQuery(PeopleQueryError::TooShort) => Public::new(
                S::UNPROCESSABLE_ENTITY,
                C::QueryLength,
                self.to_string(),
                format!("Aramak için en az {PEOPLE_QUERY_MIN_CHARS} karakter yazın"),
            ),
            Self::PeopleQuery(PeopleQueryError::TooLong) => Public::new(
                S::UNPROCESSABLE_ENTITY,
                C::QueryLength,
                self.to_string(),
                format!("Bir arama en fazla {PEOPLE_QUERY_MAX_CHARS} karakterdir"),
            ),
            Self::Invalid(invalid) => Public::new(
                S::BAD_REQUEST,
                C::InvalidRequest,
                invalid.to_string(),
                invalid.turkish(),
            ),
            Self::Graph(GraphError::Throttled) => Public::new(
                S::SERVICE_UNAVAILABLE,
                C::DirectoryThrottled,
                "Microsoft 365 is busy; try again in a minute",
                "Microsoft 365 şu an yoğun; bir dakika sonra yeniden deneyin",
            ),
            Self::Graph(GraphError::AccessDenied(_)) => Public::new(
                S::BAD_GATEWAY,
                C::DirectoryAccessDenied,
                "Microsoft 365 refused Davet's access; ask your administrator to check the app's consent",
                "Microsoft 365, Davet'in erişimini reddetti; yöneticinizden uygulamanın onayını denetlemesini isteyin",
            ),
            Self::Graph(GraphError::Unavailable(_)) => Public::new(
                S::BAD_GATEWAY,
                C::DirectoryUnavailable,
                "Microsoft 365 cannot be reached right now",
                "Microsoft 365'e şu an ulaşılamıyor",
            ),
            Self::Graph(GraphError::Rejected { .. }) => Public::new(
                S::INTERNAL_SERVER_ERROR,
                C::Internal,
                "the directory request failed",
                "Dizin isteği başarısız oldu",
            ),
            // What Graph said is for the log: the client is told what is missing, not Graph's code.
            Self::Graph(GraphError::NotFound(_)) => Public::new(
                S::NOT_FOUND,
                C::NotFound,
                "that is not in the directory: deleted, or never there",
                "Bu, dizinde yok: silinmiş ya da hiç olmamış",
            ),
            Self::PickGone(name) => Public::new(
                S::NOT_FOUND,
                C::NotFound,
                format!("“{name}” is no longer in the directory: it was deleted; pick again"),
                format!("“{name}” artık dizinde yok: silinmiş; yeniden seçin"),
            ),
            Self::Graph(GraphError::SignedOut) | Self::SignInRequired(_) | Self::SignedOut => {
                Public::new(
                    S::UNAUTHORIZED,
                    C::SignInRequired,
                    "sign in to Davet to go on",
                    "Devam etmek için Davet'te oturum açın",
                )
            }
            Self::TokenRejected(TokenRejected::KeysUnavailable)
            | Self::Identity(IdentityError::Unavailable(_)) => Public::new(
                S::BAD_GATEWAY,
                C::IdentityUnavailable,
                "Microsoft sign-in cannot be reached right now",
                "Microsoft oturum açma hizmetine şu an ulaşılamıyor",
            ),
            // Which check failed is the log's (the refusal is logged with it), not the caller's.
            Self::TokenRejected(_) => Public::new(
                S::UNAUTHORIZED,
                C::SignInFailed,
                "sign-in failed; sign in again",
                "Oturum açılamadı; yeniden oturum açın",
            ),
            Self::SignInRefused(_) => Public::new(
                S::UNAUTHORIZED,
                C::SignInFailed,
                "Microsoft sign-in did not let you in, or it was cancelled",
                "Microsoft oturum açma sizi içeri almadı ya da işlem iptal edildi",
            ),
            Self::Identity(IdentityError::InvalidGrant(_)) => Public::new(
                S::UNAUTHORIZED,
                C::SignInFailed,
                "Microsoft sign-in refused the grant; sign in again",
                "Microsoft oturum açma izni reddetti; yeniden oturum açın",
            ),
            Self::Identity(IdentityError::Refused(_)) => Public::new(
                S::BAD_GATEWAY,
                C::SignInFailed,
                "Microsoft sign-in refused Davet; ask your administrator to check the app's registration and consent",
                "Microsoft oturum açma Davet'i reddetti; yöneticinizden uygulamanın kaydını ve onayını denetlemesini isteyin",
            ),
            Self::Meeting(MeetingError::Recurrence(RecurrenceNotSupported(part))) => Public::new(
                S::UNPROCESSABLE_ENTITY,
                C::RecurrenceNotSupported,
                self.to_string(),
                format!("Webex bir toplantıyı bu şekilde yineleyemez: {part}"),
            ),
            Self::Meeting(meeting) => Public::new(
                S::UNPROCESSABLE_ENTITY,
                C::InvalidMeeting,
                meeting.to_string(),
                meeting_turkish(meeting),
            ),
            Self::Webex(WebexError::ConnectionRequired) => Public::new(
                S::FORBIDDEN,
                C::WebexConnectionRequired,
                "connect Webex to go on (in organisation mode: ask your administrator to connect the organisation)",
                "Devam etmek için Webex'i bağlayın (kuruluş kipinde: yöneticinizden kuruluşu bağlamasını isteyin)",
            ),
            Self::EventNotWritten(_) => Public::new(
                S::BAD_GATEWAY,
                C::EventNotWritten,
                "Outlook refused to write the event; the Webex meeting was deleted again, so nothing is left",
                "Outlook etkinliği yazmayı reddetti; Webex toplantısı yeniden silindi, geride hiçbir şey kalmadı",
            ),
            Self::WebexNotConfigured => Public::new(
                S::SERVICE_UNAVAILABLE,
                C::WebexNotConfigured,
                "Webex is not configured for this Davet; ask your administrator",
                "Bu Davet için Webex yapılandırılmamış; yöneticinize danışın",
            ),
            Self::WebexOrganisationMode => Public::new(
                S::CONFLICT,
                C::WebexRefused,
                "your administrator connected Webex for the whole organisation: there is nothing to connect",
                "Yöneticiniz Webex'i tüm kuruluş için bağladı: bağlanacak bir şey yok",
            ),
            Self::WebexAccountMismatch => Public::new(
                S::FORBIDDEN,
                C::WebexAccountMismatch,
                "that Webex account is not under your address; sign in to Webex as yourself",
                "Bu Webex hesabı sizin adresinize ait değil; Webex'te kendi hesabınızla oturum açın",
            ),
            Self::Webex(WebexError::Throttled) => Public::new(
                S::SERVICE_UNAVAILABLE,
                C::WebexThrottled,
                "Webex is busy; try again in a minute",
                "Webex şu an yoğun; bir dakika sonra yeniden deneyin",
            ),
            Self::Webex(WebexError::PasswordRefused(rule)) => Public::new(
                S::UNPROCESSABLE_ENTITY,
                C::WebexPasswordRefused,
                format!("the Webex site's password rules refused the password: {rule}"),
                format!("Webex sitesinin parola kuralları parolayı kabul etmedi: {rule}"),
            ),
            Self::Webex(WebexError::NoAccount(who)) => Public::new(
                S::UNPROCESSABLE_ENTITY,
                C::WebexNoAccount,
                format!("no Webex account (on this site): {}", who.join(", ")),
                format!("Webex hesabı yok (bu sitede): {}", who.join(", ")),
            ),
            Self::Webex(WebexError::CreationLimit) => Public::new(
                S::TOO_MANY_REQUESTS,
                C::WebexLimitReached,
                "Webex allows no more new meetings for you today; try again tomorrow",
                "Webex bugün sizin için yeni toplantıya izin vermiyor; yarın yeniden deneyin",
            ),
            Self::Webex(WebexError::Rejected(why)) => Public::new(
                S::UNPROCESSABLE_ENTITY,
                C::WebexRefused,
                format!("Webex refused the meeting: {why}"),
                format!("Webex toplantıyı kabul etmedi: {why}"),
            ),
            Self::Webex(WebexError::NotFound) => Public::new(
                S::NOT_FOUND,
                C::NotFound,
                "that Webex meeting is not there any more",
                "Bu Webex toplantısı artık yok",
            ),
            Self::Webex(WebexError::Forbidden(_)) => Public::new(
                S::BAD_GATEWAY,
                C::WebexUnavailable,
                "Webex refused Davet's access; ask your administrator to check the Webex integration's scopes",
                "Webex, Davet'in erişimini reddetti; yöneticinizden Webex entegrasyonunun kapsamlarını denetlemesini isteyin",
            ),
            Self::Webex(WebexError::Unavailable(_)) => Public::new(
                S::BAD_GATEWAY,
                C::WebexUnavailable,
                "Webex cannot be reached right now",
                "Webex'e şu an ulaşılamıyor",
            ),
            Self::Webex(WebexError::Vault(_)) => Public::new(
                S::INTERNAL_SERVER_ERROR,
                C::Internal,
                "the token store failed",
                "Belirteç deposu başarısız oldu",
            ),
            Self::NoRoute => Public::new(
                S::NOT_FOUND,
                C::NotFound,
                "there is nothing at this address",
                "Bu adreste bir şey yok",
            ),
            Self::MethodNotAllowed => Public::new(
                S::METHOD_NOT_ALLOWED,
                C::InvalidRequest,
                "this address does not take that method",
                "Bu adres bu yöntemi kabul etmiyor",
            ),
            Self::TimedOut => Public::new(
                S::SERVICE_UNAVAILABLE,
                C::Internal,
                "Davet took too long to answer; try again",
                "Davet'in yanıtı çok uzun sürdü; yeniden deneyin",
            ),
            Self::Vault(_) => Public::new(
                S::INTERNAL_SERVER_ERROR,
                C::Internal,
                "something went wrong on our side",
                "Bizim tarafımızda bir sorun oluştu",
            ),
        }
    }
}

/// What is wrong with a meeting, in Turkish.
fn meeting_turkish(error: &MeetingError) -> String {
    use crate::domain::meeting::{COHOSTS_MAX, SUBJECT_MAX};
    match error {
        MeetingError::NoSubject => "Konu boş".into(),
        MeetingError::SubjectTooLong => format!("Konu {SUBJECT_MAX} karakterden uzun"),
        MeetingError::NotATime(text) => format!("`{text}` bir zaman değil (RFC 3339)"),
        MeetingError::NotAZone(text) => format!("`{text}` bir IANA saat dilimi değil"),
        MeetingError::EndsBeforeStart => "Toplantı başlamadan bitiyor".into(),
        MeetingError::Length => "Bir Webex toplantısı 10 dakika ile 23 saat 59 dakika arasında sürer".into(),
        MeetingError::InThePast => "Toplantı geçmişte başlıyor".into(),
        MeetingError::JoinBeforeHostMinutes => {
            "Toplantı sahibinden önce katılma 0, 5, 10 ya da 15 dakika öncedir".into()
        }
        MeetingError::Reminder => "Hatırlatma 0, 5, 10, 15, 30 ya da 60 dakika öncedir".into(),
        MeetingError::Password => "Webex parolası boşluksuz 8 ila 32 karakterdir; büyük ve küçük harf ile bir rakam içerir".into(),
        MeetingError::TooManyCohosts => format!("En fazla {COHOSTS_MAX} ortak sunucu"),
        MeetingError::Cohost(text) => format!("Ortak sunucu `{text}` bir e-posta adresi değil"),
        MeetingError::RecurringPersonalRoom => {
            "Kişisel oda toplantısı yinelenemez: oda her zaman oradadır".into()
        }
        MeetingError::Recurrence(RecurrenceNotSupported(part)) => {
            format!("Webex bir toplantıyı bu şekilde yineleyemez: {part}")
        }
    }
}

impl Invalid {
    fn turkish(&self) -> String {
        match self {
            Self::Malformed(why) => format!("İstek okunamadı: {why}"),
            Self::MissingParameter(name) => format!("`{name}` sorgu parametresi gerekli"),
            Self::DirectoryId(NotADirectoryId(text))
            | Self::Picks(PicksError::DirectoryId(NotADirectoryId(text))) => {
                format!("`{text}` bir dizin nesnesi kimliği (GUID) değil")
            }
            Self::ContactFolderId(_) | Self::Picks(PicksError::ContactFolderId(_)) => {
                "Kişi klasörü kimliği `/`, `?` ya da `#` içermeyen opak bir metindir".into()
            }
            Self::Email(NotAnEmailAddress(text))
            | Self::Picks(PicksError::Email(NotAnEmailAddress(text))) => {
                format!("`{text}` bir e-posta adresi değil")
            }
            Self::Picks(PicksError::Empty) => "Davet edilecek birini seçin".into(),
            Self::Picks(PicksError::TooMany(max)) => {
                format!("Bir seferde en fazla {max} seçim yapılabilir")
            }
            Self::SignInNotOurs => {
                "Bu oturum açma işleminin süresi doldu ya da burada başlatılmadı".into()
            }
            Self::NoCode => "Geri dönüşte kod yok".into(),
            Self::NoIdToken => "Kimlik platformu kimlik belirteci göndermedi".into(),
            Self::IdempotencyKey(_) => {
                "Idempotency-Key başlığı gerekli: A-Z, a-z, 0-9, - ve _ ile 16 ila 57 karakter"
                    .into()
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let public = self.public();
        if public.status.is_server_error() {
            tracing::error!(error = %self, code = ?public.code, "request failed");
        } else if public.status == StatusCode::UNAUTHORIZED {
            tracing::info!(error = %self, "refused");
        }
        let mut response = (public.status, Json(public.api_error())).into_response();
        if public.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        if matches!(
            public.code,
            ErrorCode::DirectoryThrottled | ErrorCode::WebexThrottled
        ) {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(THROTTLED_RETRY_AFTER_SECS),
            );
        }
        response
    }
}

/// What a throttled answer tells the caller to wait (`Retry-After`, seconds): the service's own
/// waits were already spent inside the request, up to the retry budget, so the caller waits a
/// little longer before its own next try (the pane does so by itself, saying so).
pub const THROTTLED_RETRY_AFTER_SECS: u32 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_error_has_both_languages() {
        let errors = [
            AppError::PeopleQuery(PeopleQueryError::TooShort),
            AppError::Invalid(Invalid::MissingParameter("q")),
            AppError::Invalid(Invalid::Picks(PicksError::TooMany(50))),
            AppError::Graph(GraphError::Throttled),
            AppError::Graph(GraphError::NotFound("x".into())),
            AppError::PickGone("Satış".into()),
            AppError::SignInRequired("no session token"),
            AppError::TokenRejected(TokenRejected::Expired),
            AppError::from(AccessError::SignedOut),
            AppError::NoRoute,
            AppError::MethodNotAllowed,
            AppError::TimedOut,
            AppError::Webex(WebexError::ConnectionRequired),
            AppError::Webex(WebexError::Throttled),
            AppError::Webex(WebexError::PasswordRefused("A mix of letters".into())),
            AppError::Webex(WebexError::NoAccount(vec!["cem@ornek.example".into()])),
            AppError::Webex(WebexError::CreationLimit),
            AppError::Webex(WebexError::Rejected("Invalid start".into())),
            AppError::Webex(WebexError::NotFound),
            AppError::Webex(WebexError::Forbidden("scopes".into())),
            AppError::Webex(WebexError::Unavailable("reset".into())),
            AppError::WebexNotConfigured,
            AppError::WebexOrganisationMode,
            AppError::WebexAccountMismatch,
            AppError::Meeting(MeetingError::Length),
            AppError::Meeting(MeetingError::Password),
            AppError::Meeting(MeetingError::Recurrence(RecurrenceNotSupported(
                "FREQ=HOURLY".into(),
            ))),
            AppError::Invalid(Invalid::IdempotencyKey(NotAnIdempotencyKey)),
        ];
        for error in errors {
            let public = error.public();
            assert!(!public.en.is_empty() && !public.tr.is_empty(), "{error:?}");
            assert_ne!(public.en, public.tr, "{error:?} is not translated");
        }
        assert_eq!(
            AppError::Graph(GraphError::Throttled).public().status,
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn a_throttled_answer_says_when_to_try_again_and_others_do_not() {
        let retry_after = |error: AppError| {
            error
                .into_response()
                .headers()
                .get(axum::http::header::RETRY_AFTER)
                .map(|v| v.to_str().unwrap_or_default().to_owned())
        };
        let wait = THROTTLED_RETRY_AFTER_SECS.to_string();
        assert_eq!(
            retry_after(AppError::Graph(GraphError::Throttled)),
            Some(wait.clone())
        );
        assert_eq!(
            retry_after(AppError::Webex(WebexError::Throttled)),
            Some(wait)
        );
        assert_eq!(retry_after(AppError::Webex(WebexError::NotFound)), None);
    }
}

//! Every string a person reads, in English and Turkish. Adding a [`Text`] without both
//! translations does not compile.

use davet_api::ErrorCode;

/// The organiser's language: the contract's, read from Office's `displayLanguage` (`tr-TR`,
/// `en-US`, …) with `Locale::from_tag`; English unless Turkish.
pub use davet_api::Lang as Locale;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Title,
    SearchLabel,
    SearchPlaceholder,
    TypeMore,
    Searching,
    NoMatches,
    MoreMatches,
    Add,
    Added,
    Guest,
    AddFailed,
    NotInOutlook,
    Error(ErrorCode),
    NetworkError,
    /// A part of the pane (a module loaded after first paint) could not be fetched.
    ViewNotLoaded,
    TryAgain,
    /// Webex or Microsoft 365 is throttling; the pane tries again by itself in `{}` seconds.
    RetryingWebex,
    RetryingDirectory,
    SignInExplain,
    SignIn,
    SigningIn,
    SignInCancelled,
    PopupBlocked,
    SignedInAs,
    SignOut,
    WebexNotConnected,
    WebexConnected,
    WebexConnect,
    WebexDisconnect,
    TabPeople,
    TabGroups,
    GroupSearchLabel,
    GroupSearchPlaceholder,
    KindTeam,
    KindMicrosoft365,
    KindDistributionList,
    KindMailEnabledSecurity,
    KindSecurity,
    PeopleCount,
    Invite,
    Expanding,
    PeopleAddedFrom,
    AlreadyInvited,
    LeftOut,
    TooManyPeople,
    InviteAddress,
    AddressAdded,
    TabContacts,
    ShowPeople,
    PeopleFound,
    PagesRead,
    PeopleIn,
    WhoIsIn,
    External,
    SkipNoMailbox,
    SkipDisabled,
    SkipDevice,
    SkipApp,
    SkipOrganiser,
    ContactGroupsNote,
    ContactFolder,
    DefaultContacts,
    ContactSearchLabel,
    ContactAdded,
    FoldersUnavailable,
    Loading,
    Role,
    Office,
    Phone,
    Email,
    ReportsTo,
    PickedForMeeting,
    ReceiptRead,
    NothingKept,
    Close,
}

/// Every [`Text`] in the organiser's language.
pub trait Localised {
    fn text(self, text: Text) -> &'static str;

    /// The words that follow a count of `n`: English says "1 device", "2 devices"; Turkish
    /// keeps the singular after every number ("1 cihaz", "2 cihaz").
    fn counted(self, n: u32, text: Text) -> &'static str;
}

impl Localised for Locale {
    fn counted(self, n: u32, text: Text) -> &'static str {
        let one = match text {
            Text::PeopleCount => "person",
            Text::PeopleFound => "person found",
            Text::PagesRead => "directory page read",
            Text::PeopleIn => "person to invite in",
            Text::PeopleAddedFrom => "person added from",
            Text::SkipDisabled => "disabled account",
            Text::SkipDevice => "device",
            Text::SkipApp => "app",
            _ => "",
        };
        if n == 1 && self == Locale::En && !one.is_empty() {
            one
        } else {
            self.text(text)
        }
    }

    fn text(self, text: Text) -> &'static str {
        use Locale::{En, Tr};
        match (text, self) {
            (Text::Title, En) => "Invite people",
            (Text::Title, Tr) => "Kişileri davet et",
            (Text::SearchLabel, En) => "Search the directory",
            (Text::SearchLabel, Tr) => "Dizinde ara",
            (Text::SearchPlaceholder, En) => "Name or email address",
            (Text::SearchPlaceholder, Tr) => "Ad veya e-posta adresi",
            (Text::TypeMore, En) => "Type at least two letters.",
            (Text::TypeMore, Tr) => "En az iki harf yazın.",
            (Text::Searching, En) => "Searching…",
            (Text::Searching, Tr) => "Aranıyor…",
            (Text::NoMatches, En) => "Nobody matches.",
            (Text::NoMatches, Tr) => "Eşleşen kimse yok.",
            (Text::MoreMatches, En) => {
                "More people match: type more of the name to narrow the list."
            }
            (Text::MoreMatches, Tr) => {
                "Daha çok kişi eşleşiyor: listeyi daraltmak için adın devamını yazın."
            }
            (Text::Add, En) => "Add",
            (Text::Add, Tr) => "Ekle",
            (Text::Added, En) => "Added",
            (Text::Added, Tr) => "Eklendi",
            (Text::Guest, En) => "Guest",
            (Text::Guest, Tr) => "Misafir",
            (Text::AddFailed, En) => "Outlook did not accept the attendee.",
            (Text::AddFailed, Tr) => "Outlook katılımcıyı kabul etmedi.",
            (Text::NotInOutlook, En) => "Open Davet from an Outlook appointment to add attendees.",
            (Text::NotInOutlook, Tr) => {
                "Katılımcı eklemek için Davet'i bir Outlook randevusundan açın."
            }
            (Text::NetworkError, En) => "The Davet server cannot be reached.",
            (Text::NetworkError, Tr) => "Davet sunucusuna ulaşılamıyor.",
            (Text::SignInExplain, En) => {
                "Davet searches your organisation's directory and writes invitations as you. Sign in with your work account."
            }
            (Text::SignInExplain, Tr) => {
                "Davet kuruluşunuzun dizininde arar ve davetleri sizin adınıza yazar. İş hesabınızla oturum açın."
            }
            (Text::SignIn, En) => "Sign in",
            (Text::SignIn, Tr) => "Oturum aç",
            (Text::SigningIn, En) => "Signing in…",
            (Text::SigningIn, Tr) => "Oturum açılıyor…",
            (Text::SignInCancelled, En) => "Sign-in was cancelled.",
            (Text::SignInCancelled, Tr) => "Oturum açma iptal edildi.",
            (Text::PopupBlocked, En) => {
                "The sign-in window was blocked. Allow pop-ups for Davet and try again."
            }
            (Text::PopupBlocked, Tr) => {
                "Oturum açma penceresi engellendi. Davet için açılır pencerelere izin verip yeniden deneyin."
            }
            (Text::ViewNotLoaded, En) => {
                "This part of Davet did not load; check the connection, then try again."
            }
            (Text::ViewNotLoaded, Tr) => {
                "Davet'in bu bölümü yüklenemedi; bağlantıyı denetleyip yeniden deneyin."
            }
            (Text::TryAgain, En) => "Try again",
            (Text::TryAgain, Tr) => "Yeniden dene",
            (Text::RetryingWebex, En) => "Webex is busy; Davet tries again by itself in {} s.",
            (Text::RetryingWebex, Tr) => {
                "Webex yoğun; Davet {} saniye sonra kendiliğinden yeniden deneyecek."
            }
            (Text::RetryingDirectory, En) => {
                "Microsoft 365 is busy; Davet tries again by itself in {} s."
            }
            (Text::RetryingDirectory, Tr) => {
                "Microsoft 365 yoğun; Davet {} saniye sonra kendiliğinden yeniden deneyecek."
            }
            (Text::SignedInAs, En) => "Signed in as",
            (Text::SignedInAs, Tr) => "Oturum açan:",
            (Text::SignOut, En) => "Sign out",
            (Text::SignOut, Tr) => "Oturumu kapat",
            (Text::WebexNotConnected, En) => "Webex is not connected.",
            (Text::WebexNotConnected, Tr) => "Webex bağlı değil.",
            (Text::WebexConnected, En) => "Webex is connected.",
            (Text::WebexConnected, Tr) => "Webex bağlı.",
            (Text::WebexConnect, En) => "Connect Webex",
            (Text::WebexConnect, Tr) => "Webex'i bağla",
            (Text::WebexDisconnect, En) => "Disconnect",
            (Text::WebexDisconnect, Tr) => "Bağlantıyı kes",
            (Text::TabPeople, En) => "People",
            (Text::TabPeople, Tr) => "Kişiler",
            (Text::TabGroups, En) => "Groups",
            (Text::TabGroups, Tr) => "Gruplar",
            (Text::GroupSearchLabel, En) => "Search groups and lists",
            (Text::GroupSearchLabel, Tr) => "Grup ve listelerde ara",
            (Text::GroupSearchPlaceholder, En) => "Group name or address",
            (Text::GroupSearchPlaceholder, Tr) => "Grup adı veya adresi",
            (Text::KindTeam, En) => "Team",
            (Text::KindTeam, Tr) => "Ekip",
            (Text::KindMicrosoft365, En) => "Microsoft 365 group",
            (Text::KindMicrosoft365, Tr) => "Microsoft 365 grubu",
            (Text::KindDistributionList, En) => "Distribution list",
            (Text::KindDistributionList, Tr) => "Dağıtım listesi",
            (Text::KindMailEnabledSecurity, En) => "Mail-enabled security group",
            (Text::KindMailEnabledSecurity, Tr) => "Posta etkin güvenlik grubu",
            (Text::KindSecurity, En) => "Security group",
            (Text::KindSecurity, Tr) => "Güvenlik grubu",
            (Text::PeopleCount, En) => "people",
            (Text::PeopleCount, Tr) => "kişi",
            (Text::Invite, En) => "Invite all",
            (Text::Invite, Tr) => "Tümünü davet et",
            (Text::Expanding, En) => "Finding everyone in",
            (Text::Expanding, Tr) => "Üyeler bulunuyor:",
            (Text::PeopleAddedFrom, En) => "people added from",
            (Text::PeopleAddedFrom, Tr) => "kişi eklendi:",
            (Text::AlreadyInvited, En) => "already invited",
            (Text::AlreadyInvited, Tr) => "kişi zaten davetli",
            (Text::LeftOut, En) => "left out",
            (Text::LeftOut, Tr) => "dışarıda bırakıldı",
            (Text::TooManyPeople, En) => "people, more than one invitation holds",
            (Text::TooManyPeople, Tr) => "kişi; bir davetin alabileceğinden fazla",
            (Text::InviteAddress, En) => "Invite the group's address instead",
            (Text::InviteAddress, Tr) => "Bunun yerine grubun adresini davet et",
            (Text::AddressAdded, En) => "is invited by its address",
            (Text::AddressAdded, Tr) => "adresiyle davet edildi",
            (Text::TabContacts, En) => "Contacts",
            (Text::TabContacts, Tr) => "Rehber",
            (Text::ShowPeople, En) => "Who?",
            (Text::ShowPeople, Tr) => "Kimler?",
            (Text::PeopleFound, En) => "people found",
            (Text::PeopleFound, Tr) => "kişi bulundu",
            (Text::PagesRead, En) => "directory pages read",
            (Text::PagesRead, Tr) => "dizin sayfası okundu",
            (Text::PeopleIn, En) => "people to invite in",
            (Text::PeopleIn, Tr) => "kişi davet edilecek:",
            (Text::WhoIsIn, En) => "Who they are",
            (Text::WhoIsIn, Tr) => "Kimler",
            (Text::External, En) => "External",
            (Text::External, Tr) => "Dış kişi",
            (Text::SkipNoMailbox, En) => "without a mailbox",
            (Text::SkipNoMailbox, Tr) => "posta kutusu olmayan",
            (Text::SkipDisabled, En) => "disabled accounts",
            (Text::SkipDisabled, Tr) => "devre dışı hesap",
            (Text::SkipDevice, En) => "devices",
            (Text::SkipDevice, Tr) => "cihaz",
            (Text::SkipApp, En) => "apps",
            (Text::SkipApp, Tr) => "uygulama",
            (Text::SkipOrganiser, En) => "you (the organiser)",
            (Text::SkipOrganiser, Tr) => "siz (düzenleyen)",
            (Text::ContactGroupsNote, En) => {
                "Outlook's contact groups (contact lists) cannot be read through Microsoft 365's interfaces, so Davet cannot show them. Invite a group or distribution list from the Groups tab, or the people themselves."
            }
            (Text::ContactGroupsNote, Tr) => {
                "Outlook kişi grupları (kişi listeleri) Microsoft 365 arabirimleriyle okunamadığından Davet bunları gösteremez. Gruplar sekmesinden bir grubu veya dağıtım listesini ya da kişilerin kendisini davet edin."
            }
            (Text::ContactFolder, En) => "Contact folder",
            (Text::ContactFolder, Tr) => "Kişi klasörü",
            (Text::DefaultContacts, En) => "Contacts (main folder)",
            (Text::DefaultContacts, Tr) => "Kişiler (ana klasör)",
            (Text::ContactSearchLabel, En) => "Search this folder",
            (Text::ContactSearchLabel, Tr) => "Bu klasörde ara",
            (Text::ContactAdded, En) => "Added to Required attendees.",
            (Text::ContactAdded, Tr) => "Zorunlu katılımcılara eklendi.",
            (Text::FoldersUnavailable, En) => "Your contact folders cannot be read right now.",
            (Text::FoldersUnavailable, Tr) => "Kişi klasörleriniz şu anda okunamıyor.",
            (Text::Loading, En) => "Loading…",
            (Text::Loading, Tr) => "Yükleniyor…",
            (Text::Role, En) => "Role",
            (Text::Role, Tr) => "Görev",
            (Text::Office, En) => "Office",
            (Text::Office, Tr) => "Ofis",
            (Text::Phone, En) => "Phone",
            (Text::Phone, Tr) => "Telefon",
            (Text::Email, En) => "Email",
            (Text::Email, Tr) => "E-posta",
            (Text::ReportsTo, En) => "Reports to",
            (Text::ReportsTo, Tr) => "Bağlı olduğu kişiler",
            (Text::PickedForMeeting, En) => "is invited when you schedule the meeting.",
            (Text::PickedForMeeting, Tr) => "toplantıyı planladığınızda davet edilir.",
            (Text::ReceiptRead, En) => "Read for this:",
            (Text::ReceiptRead, Tr) => "Bunun için okunan:",
            (Text::NothingKept, En) => "Davet kept none of it.",
            (Text::NothingKept, Tr) => "Davet bunların hiçbirini saklamadı.",
            (Text::Close, En) => "Close",
            (Text::Close, Tr) => "Kapat",
            (Text::Error(code), locale) => error_text(code, locale),
        }
    }
}

fn error_text(code: ErrorCode, locale: Locale) -> &'static str {
    use Locale::{En, Tr};
    match (code, locale) {
        (ErrorCode::QueryLength, En) => "Type between 2 and 100 characters.",
        (ErrorCode::QueryLength, Tr) => "2 ile 100 karakter arasında yazın.",
        (ErrorCode::InvalidRequest, En) => "The request was not valid.",
        (ErrorCode::InvalidRequest, Tr) => "İstek geçerli değil.",
        (ErrorCode::DirectoryUnavailable, En) => "Microsoft 365 cannot be reached right now.",
        (ErrorCode::DirectoryUnavailable, Tr) => "Microsoft 365'e şu anda ulaşılamıyor.",
        (ErrorCode::DirectoryThrottled, En) => "Microsoft 365 is busy; try again in a minute.",
        (ErrorCode::DirectoryThrottled, Tr) => {
            "Microsoft 365 yoğun; bir dakika sonra yeniden deneyin."
        }
        (ErrorCode::DirectoryAccessDenied, En) => {
            "Microsoft 365 refused Davet's access. Ask your administrator."
        }
        (ErrorCode::DirectoryAccessDenied, Tr) => {
            "Microsoft 365 Davet'in erişimini reddetti. Yöneticinize danışın."
        }
        (ErrorCode::SignInRequired, En) => "Sign in to Davet to go on.",
        (ErrorCode::SignInRequired, Tr) => "Devam etmek için Davet'te oturum açın.",
        (ErrorCode::SignInFailed, En) => "Sign-in did not complete. Try again.",
        (ErrorCode::SignInFailed, Tr) => "Oturum açma tamamlanmadı. Yeniden deneyin.",
        (ErrorCode::IdentityUnavailable, En) => "Microsoft sign-in cannot be reached right now.",
        (ErrorCode::IdentityUnavailable, Tr) => {
            "Microsoft oturum açma hizmetine şu anda ulaşılamıyor."
        }
        (ErrorCode::NotFound, En) => "Something you picked is no longer in the directory.",
        (ErrorCode::NotFound, Tr) => "Seçtiğiniz bir öğe artık dizinde yok.",
        (ErrorCode::WebexConnectionRequired, En) => "Connect Webex to go on.",
        (ErrorCode::WebexConnectionRequired, Tr) => "Devam etmek için Webex'i bağlayın.",
        (ErrorCode::WebexNotConfigured, En) => "Webex is not set up for Davet here.",
        (ErrorCode::WebexNotConfigured, Tr) => "Webex burada Davet için kurulmamış.",
        (ErrorCode::WebexAccountMismatch, En) => "That Webex account is not yours.",
        (ErrorCode::WebexAccountMismatch, Tr) => "Bu Webex hesabı sizin değil.",
        (ErrorCode::WebexThrottled, En) => "Webex is busy; try again in a minute.",
        (ErrorCode::WebexThrottled, Tr) => "Webex yoğun; bir dakika sonra yeniden deneyin.",
        (ErrorCode::WebexPasswordRefused, En) => {
            "Webex refused the password: choose another, or leave it empty for Webex to make one."
        }
        (ErrorCode::WebexPasswordRefused, Tr) => {
            "Webex parolayı kabul etmedi: başka bir parola seçin ya da Webex oluştursun diye boş bırakın."
        }
        (ErrorCode::WebexNoAccount, En) => {
            "A cohost you named has no Webex account: take them out, or ask them to get one."
        }
        (ErrorCode::WebexNoAccount, Tr) => {
            "Adını verdiğiniz bir ortak sunucunun Webex hesabı yok: onu çıkarın ya da hesap açmasını isteyin."
        }
        (ErrorCode::WebexLimitReached, En) => {
            "Webex's daily meeting limit is reached: try again tomorrow, or ask your Webex administrator."
        }
        (ErrorCode::WebexLimitReached, Tr) => {
            "Webex'in günlük toplantı sınırına ulaşıldı: yarın yeniden deneyin ya da Webex yöneticinize danışın."
        }
        (ErrorCode::WebexRefused, En) => {
            "Webex refused the meeting: check its options and try again."
        }
        (ErrorCode::WebexRefused, Tr) => {
            "Webex toplantıyı kabul etmedi: seçeneklerini denetleyip yeniden deneyin."
        }
        (ErrorCode::WebexUnavailable, En) => {
            "Webex cannot be reached right now: try again in a few minutes."
        }
        (ErrorCode::WebexUnavailable, Tr) => {
            "Webex'e şu anda ulaşılamıyor: birkaç dakika sonra yeniden deneyin."
        }
        (ErrorCode::InvalidMeeting, En) => "Check the meeting's time and options.",
        (ErrorCode::InvalidMeeting, Tr) => "Toplantının zamanını ve seçeneklerini denetleyin.",
        (ErrorCode::RecurrenceNotSupported, En) => "Webex cannot repeat a meeting this way.",
        (ErrorCode::RecurrenceNotSupported, Tr) => "Webex bir toplantıyı bu şekilde yineleyemez.",
        (ErrorCode::EventNotWritten, En) => "Outlook could not save the event; nothing was kept.",
        (ErrorCode::EventNotWritten, Tr) => "Outlook etkinliği kaydedemedi; hiçbir şey tutulmadı.",
        (ErrorCode::Internal, En) => {
            "Something went wrong on the Davet server: try again, and tell your administrator if it goes on."
        }
        (ErrorCode::Internal, Tr) => {
            "Davet sunucusunda bir sorun oluştu: yeniden deneyin, sürerse yöneticinize bildirin."
        }
    }
}

/// Initials for an avatar, with Turkish casing: in Turkish `ilkay ışık` gives `İI`.
pub fn initials(name: &str, locale: Locale) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .map(|c| upper(c, locale))
        .collect()
}

/// Upper case of one letter; in Turkish `i` is `İ` and `ı` is `I`.
pub fn upper(c: char, locale: Locale) -> String {
    match (c, locale) {
        ('i', Locale::Tr) => "İ".into(),
        ('ı', _) => "I".into(),
        (c, _) => c.to_uppercase().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turkish_is_chosen_from_any_tr_tag() {
        assert_eq!(Locale::from_tag("tr-TR"), Locale::Tr);
        assert_eq!(Locale::from_tag("TR"), Locale::Tr);
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag(""), Locale::En);
    }

    #[test]
    fn initials_follow_turkish_casing() {
        assert_eq!(initials("ilkay ışık", Locale::Tr), "İI");
        assert_eq!(initials("ilkay ışık", Locale::En), "II");
        assert_eq!(initials("Ayşe Yılmaz", Locale::Tr), "AY");
    }

    /// Every text a person can read: each unit text, and the text of every error code. The
    /// matches have no wildcard, so a text or code added and not listed here does not compile.
    fn every_text() -> Vec<Text> {
        let codes = [
            ErrorCode::InvalidRequest,
            ErrorCode::QueryLength,
            ErrorCode::DirectoryUnavailable,
            ErrorCode::DirectoryThrottled,
            ErrorCode::DirectoryAccessDenied,
            ErrorCode::SignInRequired,
            ErrorCode::SignInFailed,
            ErrorCode::IdentityUnavailable,
            ErrorCode::NotFound,
            ErrorCode::WebexConnectionRequired,
            ErrorCode::WebexNotConfigured,
            ErrorCode::WebexAccountMismatch,
            ErrorCode::WebexThrottled,
            ErrorCode::WebexPasswordRefused,
            ErrorCode::WebexNoAccount,
            ErrorCode::WebexLimitReached,
            ErrorCode::WebexRefused,
            ErrorCode::WebexUnavailable,
            ErrorCode::InvalidMeeting,
            ErrorCode::RecurrenceNotSupported,
            ErrorCode::EventNotWritten,
            ErrorCode::Internal,
        ];
        for code in codes {
            match code {
                ErrorCode::InvalidRequest
                | ErrorCode::QueryLength
                | ErrorCode::DirectoryUnavailable
                | ErrorCode::DirectoryThrottled
                | ErrorCode::DirectoryAccessDenied
                | ErrorCode::SignInRequired
                | ErrorCode::SignInFailed
                | ErrorCode::IdentityUnavailable
                | ErrorCode::NotFound
                | ErrorCode::WebexConnectionRequired
                | ErrorCode::WebexNotConfigured
                | ErrorCode::WebexAccountMismatch
                | ErrorCode::WebexThrottled
                | ErrorCode::WebexPasswordRefused
                | ErrorCode::WebexNoAccount
                | ErrorCode::WebexLimitReached
                | ErrorCode::WebexRefused
                | ErrorCode::WebexUnavailable
                | ErrorCode::InvalidMeeting
                | ErrorCode::RecurrenceNotSupported
                | ErrorCode::EventNotWritten
                | ErrorCode::Internal => {}
            }
        }
        let mut all = vec![
            Text::Title,
            Text::SearchLabel,
            Text::SearchPlaceholder,
            Text::TypeMore,
            Text::Searching,
            Text::NoMatches,
            Text::MoreMatches,
            Text::Add,
            Text::Added,
            Text::Guest,
            Text::AddFailed,
            Text::NotInOutlook,
            Text::NetworkError,
            Text::ViewNotLoaded,
            Text::TryAgain,
            Text::RetryingWebex,
            Text::RetryingDirectory,
            Text::SignInExplain,
            Text::SignIn,
            Text::SigningIn,
            Text::SignInCancelled,
            Text::PopupBlocked,
            Text::SignedInAs,
            Text::SignOut,
            Text::WebexNotConnected,
            Text::WebexConnected,
            Text::WebexConnect,
            Text::WebexDisconnect,
            Text::TabPeople,
            Text::TabGroups,
            Text::GroupSearchLabel,
            Text::GroupSearchPlaceholder,
            Text::KindTeam,
            Text::KindMicrosoft365,
            Text::KindDistributionList,
            Text::KindMailEnabledSecurity,
            Text::KindSecurity,
            Text::PeopleCount,
            Text::Invite,
            Text::Expanding,
            Text::PeopleAddedFrom,
            Text::AlreadyInvited,
            Text::LeftOut,
            Text::TooManyPeople,
            Text::InviteAddress,
            Text::AddressAdded,
            Text::TabContacts,
            Text::ShowPeople,
            Text::PeopleFound,
            Text::PagesRead,
            Text::PeopleIn,
            Text::WhoIsIn,
            Text::External,
            Text::SkipNoMailbox,
            Text::SkipDisabled,
            Text::SkipDevice,
            Text::SkipApp,
            Text::SkipOrganiser,
            Text::ContactGroupsNote,
            Text::ContactFolder,
            Text::DefaultContacts,
            Text::ContactSearchLabel,
            Text::ContactAdded,
            Text::FoldersUnavailable,
            Text::Loading,
            Text::Role,
            Text::Office,
            Text::Phone,
            Text::Email,
            Text::ReportsTo,
            Text::PickedForMeeting,
            Text::ReceiptRead,
            Text::NothingKept,
            Text::Close,
        ];
        for text in &all {
            match text {
                Text::Title
                | Text::SearchLabel
                | Text::SearchPlaceholder
                | Text::TypeMore
                | Text::Searching
                | Text::NoMatches
                | Text::MoreMatches
                | Text::Add
                | Text::Added
                | Text::Guest
                | Text::AddFailed
                | Text::NotInOutlook
                | Text::NetworkError
                | Text::ViewNotLoaded
                | Text::TryAgain
                | Text::RetryingWebex
                | Text::RetryingDirectory
                | Text::SignInExplain
                | Text::SignIn
                | Text::SigningIn
                | Text::SignInCancelled
                | Text::PopupBlocked
                | Text::SignedInAs
                | Text::SignOut
                | Text::WebexNotConnected
                | Text::WebexConnected
                | Text::WebexConnect
                | Text::WebexDisconnect
                | Text::TabPeople
                | Text::TabGroups
                | Text::GroupSearchLabel
                | Text::GroupSearchPlaceholder
                | Text::KindTeam
                | Text::KindMicrosoft365
                | Text::KindDistributionList
                | Text::KindMailEnabledSecurity
                | Text::KindSecurity
                | Text::PeopleCount
                | Text::Invite
                | Text::Expanding
                | Text::PeopleAddedFrom
                | Text::AlreadyInvited
                | Text::LeftOut
                | Text::TooManyPeople
                | Text::InviteAddress
                | Text::AddressAdded
                | Text::TabContacts
                | Text::ShowPeople
                | Text::PeopleFound
                | Text::PagesRead
                | Text::PeopleIn
                | Text::WhoIsIn
                | Text::External
                | Text::SkipNoMailbox
                | Text::SkipDisabled
                | Text::SkipDevice
                | Text::SkipApp
                | Text::SkipOrganiser
                | Text::ContactGroupsNote
                | Text::ContactFolder
                | Text::DefaultContacts
                | Text::ContactSearchLabel
                | Text::ContactAdded
                | Text::FoldersUnavailable
                | Text::Loading
                | Text::Role
                | Text::Office
                | Text::Phone
                | Text::Email
                | Text::ReportsTo
                | Text::PickedForMeeting
                | Text::ReceiptRead
                | Text::NothingKept
                | Text::Close => {}
                Text::Error(_) => unreachable!("listed below, one per code"),
            }
        }
        all.extend(codes.into_iter().map(Text::Error));
        all
    }

    #[test]
    fn english_counts_one_in_the_singular_and_turkish_never_pluralises() {
        assert_eq!(
            Locale::En.counted(1, Text::SkipDisabled),
            "disabled account"
        );
        assert_eq!(
            Locale::En.counted(2, Text::SkipDisabled),
            "disabled accounts"
        );
        assert_eq!(Locale::En.counted(0, Text::PeopleCount), "people");
        assert_eq!(Locale::En.counted(1, Text::PeopleCount), "person");
        assert_eq!(
            Locale::Tr.counted(1, Text::SkipDevice),
            Locale::Tr.counted(5, Text::SkipDevice)
        );
        assert_eq!(
            Locale::En.counted(1, Text::SkipNoMailbox),
            "without a mailbox"
        );
    }

    #[test]
    fn both_languages_differ_for_every_text() {
        let all = every_text();
        assert_eq!(all.len(), 74 + 22);
        for text in all {
            let (en, tr) = (Locale::En.text(text), Locale::Tr.text(text));
            assert!(!en.is_empty() && !tr.is_empty(), "{text:?} has no words");
            assert_ne!(en, tr, "{text:?} is untranslated");
        }
    }
}

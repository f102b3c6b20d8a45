//! The server's own pages, outside the pane: the end of a sign-in (which hands the outcome to
//! the pane), the outcome of an admin's consent, and the permissions page. English and Turkish,
//! by `?lang=` or the browser's `Accept-Language`; no inline script or style (the CSP forbids
//! both).

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL};
use axum::response::{Html, IntoResponse, Response};

use crate::auth::sign_in::SignInMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Tr,
}

impl Lang {
    /// `?lang=` first, then the first language of `Accept-Language` we speak, then English.
    pub fn pick(asked: Option<&str>, headers: &HeaderMap) -> Self {
        let accept = headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        asked
            .into_iter()
            .chain(
                accept
                    .split(',')
                    .map(|tag| tag.split(';').next().unwrap_or_default()),
            )
            .find_map(
                |tag| match tag.trim().get(..2).map(str::to_ascii_lowercase).as_deref() {
                    Some("tr") => Some(Self::Tr),
                    Some("en") => Some(Self::En),
                    _ => None,
                },
            )
            .unwrap_or(Self::En)
    }

    fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Tr => "tr",
        }
    }

    fn pick_text(self, en: &'static str, tr: &'static str) -> &'static str {
        match self {
            Self::En => en,
            Self::Tr => tr,
        }
    }
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A page of ours, never cached (outcomes and tokens must not linger in caches).
fn page(lang: Lang, title: &str, head: &str, body_attrs: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/pages/pages.css\">{head}</head>\
         <body{body_attrs}><main>{body}</main></body></html>",
        lang.code(),
        escape(title)
    );
    ([(CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

/// The end of the code flow. The outcome (a session or an error, as JSON) sits in a data block
/// that `sign-in-complete.js` hands to the pane: `messageParent` in an Office dialog,
/// `postMessage` to the opener (our origin only) in a popup.
pub fn sign_in_complete(
    lang: Lang,
    mode: SignInMode,
    signed_in: bool,
    outcome_json: &str,
    office_js_url: &str,
) -> Response {
    let (title, text) = if signed_in {
        (
            lang.pick_text("Signed in", "Oturum açıldı"),
            lang.pick_text(
                "You are signed in to Davet. This window closes by itself; if it does not, close it.",
                "Davet'te oturumunuz açıldı. Bu pencere kendiliğinden kapanır; kapanmazsa kapatın.",
            ),
        )
    } else {
        (
            lang.pick_text("Sign-in failed", "Oturum açılamadı"),
            lang.pick_text(
                "Davet could not sign you in. Close this window and try again from the pane.",
                "Davet oturumunuzu açamadı. Bu pencereyi kapatıp bölmeden yeniden deneyin.",
            ),
        )
    };
    let office = if mode == SignInMode::Dialog {
        format!("<script src=\"{}\"></script>", escape(office_js_url))
    } else {
        String::new()
    };
    // `</` cannot appear in JSON we make except inside strings; escape it so the data block
    // cannot end early.
    let data = outcome_json.replace("</", "<\\/");
    let mode = match mode {
        SignInMode::Dialog => "dialog",
        SignInMode::Popup | SignInMode::Consent => "popup",
    };
    page(
        lang,
        title,
        &format!("{office}<script src=\"/pages/sign-in-complete.js\" defer></script>"),
        &format!(" data-mode=\"{mode}\""),
        &format!(
            "<h1>{}</h1><p>{}</p><script type=\"application/json\" id=\"davet-outcome\">{data}</script>",
            escape(title),
            escape(text)
        ),
    )
}

/// What came of an admin's consent.
pub fn consent_outcome(lang: Lang, granted: Result<&str, &str>) -> Response {
    let (title, body) = match granted {
        Ok(tenant) => (
            lang.pick_text("Consent granted", "Onay verildi"),
            format!(
                "<p>{} <code>{}</code>.</p><p><a href=\"/admin/permissions?lang={}\">{}</a></p>",
                lang.pick_text(
                    "Davet may now work for the people of your organisation, tenant",
                    "Davet artık kuruluşunuzun kişileri için çalışabilir; kiracı",
                ),
                escape(tenant),
                lang.code(),
                lang.pick_text(
                    "Which feature uses which permission",
                    "Hangi özellik hangi izni kullanır"
                ),
            ),
        ),
        Err(why) => (
            lang.pick_text("Consent not granted", "Onay verilmedi"),
            format!(
                "<p>{}</p><p><code>{}</code></p><p><a href=\"/admin/consent\">{}</a></p>",
                lang.pick_text(
                    "The permissions were not granted, so Davet cannot sign anyone in yet.",
                    "İzinler verilmedi; Davet henüz kimsenin oturumunu açamaz.",
                ),
                escape(why),
                lang.pick_text("Try again", "Yeniden deneyin"),
            ),
        ),
    };
    page(
        lang,
        title,
        "",
        "",
        &format!("<h1>{}</h1>{body}", escape(title)),
    )
}

/// One Graph permission: what it reaches and which feature of Davet uses it.
struct Permission {
    name: &'static str,
    reaches: (&'static str, &'static str),
    used_for: (&'static str, &'static str),
}

/// Design §1: the seven delegated permissions Davet asks for, each earned by a feature.
const PERMISSIONS: &[Permission] = &[
    Permission {
        name: "offline_access",
        reaches: (
            "Keep access to data you already granted",
            "Erişimi verdiğiniz verilere erişimi korur",
        ),
        used_for: (
            "Staying signed in: the server calls Graph for you later without asking again. The refresh token is kept encrypted (AES-256-GCM) and forgotten when you sign out.",
            "Oturumun sürmesi: sunucu sizi yeniden sormadan Graph'ı daha sonra sizin adınıza çağırır. Yenileme belirteci şifreli (AES-256-GCM) saklanır ve oturumu kapattığınızda silinir.",
        ),
    },
    Permission {
        name: "User.Read.All",
        reaches: (
            "Full profiles of all users",
            "Tüm kullanıcıların tam profilleri",
        ),
        used_for: (
            "People cards: name, title, department, office, phones, manager chain and photo.",
            "Kişi kartları: ad, unvan, departman, ofis, telefonlar, yönetici zinciri ve fotoğraf.",
        ),
    },
    Permission {
        name: "Directory.Read.All",
        reaches: ("Directory data", "Dizin verileri"),
        used_for: (
            "Type-ahead over the directory while you pick invitees.",
            "Davetlileri seçerken dizinde yazarken arama.",
        ),
    },
    Permission {
        name: "Group.Read.All",
        reaches: ("All groups", "Tüm gruplar"),
        used_for: (
            "Expanding groups, teams and distribution lists (nested ones too) into the people to invite. Membership is never stored.",
            "Grupları, ekipleri ve dağıtım listelerini (iç içe olanlar dahil) davet edilecek kişilere açmak. Üyelik hiçbir zaman saklanmaz.",
        ),
    },
    Permission {
        name: "Contacts.Read",
        reaches: ("Contacts in mailboxes", "Posta kutularındaki kişiler"),
        used_for: (
            "Inviting people from your contact folders. Contacts are never stored.",
            "Kişi klasörlerinizdeki kişileri davet etmek. Kişiler hiçbir zaman saklanmaz.",
        ),
    },
    Permission {
        name: "Calendars.Read",
        reaches: ("Events in calendars", "Takvimlerdeki etkinlikler"),
        used_for: (
            "Reading the Webex meetings in your calendar: time, attendees, subject and options.",
            "Takviminizdeki Webex toplantılarını okumak: zaman, katılımcılar, konu ve seçenekler.",
        ),
    },
    Permission {
        name: "Calendars.ReadWrite",
        reaches: (
            "Read and write calendars",
            "Takvimleri okuma ve takvimlere yazma",
        ),
        used_for: (
            "Writing a meeting into your calendar exactly once when you schedule from a message, and updating or cancelling it.",
            "Bir iletiden planladığınızda toplantıyı takviminize tam bir kez yazmak; güncellemek ya da iptal etmek.",
        ),
    },
];

/// The permissions page: which feature needs which permission.
pub fn permissions(lang: Lang) -> Response {
    let pick = |pair: (&'static str, &'static str)| lang.pick_text(pair.0, pair.1);
    let rows: String = PERMISSIONS
        .iter()
        .map(|p| {
            format!(
                "<tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td></tr>",
                p.name,
                escape(pick(p.reaches)),
                escape(pick(p.used_for))
            )
        })
        .collect();
    let title = lang.pick_text(
        "What Davet asks of Microsoft 365, and why",
        "Davet Microsoft 365'ten ne ister, neden",
    );
    let other = match lang {
        Lang::En => "<a href=\"?lang=tr\" hreflang=\"tr\">Türkçe</a>",
        Lang::Tr => "<a href=\"?lang=en\" hreflang=\"en\">English</a>",
    };
    let body = format!(
        "<nav>{other}</nav><h1>{}</h1><p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{rows}</tbody></table>\
         <p><a href=\"/admin/consent\">{}</a></p>",
        escape(title),
        escape(lang.pick_text(
            "Davet acts only for the person signed in (delegated permissions) and asks for these seven, each used by a feature. Group and contact membership is computed per request and never stored.",
            "Davet yalnızca oturum açan kişi adına çalışır (temsilci izinleri) ve her biri bir özellikçe kullanılan bu yedi izni ister. Grup ve kişi üyelikleri her istekte hesaplanır, hiçbir zaman saklanmaz.",
        )),
        lang.pick_text("Permission", "İzin"),
        lang.pick_text("What it reaches", "Neye erişir"),
        lang.pick_text("What Davet uses it for", "Davet ne için kullanır"),
        lang.pick_text("Grant consent for your organisation", "Kuruluşunuz için onay verin"),
    );
    page(lang, title, "", "", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_comes_from_the_query_then_the_browser() {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, "tr-TR,tr;q=0.9,en;q=0.8".parse().unwrap());
        assert_eq!(Lang::pick(None, &headers), Lang::Tr);
        assert_eq!(Lang::pick(Some("en"), &headers), Lang::En);
        assert_eq!(Lang::pick(None, &HeaderMap::new()), Lang::En);
    }

    #[test]
    fn every_permission_of_the_design_is_explained_in_both_languages() {
        let names: Vec<_> = PERMISSIONS.iter().map(|p| p.name).collect();
        assert_eq!(
            names,
            [
                "offline_access",
                "User.Read.All",
                "Directory.Read.All",
                "Group.Read.All",
                "Contacts.Read",
                "Calendars.Read",
                "Calendars.ReadWrite"
            ]
        );
        for p in PERMISSIONS {
            assert_ne!(p.used_for.0, p.used_for.1, "{} is not translated", p.name);
        }
    }
}

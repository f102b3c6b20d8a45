//! The server's own pages, outside the pane: the end of a sign-in (which hands the outcome to
//! the pane), the outcome of an admin's consent, and the permissions page. English and Turkish,
//! by `?lang=` or the browser's `Accept-Language`; no inline script or style (the CSP forbids
//! both). Written as maud templates: every value is escaped by the template, never by hand.

use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL};
use axum::response::{Html, IntoResponse, Response};
use davet_api::Lang;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::auth::sign_in::Delivery;

/// `?lang=` first, then the first language of `Accept-Language` we speak, then English.
pub fn pick_lang(asked: Option<&str>, headers: &HeaderMap) -> Lang {
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
        .find_map(Lang::parse)
        .unwrap_or_default()
}

/// The English or the Turkish of a text.
fn pick(lang: Lang, en: &'static str, tr: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Tr => tr,
    }
}

/// A page of ours, never cached (outcomes and tokens must not linger in caches).
fn page(lang: Lang, title: &str, head: Markup, mode: Option<&str>, main: Markup) -> Response {
    let html = html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/pages/pages.css";
                (head)
            }
            body data-mode=[mode] {
                main { (main) }
            }
        }
    };
    ([(CACHE_CONTROL, "no-store")], Html(html.into_string())).into_response()
}

/// The end of the sign-in flow: the outcome for the pane, handed over by the page's script.
pub fn sign_in_complete(
    lang: Lang,
    delivery: Delivery,
    signed_in: bool,
    outcome_json: &str,
    office_js_url: &str,
) -> Response {
    let (title, text) = if signed_in {
        (
            pick(lang, "Signed in", "Oturum açıldı"),
            pick(
                lang,
                "You are signed in to Davet. This window closes by itself; if it does not, close it.",
                "Davet'te oturumunuz açıldı. Bu pencere kendiliğinden kapanır; kapanmazsa kapatın.",
            ),
        )
    } else {
        (
            pick(lang, "Sign-in failed", "Oturum açılamadı"),
            pick(
                lang,
                "Davet could not sign you in. Close this window and try again from the pane.",
                "Davet oturumunuzu açamadı. Bu pencereyi kapatıp bölmeden yeniden deneyin.",
            ),
        )
    };
    hand_to_pane(lang, delivery, title, text, outcome_json, office_js_url)
}

/// The end of connecting Webex: the outcome for the pane, handed over the same way.
pub fn webex_connected(
    lang: Lang,
    delivery: Delivery,
    connected: bool,
    outcome_json: &str,
    office_js_url: &str,
) -> Response {
    let (title, text) = if connected {
        (
            pick(lang, "Webex connected", "Webex bağlandı"),
            pick(
                lang,
                "Davet may now schedule Webex meetings for you. This window closes by itself; if it does not, close it.",
                "Davet artık sizin için Webex toplantıları planlayabilir. Bu pencere kendiliğinden kapanır; kapanmazsa kapatın.",
            ),
        )
    } else {
        (
            pick(lang, "Webex not connected", "Webex bağlanamadı"),
            pick(
                lang,
                "Davet could not connect your Webex account. Close this window and try again from the pane.",
                "Davet Webex hesabınızı bağlayamadı. Bu pencereyi kapatıp bölmeden yeniden deneyin.",
            ),
        )
    };
    hand_to_pane(lang, delivery, title, text, outcome_json, office_js_url)
}

/// A page that hands `outcome_json` to the pane that opened it (an Office dialog or a popup).
fn hand_to_pane(
    lang: Lang,
    delivery: Delivery,
    title: &str,
    text: &str,
    outcome_json: &str,
    office_js_url: &str,
) -> Response {
    // A script element's text is not HTML-decoded, so the JSON goes in as it is; `</` cannot
    // appear in JSON we make except inside strings, where `<\/` means the same.
    let data = outcome_json.replace("</", "<\\/");
    let (mode, head) = match delivery {
        Delivery::Dialog => (
            "dialog",
            html! {
                script src=(office_js_url) {}
                script src="/pages/sign-in-complete.js" defer {}
            },
        ),
        Delivery::Popup => (
            "popup",
            html! { script src="/pages/sign-in-complete.js" defer {} },
        ),
    };
    page(
        lang,
        title,
        head,
        Some(mode),
        html! {
            h1 { (title) }
            p { (text) }
            script type="application/json" id="davet-outcome" { (PreEscaped(data)) }
        },
    )
}

/// What came of an admin's consent.
pub fn consent_outcome(lang: Lang, granted: Result<&str, &str>) -> Response {
    let (title, body) = match granted {
        Ok(tenant) => {
            let title = pick(lang, "Consent granted", "Onay verildi");
            (
                title,
                html! {
                    p {
                        (pick(lang,
                            "Davet may now work for the people of your organisation, tenant",
                            "Davet artık kuruluşunuzun kişileri için çalışabilir; kiracı"))
                        " " code { (tenant) } ". "
                        (pick(lang,
                            "Verified: Microsoft issued Davet a token for this tenant.",
                            "Doğrulandı: Microsoft bu kiracı için Davet'e bir belirteç verdi."))
                    }
                    p {
                        a href={ "/admin/permissions?lang=" (lang.tag()) } {
                            (pick(lang, "Which feature uses which permission", "Hangi özellik hangi izni kullanır"))
                        }
                    }
                },
            )
        }
        Err(why) => (
            pick(lang, "Consent not granted", "Onay verilmedi"),
            html! {
                p {
                    (pick(lang,
                        "The permissions were not granted, so Davet cannot sign anyone in yet.",
                        "İzinler verilmedi; Davet henüz kimsenin oturumunu açamaz."))
                }
                p { code { (why) } }
                p { a href="/admin/consent" { (pick(lang, "Try again", "Yeniden deneyin")) } }
            },
        ),
    };
    page(lang, title, html! {}, None, html! { h1 { (title) } (body) })
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

/// The Webex scopes Davet asks for, each earned by a feature: a person's own (person mode), and
/// in organisation mode the admin's once for everyone.
const WEBEX_SCOPES: &[Permission] = &[
    Permission {
        name: "meeting:schedules_write",
        reaches: (
            "Create, change and delete your Webex meetings",
            "Webex toplantılarınızı oluşturma, değiştirme ve silme",
        ),
        used_for: (
            "Making the Webex meeting of an invitation, keeping it in step when the time changes, and cancelling it with the event.",
            "Bir davetin Webex toplantısını oluşturmak, zaman değişince güncel tutmak ve etkinlikle birlikte iptal etmek.",
        ),
    },
    Permission {
        name: "meeting:schedules_read",
        reaches: ("Your Webex meetings", "Webex toplantılarınız"),
        used_for: (
            "Finding the meeting Davet made (so a retry never makes a second) and showing it when you reopen an invitation.",
            "Davet'in oluşturduğu toplantıyı bulmak (yeniden deneme asla ikincisini oluşturmaz) ve daveti yeniden açtığınızda göstermek.",
        ),
    },
    Permission {
        name: "meeting:preferences_read",
        reaches: (
            "Your Webex sites, templates and personal room",
            "Webex siteleriniz, şablonlarınız ve kişisel odanız",
        ),
        used_for: (
            "The meeting options: which site, which template, your personal room.",
            "Toplantı seçenekleri: hangi site, hangi şablon, kişisel odanız.",
        ),
    },
    Permission {
        name: "spark:people_read",
        reaches: (
            "Find Webex accounts by address",
            "Webex hesaplarını adresle bulma",
        ),
        used_for: (
            "Checking that a cohost has a Webex account, by their directory address.",
            "Bir ortak sunucunun Webex hesabı olduğunu dizin adresiyle denetlemek.",
        ),
    },
    Permission {
        name: "meeting:admin_schedule_write, meeting:admin_schedule_read, meeting:admin_preferences_read, spark-admin:people_read",
        reaches: (
            "Organisation mode only: the same, for every person of the organisation",
            "Yalnızca kuruluş kipinde: aynısı, kuruluşun herkesi için",
        ),
        used_for: (
            "Scheduling as each organiser (as host) once an admin has connected the organisation, so nobody connects Webex themselves.",
            "Bir yönetici kuruluşu bağladıktan sonra her düzenleyici adına (toplantı sahibi olarak) planlamak; kimse Webex'i kendisi bağlamaz.",
        ),
    },
];

/// One table of permissions (or scopes): what each reaches and what Davet uses it for.
fn permission_table(lang: Lang, heading: &str, rows: &[Permission]) -> maud::Markup {
    html! {
        table {
            thead {
                tr {
                    th { (heading) }
                    th { (pick(lang, "What it reaches", "Neye erişir")) }
                    th { (pick(lang, "What Davet uses it for", "Davet ne için kullanır")) }
                }
            }
            tbody {
                @for p in rows {
                    tr {
                        th scope="row" { code { (p.name) } }
                        td { (pick(lang, p.reaches.0, p.reaches.1)) }
                        td { (pick(lang, p.used_for.0, p.used_for.1)) }
                    }
                }
            }
        }
    }
}

/// The permissions page: which feature needs which permission.
pub fn permissions(lang: Lang) -> Response {
    let title = pick(
        lang,
        "What Davet asks of Microsoft 365, and why",
        "Davet Microsoft 365'ten ne ister, neden",
    );
    let body = html! {
        nav {
            @match lang {
                Lang::En => a href="?lang=tr" hreflang="tr" { "Türkçe" },
                Lang::Tr => a href="?lang=en" hreflang="en" { "English" },
            }
        }
        h1 { (title) }
        p {
            (pick(lang,
                "Davet acts only for the person signed in (delegated permissions) and asks for these seven, each used by a feature. Group and contact membership is computed per request and never stored.",
                "Davet yalnızca oturum açan kişi adına çalışır (temsilci izinleri) ve her biri bir özellikçe kullanılan bu yedi izni ister. Grup ve kişi üyelikleri her istekte hesaplanır, hiçbir zaman saklanmaz."))
        }
        (permission_table(lang, pick(lang, "Permission", "İzin"), PERMISSIONS))
        p { a href="/admin/consent" { (pick(lang, "Grant consent for your organisation", "Kuruluşunuz için onay verin")) } }
        h2 { (pick(lang, "What Davet asks of Webex, and why", "Davet Webex'ten ne ister, neden")) }
        p {
            (pick(lang,
                "Each person connects their own Webex account once (or an admin connects the organisation once). The Webex refresh token is kept encrypted beside the Microsoft one and forgotten when you disconnect Webex or sign out.",
                "Herkes kendi Webex hesabını bir kez bağlar (ya da bir yönetici kuruluşu bir kez bağlar). Webex yenileme belirteci Microsoft'unkinin yanında şifreli saklanır; Webex bağlantısını kestiğinizde ya da oturumu kapattığınızda silinir."))
        }
        (permission_table(lang, pick(lang, "Scope", "Kapsam"), WEBEX_SCOPES))
    };
    page(lang, title, html! {}, None, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permissions_page_names_every_webex_scope_davet_asks_for() {
        let listed: Vec<&str> = WEBEX_SCOPES
            .iter()
            .flat_map(|p| p.name.split(", "))
            .collect();
        for scope in crate::webex::PERSON_SCOPES
            .iter()
            .chain(crate::webex::ADMIN_SCOPES)
        {
            assert!(listed.contains(scope), "{scope} is not explained");
        }
        assert_eq!(
            listed.len(),
            crate::webex::PERSON_SCOPES.len() + crate::webex::ADMIN_SCOPES.len() - 1,
            "and nothing Davet does not ask for (spark:people_read is in both)"
        );
    }

    #[test]
    fn language_comes_from_the_query_then_the_browser() {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, "tr-TR,tr;q=0.9,en;q=0.8".parse().unwrap());
        assert_eq!(pick_lang(None, &headers), Lang::Tr);
        assert_eq!(pick_lang(Some("en"), &headers), Lang::En);
        assert_eq!(pick_lang(Some("xx"), &headers), Lang::Tr);
        assert_eq!(pick_lang(None, &HeaderMap::new()), Lang::En);
    }

    #[tokio::test]
    async fn what_a_page_shows_is_escaped() {
        let page = consent_outcome(Lang::En, Err("<script>alert(1)</script>"));
        let body = axum::body::to_bytes(page.into_body(), 1 << 20)
            .await
            .unwrap();
        let html = String::from_utf8(body.to_vec()).unwrap();
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>alert"), "{html}");
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

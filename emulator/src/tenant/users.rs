//! The tenant's people: members and guests, with departments and a manager chain.

use serde::Serialize;

use super::{SplitMix64, ascii_fold};

/// A directory user with the properties Graph's `microsoft.graph.user` names (CSDL spelling).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub display_name: String,
    pub given_name: String,
    pub surname: String,
    pub mail: Option<String>,
    pub user_principal_name: String,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub office_location: Option<String>,
    pub business_phones: Vec<String>,
    pub mobile_phone: Option<String>,
    pub preferred_language: Option<String>,
    pub user_type: String,
    pub account_enabled: bool,
    pub proxy_addresses: Vec<String>,
    /// Index of this user's manager (`/users/{id}/manager`); the first user has none.
    #[serde(skip)]
    pub manager: Option<usize>,
    /// Whether `/photo/$value` has an image; otherwise Graph answers 404 `ImageNotFound`.
    #[serde(skip)]
    pub has_photo: bool,
    /// Whether the person has a Webex account under their address (a few have none, so a
    /// cohost without one can be shown).
    #[serde(skip)]
    pub has_webex: bool,
}

/// How many people report to one manager: the chain from anyone to the top is short.
const SPAN_OF_CONTROL: usize = 8;

const GIVEN_NAMES: &[&str] = &[
    "Ayşe",
    "Ayhan",
    "Aylin",
    "Aydın",
    "Ayla",
    "Ayten",
    "Mehmet",
    "Mustafa",
    "Zeynep",
    "Elif",
    "İbrahim",
    "İpek",
    "Işıl",
    "Ilgaz",
    "Çağla",
    "Çağrı",
    "Gökhan",
    "Gülşen",
    "Öznur",
    "Özgür",
    "Şule",
    "Şahin",
    "Ümit",
    "Ülkü",
    "Emre",
    "Burak",
    "Deniz",
    "Ece",
    "Kerem",
    "Selin",
    "Oliver",
    "Amelia",
    "James",
    "Charlotte",
    "Ava",
    "Henry",
    "Grace",
    "Isaac",
    "Iris",
    "Ivy",
    "Ryan",
    "Maya",
    "Noah",
    "Sophie",
    "Daniel",
    "Hannah",
];

const SURNAMES: &[&str] = &[
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Çelik",
    "Yıldız",
    "Yıldırım",
    "Öztürk",
    "Aydın",
    "Özdemir",
    "Arslan",
    "Doğan",
    "Kılıç",
    "Aslan",
    "Çetin",
    "Kara",
    "Koç",
    "Kurt",
    "Özkan",
    "Şimşek",
    "Akbay",
    "Ilıcalı",
    "İnce",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Evans",
    "Thomas",
    "Ayres",
    "Hayes",
    "Irving",
    "Ingram",
];

const DEPARTMENTS: &[&str] = &[
    "Finans",
    "İnsan Kaynakları",
    "Bilgi Teknolojileri",
    "Satış",
    "Pazarlama",
    "Hukuk",
    "Engineering",
    "Customer Success",
    "Operations",
];

const TITLES: &[&str] = &[
    "Uzman",
    "Kıdemli Uzman",
    "Müdür",
    "Direktör",
    "Analyst",
    "Engineer",
    "Senior Engineer",
    "Product Manager",
    "Account Executive",
];

const OFFICES: &[&str] = &[
    "İstanbul Levent",
    "Ankara Çankaya",
    "İzmir Alsancak",
    "London",
    "Remote",
];

pub(super) fn generate(rng: &mut SplitMix64, count: usize, domain: &str) -> Vec<User> {
    // The next free number for each `given.surname`, so a large tenant stays linear.
    let mut taken: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    (0..count)
        .map(|n| {
            let given = rng.pick(GIVEN_NAMES);
            let picked = rng.pick(SURNAMES);
            // One guest in seven is a Işık whose home directory writes names in lower case
            // (`ayşe ışık`), so a search for `ış` has someone to find.
            let lower_case = is_guest(n) && n % 140 == 7;
            let surname = if lower_case { "Işık" } else { picked };
            let base = format!("{}.{}", ascii_fold(given), ascii_fold(surname));
            let seen = taken.entry(base.clone()).or_insert(0);
            *seen += 1;
            let local = if *seen == 1 {
                base
            } else {
                format!("{base}{seen}")
            };
            // Roughly one in twenty is a guest, one in twenty-five disabled.
            let guest = is_guest(n);
            let enabled = n % 25 != 11;
            let (mail, upn, user_type) = if guest {
                let external = format!("{local}@partner.example");
                let upn = format!("{}#EXT#@{domain}", external.replace('@', "_"));
                (external, upn, "Guest")
            } else {
                let mail = format!("{local}@{domain}");
                (mail.clone(), mail, "Member")
            };
            User {
                id: rng.guid(),
                display_name: if lower_case {
                    format!("{} {}", turkish_lower(given), turkish_lower(surname))
                } else {
                    format!("{given} {surname}")
                },
                given_name: given.to_owned(),
                surname: surname.to_owned(),
                proxy_addresses: vec![format!("SMTP:{mail}")],
                mail: Some(mail),
                user_principal_name: upn,
                job_title: Some(rng.pick(TITLES).to_owned()),
                department: Some(DEPARTMENTS[n % DEPARTMENTS.len()].to_owned()),
                office_location: Some(rng.pick(OFFICES).to_owned()),
                business_phones: vec![format!("+90 212 555 {:04}", n % 10_000)],
                mobile_phone: rng
                    .chance(50)
                    .then(|| format!("+90 532 555 {:04}", n % 10_000)),
                preferred_language: Some(if n % 3 == 0 { "en-US" } else { "tr-TR" }.to_owned()),
                user_type: user_type.to_owned(),
                account_enabled: enabled,
                manager: (n > 0 && !guest).then(|| manager_of(n)),
                has_photo: n % 3 != 2,
                has_webex: n % 19 != 7,
            }
        })
        .collect()
}

/// Lower case by Turkish rules: `I` → `ı`, `İ` → `i`.
fn turkish_lower(text: &str) -> String {
    text.chars()
        .flat_map(|c| match c {
            'I' => vec!['ı'],
            'İ' => vec!['i'],
            c => c.to_lowercase().collect(),
        })
        .collect()
}

/// The manager of user `n`: a tree with [`SPAN_OF_CONTROL`] reports each; guests manage nobody.
fn manager_of(n: usize) -> usize {
    let m = (n - 1) / SPAN_OF_CONTROL;
    if is_guest(m) { m - 1 } else { m }
}

fn is_guest(n: usize) -> bool {
    n % 20 == 7
}

/// The departments people work in; each has its own distribution list and team.
pub(super) fn departments() -> &'static [&'static str] {
    DEPARTMENTS
}

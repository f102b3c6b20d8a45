//! A deterministic demo tenant: the same seed and size give the same people, ids and addresses.
//!
//! Names mix Turkish and English (ç ğ ı İ ö ş ü) so that search and casing bugs show.

use serde::Serialize;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantSpec {
    pub seed: u64,
    pub users: usize,
}

impl TenantSpec {
    /// The friendly size `davet demo` uses.
    pub const DEMO: Self = Self {
        seed: 2026,
        users: 300,
    };
}

/// The application registered for the Davet server in this tenant.
#[derive(Debug, Clone)]
pub struct AppRegistration {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug)]
pub struct Tenant {
    /// The directory (tenant) id, a GUID.
    pub id: String,
    /// The verified domain of member accounts.
    pub domain: String,
    pub users: Vec<User>,
    pub app: AppRegistration,
}

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
}

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

impl Tenant {
    pub fn generate(spec: &TenantSpec) -> Self {
        let mut rng = SplitMix64(spec.seed);
        let id = rng.guid();
        let domain = "ornek.example".to_owned();
        let app = AppRegistration {
            client_id: rng.guid(),
            client_secret: format!("demo~{:016x}{:016x}", rng.next(), rng.next()),
        };
        let mut taken = std::collections::HashSet::new();
        let users = (0..spec.users)
            .map(|n| {
                let given = rng.pick(GIVEN_NAMES);
                let surname = rng.pick(SURNAMES);
                let base = format!("{}.{}", ascii_fold(given), ascii_fold(surname));
                let mut local = base.clone();
                let mut k = 2;
                while !taken.insert(local.clone()) {
                    local = format!("{base}{k}");
                    k += 1;
                }
                // Roughly one in twenty is a guest, one in twenty-five disabled.
                let guest = n % 20 == 7;
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
                    display_name: format!("{given} {surname}"),
                    given_name: given.to_owned(),
                    surname: surname.to_owned(),
                    proxy_addresses: vec![format!("SMTP:{mail}")],
                    mail: Some(mail),
                    user_principal_name: upn,
                    job_title: Some(rng.pick(TITLES).to_owned()),
                    department: Some(rng.pick(DEPARTMENTS).to_owned()),
                    office_location: Some(rng.pick(OFFICES).to_owned()),
                    business_phones: vec![format!("+90 212 555 {:04}", n % 10_000)],
                    mobile_phone: None,
                    preferred_language: Some(if n % 3 == 0 { "en-US" } else { "tr-TR" }.to_owned()),
                    user_type: user_type.to_owned(),
                    account_enabled: enabled,
                }
            })
            .collect();
        Self {
            id,
            domain,
            users,
            app,
        }
    }
}

/// Addresses are ASCII: `Çağrı Işık` becomes `cagri.isik`.
fn ascii_fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ç' | 'Ç' => 'c',
            'ğ' | 'Ğ' => 'g',
            'ı' | 'I' | 'İ' | 'i' => 'i',
            'ö' | 'Ö' => 'o',
            'ş' | 'Ş' => 's',
            'ü' | 'Ü' => 'u',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

/// SplitMix64: tiny, fast and deterministic; the tenant needs no cryptographic randomness.
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        // The lists are short constants: the modulo bias is irrelevant here.
        from[(self.next() % from.len() as u64) as usize]
    }

    fn guid(&mut self) -> String {
        guid(self.next(), self.next())
    }
}

/// A version-4-shaped GUID from 128 bits, as directory object and request ids are.
pub(crate) fn guid(a: u64, b: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        ((b >> 48) & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_tenant() {
        let a = Tenant::generate(&TenantSpec::DEMO);
        let b = Tenant::generate(&TenantSpec::DEMO);
        assert_eq!(a.id, b.id);
        assert_eq!(a.users.len(), 300);
        let names = |t: &Tenant| t.users.iter().map(|u| u.mail.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
    }

    #[test]
    fn addresses_are_unique_ascii() {
        let t = Tenant::generate(&TenantSpec {
            seed: 7,
            users: 2_000,
        });
        let mut seen = std::collections::HashSet::new();
        for u in &t.users {
            let mail = u.mail.as_deref().unwrap();
            assert!(mail.is_ascii(), "{mail}");
            assert!(seen.insert(mail.to_owned()), "duplicate {mail}");
        }
    }

    #[test]
    fn names_carry_turkish_letters_and_ids_are_guids() {
        let t = Tenant::generate(&TenantSpec::DEMO);
        assert!(t.users.iter().any(|u| u.display_name.contains('İ')));
        assert!(t.users.iter().any(|u| u.display_name.contains('ı')));
        for u in &t.users {
            assert_eq!(u.id.len(), 36);
            assert_eq!(u.id.matches('-').count(), 4);
        }
    }
}

//! The tenant's groups, external contacts and devices.
//!
//! - a distribution list per department, and "Tüm Çalışanlar" (all staff) holding those lists;
//! - a team (Microsoft 365 group with a Team) per department, with members from other
//!   departments too, so groups overlap;
//! - security groups nested four deep, the deepest holding devices;
//! - a mail-enabled security group holding the top security group;
//! - a partners distribution list of external contacts and guests;
//! - an empty Microsoft 365 group.

use serde::Serialize;

use super::users::departments;
use super::{SplitMix64, User, ascii_fold};

/// A member of a group, by index into the tenant's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Member {
    User(usize),
    Group(usize),
    Contact(usize),
    Device(usize),
}

/// `microsoft.graph.group`, with the properties the CSDL names.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub mail: Option<String>,
    pub mail_nickname: String,
    pub mail_enabled: bool,
    pub security_enabled: bool,
    pub group_types: Vec<String>,
    pub resource_provisioning_options: Vec<String>,
    pub visibility: Option<String>,
    pub proxy_addresses: Vec<String>,
    pub created_date_time: String,
    pub renewed_date_time: String,
    pub security_identifier: String,
    /// Collections are `[]` when empty, never absent.
    pub resource_behavior_options: Vec<String>,
    pub on_premises_provisioning_errors: Vec<serde_json::Value>,
    #[serde(skip)]
    pub members: Vec<Member>,
}

/// `microsoft.graph.orgContact`: someone outside the organisation in the address book.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgContact {
    pub id: String,
    pub display_name: String,
    pub given_name: String,
    pub surname: String,
    pub mail: Option<String>,
    pub company_name: Option<String>,
    pub proxy_addresses: Vec<String>,
}

/// `microsoft.graph.device`: a member of security groups, never an attendee.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub id: String,
    pub display_name: String,
    pub device_id: String,
    pub operating_system: String,
    pub account_enabled: bool,
}

#[derive(Default)]
pub(super) struct Directory {
    pub groups: Vec<Group>,
    pub contacts: Vec<OrgContact>,
    pub devices: Vec<Device>,
}

#[derive(Clone, Copy)]
pub(super) enum Kind {
    /// Microsoft 365 group; `team` adds a Team.
    Unified {
        team: bool,
    },
    Security,
    MailEnabledSecurity,
    Distribution,
}

pub(super) struct Builder<'a> {
    pub rng: &'a mut SplitMix64,
    pub domain: &'a str,
    pub groups: Vec<Group>,
}

impl Builder<'_> {
    pub fn add(
        &mut self,
        kind: Kind,
        name: &str,
        description: &str,
        members: Vec<Member>,
    ) -> usize {
        let nickname = ascii_fold(name);
        let (mail_enabled, security_enabled, group_types, provisioning) = match kind {
            Kind::Unified { team } => (
                true,
                false,
                vec!["Unified".to_owned()],
                team.then(|| "Team".to_owned()),
            ),
            Kind::Security => (false, true, vec![], None),
            Kind::MailEnabledSecurity => (true, true, vec![], None),
            Kind::Distribution => (true, false, vec![], None),
        };
        let mail = mail_enabled.then(|| format!("{nickname}@{}", self.domain));
        let id = self.rng.guid();
        // Created on some day of 2025, renewed on the same day (as a group that never expired).
        let day = self.groups.len() % 365;
        let created = crate::wire::iso_datetime(1_735_689_600 + day as u64 * 86_400 + 9 * 3_600);
        self.groups.push(Group {
            created_date_time: format!("{created}Z"),
            renewed_date_time: format!("{created}Z"),
            security_identifier: security_identifier(&id),
            resource_behavior_options: Vec::new(),
            on_premises_provisioning_errors: Vec::new(),
            id,
            display_name: name.to_owned(),
            description: Some(description.to_owned()),
            proxy_addresses: mail.iter().map(|m| format!("SMTP:{m}")).collect(),
            mail,
            mail_nickname: nickname,
            mail_enabled,
            security_enabled,
            group_types,
            resource_provisioning_options: provisioning.into_iter().collect(),
            visibility: matches!(kind, Kind::Unified { .. }).then(|| "Public".to_owned()),
            members,
        });
        self.groups.len() - 1
    }
}

/// The Windows security identifier Entra ID gives a cloud group: `S-1-12-1-` and the object id
/// as four 32-bit numbers.
fn security_identifier(id: &str) -> String {
    let hex: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    let parts: Vec<String> = (0..4)
        .map(|i| {
            let word = hex.get(i * 8..i * 8 + 8).unwrap_or("0");
            u32::from_str_radix(word, 16)
                .unwrap_or(0)
                .swap_bytes()
                .to_string()
        })
        .collect();
    format!("S-1-12-1-{}", parts.join("-"))
}

const COMPANIES: &[&str] = &[
    "Anadolu Lojistik",
    "Boğaziçi Danışmanlık",
    "Northwind Traders",
    "Fabrikam",
];
const CONTACT_NAMES: &[(&str, &str)] = &[
    ("Gülay", "Erdoğan"),
    ("Oğuz", "Tuncer"),
    ("Margaret", "Ives"),
    ("İlker", "Sönmez"),
    ("Priya", "Ayyar"),
    ("Şebnem", "Işıklı"),
];

pub(super) fn generate(rng: &mut SplitMix64, users: &[User], domain: &str) -> Directory {
    let mut b = Builder {
        rng,
        domain,
        groups: Vec::new(),
    };
    let mut department_lists = Vec::new();
    for department in departments() {
        let staff: Vec<Member> = users
            .iter()
            .enumerate()
            .filter(|(_, u)| u.department.as_deref() == Some(department) && u.user_type == "Member")
            .map(|(i, _)| Member::User(i))
            .collect();
        department_lists.push(Member::Group(b.add(
            Kind::Distribution,
            &format!("{department} Listesi"),
            &format!("Everyone in {department}"),
            staff,
        )));
    }
    // Guests are in all staff directly, since they belong to no department list.
    let guests = users
        .iter()
        .enumerate()
        .filter(|(_, u)| u.user_type == "Guest")
        .map(|(i, _)| Member::User(i));
    let all_staff = department_lists.iter().copied().chain(guests).collect();
    b.add(Kind::Distribution, "Tüm Çalışanlar", "All staff", all_staff);

    for department in departments() {
        let mut members: std::collections::BTreeSet<Member> = users
            .iter()
            .enumerate()
            .filter(|(_, u)| u.department.as_deref() == Some(department))
            .filter(|_| b.rng.chance(60))
            .map(|(i, _)| Member::User(i))
            .collect();
        // A few people from elsewhere, so teams overlap other teams and lists.
        for _ in 0..3 {
            members.insert(Member::User(b.rng.below(users.len())));
        }
        let members = members.into_iter().collect();
        b.add(
            Kind::Unified { team: true },
            &format!("{department} Ekibi"),
            &format!("The {department} team"),
            members,
        );
    }

    let devices: Vec<Device> = (0..users.len().div_ceil(30).max(2))
        .map(|n| Device {
            id: b.rng.guid(),
            device_id: b.rng.guid(),
            display_name: format!("TOPLANTI-ODASI-{n:03}"),
            operating_system: if n % 2 == 0 { "Windows" } else { "Android" }.to_owned(),
            account_enabled: true,
        })
        .collect();

    // Security groups four deep: each level holds a slice of people and the next level.
    let mut nested: Option<Member> = None;
    for level in (1..=4).rev() {
        let mut members: Vec<Member> = (0..users.len() / 10 + 1)
            .map(|_| Member::User(b.rng.below(users.len())))
            .collect();
        if level == 4 {
            members.extend((0..devices.len()).map(Member::Device));
        }
        members.extend(nested);
        members.sort_unstable();
        members.dedup();
        nested = Some(Member::Group(b.add(
            Kind::Security,
            &format!("Erişim Seviye {level}"),
            &format!("Access level {level}"),
            members,
        )));
    }
    let announcements = nested
        .into_iter()
        .chain((0..5).map(|_| Member::User(b.rng.below(users.len()))))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    b.add(
        Kind::MailEnabledSecurity,
        "Güvenlik Duyuruları",
        "Security announcements",
        announcements,
    );

    let contacts: Vec<OrgContact> = CONTACT_NAMES
        .iter()
        .enumerate()
        .map(|(n, (given, surname))| {
            let company = COMPANIES[n % COMPANIES.len()];
            let mail = format!(
                "{}.{}@{}.example",
                ascii_fold(given),
                ascii_fold(surname),
                ascii_fold(company)
            );
            OrgContact {
                id: b.rng.guid(),
                display_name: format!("{given} {surname}"),
                given_name: (*given).to_owned(),
                surname: (*surname).to_owned(),
                proxy_addresses: vec![format!("SMTP:{mail}")],
                mail: Some(mail),
                company_name: Some(company.to_owned()),
            }
        })
        .collect();
    let partners = (0..contacts.len())
        .map(Member::Contact)
        .chain(
            users
                .iter()
                .enumerate()
                .filter(|(_, u)| u.user_type == "Guest")
                .take(3)
                .map(|(i, _)| Member::User(i)),
        )
        .collect();
    b.add(
        Kind::Distribution,
        "İş Ortakları",
        "Partners outside the organisation",
        partners,
    );
    b.add(
        Kind::Unified { team: false },
        "Boş Grup",
        "A group with nobody in it yet",
        Vec::new(),
    );

    Directory {
        groups: b.groups,
        contacts,
        devices,
    }
}

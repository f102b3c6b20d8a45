//! What to generate: a seeded tenant of some size, and beside it the people and groups a test
//! names itself, so that a test shows its own fixture:
//!
//! ```
//! use davet_emulator::TenantSpec;
//! let spec = TenantSpec::empty()
//!     .person("Ayşe Kaya")
//!     .person("Bora Demir")
//!     .group("Çekirdek", ["Bora Demir"])
//!     .group("Ekip", ["Ayşe Kaya", "Çekirdek"]);
//! let tenant = davet_emulator::Tenant::generate(&spec);
//! assert_eq!(tenant.groups.len(), 2);
//! ```

use super::groups::{Builder, Device, Kind, Member, OrgContact};
use super::users::User;
use super::{SplitMix64, Tenant, ascii_fold};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantSpec {
    pub seed: u64,
    /// People the generator makes (with their departments' lists, teams and nested groups).
    pub users: usize,
    /// What the test names, in the order it named them (after the generated ones).
    pub named: Vec<Named>,
}

/// Something a test names, by display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// A member of the organisation, enabled, with a mailbox.
    Person(String),
    /// A guest (B2B) account.
    Guest(String),
    /// A member account that is disabled.
    Disabled(String),
    /// A member account without a mailbox.
    NoMailbox(String),
    /// A member of the organisation with a mailbox but no Webex account.
    NoWebex(String),
    /// A device (a member of security groups, never an attendee).
    Device(String),
    /// An external contact in the address book.
    Contact(String),
    /// A Microsoft 365 group with an address, holding things named before it.
    Group { name: String, members: Vec<String> },
    /// A security group without an address.
    SecurityGroup { name: String, members: Vec<String> },
}

impl TenantSpec {
    /// The friendly size `davet demo` uses.
    pub const DEMO: Self = Self::seeded(2026, 300);

    /// A generated tenant of `users` people.
    pub const fn seeded(seed: u64, users: usize) -> Self {
        Self {
            seed,
            users,
            named: Vec::new(),
        }
    }

    /// A tenant with nobody in it: what the test names is all there is.
    pub const fn empty() -> Self {
        Self::seeded(1, 0)
    }

    fn with(mut self, named: Named) -> Self {
        self.named.push(named);
        self
    }

    pub fn person(self, name: &str) -> Self {
        self.with(Named::Person(name.to_owned()))
    }

    pub fn guest(self, name: &str) -> Self {
        self.with(Named::Guest(name.to_owned()))
    }

    pub fn disabled(self, name: &str) -> Self {
        self.with(Named::Disabled(name.to_owned()))
    }

    pub fn without_mailbox(self, name: &str) -> Self {
        self.with(Named::NoMailbox(name.to_owned()))
    }

    pub fn without_webex(self, name: &str) -> Self {
        self.with(Named::NoWebex(name.to_owned()))
    }

    pub fn device(self, name: &str) -> Self {
        self.with(Named::Device(name.to_owned()))
    }

    pub fn contact(self, name: &str) -> Self {
        self.with(Named::Contact(name.to_owned()))
    }

    /// A Microsoft 365 group of things named before it (people, contacts, devices, groups).
    pub fn group<'a>(self, name: &str, members: impl IntoIterator<Item = &'a str>) -> Self {
        let members = members.into_iter().map(str::to_owned).collect();
        self.with(Named::Group {
            name: name.to_owned(),
            members,
        })
    }

    /// A security group (no address) of things named before it.
    pub fn security_group<'a>(
        self,
        name: &str,
        members: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let members = members.into_iter().map(str::to_owned).collect();
        self.with(Named::SecurityGroup {
            name: name.to_owned(),
            members,
        })
    }
}

/// Adds what the spec names to a generated tenant. A member named before it was declared is a
/// mistake in the test's fixture: it panics, naming it.
pub(super) fn add_named(tenant: &mut Tenant, rng: &mut SplitMix64, named: &[Named]) {
    let domain = tenant.domain.clone();
    let mut names: Vec<(String, Member)> = Vec::new();
    for item in named {
        match item {
            Named::Person(name)
            | Named::Guest(name)
            | Named::Disabled(name)
            | Named::NoMailbox(name)
            | Named::NoWebex(name) => {
                let user = person(rng, &domain, name, item);
                names.push((name.clone(), Member::User(tenant.users.len())));
                tenant.users.push(user);
            }
            Named::Device(name) => {
                names.push((name.clone(), Member::Device(tenant.devices.len())));
                tenant.devices.push(Device {
                    id: rng.guid(),
                    display_name: name.clone(),
                    device_id: rng.guid(),
                    operating_system: "Windows".into(),
                    account_enabled: true,
                });
            }
            Named::Contact(name) => {
                let mail = format!("{}@partner.example", local_part(name));
                names.push((name.clone(), Member::Contact(tenant.contacts.len())));
                let (given, surname) = name.split_once(' ').unwrap_or((name, ""));
                tenant.contacts.push(OrgContact {
                    id: rng.guid(),
                    display_name: name.clone(),
                    given_name: given.to_owned(),
                    surname: surname.to_owned(),
                    proxy_addresses: vec![format!("SMTP:{mail}")],
                    mail: Some(mail),
                    company_name: Some("Partner".into()),
                });
            }
            Named::Group { name, members } | Named::SecurityGroup { name, members } => {
                let members = members
                    .iter()
                    .map(|m| {
                        names
                            .iter()
                            .find(|(n, _)| n == m)
                            .map(|(_, member)| *member)
                            .unwrap_or_else(|| {
                                panic!("group {name} names {m}, who is not named before it")
                            })
                    })
                    .collect();
                let kind = match item {
                    Named::SecurityGroup { .. } => Kind::Security,
                    _ => Kind::Unified { team: false },
                };
                let mut builder = Builder {
                    rng,
                    domain: &domain,
                    groups: std::mem::take(&mut tenant.groups),
                };
                let index = builder.add(kind, name, "", members);
                tenant.groups = builder.groups;
                names.push((name.clone(), Member::Group(index)));
            }
        }
    }
}

fn local_part(name: &str) -> String {
    name.split_whitespace()
        .map(ascii_fold)
        .collect::<Vec<_>>()
        .join(".")
}

fn person(rng: &mut SplitMix64, domain: &str, name: &str, kind: &Named) -> User {
    let local = local_part(name);
    let (given, surname) = name.split_once(' ').unwrap_or((name, ""));
    let guest = matches!(kind, Named::Guest(_));
    let (mail, upn, user_type) = if guest {
        let external = format!("{local}@partner.example");
        let upn = format!("{}#EXT#@{domain}", external.replace('@', "_"));
        (Some(external), upn, "Guest")
    } else {
        let mail = format!("{local}@{domain}");
        let has_mailbox = !matches!(kind, Named::NoMailbox(_));
        (has_mailbox.then(|| mail.clone()), mail, "Member")
    };
    User {
        id: rng.guid(),
        display_name: name.to_owned(),
        given_name: given.to_owned(),
        surname: surname.to_owned(),
        proxy_addresses: mail.iter().map(|m| format!("SMTP:{m}")).collect(),
        mail,
        user_principal_name: upn,
        job_title: None,
        department: None,
        office_location: None,
        business_phones: Vec::new(),
        mobile_phone: None,
        preferred_language: Some("tr-TR".into()),
        user_type: user_type.into(),
        account_enabled: !matches!(kind, Named::Disabled(_)),
        manager: None,
        has_photo: false,
        has_webex: user_type == "Member"
            && !matches!(kind, Named::NoWebex(_) | Named::NoMailbox(_)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_people_and_groups_are_what_the_test_says() {
        let tenant = Tenant::generate(
            &TenantSpec::empty()
                .person("Ayşe Kaya")
                .disabled("Cem Ak")
                .device("Yazıcı")
                .security_group("İç", ["Cem Ak", "Yazıcı"])
                .group("Ekip", ["Ayşe Kaya", "İç"]),
        );
        assert_eq!(tenant.users.len(), 2);
        assert_eq!(
            tenant.users[0].mail.as_deref(),
            Some("ayse.kaya@ornek1.example")
        );
        assert!(!tenant.users[1].account_enabled);
        let team = tenant.groups.iter().position(|g| g.display_name == "Ekip");
        let members = tenant.transitive_members(team.unwrap());
        assert_eq!(members.len(), 4, "{members:?}");
        assert!(
            tenant.groups[0].mail.is_none(),
            "a security group has no address"
        );
    }

    #[test]
    #[should_panic(expected = "not named before it")]
    fn a_member_named_nowhere_is_a_mistake_in_the_fixture() {
        Tenant::generate(&TenantSpec::empty().group("Ekip", ["Nobody"]));
    }
}

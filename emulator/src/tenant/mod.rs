//! A deterministic demo tenant: the same seed and size give the same people, groups, ids and
//! addresses.
//!
//! Names mix Turkish and English (ç ğ ı İ ö ş ü) so that search and casing bugs show. Groups
//! come in every kind Davet meets (Microsoft 365 groups, teams, security and mail-enabled
//! security groups, distribution lists), nested several levels deep, overlapping, with members
//! that are users, groups, external contacts and devices.

mod calendar;
mod contacts;
mod groups;
mod spec;
mod users;

use serde::Serialize;

pub use contacts::{Contact, ContactFolder, EmailAddress, Mailbox};
pub use groups::{Device, Group, Member, OrgContact};
pub use spec::{Named, TenantSpec};
pub use users::User;

/// The application registered for the Davet server in this tenant.
#[derive(Debug, Clone)]
pub struct AppRegistration {
    pub client_id: String,
    pub client_secret: String,
    /// The app's service principal in this tenant: the `oid` of its app-only tokens.
    pub service_principal_id: String,
}

#[derive(Debug)]
pub struct Tenant {
    /// The seed it was made from; personal contacts are made from it on demand.
    pub seed: u64,
    /// The directory (tenant) id, a GUID.
    pub id: String,
    /// The verified domain of member accounts.
    pub domain: String,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub contacts: Vec<OrgContact>,
    pub devices: Vec<Device>,
    pub app: AppRegistration,
}

impl Tenant {
    pub fn generate(spec: &TenantSpec) -> Self {
        let mut rng = SplitMix64(spec.seed);
        let id = rng.guid();
        // The demo tenant is ornek.example; others get a domain of their own, as tenants do.
        let domain = if spec.seed == TenantSpec::DEMO.seed {
            "ornek.example".to_owned()
        } else {
            format!("ornek{}.example", spec.seed)
        };
        let app = AppRegistration {
            client_id: rng.guid(),
            client_secret: format!("demo~{:016x}{:016x}", rng.next(), rng.next()),
            service_principal_id: rng.guid(),
        };
        let users = users::generate(&mut rng, spec.users, &domain);
        // A tenant of named people alone has no generated groups either.
        let directory = if users.is_empty() {
            groups::Directory::default()
        } else {
            groups::generate(&mut rng, &users, &domain)
        };
        let mut tenant = Self {
            seed: spec.seed,
            id,
            domain,
            users,
            groups: directory.groups,
            contacts: directory.contacts,
            devices: directory.devices,
            app,
        };
        spec::add_named(&mut tenant, &mut rng, &spec.named);
        tenant
    }

    pub fn user(&self, id_or_upn: &str) -> Option<&User> {
        self.user_index(id_or_upn).map(|i| &self.users[i])
    }

    /// Where a user is, by object id or user principal name (as Graph's `/users/{id}` takes).
    pub fn user_index(&self, id_or_upn: &str) -> Option<usize> {
        self.users.iter().position(|u| {
            u.id == id_or_upn || u.user_principal_name.eq_ignore_ascii_case(id_or_upn)
        })
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// A member as Graph serialises a directory object: its properties and its `@odata.type`.
    pub fn member_json(&self, member: Member) -> serde_json::Value {
        let odata_type = self.type_of(member);
        match member {
            Member::User(i) => typed(&self.users[i], odata_type),
            Member::Group(i) => typed(&self.groups[i], odata_type),
            Member::Contact(i) => typed(&self.contacts[i], odata_type),
            Member::Device(i) => typed(&self.devices[i], odata_type),
        }
    }

    /// A member's `@odata.type`.
    pub fn type_of(&self, member: Member) -> &'static str {
        match member {
            Member::User(_) => "#microsoft.graph.user",
            Member::Group(_) => "#microsoft.graph.group",
            Member::Contact(_) => "#microsoft.graph.orgContact",
            Member::Device(_) => "#microsoft.graph.device",
        }
    }

    /// Every member of a group and of the groups nested in it, each once, depth first.
    pub fn transitive_members(&self, group: usize) -> Vec<Member> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        let mut stack: Vec<Member> = self.groups[group].members.iter().rev().copied().collect();
        while let Some(member) = stack.pop() {
            if !seen.insert(member) {
                continue;
            }
            out.push(member);
            if let Member::Group(nested) = member {
                stack.extend(self.groups[nested].members.iter().rev().copied());
            }
        }
        out
    }
}

impl Tenant {
    /// The groups `member` is a direct member of.
    pub fn member_of(&self, member: Member) -> Vec<Member> {
        (0..self.groups.len())
            .filter(|&g| self.groups[g].members.contains(&member))
            .map(Member::Group)
            .collect()
    }

    /// The groups `member` belongs to directly or through nested groups, each once.
    pub fn transitive_member_of(&self, member: Member) -> Vec<Member> {
        let mut found: Vec<Member> = Vec::new();
        let mut frontier = self.member_of(member);
        while let Some(group) = frontier.pop() {
            if !found.contains(&group) {
                found.push(group);
                frontier.extend(self.member_of(group));
            }
        }
        found
    }
}

fn typed(object: &impl Serialize, odata_type: &str) -> serde_json::Value {
    let mut value = serde_json::to_value(object).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.insert("@odata.type".into(), odata_type.into());
    }
    value
}

/// Addresses are ASCII: `Çağrı Işık` becomes `cagri.isik`.
fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'ç' | 'Ç' => Some('c'),
            'ğ' | 'Ğ' => Some('g'),
            'ı' | 'I' | 'İ' | 'i' => Some('i'),
            'ö' | 'Ö' => Some('o'),
            'ş' | 'Ş' => Some('s'),
            'ü' | 'Ü' => Some('u'),
            ' ' | '-' => Some('-'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// SplitMix64: tiny, fast and deterministic; the tenant needs no cryptographic randomness.
#[derive(Debug)]
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (n > 0); the modulo bias is irrelevant for a demo tenant.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub(crate) fn guid(&mut self) -> String {
        crate::wire::guid(self.next(), self.next())
    }
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
        let groups = |t: &Tenant| {
            t.groups
                .iter()
                .map(|g| (g.id.clone(), g.members.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(groups(&a), groups(&b));
    }

    #[test]
    fn addresses_are_unique_ascii() {
        let t = Tenant::generate(&TenantSpec::seeded(7, 2_000));
        let mut seen = std::collections::HashSet::new();
        let users = t.users.iter().filter_map(|u| u.mail.as_deref());
        let groups = t.groups.iter().filter_map(|g| g.mail.as_deref());
        let contacts = t.contacts.iter().filter_map(|c| c.mail.as_deref());
        for mail in users.chain(groups).chain(contacts) {
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

    #[test]
    fn transitive_members_reach_every_level_once() {
        let t = Tenant::generate(&TenantSpec::DEMO);
        let all_staff = t
            .groups
            .iter()
            .position(|g| g.mail_nickname == "tum-calisanlar")
            .unwrap();
        let members = t.transitive_members(all_staff);
        let users: std::collections::HashSet<_> = members
            .iter()
            .filter(|m| matches!(m, Member::User(_)))
            .collect();
        let user_entries = members
            .iter()
            .filter(|m| matches!(m, Member::User(_)))
            .count();
        assert_eq!(users.len(), user_entries, "each member once");
        assert_eq!(
            users.len(),
            t.users.len(),
            "all staff holds everyone through department lists"
        );
        assert!(
            members.iter().any(|m| matches!(m, Member::Group(_))),
            "nested groups are members too"
        );
    }
}

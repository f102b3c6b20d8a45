//! Group expansion, the part that is ours: the distinct people a selection invites, why the
//! other members are left out, and whether they fit in one invitation.
//!
//! Architecture invariant: an expansion lives in the memory of one request. Nothing here is
//! written anywhere, and only counts leave it for the logs.

use std::collections::{HashMap, HashSet};

use davet_api::{GroupAddress, Invitee, RecipientVerdict, Selection, Skipped};

use super::email::EmailAddress;
use super::user::{ContactFolderId, DirectoryId};

/// Outlook's recipient limit per invitation by default (classic Outlook caps the field at 500).
pub const DEFAULT_RECIPIENT_LIMIT: u32 = 500;

/// Most picks one expansion takes.
pub const MAX_PICKS: usize = 50;

/// What the organiser picked, parsed: at least one, at most [`MAX_PICKS`].
#[derive(Debug, Clone)]
pub struct Picks(Vec<Pick>);

#[derive(Debug, Clone)]
pub enum Pick {
    Group {
        id: DirectoryId,
        name: String,
        mail: Option<EmailAddress>,
    },
    ContactFolder {
        id: ContactFolderId,
        name: String,
    },
    Person {
        email: EmailAddress,
        name: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum PicksError {
    #[error("pick someone to invite")]
    Empty,
    #[error("at most {0} picks at once")]
    TooMany(usize),
    #[error(transparent)]
    DirectoryId(#[from] super::user::NotADirectoryId),
    #[error(transparent)]
    ContactFolderId(#[from] super::user::NotAContactFolderId),
    #[error(transparent)]
    Email(#[from] super::email::NotAnEmailAddress),
}

impl Picks {
    pub fn parse(selection: Vec<Selection>) -> Result<Self, PicksError> {
        if selection.is_empty() {
            return Err(PicksError::Empty);
        }
        if selection.len() > MAX_PICKS {
            return Err(PicksError::TooMany(MAX_PICKS));
        }
        selection
            .into_iter()
            .map(|pick| {
                Ok(match pick {
                    Selection::Group {
                        id,
                        display_name,
                        mail,
                    } => Pick::Group {
                        id: DirectoryId::parse(&id)?,
                        name: display_name,
                        mail: mail.as_deref().map(EmailAddress::parse).transpose()?,
                    },
                    Selection::ContactFolder { id, display_name } => Pick::ContactFolder {
                        id: ContactFolderId::parse(&id)?,
                        name: display_name,
                    },
                    Selection::Person {
                        email,
                        display_name,
                    } => Pick::Person {
                        email: EmailAddress::parse(&email)?,
                        name: display_name,
                    },
                })
            })
            .collect::<Result<_, PicksError>>()
            .map(Self)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Pick> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<&Pick> {
        self.0.get(index)
    }
}

impl Pick {
    /// The name the organiser picked it by.
    pub fn name(&self) -> &str {
        match self {
            Self::Group { name, .. }
            | Self::ContactFolder { name, .. }
            | Self::Person { name, .. } => name,
        }
    }
}

/// Who a member is, so that someone two picks bring counts once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MemberId {
    /// A directory object (user, org contact, device …).
    Directory(DirectoryId),
    /// A personal contact (Outlook's opaque id), or a person picked by address (the address).
    Other(String),
}

/// A directory member as the expansion needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    Person {
        id: MemberId,
        email: EmailAddress,
        display_name: String,
        guest: bool,
        external: bool,
    },
    /// Left out, for a reason; `id` so a member of two picks counts once.
    Skip { id: MemberId, reason: SkipReason },
    /// A nested group: its own members come in the same transitive listing.
    Group,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    NoMailbox,
    Disabled,
    Device,
    ServicePrincipal,
    Organiser,
}

/// The people found so far, in the order first found.
#[derive(Debug)]
pub struct GroupExpansion {
    limit: u32,
    organiser: MemberId,
    people: Vec<Invitee>,
    by_address: HashMap<String, usize>,
    skipped_ids: HashSet<MemberId>,
    skipped: Skipped,
    too_large: Vec<GroupAddress>,
}

impl GroupExpansion {
    /// `organiser` is the signed-in person's object id.
    pub fn new(limit: u32, organiser: &DirectoryId) -> Self {
        Self {
            limit,
            organiser: MemberId::Directory(organiser.clone()),
            people: Vec::new(),
            by_address: HashMap::new(),
            skipped_ids: HashSet::new(),
            skipped: Skipped::default(),
            too_large: Vec::new(),
        }
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    pub fn people(&self) -> u32 {
        self.people.len() as u32
    }

    /// A member that pick number `pick` brought in.
    pub fn add(&mut self, pick: usize, member: Member) {
        let via = pick as u32;
        match member {
            Member::Person { id, .. } if id == self.organiser => {
                if self.skipped_ids.insert(id) {
                    self.skipped.organiser += 1;
                }
            }
            Member::Person {
                email,
                display_name,
                guest,
                external,
                ..
            } => match self.by_address.get(email.normalised()) {
                Some(&at) => {
                    let person = &mut self.people[at];
                    // Kept in pick order, whatever order the pages arrive in.
                    if let Err(at) = person.via.binary_search(&via) {
                        person.via.insert(at, via);
                    }
                }
                None => {
                    self.by_address
                        .insert(email.normalised().to_owned(), self.people.len());
                    self.people.push(Invitee {
                        email: email.as_str().to_owned(),
                        display_name,
                        guest,
                        external,
                        via: vec![via],
                    });
                }
            },
            Member::Skip { id, reason } => {
                if self.skipped_ids.insert(id) {
                    let counter = match reason {
                        SkipReason::NoMailbox => &mut self.skipped.no_mailbox,
                        SkipReason::Disabled => &mut self.skipped.disabled,
                        SkipReason::Device => &mut self.skipped.device,
                        SkipReason::ServicePrincipal => &mut self.skipped.service_principal,
                        SkipReason::Organiser => &mut self.skipped.organiser,
                    };
                    *counter += 1;
                }
            }
            Member::Group => {}
        }
    }

    /// A group alone holds more people than the limit: it is not expanded, and the verdict
    /// proposes its own address (when it has one).
    pub fn too_large(&mut self, group: GroupAddress) {
        self.too_large.push(group);
    }

    /// The outcome, with what was read to reach it.
    pub fn finish(self, receipt: davet_api::Receipt) -> davet_api::Expansion {
        let count =
            self.people.len() as u32 + self.too_large.iter().map(|g| g.members).sum::<u32>();
        let verdict = if count <= self.limit && self.too_large.is_empty() {
            RecipientVerdict::Fits {
                count,
                limit: self.limit,
            }
        } else {
            RecipientVerdict::TooMany {
                count,
                limit: self.limit,
                invite_group_addresses: self.too_large,
            }
        };
        davet_api::Expansion {
            people: self.people,
            skipped: self.skipped,
            verdict,
            receipt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> MemberId {
        MemberId::Other(text.into())
    }

    fn me() -> DirectoryId {
        DirectoryId::parse("00000000-0000-4000-8000-0000000000ee").unwrap()
    }

    fn person(name: &str, email: &str) -> Member {
        Member::Person {
            id: id(name),
            email: EmailAddress::parse(email).unwrap(),
            display_name: name.to_uppercase(),
            guest: false,
            external: false,
        }
    }

    #[test]
    fn people_are_invited_once_with_every_pick_that_brought_them() {
        let mut e = GroupExpansion::new(500, &me());
        e.add(1, person("a", "Ayse@ornek.example"));
        e.add(0, person("a", "ayse@ORNEK.example"));
        e.add(1, person("b", "bora@ornek.example"));
        e.add(
            1,
            Member::Person {
                id: MemberId::Directory(me()),
                email: EmailAddress::parse("me@ornek.example").unwrap(),
                display_name: "Me".into(),
                guest: false,
                external: false,
            },
        );
        e.add(
            0,
            Member::Skip {
                id: id("d"),
                reason: SkipReason::Device,
            },
        );
        e.add(
            1,
            Member::Skip {
                id: id("d"),
                reason: SkipReason::Device,
            },
        );
        e.add(1, Member::Group);
        let done = e.finish(davet_api::Receipt::default());
        let emails: Vec<_> = done.people.iter().map(|p| p.email.as_str()).collect();
        assert_eq!(emails, ["Ayse@ornek.example", "bora@ornek.example"]);
        assert_eq!(done.people[0].via, [0, 1], "by pick position");
        assert_eq!((done.skipped.device, done.skipped.organiser), (1, 1));
        assert_eq!(
            done.verdict,
            RecipientVerdict::Fits {
                count: 2,
                limit: 500
            }
        );
    }

    #[test]
    fn over_the_limit_the_verdict_proposes_group_addresses() {
        let mut e = GroupExpansion::new(1, &me());
        e.add(0, person("a", "a@ornek.example"));
        e.add(0, person("b", "b@ornek.example"));
        assert!(matches!(
            e.finish(davet_api::Receipt::default()).verdict,
            RecipientVerdict::TooMany { count: 2, .. }
        ));
        let mut e = GroupExpansion::new(500, &me());
        e.too_large(GroupAddress {
            id: "g".into(),
            display_name: "Tüm".into(),
            mail: "tum@ornek.example".into(),
            members: 100_000,
        });
        match e.finish(davet_api::Receipt::default()).verdict {
            RecipientVerdict::TooMany {
                count,
                invite_group_addresses,
                ..
            } => {
                assert_eq!(count, 100_000);
                assert_eq!(invite_group_addresses[0].mail, "tum@ornek.example");
            }
            other => panic!("{other:?}"),
        }
    }
}

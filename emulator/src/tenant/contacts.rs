//! Personal contacts of each mailbox: a default "Contacts" folder and folders nested three deep,
//! made on demand from the tenant's seed and the mailbox, so a 100,000-person tenant holds none
//! in memory. Outlook's personal contact groups (distribution lists) are not in Graph v1.0 and
//! are not made.

use serde::Serialize;

use super::{SplitMix64, Tenant, ascii_fold};

/// `microsoft.graph.contactFolder`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactFolder {
    pub id: String,
    pub display_name: String,
    pub parent_folder_id: String,
}

/// `microsoft.graph.emailAddress`.
#[derive(Debug, Clone, Serialize)]
pub struct EmailAddress {
    pub name: String,
    pub address: String,
}

/// `microsoft.graph.contact`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub id: String,
    pub display_name: String,
    pub given_name: String,
    pub surname: String,
    pub email_addresses: Vec<EmailAddress>,
    pub company_name: Option<String>,
    pub job_title: Option<String>,
    pub business_phones: Vec<String>,
    pub mobile_phone: Option<String>,
    pub parent_folder_id: String,
}

/// One mailbox's contacts. `root` is the default Contacts folder; `folders` are the folders
/// under it, at any depth.
#[derive(Debug, Clone)]
pub struct Mailbox {
    pub root: ContactFolder,
    pub folders: Vec<ContactFolder>,
    pub contacts: Vec<Contact>,
}

impl Mailbox {
    pub fn folder(&self, id: &str) -> Option<&ContactFolder> {
        std::iter::once(&self.root)
            .chain(&self.folders)
            .find(|f| f.id == id)
    }

    pub fn children(&self, parent: &str) -> Vec<&ContactFolder> {
        self.folders
            .iter()
            .filter(|f| f.parent_folder_id == parent)
            .collect()
    }

    pub fn contacts_in(&self, folder: &str) -> Vec<&Contact> {
        self.contacts
            .iter()
            .filter(|c| c.parent_folder_id == folder)
            .collect()
    }
}

/// (folder name, parent index or None for the default folder, how many contacts)
const FOLDERS: &[(&str, Option<usize>, usize)] = &[
    ("Müşteriler", None, 5),
    ("Önemli Müşteriler", Some(0), 2),
    ("Arşiv", Some(1), 1),
    ("Aile", None, 2),
];

const EXTERNAL: &[(&str, &str, &str)] = &[
    ("Gülşen", "Aksoy", "Ege Tekstil"),
    ("Hakan", "Işık", "Marmara Yazılım"),
    ("Emily", "Irwin", "Contoso Ltd"),
    ("Çiğdem", "Öner", "Karadeniz Gıda"),
    ("İsmail", "Uçar", "Trakya Enerji"),
    ("Lucas", "Ingram", "Fabrikam"),
];

impl Tenant {
    /// The contacts of user `owner`'s mailbox.
    pub fn mailbox(&self, owner: usize) -> Mailbox {
        let mut rng = SplitMix64(self.seed ^ (owner as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let outlook_id = |rng: &mut SplitMix64, kind: &str| {
            format!("AAMkAG{kind}{:016x}{:016x}", rng.next(), rng.next())
        };
        let root = ContactFolder {
            id: outlook_id(&mut rng, "Cf"),
            display_name: "Contacts".into(),
            parent_folder_id: outlook_id(&mut rng, "Rt"),
        };
        let mut folders: Vec<ContactFolder> = Vec::new();
        for (name, parent, _) in FOLDERS {
            let parent_folder_id = parent.map_or(root.id.clone(), |p| folders[p].id.clone());
            folders.push(ContactFolder {
                id: outlook_id(&mut rng, "Cf"),
                display_name: (*name).into(),
                parent_folder_id,
            });
        }
        let placements = std::iter::repeat_n(root.id.clone(), 6).chain(
            FOLDERS
                .iter()
                .zip(&folders)
                .flat_map(|((_, _, n), f)| std::iter::repeat_n(f.id.clone(), *n)),
        );
        let contacts = placements
            .enumerate()
            .map(|(n, parent_folder_id)| {
                let id = outlook_id(&mut rng, "Ct");
                // Half are colleagues (their directory address), half people outside; one in
                // seven has no address at all, and one has two.
                if n % 2 == 0 && !self.users.is_empty() {
                    let colleague = &self.users[rng.below(self.users.len())];
                    let emails = colleague
                        .mail
                        .iter()
                        .map(|m| EmailAddress {
                            name: colleague.display_name.clone(),
                            address: m.clone(),
                        })
                        .collect();
                    Contact {
                        id,
                        display_name: colleague.display_name.clone(),
                        given_name: colleague.given_name.clone(),
                        surname: colleague.surname.clone(),
                        email_addresses: emails,
                        company_name: None,
                        job_title: colleague.job_title.clone(),
                        business_phones: colleague.business_phones.clone(),
                        mobile_phone: None,
                        parent_folder_id,
                    }
                } else {
                    let (given, surname, company) = EXTERNAL[rng.below(EXTERNAL.len())];
                    let display_name = format!("{given} {surname}");
                    let address = format!(
                        "{}.{}@{}.example",
                        ascii_fold(given),
                        ascii_fold(surname),
                        ascii_fold(company)
                    );
                    let mut emails = vec![EmailAddress {
                        name: display_name.clone(),
                        address,
                    }];
                    if n % 7 == 3 {
                        emails.clear();
                    } else if n % 5 == 1 {
                        emails.push(EmailAddress {
                            name: display_name.clone(),
                            address: format!("{}@home.example", ascii_fold(given)),
                        });
                    }
                    Contact {
                        id,
                        display_name,
                        given_name: given.into(),
                        surname: surname.into(),
                        email_addresses: emails,
                        company_name: Some(company.into()),
                        job_title: None,
                        business_phones: Vec::new(),
                        mobile_phone: Some(format!("+90 555 {:03} {:04}", n, owner % 10_000)),
                        parent_folder_id,
                    }
                }
            })
            .collect();
        Mailbox {
            root,
            folders,
            contacts,
        }
    }
}

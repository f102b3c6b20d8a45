//! Who a request acts for: a person in a tenant, named by directory object ids.

use std::fmt;

/// A directory object id: a GUID in its canonical 8-4-4-4-12 form, lower-cased on parse so the
/// same person is never two rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DirectoryId(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("`{0}` is not a directory object id (a GUID)")]
pub struct NotADirectoryId(pub String);

impl DirectoryId {
    pub fn parse(text: &str) -> Result<Self, NotADirectoryId> {
        // `uuid` also reads the simple, braced and URN forms; the directory writes only this one.
        match uuid::Uuid::try_parse(text) {
            Ok(id) if text.len() == 36 => Ok(Self(id.hyphenated().to_string())),
            _ => Err(NotADirectoryId(text.chars().take(60).collect())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DirectoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A personal contact folder's id: Outlook's opaque text. It goes into a Graph path, so it may
/// not carry `/`, `?` or `#`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContactFolderId(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a contact folder id is opaque text without `/`, `?` or `#`")]
pub struct NotAContactFolderId;

impl ContactFolderId {
    pub fn parse(text: &str) -> Result<Self, NotAContactFolderId> {
        if text.is_empty() || text.len() > 512 || text.contains(['/', '?', '#']) {
            Err(NotAContactFolderId)
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person: their tenant (`tid`) and their object id there (`oid`). Everything the vault keeps
/// is filed under this pair, so two tenants never meet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserKey {
    pub tenant: DirectoryId,
    pub user: DirectoryId,
}

impl UserKey {
    /// The deployment itself, as the holder of what belongs to no one person (the
    /// organisation's Webex token): the nil GUID in both places, which no directory issues.
    pub fn organisation() -> Self {
        let nil = DirectoryId(uuid::Uuid::nil().hyphenated().to_string());
        Self {
            tenant: nil.clone(),
            user: nil,
        }
    }

    /// The associated data that binds a sealed secret to its owner.
    pub fn owner_bytes(&self) -> Vec<u8> {
        owner_bytes(self.tenant.as_str(), self.user.as_str())
    }
}

/// The owner of a sealed secret as associated data: tenant id and user id, as stored.
pub fn owner_bytes(tenant: &str, user: &str) -> Vec<u8> {
    format!("{tenant}\n{user}").into_bytes()
}

/// A signed-in person as a session knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInUser {
    pub key: UserKey,
    pub display_name: String,
    /// The sign-in name (UPN), shown so the organiser knows which account is in use.
    pub username: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_ids_are_guids_in_one_case() {
        let id = DirectoryId::parse("9A1B2C3D-0000-4000-8000-00000000000A").unwrap();
        assert_eq!(id.as_str(), "9a1b2c3d-0000-4000-8000-00000000000a");
        for bad in [
            "",
            "abc",
            "9a1b2c3d-0000-4000-8000-00000000000",
            "' OR 1=1 --",
            "9a1b2c3d00004000800000000000000a",
            "{9a1b2c3d-0000-4000-8000-00000000000a}",
        ] {
            assert!(DirectoryId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn contact_folder_ids_stay_inside_their_path_segment() {
        assert!(ContactFolderId::parse("AAMkAGI2TG93AAA=").is_ok());
        for bad in ["", "a/b", "a?b", "a#b"] {
            assert_eq!(
                ContactFolderId::parse(bad),
                Err(NotAContactFolderId),
                "{bad}"
            );
        }
        assert!(ContactFolderId::parse(&"x".repeat(513)).is_err());
    }
}

//! Personal contacts: the folder tree, a folder's contacts, matching with Turkish casing, and a
//! folder picked for an invitation.

use davet_api::{ContactFolder, ContactFolders, ContactList, ExpandEvent, Selection};

use crate::helpers::spawn_app;

fn flatten(folders: &[ContactFolder], depth: usize, out: &mut Vec<(String, String, usize)>) {
    for f in folders {
        out.push((f.id.clone(), f.display_name.clone(), depth));
        flatten(&f.children, depth + 1, out);
    }
}

#[tokio::test]
async fn the_folder_tree_and_each_folders_contacts_are_the_mailboxs_own() {
    let app = spawn_app().await;
    let mailbox = app.emulator.world.tenant.mailbox(app.member(0));
    let tree: ContactFolders = app
        .get("api/contacts/folders")
        .await
        .json()
        .await
        .expect("json");
    let mut listed = Vec::new();
    flatten(&tree.folders, 0, &mut listed);
    assert_eq!(
        listed.len(),
        mailbox.folders.len(),
        "every folder once: {listed:?}"
    );
    for folder in &mailbox.folders {
        let (_, name, depth) = listed
            .iter()
            .find(|(id, _, _)| *id == folder.id)
            .unwrap_or_else(|| panic!("{} is listed", folder.display_name));
        assert_eq!(*name, folder.display_name);
        // Its depth is the length of its parent chain below the default folder.
        let mut expected = 0;
        let mut parent = &folder.parent_folder_id;
        while let Some(up) = mailbox.folders.iter().find(|f| &f.id == parent) {
            expected += 1;
            parent = &up.parent_folder_id;
        }
        assert_eq!(*depth, expected, "{}", folder.display_name);
    }
    assert!(listed.iter().any(|(_, _, d)| *d >= 2), "folders nest");

    let folder = &mailbox.folders[0];
    let found: ContactList = app
        .get(&format!("api/contacts?folder={}", folder.id))
        .await
        .json()
        .await
        .expect("json");
    let expected: Vec<&str> = mailbox
        .contacts
        .iter()
        .filter(|c| c.parent_folder_id == folder.id && !c.email_addresses.is_empty())
        .map(|c| c.id.as_str())
        .collect();
    let ids: Vec<&str> = found.contacts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn contacts_match_word_starts_with_turkish_casing() {
    let app = spawn_app().await;
    let all: ContactList = app.get("api/contacts").await.json().await.expect("json");
    let someone = all
        .contacts
        .first()
        .expect("the default folder has contacts");
    let word = someone
        .display_name
        .split_whitespace()
        .last()
        .expect("a surname");
    // Typed in the other case, Turkish style.
    let typed: String = word
        .chars()
        .take(3)
        .map(|c| match c {
            'i' => 'İ',
            'ı' => 'I',
            c => c.to_uppercase().next().unwrap_or(c),
        })
        .collect();
    let found: ContactList = app
        .get(&format!("api/contacts?q={typed}"))
        .await
        .json()
        .await
        .expect("json");
    assert!(
        found.contacts.iter().any(|c| c.id == someone.id),
        "{typed} finds {}",
        someone.display_name
    );
    assert!(found.contacts.len() <= all.contacts.len());
}

#[tokio::test]
async fn a_picked_contact_folder_invites_its_contacts_as_external() {
    let app = spawn_app().await;
    let mailbox = app.emulator.world.tenant.mailbox(app.member(0));
    let folder = &mailbox.folders[0];
    let events = app
        .expand(vec![Selection::ContactFolder {
            id: folder.id.clone(),
            display_name: folder.display_name.clone(),
        }])
        .await;
    let Some(ExpandEvent::Done { expansion }) = events.last() else {
        panic!("{events:?}");
    };
    let expected: std::collections::BTreeSet<String> = mailbox
        .contacts
        .iter()
        .filter(|c| c.parent_folder_id == folder.id)
        .filter_map(|c| c.email_addresses.first().map(|a| a.address.to_lowercase()))
        .collect();
    let found: std::collections::BTreeSet<String> = expansion
        .people
        .iter()
        .map(|p| p.email.to_lowercase())
        .collect();
    assert!(
        !expected.is_empty(),
        "the folder holds contacts with addresses"
    );
    assert_eq!(found, expected);
    assert!(expansion.people.iter().all(|p| p.via == [0]));
    assert!(
        expansion.people.iter().all(|p| p.external && !p.guest),
        "personal contacts are invited as external people"
    );
    let no_address = mailbox
        .contacts
        .iter()
        .filter(|c| c.parent_folder_id == folder.id && c.email_addresses.is_empty())
        .count() as u32;
    assert_eq!(expansion.skipped.no_mailbox, no_address);
}

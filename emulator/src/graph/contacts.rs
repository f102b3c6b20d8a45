//! Personal contacts: `/users/{id}/contacts` (the default folder), `/contactFolders`,
//! `/contactFolders/{id}`, its `childFolders` to any depth and its `contacts`; the one `$filter`
//! Graph supports on addresses, `emailAddresses/any(a:a/address eq '…')`. Outlook items page by
//! 10 unless `$top` says otherwise.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::collection::{self, EntityType};
use super::odata::Query;
use super::{Graph, GraphError, csdl, not_found};
use crate::tenant::Mailbox;

/// Page size of Outlook collections without `$top`.
const OUTLOOK_PAGE: usize = 10;

const CONTACT: EntityType = EntityType {
    properties: &[csdl::CONTACT],
    defaults: None,
    searchable: &[],
    tokenized: &[],
    sortable: &["displayName"],
    default_page: OUTLOOK_PAGE,
    expandable: &[],
    outlook: true,
};

const FOLDER: EntityType = EntityType {
    properties: &[csdl::CONTACT_FOLDER],
    defaults: None,
    searchable: &[],
    tokenized: &[],
    sortable: &["displayName"],
    default_page: OUTLOOK_PAGE,
    expandable: &[],
    outlook: true,
};

fn mailbox(graph: &Graph, user: &str) -> Result<Mailbox, GraphError> {
    let tenant = &graph.world.tenant;
    let owner = tenant.user_index(user).ok_or_else(|| not_found(user))?;
    if tenant.users[owner].user_type == "Guest" {
        return Err(GraphError::new(
            StatusCode::NOT_FOUND,
            "MailboxNotEnabledForRESTAPI",
            "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
        ));
    }
    Ok(tenant.mailbox(owner))
}

fn item_not_found() -> GraphError {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

fn json<T: serde::Serialize>(items: &[&T]) -> Vec<Value> {
    items
        .iter()
        .map(|i| serde_json::to_value(i).unwrap_or_default())
        .collect()
}

/// Contacts as Outlook answers them: every property of the contact type, the ones the mailbox
/// has no value for as `null`, empty collections as `[]`, empty addresses as `{}`; a change key
/// and creation times of their own.
fn contact_json(items: &[&crate::tenant::Contact]) -> Vec<Value> {
    const COLLECTIONS: &[&str] = &[
        "categories",
        "emailAddresses",
        "imAddresses",
        "homePhones",
        "businessPhones",
        "children",
    ];
    const ADDRESSES: &[&str] = &["homeAddress", "businessAddress", "otherAddress"];
    json(items)
        .into_iter()
        .map(|mut contact| {
            if let Some(map) = contact.as_object_mut() {
                let id = map
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let tail = &id[id.len().saturating_sub(16)..];
                map.insert("changeKey".into(), format!("EQAAABYAAAD{tail}").into());
                for stamp in ["createdDateTime", "lastModifiedDateTime"] {
                    map.insert(stamp.into(), "2025-06-02T08:30:00Z".into());
                }
                for property in csdl::CONTACT {
                    let empty = if COLLECTIONS.contains(property) {
                        Value::Array(Vec::new())
                    } else if ADDRESSES.contains(property) {
                        Value::Object(serde_json::Map::new())
                    } else {
                        Value::Null
                    };
                    map.entry(*property).or_insert(empty);
                }
            }
            contact
        })
        .collect()
}

/// `GET /users/{id}/contacts`: the default Contacts folder.
pub async fn contacts(
    State(graph): State<Graph>,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    let mailbox = mailbox(&graph, &user)?;
    let items = contact_json(&mailbox.contacts_in(&mailbox.root.id));
    collection::page(
        &graph,
        &format!("users/{user}/contacts"),
        &format!("users('{user}')/contacts"),
        &CONTACT,
        &items,
        &query,
    )
}

/// `GET /users/{id}/contactFolders`: the folders in the default Contacts folder.
pub async fn folders(
    State(graph): State<Graph>,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    let mailbox = mailbox(&graph, &user)?;
    let items = json(&mailbox.children(&mailbox.root.id));
    collection::page(
        &graph,
        &format!("users/{user}/contactFolders"),
        &format!("users('{user}')/contactFolders"),
        &FOLDER,
        &items,
        &query,
    )
}

/// `GET /users/{id}/contactFolders/{folder}`.
pub async fn folder(
    State(graph): State<Graph>,
    Path((user, folder)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    let mailbox = mailbox(&graph, &user)?;
    let found = mailbox.folder(&folder).ok_or_else(item_not_found)?;
    let item = serde_json::to_value(found).unwrap_or_default();
    collection::entity(
        &graph,
        &format!("users('{user}')/contactFolders"),
        &FOLDER,
        &item,
        &query,
    )
}

/// `GET /users/{id}/contactFolders/{folder}/{childFolders|contacts}`.
pub async fn folder_items(
    State(graph): State<Graph>,
    Path((user, folder, relation)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    let mailbox = mailbox(&graph, &user)?;
    let folder_id = mailbox
        .folder(&folder)
        .ok_or_else(item_not_found)?
        .id
        .clone();
    let path = format!("users/{user}/contactFolders/{folder}/{relation}");
    let context = format!("users('{user}')/contactFolders('{folder}')/{relation}");
    match relation.as_str() {
        "childFolders" => collection::page(
            &graph,
            &path,
            &context,
            &FOLDER,
            &json(&mailbox.children(&folder_id)),
            &query,
        ),
        "contacts" => collection::page(
            &graph,
            &path,
            &context,
            &CONTACT,
            &contact_json(&mailbox.contacts_in(&folder_id)),
            &query,
        ),
        other => Err(GraphError::bad_request(
            "BadRequest",
            format!("Resource not found for the segment '{other}'."),
        )),
    }
}

//! `/v1.0/users`: list and `$search` the directory's users, get one by id or UPN, its manager
//! and its photo.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::collection::{self, EntityType};
use super::odata::{DEFAULT_PAGE, Query};
use super::{Graph, GraphError, csdl, not_found};
use crate::tenant::{Member, User};

/// What a user answers without `$select`: the v1.0 user reference's default set.
pub const USER_DEFAULTS: &[&str] = &[
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

pub const USER: EntityType = EntityType {
    properties: &[csdl::USER],
    defaults: Some(USER_DEFAULTS),
    searchable: &[
        "displayName",
        "givenName",
        "surname",
        "mail",
        "userPrincipalName",
        "jobTitle",
        "department",
        "officeLocation",
    ],
    tokenized: &["displayName"],
    sortable: &["displayName", "userPrincipalName"],
    default_page: DEFAULT_PAGE,
    expandable: &[],
    outlook: false,
};

pub fn json(user: &User) -> Value {
    serde_json::to_value(user).unwrap_or_default()
}

pub async fn list(
    State(graph): State<Graph>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    collection::page(
        &graph,
        "users",
        "users",
        &USER,
        &graph.world.users_json,
        &query,
    )
}

/// `GET /users/$count`.
pub async fn count(
    State(graph): State<Graph>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    collection::count(&USER, &graph.world.users_json, &query, &headers)
}

fn find<'a>(graph: &'a Graph, id: &str) -> Result<&'a User, GraphError> {
    graph.world.tenant.user(id).ok_or_else(|| not_found(id))
}

pub async fn get(
    State(graph): State<Graph>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    let user = find(&graph, &id)?;
    let mut item = json(user);
    for expansion in query.expansions()? {
        if expansion.property.eq_ignore_ascii_case("memberOf") {
            let index = graph.world.tenant.user_index(&id).unwrap_or_default();
            let of = graph
                .world
                .tenant
                .member_of(crate::tenant::Member::User(index));
            item["memberOf"] = super::groups::expanded_objects(
                &graph.world.tenant,
                &of,
                expansion.select.as_deref(),
            );
            continue;
        }
        if !expansion.property.eq_ignore_ascii_case("manager") {
            return Err(super::groups::no_navigation(&expansion.property, "user"));
        }
        // More than one level is an advanced query (the reference's own example sends both).
        if expansion.levels.is_some()
            && !(super::odata::eventual_consistency(&headers) && query.count)
        {
            return Err(GraphError::bad_request(
                "Request_UnsupportedQuery",
                "Unsupported Query.",
            ));
        }
        let levels = match expansion.levels {
            None => 1,
            Some(None) => usize::MAX,
            Some(Some(n)) => n,
        };
        item["manager"] = manager_chain(&graph, user, levels, expansion.select.as_deref());
    }
    let entity = EntityType {
        expandable: &["manager", "memberOf"],
        ..USER
    };
    collection::entity(&graph, "users", &entity, &item, &query)
}

/// A user's manager, and theirs, up to `levels` (as `$expand=manager($levels=…)` nests them);
/// `null` at the top. Each shows `select` (every property without it) and its `@odata.type`.
fn manager_chain(graph: &Graph, user: &User, levels: usize, select: Option<&[String]>) -> Value {
    let tenant = &graph.world.tenant;
    let Some(index) = user.manager.filter(|_| levels > 0) else {
        return Value::Null;
    };
    let mut shown = collection::as_selected(tenant.member_json(Member::User(index)), select);
    if levels > 1 {
        shown["manager"] = manager_chain(graph, &tenant.users[index], levels - 1, select);
    }
    shown
}

pub async fn manager(
    State(graph): State<Graph>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    let tenant = &graph.world.tenant;
    let user = find(&graph, &id)?;
    let manager = user
        .manager
        .map(|i| &tenant.users[i])
        .ok_or_else(|| not_found("manager"))?;
    let mut item = json(manager);
    item["@odata.type"] = "#microsoft.graph.user".into();
    // Without `$select`, a directory object reference answers with every property it has.
    let entity = EntityType {
        defaults: None,
        ..USER
    };
    collection::entity(&graph, "directoryObjects", &entity, &item, &query)
}

/// The user, when the directory has a photo of them; Graph's 404 otherwise.
fn with_photo<'a>(graph: &'a Graph, id: &str) -> Result<&'a User, GraphError> {
    let user = find(graph, id)?;
    if !user.has_photo {
        return Err(GraphError::new(
            StatusCode::NOT_FOUND,
            "ImageNotFound",
            "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.",
        ));
    }
    Ok(user)
}

pub async fn photo(
    State(graph): State<Graph>,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    let user = with_photo(&graph, &id)?;
    Ok(([(header::CONTENT_TYPE, "image/png")], portrait(&user.id)).into_response())
}

/// `GET /users/{id}/photo`: the profilePhoto's metadata (its size), or 404 when there is none.
pub async fn photo_metadata(
    State(graph): State<Graph>,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    let user = with_photo(&graph, &id)?;
    Ok(axum::Json(serde_json::json!({
        "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#users('{}')/photo/$entity", user.id),
        "@odata.mediaContentType": "image/png",
        "id": "48X48",
        "height": 48,
        "width": 48,
    }))
    .into_response())
}

/// A small, real PNG whose colour comes from the user's id, so different people differ.
fn portrait(id: &str) -> Vec<u8> {
    const SIZE: u32 = 48;
    let seed = id
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let colour = [
        (seed >> 16) as u8 | 0x40,
        (seed >> 8) as u8 | 0x40,
        seed as u8 | 0x40,
    ];
    // Each scan line: filter type 0 (none), then the pixels.
    let line: Vec<u8> = std::iter::once(0)
        .chain(colour.iter().copied().cycle().take(SIZE as usize * 3))
        .collect();
    let raw = line.repeat(SIZE as usize);
    png(SIZE, &raw)
}

/// PNG with stored (uncompressed) deflate blocks: valid, and needs no compressor.
fn png(size: u32, raw: &[u8]) -> Vec<u8> {
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (a, b) = raw.iter().fold((1u32, 0u32), |(a, b), &x| {
        let a = (a + u32::from(x)) % 65_521;
        (a, (b + a) % 65_521)
    });
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&size.to_be_bytes());
    header.extend_from_slice(&size.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    for (kind, data) in [
        (&b"IHDR"[..], &header[..]),
        (b"IDAT", &zlib),
        (b"IEND", &[]),
    ] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(data);
        out.extend_from_slice(&chunk);
        out.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &b| {
        (0..8).fold(crc ^ u32::from(b), |c, _| {
            if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_png_reference_value() {
        // The CRC of an IEND chunk's type is fixed by the PNG specification.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }
}

//! `/v1.0/groups`: list, `$search`, get, and the `members` and `transitiveMembers` of a group,
//! with type casts (`microsoft.graph.user` or its alias `graph.user`, …) and `/$count`.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::collection::{self, EntityType};
use super::odata::{DEFAULT_PAGE, Query, eventual_consistency};
use super::{Graph, GraphError, csdl, not_found};
use crate::tenant::Member;
use crate::wire::is_guid;

pub const GROUP: EntityType = EntityType {
    properties: &[csdl::GROUP],
    defaults: Some(GROUP_DEFAULTS),
    searchable: &["displayName", "description", "mail", "mailNickname"],
    tokenized: &["displayName", "description"],
    sortable: &["displayName"],
    default_page: DEFAULT_PAGE,
    expandable: &[],
    outlook: false,
};

/// What a group answers without `$select`: the properties the v1.0 group reference marks
/// "Returned by default", as its List groups example shows them (the rest only on `$select`).
pub const GROUP_DEFAULTS: &[&str] = &[
    "id",
    "deletedDateTime",
    "classification",
    "createdDateTime",
    "description",
    "displayName",
    "expirationDateTime",
    "groupTypes",
    "isAssignableToRole",
    "mail",
    "mailEnabled",
    "mailNickname",
    "membershipRule",
    "membershipRuleProcessingState",
    "onPremisesLastSyncDateTime",
    "onPremisesProvisioningErrors",
    "onPremisesSamAccountName",
    "onPremisesSecurityIdentifier",
    "onPremisesSyncEnabled",
    "preferredDataLocation",
    "preferredLanguage",
    "proxyAddresses",
    "renewedDateTime",
    "resourceBehaviorOptions",
    "resourceProvisioningOptions",
    "securityEnabled",
    "securityIdentifier",
    "theme",
    "visibility",
];

/// Members may be of any directory type: `$select` may name the properties of any of them.
const DIRECTORY_OBJECT: EntityType = EntityType {
    properties: &[csdl::USER, csdl::GROUP, csdl::ORG_CONTACT, csdl::DEVICE],
    defaults: None,
    searchable: &["displayName", "mail"],
    tokenized: &["displayName"],
    sortable: &["displayName"],
    default_page: DEFAULT_PAGE,
    expandable: &[],
    outlook: false,
};

pub async fn list(
    State(graph): State<Graph>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    collection::page(&graph, "groups", "groups", &GROUP, &all(&graph), &query)
}

/// `GET /groups/$count`.
pub async fn count(
    State(graph): State<Graph>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    collection::count(&GROUP, &all(&graph), &query, &headers)
}

fn all(graph: &Graph) -> Vec<Value> {
    graph
        .world
        .tenant
        .groups
        .iter()
        .map(|g| serde_json::to_value(g).unwrap_or_default())
        .collect()
}

fn find(graph: &Graph, id: &str) -> Result<usize, GraphError> {
    if !is_guid(id) {
        return Err(GraphError::bad_request(
            "Request_BadRequest",
            format!("Invalid object identifier '{id}'."),
        ));
    }
    graph
        .world
        .tenant
        .groups
        .iter()
        .position(|g| g.id == id)
        .ok_or_else(|| not_found(id))
}

pub async fn get(
    State(graph): State<Graph>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    let index = find(&graph, &id)?;
    let tenant = &graph.world.tenant;
    let group = &tenant.groups[index];
    let mut item = serde_json::to_value(group).unwrap_or_default();
    for expansion in query.expansions()? {
        match expansion.property.to_ascii_lowercase().as_str() {
            "members" => {
                item["members"] =
                    expanded_objects(tenant, &group.members, expansion.select.as_deref());
            }
            "memberof" => {
                let of = tenant.member_of(Member::Group(index));
                item["memberOf"] = expanded_objects(tenant, &of, expansion.select.as_deref());
            }
            _ => return Err(no_navigation(&expansion.property, "group")),
        }
    }
    let entity = EntityType {
        expandable: &["members", "memberOf"],
        ..GROUP
    };
    collection::entity(&graph, "groups", &entity, &item, &query)
}

/// At most this many objects an `$expand` of a directory relationship answers (Graph's limit).
pub const EXPANDED_AT_MOST: usize = 20;

/// Directory objects as `$expand` shows them: each with its `@odata.type`, `select`'s
/// properties (all it has without), at most [`EXPANDED_AT_MOST`].
pub(super) fn expanded_objects(
    tenant: &crate::tenant::Tenant,
    objects: &[Member],
    select: Option<&[String]>,
) -> Value {
    objects
        .iter()
        .take(EXPANDED_AT_MOST)
        .map(|&m| collection::as_selected(tenant.member_json(m), select))
        .collect()
}

/// Graph's refusal of an `$expand` the type has no navigation property for.
pub(super) fn no_navigation(property: &str, entity: &str) -> GraphError {
    GraphError::bad_request(
        "BadRequest",
        format!(
            "Could not find a navigation property named '{property}' on type 'microsoft.graph.{entity}'."
        ),
    )
}

/// Which members a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cast {
    Any,
    User,
    Group,
    OrgContact,
    Device,
}

impl Cast {
    fn parse(segment: &str) -> Option<Self> {
        let name = segment
            .strip_prefix("microsoft.graph.")
            .or_else(|| segment.strip_prefix("graph."))?;
        Some(match name {
            "user" => Self::User,
            "group" => Self::Group,
            "orgContact" => Self::OrgContact,
            "device" => Self::Device,
            _ => return None,
        })
    }

    fn admits(self, member: Member) -> bool {
        matches!(
            (self, member),
            (Self::Any, _)
                | (Self::User, Member::User(_))
                | (Self::Group, Member::Group(_))
                | (Self::OrgContact, Member::Contact(_))
                | (Self::Device, Member::Device(_))
        )
    }

    /// The entity set `@odata.context` names, and what `$select` may ask for.
    fn entity(self) -> (&'static str, EntityType) {
        match self {
            Self::Any => ("directoryObjects", DIRECTORY_OBJECT),
            Self::User => (
                "users",
                EntityType {
                    defaults: None,
                    ..super::users::USER
                },
            ),
            Self::Group => ("groups", GROUP),
            Self::OrgContact => (
                "contacts",
                EntityType {
                    properties: &[csdl::ORG_CONTACT],
                    ..DIRECTORY_OBJECT
                },
            ),
            Self::Device => (
                "devices",
                EntityType {
                    properties: &[csdl::DEVICE],
                    ..DIRECTORY_OBJECT
                },
            ),
        }
    }
}

/// The path segments after `{id}`: the relation, an optional cast, an optional `$count`.
struct Related<'a> {
    id: &'a str,
    relation: &'a str,
    cast: Cast,
    cast_segment: Option<&'a str>,
    count_only: bool,
}

fn related(segments: &[(String, String)]) -> Result<Related<'_>, GraphError> {
    let value = |name: &str| {
        segments
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let mut rest: Vec<&str> = [value("cast"), value("count")]
        .into_iter()
        .flatten()
        .collect();
    let count_only = rest.last() == Some(&"$count");
    if count_only {
        rest.pop();
    }
    let cast = match rest.as_slice() {
        [] => Cast::Any,
        [segment] => Cast::parse(segment).ok_or_else(|| segment_error(segment))?,
        [_, extra, ..] => return Err(segment_error(extra)),
    };
    Ok(Related {
        id: value("id").unwrap_or_default(),
        relation: value("relation").unwrap_or_default(),
        cast,
        cast_segment: rest.first().copied(),
        count_only,
    })
}

/// `GET /groups/{id}/{members|transitiveMembers}[/{cast}][/$count]`.
pub async fn members(
    State(graph): State<Graph>,
    Path(segments): Path<Vec<(String, String)>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let related = related(&segments)?;
    let tenant = &graph.world.tenant;
    let members = match related.relation {
        "members" => Arc::new(tenant.groups[find(&graph, related.id)?].members.clone()),
        "transitiveMembers" => graph.world.transitive_members(find(&graph, related.id)?),
        other => return Err(segment_error(other)),
    };
    serve_related(
        &graph,
        "groups",
        &related,
        &members,
        raw.as_deref(),
        &headers,
    )
}

/// `GET /users/{id}/{memberOf|transitiveMemberOf}[/{cast}][/$count]`.
pub async fn member_of(
    State(graph): State<Graph>,
    Path(segments): Path<Vec<(String, String)>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let related = related(&segments)?;
    let tenant = &graph.world.tenant;
    let user = Member::User(
        tenant
            .user_index(related.id)
            .ok_or_else(|| not_found(related.id))?,
    );
    let groups = match related.relation {
        "memberOf" => tenant.member_of(user),
        "transitiveMemberOf" => tenant.transitive_member_of(user),
        other => return Err(segment_error(other)),
    };
    serve_related(&graph, "users", &related, &groups, raw.as_deref(), &headers)
}

fn serve_related(
    graph: &Graph,
    owner: &str,
    related: &Related<'_>,
    objects: &[Member],
    raw: Option<&str>,
    headers: &HeaderMap,
) -> Result<Response, GraphError> {
    let cast = related.cast;
    let tenant = &graph.world.tenant;
    let admitted = objects.iter().copied().filter(|m| cast.admits(*m));
    if related.count_only {
        if !eventual_consistency(headers) {
            return Err(GraphError::bad_request(
                "Request_BadRequest",
                "Count is not currently supported without the ConsistencyLevel header set to eventual.",
            ));
        }
        return Ok((
            [(header::CONTENT_TYPE, "text/plain")],
            admitted.count().to_string(),
        )
            .into_response());
    }
    let query = Query::parse(raw, headers)?;
    let (context, entity) = cast.entity();
    let admitted: Vec<Member> = admitted.collect();
    let make = |m: Member| {
        // A cast collection is of one type: Graph leaves the per-item type out.
        let odata_type = (cast == Cast::Any).then(|| tenant.type_of(m));
        let item = match m {
            Member::User(i) => std::borrow::Cow::Borrowed(&graph.world.users_json[i]),
            other => {
                let mut item = tenant.member_json(other);
                if let Some(map) = item.as_object_mut() {
                    map.remove("@odata.type");
                }
                std::borrow::Cow::Owned(item)
            }
        };
        (item, odata_type)
    };
    // A user looks the same under the same `$select` on every page: written once, then copied.
    let projection = match (&query.select, query.expand.is_empty()) {
        (Some(select), true) => Some(graph.world.user_projection(&format!(
            "{}|{}",
            cast == Cast::Any,
            select.join(",")
        ))),
        _ => None,
    };
    let write = |m: Member, out: &mut Vec<u8>| match (m, &projection) {
        (Member::User(i), Some(users)) => out.extend_from_slice(users[i].get_or_init(|| {
            let (item, odata_type) = make(m);
            let mut json = Vec::with_capacity(192);
            entity.write_projected(&item, &query, odata_type, &mut json);
            json.into_boxed_slice()
        })),
        _ => {
            let (item, odata_type) = make(m);
            entity.write_projected(&item, &query, odata_type, out);
        }
    };
    let (id, relation) = (related.id, related.relation);
    let path = match related.cast_segment {
        Some(cast) => format!("{owner}/{id}/{relation}/{cast}"),
        None => format!("{owner}/{id}/{relation}"),
    };
    collection::page_of(
        graph, &path, context, &entity, &admitted, make, write, &query,
    )
}

fn segment_error(segment: &str) -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        format!("Resource not found for the segment '{segment}'."),
    )
}

//! `GET /v1.0/users`: list and `$search` the directory's users.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::odata::{Clause, Query, fold, words};
use super::{Graph, GraphError, odata};
use crate::tenant::User;

/// Properties Graph returns for a user when the request has no `$select`.
const DEFAULT_PROPERTIES: &[&str] = &[
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

/// Properties `$search` accepts on users; `displayName` is tokenised, the rest match as prefixes.
const SEARCHABLE: &[&str] = &[
    "displayName",
    "givenName",
    "surname",
    "mail",
    "userPrincipalName",
    "jobTitle",
    "department",
    "officeLocation",
];

pub async fn list(
    State(graph): State<Graph>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, GraphError> {
    let query = Query::parse(raw.as_deref(), &headers)?;
    let unsearchable = query
        .search
        .iter()
        .flat_map(|search| search.clauses())
        .find(|c| !SEARCHABLE.contains(&c.property.as_str()));
    if let Some(clause) = unsearchable {
        return Err(GraphError::bad_request(
            "Request_UnsupportedQuery",
            format!(
                "The property '{}' does not support search.",
                clause.property
            ),
        ));
    }
    let selected = selected_properties(&query)?;

    let users = &graph.world.tenant.users;
    let matching: Vec<&User> = match &query.search {
        Some(search) => users
            .iter()
            .filter(|u| search.matches(|c| clause_matches(u, c)))
            .collect(),
        None => users.iter().collect(),
    };
    let page: Vec<Value> = matching
        .iter()
        .skip(query.offset)
        .take(query.page_size())
        .map(|user| project(user, &selected))
        .collect();

    let collection = format!("{}/users", graph.service_root());
    let mut body = Map::new();
    let context = match &query.select {
        Some(props) => format!(
            "{}/$metadata#users({})",
            graph.service_root(),
            props.join(",")
        ),
        None => format!("{}/$metadata#users", graph.service_root()),
    };
    body.insert("@odata.context".into(), json!(context));
    if query.count {
        body.insert("@odata.count".into(), json!(matching.len()));
    }
    let next_offset = query.offset + page.len();
    if next_offset < matching.len() {
        body.insert(
            "@odata.nextLink".into(),
            json!(query.next_link(&collection, next_offset)),
        );
    }
    body.insert("value".into(), Value::Array(page));
    Ok(odata(Value::Object(body)))
}

fn selected_properties(query: &Query) -> Result<Vec<String>, GraphError> {
    let Some(select) = &query.select else {
        return Ok(DEFAULT_PROPERTIES.iter().map(|p| (*p).to_owned()).collect());
    };
    let known = serde_json::to_value(User::default_shape()).unwrap_or_default();
    for property in select {
        if known.get(property).is_none() {
            return Err(GraphError::bad_request(
                "Request_BadRequest",
                format!(
                    "Could not find a property named '{property}' on type 'Microsoft.DirectoryServices.User'."
                ),
            ));
        }
    }
    Ok(select.clone())
}

fn project(user: &User, properties: &[String]) -> Value {
    let full = serde_json::to_value(user).unwrap_or_default();
    let object = properties
        .iter()
        .map(|p| (p.clone(), full.get(p).cloned().unwrap_or(Value::Null)))
        .collect();
    Value::Object(object)
}

fn clause_matches(user: &User, clause: &Clause) -> bool {
    let value = match clause.property.as_str() {
        "displayName" => {
            let name = words(&user.display_name);
            return clause
                .words
                .iter()
                .all(|w| name.iter().any(|n| n.starts_with(w.as_str())));
        }
        "givenName" => Some(user.given_name.as_str()),
        "surname" => Some(user.surname.as_str()),
        "mail" => user.mail.as_deref(),
        "userPrincipalName" => Some(user.user_principal_name.as_str()),
        "jobTitle" => user.job_title.as_deref(),
        "department" => user.department.as_deref(),
        "officeLocation" => user.office_location.as_deref(),
        _ => None,
    };
    value.is_some_and(|v| fold(v).starts_with(&clause.text))
}

impl User {
    /// A user with every property present, to learn the property names from serde.
    fn default_shape() -> Self {
        Self {
            id: String::new(),
            display_name: String::new(),
            given_name: String::new(),
            surname: String::new(),
            mail: None,
            user_principal_name: String::new(),
            job_title: None,
            department: None,
            office_location: None,
            business_phones: Vec::new(),
            mobile_phone: None,
            preferred_language: None,
            user_type: String::new(),
            account_enabled: false,
            proxy_addresses: Vec::new(),
        }
    }
}

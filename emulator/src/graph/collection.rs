//! Serving a collection the way Graph does: `$search`, `$select`, `$count`, paging by absolute
//! `@odata.nextLink`, and the `@odata.context` annotation.

use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::odata::{Clause, Query, fold, folded_starts_with, some_word_starts_with};
use super::{Graph, GraphError, odata};

/// What Graph knows about one entity type, for the query options.
#[derive(Debug, Clone, Copy)]
pub struct EntityType {
    /// The CSDL's structural properties of the types the collection may hold: what `$select`
    /// may name.
    pub properties: &'static [&'static [&'static str]],
    /// What an answer without `$select` carries; `None`: every property we model.
    pub defaults: Option<&'static [&'static str]>,
    /// Properties `$search` accepts.
    pub searchable: &'static [&'static str],
    /// Of those, the ones matched by word starts rather than as a whole prefix.
    pub tokenized: &'static [&'static str],
    /// Properties `$orderby` accepts.
    pub sortable: &'static [&'static str],
    /// Items in a page without `$top`: 100 for directory objects, 10 for Outlook items.
    pub default_page: usize,
    /// Navigation properties kept on items (to filter by) but shown only when `$expand`ed.
    pub expandable: &'static [&'static str],
    /// An Outlook item (event, contact, contact folder): its `id` is answered even when
    /// `$select` leaves it out, and `@odata.etag` (`W/"changeKey"`) when it has a change key.
    pub outlook: bool,
}

impl EntityType {
    fn check(&self, query: &Query) -> Result<(), GraphError> {
        if let Some(select) = &query.select
            && let Some(unknown) = select.iter().find(|p| {
                !self
                    .properties
                    .iter()
                    .any(|props| props.contains(&p.as_str()))
            })
        {
            return Err(GraphError::bad_request(
                "Request_BadRequest",
                format!(
                    "Could not find a property named '{unknown}' on type 'microsoft.graph.directoryObject'."
                ),
            ));
        }
        let known = |p: &str| {
            self.properties.iter().any(|props| props.contains(&p)) || self.expandable.contains(&p)
        };
        let unknown_filtered = query
            .filter
            .iter()
            .flat_map(|f| f.properties())
            .find(|p| !known(p));
        if let Some(property) = unknown_filtered {
            return Err(GraphError::bad_request(
                "Request_BadRequest",
                format!(
                    "Could not find a property named '{property}' on type 'microsoft.graph.directoryObject'."
                ),
            ));
        }
        if let Some((property, _)) = &query.orderby
            && !self.sortable.contains(&property.as_str())
        {
            return Err(GraphError::bad_request(
                "Request_UnsupportedQuery",
                format!("Sorting not supported for '{property}'."),
            ));
        }
        let unsearchable = query
            .search
            .iter()
            .flat_map(|search| search.clauses())
            .find(|c| !self.searchable.contains(&c.property.as_str()));
        if let Some(clause) = unsearchable {
            return Err(GraphError::bad_request(
                "Request_UnsupportedQuery",
                format!(
                    "The property '{}' does not support search.",
                    clause.property
                ),
            ));
        }
        Ok(())
    }

    /// Whether `item` is one the query's `$filter` and `$search` let through.
    fn admits(&self, item: &Value, query: &Query) -> bool {
        query.filter.as_ref().is_none_or(|f| f.matches(item))
            && query
                .search
                .as_ref()
                .is_none_or(|s| s.matches(|c| self.clause_matches(item, c)))
    }

    fn clause_matches(&self, item: &Value, clause: &Clause) -> bool {
        let Some(text) = item.get(&clause.property).and_then(Value::as_str) else {
            return false;
        };
        if self.tokenized.contains(&clause.property.as_str()) {
            clause.words.iter().all(|w| some_word_starts_with(text, w))
        } else {
            folded_starts_with(text, &clause.text)
        }
    }

    /// The item as the answer shows it: the selected (or default) properties, and its
    /// `@odata.type` when the collection mixes types.
    pub fn project(&self, item: &Value, query: &Query) -> Value {
        self.project_as(item, query, item.get("@odata.type").and_then(Value::as_str))
    }

    /// [`EntityType::project_as`], written as JSON into `out`.
    pub fn write_projected(
        &self,
        item: &Value,
        query: &Query,
        odata_type: Option<&str>,
        out: &mut Vec<u8>,
    ) {
        let mut fields: Vec<(&str, &Value)> = Vec::with_capacity(8);
        let null = &Value::Null;
        let names: Vec<&str> = match (query.select.as_deref(), self.defaults) {
            (Some(select), _) => select.iter().map(String::as_str).collect(),
            (None, Some(defaults)) => defaults.to_vec(),
            (None, None) => item
                .as_object()
                .map(|map| {
                    map.keys()
                        .map(String::as_str)
                        .filter(|k| !k.starts_with('@') && !self.expandable.contains(k))
                        .collect()
                })
                .unwrap_or_default(),
        };
        for name in names {
            fields.push((name, item.get(name).unwrap_or(null)));
        }
        for expanded in &query.expand {
            if self.expandable.contains(&expanded.as_str()) {
                fields.push((
                    expanded.as_str(),
                    item.get(expanded.as_str()).unwrap_or(null),
                ));
            }
        }
        fields.sort_by(|a, b| a.0.cmp(b.0));
        fields.dedup_by(|a, b| a.0 == b.0);
        out.push(b'{');
        let mut first = true;
        if let Some(odata_type) = odata_type {
            write_json(out, "@odata.type");
            out.push(b':');
            write_json(out, odata_type);
            first = false;
        }
        for (name, value) in fields {
            if !first {
                out.push(b',');
            }
            first = false;
            write_json(out, name);
            out.push(b':');
            write_json(out, value);
        }
        out.push(b'}');
    }

    /// [`EntityType::project`] with the item's `@odata.type` given (or left out with `None`).
    pub fn project_as(&self, item: &Value, query: &Query, odata_type: Option<&str>) -> Value {
        let select = query.select.as_deref();
        let mut out = Map::new();
        if let Some(odata_type) = odata_type {
            out.insert("@odata.type".into(), odata_type.into());
        }
        let mut put = |p: &str| {
            out.insert(p.to_owned(), item.get(p).cloned().unwrap_or(Value::Null));
        };
        match (select, self.defaults) {
            (Some(select), _) => select.iter().for_each(|p| put(p)),
            (None, Some(defaults)) => defaults.iter().for_each(|p| put(p)),
            (None, None) => {
                if let Some(map) = item.as_object() {
                    map.keys()
                        .filter(|k| !k.starts_with('@') && !self.expandable.contains(&k.as_str()))
                        .for_each(|k| put(k));
                }
            }
        }
        for expanded in &query.expand {
            if self.expandable.contains(&expanded.as_str()) {
                put(expanded);
            }
        }
        if self.outlook {
            put("id");
            if let Some(change_key) = item.get("changeKey").and_then(Value::as_str) {
                out.insert("@odata.etag".into(), format!("W/\"{change_key}\"").into());
            }
        }
        Value::Object(out)
    }
}

/// An object as a nested `$select` (`$expand=manager($select=…)`) shows it: its `@odata.type`
/// and the properties named, or everything it has without one.
pub fn as_selected(full: Value, select: Option<&[String]>) -> Value {
    let Some(select) = select else {
        return full;
    };
    let mut shown = Map::new();
    shown.insert("@odata.type".into(), full["@odata.type"].clone());
    for property in select {
        shown.insert(property.clone(), full[property.as_str()].clone());
    }
    Value::Object(shown)
}

/// `GET /{collection}/$count`: how many items the query admits, as `text/plain`. Like `$count`
/// on any directory collection it needs `ConsistencyLevel: eventual`.
pub fn count<'a>(
    entity: &EntityType,
    items: impl IntoIterator<Item = &'a Value>,
    query: &Query,
    headers: &axum::http::HeaderMap,
) -> Result<Response, GraphError> {
    if !super::odata::eventual_consistency(headers) {
        return Err(GraphError::bad_request(
            "Request_BadRequest",
            "Count is not currently supported without the ConsistencyLevel header set to eventual.",
        ));
    }
    entity.check(query)?;
    let n = items
        .into_iter()
        .filter(|item| entity.admits(item, query))
        .count();
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/plain")],
        n.to_string(),
    )
        .into_response())
}

/// One page of a collection. `path` is relative to the service root (`users`,
/// `groups/{id}/transitiveMembers`); `context` names the entity set for `@odata.context`.
pub fn page<'a>(
    graph: &Graph,
    path: &str,
    context: &str,
    entity: &EntityType,
    items: impl IntoIterator<Item = &'a Value>,
    query: &Query,
) -> Result<Response, GraphError> {
    entity.check(query)?;
    let mut matching: Vec<&Value> = items
        .into_iter()
        .filter(|item| entity.admits(item, query))
        .collect();
    if let Some((property, descending)) = &query.orderby {
        let key = |item: &&Value| {
            item.get(property)
                .and_then(Value::as_str)
                .map(fold)
                .unwrap_or_default()
        };
        matching.sort_by_cached_key(key);
        if *descending {
            matching.reverse();
        }
    }
    let value: Vec<Value> = matching
        .iter()
        .skip(query.offset)
        .take(query.page_size(entity.default_page))
        .map(|item| entity.project(item, query))
        .collect();
    Ok(answer(graph, path, context, value, matching.len(), query))
}

/// One page of a collection whose items are made on demand: when nothing filters, searches or
/// orders, only the page's own items are written, by `write` (a 100,000-member group is not
/// serialised whole for each page of 999). Otherwise as [`page`], with `make` answering an
/// item's JSON and its `@odata.type` (for a collection of mixed types).
#[allow(clippy::too_many_arguments)]
pub fn page_of<'v, T: Copy>(
    graph: &Graph,
    path: &str,
    context: &str,
    entity: &EntityType,
    items: &[T],
    make: impl Fn(T) -> (std::borrow::Cow<'v, Value>, Option<&'static str>),
    write: impl Fn(T, &mut Vec<u8>),
    query: &Query,
) -> Result<Response, GraphError> {
    if query.filter.is_some() || query.search.is_some() || query.orderby.is_some() {
        let made: Vec<Value> = items
            .iter()
            .map(|&i| {
                let (item, odata_type) = make(i);
                let mut item = item.into_owned();
                if let (Some(t), Some(map)) = (odata_type, item.as_object_mut()) {
                    map.insert("@odata.type".into(), t.into());
                }
                item
            })
            .collect();
        return page(graph, path, context, entity, &made, query);
    }
    entity.check(query)?;
    // Written straight to bytes, in the order serde_json writes a map (sorted keys): the same
    // answer as `page`, without a map for every item.
    let mut out = Vec::with_capacity(256 * query.page_size(entity.default_page));
    let shown = items
        .iter()
        .skip(query.offset)
        .take(query.page_size(entity.default_page));
    let mut count = 0;
    for &i in shown {
        out.push(if count == 0 { b'[' } else { b',' });
        write(i, &mut out);
        count += 1;
    }
    if count == 0 {
        out.push(b'[');
    }
    out.push(b']');
    let total = items.len();
    let root = graph.service_root();
    let mut body = Vec::with_capacity(out.len() + 512);
    body.extend_from_slice(b"{\"@odata.context\":");
    write_json(&mut body, &context_url(graph, context, query));
    if query.count {
        body.extend_from_slice(format!(",\"@odata.count\":{total}").as_bytes());
    }
    let next_offset = query.offset + count;
    if next_offset < total {
        body.extend_from_slice(b",\"@odata.nextLink\":");
        write_json(
            &mut body,
            &query.next_link(&format!("{root}/{path}"), next_offset),
        );
    }
    body.extend_from_slice(b",\"value\":");
    body.extend_from_slice(&out);
    body.push(b'}');
    Ok((
        [(axum::http::header::CONTENT_TYPE, super::ODATA_JSON)],
        body,
    )
        .into_response())
}

fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let _ = serde_json::to_writer(&mut *out, value);
}

/// The page's body: context, count, next link, items.
fn answer(
    graph: &Graph,
    path: &str,
    context: &str,
    value: Vec<Value>,
    total: usize,
    query: &Query,
) -> Response {
    let root = graph.service_root();
    let mut body = Map::new();
    let context = context_url(graph, context, query);
    body.insert("@odata.context".into(), json!(context));
    if query.count {
        body.insert("@odata.count".into(), json!(total));
    }
    let next_offset = query.offset + value.len();
    if next_offset < total {
        body.insert(
            "@odata.nextLink".into(),
            json!(query.next_link(&format!("{root}/{path}"), next_offset)),
        );
    }
    body.insert("value".into(), Value::Array(value));
    odata(Value::Object(body))
}

/// A single entity, with its `@odata.context`.
pub fn entity(
    graph: &Graph,
    context: &str,
    entity: &EntityType,
    item: &Value,
    query: &Query,
) -> Result<Response, GraphError> {
    entity.check(query)?;
    Ok(odata(entity_json(graph, context, entity, item, query)))
}

/// A single entity as JSON, with its `@odata.context`, for answers with their own status.
pub fn entity_json(
    graph: &Graph,
    context: &str,
    entity: &EntityType,
    item: &Value,
    query: &Query,
) -> Value {
    let mut value = entity.project(item, query);
    if let Some(map) = value.as_object_mut() {
        let context = context_url(graph, context, query);
        map.insert("@odata.context".into(), json!(format!("{context}/$entity")));
    }
    value
}

/// `{root}/$metadata#users` or, with `$select`, `{root}/$metadata#users(displayName,mail)`.
fn context_url(graph: &Graph, context: &str, query: &Query) -> String {
    let root = graph.service_root();
    match &query.select {
        Some(props) => format!("{root}/$metadata#{context}({})", props.join(",")),
        None => format!("{root}/$metadata#{context}"),
    }
}

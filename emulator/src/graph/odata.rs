//! OData system query options as Graph reads them: `$select`, `$top`, `$search`, `$count`,
//! `$skiptoken`; the `ConsistencyLevel: eventual` rule; opaque skip tokens.

use axum::http::HeaderMap;

use super::GraphError;
use super::filter::Filter;

/// Largest `$top` Graph accepts on directory collections.
pub const MAX_PAGE: usize = 999;
/// Page size when `$top` is absent (users, groups, members).
pub const DEFAULT_PAGE: usize = 100;

/// The query options of one collection request, parsed.
#[derive(Debug, Default)]
pub struct Query {
    pub select: Option<Vec<String>>,
    pub top: Option<usize>,
    pub search: Option<Search>,
    pub count: bool,
    /// Where this page starts, decoded from `$skiptoken`.
    pub offset: usize,
    pub filter: Option<Filter>,
    /// `$expand`: the navigation properties to include.
    pub expand: Vec<String>,
    /// `$orderby`: the property, and whether descending.
    pub orderby: Option<(String, bool)>,
    /// `$search`, `$filter` and `$orderby` as the client sent them, for the next link.
    raw_search: Option<String>,
    raw_filter: Option<String>,
    raw_orderby: Option<String>,
    raw_expand: Option<String>,
}

/// One `$expand` item: a navigation property and its own options, e.g.
/// `manager($levels=max;$select=id,displayName)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    pub property: String,
    /// `$levels`: `None` for one level; `Some(None)` for `max`; `Some(Some(n))` for `n`.
    pub levels: Option<Option<usize>>,
    pub select: Option<Vec<String>>,
}

impl Query {
    /// Each `$expand` item with its nested options (`;`-separated, names in any case).
    pub fn expansions(&self) -> Result<Vec<Expansion>, GraphError> {
        let Some(raw) = &self.raw_expand else {
            return Ok(Vec::new());
        };
        let mut items = Vec::new();
        let mut depth = 0usize;
        let mut start = 0;
        for (i, c) in raw.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    items.push(&raw[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        items.push(&raw[start..]);
        items
            .into_iter()
            .map(|item| {
                let item = item.trim();
                let (property, options) = match item.split_once('(') {
                    Some((p, rest)) => (p.trim(), rest.strip_suffix(')').unwrap_or(rest)),
                    None => (item, ""),
                };
                let mut expansion = Expansion {
                    property: property.to_owned(),
                    ..Expansion::default()
                };
                for option in options.split(';').filter(|o| !o.trim().is_empty()) {
                    let (name, value) = option.split_once('=').unwrap_or((option, ""));
                    match name.trim().to_ascii_lowercase().as_str() {
                        "$levels" => {
                            expansion.levels = Some(match value.trim() {
                                "max" => None,
                                n => Some(n.parse().map_err(|_| {
                                    GraphError::bad_request(
                                        "BadRequest",
                                        format!("Invalid value '{n}' for $levels."),
                                    )
                                })?),
                            })
                        }
                        "$select" => {
                            expansion.select =
                                Some(value.split(',').map(|p| p.trim().to_owned()).collect())
                        }
                        other => {
                            return Err(GraphError::bad_request(
                                "BadRequest",
                                format!("Unsupported option '{other}' in $expand."),
                            ));
                        }
                    }
                }
                Ok(expansion)
            })
            .collect()
    }

    pub fn parse(raw: Option<&str>, headers: &HeaderMap) -> Result<Self, GraphError> {
        let mut query = Query::default();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            // Graph reads query option names without regard to case (`$orderBy`, `$Select`).
            match key.to_ascii_lowercase().as_str() {
                "$select" => {
                    query.select = Some(value.split(',').map(|p| p.trim().to_owned()).collect())
                }
                "$top" => query.top = Some(parse_top(&value)?),
                "$search" => {
                    query.search = Some(Search::parse(&value)?);
                    query.raw_search = Some(value.into_owned());
                }
                "$count" => {
                    query.count = match value.as_ref() {
                        "true" => true,
                        "false" => false,
                        other => {
                            return Err(GraphError::bad_request(
                                "BadRequest",
                                format!(
                                    "Invalid value '{other}' for $count: expected true or false."
                                ),
                            ));
                        }
                    }
                }
                "$skiptoken" => query.offset = decode_skiptoken(&value)?,
                "$filter" => {
                    query.filter = Some(Filter::parse(&value)?);
                    query.raw_filter = Some(value.into_owned());
                }
                "$orderby" => {
                    query.orderby = Some(parse_orderby(&value)?);
                    query.raw_orderby = Some(value.into_owned());
                }
                "$expand" => {
                    // The navigation properties named; an inner `($filter=…)` is kept whole.
                    query.expand = value
                        .split(',')
                        .map(|e| e.split('(').next().unwrap_or_default().trim().to_owned())
                        .collect();
                    query.raw_expand = Some(value.into_owned());
                }
                other if other.starts_with('$') => {
                    return Err(GraphError::bad_request(
                        "BadRequest",
                        format!("Unrecognized query argument specified: '{other}'."),
                    ));
                }
                // Graph ignores parameters that are not OData system query options.
                _ => {}
            }
        }
        // Advanced queries need both advanced query parameters: the header and `$count=true`.
        let advanced = query.filter.as_ref().is_some_and(Filter::is_advanced);
        if advanced && !(eventual_consistency(headers) && query.count) {
            return Err(GraphError::bad_request(
                "Request_UnsupportedQuery",
                "Unsupported Query.",
            ));
        }
        if (query.search.is_some() || query.count) && !eventual_consistency(headers) {
            return Err(GraphError::bad_request(
                "Request_UnsupportedQuery",
                "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
            ));
        }
        Ok(query)
    }

    /// `$top`, or the collection's default page size.
    pub fn page_size(&self, default: usize) -> usize {
        self.top.unwrap_or(default)
    }

    /// The absolute link to the page after this one, carrying every option but the skip token.
    pub fn next_link(&self, collection_url: &str, next_offset: usize) -> String {
        let mut parts = Vec::new();
        if let Some(select) = &self.select {
            parts.push(format!("$select={}", encode(&select.join(","))));
        }
        if let Some(top) = self.top {
            parts.push(format!("$top={top}"));
        }
        for (name, raw) in [
            ("$search", &self.raw_search),
            ("$filter", &self.raw_filter),
            ("$orderby", &self.raw_orderby),
            ("$expand", &self.raw_expand),
        ] {
            if let Some(raw) = raw {
                parts.push(format!("{name}={}", encode(raw)));
            }
        }
        if self.count {
            parts.push("$count=true".to_owned());
        }
        parts.push(format!("$skiptoken={}", encode_skiptoken(next_offset)));
        format!("{collection_url}?{}", parts.join("&"))
    }
}

fn parse_orderby(value: &str) -> Result<(String, bool), GraphError> {
    let mut words = value.split_whitespace();
    let property = words.next().unwrap_or_default().to_owned();
    let descending = match words.next() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(GraphError::bad_request(
                "BadRequest",
                format!("Invalid $orderby direction '{other}'."),
            ));
        }
    };
    if property.is_empty() || words.next().is_some() || value.contains(',') {
        return Err(GraphError::bad_request(
            "Request_UnsupportedQuery",
            "Sorting is supported on one property at a time.",
        ));
    }
    Ok((property, descending))
}

fn parse_top(value: &str) -> Result<usize, GraphError> {
    match value.parse::<usize>() {
        Ok(top) if (1..=MAX_PAGE).contains(&top) => Ok(top),
        _ => Err(GraphError::bad_request(
            "Request_UnsupportedQuery",
            format!(
                "Invalid page size specified: '{value}'. Must be between 1 and {MAX_PAGE} inclusive."
            ),
        )),
    }
}

pub fn eventual_consistency(headers: &HeaderMap) -> bool {
    headers
        .get("consistencylevel")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("eventual"))
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Skip tokens are opaque to clients: they must follow the whole `@odata.nextLink`.
const SKIP_PREFIX: &str = "RFNwdAIAAQAAAB";
const SKIP_MASK: u64 = 0x5A17_C3D2_9B4E_0F61;

fn encode_skiptoken(offset: usize) -> String {
    format!("{SKIP_PREFIX}{:016x}", offset as u64 ^ SKIP_MASK)
}

fn decode_skiptoken(token: &str) -> Result<usize, GraphError> {
    token
        .strip_prefix(SKIP_PREFIX)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .map(|masked| (masked ^ SKIP_MASK) as usize)
        .ok_or_else(|| {
            GraphError::bad_request(
                "Directory_ExpiredPageToken",
                "The specified page token value has expired and can no longer be included in your request.",
            )
        })
}

/// A parsed `$search`: `"prop:text"` clauses joined by `AND` and `OR` (`AND` binds tighter).
#[derive(Debug, Clone)]
pub struct Search {
    /// Disjunction of conjunctions of clauses.
    any_of: Vec<Vec<Clause>>,
}

#[derive(Debug, Clone)]
pub struct Clause {
    pub property: String,
    /// The search text, folded.
    pub text: String,
    /// The search text, folded and split into words.
    pub words: Vec<String>,
}

impl Search {
    pub fn parse(raw: &str) -> Result<Self, GraphError> {
        let invalid = |why: &str| {
            GraphError::bad_request(
                "Request_UnsupportedQuery",
                format!("Invalid $search query '{raw}': {why}"),
            )
        };
        let mut any_of = vec![Vec::new()];
        let mut expect_clause = true;
        let mut chars = raw.trim().chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
            } else if c == '"' {
                if !expect_clause {
                    return Err(invalid("clauses must be joined by AND or OR"));
                }
                chars.next();
                let mut term = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => term.extend(chars.next()),
                        Some('"') => break,
                        Some(other) => term.push(other),
                        None => return Err(invalid("unterminated quote")),
                    }
                }
                let (property, text) = term
                    .split_once(':')
                    .ok_or_else(|| invalid("each clause is \"property:text\""))?;
                let clause = Clause {
                    property: property.trim().to_owned(),
                    text: fold(text.trim()),
                    words: words(text),
                };
                if let Some(all) = any_of.last_mut() {
                    all.push(clause);
                }
                expect_clause = false;
            } else {
                let word: String =
                    std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect();
                match (word.as_str(), expect_clause) {
                    ("AND", false) => {}
                    ("OR", false) => any_of.push(Vec::new()),
                    _ => return Err(invalid("search terms must be quoted")),
                }
                expect_clause = true;
            }
        }
        if expect_clause {
            return Err(invalid("a clause is missing"));
        }
        Ok(Self { any_of })
    }

    pub fn clauses(&self) -> impl Iterator<Item = &Clause> {
        self.any_of.iter().flatten()
    }

    /// Whether an object matches, given how to test one clause against it.
    pub fn matches(&self, clause_matches: impl Fn(&Clause) -> bool) -> bool {
        self.any_of
            .iter()
            .any(|all| all.iter().all(&clause_matches))
    }
}

/// Case folding as the directory applies it: simple lowercase mapping, under which `İ` is `i`
/// (not the two-character `i̇` of full Unicode lowercasing).
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    match c {
        'İ' => 'i',
        c if c.is_ascii() => c.to_ascii_lowercase(),
        other => other.to_lowercase().next().unwrap_or(other),
    }
}

/// Whether `text`, folded, starts with `prefix` (already folded), without allocating: the
/// matching runs over every object of a large directory.
pub fn folded_starts_with(text: &str, prefix: &str) -> bool {
    let mut text = text.chars().map(fold_char);
    prefix.chars().all(|p| text.next() == Some(p))
}

/// Whether some word of `text` starts with `prefix` (folded), without allocating.
pub fn some_word_starts_with(text: &str, prefix: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .any(|word| folded_starts_with(word, prefix))
}

/// Folded words: the directory tokenises on anything that is not a letter or a digit.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_parses_or_of_and_groups() {
        let s = Search::parse(r#""displayName:ay" OR "mail:ay" AND "surname:k""#).unwrap();
        assert_eq!(s.any_of.len(), 2);
        assert_eq!(s.any_of[1].len(), 2);
        assert_eq!(s.any_of[0][0].words, vec!["ay"]);
    }

    #[test]
    fn search_rejects_unquoted_and_dangling_terms() {
        assert!(Search::parse("displayName:ay").is_err());
        assert!(Search::parse(r#""displayName:ay" OR"#).is_err());
        assert!(Search::parse(r#""displayName:ay" "mail:x""#).is_err());
        assert!(Search::parse(r#""displayName"#).is_err());
    }

    #[test]
    fn escaped_quotes_stay_in_the_text() {
        let s = Search::parse(r#""displayName:a\"b""#).unwrap();
        assert_eq!(s.any_of[0][0].words, vec!["a", "b"]);
    }

    #[test]
    fn dotted_capital_i_folds_to_plain_i() {
        assert_eq!(fold("İpek IŞIK"), "ipek işik");
    }

    #[test]
    fn skip_tokens_round_trip_and_reject_forgeries() {
        assert_eq!(decode_skiptoken(&encode_skiptoken(4_321)).unwrap(), 4_321);
        assert!(decode_skiptoken("100").is_err());
    }
}

//! `$filter` as the directory supports it: `eq`, `ne`, `startsWith`, `endsWith`, `in`, `any` on
//! string collections (`groupTypes/any(c:c eq 'Unified')`), joined by `and`, `or`, `not` and
//! parentheses. Strings compare as the directory does: without regard to case. `ne`, `not`,
//! `endsWith` and comparisons with `null` are advanced queries.

use serde_json::Value;

use super::GraphError;
use super::odata::fold;

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Eq(String, Literal),
    Ne(String, Literal),
    StartsWith(String, String),
    EndsWith(String, String),
    In(String, Vec<Literal>),
    /// `collection/any(x: …)`: some element meets every condition, each `x eq v` (no member)
    /// or `x/member eq v`.
    Any(String, Vec<(Option<String>, Literal)>),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Text(String),
    Bool(bool),
    Number(f64),
    Null,
}

impl Literal {
    fn matches(&self, value: &Value) -> bool {
        match (self, value) {
            (Literal::Text(t), Value::String(s)) => fold(s) == fold(t),
            (Literal::Bool(b), Value::Bool(v)) => b == v,
            (Literal::Number(n), Value::Number(v)) => v.as_f64() == Some(*n),
            (Literal::Null, Value::Null) => true,
            _ => false,
        }
    }
}

impl Filter {
    pub fn parse(raw: &str) -> Result<Self, GraphError> {
        let tokens = tokenize(raw)?;
        let mut parser = Parser { tokens, at: 0, raw };
        let filter = parser.or()?;
        if parser.at != parser.tokens.len() {
            return Err(parser.error("unexpected text after the expression"));
        }
        Ok(filter)
    }

    /// Whether the filter needs Graph's advanced query capabilities (`ConsistencyLevel:
    /// eventual` and `$count=true`): `ne`, `not`, `endsWith` and `eq null` do.
    pub fn is_advanced(&self) -> bool {
        match self {
            Filter::Ne(..) | Filter::Not(_) | Filter::EndsWith(..) => true,
            Filter::Eq(_, Literal::Null) => true,
            Filter::And(a, b) | Filter::Or(a, b) => a.is_advanced() || b.is_advanced(),
            _ => false,
        }
    }

    /// Every property the filter names.
    pub fn properties(&self) -> Vec<&str> {
        match self {
            Filter::Eq(p, _)
            | Filter::Ne(p, _)
            | Filter::StartsWith(p, _)
            | Filter::EndsWith(p, _)
            | Filter::In(p, _)
            | Filter::Any(p, _) => {
                vec![p.as_str()]
            }
            Filter::And(a, b) | Filter::Or(a, b) => [a.properties(), b.properties()].concat(),
            Filter::Not(a) => a.properties(),
        }
    }

    pub fn matches(&self, item: &Value) -> bool {
        let get = |p: &str| item.get(p).unwrap_or(&Value::Null);
        match self {
            Filter::Eq(p, literal) => literal.matches(get(p)),
            Filter::Ne(p, literal) => !literal.matches(get(p)),
            Filter::StartsWith(p, prefix) => get(p)
                .as_str()
                .is_some_and(|s| fold(s).starts_with(&fold(prefix))),
            Filter::EndsWith(p, suffix) => get(p)
                .as_str()
                .is_some_and(|s| fold(s).ends_with(&fold(suffix))),
            Filter::In(p, literals) => literals.iter().any(|l| l.matches(get(p))),
            Filter::Any(p, conditions) => get(p).as_array().is_some_and(|values| {
                values.iter().any(|v| {
                    conditions.iter().all(|(member, literal)| match member {
                        Some(member) => literal.matches(v.get(member).unwrap_or(&Value::Null)),
                        None => literal.matches(v),
                    })
                })
            }),
            Filter::And(a, b) => a.matches(item) && b.matches(item),
            Filter::Or(a, b) => a.matches(item) || b.matches(item),
            Filter::Not(a) => !a.matches(item),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
    Comma,
    Colon,
    Slash,
}

fn tokenize(raw: &str) -> Result<Vec<Token>, GraphError> {
    let mut tokens = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            ',' => tokens.push(Token::Comma),
            ':' => tokens.push(Token::Colon),
            '/' => tokens.push(Token::Slash),
            '\'' => {
                let mut text = String::new();
                loop {
                    match chars.next() {
                        // OData escapes a quote by doubling it.
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            text.push('\'');
                        }
                        Some('\'') => break,
                        Some(other) => text.push(other),
                        None => return Err(invalid(raw, "unterminated string literal")),
                    }
                }
                tokens.push(Token::Text(text));
            }
            c => {
                let mut word = String::from(c);
                while let Some(&next) = chars.peek() {
                    if next.is_alphanumeric() || matches!(next, '.' | '_' | '-') {
                        word.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

fn invalid(raw: &str, why: &str) -> GraphError {
    GraphError::bad_request(
        "Request_UnsupportedQuery",
        format!("Invalid filter clause: {why} in '{raw}'."),
    )
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    raw: &'a str,
}

impl Parser<'_> {
    fn error(&self, why: &str) -> GraphError {
        invalid(self.raw, why)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.tokens.get(self.at) {
            Some(Token::Word(w)) => Some(w),
            _ => None,
        }
    }

    /// Whether the next word is the operator `op`, in any case (the advanced-query reference
    /// writes `NOT groupTypes/any(…)`).
    fn peek_operator(&self, op: &str) -> bool {
        self.peek_word().is_some_and(|w| w.eq_ignore_ascii_case(op))
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn expect(&mut self, token: Token) -> Result<(), GraphError> {
        if self.next() == Some(token.clone()) {
            Ok(())
        } else {
            Err(self.error(&format!("expected {token:?}")))
        }
    }

    fn or(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.and()?;
        while self.peek_operator("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.unary()?;
        while self.peek_operator("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, GraphError> {
        if self.peek_operator("not") {
            self.at += 1;
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        if self.tokens.get(self.at) == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(Token::Close)?;
            return Ok(inner);
        }
        self.predicate()
    }

    fn literal(&mut self) -> Result<Literal, GraphError> {
        match self.next() {
            Some(Token::Text(t)) => Ok(Literal::Text(t)),
            Some(Token::Word(w)) => match w.as_str() {
                "true" => Ok(Literal::Bool(true)),
                "false" => Ok(Literal::Bool(false)),
                "null" => Ok(Literal::Null),
                number => number
                    .parse()
                    .map(Literal::Number)
                    .map_err(|_| self.error(&format!("'{w}' is not a value"))),
            },
            _ => Err(self.error("a value is missing")),
        }
    }

    /// `x eq value` or `x/member eq value` inside `any(x: …)`.
    fn any_condition(&mut self, var: &str) -> Result<(Option<String>, Literal), GraphError> {
        let usage = "any supports `x:x eq value` and `x:x/member eq value`, joined by and";
        if self.next() != Some(Token::Word(var.to_owned())) {
            return Err(self.error(usage));
        }
        let member = if self.tokens.get(self.at) == Some(&Token::Slash) {
            self.at += 1;
            match self.next() {
                Some(Token::Word(member)) => Some(member),
                _ => return Err(self.error("a member name is missing after '/'")),
            }
        } else {
            None
        };
        if !self.peek_operator("eq") {
            return Err(self.error(usage));
        }
        self.at += 1;
        Ok((member, self.literal()?))
    }

    fn predicate(&mut self) -> Result<Filter, GraphError> {
        let Some(Token::Word(first)) = self.next() else {
            return Err(self.error("a property is missing"));
        };
        let starts = first.eq_ignore_ascii_case("startswith");
        if starts || first.eq_ignore_ascii_case("endswith") {
            self.expect(Token::Open)?;
            let Some(Token::Word(property)) = self.next() else {
                return Err(self.error(&format!("{first} needs a property")));
            };
            self.expect(Token::Comma)?;
            let Literal::Text(text) = self.literal()? else {
                return Err(self.error(&format!("{first} needs a string")));
            };
            self.expect(Token::Close)?;
            return Ok(if starts {
                Filter::StartsWith(property, text)
            } else {
                Filter::EndsWith(property, text)
            });
        }
        if self.tokens.get(self.at) == Some(&Token::Slash) {
            // `groupTypes/any(c:c eq 'Unified')`,
            // `singleValueExtendedProperties/any(ep:ep/id eq '…' and ep/value eq '…')`
            self.at += 1;
            if !self
                .peek_word()
                .is_some_and(|w| w.eq_ignore_ascii_case("any"))
            {
                return Err(self.error("only the any operator is supported on collections"));
            }
            self.at += 1;
            self.expect(Token::Open)?;
            let Some(Token::Word(var)) = self.next() else {
                return Err(self.error("any needs a range variable"));
            };
            self.expect(Token::Colon)?;
            let mut conditions = vec![self.any_condition(&var)?];
            while self.peek_operator("and") {
                self.at += 1;
                conditions.push(self.any_condition(&var)?);
            }
            self.expect(Token::Close)?;
            return Ok(Filter::Any(first, conditions));
        }
        match self.next() {
            Some(Token::Word(op)) if op.eq_ignore_ascii_case("eq") => {
                Ok(Filter::Eq(first, self.literal()?))
            }
            Some(Token::Word(op)) if op.eq_ignore_ascii_case("ne") => {
                Ok(Filter::Ne(first, self.literal()?))
            }
            Some(Token::Word(op)) if op.eq_ignore_ascii_case("in") => {
                self.expect(Token::Open)?;
                let mut values = vec![self.literal()?];
                while self.tokens.get(self.at) == Some(&Token::Comma) {
                    self.at += 1;
                    values.push(self.literal()?);
                }
                self.expect(Token::Close)?;
                Ok(Filter::In(first, values))
            }
            _ => Err(self.error(&format!("no supported operator after '{first}'"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn matches(filter: &str, item: Value) -> bool {
        Filter::parse(filter).unwrap().matches(&item)
    }

    #[test]
    fn the_forms_the_directory_documents() {
        let user = json!({"mail": "Ayse.Yilmaz@ornek.example", "accountEnabled": true, "department": "Finans"});
        assert!(matches("mail eq 'ayse.yilmaz@ornek.example'", user.clone()));
        assert!(matches("startsWith(mail,'AYSE')", user.clone()));
        assert!(matches("department in ('Hukuk', 'Finans')", user.clone()));
        assert!(matches(
            "accountEnabled eq true and not(department eq 'Hukuk')",
            user.clone()
        ));
        assert!(!matches(
            "accountEnabled eq false or department eq 'Hukuk'",
            user
        ));
        let group = json!({"groupTypes": ["Unified"], "mailEnabled": true});
        assert!(matches("groupTypes/any(c:c eq 'Unified')", group.clone()));
        assert!(!matches(
            "groupTypes/any(x:x eq 'DynamicMembership')",
            group
        ));
    }

    #[test]
    fn doubled_quotes_escape_a_quote() {
        assert!(matches(
            "surname eq 'O''Brien'",
            json!({"surname": "O'Brien"})
        ));
    }

    #[test]
    fn broken_filters_are_refused() {
        for bad in [
            "mail eq",
            "mail like 'x'",
            "startsWith(mail 'x')",
            "(mail eq 'x'",
            "mail eq 'x' extra",
            "'x",
        ] {
            assert!(Filter::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ne_and_not_are_advanced_queries() {
        assert!(Filter::parse("mail ne null").unwrap().is_advanced());
        assert!(
            Filter::parse("a eq 1 and not(b eq 2)")
                .unwrap()
                .is_advanced()
        );
        assert!(
            !Filter::parse("a eq 1 or startsWith(b,'x')")
                .unwrap()
                .is_advanced()
        );
    }
}

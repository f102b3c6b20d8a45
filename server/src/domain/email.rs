//! An email address, valid by construction, compared in its normalised form.

use std::fmt;

/// Trimmed, one `@` between a non-empty local part and a domain with a dot, no white space,
/// at most 254 characters. Two addresses are the same person when their normalised forms (all
/// lower case) are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress {
    written: String,
    normalised: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an email address")]
pub struct NotAnEmailAddress(pub String);

impl EmailAddress {
    pub fn parse(text: &str) -> Result<Self, NotAnEmailAddress> {
        let written = text.trim();
        let refuse = || NotAnEmailAddress(written.chars().take(80).collect());
        let (local, domain) = written.split_once('@').ok_or_else(refuse)?;
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && written.chars().count() <= 254
            && !written.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            return Err(refuse());
        }
        Ok(Self {
            written: written.to_owned(),
            normalised: written.to_lowercase(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.written
    }

    /// The form two addresses are compared in.
    pub fn normalised(&self) -> &str {
        &self.normalised
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_once_and_compare_case_blind() {
        let a = EmailAddress::parse(" Ayse.Yilmaz@Ornek.example ").unwrap();
        assert_eq!(a.as_str(), "Ayse.Yilmaz@Ornek.example");
        assert_eq!(a.normalised(), "ayse.yilmaz@ornek.example");
        for bad in [
            "",
            "ayse",
            "@ornek.example",
            "a@b",
            "a b@c.d",
            "a@b@c.d",
            "a@.example",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }
}

//! The languages a person reads Davet in.

/// English or Turkish: Davet speaks both everywhere a person reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Tr,
}

impl Lang {
    /// The language a BCP 47 tag names (`tr-TR`, `en-GB`, `TR`), if we speak it.
    pub fn parse(tag: &str) -> Option<Self> {
        match tag.trim().get(..2) {
            Some(p) if p.eq_ignore_ascii_case("tr") => Some(Self::Tr),
            Some(p) if p.eq_ignore_ascii_case("en") => Some(Self::En),
            _ => None,
        }
    }

    /// The language of a tag, English for any other.
    pub fn from_tag(tag: &str) -> Self {
        Self::parse(tag).unwrap_or_default()
    }

    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Tr => "tr",
        }
    }
}

//! Davet's own types. Parsed once at the edge; valid by construction after that.

pub mod contacts;
pub mod email;
pub mod expansion;
pub mod join_block;
pub mod meeting;
pub mod people;
pub mod recurrence;
pub mod text;
pub mod user;
pub mod webex;

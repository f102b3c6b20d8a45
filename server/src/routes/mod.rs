//! HTTP handlers: parse, call the domain, answer.

pub mod admin;
pub mod contacts;
pub mod expand;
pub mod groups;
pub mod people;
pub mod session;
pub mod sign_in;

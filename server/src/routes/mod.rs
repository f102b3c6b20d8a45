//! HTTP handlers: parse, call the domain, answer.

pub mod people;

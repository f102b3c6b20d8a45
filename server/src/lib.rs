//! The Davet server. See ARCHITECTURE.md for the flow; each module names its one job.
//!
//! Layers, top to bottom (a module uses only those below it): `cli` → `startup` → `router` →
//! `routes` → `expansion`, `scheduling`, `extract` → `error` → `app` → `auth`, `graph`, `webex`, `pages`, `pane` →
//! `tokens` → `identity`, `vault`, `upstream` → `domain`, `secret`, `metrics`. `demo` (the `demo` feature
//! only) sits beside `cli`.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
#[cfg(feature = "demo")]
pub mod demo;
pub mod domain;
pub mod error;
pub mod expansion;
pub mod extract;
pub mod graph;
pub mod identity;
pub mod manifest;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod pane;
pub mod router;
pub mod routes;
pub mod scheduling;
pub mod secret;
pub mod startup;
pub mod telemetry;
pub mod tokens;
pub mod transport;
pub mod upstream;
pub mod vault;
pub mod webex;

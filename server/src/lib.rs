//! The Davet server. See ARCHITECTURE.md for the flow; each module names its one job.

pub mod auth;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graph;
pub mod identity;
pub mod manifest;
pub mod openapi;
pub mod pages;
pub mod pane;
pub mod routes;
pub mod startup;
pub mod telemetry;
pub mod vault;

//! The Davet server. See ARCHITECTURE.md for the flow; each module names its one job.

pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graph;
pub mod manifest;
pub mod pane;
pub mod routes;
pub mod startup;
pub mod telemetry;

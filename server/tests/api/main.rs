//! The server's HTTP API against the emulated Microsoft services, over real HTTP.

mod admin;
mod attacks;
mod contacts;
mod expand;
mod groups;
mod health;
mod helpers;
mod manifest;
mod meetings;
mod openapi;
mod pane;
mod people;
mod scheduling;
mod session;
mod tenants;
mod transport;
mod vault;
mod webex;
mod webex_schema;

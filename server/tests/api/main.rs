//! The server's HTTP API against the emulated Microsoft services, over real HTTP.

mod helpers;
mod manifest;
mod pane;
mod people;

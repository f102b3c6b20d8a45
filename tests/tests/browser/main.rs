//! Browser end-to-end tests: the demo in headless Chromium, driven through ChromeDriver.

mod contacts;
mod groups;
mod look;
mod meeting;
mod office_shim;
mod people_card;
mod sign_in;
mod slice;
mod support;
mod webex;

//! Browser end-to-end tests: the demo in headless Chromium, driven through ChromeDriver.

mod groups;
mod office_shim;
mod sign_in;
mod slice;
mod support;

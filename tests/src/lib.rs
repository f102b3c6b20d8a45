//! Cross-crate and browser end-to-end tests live in `tests/`.

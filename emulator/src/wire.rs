//! What every emulated service writes alike: GUIDs (object and request ids), times, and text
//! escaped for the HTML pages they show.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A version-4 GUID from 128 bits (a seeded generator's, so a tenant is the same every run),
/// lower case and hyphenated, as directory object ids and request ids are written.
pub(crate) fn guid(a: u64, b: u64) -> String {
    let bytes = (u128::from(a) << 64 | u128::from(b)).to_be_bytes();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Whether `text` is a GUID as Graph writes them: 8-4-4-4-12 hexadecimal digits.
pub(crate) fn is_guid(text: &str) -> bool {
    text.len() == 36 && Uuid::try_parse(text).is_ok()
}

/// A fresh request id (`request-id`, `client-request-id`, a token's `uti`).
pub(crate) fn request_id() -> String {
    Uuid::new_v4().hyphenated().to_string()
}

/// Seconds since 1970, now.
pub(crate) fn now_secs() -> u64 {
    u64::try_from(Utc::now().timestamp()).unwrap_or_default()
}

/// Now as Graph writes `innerError.date`: `2026-11-29T22:41:07`.
pub(crate) fn now_iso() -> String {
    iso_datetime(now_secs())
}

/// `2026-11-29T22:41:07` for seconds since 1970 (UTC).
pub(crate) fn iso_datetime(secs: u64) -> String {
    DateTime::<Utc>::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX), 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// `text` escaped for HTML, text and attribute values alike.
pub(crate) fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_version_4_and_the_same_for_the_same_bits() {
        let id = guid(1, 2);
        assert_eq!(id, guid(1, 2));
        assert_ne!(id, guid(1, 3));
        assert!(is_guid(&id), "{id}");
        assert_eq!(id.as_bytes()[14], b'4', "{id}");
        assert!(!is_guid("not-a-guid"));
        assert!(!is_guid("0123456789abcdef0123456789abcdef"), "simple form");
    }

    #[test]
    fn times_are_written_as_graph_writes_them() {
        assert_eq!(iso_datetime(0), "1970-01-01T00:00:00");
        assert_eq!(iso_datetime(1_795_992_067), "2026-11-29T22:41:07");
    }
}

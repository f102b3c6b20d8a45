//! Time zones as Outlook takes them: IANA names (`Europe/Istanbul`) or Windows names
//! (`Turkey Standard Time`), for event times and `Prefer: outlook.timezone`.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::GraphError;

/// Windows zone names Outlook uses, with their IANA zone (CLDR's windowsZones, the common ones).
const WINDOWS: &[(&str, &str)] = &[
    ("UTC", "UTC"),
    ("Coordinated Universal Time", "UTC"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("GMT Standard Time", "Europe/London"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("India Standard Time", "Asia/Kolkata"),
    ("China Standard Time", "Asia/Shanghai"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("Eastern Standard Time", "America/New_York"),
    ("Central Standard Time", "America/Chicago"),
    ("Mountain Standard Time", "America/Denver"),
    ("Pacific Standard Time", "America/Los_Angeles"),
];

/// The zone a name stands for.
pub fn zone(name: &str) -> Result<Tz, GraphError> {
    let iana = WINDOWS
        .iter()
        .find(|(windows, _)| windows.eq_ignore_ascii_case(name))
        .map_or(name, |(_, iana)| iana);
    iana.parse::<Tz>().map_err(|_| {
        GraphError::bad_request(
            "TimeZoneNotSupportedException",
            format!("A valid TimeZone value must be specified. The following TimeZone value is not supported: '{name}'."),
        )
    })
}

fn parse_local(date_time: &str) -> Option<NaiveDateTime> {
    let trimmed = date_time.trim_end_matches('Z');
    NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M"))
        .ok()
}

/// Seconds since 1970 of a wall-clock time in a zone (a time skipped by a DST change moves on).
pub fn epoch(date_time: &str, zone: Tz) -> Option<i64> {
    let local = parse_local(date_time)?;
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.timestamp())
}

/// A moment as Outlook writes it in a zone: `2026-12-01T12:00:00.0000000`.
pub fn wall_clock(epoch: i64, zone: Tz) -> String {
    zone.timestamp_opt(epoch, 0)
        .single()
        .map(|t| format!("{}.0000000", t.format("%Y-%m-%dT%H:%M:%S")))
        .unwrap_or_default()
}

/// The zone a `Prefer: outlook.timezone="…"` header asks for; UTC without one, as Graph answers.
pub fn preferred(headers: &axum::http::HeaderMap) -> Result<(Tz, Option<String>), GraphError> {
    let wanted = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| {
            p.trim()
                .strip_prefix("outlook.timezone=")
                .map(|z| z.trim_matches('"').to_owned())
        });
    match wanted {
        Some(name) => Ok((zone(&name)?, Some(name))),
        None => Ok((Tz::UTC, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_iana_names_name_the_same_zone() {
        let istanbul = zone("Turkey Standard Time").unwrap();
        assert_eq!(istanbul, zone("Europe/Istanbul").unwrap());
        let noon = epoch("2027-01-15T12:00:00", istanbul).unwrap();
        assert_eq!(
            wall_clock(noon, zone("UTC").unwrap()),
            "2027-01-15T09:00:00.0000000"
        );
        assert!(zone("Atlantis Standard Time").is_err());
    }

    #[test]
    fn a_wall_clock_time_skipped_by_daylight_saving_moves_on() {
        let london = zone("GMT Standard Time").unwrap();
        // 01:30 did not happen in London on 28 March 2027; it is read as 02:30 (01:30 UTC).
        let moment = epoch("2027-03-28T01:30:00", london).unwrap();
        assert_eq!(
            wall_clock(moment, zone("UTC").unwrap()),
            "2027-03-28T01:30:00.0000000"
        );
    }
}

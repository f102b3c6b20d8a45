//! Recurrence as both services keep it: the RFC 2445 RRULE subset Webex schedules, and
//! Outlook's `patternedRecurrence` read into the same rule (daily, weekly on days, monthly on a
//! date or on the n-th weekday, yearly; ending by a count, a date or never), expanded into
//! occurrence starts in the series' own time zone.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, Weekday};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// A parsed rule.
#[derive(Debug, Clone)]
pub struct Rule {
    freq: Freq,
    interval: u32,
    count: Option<usize>,
    until: Option<NaiveDate>,
    by_day: Vec<(i32, Weekday)>,
    by_month_day: Vec<u32>,
    by_month: Option<u32>,
    by_set_pos: Option<i32>,
}

/// Most occurrences a series expands to (Webex refuses longer series).
pub const MAX_OCCURRENCES: usize = 1000;

fn weekday(code: &str) -> Option<Weekday> {
    Some(match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

impl Rule {
    /// Parses an RRULE as Webex takes it (`FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=10`), with
    /// Webex's description of what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = |part: &str| format!("Invalid recurrence rule: {part}.");
        let mut rule = Rule {
            freq: Freq::Daily,
            interval: 1,
            count: None,
            until: None,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            by_month: None,
            by_set_pos: None,
        };
        let mut freq = None;
        for part in text.trim().trim_start_matches("RRULE:").split(';') {
            let (key, value) = part.split_once('=').ok_or_else(|| bad(part))?;
            match key {
                "FREQ" => {
                    freq = Some(match value {
                        "DAILY" => Freq::Daily,
                        "WEEKLY" => Freq::Weekly,
                        "MONTHLY" => Freq::Monthly,
                        "YEARLY" => Freq::Yearly,
                        _ => return Err(bad(part)),
                    })
                }
                "INTERVAL" => {
                    rule.interval = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=99).contains(n))
                        .ok_or_else(|| bad(part))?
                }
                "COUNT" => {
                    rule.count = Some(
                        value
                            .parse()
                            .ok()
                            .filter(|n| (1..=MAX_OCCURRENCES).contains(n))
                            .ok_or_else(|| bad(part))?,
                    )
                }
                "UNTIL" => {
                    let date = value.get(..8).ok_or_else(|| bad(part))?;
                    rule.until =
                        Some(NaiveDate::parse_from_str(date, "%Y%m%d").map_err(|_| bad(part))?)
                }
                "BYDAY" => {
                    for day in value.split(',') {
                        let split = day.len().saturating_sub(2);
                        let (n, code) = day.split_at(split);
                        let n: i32 = if n.is_empty() {
                            0
                        } else {
                            n.trim_start_matches('+').parse().map_err(|_| bad(part))?
                        };
                        rule.by_day
                            .push((n, weekday(code).ok_or_else(|| bad(part))?));
                    }
                }
                "BYMONTHDAY" => {
                    for day in value.split(',') {
                        rule.by_month_day.push(
                            day.parse()
                                .ok()
                                .filter(|d| (1..=31).contains(d))
                                .ok_or_else(|| bad(part))?,
                        );
                    }
                }
                "BYMONTH" => {
                    rule.by_month = Some(
                        value
                            .parse()
                            .ok()
                            .filter(|m| (1..=12).contains(m))
                            .ok_or_else(|| bad(part))?,
                    )
                }
                "BYSETPOS" => {
                    rule.by_set_pos = Some(value.parse().map_err(|_| bad(part))?);
                }
                "WKST" => {}
                _ => return Err(bad(part)),
            }
        }
        rule.freq = freq.ok_or_else(|| bad("FREQ is required"))?;
        if rule.count.is_some() && rule.until.is_some() {
            return Err(bad("COUNT and UNTIL together"));
        }
        Ok(rule)
    }

    /// Graph's `patternedRecurrence` (`pattern` and `range`) as a rule, if it is one Outlook
    /// writes.
    pub fn from_graph(recurrence: &serde_json::Value) -> Result<Self, String> {
        let pattern = &recurrence["pattern"];
        let range = &recurrence["range"];
        let interval = pattern["interval"].as_u64().unwrap_or(1).max(1);
        let day_code = |name: &str| -> Option<&'static str> {
            Some(match name.to_ascii_lowercase().as_str() {
                "monday" => "MO",
                "tuesday" => "TU",
                "wednesday" => "WE",
                "thursday" => "TH",
                "friday" => "FR",
                "saturday" => "SA",
                "sunday" => "SU",
                _ => return None,
            })
        };
        let days: Vec<&str> = pattern["daysOfWeek"]
            .as_array()
            .map(|d| {
                d.iter()
                    .filter_map(|v| v.as_str().and_then(day_code))
                    .collect()
            })
            .unwrap_or_default();
        let index = match pattern["index"].as_str().unwrap_or("first") {
            "first" => "1",
            "second" => "2",
            "third" => "3",
            "fourth" => "4",
            "last" => "-1",
            other => return Err(format!("index `{other}`")),
        };
        let nth = || {
            days.first()
                .map(|d| format!("{index}{d}"))
                .unwrap_or_default()
        };
        let month_day = pattern["dayOfMonth"].as_u64().unwrap_or(1);
        let month = pattern["month"].as_u64().unwrap_or(1);
        let mut rule = match pattern["type"].as_str().unwrap_or_default() {
            "daily" => format!("FREQ=DAILY;INTERVAL={interval}"),
            "weekly" => format!("FREQ=WEEKLY;INTERVAL={interval};BYDAY={}", days.join(",")),
            "absoluteMonthly" => format!("FREQ=MONTHLY;INTERVAL={interval};BYMONTHDAY={month_day}"),
            "relativeMonthly" => format!("FREQ=MONTHLY;INTERVAL={interval};BYDAY={}", nth()),
            "absoluteYearly" => format!("FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={month_day}"),
            "relativeYearly" => format!("FREQ=YEARLY;BYMONTH={month};BYDAY={}", nth()),
            other => return Err(format!("pattern type `{other}`")),
        };
        match range["type"].as_str().unwrap_or("noEnd") {
            "numbered" => rule.push_str(&format!(
                ";COUNT={}",
                range["numberOfOccurrences"].as_u64().unwrap_or(1)
            )),
            "endDate" => rule.push_str(&format!(
                ";UNTIL={}",
                range["endDate"]
                    .as_str()
                    .unwrap_or_default()
                    .replace('-', "")
            )),
            _ => {}
        }
        Self::parse(&rule)
    }

    /// Occurrence starts from `first` on, up to `horizon` (inclusive) or the rule's end.
    pub fn occurrences(&self, first: NaiveDateTime, horizon: NaiveDateTime) -> Vec<NaiveDateTime> {
        let time = first.time();
        let mut found = Vec::new();
        let start = first.date();
        for period in 0..(MAX_OCCURRENCES as u32 * 4) {
            let step = period * self.interval;
            let mut dates = match self.freq {
                Freq::Daily => start
                    .checked_add_days(Days::new(u64::from(step)))
                    .into_iter()
                    .filter(|d| {
                        self.by_day.is_empty() || self.by_day.iter().any(|(_, w)| *w == d.weekday())
                    })
                    .collect(),
                Freq::Weekly => {
                    let monday = start
                        - Days::new(u64::from(start.weekday().num_days_from_monday()))
                        + Days::new(u64::from(step) * 7);
                    let days: Vec<Weekday> = if self.by_day.is_empty() {
                        vec![start.weekday()]
                    } else {
                        self.by_day.iter().map(|(_, w)| *w).collect()
                    };
                    let mut dates: Vec<NaiveDate> = days
                        .iter()
                        .map(|w| monday + Days::new(u64::from(w.num_days_from_monday())))
                        .collect();
                    dates.sort();
                    dates
                }
                Freq::Monthly => {
                    let month = first_of_month(start).checked_add_months(Months::new(step));
                    month.map(|m| self.in_month(m, start)).unwrap_or_default()
                }
                Freq::Yearly => {
                    let year = NaiveDate::from_ymd_opt(
                        start.year() + step as i32,
                        self.by_month.unwrap_or(start.month()),
                        1,
                    );
                    year.map(|m| self.in_month(m, start)).unwrap_or_default()
                }
            };
            dates.retain(|d| *d >= start);
            for date in dates {
                let at = date.and_time(time);
                if self.until.is_some_and(|u| date > u) || at > horizon {
                    return found;
                }
                found.push(at);
                if self.count.is_some_and(|c| found.len() >= c) || found.len() >= MAX_OCCURRENCES {
                    return found;
                }
            }
        }
        found
    }

    /// The dates of one month the rule picks.
    fn in_month(&self, month: NaiveDate, start: NaiveDate) -> Vec<NaiveDate> {
        let days = days_in_month(month);
        if !self.by_month_day.is_empty() {
            return self
                .by_month_day
                .iter()
                .filter(|d| **d <= days)
                .filter_map(|d| month.with_day(*d))
                .collect();
        }
        if self.by_day.is_empty() {
            return month.with_day(start.day()).into_iter().collect();
        }
        let mut picked = Vec::new();
        for (n, weekday) in &self.by_day {
            let all: Vec<NaiveDate> = (1..=days)
                .filter_map(|d| month.with_day(d))
                .filter(|d| d.weekday() == *weekday)
                .collect();
            let nth = if *n != 0 {
                *n
            } else {
                self.by_set_pos.unwrap_or(0)
            };
            match nth {
                0 => picked.extend(all),
                n if n > 0 => picked.extend(all.get(n as usize - 1).copied()),
                n => picked.extend(
                    all.len()
                        .checked_sub(n.unsigned_abs() as usize)
                        .map(|i| all[i]),
                ),
            }
        }
        picked.sort();
        picked
    }
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn days_in_month(month: NaiveDate) -> u32 {
    let next = first_of_month(month) + Months::new(1);
    (next - first_of_month(month)).num_days() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a time")
    }

    fn dates(rule: &str, first: &str) -> Vec<String> {
        Rule::parse(rule)
            .expect("parses")
            .occurrences(at(first), at("2030-01-01 00:00"))
            .iter()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect()
    }

    #[test]
    fn weekly_on_days_and_monthly_on_the_nth_weekday_expand_as_outlook_shows_them() {
        assert_eq!(
            dates(
                "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=4",
                "2026-12-02 10:00"
            ),
            ["2026-12-02", "2026-12-07", "2026-12-09", "2026-12-14"]
        );
        assert_eq!(
            dates("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", "2026-12-01 10:00"),
            ["2026-12-25", "2027-01-29", "2027-02-26"]
        );
        assert_eq!(
            dates(
                "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=2",
                "2026-12-01 10:00"
            ),
            ["2026-12-08", "2027-01-12"]
        );
        assert_eq!(
            dates(
                "FREQ=DAILY;INTERVAL=2;UNTIL=20261207T000000Z",
                "2026-12-01 10:00"
            ),
            ["2026-12-01", "2026-12-03", "2026-12-05", "2026-12-07"]
        );
        assert_eq!(
            dates(
                "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=2",
                "2027-01-01 10:00"
            ),
            ["2028-02-29", "2032-02-29"][..1].to_vec(),
            "29 February only in leap years, and 2032 is past the horizon"
        );
    }

    #[test]
    fn what_webex_cannot_hold_is_refused_naming_the_part() {
        assert!(
            Rule::parse("FREQ=HOURLY")
                .unwrap_err()
                .contains("FREQ=HOURLY")
        );
        assert!(
            Rule::parse("FREQ=DAILY;BYHOUR=3")
                .unwrap_err()
                .contains("BYHOUR")
        );
        assert!(Rule::parse("INTERVAL=2").unwrap_err().contains("FREQ"));
    }
}

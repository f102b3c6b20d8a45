//! A meeting's recurrence: every Outlook pattern Webex can hold, and the RRULE Webex keeps it
//! as, both ways. Outlook's patterns are Graph's `patternedRecurrence` (daily, weekly on days,
//! monthly on a date or on the n-th weekday, yearly on a date or on the n-th weekday; ending on
//! a date, after n occurrences, or never). Anything else is refused naming the part.

use chrono::{NaiveDate, Weekday};

/// Which week of the month, for "the second Tuesday" or "the last Friday".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeekIndex {
    First,
    Second,
    Third,
    Fourth,
    Last,
}

impl WeekIndex {
    fn number(self) -> i8 {
        match self {
            Self::First => 1,
            Self::Second => 2,
            Self::Third => 3,
            Self::Fourth => 4,
            Self::Last => -1,
        }
    }

    fn from_number(n: i64) -> Option<Self> {
        Some(match n {
            1 => Self::First,
            2 => Self::Second,
            3 => Self::Third,
            4 => Self::Fourth,
            -1 => Self::Last,
            _ => return None,
        })
    }

    /// Graph's spelling (`first` … `last`).
    pub fn graph_name(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Second => "second",
            Self::Third => "third",
            Self::Fourth => "fourth",
            Self::Last => "last",
        }
    }

    pub fn from_graph(name: &str) -> Option<Self> {
        [
            Self::First,
            Self::Second,
            Self::Third,
            Self::Fourth,
            Self::Last,
        ]
        .into_iter()
        .find(|i| i.graph_name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    Daily {
        interval: u8,
    },
    Weekly {
        interval: u8,
        days: Vec<Weekday>,
    },
    MonthlyOnDate {
        interval: u8,
        day: u8,
    },
    MonthlyOnWeekday {
        interval: u8,
        index: WeekIndex,
        day: Weekday,
    },
    YearlyOnDate {
        month: u8,
        day: u8,
    },
    YearlyOnWeekday {
        month: u8,
        index: WeekIndex,
        day: Weekday,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// The last occurrence is on or before this date.
    Date(NaiveDate),
    /// After this many occurrences.
    After(u16),
    Never,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    pub pattern: Pattern,
    pub end: End,
}

/// A recurrence Webex cannot hold, naming the part (`recurrence_not_supported`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Webex cannot repeat a meeting this way: {0}")]
pub struct RecurrenceNotSupported(pub String);

fn refuse<T>(part: impl Into<String>) -> Result<T, RecurrenceNotSupported> {
    Err(RecurrenceNotSupported(part.into()))
}

/// Webex repeats at most every 99 days, weeks or months, and at most this many times.
const MAX_INTERVAL: u8 = 99;
const MAX_COUNT: u16 = 1000;

fn day_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

fn day_of(code: &str) -> Option<Weekday> {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .into_iter()
    .find(|d| day_code(*d) == code)
}

impl Recurrence {
    /// Checks what Webex can hold: intervals, days of the month, a count, at least one day.
    pub fn validated(self) -> Result<Self, RecurrenceNotSupported> {
        let interval_ok = |i: u8| (1..=MAX_INTERVAL).contains(&i);
        match &self.pattern {
            Pattern::Daily { interval }
            | Pattern::MonthlyOnDate { interval, .. }
            | Pattern::MonthlyOnWeekday { interval, .. }
                if !interval_ok(*interval) =>
            {
                return refuse(format!("an interval of {interval} (1 to 99)"));
            }
            Pattern::Weekly { interval, .. } if !interval_ok(*interval) => {
                return refuse(format!("an interval of {interval} (1 to 99)"));
            }
            Pattern::Weekly { days, .. } if days.is_empty() => {
                return refuse("a weekly pattern on no day");
            }
            Pattern::MonthlyOnDate { day, .. } | Pattern::YearlyOnDate { day, .. }
                if !(1..=31).contains(day) =>
            {
                return refuse(format!("day {day} of the month"));
            }
            Pattern::YearlyOnDate { month, .. } | Pattern::YearlyOnWeekday { month, .. }
                if !(1..=12).contains(month) =>
            {
                return refuse(format!("month {month}"));
            }
            _ => {}
        }
        if let End::After(n) = self.end
            && !(1..=MAX_COUNT).contains(&n)
        {
            return refuse(format!("{n} occurrences (1 to {MAX_COUNT})"));
        }
        Ok(self)
    }

    /// The RRULE Webex keeps (`FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=10`).
    pub fn to_rrule(&self) -> String {
        let mut parts = Vec::new();
        match &self.pattern {
            Pattern::Daily { interval } => {
                parts.push("FREQ=DAILY".to_owned());
                parts.push(format!("INTERVAL={interval}"));
            }
            Pattern::Weekly { interval, days } => {
                parts.push("FREQ=WEEKLY".to_owned());
                parts.push(format!("INTERVAL={interval}"));
                let days: Vec<&str> = days.iter().map(|d| day_code(*d)).collect();
                parts.push(format!("BYDAY={}", days.join(",")));
            }
            Pattern::MonthlyOnDate { interval, day } => {
                parts.push("FREQ=MONTHLY".to_owned());
                parts.push(format!("INTERVAL={interval}"));
                parts.push(format!("BYMONTHDAY={day}"));
            }
            Pattern::MonthlyOnWeekday {
                interval,
                index,
                day,
            } => {
                parts.push("FREQ=MONTHLY".to_owned());
                parts.push(format!("INTERVAL={interval}"));
                parts.push(format!("BYDAY={}{}", index.number(), day_code(*day)));
            }
            Pattern::YearlyOnDate { month, day } => {
                parts.push("FREQ=YEARLY".to_owned());
                parts.push(format!("BYMONTH={month}"));
                parts.push(format!("BYMONTHDAY={day}"));
            }
            Pattern::YearlyOnWeekday { month, index, day } => {
                parts.push("FREQ=YEARLY".to_owned());
                parts.push(format!("BYMONTH={month}"));
                parts.push(format!("BYDAY={}{}", index.number(), day_code(*day)));
            }
        }
        match self.end {
            End::Date(date) => parts.push(format!("UNTIL={}T235959Z", date.format("%Y%m%d"))),
            End::After(n) => parts.push(format!("COUNT={n}")),
            End::Never => {}
        }
        parts.join(";")
    }

    /// A Webex RRULE read back, if it is one of the patterns Outlook has.
    pub fn from_rrule(text: &str) -> Result<Self, RecurrenceNotSupported> {
        let mut freq = None;
        let mut interval: u8 = 1;
        let mut days: Vec<(Option<i64>, Weekday)> = Vec::new();
        let mut month_day = None;
        let mut month = None;
        let mut set_pos = None;
        let mut end = End::Never;
        for part in text.trim().trim_start_matches("RRULE:").split(';') {
            let Some((key, value)) = part.split_once('=') else {
                return refuse(part);
            };
            match key {
                "FREQ" => freq = Some(value.to_owned()),
                "INTERVAL" => {
                    interval = value.parse().or_else(|_| refuse(part))?;
                }
                "BYDAY" => {
                    for day in value.split(',') {
                        let split = day.len().saturating_sub(2);
                        let (n, code) = day.split_at(split);
                        let n = if n.is_empty() {
                            None
                        } else {
                            Some(
                                n.trim_start_matches('+')
                                    .parse()
                                    .or_else(|_| refuse(part))?,
                            )
                        };
                        days.push((n, day_of(code).map_or_else(|| refuse(part), Ok)?));
                    }
                }
                "BYMONTHDAY" => month_day = Some(value.parse().or_else(|_| refuse(part))?),
                "BYMONTH" => month = Some(value.parse().or_else(|_| refuse(part))?),
                "BYSETPOS" => set_pos = Some(value.parse::<i64>().or_else(|_| refuse(part))?),
                "COUNT" => end = End::After(value.parse().or_else(|_| refuse(part))?),
                "UNTIL" => {
                    let date = value.get(..8).unwrap_or_default();
                    end = End::Date(
                        NaiveDate::parse_from_str(date, "%Y%m%d").or_else(|_| refuse(part))?,
                    );
                }
                "WKST" => {}
                _ => return refuse(part),
            }
        }
        let nth = |days: &[(Option<i64>, Weekday)]| -> Result<(WeekIndex, Weekday), RecurrenceNotSupported> {
            match days {
                [(n, day)] => n
                    .or(set_pos)
                    .and_then(WeekIndex::from_number)
                    .map(|i| (i, *day))
                    .map_or_else(|| refuse("BYDAY without a week of the month"), Ok),
                _ => refuse("more than one weekday in a month"),
            }
        };
        let pattern = match freq.as_deref() {
            Some("DAILY") if days.is_empty() => Pattern::Daily { interval },
            Some("WEEKLY") => Pattern::Weekly {
                interval,
                days: days.iter().map(|(_, d)| *d).collect(),
            },
            Some("MONTHLY") => match month_day {
                Some(day) => Pattern::MonthlyOnDate { interval, day },
                None => {
                    let (index, day) = nth(&days)?;
                    Pattern::MonthlyOnWeekday {
                        interval,
                        index,
                        day,
                    }
                }
            },
            Some("YEARLY") => {
                let month = month.map_or_else(|| refuse("a yearly rule without BYMONTH"), Ok)?;
                match month_day {
                    Some(day) => Pattern::YearlyOnDate { month, day },
                    None => {
                        let (index, day) = nth(&days)?;
                        Pattern::YearlyOnWeekday { month, index, day }
                    }
                }
            }
            Some(other) => return refuse(format!("FREQ={other}")),
            None => return refuse("no FREQ"),
        };
        Self { pattern, end }.validated()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both_ways(recurrence: Recurrence, rrule: &str) {
        assert_eq!(recurrence.to_rrule(), rrule);
        assert_eq!(Recurrence::from_rrule(rrule), Ok(recurrence));
    }

    #[test]
    fn every_outlook_pattern_maps_to_a_webex_rrule_and_back() {
        let date = NaiveDate::from_ymd_opt(2027, 3, 31).expect("a date");
        both_ways(
            Recurrence {
                pattern: Pattern::Daily { interval: 2 },
                end: End::After(10),
            },
            "FREQ=DAILY;INTERVAL=2;COUNT=10",
        );
        both_ways(
            Recurrence {
                pattern: Pattern::Weekly {
                    interval: 1,
                    days: vec![Weekday::Mon, Weekday::Wed],
                },
                end: End::Date(date),
            },
            "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;UNTIL=20270331T235959Z",
        );
        both_ways(
            Recurrence {
                pattern: Pattern::MonthlyOnDate {
                    interval: 1,
                    day: 15,
                },
                end: End::Never,
            },
            "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15",
        );
        both_ways(
            Recurrence {
                pattern: Pattern::MonthlyOnWeekday {
                    interval: 3,
                    index: WeekIndex::Last,
                    day: Weekday::Fri,
                },
                end: End::After(4),
            },
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR;COUNT=4",
        );
        both_ways(
            Recurrence {
                pattern: Pattern::YearlyOnDate { month: 4, day: 23 },
                end: End::Never,
            },
            "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=23",
        );
        both_ways(
            Recurrence {
                pattern: Pattern::YearlyOnWeekday {
                    month: 11,
                    index: WeekIndex::Fourth,
                    day: Weekday::Thu,
                },
                end: End::After(2),
            },
            "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;COUNT=2",
        );
        assert_eq!(
            Recurrence::from_rrule("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2").map(|r| r.pattern),
            Ok(Pattern::MonthlyOnWeekday {
                interval: 1,
                index: WeekIndex::Second,
                day: Weekday::Tue
            }),
            "Webex's BYSETPOS spelling of the n-th weekday"
        );
    }

    #[test]
    fn what_webex_cannot_hold_is_refused_naming_the_part() {
        let refused = |r: Result<Recurrence, RecurrenceNotSupported>| r.unwrap_err().0;
        assert!(refused(Recurrence::from_rrule("FREQ=HOURLY")).contains("HOURLY"));
        assert!(refused(Recurrence::from_rrule("FREQ=DAILY;BYHOUR=9")).contains("BYHOUR"));
        assert!(
            refused(
                Recurrence {
                    pattern: Pattern::Daily { interval: 120 },
                    end: End::Never
                }
                .validated()
            )
            .contains("120")
        );
        assert!(
            refused(
                Recurrence {
                    pattern: Pattern::Weekly {
                        interval: 1,
                        days: vec![]
                    },
                    end: End::Never
                }
                .validated()
            )
            .contains("no day")
        );
        assert!(
            refused(
                Recurrence {
                    pattern: Pattern::Daily { interval: 1 },
                    end: End::After(5000)
                }
                .validated()
            )
            .contains("5000")
        );
    }
}

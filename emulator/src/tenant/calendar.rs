//! Events already in each calendar before anyone schedules: a weekly team meeting, a one-to-one
//! with the manager, a tentative review. Made on demand per mailbox from the seed, around today.

use serde_json::{Map, Value, json};

use super::{SplitMix64, Tenant};

const SECONDS_PER_DAY: u64 = 86_400;

impl Tenant {
    /// The events `owner`'s calendar holds before anything is created, as create bodies.
    pub fn existing_events(&self, owner: usize) -> Vec<Map<String, Value>> {
        let mut rng =
            SplitMix64(self.seed ^ (owner as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xE7E7);
        let today = crate::wire::now_secs() / SECONDS_PER_DAY * SECONDS_PER_DAY;
        let person = &self.users[owner];
        let colleague = |rng: &mut SplitMix64| {
            let other = &self.users[rng.below(self.users.len())];
            json!({ "emailAddress": { "name": other.display_name, "address": other.mail }, "type": "required" })
        };
        let mut events = vec![
            (
                "Haftalık ekip toplantısı",
                1 + rng.below(4) as u64,
                9 + rng.below(3) as u64,
                30,
                "busy",
                3,
            ),
            (
                "Proje değerlendirmesi",
                2 + rng.below(6) as u64,
                13 + rng.below(3) as u64,
                60,
                "tentative",
                2,
            ),
        ];
        if let Some(manager) = person.manager {
            let name = self.users[manager].display_name.as_str();
            events.push((name, 1 + rng.below(5) as u64, 15, 30, "busy", 0));
        }
        events
            .into_iter()
            .enumerate()
            .map(|(n, (subject, day, hour, minutes, show_as, guests))| {
                let start = today + day * SECONDS_PER_DAY + hour * 3_600;
                let mut attendees: Vec<Value> = (0..guests).map(|_| colleague(&mut rng)).collect();
                let subject = match (n, person.manager) {
                    (2, Some(manager)) => {
                        attendees.push(json!({ "emailAddress": { "name": self.users[manager].display_name, "address": self.users[manager].mail }, "type": "required" }));
                        format!("1:1 {subject}")
                    }
                    _ => subject.to_owned(),
                };
                let event = json!({
                    "subject": subject,
                    "start": { "dateTime": iso(start), "timeZone": "UTC" },
                    "end": { "dateTime": iso(start + minutes * 60), "timeZone": "UTC" },
                    "showAs": show_as,
                    "attendees": attendees,
                    "body": { "contentType": "text", "content": "" },
                });
                match event {
                    Value::Object(map) => map,
                    _ => Map::new(),
                }
            })
            .collect()
    }
}

/// `2026-12-01T09:00:00.0000000` for seconds since 1970, as Outlook writes event times.
fn iso(secs: u64) -> String {
    format!("{}.0000000", crate::wire::iso_datetime(secs))
}

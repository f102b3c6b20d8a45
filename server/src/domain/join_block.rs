//! The join block: what an invitee needs to join the Webex meeting (the join link, meeting
//! number, password, tap-to-join for mobile, call-in numbers with the access code, the video
//! system address), in English or Turkish, as Outlook-safe HTML and as plain text.
//!
//! Outlook rewrites an invitation's HTML: it drops comments and elements it does not know, and
//! prefixes ids (and classes) with `x_`. The block's marker is therefore two paragraphs with
//! ids and visible rules, `davet-webex-begin-<meeting id>` and `davet-webex-end`, found in either
//! spelling: applying a block again replaces the one there, removing the meeting removes it,
//! and an event that lost its extended property still names its meeting ([`meeting_in`]).

use davet_api::Lang;
use maud::{Markup, html};

use super::webex::WebexMeeting;

const BEGIN: &str = "davet-webex-begin";
const END: &str = "davet-webex-end";
/// The visible rule on the marker paragraphs (the text form's marker too).
const RULE: &str = "──────────";

fn words(lang: Lang) -> [&'static str; 9] {
    match lang {
        Lang::En => [
            "Join the Webex meeting",
            "Meeting number",
            "Password",
            "Join from a mobile (tap to join)",
            "Join by phone",
            "Access code",
            "Join from a video system or application",
            "Webex meeting",
            "Dial",
        ],
        Lang::Tr => [
            "Webex toplantısına katılın",
            "Toplantı numarası",
            "Parola",
            "Mobil cihazdan katılın (dokunarak)",
            "Telefonla katılın",
            "Erişim kodu",
            "Görüntülü sistemden ya da uygulamadan katılın",
            "Webex toplantısı",
            "Arayın",
        ],
    }
}

/// `tel:` with the access code, as phones dial it (pauses, then `#`).
fn tap_to_join(number: &str, code: &str) -> String {
    let digits: String = number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits},,{code}#")
}

/// The block for one meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinBlock {
    pub html: String,
    pub text: String,
}

impl JoinBlock {
    pub fn new(meeting: &WebexMeeting, lang: Lang) -> Self {
        let [
            join,
            number,
            password,
            mobile,
            phone,
            access,
            video,
            title,
            dial,
        ] = words(lang);
        let code = meeting
            .access_code
            .clone()
            .unwrap_or_else(|| meeting.meeting_number.clone());
        let first_number = meeting.call_in.first();
        let begin = format!("{BEGIN}-{}", meeting.id);
        let markup: Markup = html! {
            p id=(begin) { (RULE) " " (title) " " (RULE) }
            p { a href=(meeting.web_link) { (join) } }
            p { (number) ": " (meeting.meeting_number) br; (password) ": " (meeting.password) }
            @if let Some(first) = first_number {
                p { (mobile) ": " a href=(tap_to_join(&first.number, &code)) { (first.number) ",," (code) "#" } }
            }
            @if !meeting.call_in.is_empty() {
                p {
                    (phone) ":"
                    @for n in &meeting.call_in {
                        br; (n.label) ": " (n.number)
                    }
                    br; (access) ": " (code)
                }
            }
            @if let Some(sip) = &meeting.sip_address {
                p { (video) ": " (dial) " " (sip) }
            }
            p id=(END) { (RULE) }
        };
        let mut text = vec![
            format!("{RULE} {title} {RULE}"),
            format!("{join}: {}", meeting.web_link),
            format!("{number}: {}", meeting.meeting_number),
            format!("{password}: {}", meeting.password),
        ];
        if let Some(first) = first_number {
            text.push(format!("{mobile}: {first},,{code}#", first = first.number));
        }
        if !meeting.call_in.is_empty() {
            text.push(format!("{phone}:"));
            text.extend(
                meeting
                    .call_in
                    .iter()
                    .map(|n| format!("  {}: {}", n.label, n.number)),
            );
            text.push(format!("{access}: {code}"));
        }
        if let Some(sip) = &meeting.sip_address {
            text.push(format!("{video}: {dial} {sip}"));
        }
        text.push(RULE.to_owned());
        Self {
            html: markup.into_string(),
            text: text.join("\n"),
        }
    }

    /// `body` with this block in place of any block there (or added at the end).
    pub fn apply_to(&self, body: &str) -> String {
        let without = remove_from(body);
        match closing_body(&without) {
            Some(at) => format!("{}{}{}", &without[..at], self.html, &without[at..]),
            None => format!("{without}{}", self.html),
        }
    }
}

/// Where `</body>` starts, if the HTML has one.
fn closing_body(html: &str) -> Option<usize> {
    html.to_ascii_lowercase().rfind("</body>")
}

/// The start of the element whose `id` is `id` (or Outlook's `x_` + `id`), and where its tag
/// opened.
fn marker(html: &str, id: &str, from: usize) -> Option<(usize, usize)> {
    let rest = &html[from..];
    let found = [
        format!("id=\"{id}"),
        format!("id=\"x_{id}"),
        format!("id={id}"),
        format!("id=x_{id}"),
    ]
    .iter()
    .filter_map(|needle| rest.find(needle.as_str()))
    .min()?;
    let attribute = from + found;
    let open = html[..attribute].rfind('<')?;
    Some((open, attribute))
}

/// The Webex meeting a body's join block names, if it has one.
pub fn meeting_in(body: &str) -> Option<String> {
    let (_, attribute) = marker(body, BEGIN, 0)?;
    let rest = &body[attribute..];
    let start = rest.find(BEGIN)? + BEGIN.len() + 1;
    let id: String = rest[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    (!id.is_empty()).then_some(id)
}

/// `body` without a join block (as it is when there is none).
pub fn remove_from(body: &str) -> String {
    let mut html = body.to_owned();
    // Every block, should there be several (a body edited by hand).
    while let Some((begin, _)) = marker(&html, BEGIN, 0) {
        let Some((_, end_attribute)) = marker(&html, END, begin) else {
            break;
        };
        let Some(close) = html[end_attribute..].find("</p>") else {
            break;
        };
        let end = end_attribute + close + "</p>".len();
        html.replace_range(begin..end, "");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::webex::CallIn;
    use chrono::Utc;

    fn meeting() -> WebexMeeting {
        WebexMeeting {
            id: "870f51ff287b41be84648412901e0402".into(),
            meeting_number: "2512345678".into(),
            title: "Haftalık <ekip>".into(),
            password: "Bg&Jep@43".into(),
            web_link: "https://ornek.webex.com/ornek/j.php?MTID=m8a&x=\"1\"".into(),
            sip_address: Some("2512345678@ornek.webex.com".into()),
            site_url: "ornek.webex.com".into(),
            host_email: "ayse.kaya@ornek.example".into(),
            start: Utc::now(),
            end: Utc::now(),
            timezone: "Europe/Istanbul".into(),
            recurrence: None,
            access_code: Some("2512345678".into()),
            call_in: vec![CallIn {
                label: "Türkiye".into(),
                number: "+90-212-900-1234".into(),
                toll_free: false,
            }],
            integration_tags: vec![],
        }
    }

    #[test]
    fn the_block_says_everything_an_invitee_needs_escaped_and_without_style_or_script() {
        let block = JoinBlock::new(&meeting(), Lang::Tr);
        assert!(block.html.contains("Webex toplantısına katılın"));
        assert!(block.html.contains("2512345678"));
        assert!(block.html.contains("Bg&amp;Jep@43"), "{}", block.html);
        assert!(
            block.html.contains("x=&quot;1&quot;"),
            "attributes escaped: {}",
            block.html
        );
        assert!(block.html.contains("tel:+902129001234,,2512345678#"));
        assert!(block.html.contains("2512345678@ornek.webex.com"));
        for forbidden in ["style", "<script", "<!--", "class="] {
            assert!(
                !block.html.contains(forbidden),
                "{forbidden} in {}",
                block.html
            );
        }
        let english = JoinBlock::new(&meeting(), Lang::En);
        assert!(english.html.contains("Join the Webex meeting"));
        assert!(english.text.contains("Password: Bg&Jep@43"));
        assert!(english.text.lines().count() >= 6);
    }

    #[test]
    fn applying_again_replaces_the_block_even_after_outlook_prefixed_its_ids() {
        let block = JoinBlock::new(&meeting(), Lang::En);
        let body = "<html><body><p>Gündem: bütçe</p></body></html>";
        let once = block.apply_to(body);
        assert!(once.contains("Gündem: bütçe") && once.contains("Join the Webex meeting"));
        assert!(once.find("Join the Webex").unwrap_or(0) < once.find("</body>").unwrap_or(0));
        // Outlook's rewriting: ids prefixed, a comment dropped, an element it adds.
        let rewritten = once
            .replace("id=\"davet-webex-begin", "id=\"x_davet-webex-begin")
            .replace("id=\"davet-webex-end\"", "id=\"x_davet-webex-end\"")
            .replace(
                "<p>Gündem",
                "<div class=\"x_elementToProof\"></div><p>Gündem",
            );
        let twice = block.apply_to(&rewritten);
        assert_eq!(
            twice.matches("Join the Webex meeting").count(),
            1,
            "{twice}"
        );
        assert!(twice.contains("Gündem: bütçe"));
        assert_eq!(
            meeting_in(&rewritten).as_deref(),
            Some("870f51ff287b41be84648412901e0402"),
            "the block names its meeting, through Outlook's rewriting too"
        );
        assert_eq!(meeting_in("<p>no block</p>"), None);
        let removed = remove_from(&twice);
        assert!(!removed.contains("Webex"), "{removed}");
        assert!(removed.contains("Gündem: bütçe"));
        assert_eq!(
            remove_from(body),
            body,
            "a body without a block is left alone"
        );
    }
}

//! Meetings: create (once, whatever is retried), find by Davet's tag, read, update, delete,
//! and list by time, following Webex's `Link: <…>; rel="next"` pages.

use chrono::{DateTime, Duration, Utc};
use reqwest::header::{CONTENT_TYPE, LINK};

use super::wire::{Items, Meeting, MeetingBody, MoveBody};
use super::{WebexActing, WebexError, maybe_applied};
use crate::domain::webex::{IdempotencyKey, MeetingDraft, WebexMeeting};
use crate::upstream::Resend;

/// Webex's largest page of meetings.
const PAGE: &str = "100";
/// Pages followed at most in one listing (10,000 meetings).
const MAX_PAGES: usize = 100;

fn read<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, WebexError> {
    serde_json::from_slice(body)
        .map_err(|e| WebexError::Unavailable(format!("unreadable Webex answer: {e}")))
}

/// The `next` link of a `Link` header, if it has one.
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let value = headers.get(LINK)?.to_str().ok()?;
    value.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params.contains("rel=\"next\"").then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

impl WebexActing {
    /// Creates the meeting `draft` describes, exactly once for `key`: a meeting Webex already
    /// holds under the key's tag is answered as it is (a retry of ours or of the pane's), and a
    /// create whose answer was lost is looked for by the tag before it is sent again.
    pub async fn create_meeting(
        &self,
        key: &IdempotencyKey,
        draft: &MeetingDraft,
    ) -> Result<WebexMeeting, WebexError> {
        if let Some(made) = self.find_by_tag(&key.tag(), draft).await? {
            return Ok(made);
        }
        match self.post_meeting(key, draft).await {
            Err(lost) if maybe_applied(&lost) => {
                tracing::info!("a create's answer was lost; looking for the meeting by its tag");
                match self.find_by_tag(&key.tag(), draft).await? {
                    Some(made) => Ok(made),
                    None => self.post_meeting(key, draft).await,
                }
            }
            outcome => outcome,
        }
    }

    async fn post_meeting(
        &self,
        key: &IdempotencyKey,
        draft: &MeetingDraft,
    ) -> Result<WebexMeeting, WebexError> {
        let host = self.host.as_ref().map(|h| h.as_str());
        let body = MeetingBody::new(draft, Some(key.tag()), host);
        // A create may have been applied when its answer is lost: resent only when Webex cannot
        // have made it (throttled, unavailable with Retry-After, never connected).
        let answer = self
            .send(Resend::UnlessApplied, |http| {
                http.post(self.client.url("meetings")).json(&body)
            })
            .await?;
        Ok(read::<Meeting>(&answer.body)?.into())
    }

    /// The meeting Davet made under `tag`, looked for around the draft's time.
    pub async fn find_by_tag(
        &self,
        tag: &str,
        draft: &MeetingDraft,
    ) -> Result<Option<WebexMeeting>, WebexError> {
        let day = Duration::days(1);
        let found = self
            .list(draft.start - day, draft.end + day, Some(tag))
            .await?;
        Ok(found
            .into_iter()
            .find(|m| m.integration_tags.iter().any(|t| t == tag)))
    }

    /// The organiser's meeting series that meet between `from` and `to` (with `tag`, if given).
    pub async fn list(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        tag: Option<&str>,
    ) -> Result<Vec<WebexMeeting>, WebexError> {
        let mut query = self.on_behalf("hostEmail");
        query.push(("meetingType", "meetingSeries".to_owned()));
        query.push(("from", from.format("%Y-%m-%dT%H:%M:%SZ").to_string()));
        query.push(("to", to.format("%Y-%m-%dT%H:%M:%SZ").to_string()));
        query.push(("max", PAGE.to_owned()));
        query.extend(tag.map(|t| ("integrationTag", t.to_owned())));
        let first = self.client.url("meetings");
        let mut answer = self
            .send(Resend::Safe, |http| http.get(first.clone()).query(&query))
            .await?;
        let mut meetings = Vec::new();
        for _ in 0..MAX_PAGES {
            let page: Items<Meeting> = read(&answer.body)?;
            meetings.extend(page.items.into_iter().map(WebexMeeting::from));
            // Only links back to Webex's own host are followed.
            let Some(next) = next_link(&answer.headers)
                .and_then(|n| url::Url::parse(&n).ok())
                .filter(|n| n.origin() == first.origin())
            else {
                break;
            };
            answer = self
                .send(Resend::Safe, |http| http.get(next.clone()))
                .await?;
        }
        Ok(meetings)
    }

    /// One meeting series or occurrence by id.
    pub async fn meeting(&self, id: &str) -> Result<WebexMeeting, WebexError> {
        let url = self.client.url(&format!("meetings/{}", segment(id)));
        let answer = self
            .send(Resend::Safe, |http| {
                http.get(url.clone()).query(&self.on_behalf("hostEmail"))
            })
            .await?;
        Ok(read::<Meeting>(&answer.body)?.into())
    }

    /// Changes a meeting (or one occurrence) to what `draft` says. Safe to resend: the same
    /// body applied twice leaves the same meeting.
    pub async fn update_meeting(
        &self,
        id: &str,
        draft: &MeetingDraft,
    ) -> Result<WebexMeeting, WebexError> {
        let url = self.client.url(&format!("meetings/{}", segment(id)));
        let body = MeetingBody::new(draft, None, None);
        let answer = self
            .send(Resend::Safe, |http| {
                http.patch(url.clone())
                    .header(CONTENT_TYPE, "application/json")
                    .json(&body)
            })
            .await?;
        Ok(read::<Meeting>(&answer.body)?.into())
    }

    /// Moves or renames a meeting, every option left as it is.
    pub async fn move_meeting(
        &self,
        id: &str,
        title: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        timezone: &str,
    ) -> Result<WebexMeeting, WebexError> {
        let url = self.client.url(&format!("meetings/{}", segment(id)));
        let body = MoveBody::new(title, start, end, timezone);
        let answer = self
            .send(Resend::Safe, |http| {
                http.patch(url.clone())
                    .header(CONTENT_TYPE, "application/json")
                    .json(&body)
            })
            .await?;
        Ok(read::<Meeting>(&answer.body)?.into())
    }

    /// Deletes a meeting series, or cancels one occurrence. A meeting already gone is no
    /// error: the outcome is the same.
    pub async fn delete_meeting(&self, id: &str) -> Result<(), WebexError> {
        let url = self.client.url(&format!("meetings/{}", segment(id)));
        let mut query = self.on_behalf("hostEmail");
        query.push(("sendEmail", "false".to_owned()));
        match self
            .send(Resend::Safe, |http| http.delete(url.clone()).query(&query))
            .await
        {
            Ok(_) | Err(WebexError::NotFound) => Ok(()),
            Err(other) => Err(other),
        }
    }
}

/// An id as one path segment.
fn segment(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_is_read_from_the_link_header_and_nothing_else() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            LINK,
            "<https://webexapis.com/v1/meetings?max=100&offset=100>; rel=\"next\""
                .parse()
                .expect("a header"),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://webexapis.com/v1/meetings?max=100&offset=100")
        );
        headers.insert(
            LINK,
            "<https://webexapis.com/v1/meetings?x>; rel=\"prev\""
                .parse()
                .expect("a header"),
        );
        assert_eq!(next_link(&headers), None);
    }
}

//! The organiser's Webex account, and who else has one (matched by directory address); their
//! sites, templates and personal room.

use futures_util::{StreamExt, TryStreamExt, stream};

use super::wire::{Items, Person, Room, Sites, Template};
use super::{WebexActing, WebexError};
use crate::domain::email::EmailAddress;
use crate::domain::webex::{PersonalRoom, WebexAccount, WebexSite, WebexTemplate};
use crate::upstream::Resend;

/// Lookups by address under way at once.
const LOOKUPS_AT_ONCE: usize = 4;

fn read<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, WebexError> {
    serde_json::from_slice(body)
        .map_err(|e| WebexError::Unavailable(format!("unreadable Webex answer: {e}")))
}

impl WebexActing {
    /// The organiser's Webex account: the token's own (person mode), or the one under their
    /// address (organisation mode). `None` when they have none.
    pub async fn me(&self) -> Result<Option<WebexAccount>, WebexError> {
        if self.host.is_some() {
            return self.account(&self.address).await;
        }
        let answer = self
            .send(Resend::Safe, |http| http.get(self.client.url("people/me")))
            .await?;
        Ok(Some(read::<Person>(&answer.body)?.into()))
    }

    /// The Webex account under a directory address, if there is one.
    pub async fn account(&self, email: &EmailAddress) -> Result<Option<WebexAccount>, WebexError> {
        let answer = self
            .send(Resend::Safe, |http| {
                http.get(self.client.url("people"))
                    .query(&[("email", email.as_str())])
            })
            .await?;
        let found: Items<Person> = read(&answer.body)?;
        Ok(found.items.into_iter().next().map(Into::into))
    }

    /// Who of `emails` has a Webex account: the accounts found, and the addresses without one.
    pub async fn accounts(
        &self,
        emails: &[EmailAddress],
    ) -> Result<(Vec<WebexAccount>, Vec<EmailAddress>), WebexError> {
        let answers: Vec<(EmailAddress, Option<WebexAccount>)> =
            stream::iter(emails.iter().cloned())
                .map(|email| async move {
                    let account = self.account(&email).await?;
                    Ok::<_, WebexError>((email, account))
                })
                .buffered(LOOKUPS_AT_ONCE)
                .try_collect()
                .await?;
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for (email, account) in answers {
            match account {
                Some(account) => found.push(account),
                None => missing.push(email),
            }
        }
        Ok((found, missing))
    }

    /// The sites the organiser may schedule on, their default first as Webex lists it.
    pub async fn sites(&self) -> Result<Vec<WebexSite>, WebexError> {
        let answer = self
            .send(Resend::Safe, |http| {
                http.get(self.client.url("meetingPreferences/sites"))
                    .query(&self.on_behalf("userEmail"))
            })
            .await?;
        Ok(read::<Sites>(&answer.body)?
            .sites
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The organiser's personal room on a site (their default when `None`).
    pub async fn personal_room(&self, site: Option<&str>) -> Result<PersonalRoom, WebexError> {
        let answer = self
            .send(Resend::Safe, |http| {
                let mut query = self.on_behalf("userEmail");
                query.extend(site.map(|s| ("siteUrl", s.to_owned())));
                http.get(self.client.url("meetingPreferences/personalMeetingRoom"))
                    .query(&query)
            })
            .await?;
        Ok(read::<Room>(&answer.body)?.into())
    }

    /// The meeting templates the organiser may use.
    pub async fn templates(&self) -> Result<Vec<WebexTemplate>, WebexError> {
        let answer = self
            .send(Resend::Safe, |http| {
                let mut query = self.on_behalf("hostEmail");
                query.push(("templateType", "meeting".to_owned()));
                http.get(self.client.url("meetings/templates"))
                    .query(&query)
            })
            .await?;
        Ok(read::<Items<Template>>(&answer.body)?
            .items
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

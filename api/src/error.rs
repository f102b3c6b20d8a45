//! The errors every answer of the server may carry.

use serde::{Deserialize, Serialize};

/// Every error the server answers with: an HTTP status, a machine-readable `code` the pane can
/// branch on, and a human message in English (`message`) and Turkish (`messageTr`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub message_tr: String,
}

/// Machine-readable error codes. Adding one is a contract change: the pane localises each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request itself is malformed (missing or invalid parameter).
    InvalidRequest,
    /// The search text is shorter than [`crate::PEOPLE_QUERY_MIN_CHARS`] or longer than the maximum.
    QueryLength,
    /// Microsoft Graph could not be reached or answered with a server error.
    DirectoryUnavailable,
    /// Microsoft Graph is throttling us and the retry budget ran out.
    DirectoryThrottled,
    /// Microsoft Graph refused our credentials.
    DirectoryAccessDenied,
    /// No session, or it ended: sign in (again).
    SignInRequired,
    /// Signing in did not complete: refused, cancelled, or a token that does not hold.
    SignInFailed,
    /// The Microsoft identity platform could not be reached.
    IdentityUnavailable,
    /// A picked group or contact folder does not exist (any more).
    NotFound,
    /// Davet cannot reach Webex for the organiser: connect Webex (again), or in organisation
    /// mode ask an admin to connect the organisation.
    WebexConnectionRequired,
    /// This deployment has no Webex integration configured.
    WebexNotConfigured,
    /// The Webex account connected is not the organiser's (another address).
    WebexAccountMismatch,
    /// Webex is throttling us and the retry budget ran out.
    WebexThrottled,
    /// The site's password rules refused the password; the message says which rule.
    WebexPasswordRefused,
    /// Someone named (a cohost) has no Webex account; the message names them.
    WebexNoAccount,
    /// The organiser made as many meetings as Webex allows in 24 hours.
    WebexLimitReached,
    /// Webex refused the request; the message gives Webex's reason.
    WebexRefused,
    /// Webex could not be reached or failed, or refused Davet's access (an admin's problem).
    WebexUnavailable,
    /// The meeting asked for breaks a rule (a time, an option); the message names which.
    InvalidMeeting,
    /// Webex cannot repeat a meeting the way asked; the message names the part.
    RecurrenceNotSupported,
    /// Outlook could not write the event; the Webex meeting was deleted again (nothing left).
    EventNotWritten,
    /// Anything unexpected; the server log has the details.
    Internal,
}

//! Extractors: what a handler takes from a request, parsed, or an [`AppError`] that says what
//! is wrong. Handlers never map a rejection themselves.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::auth::{Auth, bearer};
use crate::domain::user::SignedInUser;
use crate::error::{AppError, Invalid};
use crate::vault::SessionToken;

/// A request made within a live session: who, and the session's token (to end it). Without
/// one: 401 `sign_in_required`.
#[derive(Debug)]
pub struct SignedIn {
    pub user: SignedInUser,
    pub session: SessionToken,
}

impl<S> FromRequestParts<S> for SignedIn
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let auth = Auth::from_ref(state);
        let session = bearer(&parts.headers)
            .and_then(SessionToken::parse)
            .ok_or(AppError::SignInRequired("no session token"))?;
        let user = auth
            .vault
            .session(&session, auth.limits)
            .await?
            .ok_or(AppError::SignInRequired("the session ended"))?;
        Ok(Self { user, session })
    }
}

/// Webex for the deployment, or 503 `webex_not_configured`.
#[derive(Debug, Clone)]
pub struct Webex(pub crate::webex::WebexService);

impl<S> FromRequestParts<S> for Webex
where
    crate::app::Webex: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(_parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        crate::app::Webex::from_ref(state)
            .0
            .map(Self)
            .ok_or(AppError::WebexNotConfigured)
    }
}

/// The `Idempotency-Key` header, parsed, or 400 `invalid_request`.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub crate::domain::webex::IdempotencyKey);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let text = parts
            .headers
            .get(davet_api::IDEMPOTENCY_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        crate::domain::webex::IdempotencyKey::parse(text)
            .map(Self)
            .map_err(|e| AppError::Invalid(Invalid::IdempotencyKey(e)))
    }
}

/// The query string, or 400 `invalid_request` naming what is wrong.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

/// A path parameter, or 400 `invalid_request`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

/// A JSON body, or 400 `invalid_request` naming where it is wrong; as an answer, JSON.
///
/// JSON has one kind of number (RFC 8259 §6), and JSON Schema's `integer` takes `5.0` as it
/// takes `5`: so does Davet, where serde alone would refuse `5.0` for an integer field.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for Json<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let axum::Json(mut value) =
            axum::Json::<serde_json::Value>::from_request(request, state).await?;
        integral_numbers(&mut value);
        serde_path_to_error::deserialize(value)
            .map(Json)
            .map_err(|e| {
                AppError::Invalid(Invalid::Malformed(format!(
                    "Failed to deserialize the JSON body into the target type: {}: {}",
                    e.path(),
                    e.inner()
                )))
            })
    }
}

/// Every number with no fraction, written as an integer.
fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0) {
                if f >= 0.0 && f <= u64::MAX as f64 {
                    *n = (f as u64).into();
                } else if f < 0.0 && f >= i64::MIN as f64 {
                    *n = (f as i64).into();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(fields) => fields.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        Self::Invalid(Invalid::Malformed(rejection.body_text()))
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        Self::Invalid(Invalid::Malformed(rejection.body_text()))
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        Self::Invalid(Invalid::Malformed(rejection.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_with_no_fraction_reads_as_an_integer_and_others_stay_as_they_are() {
        let mut body = serde_json::json!({
            "reminderMinutes": 15.0,
            "below": -3.0,
            "half": 2.5,
            "nested": [{ "month": 12.0 }],
            "huge": 1e300,
        });
        integral_numbers(&mut body);
        assert_eq!(body["reminderMinutes"], serde_json::json!(15));
        assert!(body["reminderMinutes"].is_u64());
        assert!(body["below"].is_i64());
        assert_eq!(body["half"], serde_json::json!(2.5));
        assert!(body["nested"][0]["month"].is_u64());
        assert!(body["huge"].is_f64());
        #[derive(serde::Deserialize)]
        struct Options {
            #[serde(rename = "reminderMinutes")]
            reminder_minutes: u16,
        }
        let options: Options = serde_json::from_value(body).expect("an integer");
        assert_eq!(options.reminder_minutes, 15);
    }
}

//! `/{tenant}/oauth2/v2.0/authorize`: the sign-in page of the demo tenant and the decision that
//! sends the browser back to the app with a code.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use url::Url;

use super::{Identity, grants, refusal};
use crate::wire::html;

#[derive(Debug, Deserialize)]
pub(super) struct AuthorizeRequest {
    client_id: Option<String>,
    response_type: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    /// Set by the sign-in page's form: whom the person chose to be.
    user: Option<String>,
}

impl AuthorizeRequest {
    /// The redirect URI, once the client and it are known to be registered.
    fn check(&self, identity: &Identity) -> Result<String, grants::Refusal> {
        let redirect_uri = registered_redirect(identity, &self.client_id, &self.redirect_uri)?;
        if self.response_type.as_deref() != Some("code") {
            return Err(refusal(
                "unsupported_response_type",
                900144,
                "Only the code response type is supported.",
            ));
        }
        if self.code_challenge.is_some() && self.code_challenge_method.as_deref() != Some("S256") {
            return Err(refusal(
                "invalid_request",
                50148,
                "code_challenge_method must be S256.",
            ));
        }
        Ok(redirect_uri)
    }
}

/// The sign-in page: the tenant's enabled people, each a button that signs in as them.
pub(super) async fn page(
    State(identity): State<Identity>,
    Path(tenant): Path<String>,
    Query(request): Query<AuthorizeRequest>,
) -> Response {
    if let Some(error) = identity.unknown_tenant(&tenant) {
        return error;
    }
    if let Err(refusal) = request.check(&identity) {
        return error_page(&refusal);
    }
    let hidden = hidden_fields(&[
        ("client_id", &request.client_id),
        ("response_type", &request.response_type),
        ("redirect_uri", &request.redirect_uri),
        ("scope", &request.scope),
        ("state", &request.state),
        ("nonce", &request.nonce),
        ("code_challenge", &request.code_challenge),
        ("code_challenge_method", &request.code_challenge_method),
    ]);
    let tenant = &identity.world.tenant;
    let accounts = tenant
        .users
        .iter()
        .filter(|u| u.account_enabled && u.user_type == "Member")
        .map(|u| crate::picker::Account {
            value: &u.id,
            name: &u.display_name,
            detail: &u.user_principal_name,
        });
    let picker = crate::picker::Picker {
        title: "Pick an account",
        intro: format!(
            "<p>Demo tenant {}: choose whom to sign in as.</p>",
            html(&tenant.domain)
        ),
        hidden,
        field: "user",
    };
    Html(crate::picker::page(picker, accounts)).into_response()
}

/// The person chose an account: back to the app with a code (or an error), and the state.
pub(super) async fn decision(
    State(identity): State<Identity>,
    Path(tenant): Path<String>,
    Form(request): Form<AuthorizeRequest>,
) -> Response {
    if let Some(error) = identity.unknown_tenant(&tenant) {
        return error;
    }
    let redirect_uri = match request.check(&identity) {
        Ok(uri) => uri,
        Err(refusal) => {
            return error_page(&refusal);
        }
    };
    let mut target = match Url::parse(&redirect_uri) {
        Ok(url) => url,
        Err(_) => return (StatusCode::BAD_REQUEST, "invalid redirect_uri").into_response(),
    };
    let chosen = request.user.as_deref().and_then(|id| {
        identity
            .world
            .tenant
            .users
            .iter()
            .position(|u| u.id == id && u.account_enabled)
    });
    let scopes = grants::Scopes::parse(request.scope.as_deref().unwrap_or_default());
    let outcome = match (chosen, scopes.consented()) {
        (None, _) => Err(refusal("access_denied", 50058, "No account was chosen.")),
        (_, Err(refusal)) => Err(refusal),
        (Some(user), Ok(mut granted)) => {
            for (wanted, name) in [
                (scopes.openid, "openid"),
                (scopes.offline, "offline_access"),
                (scopes.api, grants::API_SCOPE),
            ] {
                if wanted {
                    granted.push(name.to_owned());
                }
            }
            let grant = grants::Grant {
                user,
                scopes: granted,
                client_id: identity.world.tenant.app.client_id.clone(),
            };
            Ok(identity.world.grants.issue_code(
                grant,
                &redirect_uri,
                request.code_challenge.clone(),
                request.nonce.clone(),
            ))
        }
    };
    {
        let mut query = target.query_pairs_mut();
        match &outcome {
            Ok(code) => query.append_pair("code", code),
            Err(refusal) => query.append_pair("error", refusal.error).append_pair(
                "error_description",
                &format!("AADSTS{}: {}", refusal.code, refusal.description),
            ),
        };
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
    }
    // The platform answers 302 Found, as browsers and MSAL expect.
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, target.to_string())],
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub(super) struct AdminConsentRequest {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    /// Set by the consent page's buttons: `accept` or `cancel`.
    decision: Option<String>,
}

impl AdminConsentRequest {
    fn check(&self, identity: &Identity) -> Result<Url, grants::Refusal> {
        let redirect_uri = registered_redirect(identity, &self.client_id, &self.redirect_uri)?;
        Url::parse(&redirect_uri)
            .map_err(|_| refusal("invalid_request", 50011, "The redirect URI is not a URL."))
    }
}

/// `GET /{tenant}/adminconsent`: the page where an admin grants the app's permissions for the
/// whole organisation.
pub(super) async fn admin_consent_page(
    State(identity): State<Identity>,
    Path(tenant): Path<String>,
    Query(request): Query<AdminConsentRequest>,
) -> Response {
    if let Some(error) = identity.unknown_tenant(&tenant) {
        return error;
    }
    if let Err(refusal) = request.check(&identity) {
        return error_page(&refusal);
    }
    let hidden = hidden_fields(&[
        ("client_id", &request.client_id),
        ("redirect_uri", &request.redirect_uri),
        ("state", &request.state),
    ]);
    let permissions: String = super::GRANTED_APP_ROLES
        .iter()
        .map(|p| format!("<li>{p}</li>"))
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Permissions requested</title></head>\
         <body><h1>Permissions requested</h1><p>Accept for your organisation:</p><ul>{permissions}</ul>\
         <form method=\"post\">{hidden}<button name=\"decision\" value=\"accept\">Accept</button>\
         <button name=\"decision\" value=\"cancel\">Cancel</button></form></body></html>"
    ))
    .into_response()
}

/// The admin's answer: back to the app with `admin_consent=True` and the tenant, or an error.
pub(super) async fn admin_consent_decision(
    State(identity): State<Identity>,
    Path(tenant): Path<String>,
    Form(request): Form<AdminConsentRequest>,
) -> Response {
    if let Some(error) = identity.unknown_tenant(&tenant) {
        return error;
    }
    let mut target = match request.check(&identity) {
        Ok(url) => url,
        Err(refusal) => {
            return error_page(&refusal);
        }
    };
    {
        let mut query = target.query_pairs_mut();
        if request.decision.as_deref() == Some("accept") {
            query
                .append_pair("admin_consent", "True")
                .append_pair("tenant", &identity.world.tenant.id);
        } else {
            query.append_pair("error", "access_denied").append_pair(
                "error_description",
                "AADSTS65004: The administrator declined to consent to access the app.",
            );
        }
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
    }
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, target.to_string())],
    )
        .into_response()
}

/// The redirect URI of a request, once its client is the app and the URI is registered for it.
fn registered_redirect(
    identity: &Identity,
    client_id: &Option<String>,
    redirect_uri: &Option<String>,
) -> Result<String, grants::Refusal> {
    if client_id.as_deref() != Some(identity.world.tenant.app.client_id.as_str()) {
        return Err(refusal(
            "unauthorized_client",
            700016,
            "Application was not found in the directory.",
        ));
    }
    let redirect_uri = redirect_uri.clone().unwrap_or_default();
    if !identity.world.grants.is_registered(&redirect_uri) {
        return Err(refusal(
            "invalid_request",
            50011,
            "The redirect URI specified in the request does not match the redirect URIs configured for the application.",
        ));
    }
    Ok(redirect_uri)
}

/// The platform's page for a request it refuses: the AADSTS code and what is wrong.
fn error_page(refusal: &grants::Refusal) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in failed</title></head>\
         <body><h1>Sign in failed</h1><p>AADSTS{}: {}</p></body></html>",
        refusal.code,
        html(&refusal.description)
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}

/// Hidden form fields that carry a request's parameters to its decision.
pub(crate) fn hidden_fields(fields: &[(&str, &Option<String>)]) -> String {
    fields
        .iter()
        .filter_map(|(name, value)| {
            value.as_ref().map(|v| {
                format!(
                    "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                    html(v)
                )
            })
        })
        .collect()
}

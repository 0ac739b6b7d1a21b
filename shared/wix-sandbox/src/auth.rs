//! Who is calling, decided once per request from the `Authorization` header, the admin check every
//! elevated endpoint shares, and the visitor check of the endpoints a page's SDK calls (member login).

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::error::WixError;
use crate::oauth::SubjectType;
use crate::seed;
use crate::state::{SandboxState, World, now};

/// The caller as the sandbox sees it. The observe layer stores it in the request extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No `Authorization` header.
    None,
    /// A token the sandbox never issued, or one that expired or was revoked.
    Invalid,
    /// `Authorization: <API_KEY>`; `site_ok` says whether `wix-site-id` named [`seed::SITE_ID`].
    ApiKey { site_ok: bool },
    /// A live access token.
    Token {
        subject_type: SubjectType,
        subject_id: String,
        client_id: String,
        site_id: String,
    },
}

impl Caller {
    /// The `auth` value in the call log.
    pub fn label(&self) -> &'static str {
        match self {
            Caller::None => "none",
            Caller::Invalid => "invalid",
            Caller::ApiKey { .. } => "apiKey",
            Caller::Token { subject_type, .. } => match subject_type {
                SubjectType::App => "admin",
                SubjectType::Visitor => "visitor",
                SubjectType::Member => "member",
            },
        }
    }
}

/// The token in `Authorization`: Wix documents the bare token; `Bearer <token>` is seen working too.
fn bare_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    Some(value.strip_prefix("Bearer ").unwrap_or(value).trim())
}

pub(crate) fn classify(world: &World, headers: &HeaderMap) -> Caller {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Caller::None;
    };
    let Ok(value) = value.to_str() else {
        return Caller::Invalid;
    };
    let value = value.trim();
    if value.is_empty() {
        return Caller::None;
    }
    // API keys go bare, exactly as issued.
    if value == seed::API_KEY {
        let site_ok = headers
            .get("wix-site-id")
            .is_some_and(|site| site.as_bytes() == seed::SITE_ID.as_bytes());
        return Caller::ApiKey { site_ok };
    }
    let token = bare_token(headers).unwrap_or_default();
    match world.oauth.live_token(token, now()) {
        Some(record) => Caller::Token {
            subject_type: record.subject_type,
            subject_id: record.subject_id.clone(),
            client_id: record.client_id.clone(),
            site_id: record.site_id.clone(),
        },
        None => Caller::Invalid,
    }
}

/// Extractor for elevated endpoints: succeeds only for an admin (app) token of [`seed::SITE_ID`] or
/// the API key with the right `wix-site-id`. Otherwise 401 for no/unknown/expired credentials and
/// 403 for credentials that are valid but not admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminAuth {
    /// A `client_credentials` token; `client_id` is the OAuth client that minted it.
    OAuth {
        client_id: String,
    },
    ApiKey,
}

impl AdminAuth {
    fn from_caller(caller: Caller) -> Result<Self, WixError> {
        match caller {
            Caller::None => Err(WixError::unauthenticated("missing Authorization header")),
            Caller::Invalid => Err(WixError::unauthenticated(
                "the access token is unknown, expired or revoked",
            )),
            Caller::ApiKey { site_ok: true } => Ok(AdminAuth::ApiKey),
            Caller::ApiKey { site_ok: false } => Err(WixError::permission_denied(
                "an API key needs the wix-site-id header of a site it may access",
            )),
            Caller::Token {
                subject_type: SubjectType::App,
                client_id,
                site_id,
                ..
            } if site_id == seed::SITE_ID => Ok(AdminAuth::OAuth { client_id }),
            Caller::Token {
                subject_type: SubjectType::App,
                ..
            } => Err(WixError::permission_denied(
                "the admin token belongs to another site",
            )),
            Caller::Token { subject_type, .. } => Err(WixError::permission_denied(format!(
                "a {} token may not call this API",
                subject_type.as_str()
            ))),
        }
    }
}

/// The caller of a request, as the observe layer decided it.
fn caller_of(parts: &Parts, state: &SandboxState) -> Caller {
    match parts.extensions.get::<Caller>() {
        Some(caller) => caller.clone(),
        // Only reached when a route is served without the observe layer.
        None => state.with(|w| classify(w, &parts.headers)),
    }
}

impl FromRequestParts<SandboxState> for AdminAuth {
    type Rejection = WixError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SandboxState,
    ) -> Result<Self, Self::Rejection> {
        AdminAuth::from_caller(caller_of(parts, state))
    }
}

/// Extractor for the endpoints a site's pages call through Wix's SDK (login, redirect sessions): a live
/// visitor or member token, which names the OAuth client and so the site. Otherwise 401 for
/// no/unknown/expired credentials and 403 for admin credentials, which belong to no visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorAuth {
    pub subject_type: SubjectType,
    pub subject_id: String,
    pub client_id: String,
    pub site_id: String,
    /// The access token itself (a logout ends it).
    pub token: String,
}

impl FromRequestParts<SandboxState> for VisitorAuth {
    type Rejection = WixError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SandboxState,
    ) -> Result<Self, Self::Rejection> {
        match caller_of(parts, state) {
            Caller::Token {
                subject_type: subject_type @ (SubjectType::Visitor | SubjectType::Member),
                subject_id,
                client_id,
                site_id,
            } => Ok(VisitorAuth {
                subject_type,
                subject_id,
                client_id,
                site_id,
                token: bare_token(&parts.headers).unwrap_or_default().to_owned(),
            }),
            Caller::None => Err(WixError::unauthenticated(
                "a visitor or member access token is required",
            )),
            Caller::Invalid => Err(WixError::unauthenticated(
                "the access token is unknown, expired or revoked",
            )),
            Caller::ApiKey { .. } | Caller::Token { .. } => Err(WixError::permission_denied(
                "only a visitor or member token of the site's OAuth client may call this API",
            )),
        }
    }
}

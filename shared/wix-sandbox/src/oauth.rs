//! `POST /oauth2/token` (client_credentials, anonymous, refresh_token, authorization_code) and
//! `POST /oauth2/token-info`. Tokens are opaque random strings; everything about them lives in the token
//! table of `OAuthData`. The codes the `authorization_code` grant takes come from a member login
//! (`login.rs`), which also checks them.

use std::collections::HashMap;

use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{OAuthError, WixError, WixJson};
use crate::state::{SandboxState, World, now};
use crate::{login, seed};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectType {
    /// An admin token from `client_credentials`.
    App,
    Visitor,
    Member,
}

impl SubjectType {
    pub const fn as_str(self) -> &'static str {
        match self {
            SubjectType::App => "APP",
            SubjectType::Visitor => "VISITOR",
            SubjectType::Member => "MEMBER",
        }
    }
}

pub(crate) struct Client {
    pub client_id: String,
    pub secret: String,
    pub site_id: String,
    /// The OAuth app's allowed redirect domains: the pages a login may answer (see `login.rs`).
    pub domains: &'static [&'static str],
}

pub(crate) struct TokenRecord {
    pub subject_type: SubjectType,
    pub subject_id: String,
    pub client_id: String,
    pub site_id: String,
    pub iat: u64,
    pub exp: u64,
    /// False once deactivated or revoked by a secret rotation.
    pub active: bool,
}

impl TokenRecord {
    fn is_live(&self, now: u64) -> bool {
        self.active && now < self.exp
    }
}

/// What a visitor refresh token refreshes: the same visitor, through the same client.
struct VisitorSession {
    client_id: String,
    visitor_id: String,
}

pub(crate) struct OAuthData {
    clients: Vec<Client>,
    tokens: HashMap<String, TokenRecord>,
    visitor_sessions: HashMap<String, VisitorSession>,
    /// `expires_in` of new admin tokens.
    pub admin_ttl: u64,
}

impl OAuthData {
    pub fn seeded() -> Self {
        let client =
            |id: &str, secret: &str, site: &str, domains: &'static [&'static str]| Client {
                client_id: id.to_owned(),
                secret: secret.to_owned(),
                site_id: site.to_owned(),
                domains,
            };
        OAuthData {
            clients: vec![
                client(
                    seed::CLIENT_ID,
                    seed::CLIENT_SECRET,
                    seed::SITE_ID,
                    seed::CLIENT_DOMAINS,
                ),
                client(
                    seed::OTHER_CLIENT_ID,
                    seed::OTHER_CLIENT_SECRET,
                    seed::OTHER_SITE_ID,
                    seed::OTHER_CLIENT_DOMAINS,
                ),
            ],
            tokens: HashMap::new(),
            visitor_sessions: HashMap::new(),
            admin_ttl: seed::TOKEN_TTL_SECONDS,
        }
    }

    pub fn client(&self, client_id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    /// The record of a token that is known, active and unexpired.
    pub fn live_token(&self, token: &str, now: u64) -> Option<&TokenRecord> {
        self.tokens.get(token).filter(|r| r.is_live(now))
    }

    /// Every access and refresh token issued so far, for tests that prove none of them leaked.
    pub fn issued(&self) -> Vec<String> {
        self.tokens.keys().cloned().collect()
    }

    pub fn expire_all(&mut self, now: u64) {
        // `exp` moves into the past so token-info reports a consistent, already-passed expiry.
        let past = now.saturating_sub(1);
        for record in self.tokens.values_mut() {
            record.exp = record.exp.min(past);
        }
    }

    pub fn deactivate(&mut self, token: &str) -> bool {
        self.tokens
            .get_mut(token)
            .map(|record| record.active = false)
            .is_some()
    }

    /// New secret for `client_id`; its admin tokens stop working, as they were minted with the old one.
    pub fn rotate_secret(&mut self, client_id: &str, secret: &str) {
        if let Some(client) = self.clients.iter_mut().find(|c| c.client_id == client_id) {
            client.secret = secret.to_owned();
        }
        for record in self.tokens.values_mut() {
            if record.subject_type == SubjectType::App && record.client_id == client_id {
                record.active = false;
            }
        }
    }

    pub fn issue(
        &mut self,
        subject_type: SubjectType,
        subject_id: &str,
        client_id: &str,
        site_id: &str,
        ttl: u64,
    ) -> String {
        let token = random_token("sbx.");
        let iat = now();
        self.tokens.insert(
            token.clone(),
            TokenRecord {
                subject_type,
                subject_id: subject_id.to_owned(),
                client_id: client_id.to_owned(),
                site_id: site_id.to_owned(),
                iat,
                exp: iat + ttl,
                active: true,
            },
        );
        token
    }
}

pub(crate) fn random_token(prefix: &str) -> String {
    format!(
        "{prefix}{}{}",
        Uuid::new_v4().simple(),
        Uuid::new_v4().simple()
    )
}

/// Steering tokens and secrets (the in-process side of `/_sandbox`).
impl SandboxState {
    /// Every token issued so far expires now (refresh tokens keep working), and so do the session tokens
    /// and authorization codes of member logins.
    pub fn expire_tokens(&self) {
        self.with(|w| {
            w.oauth.expire_all(now());
            w.login.expire_all(now());
        });
    }

    /// Marks one access token inactive; false if the sandbox never issued it.
    pub fn deactivate_token(&self, token: &str) -> bool {
        self.with(|w| w.oauth.deactivate(token))
    }

    /// Replaces [`seed::CLIENT_ID`]'s secret and revokes every admin token issued so far.
    pub fn rotate_secret(&self, new_secret: &str) {
        self.with(|w| w.oauth.rotate_secret(seed::CLIENT_ID, new_secret));
    }

    /// `expires_in` of admin tokens minted from now on (0 mints tokens that are already expired).
    pub fn set_admin_token_ttl(&self, seconds: u64) {
        self.with(|w| w.oauth.admin_ttl = seconds);
    }
}

pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/oauth2/token", post(token))
        .route("/oauth2/token-info", post(token_info))
}

/// Field names follow Wix: snake_case for client_credentials, camelCase for the visitor grants.
/// Either spelling is accepted for every field, as a protobuf JSON parser does.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenRequest {
    #[serde(alias = "grantType")]
    grant_type: Option<String>,
    #[serde(alias = "clientId")]
    pub client_id: Option<String>,
    #[serde(alias = "clientSecret")]
    client_secret: Option<String>,
    #[serde(alias = "refreshToken")]
    refresh_token: Option<String>,
    /// `authorization_code`: the code, its PKCE verifier, and the redirect URI of the authorization
    /// request when it had one.
    pub code: Option<String>,
    #[serde(alias = "codeVerifier")]
    pub code_verifier: Option<String>,
    #[serde(alias = "redirectUri")]
    pub redirect_uri: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
}

async fn token(State(state): State<SandboxState>, req: Request) -> Response {
    let request = match parse_token_request(req).await {
        Ok(request) => request,
        Err(error) => return error.into_response(),
    };
    match state.with(|w| grant(w, request)) {
        Ok(body) => Json(body).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn parse_token_request(req: Request) -> Result<TokenRequest, OAuthError> {
    let is_form = req.headers().get(CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    let parsed = if is_form {
        Form::<TokenRequest>::from_request(req, &())
            .await
            .map(|Form(r)| r)
            .map_err(|e| e.body_text())
    } else {
        Json::<TokenRequest>::from_request(req, &())
            .await
            .map(|Json(r)| r)
            .map_err(|e| e.body_text())
    };
    parsed.map_err(|text| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", text))
}

fn grant(world: &mut World, request: TokenRequest) -> Result<TokenResponse, OAuthError> {
    match request.grant_type.as_deref() {
        Some("client_credentials") => {
            let result = client_credentials(world, &request);
            // Counted here, not in the layer: only the token endpoint knows the grant and its outcome.
            match result {
                Ok(_) => world.observe.stats.mints += 1,
                Err(_) => world.observe.stats.mint_rejections += 1,
            }
            result
        }
        Some("anonymous") => anonymous(world, &request),
        Some("refresh_token") => refresh(world, &request),
        Some("authorization_code") => login::exchange_code(world, &request),
        Some(other) => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("grant type {other:?} is not supported"),
        )),
        None => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required",
        )),
    }
}

fn client_credentials(
    world: &mut World,
    request: &TokenRequest,
) -> Result<TokenResponse, OAuthError> {
    let invalid = || {
        OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        )
    };
    let (Some(client_id), Some(secret)) = (&request.client_id, &request.client_secret) else {
        return Err(invalid());
    };
    let oauth = &mut world.oauth;
    let client = oauth
        .client(client_id)
        .filter(|c| c.secret == *secret)
        .ok_or_else(invalid)?;
    let site_id = client.site_id.clone();
    let ttl = oauth.admin_ttl;
    let access_token = oauth.issue(SubjectType::App, client_id, client_id, &site_id, ttl);
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: ttl,
        refresh_token: None,
    })
}

/// The site of a registered public client; only the client id is needed for visitor grants.
pub(crate) fn public_client_site(
    world: &World,
    request: &TokenRequest,
) -> Result<String, OAuthError> {
    request
        .client_id
        .as_deref()
        .and_then(|id| world.oauth.client(id))
        .map(|c| c.site_id.clone())
        .ok_or_else(|| {
            OAuthError::new(
                StatusCode::BAD_REQUEST,
                "invalid_client",
                "unknown clientId",
            )
        })
}

fn anonymous(world: &mut World, request: &TokenRequest) -> Result<TokenResponse, OAuthError> {
    let site_id = public_client_site(world, request)?;
    let client_id = request.client_id.clone().unwrap_or_default();
    let visitor_id = Uuid::new_v4().to_string();
    visitor_tokens(world, client_id, site_id, visitor_id, None)
}

fn refresh(world: &mut World, request: &TokenRequest) -> Result<TokenResponse, OAuthError> {
    let site_id = public_client_site(world, request)?;
    let client_id = request.client_id.clone().unwrap_or_default();
    let refresh_token = request.refresh_token.as_deref().unwrap_or_default();
    // Members belong to SITE_ID, so their refresh tokens only work through that site's client.
    let member = world
        .members
        .by_refresh_token(refresh_token)
        .filter(|_| site_id == seed::SITE_ID)
        .map(|m| m.id.clone());
    if let Some(member_id) = member {
        return Ok(member_tokens(
            &mut world.oauth,
            &member_id,
            &client_id,
            &site_id,
            Some(refresh_token.to_owned()),
        ));
    }
    let visitor = world
        .oauth
        .visitor_sessions
        .get(refresh_token)
        .filter(|s| s.client_id == client_id)
        .map(|s| s.visitor_id.clone());
    match visitor {
        Some(visitor_id) => visitor_tokens(
            world,
            client_id,
            site_id,
            visitor_id,
            Some(refresh_token.to_owned()),
        ),
        None => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "unknown or revoked refresh token",
        )),
    }
}

/// A new member access token, answered with the member's refresh token when the grant gives one.
pub(crate) fn member_tokens(
    oauth: &mut OAuthData,
    member_id: &str,
    client_id: &str,
    site_id: &str,
    refresh_token: Option<String>,
) -> TokenResponse {
    let access_token = oauth.issue(
        SubjectType::Member,
        member_id,
        client_id,
        site_id,
        seed::TOKEN_TTL_SECONDS,
    );
    TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: seed::TOKEN_TTL_SECONDS,
        refresh_token,
    }
}

impl TokenResponse {
    pub fn access_token(&self) -> &str {
        &self.access_token
    }
}

fn visitor_tokens(
    world: &mut World,
    client_id: String,
    site_id: String,
    visitor_id: String,
    refresh_token: Option<String>,
) -> Result<TokenResponse, OAuthError> {
    let oauth = &mut world.oauth;
    let access_token = oauth.issue(
        SubjectType::Visitor,
        &visitor_id,
        &client_id,
        &site_id,
        seed::TOKEN_TTL_SECONDS,
    );
    let refresh_token = refresh_token.unwrap_or_else(|| {
        let fresh = random_token("sbx-refresh-visitor-");
        oauth.visitor_sessions.insert(
            fresh.clone(),
            VisitorSession {
                client_id,
                visitor_id,
            },
        );
        fresh
    });
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: seed::TOKEN_TTL_SECONDS,
        refresh_token: Some(refresh_token),
    })
}

#[derive(Debug, Deserialize)]
struct TokenInfoRequest {
    token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenInfo {
    active: bool,
    subject_type: &'static str,
    subject_id: String,
    exp: u64,
    iat: u64,
    client_id: String,
    site_id: String,
}

async fn token_info(
    State(state): State<SandboxState>,
    WixJson(request): WixJson<TokenInfoRequest>,
) -> Result<Json<TokenInfo>, WixError> {
    let token = request
        .token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| WixError::validation("token", "token is required"))?;
    let now = now();
    state.with(|w| {
        let record = w
            .oauth
            .tokens
            .get(&token)
            .ok_or_else(|| WixError::unauthenticated("unknown token"))?;
        Ok(Json(TokenInfo {
            active: record.is_live(now),
            subject_type: record.subject_type.as_str(),
            subject_id: record.subject_id.clone(),
            exp: record.exp,
            iat: record.iat,
            client_id: record.client_id.clone(),
            site_id: record.site_id.clone(),
        }))
    })
}

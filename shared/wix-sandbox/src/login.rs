//! Member login, as `@wix/sdk` 1.21.16's `OAuthStrategy` performs it for a headless site
//! (`build/auth/oauth2/OAuthStrategy.js`):
//!
//! 1. `auth.login({ email, password })` calls IAM's Login V2 (`@wix/identity`'s
//!    `authentication.loginV2({ email }, { password })`) with the visitor's access token:
//!    `POST /_api/iam/authentication/v2/login` `{"loginId": {"email"}, "password"}` →
//!    `{"state": "SUCCESS", "sessionToken", "identity"}` ([`login`]). A pending member gets
//!    `REQUIRE_OWNER_APPROVAL` and no session token (the SDK's `OWNER_APPROVAL_REQUIRED`); a wrong
//!    password is application error `-19976` (the SDK's `invalidPassword`); an email no member of the
//!    site has is `-19999`, and so is a blocked member, whom Wix does not let log in (the SDK reports
//!    both as `invalidEmail`, its answer for any other code).
//! 2. `auth.getMemberTokensForDirectLogin(sessionToken)` makes a PKCE pair (S256) and a `state`, and calls
//!    Create Redirect Session (`@wix/redirects`): `POST /_api/redirects-api/v1/redirect-session`
//!    `{"auth": {"authRequest": {clientId, codeChallenge, codeChallengeMethod: "S256", responseMode:
//!    "web_message", responseType: "code", scope: "offline_access", state, sessionToken}, "prompt":
//!    "none"}}` → `{"redirectSession": {id, fullUrl, urlDetails}}` ([`redirect_session`]). It loads
//!    `fullUrl` in a hidden iframe and waits for a `message` whose data has its `state`: the sandbox's
//!    `fullUrl` is `GET /oauth2/authorize?…` ([`authorize`]), a page that posts `{code, state}` to the
//!    page that framed it (`window.parent.postMessage`, the `web_message` response mode).
//! 3. It exchanges the code: `POST /oauth2/token` `{clientId, grantType: "authorization_code", code,
//!    codeVerifier}` ([`exchange_code`], a grant of `oauth.rs`) → a member access token and the member's
//!    refresh token, which token-info and the `refresh_token` grant know.
//!
//! `auth.logout(url)` is a redirect session too, `{"logout": {clientId}, "callbacks": {"postFlowUrl"}}`;
//! its `fullUrl` (`GET /oauth2/logout?session=…`, [`logout`]) ends the access token that asked for it and
//! redirects to `postFlowUrl`.
//!
//! Hosts: the SDK sends the three calls to `www.wixapis.com` (its `DEFAULT_API_URL`; the client it makes
//! them with has no CDN host). Which host Wix's `fullUrl` names is not confirmed (the SDK's own doc
//! comment shows a site's domain, `https://mysite.com/_api/oauth2/authorize`; the OAuth module maps
//! `/v1/oauth/authorize` to `www.wixapis.com/oauth2/authorize`); the sandbox names the host it was
//! called on (`X-Forwarded-Host`/`-Proto` first, as a proxy in front of it sets them), and serves the
//! authorize page at both paths.
//!
//! What is checked, as an OAuth 2.0 server with PKCE (RFC 6749, RFC 7636) checks it:
//! - login: a visitor or member token of the site's client; the password; the member's status;
//! - the redirect session: its `clientId` is the caller token's client; response type `code`; a code
//!   challenge with method S256 or S512; a `state`; `web_message` with `prompt: none` (the sandbox has
//!   no hosted login page, which the other modes lead to);
//! - the authorize page: a registered client; the framing page (its `Referer`, or the `redirect_uri`
//!   given) is on one of the client's allowed domains, else nothing is posted at all; a live, unused
//!   session token of that client, spent by this page ([`SESSION_TOKEN_TTL_SECONDS`]);
//! - the code ([`CODE_TTL_SECONDS`]): spent by the first exchange that names it, whatever its outcome;
//!   only for the client it was issued to; the same `redirectUri` as the authorization request (none if
//!   it had none); the verifier (43–128 unreserved characters) hashes to the challenge. A code presented
//!   a second time also ends the access token its first exchange gave (RFC 6749 §4.1.2).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256, Sha512};

use crate::auth::VisitorAuth;
use crate::error::{OAuthError, WixError, WixJson};
use crate::members::MemberRecord;
use crate::oauth::{self, TokenRequest, TokenResponse, random_token};
use crate::seed;
use crate::state::{SandboxState, World, now};

/// Login V2 where the SDK sends it (`www.wixapis.com` maps `/_api/iam/authentication` first), and the
/// other path that host maps.
pub const LOGIN_PATHS: [&str; 2] = [
    "/_api/iam/authentication/v2/login",
    "/iam/authentication/v2/login",
];
/// Create Redirect Session where the SDK sends it, and the REST docs' path.
pub const REDIRECT_SESSION_PATHS: [&str; 2] = [
    "/_api/redirects-api/v1/redirect-session",
    "/redirect-session/v1/redirect-session",
];
/// The authorize page a redirect session's `fullUrl` names, and its path on a site's own domain.
pub const AUTHORIZE_PATHS: [&str; 2] = ["/oauth2/authorize", "/_api/oauth2/authorize"];
/// The logout page a logout redirect session's `fullUrl` names.
pub const LOGOUT_PATH: &str = "/oauth2/logout";

/// Wix's application error for a wrong password (the SDK's `INVALID_PASSWORD`).
pub const INVALID_PASSWORD_CODE: &str = "-19976";
/// Wix's application error for a login no member has (`-19999`, not found).
pub const MEMBER_NOT_FOUND_CODE: &str = "-19999";
/// How long a login's session token can be exchanged for a code (Wix's value is not published).
pub const SESSION_TOKEN_TTL_SECONDS: u64 = 600;
/// How long an authorization code lives: ten minutes, what Wix gives its app-install codes and the most
/// RFC 6749 recommends.
pub const CODE_TTL_SECONDS: u64 = 600;
const _: () = assert!(
    CODE_TTL_SECONDS <= 600,
    "RFC 6749 §4.1.2: at most ten minutes"
);

/// A login's session token: who logged in, through which client.
struct Session {
    member_id: String,
    client_id: String,
    exp: u64,
    spent: bool,
}

/// How the code challenge was made from the verifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    S256,
    S512,
}

impl Method {
    fn parse(text: &str) -> Option<Method> {
        match text {
            "S256" => Some(Method::S256),
            "S512" => Some(Method::S512),
            _ => None,
        }
    }

    /// base64url (no padding) of the verifier's hash.
    fn challenge(self, verifier: &str) -> String {
        match self {
            Method::S256 => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
            Method::S512 => URL_SAFE_NO_PAD.encode(Sha512::digest(verifier.as_bytes())),
        }
    }
}

/// RFC 7636 §4.1: 43 to 128 characters, each unreserved (`A-Z a-z 0-9 - . _ ~`).
fn verifier_well_formed(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// An authorization code and the request it answers.
struct Code {
    client_id: String,
    member_id: String,
    site_id: String,
    method: Method,
    challenge: String,
    redirect_uri: Option<String>,
    /// `scope` had `offline_access`: the exchange gives a refresh token too.
    offline: bool,
    exp: u64,
    spent: bool,
    /// The access token its exchange gave.
    access_token: Option<String>,
}

/// A logout redirect session: the token it ends, and where the browser goes next.
struct Logout {
    token: String,
    post_flow_url: Option<String>,
}

#[derive(Default)]
pub(crate) struct LoginData {
    sessions: HashMap<String, Session>,
    codes: HashMap<String, Code>,
    logouts: HashMap<String, Logout>,
}

impl LoginData {
    /// Every session token and code issued so far.
    pub fn issued(&self) -> impl Iterator<Item = &String> {
        self.sessions.keys().chain(self.codes.keys())
    }

    pub fn expire_all(&mut self, now: u64) {
        let past = now.saturating_sub(1);
        for session in self.sessions.values_mut() {
            session.exp = session.exp.min(past);
        }
        for code in self.codes.values_mut() {
            code.exp = code.exp.min(past);
        }
    }
}

/// Whether `path` is one of these endpoints (they are the page's, not elevated calls).
pub(crate) fn is_login(path: &str) -> bool {
    LOGIN_PATHS.contains(&path)
        || REDIRECT_SESSION_PATHS.contains(&path)
        || AUTHORIZE_PATHS.contains(&path)
        || path == LOGOUT_PATH
}

/// The call log keeps request bodies: a login's password is not kept.
pub(crate) fn redact(path: &str, body: &mut Value) {
    if LOGIN_PATHS.contains(&path)
        && let Some(password) = body.get_mut("password")
    {
        *password = json!("<redacted>");
    }
}

pub fn routes() -> Router<SandboxState> {
    let mut router = Router::new().route(LOGOUT_PATH, get(logout));
    for path in LOGIN_PATHS {
        router = router.route(path, post(login));
    }
    for path in REDIRECT_SESSION_PATHS {
        router = router.route(path, post(redirect_session));
    }
    for path in AUTHORIZE_PATHS {
        router = router.route(path, get(authorize));
    }
    router
}

// --- Login V2 -----------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginBody {
    login_id: Option<LoginId>,
    password: Option<String>,
}

#[derive(Deserialize)]
struct LoginId {
    email: Option<String>,
}

fn member_not_found() -> WixError {
    WixError::application(
        StatusCode::NOT_FOUND,
        MEMBER_NOT_FOUND_CODE,
        "member not found",
        "no member of this site can log in with that email",
    )
}

/// `POST /_api/iam/authentication/v2/login` → `StateMachineResponse` (module docs).
async fn login(
    caller: VisitorAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<LoginBody>,
) -> Result<Json<Value>, WixError> {
    let email = body
        .login_id
        .ok_or_else(|| WixError::validation("loginId", "is required"))?
        .email
        .unwrap_or_default();
    state.with(|w| {
        // Members belong to SITE_ID: a visitor of another site finds none of them.
        let member = w
            .members
            .by_login_email(&email)
            .filter(|m| caller.site_id == seed::SITE_ID && m.status != "BLOCKED")
            .ok_or_else(member_not_found)?;
        let password_ok =
            matches!((&member.password, &body.password), (Some(a), Some(b)) if a == b);
        if !password_ok {
            return Err(WixError::application(
                StatusCode::BAD_REQUEST,
                INVALID_PASSWORD_CODE,
                "wrong password",
                "the password does not match the login email",
            ));
        }
        match member.status.as_str() {
            "APPROVED" => {
                let session_token = random_token("sbx-session-");
                let answer = json!({
                    "state": "SUCCESS",
                    "sessionToken": session_token,
                    "identity": identity(member, "ACTIVE", &[]),
                    "additionalData": {},
                });
                w.login.sessions.insert(
                    session_token,
                    Session {
                        member_id: member.id.clone(),
                        client_id: caller.client_id.clone(),
                        exp: now() + SESSION_TOKEN_TTL_SECONDS,
                        spent: false,
                    },
                );
                Ok(Json(answer))
            }
            "PENDING" => Ok(Json(json!({
                "state": "REQUIRE_OWNER_APPROVAL",
                "stateToken": random_token("sbx-state-"),
                "identity": identity(member, "PENDING", &["PENDING_ADMIN_APPROVAL_REQUIRED"]),
                "additionalData": {},
            }))),
            _ => Err(member_not_found()),
        }
    })
}

/// The member as IAM's `Identity` (REST shape), with every field the SDK's type marks as always there.
fn identity(member: &MemberRecord, status: &str, reasons: &[&str]) -> Value {
    json!({
        "id": member.id,
        "revision": "1",
        "createdDate": member.created_date,
        "updatedDate": member.updated_date,
        "connections": [],
        "identityProfile": {
            "firstName": member.first_name,
            "lastName": member.last_name,
            "nickname": member.nickname,
            "emails": [],
            "phones": [],
            "labels": [],
            "privacyStatus": "PUBLIC",
            "customFields": [],
            "secondaryEmails": [],
            "phonesV2": [],
            "addresses": [],
        },
        "email": { "address": member.login_email, "isVerified": true },
        "status": { "name": status, "reasons": reasons },
        "factors": [],
    })
}

// --- Create Redirect Session --------------------------------------------------------------------------

#[derive(Deserialize)]
struct RedirectBody {
    auth: Option<AuthParams>,
    logout: Option<LogoutParams>,
    callbacks: Option<Callbacks>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthParams {
    auth_request: Option<AuthRequest>,
    prompt: Option<String>,
}

/// Wix's `AuthorizeRequest`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthRequest {
    client_id: Option<String>,
    response_type: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    response_mode: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    session_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogoutParams {
    client_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Callbacks {
    post_flow_url: Option<String>,
}

/// `POST /_api/redirects-api/v1/redirect-session` → `{redirectSession}`, for the `auth` and `logout`
/// intents (module docs); the checkout intents lead to Wix pages the sandbox does not have.
async fn redirect_session(
    caller: VisitorAuth,
    State(state): State<SandboxState>,
    headers: HeaderMap,
    WixJson(body): WixJson<RedirectBody>,
) -> Result<Json<Value>, WixError> {
    let base = public_base(&headers);
    let (path, params) = match (body.auth, body.logout) {
        (Some(auth), None) => (AUTHORIZE_PATHS[0], authorize_params(&caller, auth)?),
        (None, Some(logout)) => {
            let post_flow_url = body.callbacks.and_then(|c| c.post_flow_url);
            (
                LOGOUT_PATH,
                logout_params(&state, &caller, logout, post_flow_url)?,
            )
        }
        _ => {
            return Err(WixError::bad_request(
                "give one intent: the sandbox makes redirect sessions for `auth` and `logout` only",
            ));
        }
    };
    let endpoint = format!("{base}{path}");
    let query = params
        .iter()
        .map(|(name, value)| format!("{name}={}", percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let search_params: serde_json::Map<String, Value> = params
        .into_iter()
        .map(|(name, value)| (name.to_owned(), Value::String(value)))
        .collect();
    Ok(Json(json!({
        "redirectSession": {
            "id": uuid::Uuid::new_v4().to_string(),
            "fullUrl": format!("{endpoint}?{query}"),
            "urlDetails": { "endpoint": endpoint, "searchParams": search_params },
        }
    })))
}

/// The authorize page's query for a valid `auth` intent.
fn authorize_params(
    caller: &VisitorAuth,
    auth: AuthParams,
) -> Result<Vec<(&'static str, String)>, WixError> {
    let request = auth
        .auth_request
        .ok_or_else(|| WixError::validation("auth.authRequest", "is required"))?;
    let field = |name: &str| format!("auth.authRequest.{name}");
    let given = |value: Option<String>| value.filter(|v| !v.is_empty());
    if request.client_id.as_deref() != Some(caller.client_id.as_str()) {
        return Err(WixError::validation(
            &field("clientId"),
            "must be the OAuth client of the caller's access token",
        ));
    }
    if request.response_type.as_deref() != Some("code") {
        return Err(WixError::validation(
            &field("responseType"),
            "must be `code`",
        ));
    }
    let state =
        given(request.state).ok_or_else(|| WixError::validation(&field("state"), "is required"))?;
    let challenge = given(request.code_challenge).ok_or_else(|| {
        WixError::validation(
            &field("codeChallenge"),
            "PKCE is required of a headless client",
        )
    })?;
    let method = request.code_challenge_method.unwrap_or_default();
    if Method::parse(&method).is_none() {
        return Err(WixError::validation(
            &field("codeChallengeMethod"),
            "must be S256 or S512",
        ));
    }
    if request.response_mode.as_deref() != Some("web_message")
        || auth.prompt.as_deref() != Some("none")
    {
        return Err(WixError::bad_request(
            "the sandbox answers `responseMode: web_message` with `prompt: none` only (the SDK's \
             getMemberTokensForDirectLogin); the other modes lead to Wix's hosted login page, which it \
             does not have",
        ));
    }
    let mut params = vec![
        ("client_id", caller.client_id.clone()),
        ("response_type", "code".to_owned()),
        ("response_mode", "web_message".to_owned()),
        ("code_challenge", challenge),
        ("code_challenge_method", method),
        ("state", state),
        ("prompt", "none".to_owned()),
    ];
    let optional = [
        ("scope", request.scope),
        ("redirect_uri", request.redirect_uri),
        ("session_token", request.session_token),
    ];
    params.extend(
        optional
            .into_iter()
            .filter_map(|(name, value)| given(value).map(|v| (name, v))),
    );
    Ok(params)
}

/// The logout page's query for a valid `logout` intent (its session is kept until the page is loaded).
fn logout_params(
    state: &SandboxState,
    caller: &VisitorAuth,
    logout: LogoutParams,
    post_flow_url: Option<String>,
) -> Result<Vec<(&'static str, String)>, WixError> {
    if logout.client_id.as_deref() != Some(caller.client_id.as_str()) {
        return Err(WixError::validation(
            "logout.clientId",
            "must be the OAuth client of the caller's access token",
        ));
    }
    state.with(|w| {
        let domains = w
            .oauth
            .client(&caller.client_id)
            .map(|c| c.domains)
            .unwrap_or_default();
        if let Some(url) = &post_flow_url
            && !origin_of(url).is_some_and(|o| o.allowed_by(domains))
        {
            return Err(WixError::validation(
                "callbacks.postFlowUrl",
                "must be on one of the OAuth app's allowed redirect domains",
            ));
        }
        let session = random_token("sbx-logout-");
        w.login.logouts.insert(
            session.clone(),
            Logout {
                token: caller.token.clone(),
                post_flow_url,
            },
        );
        Ok(vec![("session", session)])
    })
}

// --- The authorize and logout pages --------------------------------------------------------------------

/// What the authorize page does.
enum Page {
    /// Posts `message` to `origin`, the page that framed it.
    Post { origin: String, message: Value },
    /// Posts nothing: there is no page it may tell.
    Refuse(&'static str),
}

/// `GET /oauth2/authorize?…` (module docs): an HTML page for the SDK's hidden iframe.
async fn authorize(
    State(state): State<SandboxState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let referer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match state.with(|w| authorize_in(w, &params, referer.as_deref())) {
        Page::Post { origin, message } => web_message(&origin, &message),
        Page::Refuse(why) => html_page(StatusCode::BAD_REQUEST, why, Vec::new()),
    }
}

fn authorize_in(w: &mut World, params: &HashMap<String, String>, referer: Option<&str>) -> Page {
    let param = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let Some(client) = param("client_id").and_then(|id| w.oauth.client(id)) else {
        return Page::Refuse("unknown client_id");
    };
    let client_id = client.client_id.clone();
    let site_id = client.site_id.clone();
    let redirect_uri = param("redirect_uri").map(str::to_owned);
    let framer = redirect_uri.as_deref().or(referer).and_then(origin_of);
    let Some(origin) = framer.filter(|o| o.allowed_by(client.domains)) else {
        return Page::Refuse(
            "the page that asked is not on one of this OAuth app's allowed redirect domains",
        );
    };
    if param("response_mode") != Some("web_message") {
        return Page::Refuse("the sandbox answers response_mode=web_message only");
    }
    let state = param("state").unwrap_or_default().to_owned();
    let fail = |error: &str, description: &str| Page::Post {
        origin: origin.serialized(),
        message: json!({ "error": error, "error_description": description, "state": state }),
    };
    if param("response_type") != Some("code") {
        return fail("unsupported_response_type", "response_type must be code");
    }
    let (Some(challenge), Some(method)) = (
        param("code_challenge"),
        param("code_challenge_method").and_then(Method::parse),
    ) else {
        return fail(
            "invalid_request",
            "a code_challenge with method S256 or S512 is required",
        );
    };
    if param("prompt") != Some("none") {
        return fail(
            "login_required",
            "the sandbox has no login page: log in with Login V2 and pass its sessionToken",
        );
    }
    let now = now();
    let session = param("session_token")
        .and_then(|token| w.login.sessions.get_mut(token))
        .filter(|s| !s.spent && now < s.exp && s.client_id == client_id);
    let Some(session) = session else {
        return fail(
            "login_required",
            "the session token is unknown, expired, already used, or another client's",
        );
    };
    session.spent = true;
    let member_id = session.member_id.clone();
    if w.members
        .by_id(&member_id)
        .is_none_or(|m| m.status != "APPROVED")
    {
        return fail("access_denied", "the member can no longer log in");
    }
    let code = random_token("sbx-code-");
    w.login.codes.insert(
        code.clone(),
        Code {
            client_id,
            member_id,
            site_id,
            method,
            challenge: challenge.to_owned(),
            redirect_uri,
            offline: param("scope").is_some_and(|s| s.split(' ').any(|s| s == "offline_access")),
            exp: now + CODE_TTL_SECONDS,
            spent: false,
            access_token: None,
        },
    );
    Page::Post {
        origin: origin.serialized(),
        message: json!({ "code": code, "state": state }),
    }
}

/// JSON for inside a `<script>`: nothing in it can end the script element.
fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The `web_message` answer: a page that posts `message` to its parent, at `origin` only.
fn web_message(origin: &str, message: &Value) -> Response {
    let script = format!(
        "<script>window.parent.postMessage({}, {});</script>",
        script_json(message),
        script_json(&json!(origin))
    );
    let framing = HeaderValue::from_str(&format!("frame-ancestors {origin}")).ok();
    let extra = framing
        .map(|v| (header::CONTENT_SECURITY_POLICY, v))
        .into_iter()
        .collect();
    html_page(StatusCode::OK, &script, extra)
}

fn html_page(
    status: StatusCode,
    body: &str,
    extra: Vec<(header::HeaderName, HeaderValue)>,
) -> Response {
    let html = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Wix sandbox</title></head>\
         <body>\n{body}\n</body></html>\n"
    );
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response();
    response.headers_mut().extend(extra);
    response
}

/// `GET /oauth2/logout?session=…`: ends the access token of the logout session and redirects to its
/// `postFlowUrl` (a page saying so when it had none). Each logout session works once.
async fn logout(
    State(state): State<SandboxState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let session = params
        .get("session")
        .map(String::as_str)
        .unwrap_or_default();
    let found = state.with(|w| {
        let logout = w.login.logouts.remove(session)?;
        w.oauth.deactivate(&logout.token);
        Some(logout.post_flow_url)
    });
    match found {
        None => html_page(
            StatusCode::BAD_REQUEST,
            "unknown or used logout session",
            Vec::new(),
        ),
        Some(None) => html_page(StatusCode::OK, "logged out", Vec::new()),
        Some(Some(url)) => match HeaderValue::from_str(&url) {
            Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
            Err(_) => html_page(StatusCode::OK, "logged out", Vec::new()),
        },
    }
}

// --- The authorization_code grant ---------------------------------------------------------------------

/// `POST /oauth2/token` with `grantType: authorization_code` (module docs).
pub(crate) fn exchange_code(
    world: &mut World,
    request: &TokenRequest,
) -> Result<TokenResponse, OAuthError> {
    let site_id = oauth::public_client_site(world, request)?;
    let client_id = request.client_id.clone().unwrap_or_default();
    let invalid =
        |error: &'static str, why: &str| OAuthError::new(StatusCode::BAD_REQUEST, error, why);
    let name = request
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| invalid("invalid_request", "code is required"))?;
    let code = world
        .login
        .codes
        .get_mut(name)
        .filter(|c| c.client_id == client_id && c.site_id == site_id)
        .ok_or_else(|| invalid("invalid_grant", "unknown code, or another client's"))?;
    if code.spent {
        // A code used twice was probably stolen: what its first exchange gave is ended too.
        if let Some(token) = code.access_token.take() {
            world.oauth.deactivate(&token);
        }
        return Err(invalid("invalid_grant", "the code was already used"));
    }
    code.spent = true;
    if now() >= code.exp {
        return Err(invalid("invalid_grant", "the code expired"));
    }
    if code.redirect_uri != request.redirect_uri {
        return Err(invalid(
            "invalid_grant",
            "redirectUri is not the one of the authorization request",
        ));
    }
    let verifier = request
        .code_verifier
        .as_deref()
        .ok_or_else(|| invalid("invalid_request", "codeVerifier is required"))?;
    if !verifier_well_formed(verifier) || code.method.challenge(verifier) != code.challenge {
        return Err(invalid(
            "invalid_grant",
            "codeVerifier does not match the code challenge",
        ));
    }
    let member = world
        .members
        .by_id(&code.member_id)
        .filter(|m| m.status == "APPROVED")
        .ok_or_else(|| invalid("invalid_grant", "the member can no longer log in"))?;
    let refresh_token = code.offline.then(|| member.refresh_token.clone());
    let tokens = oauth::member_tokens(
        &mut world.oauth,
        &member.id,
        &client_id,
        &site_id,
        refresh_token,
    );
    code.access_token = Some(tokens.access_token().to_owned());
    Ok(tokens)
}

// --- URLs -------------------------------------------------------------------------------------------

/// `scheme://host[:port]` of the sandbox as the caller reached it: `X-Forwarded-Proto`/`-Host` when a
/// proxy in front set them, else `http://` and `Host`.
fn public_base(headers: &HeaderMap) -> String {
    let first = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| {
                !v.is_empty()
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:".contains(&b))
            })
    };
    let host = first("x-forwarded-host")
        .or_else(|| first(header::HOST.as_str()))
        .unwrap_or("127.0.0.1");
    let scheme = first("x-forwarded-proto")
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// A web origin, lower-cased, with the port as written.
#[derive(Debug, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    /// As a browser writes it: no default port.
    fn serialized(&self) -> String {
        let default = match self.scheme.as_str() {
            "https" => 443,
            _ => 80,
        };
        match self.port.filter(|p| *p != default) {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// On one of `domains`, over https; plain http only on loopback.
    fn allowed_by(&self, domains: &[&str]) -> bool {
        let loopback = self.host == "127.0.0.1" || self.host == "localhost";
        domains.contains(&self.host.as_str()) && (self.scheme == "https" || loopback)
    }
}

/// The origin of an absolute http(s) URL; `None` for anything else (or one with user info).
fn origin_of(url: &str) -> Option<Origin> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains(['@', '[', ' ']) {
        return None;
    }
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port.parse().ok()?)),
        None => (authority, None),
    };
    if host.is_empty() {
        return None;
    }
    Some(Origin {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
    })
}

/// RFC 3986 percent-encoding of a query value (everything but the unreserved characters).
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_s256_challenge_is_rfc_7636s_example() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            Method::S256.challenge(verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(verifier_well_formed(verifier));
        assert!(!verifier_well_formed(&verifier[..42]));
        assert!(!verifier_well_formed(&format!("{}+", &verifier[..43])));
    }

    #[test]
    fn origins_are_read_as_a_browser_writes_them() {
        let origin = origin_of("HTTP://127.0.0.1:8080/index.html?x=1").unwrap();
        assert_eq!(origin.serialized(), "http://127.0.0.1:8080");
        assert_eq!(
            origin_of("https://pottery.example.com:443/")
                .unwrap()
                .serialized(),
            "https://pottery.example.com"
        );
        for bad in [
            "javascript:alert(1)",
            "https://user@pottery.example.com/",
            "https://pottery.example.com:x/",
            "//pottery.example.com",
        ] {
            assert_eq!(origin_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn plain_http_is_allowed_on_loopback_only() {
        let allowed = |url: &str| origin_of(url).unwrap().allowed_by(seed::CLIENT_DOMAINS);
        assert!(allowed("http://127.0.0.1:5173/"));
        assert!(allowed("http://localhost:3000/"));
        assert!(allowed("https://pottery.example.com/"));
        assert!(!allowed("http://pottery.example.com/"));
        assert!(!allowed("https://pottery.example.com.evil.example/"));
        assert!(!allowed("https://other.example.com/"));
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let text = script_json(&json!({ "state": "</script><script>alert(1)</script>&" }));
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["state"], "</script><script>alert(1)</script>&");
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(percent_encode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
    }
}

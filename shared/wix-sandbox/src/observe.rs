//! One middleware in front of every route: request ids, the call log and counters, injected
//! failures and latency. Handlers stay free of all of it.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::WixError;
use crate::state::SandboxState;
use crate::{attestation, auth, login};

/// Paths under this prefix steer the sandbox; they are not Wix calls and are never recorded,
/// delayed or failed.
pub const CONTROL_PREFIX: &str = "/_sandbox";
/// Token endpoints: not elevated calls (no admin auth).
const OAUTH_PREFIX: &str = "/oauth2/";
const TOKEN_INFO_PATH: &str = "/oauth2/token-info";

pub const REQUEST_ID_HEADER: &str = "x-wix-request-id";

/// Answer of `GET /_sandbox/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Successful `client_credentials` grants.
    pub mints: u64,
    /// `client_credentials` grants refused by the token endpoint (bad client or secret).
    pub mint_rejections: u64,
    /// Requests to `/oauth2/token-info`, whatever their outcome.
    pub token_info_calls: u64,
    /// Requests to anything but `/oauth2/*` (the admin-auth endpoints), a member login's endpoints
    /// (`login.rs`) and the CAPTCHA providers' siteverify, whatever their outcome.
    pub elevated_calls: u64,
    /// Requests to the three siteverify endpoints (`attestation.rs`), whatever their outcome: they are
    /// not Wix calls.
    pub attestation_calls: u64,
    /// Every non-control request, in arrival order.
    pub calls: Vec<CallRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    pub method: String,
    /// Without the query string.
    pub path: String,
    /// 0 while the request is still in flight.
    pub status: u16,
    /// "admin", "apiKey", "visitor", "member", "none" or "invalid".
    pub auth: String,
    /// The raw query string, empty when there is none.
    #[serde(default)]
    pub query: String,
    /// The request body when it was JSON; `None` for other bodies (uploads, forms) and no body, and
    /// always for siteverify, whose body carries the site's CAPTCHA secret; a login's `password` reads
    /// `<redacted>`.
    #[serde(default)]
    pub body: Option<Value>,
    /// The answer's body when it was JSON (filled in with the status).
    #[serde(default)]
    pub answer: Option<Value>,
}

/// Bodies are kept whole in the log so a test can compare them with what Wix's SDK sends; a JSON
/// body past this is not a Wix request (Wix caps them far lower) and is kept as `None`.
const LOGGED_JSON_MAX: usize = 4 << 20;

/// The next `remaining` requests whose path starts with `path_prefix` (empty: every path) get `effect`.
#[derive(Debug, Clone)]
pub(crate) struct PathRule<T> {
    pub remaining: u64,
    pub path_prefix: String,
    pub effect: T,
}

/// Answered with this status and a Wix error body, without running the handler.
pub(crate) type FailRule = PathRule<StatusCode>;
/// Carried out, then the answer is held this long: the caller gives up first and cannot tell whether the
/// request happened.
pub(crate) type LossRule = PathRule<Duration>;

/// Uses up one turn of the first rule in `rules` that matches `path`, and says what it does.
fn take_turn<T: Copy>(rules: &mut Vec<PathRule<T>>, path: &str) -> Option<T> {
    let index = rules
        .iter()
        .position(|r| r.remaining > 0 && path.starts_with(&r.path_prefix))?;
    let rule = &mut rules[index];
    rule.remaining -= 1;
    let effect = rule.effect;
    if rule.remaining == 0 {
        rules.remove(index);
    }
    Some(effect)
}

#[derive(Default)]
pub(crate) struct ObserveData {
    pub stats: Stats,
    pub fail_rules: Vec<FailRule>,
    pub loss_rules: Vec<LossRule>,
    pub latency: Duration,
    /// Bumped by reset so that a request in flight across a reset cannot write into the new log.
    pub generation: u64,
}

/// Where a request's entry sits in the call log, to fill in its status later.
#[derive(Clone, Copy)]
struct Ticket {
    generation: u64,
    index: usize,
}

impl ObserveData {
    pub fn stats(&self) -> Stats {
        self.stats.clone()
    }

    pub fn add_fail_rule(&mut self, rule: FailRule) {
        // A count of 0 clears the failures set up for that prefix.
        self.fail_rules
            .retain(|r| r.path_prefix != rule.path_prefix);
        if rule.remaining > 0 {
            self.fail_rules.push(rule);
        }
    }

    fn begin(
        &mut self,
        method: &str,
        path: &str,
        query: &str,
        body: Option<Value>,
        auth: &str,
    ) -> Ticket {
        if path == TOKEN_INFO_PATH {
            self.stats.token_info_calls += 1;
        }
        if attestation::is_siteverify(path) {
            self.stats.attestation_calls += 1;
        } else if !path.starts_with(OAUTH_PREFIX)
            && !login::is_login(path)
            && !attestation::is_attestation(path)
        {
            self.stats.elevated_calls += 1;
        }
        self.stats.calls.push(CallRecord {
            method: method.to_owned(),
            path: path.to_owned(),
            status: 0,
            auth: auth.to_owned(),
            query: query.to_owned(),
            body,
            answer: None,
        });
        Ticket {
            generation: self.generation,
            index: self.stats.calls.len() - 1,
        }
    }

    fn finish(&mut self, ticket: Ticket, status: StatusCode, answer: Option<Value>) {
        if ticket.generation == self.generation
            && let Some(call) = self.stats.calls.get_mut(ticket.index)
        {
            call.status = status.as_u16();
            call.answer = answer;
        }
    }
}

/// The call log, injected failures and latency (the in-process side of `/_sandbox`).
impl SandboxState {
    /// Counters and the log of Wix calls since the last reset.
    pub fn stats(&self) -> Stats {
        self.with(|w| w.observe.stats())
    }

    /// The next `count` non-control requests whose path starts with `path_prefix` (all of them when
    /// `None`) are answered with `status` and a Wix error body.
    pub fn fail(&self, count: u64, status: StatusCode, path_prefix: Option<&str>) {
        let rule = FailRule {
            remaining: count,
            effect: status,
            path_prefix: path_prefix.unwrap_or("").to_owned(),
        };
        self.with(|w| w.observe.add_fail_rule(rule));
    }

    /// The next `count` requests whose path starts with `path_prefix` are carried out, then their answer
    /// is held for `hold` (longer than the caller waits): an effect whose answer was lost.
    pub fn lose_answers(&self, count: u64, path_prefix: &str, hold: Duration) {
        let rule = LossRule {
            remaining: count,
            path_prefix: path_prefix.to_owned(),
            effect: hold,
        };
        self.with(|w| w.observe.loss_rules.push(rule));
    }

    /// Delays every non-control response; `Duration::ZERO` clears it.
    pub fn set_latency(&self, latency: Duration) {
        self.with(|w| w.observe.latency = latency);
    }
}

fn is_control(path: &str) -> bool {
    path.strip_prefix(CONTROL_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

/// Reads a JSON body for the log and gives back an equal body to pass on; other bodies pass untouched.
async fn tap_json(headers: &HeaderMap, body: Body) -> (Option<Value>, Body) {
    if !is_json(headers) {
        return (None, body);
    }
    match axum::body::to_bytes(body, LOGGED_JSON_MAX).await {
        Ok(bytes) => (serde_json::from_slice(&bytes).ok(), Body::from(bytes)),
        // Too long or broken off: the handler meets the same end of body.
        Err(_) => (None, Body::empty()),
    }
}

/// The layer: see the module docs.
pub(crate) async fn observe(
    State(state): State<SandboxState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let mut response = if is_control(&path) {
        next.run(req).await
    } else {
        let method = req.method().as_str().to_owned();
        let query = req.uri().query().unwrap_or("").to_owned();
        let (parts, body) = req.into_parts();
        let (mut logged_body, body) = if attestation::is_siteverify(&path) {
            (None, body)
        } else {
            tap_json(&parts.headers, body).await
        };
        if let Some(logged) = &mut logged_body {
            login::redact(&path, logged);
        }
        let mut req = Request::from_parts(parts, body);
        let (caller, ticket, injected, loss, latency) = state.with(|w| {
            let caller = auth::classify(w, req.headers());
            let ticket = w
                .observe
                .begin(&method, &path, &query, logged_body, caller.label());
            let injected = take_turn(&mut w.observe.fail_rules, &path);
            let loss = injected
                .is_none()
                .then(|| take_turn(&mut w.observe.loss_rules, &path))
                .flatten();
            (caller, ticket, injected, loss, w.observe.latency)
        });
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        // Handlers read the caller from here, so the log and the auth decision always agree.
        req.extensions_mut().insert(caller);
        let response = match injected {
            Some(status) => WixError::injected(status).into_response(),
            None => next.run(req).await,
        };
        let (parts, body) = response.into_parts();
        let (answer, body) = tap_json(&parts.headers, body).await;
        let response = Response::from_parts(parts, body);
        state.with(|w| w.observe.finish(ticket, response.status(), answer));
        if let Some(hold) = loss {
            tokio::time::sleep(hold).await;
        }
        response
    };
    let request_id = uuid::Uuid::new_v4().to_string();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

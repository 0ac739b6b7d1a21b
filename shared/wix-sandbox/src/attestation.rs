//! CAPTCHA / attestation providers' `siteverify`, so a function that checks a visitor's challenge token
//! can run against the sandbox like it runs against Wix: Cloudflare Turnstile
//! (`POST /turnstile/v0/siteverify`), Google reCAPTCHA v3 (`POST /recaptcha/api/siteverify`) and
//! hCaptcha (`POST /siteverify`), each answering in its provider's documented shape. Point a function
//! at them by swapping the provider's host (`https://challenges.cloudflare.com`,
//! `https://www.google.com`, `https://api.hcaptcha.com`) for the sandbox's base URL.
//!
//! On a real site a widget in the page gets the token; here `POST /_sandbox/attestation/token` (or
//! [`SandboxState::issue_attestation_token`]) plays the widget. Such tokens verify once, with the
//! provider's sandbox secret in [`seed`], within the provider's lifetime. The providers' published test
//! secrets behave as documented for any token and never remember one.
//!
//! Every answer is HTTP 200 with JSON, refusals included (`success: false` plus `error-codes`), as the
//! providers do; only injected failures (`/_sandbox/fail`) give other statuses.

use std::collections::HashMap;
use std::net::IpAddr;

use axum::extract::{FromRequest, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::seed;
use crate::state::{SandboxState, World, iso};

pub const TURNSTILE_SITEVERIFY_PATH: &str = "/turnstile/v0/siteverify";
pub const RECAPTCHA_SITEVERIFY_PATH: &str = "/recaptcha/api/siteverify";
pub const HCAPTCHA_SITEVERIFY_PATH: &str = "/siteverify";
/// The control endpoint that plays the widget. The example page calls it cross-origin (see `cors.rs`).
pub const ATTESTATION_TOKEN_PATH: &str = "/_sandbox/attestation/token";

/// Cloudflare refuses longer `response` values outright.
const TURNSTILE_MAX_RESPONSE_CHARS: usize = 2048;
/// reCAPTCHA v3's score when the issuer gives none: a likely human.
const RECAPTCHA_DEFAULT_SCORE: f64 = 0.9;
/// Random bytes in an issued token: 256 URL-safe characters, about the size of real tokens' payload.
const TOKEN_RANDOM_BYTES: usize = 192;

/// Whether `path` is one of the three siteverify endpoints: they are not Wix calls, and their bodies
/// carry the site's secret, so the call log treats them apart (see `observe.rs`).
/// Where Turnstile's widget script is served (`https://challenges.cloudflare.com/turnstile/v0/api.js`).
pub const TURNSTILE_WIDGET_PATH: &str = "/turnstile/v0/api.js";

/// Not a Wix call: the three siteverify endpoints and the widget script.
pub(crate) fn is_attestation(path: &str) -> bool {
    is_siteverify(path) || path == TURNSTILE_WIDGET_PATH
}

pub(crate) fn is_siteverify(path: &str) -> bool {
    matches!(
        path,
        TURNSTILE_SITEVERIFY_PATH | RECAPTCHA_SITEVERIFY_PATH | HCAPTCHA_SITEVERIFY_PATH
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttestationProvider {
    Turnstile,
    Recaptcha,
    Hcaptcha,
}

impl AttestationProvider {
    /// The name in `/_sandbox/attestation/token` and in [`AttestationVerification::provider`].
    pub const fn as_str(self) -> &'static str {
        match self {
            AttestationProvider::Turnstile => "turnstile",
            AttestationProvider::Recaptcha => "recaptcha",
            AttestationProvider::Hcaptcha => "hcaptcha",
        }
    }

    /// The secret that verifies the tokens the sandbox issues for this provider.
    pub const fn sandbox_secret(self) -> &'static str {
        match self {
            AttestationProvider::Turnstile => seed::TURNSTILE_SECRET,
            AttestationProvider::Recaptcha => seed::RECAPTCHA_SECRET,
            AttestationProvider::Hcaptcha => seed::HCAPTCHA_SECRET,
        }
    }

    /// How long a token verifies: Turnstile 300 s, reCAPTCHA and hCaptcha two minutes.
    pub const fn token_lifetime_seconds(self) -> i64 {
        match self {
            AttestationProvider::Turnstile => 300,
            AttestationProvider::Recaptcha | AttestationProvider::Hcaptcha => 120,
        }
    }

    /// Lets a human tell the tokens apart in logs; the rest of a token is opaque.
    const fn token_prefix(self) -> &'static str {
        match self {
            AttestationProvider::Turnstile => "sbx-turnstile.",
            AttestationProvider::Recaptcha => "sbx-recaptcha.",
            AttestationProvider::Hcaptcha => "sbx-hcaptcha.",
        }
    }
}

/// What the widget would know when it hands out a token. The body of `POST /_sandbox/attestation/token`
/// (camelCase; unknown fields are refused so a typo does not pass silently).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttestationRequest {
    pub provider: AttestationProvider,
    /// The page's hostname, echoed as `hostname`.
    pub hostname: String,
    /// Turnstile and reCAPTCHA echo it as `action` (empty when not given); hCaptcha has none.
    #[serde(default)]
    pub action: Option<String>,
    /// 0.0..=1.0. reCAPTCHA: 1 is a human, default 0.9. hCaptcha Enterprise: 0 is a human, and the
    /// answer has a `score` only when one was given here. Turnstile has no score.
    #[serde(default)]
    pub score: Option<f64>,
    /// Turnstile's customer data, echoed as `cdata` (empty when not given).
    #[serde(default)]
    pub cdata: Option<String>,
    /// The challenge was solved this long ago: tests expiry and `challenge_ts`.
    #[serde(default)]
    pub issued_seconds_ago: u64,
}

impl AttestationRequest {
    /// A fresh token for `hostname` with nothing else set.
    pub fn new(provider: AttestationProvider, hostname: impl Into<String>) -> Self {
        AttestationRequest {
            provider,
            hostname: hostname.into(),
            action: None,
            score: None,
            cdata: None,
            issued_seconds_ago: 0,
        }
    }
}

/// One request a siteverify endpoint answered (injected failures never reach it), for tests that check
/// what a function sent, e.g. the visitor's `remoteip`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttestationVerification {
    /// "turnstile", "recaptcha" or "hcaptcha".
    pub provider: String,
    /// As sent (an empty value counts as absent), also when it was not an IP address.
    pub remoteip: Option<String>,
    pub success: bool,
    /// The answer's `error-codes`; empty on success.
    pub error_codes: Vec<String>,
    /// The length of the `response` sent (0 when absent): enough for a test to tell its own request
    /// apart, without the sandbox keeping tokens where a log scan would meet them.
    pub response_chars: usize,
}

struct IssuedToken {
    provider: AttestationProvider,
    hostname: String,
    action: String,
    score: Option<f64>,
    cdata: String,
    issued_at: OffsetDateTime,
    spent: bool,
    /// Turnstile: the `idempotency_key` of the successful verification, which may repeat it.
    idempotency_key: Option<String>,
}

#[derive(Default)]
pub(crate) struct AttestationData {
    tokens: HashMap<String, IssuedToken>,
    verifications: Vec<AttestationVerification>,
}

/// Issuing tokens and reading verifications (the in-process side of `/_sandbox/attestation/*`).
impl SandboxState {
    /// A new single-use token, as the provider's widget would give the page. A score outside 0..=1 is
    /// clamped (the control endpoint refuses it instead).
    pub fn issue_attestation_token(&self, request: AttestationRequest) -> String {
        let provider = request.provider;
        let score = request
            .score
            .filter(|s| s.is_finite())
            .map(|s| s.clamp(0.0, 1.0));
        let score = match provider {
            AttestationProvider::Turnstile => None,
            AttestationProvider::Recaptcha => Some(score.unwrap_or(RECAPTCHA_DEFAULT_SCORE)),
            AttestationProvider::Hcaptcha => score,
        };
        // An absurd age is simply very old.
        let ago = Duration::seconds(i64::try_from(request.issued_seconds_ago).unwrap_or(i64::MAX));
        let issued_at = OffsetDateTime::now_utc()
            .checked_sub(ago)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let token = random_token(provider);
        let record = IssuedToken {
            provider,
            hostname: request.hostname,
            action: request.action.unwrap_or_default(),
            score,
            cdata: request.cdata.unwrap_or_default(),
            issued_at,
            spent: false,
            idempotency_key: None,
        };
        self.with(|w| w.attestation.tokens.insert(token.clone(), record));
        token
    }

    /// Every siteverify request answered since the last reset, in order.
    pub fn attestation_verifications(&self) -> Vec<AttestationVerification> {
        self.with(|w| w.attestation.verifications.clone())
    }
}

fn random_token(provider: AttestationProvider) -> String {
    let mut bytes = Vec::with_capacity(TOKEN_RANDOM_BYTES);
    while bytes.len() < TOKEN_RANDOM_BYTES {
        bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    format!(
        "{}{}",
        provider.token_prefix(),
        URL_SAFE_NO_PAD.encode(&bytes)
    )
}

pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route(TURNSTILE_SITEVERIFY_PATH, post(turnstile))
        .route(RECAPTCHA_SITEVERIFY_PATH, post(recaptcha))
        .route(HCAPTCHA_SITEVERIFY_PATH, post(hcaptcha))
        .route(TURNSTILE_WIDGET_PATH, get(turnstile_widget))
}

/// A stand-in for Turnstile's widget script, with the part of `window.turnstile` a page calls: `render`
/// (the options' `action` and `cData`, the `callback`), `reset`, `getResponse`, `remove`. Rendering
/// "solves" the challenge at once: the token comes from `/_sandbox/attestation/token` on the host the
/// script came from, for the page's own hostname, as the real widget's token names where it ran.
async fn turnstile_widget() -> impl axum::response::IntoResponse {
    (
        [(CONTENT_TYPE, "text/javascript; charset=utf-8")],
        TURNSTILE_WIDGET_JS,
    )
}

const TURNSTILE_WIDGET_JS: &str = r#"// wix-sandbox: a stand-in for Cloudflare Turnstile's api.js (local development and tests only).
(() => {
  const origin = new URL(document.currentScript.src).origin;
  const widgets = new Map();
  let next = 0;
  async function solve(id) {
    const widget = widgets.get(id);
    if (!widget) return;
    widget.token = undefined;
    const { action, cData } = widget.options;
    const response = await fetch(`${origin}/_sandbox/attestation/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ provider: "turnstile", hostname: location.hostname, action, cdata: cData }),
    });
    if (!response.ok) return widget.options["error-callback"]?.(String(response.status));
    widget.token = (await response.json()).token;
    widget.options.callback?.(widget.token);
  }
  window.turnstile = {
    render(container, options = {}) {
      const id = `sandbox-widget-${next++}`;
      const element = typeof container === "string" ? document.querySelector(container) : container;
      if (element) element.textContent = "Checked by the sandbox's stand-in for Turnstile.";
      widgets.set(id, { options, token: undefined });
      solve(id);
      return id;
    },
    reset(id) { solve(id ?? [...widgets.keys()][0]); },
    getResponse(id) { return widgets.get(id ?? [...widgets.keys()][0])?.token; },
    remove(id) { widgets.delete(id); },
  };
})();
"#;

/// The union of the three providers' request fields; an empty value counts as a missing one. Other
/// fields are ignored, among them hCaptcha's optional `sitekey` (the sandbox has no site keys).
#[derive(Debug, Default, Deserialize)]
struct Fields {
    secret: Option<String>,
    response: Option<String>,
    remoteip: Option<String>,
    /// Turnstile: a retry with the same key gets the same answer instead of `timeout-or-duplicate`.
    idempotency_key: Option<String>,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

/// The body's fields, or `None` when it is not what the provider takes (`bad-request`).
async fn parse(req: Request, json_allowed: bool) -> Option<Fields> {
    if is_json(&req) {
        if !json_allowed {
            return None;
        }
        return Json::<Fields>::from_request(req, &())
            .await
            .ok()
            .map(|Json(f)| f);
    }
    Form::<Fields>::from_request(req, &())
        .await
        .ok()
        .map(|Form(f)| f)
}

/// Why a verification failed; each provider has its own code for some of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    BadRequest,
    MissingSecret,
    MissingResponse,
    InvalidSecret,
    InvalidResponse,
    /// Verified before.
    Spent,
    /// Past the provider's token lifetime.
    Expired,
}

impl Refusal {
    fn code(self, provider: AttestationProvider) -> &'static str {
        match (self, provider) {
            (Refusal::BadRequest, _) => "bad-request",
            (Refusal::MissingSecret, _) => "missing-input-secret",
            (Refusal::MissingResponse, _) => "missing-input-response",
            (Refusal::InvalidSecret, _) => "invalid-input-secret",
            (Refusal::InvalidResponse, _) => "invalid-input-response",
            (Refusal::Spent, AttestationProvider::Hcaptcha) => "already-seen-response",
            (Refusal::Expired, AttestationProvider::Hcaptcha) => "expired-input-response",
            (Refusal::Spent | Refusal::Expired, _) => "timeout-or-duplicate",
        }
    }
}

/// What a successful answer reports; each provider renders the parts it has.
struct Pass {
    challenge_ts: OffsetDateTime,
    hostname: String,
    action: Option<String>,
    cdata: Option<String>,
    score: Option<f64>,
}

impl Pass {
    /// A published test secret's pass: now, a fixed hostname, nothing else.
    fn test(hostname: &str) -> Self {
        Pass {
            challenge_ts: OffsetDateTime::now_utc(),
            hostname: hostname.to_owned(),
            action: None,
            cdata: None,
            score: None,
        }
    }

    fn of(token: &IssuedToken) -> Self {
        Pass {
            challenge_ts: token.issued_at,
            hostname: token.hostname.clone(),
            action: Some(token.action.clone()),
            cdata: Some(token.cdata.clone()),
            score: token.score,
        }
    }

    fn render(self, provider: AttestationProvider) -> Value {
        match provider {
            AttestationProvider::Turnstile => json!({
                "success": true,
                "challenge_ts": iso(self.challenge_ts),
                "hostname": self.hostname,
                "error-codes": [],
                "action": self.action.unwrap_or_default(),
                "cdata": self.cdata.unwrap_or_default(),
                "metadata": {},
            }),
            AttestationProvider::Recaptcha => {
                let mut answer = json!({
                    "success": true,
                    "challenge_ts": google_timestamp(self.challenge_ts),
                    "hostname": self.hostname,
                });
                // The test secret answers like v2: no score, no action.
                if let Some(score) = self.score {
                    answer["score"] = json!(score);
                }
                if let Some(action) = self.action {
                    answer["action"] = json!(action);
                }
                answer
            }
            AttestationProvider::Hcaptcha => {
                let mut answer = json!({
                    "success": true,
                    "challenge_ts": iso(self.challenge_ts),
                    "hostname": self.hostname,
                    "credit": false,
                });
                if let Some(score) = self.score {
                    answer["score"] = json!(score);
                }
                answer
            }
        }
    }
}

/// reCAPTCHA's documented `challenge_ts` format, `yyyy-MM-dd'T'HH:mm:ssZZ`: `2026-12-03T11:00:00+00:00`.
fn google_timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

async fn turnstile(State(state): State<SandboxState>, req: Request) -> Json<Value> {
    let fields = parse(req, true).await;
    answer(&state, AttestationProvider::Turnstile, fields)
}

/// Form bodies only: a JSON body is `bad-request`.
async fn recaptcha(State(state): State<SandboxState>, req: Request) -> Json<Value> {
    let fields = parse(req, false).await;
    answer(&state, AttestationProvider::Recaptcha, fields)
}

/// Form bodies only: hCaptcha documents that JSON is not accepted.
async fn hcaptcha(State(state): State<SandboxState>, req: Request) -> Json<Value> {
    let fields = parse(req, false).await;
    answer(&state, AttestationProvider::Hcaptcha, fields)
}

/// Verifies, records the verification and renders the answer.
fn answer(
    state: &SandboxState,
    provider: AttestationProvider,
    fields: Option<Fields>,
) -> Json<Value> {
    let remoteip = fields.as_ref().and_then(|f| non_empty(f.remoteip.clone()));
    let response_chars = fields
        .as_ref()
        .and_then(|f| f.response.as_ref())
        .map_or(0, |r| r.chars().count());
    state.with(|w| {
        let outcome = match fields {
            Some(fields) => verify(w, provider, fields),
            None => Err(vec![Refusal::BadRequest]),
        };
        let (body, codes) = match outcome {
            Ok(pass) => (pass.render(provider), Vec::new()),
            Err(refusals) => {
                let codes: Vec<String> = refusals
                    .iter()
                    .map(|r| r.code(provider).to_owned())
                    .collect();
                (json!({ "success": false, "error-codes": codes }), codes)
            }
        };
        w.attestation.verifications.push(AttestationVerification {
            provider: provider.as_str().to_owned(),
            remoteip,
            success: codes.is_empty(),
            error_codes: codes,
            response_chars,
        });
        Json(body)
    })
}

fn verify(
    world: &mut World,
    provider: AttestationProvider,
    fields: Fields,
) -> Result<Pass, Vec<Refusal>> {
    if let Some(ip) = non_empty(fields.remoteip)
        && ip.parse::<IpAddr>().is_err()
    {
        return Err(vec![Refusal::BadRequest]);
    }
    let secret = non_empty(fields.secret);
    let response = non_empty(fields.response);
    let (Some(secret), Some(response)) = (secret.as_deref(), response.as_deref()) else {
        let mut missing = Vec::new();
        if secret.is_none() {
            missing.push(Refusal::MissingSecret);
        }
        if response.is_none() {
            missing.push(Refusal::MissingResponse);
        }
        return Err(missing);
    };
    if provider == AttestationProvider::Turnstile
        && response.chars().count() > TURNSTILE_MAX_RESPONSE_CHARS
    {
        return Err(vec![Refusal::InvalidResponse]);
    }
    if secret == provider.sandbox_secret() {
        let idempotency_key = non_empty(fields.idempotency_key)
            .filter(|_| provider == AttestationProvider::Turnstile);
        return redeem(world, provider, response, idempotency_key).map_err(|r| vec![r]);
    }
    test_secret(provider, secret, response).map_err(|r| vec![r])
}

/// A token the sandbox issued for `provider`: once, within its lifetime.
fn redeem(
    world: &mut World,
    provider: AttestationProvider,
    response: &str,
    idempotency_key: Option<String>,
) -> Result<Pass, Refusal> {
    let token = world
        .attestation
        .tokens
        .get_mut(response)
        .filter(|t| t.provider == provider)
        .ok_or(Refusal::InvalidResponse)?;
    if token.spent {
        // Turnstile: a retry carrying the key of the verification that succeeded gets its answer again.
        return match (&token.idempotency_key, &idempotency_key) {
            (Some(kept), Some(sent)) if kept == sent => Ok(Pass::of(token)),
            _ => Err(Refusal::Spent),
        };
    }
    let age = OffsetDateTime::now_utc() - token.issued_at;
    if age > Duration::seconds(provider.token_lifetime_seconds()) {
        return Err(Refusal::Expired);
    }
    token.spent = true;
    token.idempotency_key = idempotency_key;
    Ok(Pass::of(token))
}

/// The providers' published test secrets, for any non-empty token; they keep no state.
fn test_secret(
    provider: AttestationProvider,
    secret: &str,
    response: &str,
) -> Result<Pass, Refusal> {
    match (provider, secret) {
        (AttestationProvider::Turnstile, seed::TURNSTILE_TEST_SECRET_PASS) => {
            let mut pass = Pass::test("example.com");
            pass.action = Some(String::new());
            pass.cdata = Some(String::new());
            Ok(pass)
        }
        (AttestationProvider::Turnstile, seed::TURNSTILE_TEST_SECRET_FAIL) => {
            Err(Refusal::InvalidResponse)
        }
        (AttestationProvider::Turnstile, seed::TURNSTILE_TEST_SECRET_SPENT) => Err(Refusal::Spent),
        (AttestationProvider::Recaptcha, seed::RECAPTCHA_TEST_SECRET) => {
            Ok(Pass::test("testkey.google.com"))
        }
        (AttestationProvider::Hcaptcha, seed::HCAPTCHA_TEST_SECRET) => {
            if response == seed::HCAPTCHA_TEST_RESPONSE {
                Ok(Pass::test("dummy-key-pass"))
            } else {
                Err(Refusal::InvalidResponse)
            }
        }
        _ => Err(Refusal::InvalidSecret),
    }
}

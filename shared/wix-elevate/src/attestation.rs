//! Attestation: proof that a person (or the site's own app) made the request, from the CAPTCHA widget the
//! frontend embeds (Cloudflare Turnstile, Google reCAPTCHA v3, hCaptcha).
//!
//! Anyone can mint a visitor token with the site's public client id, so a visitor token proves the call
//! came through the site's OAuth client, not that a person on the site made it. An endpoint declares
//! [`Attestation`] like its policy; where it is on, the widget's token arrives in the
//! `Attestation-Token` header and is verified with the provider's `siteverify` before the caller's Wix
//! token is checked, so a flood without a valid attestation costs no Wix call. The checks: the provider's
//! `success`, the hostname (one of `ATTESTATION_HOSTNAMES`, default the hosts of `ALLOWED_ORIGINS`), the
//! action (Turnstile and reCAPTCHA report it), the challenge's age, and the score (reCAPTCHA's, or
//! hCaptcha's risk score where it sends one). Then the token's hash is claimed in the state store every
//! instance shares, so a token is used once in the whole deployment even where the provider would accept
//! it again (its test keys, or a provider that fails open).
//!
//! The provider's secret key is `attestationSecret` in the function's Secrets Manager secret JSON. A
//! provider that is down, slow or refuses our secret fails closed: 503, nothing elevated.

use std::collections::HashSet;
use std::sync::RwLock;
use std::time::{Duration, SystemTime};

use serde::Deserialize;
use wix_auth::{Secret, SecretSource};

use crate::config::{ConfigError, is_host_name, parse_base_url};
use crate::state::{Claim, Fingerprint, StateKey, StateStore};
use crate::{ApiError, Refusal};

/// The request header carrying the widget's token.
pub const HEADER: &str = "attestation-token";

/// The longest token accepted (Turnstile's documented maximum; the others are shorter).
const MAX_TOKEN_CHARS: usize = 2048;
/// A provider that has not answered by then is treated as down.
const VERIFY_TIMEOUT: Duration = Duration::from_secs(3);
/// Every `siteverify` answer is a small JSON document.
const MAX_ANSWER_BYTES: usize = 16 * 1024;
/// A challenge timestamp this far ahead of our clock is still taken as now (clock skew).
const CLOCK_SKEW: Duration = Duration::from_secs(30);
/// The humanness a token needs when `ATTESTATION_MIN_SCORE` is not set (reCAPTCHA's own suggestion).
const DEFAULT_MIN_SCORE: f64 = 0.5;

/// What an endpoint declares, the default for its deployment (`ATTESTATION` may change it, except that an
/// endpoint declared `Off` has no attestation step to turn on).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attestation {
    /// The header is not read.
    Off,
    /// A token that comes is verified (and refused if bad); a request without one goes on.
    Optional,
    /// A request without a valid token is refused before the caller's token is checked.
    Required,
}

impl Attestation {
    fn parse(value: &str) -> Option<Self> {
        match value {
            "off" => Some(Attestation::Off),
            "optional" => Some(Attestation::Optional),
            "required" => Some(Attestation::Required),
            _ => None,
        }
    }
}

/// The attestation service the deployment uses (`ATTESTATION_PROVIDER`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    Turnstile,
    Recaptcha,
    Hcaptcha,
}

impl Provider {
    fn parse(value: &str) -> Option<Self> {
        match value {
            "turnstile" => Some(Provider::Turnstile),
            "recaptcha" => Some(Provider::Recaptcha),
            "hcaptcha" => Some(Provider::Hcaptcha),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Provider::Turnstile => "turnstile",
            Provider::Recaptcha => "recaptcha",
            Provider::Hcaptcha => "hcaptcha",
        }
    }

    fn default_base(self) -> &'static str {
        match self {
            Provider::Turnstile => "https://challenges.cloudflare.com",
            Provider::Recaptcha => "https://www.google.com",
            Provider::Hcaptcha => "https://api.hcaptcha.com",
        }
    }

    fn verify_path(self) -> &'static str {
        match self {
            Provider::Turnstile => "/turnstile/v0/siteverify",
            Provider::Recaptcha => "/recaptcha/api/siteverify",
            Provider::Hcaptcha => "/siteverify",
        }
    }

    /// How long the provider honours a token: also the longest a challenge may be old. Its hash is held
    /// as spent for the state table's record lifetime (a day), well past this.
    fn token_lifetime(self) -> Duration {
        match self {
            Provider::Turnstile => Duration::from_secs(300),
            Provider::Recaptcha | Provider::Hcaptcha => Duration::from_secs(120),
        }
    }

    /// hCaptcha's answer has no action.
    fn reports_action(self) -> bool {
        !matches!(self, Provider::Hcaptcha)
    }
}

/// One function's attestation settings, read at cold start.
#[derive(Clone, Debug)]
pub struct AttestationSettings {
    pub mode: Attestation,
    pub provider: Provider,
    /// The provider's `siteverify` URL (`ATTESTATION_VERIFY_BASE` + the provider's path).
    pub verify_url: reqwest::Url,
    /// Hostnames the widget may have run on (lowercase).
    pub hostnames: HashSet<String>,
    /// The action the widget must have been rendered with (`ATTESTATION_ACTION`, default the function's
    /// name with `_` for `-`, which every provider's action syntax allows).
    pub action: String,
    /// The lowest reCAPTCHA score taken (0 = a bot, 1 = a person); for hCaptcha's risk score (0 = a person,
    /// 1 = a bot) the highest taken is `1 − min_score`.
    pub min_score: f64,
}

impl AttestationSettings {
    /// `None` when attestation is off for this function.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
        function: &str,
        declared: Attestation,
        allowed_origins: &HashSet<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let invalid = |var: &'static str, problem: String| ConfigError::Invalid { var, problem };
        let mode = match get("ATTESTATION") {
            None => declared,
            Some(value) => Attestation::parse(&value).ok_or_else(|| {
                invalid(
                    "ATTESTATION",
                    format!("{value:.20} is not one of required, optional, off"),
                )
            })?,
        };
        if mode == Attestation::Off {
            return Ok(None);
        }
        if declared == Attestation::Off {
            return Err(invalid(
                "ATTESTATION",
                format!("{function} has no attestation step; leave ATTESTATION unset or off"),
            ));
        }
        let Some(provider_name) = get("ATTESTATION_PROVIDER") else {
            // Optional by declaration and no provider configured: nothing to verify a token with.
            if mode == Attestation::Optional && get("ATTESTATION").is_none() {
                return Ok(None);
            }
            return Err(ConfigError::Missing(
                "ATTESTATION_PROVIDER (attestation is on for this function)",
            ));
        };
        let provider = Provider::parse(&provider_name).ok_or_else(|| {
            invalid(
                "ATTESTATION_PROVIDER",
                format!("{provider_name:.20} is not one of turnstile, recaptcha, hcaptcha"),
            )
        })?;
        let base = get("ATTESTATION_VERIFY_BASE").unwrap_or_else(|| provider.default_base().into());
        let verify_url = verify_url(&base, provider)?;
        let hostnames: HashSet<String> = match get("ATTESTATION_HOSTNAMES") {
            Some(list) => list
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .map(|h| match is_host_name(&h) {
                    true => Ok(h),
                    false => Err(invalid(
                        "ATTESTATION_HOSTNAMES",
                        format!("{h:.80} is not a hostname"),
                    )),
                })
                .collect::<Result<_, _>>()?,
            None => allowed_origins
                .iter()
                .filter_map(|origin| reqwest::Url::parse(origin).ok())
                .filter_map(|url| url.host_str().map(str::to_ascii_lowercase))
                .collect(),
        };
        if hostnames.is_empty() {
            return Err(ConfigError::Missing(
                "ATTESTATION_HOSTNAMES or ALLOWED_ORIGINS (the hosts the widget runs on)",
            ));
        }
        let action = get("ATTESTATION_ACTION").unwrap_or_else(|| function.replace('-', "_"));
        if !valid_action(&action) {
            return Err(invalid(
                "ATTESTATION_ACTION",
                format!("{action:.40} is not 1–32 of A–Z, a–z, 0–9 and _"),
            ));
        }
        let min_score = match get("ATTESTATION_MIN_SCORE") {
            None => DEFAULT_MIN_SCORE,
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|s| (0.0..=1.0).contains(s))
                .ok_or_else(|| {
                    invalid(
                        "ATTESTATION_MIN_SCORE",
                        format!("{v:.20} is not a number from 0 to 1"),
                    )
                })?,
        };
        Ok(Some(AttestationSettings {
            mode,
            provider,
            verify_url,
            hostnames,
            action,
            min_score,
        }))
    }
}

/// The rule of every base URL a secret goes to ([`parse_base_url`]), and a host only: the provider's path
/// is ours to add.
fn verify_url(base: &str, provider: Provider) -> Result<reqwest::Url, ConfigError> {
    const VAR: &str = "ATTESTATION_VERIFY_BASE";
    let url = parse_base_url(VAR, base)?;
    if url.path() != "/" {
        return Err(ConfigError::Invalid {
            var: VAR,
            problem: format!("{base:.80}: a base URL has no path"),
        });
    }
    url.join(provider.verify_path())
        .map_err(|_| ConfigError::Invalid {
            var: VAR,
            problem: format!("{base:.80}: not a URL"),
        })
}

fn valid_action(action: &str) -> bool {
    (1..=32).contains(&action.len())
        && action
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The fields of a `siteverify` answer the checks read (all three providers share these names).
#[derive(Debug, Deserialize)]
pub(crate) struct SiteverifyAnswer {
    success: bool,
    #[serde(rename = "error-codes", default)]
    error_codes: Vec<String>,
    challenge_ts: Option<String>,
    hostname: Option<String>,
    action: Option<String>,
    score: Option<f64>,
}

/// What an answer means for the request.
#[derive(Debug, PartialEq)]
pub(crate) enum Verdict {
    Passed,
    /// The caller's token is not good enough; the text goes to our log, never to the caller.
    Refused(&'static str),
    /// The provider refused *our* secret: the caller is not at fault, the deployment is. Only the codes
    /// no token can cause count: `sitekey-secret-mismatch` (a token solved on another site key) and
    /// `bad-request` are the token's, or a caller could turn a 403 into a 503 and a secret re-read.
    Misconfigured(&'static str),
}

/// The checks on an answer, apart from replay (which needs the store).
pub(crate) fn judge(
    answer: &SiteverifyAnswer,
    settings: &AttestationSettings,
    now: SystemTime,
) -> Verdict {
    if !answer.success {
        let ours = ["missing-input-secret", "invalid-input-secret"];
        return match answer
            .error_codes
            .iter()
            .find(|c| ours.contains(&c.as_str()))
        {
            Some(_) => Verdict::Misconfigured("the provider refused our secret or request"),
            None => Verdict::Refused("the provider did not accept the token"),
        };
    }
    let hostname = answer.hostname.as_deref().map(str::to_ascii_lowercase);
    if !hostname.is_some_and(|h| settings.hostnames.contains(&h)) {
        return Verdict::Refused("the widget ran on another hostname");
    }
    if settings.provider.reports_action()
        && answer.action.as_deref() != Some(settings.action.as_str())
    {
        return Verdict::Refused("the widget was rendered for another action");
    }
    let Some(issued) = answer.challenge_ts.as_deref().and_then(parse_timestamp) else {
        return Verdict::Refused("the answer has no readable challenge time");
    };
    let age = now.duration_since(issued).unwrap_or_default();
    if issued > now + CLOCK_SKEW || age > settings.provider.token_lifetime() {
        return Verdict::Refused("the challenge is too old");
    }
    match (settings.provider, answer.score) {
        (Provider::Recaptcha, None) => Verdict::Refused("reCAPTCHA gave no score (not a v3 token)"),
        (Provider::Recaptcha, Some(score)) if score < settings.min_score => {
            Verdict::Refused("the reCAPTCHA score is below ATTESTATION_MIN_SCORE")
        }
        (Provider::Hcaptcha, Some(risk)) if risk > 1.0 - settings.min_score => {
            Verdict::Refused("the hCaptcha risk score is above 1 - ATTESTATION_MIN_SCORE")
        }
        _ => Verdict::Passed,
    }
}

fn parse_timestamp(text: &str) -> Option<SystemTime> {
    let at =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    Some(SystemTime::from(at))
}

/// The widget's token from the request, checked for shape before it goes anywhere.
pub(crate) enum Presented<'r> {
    None,
    Token(&'r str),
    Malformed,
}

pub(crate) fn presented(headers: &http::HeaderMap) -> Presented<'_> {
    let mut values = headers.get_all(HEADER).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return match headers.contains_key(HEADER) {
            true => Presented::Malformed,
            false => Presented::None,
        };
    };
    match value.to_str() {
        Ok(token)
            if (1..=MAX_TOKEN_CHARS).contains(&token.len())
                && token.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Presented::Token(token)
        }
        _ => Presented::Malformed,
    }
}

/// Verifies attestation tokens for one function: the settings, the HTTP client and the provider's secret
/// (read from the secret store on first use, and again when the provider says it is wrong: rotation).
pub(crate) struct Attestor {
    settings: AttestationSettings,
    http: reqwest::Client,
    source: SecretSource,
    secret: RwLock<Option<Secret>>,
    /// When the secret was last re-read because the provider refused it.
    reread_at: std::sync::Mutex<Option<std::time::Instant>>,
}

const FAILED: ApiError = ApiError::Forbidden(Refusal::AttestationFailed);
/// The provider's secret is re-read at most this often per instance when the provider refuses it.
const REREAD_EVERY: Duration = Duration::from_secs(30);

impl Attestor {
    pub(crate) fn new(
        settings: AttestationSettings,
        http: reqwest::Client,
        source: SecretSource,
    ) -> Self {
        Attestor {
            settings,
            http,
            source,
            secret: RwLock::new(None),
            reread_at: std::sync::Mutex::new(None),
        }
    }

    /// Read the provider's secret now (at cold start, beside the admin token's mint).
    pub(crate) async fn warm(&self) -> Result<(), ApiError> {
        self.secret(false).await.map(|_| ())
    }

    async fn secret(&self, reread: bool) -> Result<Secret, ApiError> {
        if !reread
            && let Some(secret) = self
                .secret
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
        {
            return Ok(secret);
        }
        // Boxed: keeps the SDK's deep future out of each request's future type (rustc's layout depth limit).
        let fetched = Box::pin(self.source.fetch_attestation_secret())
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "the attestation secret could not be read");
                ApiError::Unavailable
            })?;
        let secret = fetched.ok_or_else(|| {
            tracing::error!("attestation is on but the secret JSON has no attestationSecret");
            ApiError::Unavailable
        })?;
        *self.secret.write().unwrap_or_else(|e| e.into_inner()) = Some(secret.clone());
        Ok(secret)
    }

    /// The attestation step: `Ok` when the request may go on to the caller check.
    pub(crate) async fn check(
        &self,
        headers: &http::HeaderMap,
        source_ip: Option<&str>,
        store: &StateStore,
        function: &'static str,
    ) -> Result<(), ApiError> {
        let token = match (presented(headers), self.settings.mode) {
            (Presented::Token(token), _) => token,
            (Presented::Malformed, _) => {
                tracing::info!("attestation refused: a malformed token header");
                return Err(FAILED);
            }
            (Presented::None, Attestation::Required) => {
                return Err(ApiError::Forbidden(Refusal::AttestationRequired));
            }
            (Presented::None, _) => return Ok(()),
        };
        let mut verdict = self.verify(token, source_ip, false).await?;
        if matches!(verdict, Verdict::Misconfigured(_)) && self.may_reread() {
            // Perhaps the secret was rotated since it was read: read it once more.
            verdict = self.verify(token, source_ip, true).await?;
        }
        match verdict {
            Verdict::Passed => {}
            Verdict::Refused(why) => {
                tracing::info!(
                    provider = self.settings.provider.name(),
                    why,
                    "attestation refused"
                );
                return Err(FAILED);
            }
            Verdict::Misconfigured(why) => {
                tracing::error!(
                    provider = self.settings.provider.name(),
                    why,
                    "attestation unavailable"
                );
                return Err(ApiError::Unavailable);
            }
        }
        let now = SystemTime::now();
        let key = StateKey::new(function, "attestation", &[token]);
        let spent_until = now + self.settings.provider.token_lifetime();
        match store
            .claim(&key, &Fingerprint::of(token.as_bytes()), now, spent_until)
            .await
        {
            Ok(Claim::Claimed) => Ok(()),
            Ok(Claim::Taken(_)) => {
                tracing::info!("attestation refused: the token was already used");
                Err(FAILED)
            }
            Err(e) => {
                tracing::error!(error = %e, "the spent-token record could not be written");
                Err(ApiError::Unavailable)
            }
        }
    }

    /// Whether a refused secret may be re-read now: at most once per [`REREAD_EVERY`].
    fn may_reread(&self) -> bool {
        let mut last = self.reread_at.lock().unwrap_or_else(|e| e.into_inner());
        let now = std::time::Instant::now();
        match *last {
            Some(at) if now.duration_since(at) < REREAD_EVERY => false,
            _ => {
                *last = Some(now);
                true
            }
        }
    }

    /// One `siteverify` round trip. A provider that cannot be reached, is slow or answers other than 2xx
    /// JSON is an `Err` (503): fail closed.
    async fn verify(
        &self,
        token: &str,
        source_ip: Option<&str>,
        reread: bool,
    ) -> Result<Verdict, ApiError> {
        let secret = self.secret(reread).await?;
        let mut form = vec![("secret", secret.expose()), ("response", token)];
        if let Some(ip) = source_ip {
            form.push(("remoteip", ip));
        }
        let provider = self.settings.provider.name();
        let unavailable = |why: &str| {
            tracing::warn!(provider, why, "attestation provider unavailable");
            ApiError::Unavailable
        };
        let sent = self
            .http
            .post(self.settings.verify_url.clone())
            .form(&form)
            .timeout(VERIFY_TIMEOUT)
            .send()
            .await
            .map_err(|e| match e.is_timeout() {
                true => unavailable("no answer in time"),
                false => unavailable("unreachable"),
            })?;
        let answer = wix_auth::read_answer(sent, MAX_ANSWER_BYTES)
            .await
            .map_err(|_| unavailable("the answer could not be read"))?;
        if !answer.is_success() {
            return Err(unavailable("an error status"));
        }
        let answer: SiteverifyAnswer = serde_json::from_slice(&answer.body)
            .map_err(|_| unavailable("an unreadable answer"))?;
        Ok(judge(&answer, &self.settings, SystemTime::now()))
    }
}

#[cfg(test)]
mod tests;

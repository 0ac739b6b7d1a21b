//! Who is calling: a Wix visitor or member token checked with Wix's token-info, or an IAM principal
//! verified by AWS when the function URL uses `AWS_IAM`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use backon::Retryable;
use quick_cache::sync::Cache;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::CallerCacheAges;
use crate::wix::{WixError, backoff, read_capped, transport_error};
use crate::{ApiError, Config, WixId};

/// Verified identities held at once; beyond this the least recently used are dropped.
const CACHE_CAPACITY: usize = 10_000;
/// A refused token is refused again from memory for this long (a token does not become valid later).
const REJECTED_CACHE_AGE: Duration = Duration::from_secs(300);
/// One token-info attempt; with one retry this bounds how long a caller check can take.
const TOKEN_INFO_TIMEOUT: Duration = Duration::from_secs(3);
/// Real Wix tokens are a few hundred bytes; anything far longer is not one.
const MAX_TOKEN_BYTES: usize = 4096;

/// The verified subject of a request. It comes from Wix's answer about the token (or from AWS), never
/// from anything else the caller sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// An anonymous visitor of this site. Anyone can mint one with the public client id.
    Visitor { visitor_id: String },
    /// A logged-in member of this site.
    Member { member_id: WixId },
    /// A server-to-server caller whose request AWS signed and verified (function URL with `AWS_IAM`).
    Iam { principal_arn: String },
}

impl Subject {
    pub fn kind(&self) -> &'static str {
        match self {
            Subject::Visitor { .. } => "visitor",
            Subject::Member { .. } => "member",
            Subject::Iam { .. } => "iam",
        }
    }

    pub fn id(&self) -> String {
        match self {
            Subject::Visitor { visitor_id } => visitor_id.clone(),
            Subject::Member { member_id } => member_id.to_string(),
            Subject::Iam { principal_arn } => principal_arn.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub subject: Subject,
}

#[derive(Clone)]
struct Verified {
    subject: Subject,
    valid_until: SystemTime,
}

/// Checks caller tokens with `POST /oauth2/token-info` and remembers positive answers.
pub struct CallerVerifier {
    http: reqwest::Client,
    token_info_url: String,
    client_id: String,
    site_id: Option<String>,
    admin_member_ids: std::collections::HashSet<WixId>,
    /// Keyed by SHA-256 of the token: the cache never holds a usable token.
    verified: Cache<[u8; 32], Verified>,
    /// Tokens Wix refused, by the same hash, with why and until when: a flood of one junk token costs one
    /// token-info call per instance.
    rejected: Cache<[u8; 32], (SystemTime, &'static str)>,
    /// Whether the IAM part of the request context is AWS's word (an `AWS_IAM` URL) or the invoker's.
    iam_url: bool,
    cache_ages: CallerCacheAges,
    /// Calls to token-info and answers from either cache since the cold start, for the metrics.
    token_info_calls: AtomicU64,
    cache_hits: AtomicU64,
}

/// How often this instance asked Wix about a token, and how often its caches answered instead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct VerifierStats {
    pub(crate) token_info_calls: u64,
    pub(crate) cache_hits: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenInfo {
    #[serde(default)]
    active: bool,
    subject_type: Option<String>,
    subject_id: Option<String>,
    client_id: Option<String>,
    site_id: Option<String>,
    exp: Option<serde_json::Value>,
}

impl CallerVerifier {
    pub fn new(http: reqwest::Client, config: &Config) -> Self {
        CallerVerifier {
            http,
            token_info_url: format!("{}/oauth2/token-info", config.api_base),
            client_id: config.client_id.clone(),
            site_id: config.site_id.clone(),
            admin_member_ids: config.admin_member_ids.clone(),
            iam_url: config.iam_url,
            cache_ages: config.caller_cache,
            token_info_calls: AtomicU64::new(0),
            cache_hits: AtomicU64::new(0),
            verified: Cache::new(CACHE_CAPACITY),
            rejected: Cache::new(CACHE_CAPACITY),
        }
    }

    /// Identify the caller of `request`: an IAM principal from the request context, else the bearer token.
    pub async fn verify(&self, request: &lambda_http::Request) -> Result<Caller, ApiError> {
        if let Some(principal_arn) = iam_principal(request).filter(|_| self.iam_url) {
            return Ok(Caller {
                subject: Subject::Iam { principal_arn },
            });
        }
        let token = bearer_token(request.headers())?;
        self.verify_token(token)
            .await
            .map(|subject| Caller { subject })
    }

    /// Whether `request` carries a token this instance verified and still trusts: such a caller is not
    /// held back by a penalty its network earned with other tokens.
    pub(crate) fn is_known(&self, request: &lambda_http::Request) -> bool {
        let Ok(token) = bearer_token(request.headers()) else {
            return false;
        };
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        self.verified
            .get(&key)
            .is_some_and(|hit| hit.valid_until > SystemTime::now())
    }

    pub(crate) fn stats(&self) -> VerifierStats {
        VerifierStats {
            token_info_calls: self.token_info_calls.load(Ordering::Relaxed),
            cache_hits: self.cache_hits.load(Ordering::Relaxed),
        }
    }

    pub async fn verify_token(&self, token: &str) -> Result<Subject, ApiError> {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let now = SystemTime::now();
        if let Some(hit) = self.verified.get(&key) {
            if hit.valid_until > now {
                self.cache_hits.fetch_add(1, Ordering::Relaxed);
                return Ok(hit.subject);
            }
            self.verified.remove(&key);
        }
        if let Some((until, reason)) = self.rejected.get(&key) {
            if until > now {
                self.cache_hits.fetch_add(1, Ordering::Relaxed);
                return Err(ApiError::Unauthenticated(reason));
            }
            self.rejected.remove(&key);
        }
        self.token_info_calls.fetch_add(1, Ordering::Relaxed);
        let Some(info) = self.token_info(token).await? else {
            return Err(self.remember_rejection(key, now, "the access token is not valid"));
        };
        let (subject, expires_at) = self.accept(info, now).map_err(|e| match e {
            ApiError::Unauthenticated(reason) => self.remember_rejection(key, now, reason),
            other => other,
        })?;
        let max_age = match &subject {
            Subject::Member { member_id } if self.admin_member_ids.contains(member_id) => {
                self.cache_ages.admin
            }
            _ => self.cache_ages.caller,
        };
        let valid_until = expires_at.min(now + max_age);
        self.verified.insert(
            key,
            Verified {
                subject: subject.clone(),
                valid_until,
            },
        );
        Ok(subject)
    }

    /// A refusal that will not change (Wix does not know the token, or it fails our checks), kept so
    /// the same token is refused again without asking Wix.
    fn remember_rejection(&self, key: [u8; 32], now: SystemTime, reason: &'static str) -> ApiError {
        self.rejected
            .insert(key, (now + REJECTED_CACHE_AGE, reason));
        ApiError::Unauthenticated(reason)
    }

    /// Wix's description of the token; `None` when Wix refuses to describe it (400, 401, 404: not a
    /// token it issued or still knows).
    async fn token_info(&self, token: &str) -> Result<Option<TokenInfo>, ApiError> {
        let body = serde_json::json!({ "token": token });
        let ask = || async {
            let response = self
                .http
                .post(&self.token_info_url)
                .timeout(TOKEN_INFO_TIMEOUT)
                .json(&body)
                .send()
                .await
                .map_err(transport_error)?;
            let answer = read_capped(response).await?;
            if answer.status == 200 {
                return decode_token_info(&answer.body);
            }
            Err(WixError::Status {
                status: answer.status,
                code: None,
                request_id: answer.request_id,
            })
        };
        let answer = ask
            .retry(backoff().with_max_times(1))
            .when(WixError::is_transient)
            .await;
        match answer {
            Ok(info) => Ok(Some(info)),
            Err(WixError::Status { status: 429, .. }) => Err(ApiError::RateLimited),
            // Wix refuses to describe tokens it does not know: the caller's token is not valid.
            Err(WixError::Status {
                status: 400 | 401 | 404,
                ..
            }) => Ok(None),
            // Another 4xx (a 403 or 408 from an edge) says nothing lasting about the token: refused
            // this once, not remembered.
            Err(WixError::Status {
                status: 400..=499, ..
            }) => Err(ApiError::Unauthenticated("the access token is not valid")),
            Err(WixError::Timeout) => Err(ApiError::GatewayTimeout),
            Err(e) => {
                tracing::warn!(error = %e, "token-info failed");
                Err(ApiError::BadGateway)
            }
        }
    }

    /// The checks on Wix's answer: active, issued by our client, for our site, a visitor or a member.
    pub(crate) fn accept(
        &self,
        info: TokenInfo,
        now: SystemTime,
    ) -> Result<(Subject, SystemTime), ApiError> {
        const INVALID: ApiError = ApiError::Unauthenticated("the access token is not valid");
        if !info.active {
            return Err(ApiError::Unauthenticated(
                "the access token has expired or was revoked",
            ));
        }
        if info.client_id.as_deref() != Some(self.client_id.as_str()) {
            return Err(ApiError::Unauthenticated(
                "the access token was issued to another client",
            ));
        }
        if let Some(site_id) = &self.site_id
            && info.site_id.as_deref() != Some(site_id.as_str())
        {
            return Err(ApiError::Unauthenticated(
                "the access token belongs to another site",
            ));
        }
        let expires_at = info.exp.as_ref().and_then(epoch_time).ok_or(INVALID)?;
        if expires_at <= now {
            return Err(ApiError::Unauthenticated(
                "the access token has expired or was revoked",
            ));
        }
        let subject_id = info
            .subject_id
            .filter(|s| !s.is_empty() && s.len() <= 128)
            .ok_or(INVALID)?;
        let subject = match info.subject_type.as_deref() {
            Some("VISITOR") => Subject::Visitor {
                visitor_id: subject_id,
            },
            Some("MEMBER") => Subject::Member {
                member_id: WixId::parse(&subject_id).map_err(|_| INVALID)?,
            },
            // App, user (site owner) and unknown tokens are not how a frontend calls this project.
            _ => {
                return Err(ApiError::Unauthenticated(
                    "only visitor and member access tokens are accepted",
                ));
            }
        };
        Ok((subject, expires_at))
    }
}

pub(crate) fn decode_token_info(answer: &[u8]) -> Result<TokenInfo, WixError> {
    serde_json::from_slice(answer)
        .map_err(|e| WixError::Unreadable(format!("token-info ({:?})", e.classify())))
}

/// `exp` as epoch seconds, in a JSON number or string; milliseconds are recognised by their size.
fn epoch_time(value: &serde_json::Value) -> Option<SystemTime> {
    let raw: u64 = match value {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64))?,
        serde_json::Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    let seconds = if raw > 100_000_000_000 {
        raw / 1000
    } else {
        raw
    };
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// The token from `Authorization: Bearer <token>` (a bare token is accepted as Wix's SDKs send one).
pub(crate) fn bearer_token(headers: &http::HeaderMap) -> Result<&str, ApiError> {
    let mut values = headers.get_all(http::header::AUTHORIZATION).iter();
    let value = values.next().ok_or(ApiError::Unauthenticated(
        "an Authorization: Bearer <access token> header is required",
    ))?;
    if values.next().is_some() {
        return Err(ApiError::Unauthenticated(
            "send exactly one Authorization header",
        ));
    }
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthenticated("the access token is malformed"))?
        .trim();
    if value.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::Unauthenticated("the access token is malformed"));
    }
    let token = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        Some(_) => {
            return Err(ApiError::Unauthenticated(
                "the Authorization scheme must be Bearer",
            ));
        }
        None => value,
    };
    let well_formed = !token.is_empty()
        && token.len() <= MAX_TOKEN_BYTES
        && token.bytes().all(|b| b.is_ascii_graphic());
    if well_formed {
        Ok(token)
    } else {
        Err(ApiError::Unauthenticated("the access token is malformed"))
    }
}

/// The IAM principal in the request context. AWS verified it only when the function URL's auth type
/// is `AWS_IAM`; elsewhere whoever invoked the function wrote it ([`CallerVerifier::verify`] checks).
fn iam_principal(request: &lambda_http::Request) -> Option<String> {
    crate::context::function_url_context(request)?
        .authorizer
        .as_ref()?
        .iam
        .as_ref()?
        .user_arn
        .as_deref()
        .and_then(crate::config::iam_principal)
}

#[cfg(test)]
mod tests;

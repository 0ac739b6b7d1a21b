use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde::Deserialize;

use crate::{AuthError, Secret, SecretSource, WixCredentials};

/// Wix documents 4 h for app tokens but promises nothing for headless ones: when the answer has no
/// usable `expires_in`, assume a short life rather than a long one.
const FALLBACK_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
/// Longest lifetime believed from Wix: a bogus `expires_in` must not overflow or pin a token for days.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// Stop using a token this long before Wix says it expires (clock skew, request in flight).
const MAX_EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// A credential this young is not discarded on a 401: Wix also answers 401 for some permission problems,
/// and each such call must not cost a mint.
const MIN_AGE_BEFORE_REJECT: Duration = Duration::from_secs(2);
/// The secret is reread (rotation suspected) at most this often once a reread did not help, and at most
/// this often for a rejected API key: misconfiguration must not turn every request into a Secrets
/// Manager call.
const MIN_REREAD_INTERVAL: Duration = Duration::from_secs(30);
/// After a failed refresh, callers get the same error without a new attempt for this long...
const FAILURE_COOLDOWN: Duration = Duration::from_secs(1);
/// ...or, when Wix rejected the client credentials themselves, this long.
const REJECTED_CLIENT_COOLDOWN: Duration = Duration::from_secs(15);
/// A token endpoint answer larger than this is not a token.
const MAX_TOKEN_RESPONSE_BYTES: usize = 64 * 1024;

/// The credential to put on an elevated Wix call.
#[derive(Clone)]
pub struct AdminCredential(Arc<CredentialKind>);

enum CredentialKind {
    Token {
        token: Secret,
        minted_at: Instant,
        usable_until: Instant,
    },
    ApiKey {
        api_key: Secret,
        site_id: String,
        read_at: Instant,
    },
}

/// An `Authorization` value marked sensitive, so the HTTP stack never prints it. A credential that is not
/// a valid header value is an error, never an empty header.
fn sensitive(value: &str) -> Result<HeaderValue, AuthError> {
    let mut header = HeaderValue::from_str(value)
        .ok()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            AuthError::CredentialUnusable("the admin credential is not a valid header value".into())
        })?;
    header.set_sensitive(true);
    Ok(header)
}

impl AdminCredential {
    /// Put the credential on a request: the bare token (as Wix's SDK sends it), or the API key plus the
    /// site it is bound to.
    pub fn authorize(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, AuthError> {
        Ok(match &*self.0 {
            CredentialKind::Token { token, .. } => {
                request.header(AUTHORIZATION, sensitive(token.expose())?)
            }
            CredentialKind::ApiKey {
                api_key, site_id, ..
            } => request
                .header(AUTHORIZATION, sensitive(api_key.expose())?)
                .header("wix-site-id", site_id),
        })
    }

    fn is_usable(&self, now: Instant) -> bool {
        match &*self.0 {
            CredentialKind::Token { usable_until, .. } => now < *usable_until,
            CredentialKind::ApiKey { .. } => true,
        }
    }

    fn obtained_at(&self) -> Instant {
        match &*self.0 {
            CredentialKind::Token { minted_at, .. } => *minted_at,
            CredentialKind::ApiKey { read_at, .. } => *read_at,
        }
    }
}

impl std::fmt::Debug for AdminCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.0 {
            CredentialKind::Token { usable_until, .. } => f
                .debug_struct("AdminToken")
                .field(
                    "usable_for",
                    &usable_until.saturating_duration_since(Instant::now()),
                )
                .finish_non_exhaustive(),
            CredentialKind::ApiKey { site_id, .. } => f
                .debug_struct("ApiKey")
                .field("site_id", site_id)
                .finish_non_exhaustive(),
        }
    }
}

/// Counters a test or a log line can read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdminStats {
    pub secret_fetches: u64,
    pub mints: u64,
    /// Refreshes that ended without a credential (the secret unreadable, or the mint refused or failed).
    pub mint_failures: u64,
}

/// Produces admin credentials and keeps them fresh. Share one per process (it is `Send + Sync`); every
/// concurrent request that finds no usable credential waits for the same single fetch/mint, and a
/// failure is shared the same way for a short cooldown, so no request pattern becomes a retry storm.
pub struct AdminAuth {
    http: reqwest::Client,
    token_url: String,
    source: SecretSource,
    /// The site API-key credentials must be bound to (`WIX_SITE_ID`).
    expected_site: Option<String>,
    /// The OAuth client the secret must belong to (`WIX_CLIENT_ID`).
    expected_client: Option<String>,
    /// The credential in use; read without waiting on the hot path.
    current: RwLock<Option<AdminCredential>>,
    /// Held for the whole refresh (secret fetch + mint): this is what makes refresh single flight.
    refresh: tokio::sync::Mutex<RefreshState>,
    /// Set when Wix rejected an API key: the next refresh rereads the secret.
    api_key_rejected: AtomicBool,
    secret_fetches: AtomicU64,
    mints: AtomicU64,
    mint_failures: AtomicU64,
}

#[derive(Default)]
struct RefreshState {
    credentials: Option<WixCredentials>,
    /// The last refresh failure and until when it is returned without a new attempt.
    failure: Option<(AuthError, Instant)>,
    /// When the secret was last reread because Wix rejected what it held.
    last_reread: Option<Instant>,
}

impl RefreshState {
    fn may_reread(&self) -> bool {
        self.last_reread
            .is_none_or(|at| at.elapsed() >= MIN_REREAD_INTERVAL)
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    /// A number per the docs; accepted as a string too, since int64 values often travel as strings.
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct OAuthErrorBody {
    error: Option<String>,
}

impl AdminAuth {
    /// `api_base` is Wix's REST host (`https://www.wixapis.com` in production).
    pub fn new(http: reqwest::Client, api_base: &str, source: SecretSource) -> Self {
        AdminAuth {
            http,
            token_url: format!("{}/oauth2/token", api_base.trim_end_matches('/')),
            source,
            expected_site: None,
            expected_client: None,
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(RefreshState::default()),
            api_key_rejected: AtomicBool::new(false),
            secret_fetches: AtomicU64::new(0),
            mints: AtomicU64::new(0),
            mint_failures: AtomicU64::new(0),
        }
    }

    /// API-key mode: the key's `siteId` must equal `site_id`, and a site id is required.
    pub fn expecting_site(mut self, site_id: Option<String>) -> Self {
        self.expected_site = site_id;
        self
    }

    /// OAuth mode: the secret's `clientId` must equal `client_id`. Caller tokens are checked against
    /// `WIX_CLIENT_ID`; a secret of another client would elevate this client's callers with its rights.
    pub fn expecting_client(mut self, client_id: impl Into<String>) -> Self {
        self.expected_client = Some(client_id.into());
        self
    }

    pub fn stats(&self) -> AdminStats {
        AdminStats {
            secret_fetches: self.secret_fetches.load(Ordering::Relaxed),
            mints: self.mints.load(Ordering::Relaxed),
            mint_failures: self.mint_failures.load(Ordering::Relaxed),
        }
    }

    /// Fetch the secret and mint now (cold start), so the first request does not pay for it.
    pub async fn warm(&self) -> Result<(), AuthError> {
        self.credential().await.map(drop)
    }

    /// A usable admin credential: the cached one, or a freshly minted one (single flight).
    pub async fn credential(&self) -> Result<AdminCredential, AuthError> {
        if let Some(usable) = self.usable_current() {
            return Ok(usable);
        }
        let mut state = self.refresh.lock().await;
        // Whoever held the lock before us may have refreshed already, or failed moments ago: requests that
        // queued behind a failure share it instead of each trying again.
        if let Some(usable) = self.usable_current() {
            return Ok(usable);
        }
        if let Some((error, until)) = &state.failure
            && Instant::now() < *until
        {
            return Err(error.clone());
        }
        let result = self.refresh(&mut state).await;
        if result.is_err() {
            self.mint_failures.fetch_add(1, Ordering::Relaxed);
        }
        state.failure = result.as_ref().err().map(|error| {
            let cooldown = match error {
                AuthError::ClientRejected { .. } => REJECTED_CLIENT_COOLDOWN,
                _ => FAILURE_COOLDOWN,
            };
            (error.clone(), Instant::now() + cooldown)
        });
        if let Ok(credential) = &result {
            *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(credential.clone());
        }
        result
    }

    async fn refresh(&self, state: &mut RefreshState) -> Result<AdminCredential, AuthError> {
        let mut fetched_now = false;
        let key_rejected = self.api_key_rejected.load(Ordering::Acquire);
        if state.credentials.is_none() || (key_rejected && state.may_reread()) {
            if state.credentials.is_some() {
                state.last_reread = Some(Instant::now());
            }
            self.fetch_secret(state).await?;
            // Cleared only once the reread worked: a failed fetch must not lose the signal.
            self.api_key_rejected.store(false, Ordering::Release);
            fetched_now = true;
        }
        let credentials = state.credentials.clone().expect("fetched above");
        match self.credential_for(&credentials).await {
            Err(AuthError::ClientRejected { .. }) if !fetched_now && state.may_reread() => {
                tracing::warn!(
                    "Wix rejected the OAuth client credentials; rereading the secret once (rotated?)"
                );
                state.last_reread = Some(Instant::now());
                self.fetch_secret(state).await?;
                let rotated = state.credentials.clone().expect("fetched above");
                self.credential_for(&rotated).await
            }
            other => other,
        }
    }

    /// Wix answered 401 to a call made with `rejected`: stop using it, unless a newer one already replaced
    /// it, or it is so new that the 401 is more likely about permissions than about the credential.
    /// Returns whether a retry may get a different credential.
    pub fn reject(&self, rejected: &AdminCredential) -> bool {
        if rejected.obtained_at().elapsed() < MIN_AGE_BEFORE_REJECT {
            return false;
        }
        let mut current = self.current.write().unwrap_or_else(|p| p.into_inner());
        if current
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(&c.0, &rejected.0))
        {
            if matches!(*rejected.0, CredentialKind::ApiKey { .. }) {
                self.api_key_rejected.store(true, Ordering::Release);
            }
            *current = None;
        }
        true
    }

    fn usable_current(&self) -> Option<AdminCredential> {
        let current = self.current.read().unwrap_or_else(|p| p.into_inner());
        current
            .as_ref()
            .filter(|c| c.is_usable(Instant::now()))
            .cloned()
    }

    async fn fetch_secret(&self, state: &mut RefreshState) -> Result<(), AuthError> {
        self.secret_fetches.fetch_add(1, Ordering::Relaxed);
        state.credentials = Some(self.source.fetch().await?);
        Ok(())
    }

    async fn credential_for(
        &self,
        credentials: &WixCredentials,
    ) -> Result<AdminCredential, AuthError> {
        match credentials {
            WixCredentials::ApiKey { api_key, site_id } => {
                // Caller tokens are checked against WIX_SITE_ID; an API key for another site would elevate
                // this site's callers on that one.
                match &self.expected_site {
                    Some(expected) if expected == site_id => {}
                    Some(_) => {
                        return Err(AuthError::SecretMalformed(
                            "the API key's siteId differs from WIX_SITE_ID".into(),
                        ));
                    }
                    None => {
                        return Err(AuthError::SecretMalformed(
                            "API-key mode requires WIX_SITE_ID".into(),
                        ));
                    }
                }
                Ok(AdminCredential(Arc::new(CredentialKind::ApiKey {
                    api_key: api_key.clone(),
                    site_id: site_id.clone(),
                    read_at: Instant::now(),
                })))
            }
            WixCredentials::OAuth {
                client_id,
                client_secret,
            } => {
                if self
                    .expected_client
                    .as_ref()
                    .is_some_and(|expected| expected != client_id)
                {
                    return Err(AuthError::SecretMalformed(
                        "the secret's clientId differs from WIX_CLIENT_ID".into(),
                    ));
                }
                // Minting is safe to repeat: retry what may pass on a second try (not 429: retrying
                // into a rate limit only deepens it).
                let mint = || self.mint(client_id, client_secret);
                mint.retry(
                    ExponentialBuilder::default()
                        .with_min_delay(Duration::from_millis(50))
                        .with_max_delay(Duration::from_millis(400))
                        .with_max_times(2)
                        .with_jitter(),
                )
                .when(AuthError::is_transient)
                .await
            }
        }
    }

    async fn mint(
        &self,
        client_id: &str,
        client_secret: &Secret,
    ) -> Result<AdminCredential, AuthError> {
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret.expose(),
        });
        let started = Instant::now();
        let unreachable =
            |e: reqwest::Error| AuthError::WixUnreachable(e.without_url().to_string());
        let response = self
            .http
            .post(&self.token_url)
            .json(&body)
            .send()
            .await
            .map_err(unreachable)?;
        let crate::Answer {
            status,
            request_id,
            body: bytes,
        } = crate::read_answer(response, MAX_TOKEN_RESPONSE_BYTES)
            .await
            .map_err(|e| match e {
                crate::ReadError::Transport(e) => unreachable(e),
                crate::ReadError::TooLarge { .. } => {
                    AuthError::MintResponseMalformed("answer too large".into())
                }
            })?;
        if !(200..300).contains(&status) {
            let oauth_error = serde_json::from_slice::<OAuthErrorBody>(&bytes)
                .ok()
                .and_then(|b| b.error);
            let client_rejected = status == 401
                || matches!(
                    oauth_error.as_deref(),
                    Some("invalid_client" | "unauthorized_client")
                );
            let error = oauth_error.map(|e| e.chars().take(40).collect::<String>());
            tracing::warn!(status, wix_request_id = ?request_id, ?error, "admin token mint failed");
            return Err(if client_rejected {
                AuthError::ClientRejected { status, request_id }
            } else {
                AuthError::MintFailed { status, request_id }
            });
        }
        let (parsed, lifetime) = decode_token_response(&bytes)?;
        self.mints.fetch_add(1, Ordering::Relaxed);
        tracing::info!(
            wix_request_id = ?request_id,
            lifetime_s = lifetime.as_secs(),
            latency_ms = started.elapsed().as_millis() as u64,
            "minted a Wix admin token"
        );
        Ok(AdminCredential(Arc::new(CredentialKind::Token {
            token: Secret::new(parsed.access_token),
            minted_at: started,
            usable_until: started + lifetime.saturating_sub(expiry_margin(lifetime)),
        })))
    }
}

/// The margin grows with the lifetime but never eats more than a fifth of it.
fn expiry_margin(lifetime: Duration) -> Duration {
    (lifetime / 5).min(MAX_EXPIRY_MARGIN)
}

/// Wix's answer to the `client_credentials` grant, and the lifetime the token is used for.
fn decode_token_response(bytes: &[u8]) -> Result<(TokenResponse, Duration), AuthError> {
    let parsed: TokenResponse = serde_json::from_slice(bytes).map_err(|e| {
        AuthError::MintResponseMalformed(format!("{:?} at column {}", e.classify(), e.column()))
    })?;
    let lifetime = parse_lifetime(parsed.expires_in.as_ref());
    Ok((parsed, lifetime))
}

/// The token-mint answer decoded as [`AdminAuth`] decodes it, for the fuzz targets.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub fn fuzz_token_response(bytes: &[u8]) -> bool {
    let Ok((_, lifetime)) = decode_token_response(bytes) else {
        return false;
    };
    assert!(
        !lifetime.is_zero() && lifetime <= MAX_TOKEN_LIFETIME,
        "{lifetime:?}"
    );
    true
}

fn parse_lifetime(expires_in: Option<&serde_json::Value>) -> Duration {
    let seconds = match expires_in {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    seconds
        .filter(|s| *s > 0)
        .map(|s| Duration::from_secs(s).min(MAX_TOKEN_LIFETIME))
        .unwrap_or(FALLBACK_TOKEN_LIFETIME)
}

#[cfg(test)]
mod tests;

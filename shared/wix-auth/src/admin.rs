use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use serde::Deserialize;

use crate::{AuthError, Secret, SecretSource, WixCredentials};

/// Wix documents 4 h for app tokens but promises nothing for headless ones: when the answer has no
/// usable `expires_in`, assume a short life rather than a long one.
const FALLBACK_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
/// Stop using a token this long before Wix says it expires (clock skew, request in flight).
const MAX_EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// After a reread secret was rejected too, wait this long before rereading again (rotation is rare;
/// misconfiguration must not turn every request into a Secrets Manager call).
const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(30);

/// The credential to put on an elevated Wix call.
#[derive(Clone)]
pub struct AdminCredential(Arc<CredentialKind>);

enum CredentialKind {
    Token {
        token: Secret,
        usable_until: Instant,
    },
    ApiKey {
        api_key: Secret,
        site_id: String,
    },
}

impl AdminCredential {
    /// Put the credential on a request: the bare token (as Wix's SDK sends it), or the API key plus the
    /// site it is bound to.
    pub fn authorize(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &*self.0 {
            CredentialKind::Token { token, .. } => {
                request.header(reqwest::header::AUTHORIZATION, token.expose())
            }
            CredentialKind::ApiKey { api_key, site_id } => request
                .header(reqwest::header::AUTHORIZATION, api_key.expose())
                .header("wix-site-id", site_id),
        }
    }

    fn is_usable(&self, now: Instant) -> bool {
        match &*self.0 {
            CredentialKind::Token { usable_until, .. } => now < *usable_until,
            CredentialKind::ApiKey { .. } => true,
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
}

/// Produces admin credentials and keeps them fresh. Share one per process (it is `Send + Sync`); every
/// concurrent request that finds no usable credential waits for the same single fetch/mint.
pub struct AdminAuth {
    http: reqwest::Client,
    token_url: String,
    source: SecretSource,
    /// The site API-key credentials must be bound to (`WIX_SITE_ID`).
    expected_site: Option<String>,
    /// The credential in use; read without waiting on the hot path.
    current: RwLock<Option<AdminCredential>>,
    /// Held for the whole refresh (secret fetch + mint): this is what makes refresh single flight.
    refresh: tokio::sync::Mutex<RefreshState>,
    /// Set when Wix rejected an API key: the next refresh rereads the secret.
    api_key_rejected: AtomicBool,
    secret_fetches: AtomicU64,
    mints: AtomicU64,
}

#[derive(Default)]
struct RefreshState {
    credentials: Option<WixCredentials>,
    /// When a reread secret was rejected as well.
    reread_rejected_at: Option<Instant>,
}

impl RefreshState {
    fn may_reread(&self) -> bool {
        self.reread_rejected_at
            .is_none_or(|at| at.elapsed() >= MIN_REFETCH_INTERVAL)
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
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(RefreshState::default()),
            api_key_rejected: AtomicBool::new(false),
            secret_fetches: AtomicU64::new(0),
            mints: AtomicU64::new(0),
        }
    }

    /// API-key mode: the key's `siteId` must equal `site_id`, and a site id is required.
    pub fn expecting_site(mut self, site_id: Option<String>) -> Self {
        self.expected_site = site_id;
        self
    }

    pub fn stats(&self) -> AdminStats {
        AdminStats {
            secret_fetches: self.secret_fetches.load(Ordering::Relaxed),
            mints: self.mints.load(Ordering::Relaxed),
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
        // Whoever held the lock before us may have refreshed already.
        if let Some(usable) = self.usable_current() {
            return Ok(usable);
        }
        let mut fetched_now = false;
        if state.credentials.is_none() || self.api_key_rejected.swap(false, Ordering::AcqRel) {
            self.fetch_secret(&mut state).await?;
            fetched_now = true;
        }
        let credentials = state.credentials.clone().expect("fetched above");
        let credential = match self.credential_for(&credentials).await {
            Err(AuthError::ClientRejected { .. }) if !fetched_now && state.may_reread() => {
                tracing::warn!(
                    "Wix rejected the OAuth client credentials; rereading the secret once (rotated?)"
                );
                self.fetch_secret(&mut state).await?;
                let rotated = state.credentials.clone().expect("fetched above");
                let minted = self.credential_for(&rotated).await;
                if matches!(minted, Err(AuthError::ClientRejected { .. })) {
                    state.reread_rejected_at = Some(Instant::now());
                }
                minted?
            }
            other => other?,
        };
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(credential.clone());
        Ok(credential)
    }

    /// Wix answered 401 to a call made with `rejected`: stop using it, unless a newer one already replaced it.
    pub fn reject(&self, rejected: &AdminCredential) {
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
                })))
            }
            WixCredentials::OAuth {
                client_id,
                client_secret,
            } => {
                // Minting is safe to repeat: retry what may pass on a second try, nothing else.
                let mint = || self.mint(client_id, client_secret);
                mint.retry(
                    ExponentialBuilder::default()
                        .with_min_delay(Duration::from_millis(50))
                        .with_max_delay(Duration::from_millis(400))
                        .with_max_times(2)
                        .with_jitter(),
                )
                .when(|e: &AuthError| {
                    matches!(
                        e,
                        AuthError::WixUnreachable(_) | AuthError::MintFailed { .. }
                    ) && e.is_transient()
                })
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
        let response = self
            .http
            .post(&self.token_url)
            .json(&body)
            .send()
            .await
            .map_err(|e| AuthError::WixUnreachable(without_url(e).to_string()))?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-wix-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response
            .bytes()
            .await
            .map_err(|e| AuthError::WixUnreachable(without_url(e).to_string()))?;
        if !(200..300).contains(&status) {
            let oauth_error = serde_json::from_slice::<OAuthErrorBody>(&bytes)
                .ok()
                .and_then(|b| b.error);
            let client_rejected = status == 401
                || matches!(
                    oauth_error.as_deref(),
                    Some("invalid_client" | "unauthorized_client")
                );
            tracing::warn!(status, wix_request_id = ?request_id, error = ?oauth_error, "admin token mint failed");
            return Err(if client_rejected {
                AuthError::ClientRejected { status, request_id }
            } else {
                AuthError::MintFailed { status, request_id }
            });
        }
        let parsed: TokenResponse = serde_json::from_slice(&bytes).map_err(|e| {
            AuthError::MintResponseMalformed(format!("{:?} at column {}", e.classify(), e.column()))
        })?;
        let lifetime = parse_lifetime(parsed.expires_in.as_ref());
        self.mints.fetch_add(1, Ordering::Relaxed);
        tracing::info!(
            wix_request_id = ?request_id,
            lifetime_s = lifetime.as_secs(),
            latency_ms = started.elapsed().as_millis() as u64,
            "minted a Wix admin token"
        );
        Ok(AdminCredential(Arc::new(CredentialKind::Token {
            token: Secret::new(parsed.access_token),
            usable_until: started + lifetime.saturating_sub(expiry_margin(lifetime)),
        })))
    }
}

/// The margin grows with the lifetime but never eats more than a fifth of it.
fn expiry_margin(lifetime: Duration) -> Duration {
    (lifetime / 5).min(MAX_EXPIRY_MARGIN)
}

fn parse_lifetime(expires_in: Option<&serde_json::Value>) -> Duration {
    let seconds = match expires_in {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    seconds
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
        .unwrap_or(FALLBACK_TOKEN_LIFETIME)
}

/// reqwest errors carry the URL; ours carry no secrets, but keep errors short and uniform.
fn without_url(error: reqwest::Error) -> reqwest::Error {
    error.without_url()
}

#[cfg(test)]
mod tests;

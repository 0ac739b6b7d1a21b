//! Elevated calls to the Wix REST API.
//!
//! [`WixClient`] is built once per process; each request gets a [`Wix`] handle that borrows it and
//! remembers the `x-wix-request-id` of every call for the audit line. Typed calls per Wix area live in
//! the submodules.

pub mod billing;
pub mod bookings;
pub mod data;
pub mod filter;
pub mod media;
pub mod members;
pub mod orders;
pub mod site_properties;
pub mod stores;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;
use wix_auth::{AdminAuth, AdminCredential, AuthError};

use crate::WixId;
use crate::config::is_loopback_host;

/// One attempt may take this long before it counts as a timeout.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(4);
/// All attempts of one call together, retries and re-mint included, stay within this.
const CALL_BUDGET: Duration = Duration::from_secs(9);
/// Wix answers are JSON documents; anything bigger than this is not one we asked for.
const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;
/// Sending a file of a few megabytes to an upload URL may take longer than a JSON call.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(8);

/// Whether a call may be sent again after a failure that may or may not have reached Wix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// Reads, and writes made idempotent by a revision: retried on 429, 5xx and timeouts.
    Safe,
    /// Creates, refunds and other effects: retried only when the request provably never left.
    Once,
}

/// A Wix URL path made only of static segments and [`WixId`]s, so caller input cannot change its shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WixPath(String);

impl WixPath {
    pub fn new(path: &'static str) -> Self {
        assert!(
            path.starts_with('/') && !path.contains(['?', '#']),
            "a static Wix path"
        );
        WixPath(path.trim_end_matches('/').to_owned())
    }

    pub fn id(mut self, id: &WixId) -> Self {
        self.0.push('/');
        self.0.push_str(&id.to_string());
        self
    }

    pub fn segment(mut self, segment: &'static str) -> Self {
        assert!(
            !segment.contains(['/', '?', '#']),
            "one static path segment"
        );
        self.0.push('/');
        self.0.push_str(segment);
        self
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Error)]
pub enum WixError {
    #[error("admin credentials unavailable: {0}")]
    Auth(#[from] AuthError),
    #[error("Wix answered {status} (code {code:?}, wix request id {request_id:?})")]
    Status {
        status: u16,
        code: Option<String>,
        request_id: Option<String>,
    },
    #[error("Wix did not answer in time")]
    Timeout,
    /// The connection could not be opened: the request never left this process.
    #[error("Wix could not be reached: {0}")]
    Unreachable(String),
    /// The request could not be built (a body that does not encode, an upload URL this client does
    /// not follow): it was never sent.
    #[error("the request to Wix was not sent: {0}")]
    NotSent(String),
    /// The connection failed after the request may have been sent: Wix may have acted on it.
    #[error("the connection to Wix failed mid-request: {0}")]
    Transport(String),
    /// Wix answered, with a body this client cannot read (not the JSON asked for, or too large).
    #[error("Wix answered with an unreadable body: {0}")]
    Unreadable(String),
}

impl WixError {
    /// The HTTP status Wix answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            WixError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Wix's `details.applicationError.code` (e.g. `-19995` for an email that already exists).
    pub fn application_code(&self) -> Option<&str> {
        match self {
            WixError::Status { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn is_transient(&self) -> bool {
        match self {
            // Not 429: retrying into Wix's rate limit only deepens it.
            WixError::Status { status, .. } => *status >= 500 && *status != 501,
            WixError::Timeout | WixError::Unreachable(_) | WixError::Transport(_) => true,
            // The credential provider retries its own transient failures; repeating it here would
            // multiply them. A request that could not be built fails the same way every time.
            WixError::Auth(_) | WixError::NotSent(_) | WixError::Unreadable(_) => false,
        }
    }

    /// True when Wix provably never saw the request: no admin credential, no connection, or a request
    /// that could not be built. Anything else may have had its effect.
    pub fn never_reached_wix(&self) -> bool {
        matches!(
            self,
            WixError::Auth(_) | WixError::Unreachable(_) | WixError::NotSent(_)
        )
    }

    /// True when the request provably had no effect: Wix never saw it, or refused it (an answer below
    /// 500). A 5xx, a timeout, a connection lost mid-request or an unreadable answer may hide a success.
    pub fn did_nothing(&self) -> bool {
        match self {
            WixError::Status { status, .. } => *status < 500,
            other => other.never_reached_wix(),
        }
    }
}

/// The retry schedule for calls that are safe to repeat: capped, jittered exponential backoff.
pub(crate) fn backoff() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_millis(800))
        .with_max_times(3)
        .with_jitter()
}

/// Built once per process: the HTTP client (and its warm connection) and the admin credentials.
pub struct WixClient {
    http: reqwest::Client,
    base: String,
    auth: Arc<AdminAuth>,
    /// The hosts an upload URL may name (Wix's upload host by default).
    upload_hosts: Vec<String>,
}

/// Where Wix's Media Manager takes uploads (`uploadUrl` in Wix's answers and the SDK's examples).
pub const WIX_UPLOAD_HOST: &str = "upload.wixmp.com";

impl WixClient {
    pub fn new(http: reqwest::Client, base: &str, auth: Arc<AdminAuth>) -> Self {
        WixClient {
            http,
            base: base.trim_end_matches('/').to_owned(),
            auth,
            upload_hosts: vec![WIX_UPLOAD_HOST.to_owned()],
        }
    }

    /// The admin-token provider's counts (mints and failures), for the metrics.
    pub(crate) fn admin_stats(&self) -> wix_auth::AdminStats {
        self.auth.stats()
    }

    /// Upload URLs may name only these hosts (exact names, https on port 443).
    pub fn with_upload_hosts(mut self, hosts: Vec<String>) -> Self {
        self.upload_hosts = hosts;
        self
    }
}

/// One request's view of Wix: elevated calls, with the Wix request ids kept for the audit line, each
/// attempt's outcome and latency for the metrics, and whether a write may have reached Wix (what an
/// idempotency record needs to know after a failure).
pub struct Wix {
    client: Arc<WixClient>,
    request_ids: Mutex<Vec<String>>,
    attempts: Mutex<Vec<WixAttempt>>,
    acted: AtomicBool,
}

/// One attempt at a Wix call (a retry is another attempt): how it ended and how long it took.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WixAttempt {
    pub ended: AttemptEnd,
    pub millis: f64,
}

/// How an attempt ended, in the classes the metrics count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptEnd {
    Success,
    /// A 4xx other than 429.
    ClientError,
    /// 429: Wix is rate limiting.
    Throttled,
    /// A 5xx, a timeout or a failed connection: Wix is failing us.
    ServerError,
}

impl AttemptEnd {
    fn of<T>(result: &Result<T, WixError>) -> AttemptEnd {
        match result {
            Ok(_) => AttemptEnd::Success,
            Err(WixError::Status { status: 429, .. }) => AttemptEnd::Throttled,
            Err(WixError::Status { status, .. }) if *status < 500 => AttemptEnd::ClientError,
            // A body this client cannot read came with a success status: Wix answered.
            Err(WixError::Unreadable(_)) => AttemptEnd::Success,
            Err(_) => AttemptEnd::ServerError,
        }
    }
}

struct Call<'a> {
    method: Method,
    path: &'a WixPath,
    query: &'a [(&'static str, String)],
    body: Option<bytes::Bytes>,
}

impl Wix {
    pub fn new(client: Arc<WixClient>) -> Self {
        Wix {
            client,
            request_ids: Mutex::new(Vec::new()),
            attempts: Mutex::new(Vec::new()),
            acted: AtomicBool::new(false),
        }
    }

    /// Whether a write ([`Repeat::Once`] calls and uploads) may have taken effect: one succeeded, or one
    /// failed in a way that may hide a success.
    pub fn may_have_acted(&self) -> bool {
        self.acted.load(Ordering::SeqCst)
    }

    fn note_write<T>(&self, result: &Result<T, WixError>) {
        if result.as_ref().err().is_none_or(|e| !e.did_nothing()) {
            self.acted.store(true, Ordering::SeqCst);
        }
    }

    /// The `x-wix-request-id` of every call made so far, in order.
    pub fn request_ids(&self) -> Vec<String> {
        self.request_ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Every attempt made so far, in order.
    pub fn attempts(&self) -> Vec<WixAttempt> {
        self.attempts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn note_attempt<T>(&self, started: Instant, result: &Result<T, WixError>) {
        let attempt = WixAttempt {
            ended: AttemptEnd::of(result),
            millis: started.elapsed().as_secs_f64() * 1000.0,
        };
        self.attempts
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(attempt);
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &WixPath,
        query: &[(&'static str, String)],
    ) -> Result<T, WixError> {
        self.send(
            Call {
                method: Method::GET,
                path,
                query,
                body: None,
            },
            Repeat::Safe,
        )
        .await
    }

    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &WixPath,
        body: &impl Serialize,
        repeat: Repeat,
    ) -> Result<T, WixError> {
        self.send_json(Method::POST, path, body, repeat).await
    }

    pub async fn patch<T: DeserializeOwned>(
        &self,
        path: &WixPath,
        body: &impl Serialize,
        repeat: Repeat,
    ) -> Result<T, WixError> {
        self.send_json(Method::PATCH, path, body, repeat).await
    }

    async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &WixPath,
        body: &impl Serialize,
        repeat: Repeat,
    ) -> Result<T, WixError> {
        let body = serde_json::to_vec(body).map_err(|e| WixError::NotSent(e.to_string()))?;
        let call = Call {
            method,
            path,
            query: &[],
            body: Some(body.into()),
        };
        self.send(call, repeat).await
    }

    pub async fn delete<T: DeserializeOwned>(
        &self,
        path: &WixPath,
        query: &[(&'static str, String)],
    ) -> Result<T, WixError> {
        self.send(
            Call {
                method: Method::DELETE,
                path,
                query,
                body: None,
            },
            Repeat::Once,
        )
        .await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        call: Call<'_>,
        repeat: Repeat,
    ) -> Result<T, WixError> {
        let attempt = || self.send_with_fresh_credential(&call);
        let retried = attempt
            .retry(backoff())
            .when(|e: &WixError| match repeat {
                Repeat::Safe => e.is_transient(),
                // Only a failed connection is worth another try; a request that could not be built
                // would fail again.
                Repeat::Once => matches!(e, WixError::Unreachable(_)),
            })
            .notify(|e, delay| tracing::warn!(error = %e, ?delay, path = call.path.as_str(), "retrying Wix call"));
        // Boxed: the retry and timeout machinery is one pointer in every caller's future, so functions that
        // chain several Wix calls stay within the compiler's type-layout depth.
        let bounded: std::pin::Pin<Box<dyn Future<Output = _> + Send + '_>> =
            Box::pin(tokio::time::timeout(CALL_BUDGET, retried));
        let answer = bounded
            .await
            .map_err(|_| WixError::Timeout)
            .and_then(|sent| sent)
            .and_then(|bytes| decode(&bytes, call.path.as_str()));
        if repeat == Repeat::Once {
            self.note_write(&answer);
        }
        answer
    }

    /// `PUT` raw bytes to an upload URL Wix handed out (Media Manager). The URL carries its own one-time
    /// token, so no Authorization header goes with it and the URL is never logged. Sent once: a repeat of a
    /// used upload URL fails anyway. The URL comes from Wix, but it is where the bytes go, so it is checked
    /// first: https to a named host, or plain http on loopback only while Wix itself is on loopback.
    pub async fn put_to_upload_url<T: DeserializeOwned>(
        &self,
        upload_url: &str,
        query: &[(&str, String)],
        content_type: &str,
        body: bytes::Bytes,
    ) -> Result<T, WixError> {
        const LABEL: &str = "media upload URL";
        let url = checked_upload_url(upload_url, &self.client.base, &self.client.upload_hosts)?;
        let started = Instant::now();
        let sent = self
            .client
            .http
            .put(url)
            .query(query)
            .timeout(UPLOAD_TIMEOUT)
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .map_err(transport_error);
        let answer = match sent {
            Ok(response) => self
                .receive(response, LABEL)
                .await
                .and_then(|bytes| decode(&bytes, LABEL)),
            Err(e) => Err(e),
        };
        self.note_attempt(started, &answer);
        self.note_write(&answer);
        answer
    }

    /// One attempt; if Wix says the admin token is no longer valid, re-mint once and try again (a 401 means
    /// the call had no effect, so repeating it is safe even for [`Repeat::Once`]).
    async fn send_with_fresh_credential(&self, call: &Call<'_>) -> Result<Vec<u8>, WixError> {
        let credential = self.client.auth.credential().await?;
        match self.send_once(call, &credential).await {
            Err(WixError::Status { status: 401, .. }) if self.client.auth.reject(&credential) => {
                tracing::info!(
                    path = call.path.as_str(),
                    "Wix rejected the admin token; minting a new one"
                );
                let fresh = self.client.auth.credential().await?;
                self.send_once(call, &fresh).await
            }
            other => other,
        }
    }

    async fn send_once(
        &self,
        call: &Call<'_>,
        credential: &AdminCredential,
    ) -> Result<Vec<u8>, WixError> {
        let url = format!("{}{}", self.client.base, call.path.as_str());
        let mut request = self
            .client
            .http
            .request(call.method.clone(), url)
            .timeout(ATTEMPT_TIMEOUT)
            .header(http::header::ACCEPT, "application/json");
        if !call.query.is_empty() {
            request = request.query(call.query);
        }
        if let Some(body) = &call.body {
            request = request
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let request = credential.authorize(request)?;
        let started = Instant::now();
        let answer = match request.send().await.map_err(transport_error) {
            Ok(response) => self.receive(response, call.path.as_str()).await,
            Err(e) => Err(e),
        };
        self.note_attempt(started, &answer);
        answer
    }

    /// Keeps the Wix request id, reads the body (capped) and turns a non-2xx answer into
    /// [`WixError::Status`] with Wix's error code (never its text). `label` names the call in logs.
    async fn receive(&self, response: reqwest::Response, label: &str) -> Result<Vec<u8>, WixError> {
        let answer = read_capped(response).await?;
        if let Some(id) = &answer.request_id {
            self.request_ids
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(id.clone());
        }
        if answer.is_success() {
            return Ok(answer.body);
        }
        let code = application_error_code(&answer.body);
        let (status, request_id) = (answer.status, answer.request_id);
        tracing::warn!(status, wix_request_id = ?request_id, code = ?code, path = label, "Wix call failed");
        Err(WixError::Status {
            status,
            code,
            request_id,
        })
    }
}

fn decode<T: DeserializeOwned>(bytes: &[u8], label: &str) -> Result<T, WixError> {
    serde_json::from_slice(bytes).map_err(|e| {
        WixError::Unreadable(format!(
            "{label} ({:?} at column {})",
            e.classify(),
            e.column()
        ))
    })
}

/// Decodes bytes as one Wix answer type: whether they were accepted.
#[cfg(feature = "fuzzing")]
pub(crate) type AnswerDecoder = fn(&[u8]) -> bool;

/// Every Wix answer type the client decodes, module by module, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub(crate) const ANSWER_DECODERS: &[&[AnswerDecoder]] = &[
    billing::ANSWERS,
    bookings::ANSWERS,
    data::ANSWERS,
    media::ANSWERS,
    members::ANSWERS,
    orders::ANSWERS,
    site_properties::ANSWERS,
    stores::ANSWERS,
];

#[cfg(feature = "fuzzing")]
fn decodes<T: DeserializeOwned>(bytes: &[u8]) -> bool {
    decode::<T>(bytes, "fuzz").is_ok()
}

/// An upload URL is followed only if it is https on the default port to one of `upload_hosts` (no
/// credentials), or http(s) to loopback while `base` (Wix) is on loopback too: the sandbox. The URL comes
/// from Wix's answer, but the bytes go where it says, so a look-alike (`localhost.`, an internal name, an
/// address) is refused before anything is sent.
pub(crate) fn checked_upload_url(
    upload_url: &str,
    base: &str,
    upload_hosts: &[String],
) -> Result<reqwest::Url, WixError> {
    let refused =
        || WixError::NotSent("Wix answered with an upload URL this client does not follow".into());
    let url = reqwest::Url::parse(upload_url).map_err(|_| refused())?;
    let wix_on_loopback = reqwest::Url::parse(base)
        .ok()
        .is_some_and(|base| base.host_str().is_some_and(is_loopback_host));
    let host = url.host_str().unwrap_or_default();
    let sandbox = wix_on_loopback && is_loopback_host(host);
    // Exact names only (config refuses addresses); `url` has already lowercased the host.
    let pinned = upload_hosts.iter().any(|allowed| allowed == host) && url.port().is_none();
    let allowed = match url.scheme() {
        "https" => pinned || sandbox,
        "http" => sandbox,
        _ => false,
    };
    if allowed && url.username().is_empty() && url.password().is_none() && url.fragment().is_none()
    {
        Ok(url)
    } else {
        Err(refused())
    }
}

pub(crate) fn transport_error(error: reqwest::Error) -> WixError {
    if error.is_timeout() {
        WixError::Timeout
    } else if error.is_connect() {
        WixError::Unreachable(error.without_url().to_string())
    } else if error.is_builder() {
        WixError::NotSent(error.without_url().to_string())
    } else {
        // The request may have been sent: not provably unsent, so not `Unreachable`.
        WixError::Transport(error.without_url().to_string())
    }
}

/// A Wix answer read whole, capped at [`MAX_RESPONSE_BYTES`], with its request id.
pub(crate) async fn read_capped(response: reqwest::Response) -> Result<wix_auth::Answer, WixError> {
    wix_auth::read_answer(response, MAX_RESPONSE_BYTES)
        .await
        .map_err(|e| match e {
            wix_auth::ReadError::Transport(e) => transport_error(e),
            wix_auth::ReadError::TooLarge { cap } => {
                WixError::Unreadable(format!("response larger than {cap} bytes"))
            }
        })
}

/// The machine-readable part of Wix's error body; its free text is never passed on.
fn application_error_code(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let code = value
        .pointer("/details/applicationError/code")
        .or_else(|| value.get("errorCode"))?;
    match code {
        serde_json::Value::String(s) => Some(s.chars().take(64).collect()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{WIX_UPLOAD_HOST, WixError};

    fn checked_upload_url(url: &str, base: &str) -> Result<reqwest::Url, WixError> {
        super::checked_upload_url(url, base, &[WIX_UPLOAD_HOST.to_owned()])
    }

    #[test]
    fn wix_refusals_did_nothing_but_timeouts_and_5xx_may_have() {
        let status = |status| WixError::Status {
            status,
            code: None,
            request_id: None,
        };
        for nothing in [
            status(400),
            status(404),
            status(428),
            status(429),
            WixError::Unreachable("refused".into()),
            WixError::NotSent("a body that does not encode".into()),
        ] {
            assert!(nothing.did_nothing(), "{nothing}");
        }
        for maybe in [
            status(500),
            status(503),
            WixError::Timeout,
            WixError::Transport("connection reset mid-request".into()),
            WixError::Unreadable("cut".into()),
        ] {
            assert!(!maybe.did_nothing(), "{maybe}");
        }
    }

    const WIX: &str = "https://www.wixapis.com";
    const SANDBOX: &str = "http://127.0.0.1:9100";

    #[test]
    fn upload_urls_must_be_https_to_wixs_upload_host_or_loopback_beside_a_loopback_wix() {
        for (url, base) in [
            ("https://upload.wixmp.com/upload/abc?token=x", WIX),
            ("http://127.0.0.1:9100/upload/abc", SANDBOX),
            ("http://localhost:9100/upload/abc", SANDBOX),
        ] {
            assert!(checked_upload_url(url, base).is_ok(), "{url} beside {base}");
        }
        for (url, base) in [
            ("http://upload.wixmp.com/upload/abc", WIX),
            ("http://127.0.0.1:9100/upload/abc", WIX),
            ("https://169.254.169.254/latest/meta-data", WIX),
            ("https://[::1]/x", WIX),
            ("https://localhost/x", WIX),
            ("https://user:pw@upload.wixmp.com/x", WIX),
            ("https://localhost./x", WIX),
            ("https://upload.wixmp.com.evil.example/x", WIX),
            ("https://UPLOAD.wixmp.com:8443/x", WIX),
            ("https://metadata.google.internal/x", WIX),
            ("https://internal-service/x", WIX),
            ("http://10.0.0.1/upload", SANDBOX),
            ("file:///etc/passwd", SANDBOX),
            ("/upload/relative", SANDBOX),
            ("", WIX),
        ] {
            assert!(
                checked_upload_url(url, base).is_err(),
                "{url} beside {base}"
            );
        }
        let configured = ["uploads.example.com".to_owned()];
        let ok = super::checked_upload_url("https://uploads.example.com/u", WIX, &configured);
        assert!(ok.is_ok());
        let default_host =
            super::checked_upload_url("https://upload.wixmp.com/u", WIX, &configured);
        assert!(
            default_host.is_err(),
            "the configured list replaces the default"
        );
    }
}

//! Elevated calls to the Wix REST API.
//!
//! [`WixClient`] is built once per process; each request gets a [`Wix`] handle that borrows it and
//! remembers the `x-wix-request-id` of every call for the audit line. Typed calls per Wix area live in
//! the submodules.

pub mod billing;
pub mod filter;
pub mod members;
pub mod orders;
pub mod site_properties;
pub mod stores;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;
use wix_auth::{AdminAuth, AdminCredential, AuthError};

use crate::WixId;

/// One attempt may take this long before it counts as a timeout.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(4);
/// All attempts of one call together, retries and re-mint included, stay within this.
const CALL_BUDGET: Duration = Duration::from_secs(9);
/// Wix answers are JSON documents; anything bigger than this is not one we asked for.
const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

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
        debug_assert!(path.starts_with('/') && !path.contains(['?', '#']));
        WixPath(path.trim_end_matches('/').to_owned())
    }

    pub fn id(mut self, id: &WixId) -> Self {
        self.0.push('/');
        self.0.push_str(&id.to_string());
        self
    }

    pub fn segment(mut self, segment: &'static str) -> Self {
        debug_assert!(!segment.contains(['/', '?', '#']));
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
    #[error("Wix could not be reached: {0}")]
    Unreachable(String),
    #[error("Wix answered with an unexpected body: {0}")]
    Malformed(String),
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

    fn is_transient(&self) -> bool {
        match self {
            WixError::Status { status, .. } => *status == 429 || (*status >= 500 && *status != 501),
            WixError::Timeout | WixError::Unreachable(_) => true,
            // The credential provider retries its own transient failures; repeating it here would multiply them.
            WixError::Auth(_) | WixError::Malformed(_) => false,
        }
    }

    fn never_reached_wix(&self) -> bool {
        matches!(self, WixError::Unreachable(_))
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
}

impl WixClient {
    pub fn new(http: reqwest::Client, base: &str, auth: Arc<AdminAuth>) -> Self {
        WixClient {
            http,
            base: base.trim_end_matches('/').to_owned(),
            auth,
        }
    }

    pub fn auth(&self) -> &AdminAuth {
        &self.auth
    }
}

/// One request's view of Wix: elevated calls, with the Wix request ids kept for the audit line.
pub struct Wix {
    client: Arc<WixClient>,
    request_ids: Mutex<Vec<String>>,
}

struct Call<'a> {
    method: Method,
    path: &'a WixPath,
    query: &'a [(&'a str, String)],
    body: Option<bytes::Bytes>,
}

impl Wix {
    pub fn new(client: Arc<WixClient>) -> Self {
        Wix {
            client,
            request_ids: Mutex::new(Vec::new()),
        }
    }

    /// The `x-wix-request-id` of every call made so far, in order.
    pub fn request_ids(&self) -> Vec<String> {
        self.request_ids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &WixPath,
        query: &[(&str, String)],
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
        let body = serde_json::to_vec(body).map_err(|e| WixError::Malformed(e.to_string()))?;
        self.send(
            Call {
                method: Method::POST,
                path,
                query: &[],
                body: Some(body.into()),
            },
            repeat,
        )
        .await
    }

    pub async fn patch<T: DeserializeOwned>(
        &self,
        path: &WixPath,
        body: &impl Serialize,
        repeat: Repeat,
    ) -> Result<T, WixError> {
        let body = serde_json::to_vec(body).map_err(|e| WixError::Malformed(e.to_string()))?;
        self.send(
            Call {
                method: Method::PATCH,
                path,
                query: &[],
                body: Some(body.into()),
            },
            repeat,
        )
        .await
    }

    pub async fn delete<T: DeserializeOwned>(
        &self,
        path: &WixPath,
        query: &[(&str, String)],
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
                Repeat::Once => e.never_reached_wix(),
            })
            .notify(|e, delay| tracing::warn!(error = %e, ?delay, path = call.path.as_str(), "retrying Wix call"));
        let bytes = tokio::time::timeout(CALL_BUDGET, retried)
            .await
            .map_err(|_| WixError::Timeout)??;
        serde_json::from_slice(&bytes).map_err(|e| {
            WixError::Malformed(format!(
                "{} ({:?} at column {})",
                call.path.as_str(),
                e.classify(),
                e.column()
            ))
        })
    }

    /// One attempt; if Wix says the admin token is no longer valid, re-mint once and try again (a 401 means
    /// the call had no effect, so repeating it is safe even for [`Repeat::Once`]).
    async fn send_with_fresh_credential(&self, call: &Call<'_>) -> Result<bytes::Bytes, WixError> {
        let credential = self.client.auth.credential().await?;
        match self.send_once(call, &credential).await {
            Err(WixError::Status { status: 401, .. }) => {
                tracing::info!(
                    path = call.path.as_str(),
                    "Wix rejected the admin token; minting a new one"
                );
                self.client.auth.reject(&credential);
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
    ) -> Result<bytes::Bytes, WixError> {
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
        let response = credential
            .authorize(request)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status().as_u16();
        let request_id = header_text(response.headers(), "x-wix-request-id");
        if let Some(id) = &request_id {
            self.request_ids
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(id.clone());
        }
        let bytes = read_capped(response).await?;
        if (200..300).contains(&status) {
            return Ok(bytes);
        }
        let code = application_error_code(&bytes);
        tracing::warn!(status, wix_request_id = ?request_id, code = ?code, path = call.path.as_str(), "Wix call failed");
        Err(WixError::Status {
            status,
            code,
            request_id,
        })
    }
}

pub(crate) fn header_text(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(128).collect())
}

pub(crate) fn transport_error(error: reqwest::Error) -> WixError {
    if error.is_timeout() {
        WixError::Timeout
    } else if error.is_connect() {
        WixError::Unreachable(error.without_url().to_string())
    } else {
        // The request may have been sent: not provably unsent, so not `Unreachable`.
        WixError::Malformed(error.without_url().to_string())
    }
}

pub(crate) async fn read_capped(mut response: reqwest::Response) -> Result<bytes::Bytes, WixError> {
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(WixError::Malformed(format!(
                "response larger than {MAX_RESPONSE_BYTES} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
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

//! `/_sandbox/*`: observe and steer the sandbox over HTTP. Thin wrappers over the public methods of
//! [`SandboxState`], which in-process tests may call directly.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::attestation::{ATTESTATION_TOKEN_PATH, AttestationRequest};
use crate::error::{WixError, WixJson};
use crate::observe::Stats;
use crate::seed::CatalogVersion;
use crate::state::SandboxState;

pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/expire-tokens", post(expire_tokens))
        .route("/_sandbox/deactivate-token", post(deactivate_token))
        .route("/_sandbox/fail", post(fail))
        .route("/_sandbox/latency", post(latency))
        .route("/_sandbox/rotate-secret", post(rotate_secret))
        .route("/_sandbox/admin-token-ttl", post(admin_token_ttl))
        .route("/_sandbox/catalog", post(catalog))
        .route(ATTESTATION_TOKEN_PATH, post(attestation_token))
        .route("/_sandbox/reset", post(reset))
}

async fn stats(State(state): State<SandboxState>) -> Json<Stats> {
    Json(state.stats())
}

async fn expire_tokens(State(state): State<SandboxState>) -> StatusCode {
    state.expire_tokens();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
}

async fn deactivate_token(
    State(state): State<SandboxState>,
    WixJson(body): WixJson<TokenBody>,
) -> Result<StatusCode, WixError> {
    if state.deactivate_token(&body.token) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(WixError::not_found("the sandbox never issued that token"))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FailBody {
    /// A huge number means "until reset"; 0 clears the rule for this prefix.
    #[serde(default = "one")]
    count: u64,
    #[serde(default = "service_unavailable")]
    status: u16,
    path_prefix: Option<String>,
}

fn one() -> u64 {
    1
}

fn service_unavailable() -> u16 {
    503
}

async fn fail(
    State(state): State<SandboxState>,
    WixJson(body): WixJson<FailBody>,
) -> Result<StatusCode, WixError> {
    let status = StatusCode::from_u16(body.status)
        .ok()
        .filter(|s| s.is_client_error() || s.is_server_error())
        .ok_or_else(|| WixError::validation("status", "must be a 4xx or 5xx status"))?;
    state.fail(body.count, status, body.path_prefix.as_deref());
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct LatencyBody {
    ms: u64,
}

async fn latency(
    State(state): State<SandboxState>,
    WixJson(body): WixJson<LatencyBody>,
) -> StatusCode {
    state.set_latency(Duration::from_millis(body.ms));
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RotateBody {
    client_secret: String,
}

async fn rotate_secret(
    State(state): State<SandboxState>,
    WixJson(body): WixJson<RotateBody>,
) -> Result<StatusCode, WixError> {
    if body.client_secret.is_empty() {
        return Err(WixError::validation("clientSecret", "must not be empty"));
    }
    state.rotate_secret(&body.client_secret);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct TtlBody {
    seconds: u64,
}

async fn admin_token_ttl(
    State(state): State<SandboxState>,
    WixJson(body): WixJson<TtlBody>,
) -> StatusCode {
    state.set_admin_token_ttl(body.seconds);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct CatalogBody {
    version: String,
}

/// `{"version": "V1_CATALOG" | "V3_CATALOG" | "STORES_NOT_INSTALLED"}` (or `v1`, `v3`, `none`).
async fn catalog(
    State(state): State<SandboxState>,
    WixJson(body): WixJson<CatalogBody>,
) -> Result<StatusCode, WixError> {
    let version = CatalogVersion::parse(&body.version).ok_or_else(|| {
        WixError::validation(
            "version",
            "must be V1_CATALOG, V3_CATALOG or STORES_NOT_INSTALLED",
        )
    })?;
    state.set_catalog_version(version);
    Ok(StatusCode::NO_CONTENT)
}

/// `{"provider", "hostname", "action"?, "score"?, "cdata"?, "issuedSecondsAgo"?}` → `{"token"}`: what
/// the provider's widget hands the page (see [`AttestationRequest`]).
async fn attestation_token(
    State(state): State<SandboxState>,
    WixJson(body): WixJson<AttestationRequest>,
) -> Result<Json<serde_json::Value>, WixError> {
    if body.score.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
        return Err(WixError::validation("score", "must be between 0 and 1"));
    }
    let token = state.issue_attestation_token(body);
    Ok(Json(serde_json::json!({ "token": token })))
}

async fn reset(State(state): State<SandboxState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

//! CORS, enforced by the function itself.
//!
//! In production the function URL's CORS settings answer browsers first; this layer is defense in depth
//! (it still holds if those settings are ever loosened) and the only CORS check in local runs, where the
//! emulator answers preflights permissively unless started with `--disable-cors`. An origin not in
//! `ALLOWED_ORIGINS` gets no CORS headers at all, so the browser refuses to hand the answer to the page, and
//! its requests are refused before any elevated call ([`check_origin`]).

use http::HeaderValue;
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
    VARY,
};
use lambda_http::{Body, Request, Response};

use crate::{ApiError, Config, Refusal};

/// The request's `Origin` if it is one of `ALLOWED_ORIGINS`.
pub(crate) fn allowed_origin<'r>(request: &'r Request, config: &Config) -> Option<&'r str> {
    let origin = request.headers().get(ORIGIN)?.to_str().ok()?;
    config.allowed_origins.contains(origin).then_some(origin)
}

/// A browser request (it carries `Origin`) from an origin not allowed is refused.
pub(crate) fn check_origin(request: &Request, config: &Config) -> Result<(), ApiError> {
    match request.headers().get(ORIGIN) {
        Some(_) if allowed_origin(request, config).is_none() => {
            Err(ApiError::Forbidden(Refusal::OriginNotAllowed))
        }
        _ => Ok(()),
    }
}

/// Whether `request` is a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`).
pub(crate) fn is_preflight(request: &Request) -> bool {
    request.method() == http::Method::OPTIONS
        && request.headers().contains_key(ORIGIN)
        && request
            .headers()
            .contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// The answer to a preflight: 204 with this function's one method and its headers, for an allowed origin
/// asking for that method; otherwise a refusal without CORS headers.
pub(crate) fn preflight(
    request: &Request,
    config: &Config,
    method: &http::Method,
    headers: &[&str],
) -> Result<Response<Body>, ApiError> {
    let origin =
        allowed_origin(request, config).ok_or(ApiError::Forbidden(Refusal::OriginNotAllowed))?;
    let asked = request
        .headers()
        .get(ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|m| m.to_str().ok());
    if asked != Some(method.as_str()) {
        return Err(ApiError::MethodNotAllowed {
            allowed: method.clone(),
        });
    }
    let response = Response::builder()
        .status(http::StatusCode::NO_CONTENT)
        .header(ACCESS_CONTROL_ALLOW_ORIGIN, origin)
        .header(ACCESS_CONTROL_ALLOW_METHODS, method.as_str())
        .header(ACCESS_CONTROL_ALLOW_HEADERS, headers.join(", "))
        .header(ACCESS_CONTROL_MAX_AGE, "600")
        .header(VARY, "Origin")
        .body(Body::Empty)
        .expect("static headers are valid");
    Ok(response)
}

/// Let the page read this answer (and its request id) if it came from an allowed origin.
pub(crate) fn allow_reading(response: &mut Response<Body>, origin: Option<&str>) {
    let headers = response.headers_mut();
    headers.insert(VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("x-request-id, retry-after"),
        );
    }
}

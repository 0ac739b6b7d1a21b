//! `application/problem+json` responses (RFC 9457) with the request id.

use http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use lambda_http::{Body, Response};
use serde::Serialize;

use crate::ApiError;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Problem<'a> {
    r#type: String,
    title: &'a str,
    status: u16,
    detail: String,
    request_id: &'a str,
}

/// Details longer than this are cut: they may quote caller input (an unknown field's name).
const MAX_DETAIL_CHARS: usize = 300;

pub(crate) fn problem_response(error: &ApiError, request_id: &str) -> Response<Body> {
    let status = error.status();
    let detail: String = error.to_string().chars().take(MAX_DETAIL_CHARS).collect();
    let body = Problem {
        r#type: format!("urn:wix-elevate:problem:{}", error.slug()),
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail,
        request_id,
    };
    let mut builder = with_common_headers(Response::builder().status(status), request_id)
        .header(CONTENT_TYPE, "application/problem+json");
    match error {
        ApiError::MethodNotAllowed { allowed } => builder = builder.header(ALLOW, allowed.as_str()),
        ApiError::TooManyRequests { retry_after_secs } => {
            builder = builder.header(RETRY_AFTER, *retry_after_secs)
        }
        ApiError::RateLimited | ApiError::Unavailable => builder = builder.header(RETRY_AFTER, 5),
        _ => {}
    }
    builder
        .body(Body::Text(
            serde_json::to_string(&body).expect("problem serializes"),
        ))
        .expect("static headers are valid")
}

pub(crate) fn json_response(
    status: http::StatusCode,
    body: String,
    request_id: &str,
) -> Response<Body> {
    with_common_headers(Response::builder().status(status), request_id)
        .header(CONTENT_TYPE, "application/json")
        .body(Body::Text(body))
        .expect("static headers are valid")
}

/// Answers are per caller: never cached by anything in between.
fn with_common_headers(
    builder: http::response::Builder,
    request_id: &str,
) -> http::response::Builder {
    builder
        .header(CACHE_CONTROL, "no-store")
        .header("x-content-type-options", "nosniff")
        .header("x-request-id", request_id)
}

//! `application/problem+json` responses (RFC 9457) with the request id.

use http::HeaderValue;
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
pub(crate) const MAX_DETAIL_CHARS: usize = 300;

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
    // A problem document of our own fields always serializes; the fallback only keeps this total.
    let json = serde_json::to_string(&body).unwrap_or_else(|_| String::from("{}"));
    let mut response = answer(status, json, "application/problem+json", request_id);
    let headers = response.headers_mut();
    match error {
        ApiError::MethodNotAllowed { allowed } => {
            if let Ok(value) = HeaderValue::from_str(allowed.as_str()) {
                headers.insert(ALLOW, value);
            }
        }
        ApiError::TooManyRequests { retry_after_secs }
        | ApiError::BudgetSpent {
            retry_after_secs, ..
        } => {
            headers.insert(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        ApiError::RateLimited | ApiError::Unavailable => {
            headers.insert(RETRY_AFTER, HeaderValue::from(5u64));
        }
        _ => {}
    }
    response
}

pub(crate) fn json_response(
    status: http::StatusCode,
    body: String,
    request_id: &str,
) -> Response<Body> {
    answer(status, body, "application/json", request_id)
}

/// Every answer: per caller, so never cached by anything in between, and carrying its request id. Built
/// without a fallible builder: a request id that is no header value (it comes from the runtime) is left
/// out of the headers rather than turned into a panic, which the release profile makes an abort.
fn answer(
    status: http::StatusCode,
    body: String,
    content_type: &'static str,
    request_id: &str,
) -> Response<Body> {
    let mut response = Response::new(Body::Text(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", id);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Refusal;

    /// openapi.yaml lists the problem types from `ApiError::SLUGS`; a variant missing there would be an
    /// answer the document (and the typed client) does not know.
    #[test]
    fn every_problem_type_an_error_gives_is_one_the_document_lists() {
        let errors = [
            ApiError::MethodNotAllowed {
                allowed: http::Method::GET,
            },
            ApiError::PayloadTooLarge { limit: 1 },
            ApiError::UnsupportedMediaType {
                expected: "application/json",
            },
            ApiError::bad_request("x"),
            ApiError::Unauthenticated("x"),
            ApiError::Forbidden(Refusal::OriginNotAllowed),
            ApiError::Forbidden(Refusal::CallerNotAllowed),
            ApiError::Forbidden(Refusal::AdminOnly),
            ApiError::Forbidden(Refusal::AttestationRequired),
            ApiError::Forbidden(Refusal::AttestationFailed),
            ApiError::Forbidden(Refusal::NotOwner("x")),
            ApiError::NotFound("x"),
            ApiError::Conflict("x".into()),
            ApiError::Unprocessable("x".into()),
            ApiError::Unavailable,
            ApiError::BadGateway,
            ApiError::GatewayTimeout,
            ApiError::RateLimited,
            ApiError::TooManyRequests {
                retry_after_secs: 1,
            },
        ];
        let listed: Vec<&str> = ApiError::SLUGS.to_vec();
        for error in &errors {
            assert!(
                listed.contains(&error.slug()),
                "{} is not listed",
                error.slug()
            );
        }
        assert_eq!(
            errors.len(),
            listed.len(),
            "every listed type has an error above"
        );
        for budget in crate::budget::slugs() {
            let error = ApiError::BudgetSpent {
                budget,
                retry_after_secs: 1,
            };
            assert!(error.slug().starts_with("budget-") && !listed.contains(&error.slug()));
        }
    }

    #[test]
    fn a_request_id_that_is_no_header_value_still_gets_a_problem_answer() {
        let response = problem_response(&ApiError::Unavailable, "bad\nid");
        assert_eq!(response.status(), 503);
        assert!(response.headers().get("x-request-id").is_none());
        assert_eq!(response.headers()[RETRY_AFTER], "5");
        let Body::Text(body) = response.body() else {
            panic!("a text body")
        };
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["requestId"], "bad\nid");
        assert_eq!(problem["status"], 503);
    }

    #[test]
    fn each_refusal_is_its_own_problem_type() {
        use crate::Refusal;
        let kinds: Vec<String> = [
            Refusal::OriginNotAllowed,
            Refusal::CallerNotAllowed,
            Refusal::AdminOnly,
            Refusal::NotOwner("a member may only see their own orders"),
        ]
        .into_iter()
        .map(|refusal| {
            let response = problem_response(&ApiError::Forbidden(refusal), "id");
            assert_eq!(response.status(), 403);
            let Body::Text(body) = response.body() else {
                panic!("a text body")
            };
            let problem: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(problem["detail"], refusal.to_string());
            problem["type"].as_str().unwrap().to_owned()
        })
        .collect();
        assert_eq!(
            kinds,
            [
                "urn:wix-elevate:problem:origin-not-allowed",
                "urn:wix-elevate:problem:caller-not-allowed",
                "urn:wix-elevate:problem:admin-only",
                "urn:wix-elevate:problem:not-owner",
            ]
        );
    }
}

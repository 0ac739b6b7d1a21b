//! Browsers call Wix directly for visitor and member tokens (the headless OAuth flow), so Wix's API
//! answers cross-origin requests. The sandbox does the same for every Wix route; `/_sandbox/*` stays
//! same-origin only.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn cors(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/_sandbox")
        || !request.headers().contains_key(header::ORIGIN)
    {
        return next.run(request).await;
    }
    if request.method() == Method::OPTIONS {
        return (
            StatusCode::NO_CONTENT,
            [
                (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
                (
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    "GET, POST, PUT, PATCH, DELETE",
                ),
                (
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    "authorization, content-type",
                ),
                (header::ACCESS_CONTROL_MAX_AGE, "600"),
            ],
        )
            .into_response();
    }
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

//! Error bodies as Wix sends them: the standard Wix error for REST APIs, the OAuth (RFC 6749) error
//! for `/oauth2/token`.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, extract::rejection::JsonRejection};
use serde::de::DeserializeOwned;
use serde_json::json;

/// `{"message", "details": {"applicationError"|"validationError": …}}`; every 5xx is
/// `{"message":"","details":{}}`, as Wix hides server-side detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WixError {
    pub status: StatusCode,
    pub message: String,
    details: Details,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Details {
    Application { code: String, description: String },
    Validation { field: String, description: String },
}

impl WixError {
    pub fn application(
        status: StatusCode,
        code: &str,
        message: &str,
        description: impl Into<String>,
    ) -> Self {
        WixError {
            status,
            message: message.to_owned(),
            details: Details::Application {
                code: code.to_owned(),
                description: description.into(),
            },
        }
    }

    pub fn unauthenticated(description: impl Into<String>) -> Self {
        Self::application(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "unauthenticated",
            description,
        )
    }

    pub fn permission_denied(description: impl Into<String>) -> Self {
        Self::application(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            "permission denied",
            description,
        )
    }

    pub fn not_found(description: impl Into<String>) -> Self {
        Self::application(StatusCode::NOT_FOUND, "NOT_FOUND", "not found", description)
    }

    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::application(
            StatusCode::BAD_REQUEST,
            "INVALID_ARGUMENT",
            "invalid argument",
            description,
        )
    }

    /// A 400 naming the offending request field.
    pub fn validation(field: &str, description: impl Into<String>) -> Self {
        WixError {
            status: StatusCode::BAD_REQUEST,
            message: format!("INVALID_ARGUMENT: {field}"),
            details: Details::Validation {
                field: field.to_owned(),
                description: description.into(),
            },
        }
    }

    /// The answer to a request hit by `POST /_sandbox/fail`.
    pub fn injected(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            400 => "INVALID_ARGUMENT",
            401 => "UNAUTHENTICATED",
            403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            409 => "ALREADY_EXISTS",
            428 => "FAILED_PRECONDITION",
            429 => "RESOURCE_EXHAUSTED",
            _ => "UNKNOWN",
        };
        Self::application(status, code, code, "failure injected by the sandbox")
    }
}

impl IntoResponse for WixError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            return (self.status, Json(json!({ "message": "", "details": {} }))).into_response();
        }
        let details = match self.details {
            Details::Application { code, description } => json!({
                "applicationError": { "code": code, "description": description, "data": {} }
            }),
            Details::Validation { field, description } => json!({
                "validationError": { "fieldViolations": [{
                    "field": field,
                    "description": description,
                    "violatedRule": "OTHER",
                    "ruleName": "",
                    "data": {}
                }] }
            }),
        };
        (
            self.status,
            Json(json!({ "message": self.message, "details": details })),
        )
            .into_response()
    }
}

/// `{"error": "...", "error_description": "..."}` from the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({ "error": self.error, "error_description": self.description })),
        )
            .into_response()
    }
}

/// `Json<T>` whose rejections are Wix 400 bodies rather than axum's plain text.
pub struct WixJson<T>(pub T);

impl<T, S> FromRequest<S> for WixJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WixError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(WixJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> WixError {
    WixError::bad_request(rejection.body_text())
}

use http::{Method, StatusCode};
use thiserror::Error;

/// Everything a request can end in other than success. Each maps to one HTTP status and a problem
/// document at the edge ([`crate::problem`]); the text here is ours, never Wix's or a secret.
#[derive(Debug, Error)]
pub enum ApiError {
    #[error("this function only accepts {allowed}")]
    MethodNotAllowed { allowed: Method },
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("the request body must be {expected}")]
    UnsupportedMediaType { expected: &'static str },
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthenticated(&'static str),
    #[error("{0}")]
    Forbidden(Refusal),
    #[error("{0}")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("the service is starting or a dependency is unavailable; retry shortly")]
    Unavailable,
    #[error("Wix could not complete the request")]
    BadGateway,
    #[error("Wix did not answer in time")]
    GatewayTimeout,
    #[error("Wix is rate limiting requests; retry shortly")]
    RateLimited,
    #[error("too many requests; retry in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the {budget} budget is spent; retry in {retry_after_secs} s")]
    BudgetSpent {
        budget: &'static str,
        retry_after_secs: u64,
    },
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable | ApiError::RateLimited => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::BadGateway => StatusCode::BAD_GATEWAY,
            ApiError::GatewayTimeout => StatusCode::GATEWAY_TIMEOUT,
            ApiError::TooManyRequests { .. } | ApiError::BudgetSpent { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
        }
    }

    /// A short, stable name for logs and the problem `type`.
    /// Every problem type [`ApiError::slug`] gives but the budgets' ([`crate::budget`]), for openapi.yaml.
    pub(crate) const SLUGS: [&'static str; 19] = [
        "method-not-allowed",
        "payload-too-large",
        "unsupported-media-type",
        "bad-request",
        "unauthenticated",
        "origin-not-allowed",
        "caller-not-allowed",
        "admin-only",
        "not-owner",
        "attestation-required",
        "attestation-failed",
        "not-found",
        "conflict",
        "unprocessable",
        "unavailable",
        "bad-gateway",
        "gateway-timeout",
        "rate-limited",
        "too-many-requests",
    ];

    pub fn slug(&self) -> &'static str {
        match self {
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::UnsupportedMediaType { .. } => "unsupported-media-type",
            ApiError::BadRequest(_) => "bad-request",
            ApiError::Unauthenticated(_) => "unauthenticated",
            ApiError::Forbidden(refusal) => refusal.slug(),
            ApiError::NotFound(_) => "not-found",
            ApiError::Conflict(_) => "conflict",
            ApiError::Unprocessable(_) => "unprocessable",
            ApiError::Unavailable => "unavailable",
            ApiError::BadGateway => "bad-gateway",
            ApiError::GatewayTimeout => "gateway-timeout",
            ApiError::RateLimited => "rate-limited",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::BudgetSpent { budget, .. } => budget,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::BadRequest(detail.into())
    }
}

/// Why a caller is refused (403). Each reason is its own problem `type`, so a client (or a test) tells
/// them apart without reading prose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum Refusal {
    /// A browser request from an origin not in `ALLOWED_ORIGINS`.
    #[error("requests from this origin are not allowed")]
    OriginNotAllowed,
    /// A kind of caller the function's policy never admits (a visitor where a member is needed, an IAM
    /// principal not listed as an admin).
    #[error("the caller is not allowed to do this")]
    CallerNotAllowed,
    /// A caller who is not an admin, at a function only admins may call.
    #[error("only an admin may do this")]
    AdminOnly,
    /// A function that requires attestation, called without an `Attestation-Token`.
    #[error(
        "this function needs an attestation token (the site's CAPTCHA widget) in the Attestation-Token header"
    )]
    AttestationRequired,
    /// An attestation token that is invalid, expired, already used or made for another site or action.
    #[error("the attestation token was not accepted; complete the widget again for a new one")]
    AttestationFailed,
    /// A member acting on a resource that is not theirs; the text names the kind of resource.
    #[error("{0}")]
    NotOwner(&'static str),
}

impl Refusal {
    fn slug(self) -> &'static str {
        match self {
            Refusal::OriginNotAllowed => "origin-not-allowed",
            Refusal::CallerNotAllowed => "caller-not-allowed",
            Refusal::AdminOnly => "admin-only",
            Refusal::NotOwner(_) => "not-owner",
            Refusal::AttestationRequired => "attestation-required",
            Refusal::AttestationFailed => "attestation-failed",
        }
    }
}

impl From<crate::wix::WixError> for ApiError {
    /// The default mapping of a failed Wix call. Functions that know better (an email that already exists,
    /// a stale revision) match on the [`crate::WixError`] first.
    fn from(error: crate::wix::WixError) -> Self {
        use crate::wix::WixError;
        match error {
            WixError::Auth(e) if e.is_transient() => ApiError::Unavailable,
            WixError::Auth(
                wix_auth::AuthError::SecretUnavailable(_) | wix_auth::AuthError::SecretMalformed(_),
            ) => ApiError::Unavailable,
            WixError::Auth(_) => ApiError::BadGateway,
            WixError::Timeout => ApiError::GatewayTimeout,
            WixError::Unreachable(_)
            | WixError::NotSent(_)
            | WixError::Transport(_)
            | WixError::Unreadable(_) => ApiError::BadGateway,
            WixError::Status { status, .. } => match status {
                400 => ApiError::bad_request("Wix rejected the request as invalid"),
                404 => ApiError::NotFound("the requested Wix resource does not exist"),
                409 => ApiError::Conflict("the Wix resource changed or already exists".into()),
                428 => {
                    ApiError::Conflict("the Wix resource is not in a state that allows this".into())
                }
                429 => ApiError::RateLimited,
                _ => ApiError::BadGateway,
            },
        }
    }
}

impl From<&crate::ConfigError> for ApiError {
    /// A function setting that cannot be read: logged, and the caller gets a 503 like any failed init.
    fn from(error: &crate::ConfigError) -> Self {
        tracing::error!(error = %error, "function configuration is invalid");
        ApiError::Unavailable
    }
}

/// Why the init phase (config, secret source, HTTP client) could not complete.
#[derive(Debug, Error)]
pub enum InitError {
    #[error("configuration: {0}")]
    Config(#[from] crate::ConfigError),
    #[error("secret source: {0}")]
    Secret(#[from] wix_auth::AuthError),
    #[error("HTTP client: {0}")]
    HttpClient(String),
    #[error(
        "WIX_DEV_SECRET is for the local sandbox only; use WIX_SECRET_ID (AWS Secrets Manager)"
    )]
    DevSecretOffLoopback,
    #[error(
        "this function keeps shared state (idempotency records or budgets) and needs STATE_TABLE, the \
         DynamoDB table all its instances share; per-process memory is for the local sandbox only"
    )]
    NoStateTable,
}

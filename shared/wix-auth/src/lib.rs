//! Wix admin credentials for elevated calls.
//!
//! The project's OAuth client secret (or an API key) lives in AWS Secrets Manager. This crate fetches it,
//! exchanges it for a short-lived admin token with the `client_credentials` grant, and keeps that token
//! fresh: one mint per cold start, single flight under concurrency, a re-mint when Wix rejects the token,
//! and one secret refetch when Wix rejects the client (the secret was rotated).

mod admin;
mod error;
mod http;
mod secret;
mod source;

#[cfg(feature = "fuzzing")]
pub use admin::fuzz_token_response;
pub use admin::{AdminAuth, AdminCredential, AdminStats};
pub use error::AuthError;
pub use http::{Answer, ReadError, read_answer, request_id, wix_http_client};
pub use secret::{Secret, WixCredentials};
pub use source::{SecretSource, aws_config};

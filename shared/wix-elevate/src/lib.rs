//! The request pipeline every wix-elevate function runs.
//!
//! A function declares an [`Endpoint`]: its method, its [`policy`], its input type, the elevated Wix call
//! and its response type. [`serve`] does everything else, in this order: method (405), body size (413),
//! origin (403), content type (415), typed input (400), a rate limit per source (429), caller
//! authentication (401), a rate limit per caller (429), policy (403),
//! the elevated call with retries and token refresh, the typed response, and one audit line. Errors are
//! `application/problem+json` with a request id and never carry a token, a secret or Wix's raw text.

mod admission;
pub mod attestation;
pub mod bookings;
pub mod budget;
mod caller;
mod config;
mod context;
mod cors;
mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
pub mod idempotency;
mod ids;
pub mod image;
mod input;
mod logging;
pub mod members;
pub mod money;
pub mod openapi;
pub mod orders;
pub mod ownership;
mod pipeline;
pub mod policy;
mod problem;
#[cfg(test)]
mod properties;
pub mod refunds;
pub mod state;
pub mod stores;
pub mod values;
pub mod wix;

pub use attestation::Attestation;
pub use budget::Budgets;
pub use caller::{Caller, CallerVerifier, Subject};
pub use config::{Config, ConfigError, RateLimits, setting};
pub use error::{ApiError, Refusal};
pub use idempotency::Idempotency;
pub use ids::{EventId, EventIdError, IdError, WixId};
pub use input::{Form, FormPart, FromForm, Input, Json, Multipart, NoInput, RequestParts};
pub use money::Amount;
pub use pipeline::{Endpoint, serve};
pub use values::{
    Cursor, Email, PageLimit, Phone, SortOrder, Text, TimeZoneName, Timestamp, ValueError,
};
pub use wix::{Repeat, Wix, WixError, WixPath};

/// For `#[derive(JsonSchema)]` and [`schema_via!`] in the functions' crates.
#[doc(hidden)]
pub use schemars;

/// The error type `main` returns (from the Lambda runtime).
pub use lambda_http::Error;

/// What a function's `main.rs` needs.
pub mod prelude {
    pub use crate::openapi::{Doc, Example, Tag};
    pub use crate::ownership::{OwnerScope, Reach};
    pub use crate::policy::{Admin, AdminOrOwner, AnyVisitor};
    pub use crate::values::{
        Count, Cursor, Email, HttpsUrl, List, PageLimit, Phone, Text, TextBlock, TimeZoneName,
        Timestamp,
    };
    pub use crate::{
        Amount, ApiError, Attestation, Budgets, Endpoint, EventId, Idempotency, Json, Multipart,
        NoInput, Repeat, Wix, WixError, WixId, WixPath, serve,
    };
    pub use http::Method;
    pub use http::StatusCode;
    pub use schemars::JsonSchema;
    pub use serde::{Deserialize, Serialize};
}

/// Typed input parsing, exposed for the benchmarks.
#[doc(hidden)]
pub mod input_bench {
    pub use crate::input::RequestParts;

    pub fn parse_json<T: serde::de::DeserializeOwned + schemars::JsonSchema + Send>(
        parts: &RequestParts<'_>,
        body: &[u8],
    ) -> Result<T, crate::ApiError> {
        use crate::Input;
        crate::Json::<T>::parse(parts, body).map(|json| json.0)
    }
}

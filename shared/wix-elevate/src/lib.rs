//! The request pipeline every wix-elevate function runs.
//!
//! A function declares an [`Endpoint`]: its method, its [`policy`], its input type, the elevated Wix call
//! and its response type. [`serve`] does everything else, in this order: method (405), body size (413),
//! origin (403), content type (415), typed input (400), a rate limit per source (429), caller
//! authentication (401), a rate limit per caller (429), policy (403),
//! the elevated call with retries and token refresh, the typed response, one audit line and one metrics
//! document (CloudWatch Embedded Metric Format). Errors are `application/problem+json` with a request id
//! and never carry a token, a secret or Wix's raw text.

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
mod metrics;
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

/// One request's metrics document, formatted as the pipeline writes it, exposed for the benchmarks.
#[doc(hidden)]
pub mod metrics_bench {
    use std::time::{Duration, SystemTime};

    use crate::metrics::{Metrics, ProcessCounts, RequestRecord};
    use crate::wix::{AttemptEnd, WixAttempt};

    pub struct Sample(Metrics);

    impl Default for Sample {
        fn default() -> Self {
            Sample(Metrics::new(
                Some("WixElevate".into()),
                "get-site-properties",
                "AnyVisitor",
            ))
        }
    }

    impl Sample {
        /// The line of an ok request with one Wix call (what get-site-properties writes); its length.
        pub fn line(&self) -> usize {
            let wix = [WixAttempt {
                ended: AttemptEnd::Success,
                millis: 4.2,
            }];
            let request = RequestRecord {
                request_id: "4f323784-4a41-4bc8-862d-d0e4a81ee4d9",
                trace_id: Some(
                    "Root=1-6b131062-85f6aee7e00ea8609364a2b1;Parent=3fa08a5665e275d4;Sampled=1",
                ),
                outcome: "ok",
                status: http::StatusCode::OK,
                latency: Duration::from_micros(1420),
                wix: &wix,
                budget: None,
                replayed: false,
            };
            self.0
                .document(&request, ProcessCounts::default(), SystemTime::now())
                .map_or(0, |doc| doc.to_string().len())
        }
    }
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

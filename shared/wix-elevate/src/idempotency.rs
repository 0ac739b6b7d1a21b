//! Idempotency keys for writes that must happen at most once, such as a refund. Wix has no idempotency
//! header, so the pipeline keeps the promise itself, for every function that declares
//! [`Idempotency::Required`] or [`Idempotency::Optional`]:
//!
//! - the caller sends an `Idempotency-Key` header; the record lives under a hash of (function, caller,
//!   key) in the shared [`StateStore`], so one caller's key never meets another's;
//! - [`once`] claims the key with a conditional write: of concurrent requests with one key, on any
//!   instances, one does the work; the others get 409 while it is in progress;
//! - the first successful answer is stored with a hash of the request body: the same key with the same
//!   body gets that answer again without a second write to Wix, the same key with another body gets 422;
//! - a failure before any write reached Wix (or one Wix refused) frees the key; a failure after a write
//!   may have happened (a timeout on the refund call, a lost connection, the Lambda deadline) marks the
//!   outcome unknown: repeats get 409 until the record expires, never a second refund. An in-progress
//!   record whose claimer's deadline has passed reads as unknown too, never as free.

use std::future::Future;
use std::time::SystemTime;

use crate::state::{Claim, Fingerprint, Record, Settled, StateKey, StateStore};
use crate::{ApiError, Subject};

/// The request header that carries the key.
pub const HEADER: &str = "idempotency-key";

/// Whether a function takes an `Idempotency-Key`, declared by its `Endpoint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotency {
    /// No key; a key sent anyway is ignored.
    None,
    /// A key is accepted and kept to; without one the request runs unguarded.
    Optional,
    /// Every request must carry a key (a refund: a retry must never pay twice).
    Required,
}

impl Idempotency {
    pub const fn accepts_key(self) -> bool {
        !matches!(self, Idempotency::None)
    }
}

/// 1 to 128 visible ASCII characters, e.g. a UUID the client made for this one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        if text.is_empty() || text.len() > 128 || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiError::bad_request(
                "the Idempotency-Key header must be 1 to 128 visible ASCII characters",
            ));
        }
        Ok(IdempotencyKey(text.to_owned()))
    }

    /// The key a function declaring `rule` was sent: at most one header, required where declared so.
    pub fn from_headers(
        headers: &http::HeaderMap,
        rule: Idempotency,
    ) -> Result<Option<Self>, ApiError> {
        if rule == Idempotency::None {
            return Ok(None);
        }
        let mut values = headers.get_all(HEADER).iter();
        match (values.next(), values.next()) {
            (None, _) if rule == Idempotency::Required => Err(ApiError::bad_request(
                "the Idempotency-Key header is required",
            )),
            (None, _) => Ok(None),
            (Some(_), Some(_)) => Err(ApiError::bad_request("send one Idempotency-Key header")),
            (Some(value), None) => {
                let text = value.to_str().map_err(|_| {
                    ApiError::bad_request("the Idempotency-Key header must be visible ASCII")
                })?;
                IdempotencyKey::parse(text).map(Some)
            }
        }
    }

    /// Where this key's record lives for `function` and `caller`.
    pub fn record(&self, function: &str, caller: &Subject) -> StateKey {
        StateKey::new(function, "idem", &[&owner(caller), &self.0])
    }
}

/// Whose keys these are.
fn owner(subject: &Subject) -> String {
    match subject {
        Subject::Member { member_id } => format!("member:{member_id}"),
        Subject::Visitor { visitor_id } => format!("visitor:{visitor_id}"),
        Subject::Iam { principal_arn } => format!("iam:{principal_arn}"),
    }
}

/// One guarded request: its record, its body's hash, and its deadline (the in-progress expiry).
pub struct Guarded {
    pub record: StateKey,
    pub fingerprint: Fingerprint,
    pub deadline: SystemTime,
}

/// A success [`once`] answered with: the work's body, or the stored body of an earlier run replayed.
#[derive(Debug)]
pub struct Answered {
    pub body: String,
    pub replayed: bool,
}

/// Run `work` at most once for the guarded request; see the module docs. `work` answers the success body
/// as JSON text; `acted` says, after a failure, whether a write may have reached Wix.
pub async fn once<F>(
    store: &StateStore,
    guarded: &Guarded,
    work: F,
    acted: impl FnOnce() -> bool,
) -> Result<Answered, ApiError>
where
    F: Future<Output = Result<String, ApiError>>,
{
    let Guarded {
        record,
        fingerprint,
        deadline,
    } = guarded;
    let now = SystemTime::now();
    let claim = store
        .claim(record, fingerprint, now, *deadline)
        .await
        .map_err(|e| {
            // Fail closed: without a claim nothing is sent to Wix.
            tracing::error!(error = %e, "idempotency key could not be claimed");
            ApiError::Unavailable
        })?;
    if let Claim::Taken(existing) = claim {
        return replay(existing, fingerprint, now).map(|body| Answered {
            body,
            replayed: true,
        });
    }
    let result = work.await;
    let stored = match &result {
        Ok(body) => {
            let outcome = Settled::Completed { body: body.clone() };
            store.settle(record, fingerprint, outcome).await
        }
        Err(_) if acted() => store.settle(record, fingerprint, Settled::Unknown).await,
        Err(_) => store.release(record, fingerprint).await,
    };
    if let Err(e) = stored {
        // The claim stays in progress and reads as unknown past its deadline: repeats are refused,
        // never run twice.
        tracing::error!(error = %e, "idempotency record could not be settled");
    }
    result.map(|body| Answered {
        body,
        replayed: false,
    })
}

/// The answer to a request whose key already has a record.
pub(crate) fn replay(
    record: Record,
    fingerprint: &Fingerprint,
    now: SystemTime,
) -> Result<String, ApiError> {
    if record.fingerprint() != fingerprint {
        return Err(ApiError::Unprocessable(
            "this Idempotency-Key was already used with a different request body".into(),
        ));
    }
    match record {
        Record::Completed { body, .. } => Ok(body),
        Record::InProgress { until, .. } if now < until => Err(ApiError::Conflict(
            "a request with this Idempotency-Key is still in progress; retry shortly".into(),
        )),
        Record::InProgress { .. } | Record::Unknown { .. } => Err(ApiError::Conflict(
            "the outcome of the earlier request with this Idempotency-Key is unknown; check before \
             retrying with a new key"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests;

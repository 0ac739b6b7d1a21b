//! Idempotency keys for effects that must happen at most once, such as a refund. Wix has no idempotency
//! header, so the function keeps the promise itself:
//!
//! - the caller sends an `Idempotency-Key` header ([`Idempotent`] parses it with the body);
//! - [`once`] claims the key for (function, caller, key) in an [`IdempotencyStore`] with a conditional
//!   put, so of two concurrent requests with one key only one does the work; the other gets 409;
//! - the first successful answer is stored with a hash of the request body: the same key with the same
//!   body gets that answer again without a second effect, the same key with another body gets 422;
//! - a failure that provably did nothing frees the key again; a failure after which the effect may have
//!   happened (a timeout on the refund call) burns it: repeats get 409 instead of risking a second refund.
//!
//! [`MemoryStore`] keeps records in this process (bounded in count and age): correct within one warm
//! instance. The trait is shaped for a shared store such as DynamoDB (a conditional put to claim, a
//! conditional update to settle, a delete to release) so that it holds across instances later.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::input::{Input, Json, RequestParts};
use crate::policy::AdminGrant;

use crate::{ApiError, WixError};

/// The request header that carries the key.
pub const HEADER: &str = "idempotency-key";
/// A claim older than this whose owner never settled it (the process died mid-request) counts as an
/// unknown outcome. Longer than any function's timeout.
pub const IN_FLIGHT_LEASE: Duration = Duration::from_secs(60);

/// 1 to 128 visible ASCII characters, e.g. a UUID the client made for this one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() || text.len() > 128 || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "the Idempotency-Key header must be 1 to 128 visible ASCII characters".into(),
            );
        }
        Ok(IdempotencyKey(text.to_owned()))
    }
}

/// SHA-256 of the raw request body: "the same request" means the same bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    pub fn of(body: &[u8]) -> Self {
        Fingerprint(Sha256::digest(body).into())
    }
}

/// Input of a function whose effect must happen at most once: the `Idempotency-Key` header (required)
/// and a JSON body parsed as [`Json`] does.
pub struct Idempotent<T> {
    pub key: IdempotencyKey,
    pub fingerprint: Fingerprint,
    pub body: T,
}

impl<T: DeserializeOwned + Send> Input for Idempotent<T> {
    const MEDIA_TYPE: Option<&'static str> = Some("application/json");
    fn parse(parts: &RequestParts<'_>, body: &[u8]) -> Result<Self, ApiError> {
        let mut values = parts.headers.get_all(HEADER).iter();
        let key = match (values.next(), values.next()) {
            (None, _) => Err("the Idempotency-Key header is required".to_owned()),
            (Some(_), Some(_)) => Err("send one Idempotency-Key header".to_owned()),
            (Some(value), None) => value
                .to_str()
                .map_err(|_| String::new())
                .and_then(IdempotencyKey::parse),
        }
        .map_err(|e| {
            ApiError::bad_request(if e.is_empty() {
                "the Idempotency-Key header must be visible ASCII".into()
            } else {
                e
            })
        })?;
        let Json(parsed) = Json::<T>::parse(parts, body)?;
        Ok(Idempotent {
            key,
            fingerprint: Fingerprint::of(body),
            body: parsed,
        })
    }
}

/// Whose keys these are: one caller's key never meets another's.
pub trait KeyOwner {
    fn owner(&self) -> String;
}

impl KeyOwner for AdminGrant {
    fn owner(&self) -> String {
        match self {
            AdminGrant::Member(id) => format!("member:{id}"),
            AdminGrant::Iam(arn) => format!("iam:{arn}"),
        }
    }
}

/// Where a key's record lives: a hash of (function, caller, key), so the store holds no caller text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecordKey([u8; 32]);

impl RecordKey {
    pub fn new(function: &str, owner: &impl KeyOwner, key: &IdempotencyKey) -> Self {
        let mut hash = Sha256::new();
        for part in [function, &owner.owner(), &key.0] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        RecordKey(hash.finalize().into())
    }
}

/// A finished answer's JSON body as it was sent (every stored answer is a 200: failures are never stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// Claimed by a request that has not settled it yet.
    InFlight {
        fingerprint: Fingerprint,
        since: SystemTime,
    },
    Done {
        fingerprint: Fingerprint,
        response: StoredResponse,
    },
    /// The effect may or may not have happened.
    Unknown { fingerprint: Fingerprint },
}

/// The answer to a claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key was free and is now in flight for this request.
    Claimed,
    /// The key already has a record.
    Taken(Record),
}

/// What a settled claim becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settled {
    Done(StoredResponse),
    Unknown,
}

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the idempotency store is full of requests in flight")]
    Full,
    #[error("idempotency store: {0}")]
    Backend(String),
}

/// Where idempotency records live. Each method is one atomic step, as a shared store would do it.
pub trait IdempotencyStore: Send + Sync {
    /// Conditional put: record `key` as in flight unless it has a record (DynamoDB: `PutItem` with
    /// `attribute_not_exists`).
    fn claim(
        &self,
        key: &RecordKey,
        fingerprint: &Fingerprint,
        now: SystemTime,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;

    /// Replace this request's in-flight record with its outcome (a conditional update on the record
    /// still being in flight with `fingerprint`).
    fn settle(
        &self,
        key: &RecordKey,
        fingerprint: &Fingerprint,
        outcome: Settled,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Drop this request's in-flight record: nothing happened, the key may be used again.
    fn release(
        &self,
        key: &RecordKey,
        fingerprint: &Fingerprint,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// How the work of an idempotent request failed.
#[derive(Debug)]
pub enum Failure {
    /// Nothing happened (refused before the effect, or the effect was refused): the key is freed.
    NothingDone(ApiError),
    /// The effect may have happened: the key is burned.
    MaybeDone(ApiError),
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure::NothingDone(error)
    }
}

impl Failure {
    /// Classify a failed effectful Wix call: an answer below 500 means Wix refused it and nothing
    /// happened; a request that never left (or was never built) did nothing; a 5xx, a timeout, a
    /// connection lost mid-request or an unreadable answer may hide a success.
    pub fn of_effect(error: WixError, api_error: impl FnOnce(WixError) -> ApiError) -> Self {
        let nothing_done = match &error {
            WixError::Status { status, .. } => *status < 500,
            other => other.never_reached_wix(),
        };
        let api_error = api_error(error);
        if nothing_done {
            Failure::NothingDone(api_error)
        } else {
            Failure::MaybeDone(api_error)
        }
    }
}

/// Run `work` at most once for `key`; see the module docs. `T` is the success body, stored as JSON and
/// read back for repeats.
pub async fn once<S, T, F>(
    store: &S,
    key: RecordKey,
    fingerprint: Fingerprint,
    work: F,
) -> Result<T, ApiError>
where
    S: IdempotencyStore,
    T: Serialize + DeserializeOwned,
    F: Future<Output = Result<T, Failure>>,
{
    let claim = store
        .claim(&key, &fingerprint, SystemTime::now())
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "idempotency key could not be claimed");
            ApiError::Unavailable
        })?;
    if let Claim::Taken(record) = claim {
        return replay(record, &fingerprint, SystemTime::now());
    }
    let (settled, result) = match work.await {
        Ok(value) => match serde_json::to_string(&value) {
            Ok(body) => (Some(Settled::Done(StoredResponse { body })), Ok(value)),
            Err(e) => {
                tracing::error!(error = %e, "response did not serialize");
                (Some(Settled::Unknown), Err(ApiError::BadGateway))
            }
        },
        Err(Failure::NothingDone(error)) => (None, Err(error)),
        Err(Failure::MaybeDone(error)) => (Some(Settled::Unknown), Err(error)),
    };
    let stored = match settled {
        Some(outcome) => store.settle(&key, &fingerprint, outcome).await,
        None => store.release(&key, &fingerprint).await,
    };
    if let Err(e) = stored {
        // The claim stays in flight and turns into an unknown outcome after the lease: repeats are
        // refused, never run twice.
        tracing::error!(error = %e, "idempotency record could not be settled");
    }
    result
}

fn replay<T: DeserializeOwned>(
    record: Record,
    fingerprint: &Fingerprint,
    now: SystemTime,
) -> Result<T, ApiError> {
    let (Record::InFlight {
        fingerprint: first, ..
    }
    | Record::Done {
        fingerprint: first, ..
    }
    | Record::Unknown { fingerprint: first }) = &record;
    if first != fingerprint {
        return Err(ApiError::Unprocessable(
            "this Idempotency-Key was already used with a different request body".into(),
        ));
    }
    match record {
        Record::Done { response, .. } => serde_json::from_str(&response.body).map_err(|e| {
            tracing::error!(error = %e, "stored response unreadable");
            ApiError::BadGateway
        }),
        Record::InFlight { since, .. }
            if now.duration_since(since).unwrap_or_default() < IN_FLIGHT_LEASE =>
        {
            Err(ApiError::Conflict(
                "a request with this Idempotency-Key is still in progress; retry shortly".into(),
            ))
        }
        Record::InFlight { .. } | Record::Unknown { .. } => Err(ApiError::Conflict(
            "the outcome of the earlier request with this Idempotency-Key is unknown; check before \
             retrying with a new key"
                .into(),
        )),
    }
}

/// Records of this process: at most `capacity`, each kept for `ttl`. When full, the oldest settled
/// record goes first; records in flight are never evicted (a claim is refused instead).
pub struct MemoryStore {
    capacity: usize,
    ttl: Duration,
    inner: Mutex<Memory>,
}

#[derive(Default)]
struct Memory {
    records: HashMap<RecordKey, Entry>,
    /// Keys in claim order, with the claim's sequence number (stale after a release and new claim).
    order: VecDeque<(RecordKey, u64)>,
    next_seq: u64,
}

struct Entry {
    record: Record,
    claimed: SystemTime,
    seq: u64,
}

impl MemoryStore {
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        MemoryStore {
            capacity,
            ttl,
            inner: Mutex::new(Memory::default()),
        }
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn len(&self) -> usize {
        self.memory().records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn claim_now(
        &self,
        key: &RecordKey,
        fingerprint: &Fingerprint,
        now: SystemTime,
    ) -> Result<Claim, StoreError> {
        let mut memory = self.memory();
        memory.forget_older_than(now, self.ttl);
        if let Some(entry) = memory.records.get(key) {
            return Ok(Claim::Taken(entry.record.clone()));
        }
        if memory.records.len() >= self.capacity && !memory.evict_oldest_settled() {
            return Err(StoreError::Full);
        }
        let seq = memory.next_seq;
        memory.next_seq += 1;
        memory.order.push_back((*key, seq));
        memory.records.insert(
            *key,
            Entry {
                record: Record::InFlight {
                    fingerprint: *fingerprint,
                    since: now,
                },
                claimed: now,
                seq,
            },
        );
        Ok(Claim::Claimed)
    }

    /// Runs `change` on the record of `key` if it is still this request's claim.
    fn on_own_claim(
        &self,
        key: &RecordKey,
        fingerprint: &Fingerprint,
        change: impl FnOnce(&mut Memory),
    ) {
        let mut memory = self.memory();
        let own = matches!(
            memory.records.get(key),
            Some(Entry { record: Record::InFlight { fingerprint: f, .. }, .. }) if f == fingerprint
        );
        if own {
            change(&mut memory);
        }
    }
}

impl Memory {
    fn forget_older_than(&mut self, now: SystemTime, ttl: Duration) {
        while let Some((key, seq)) = self.order.front().copied() {
            match self.records.get(&key) {
                Some(entry) if entry.seq == seq => {
                    if now.duration_since(entry.claimed).unwrap_or_default() < ttl {
                        break;
                    }
                    self.records.remove(&key);
                }
                // Released (and maybe claimed again later): this queue entry is stale.
                _ => {}
            }
            self.order.pop_front();
        }
    }

    fn evict_oldest_settled(&mut self) -> bool {
        let position = self.order.iter().position(|(key, seq)| {
            self.records
                .get(key)
                .is_some_and(|e| e.seq == *seq && !matches!(e.record, Record::InFlight { .. }))
        });
        let Some(position) = position else {
            return false;
        };
        if let Some((key, _)) = self.order.remove(position) {
            self.records.remove(&key);
        }
        true
    }
}

impl IdempotencyStore for MemoryStore {
    fn claim(
        &self,
        key: &RecordKey,
        fingerprint: &Fingerprint,
        now: SystemTime,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send {
        std::future::ready(self.claim_now(key, fingerprint, now))
    }

    fn settle(
        &self,
        key: &RecordKey,
        fingerprint: &Fingerprint,
        outcome: Settled,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let fingerprint = *fingerprint;
        self.on_own_claim(key, &fingerprint, |memory| {
            if let Some(entry) = memory.records.get_mut(key) {
                entry.record = match outcome {
                    Settled::Done(response) => Record::Done {
                        fingerprint,
                        response,
                    },
                    Settled::Unknown => Record::Unknown { fingerprint },
                };
            }
        });
        std::future::ready(Ok(()))
    }

    fn release(
        &self,
        key: &RecordKey,
        fingerprint: &Fingerprint,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        self.on_own_claim(key, fingerprint, |memory| {
            memory.records.remove(key);
        });
        std::future::ready(Ok(()))
    }
}

/// Records kept by this process: 10,000 keys for 24 hours at most.
pub fn process_store() -> &'static MemoryStore {
    static STORE: OnceLock<MemoryStore> = OnceLock::new();
    STORE.get_or_init(|| MemoryStore::new(10_000, Duration::from_secs(24 * 60 * 60)))
}

#[cfg(test)]
mod tests;

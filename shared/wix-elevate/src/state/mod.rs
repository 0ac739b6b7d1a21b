//! State every instance of a function shares. Lambda runs a function as many processes and sends a
//! request to whichever is free, so what must hold for the deployment (an idempotency key's record, a
//! budget's count) cannot live in one process's memory.
//!
//! Two operations build every guard:
//! - **claim / settle / release** of an idempotency record (Powertools Idempotency's model: a record is in
//!   progress until its claimer's deadline, then completed with the stored answer and the request's hash,
//!   or marked unknown; see [`crate::idempotency`] for what each means to a caller);
//! - **take** from a capped counter per fixed window ([`Budget`]).
//!
//! Two stores implement them: [`DynamoStore`] (one DynamoDB table, `STATE_TABLE`; every race decided by a
//! condition expression, never read-then-write) and [`MemoryStore`] (this process only: unit tests and a
//! single local process). A deployed function that needs shared state refuses to start without the table.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use thiserror::Error;

mod dynamo;
mod memory;

pub use dynamo::{DynamoStore, MAX_TAKES};
pub use memory::MemoryStore;

/// Where a record or count lives: `<function>#<purpose>#<sha-256 of the parts>`. The function and purpose
/// prefix is what a function's IAM policy limits it to (`dynamodb:LeadingKeys`); the parts (caller ids,
/// an `Idempotency-Key`) are hashed, so no caller-supplied text becomes part of a key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StateKey(String);

impl StateKey {
    pub fn new(function: &str, purpose: &str, parts: &[&str]) -> Self {
        let mut hash = Sha256::new();
        for part in parts {
            // Length-prefixed: ("ab", "c") and ("a", "bc") are different keys.
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        let digest: [u8; 32] = hash.finalize().into();
        StateKey(format!("{function}#{purpose}#{}", hex(&digest)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// This key's counter for one window: `<key>#<window index>`.
    fn in_window(&self, index: u64) -> StateKey {
        StateKey(format!("{}#{index}", self.0))
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// SHA-256 of the raw request body: "the same request" means the same bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub(crate) [u8; 32]);

impl Fingerprint {
    pub fn of(body: &[u8]) -> Self {
        Fingerprint(Sha256::digest(body).into())
    }

    fn to_hex(self) -> String {
        hex(&self.0)
    }
}

/// An idempotency record as a store holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// Claimed by a request that has not settled it; past `until` (its claimer's deadline) it reads as
    /// unknown, never as free.
    InProgress {
        fingerprint: Fingerprint,
        until: SystemTime,
    },
    /// Done, with the JSON body that was answered (only successes are stored).
    Completed {
        fingerprint: Fingerprint,
        body: String,
    },
    /// The effect may or may not have happened.
    Unknown { fingerprint: Fingerprint },
}

impl Record {
    pub fn fingerprint(&self) -> &Fingerprint {
        let (Record::InProgress { fingerprint, .. }
        | Record::Completed { fingerprint, .. }
        | Record::Unknown { fingerprint }) = self;
        fingerprint
    }
}

/// The answer to a claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key was free and is now in progress for this request.
    Claimed,
    /// The key already has a record.
    Taken(Record),
}

/// What a settled claim becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settled {
    Completed { body: String },
    Unknown,
}

/// A count capped per fixed window, e.g. 200 uploads per visitor per hour.
///
/// A fixed window (the count's key carries the window's index) costs one conditional write per request,
/// and under any concurrency exactly `cap` takes succeed per window. The burst it allows: up to `2 × cap`
/// within a short span that straddles a window boundary. A sliding window or GCRA would smooth that, at
/// the price of a read-modify-write with optimistic retries on every request; for hourly and daily budgets
/// against abuse, the boundary burst is the better trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub cap: u64,
    pub window: Duration,
}

impl Budget {
    /// The window `now` falls in, and when it ends.
    fn window_at(&self, now: SystemTime) -> (u64, SystemTime) {
        let window = self.window.as_secs().max(1);
        let index = seconds(now) / window;
        (
            index,
            UNIX_EPOCH + Duration::from_secs((index + 1) * window),
        )
    }
}

/// One count among several taken together: `amount` of `budget` under `key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Take {
    pub key: StateKey,
    pub amount: u64,
    pub budget: Budget,
}

/// The answer to taking several counts at once: all were counted, or none was, because the take at
/// `index` would pass its cap (its window ends in `retry_after`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TakenAll {
    Within,
    Exhausted { index: usize, retry_after: Duration },
}

/// The answer to a take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    /// Counted.
    Within,
    /// Taking this much would pass the cap; nothing was counted. The window ends in `retry_after`.
    Exhausted { retry_after: Duration },
}

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the in-memory state store is full of records in progress")]
    Full,
    #[error("the state table could not be used: {0}")]
    Backend(String),
    #[error("the state table answered a record this function cannot read: {0}")]
    Corrupt(String),
}

/// The store a function uses, chosen at cold start.
pub enum StateStore {
    Dynamo(DynamoStore),
    Memory(MemoryStore),
}

impl StateStore {
    /// Record `key` as in progress until `until` unless it has a live record.
    pub async fn claim(
        &self,
        key: &StateKey,
        fingerprint: &Fingerprint,
        now: SystemTime,
        until: SystemTime,
    ) -> Result<Claim, StoreError> {
        match self {
            StateStore::Dynamo(store) => store.claim(key, fingerprint, now, until).await,
            StateStore::Memory(store) => store.claim(key, fingerprint, now, until),
        }
    }

    /// Replace this request's in-progress record with its outcome. A record that is no longer this
    /// request's claim is left alone.
    pub async fn settle(
        &self,
        key: &StateKey,
        fingerprint: &Fingerprint,
        outcome: Settled,
    ) -> Result<(), StoreError> {
        match self {
            StateStore::Dynamo(store) => store.settle(key, fingerprint, outcome).await,
            StateStore::Memory(store) => {
                store.settle(key, fingerprint, outcome);
                Ok(())
            }
        }
    }

    /// Drop this request's in-progress record: nothing happened, the key may be used again.
    pub async fn release(
        &self,
        key: &StateKey,
        fingerprint: &Fingerprint,
    ) -> Result<(), StoreError> {
        match self {
            StateStore::Dynamo(store) => store.release(key, fingerprint).await,
            StateStore::Memory(store) => {
                store.release(key, fingerprint);
                Ok(())
            }
        }
    }

    /// Count `amount` against `budget` for `key`, unless that would pass the cap.
    pub async fn take(
        &self,
        key: &StateKey,
        amount: u64,
        budget: Budget,
        now: SystemTime,
    ) -> Result<Taken, StoreError> {
        let take = Take {
            key: key.clone(),
            amount,
            budget,
        };
        Ok(match self.take_all(&[take], now).await? {
            TakenAll::Within => Taken::Within,
            TakenAll::Exhausted { retry_after, .. } => Taken::Exhausted { retry_after },
        })
    }

    /// Count every take, or none (one transaction): a request refused by one budget uses up no other.
    pub async fn take_all(&self, takes: &[Take], now: SystemTime) -> Result<TakenAll, StoreError> {
        match self {
            StateStore::Dynamo(store) => store.take_all(takes, now).await,
            StateStore::Memory(store) => Ok(store.take_all(takes, now)),
        }
    }

    pub fn is_shared(&self) -> bool {
        matches!(self, StateStore::Dynamo(_))
    }
}

/// Whole seconds since the epoch (0 before it).
fn seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

fn millis(at: SystemTime) -> u64 {
    u64::try_from(
        at.duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis(),
    )
    .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;

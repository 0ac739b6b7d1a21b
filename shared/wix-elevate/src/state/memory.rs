//! State kept in this process: right for unit tests and for one local process, wrong for a deployment
//! (another instance has its own, empty memory). Bounded in count and age.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use super::{Claim, Fingerprint, Record, Settled, StateKey, StoreError, Take, TakenAll};

/// Above this many counters, those of windows already over are dropped.
const MAX_COUNTERS: usize = 50_000;

/// Records of this process: at most `capacity`, each kept for `ttl`. When full, the oldest settled
/// record goes first; records in progress are never evicted (a claim is refused instead).
pub struct MemoryStore {
    capacity: usize,
    ttl: Duration,
    records: Mutex<Records>,
    counters: Mutex<HashMap<StateKey, Counter>>,
}

#[derive(Default)]
struct Records {
    by_key: HashMap<StateKey, Entry>,
    /// Keys in claim order, with the claim's sequence number (stale after a release and a new claim).
    order: VecDeque<(StateKey, u64)>,
    next_seq: u64,
}

struct Entry {
    record: Record,
    claimed: SystemTime,
    seq: u64,
}

struct Counter {
    used: u64,
    window_ends: SystemTime,
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MemoryStore {
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        MemoryStore {
            capacity,
            ttl,
            records: Mutex::new(Records::default()),
            counters: Mutex::new(HashMap::new()),
        }
    }

    pub fn len(&self) -> usize {
        locked(&self.records).by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn claim(
        &self,
        key: &StateKey,
        fingerprint: &Fingerprint,
        now: SystemTime,
        until: SystemTime,
    ) -> Result<Claim, StoreError> {
        let mut records = locked(&self.records);
        records.forget_older_than(now, self.ttl);
        if let Some(entry) = records.by_key.get(key) {
            return Ok(Claim::Taken(entry.record.clone()));
        }
        if records.by_key.len() >= self.capacity && !records.evict_oldest_settled() {
            return Err(StoreError::Full);
        }
        let seq = records.next_seq;
        records.next_seq += 1;
        records.order.push_back((key.clone(), seq));
        let record = Record::InProgress {
            fingerprint: *fingerprint,
            until,
        };
        records.by_key.insert(
            key.clone(),
            Entry {
                record,
                claimed: now,
                seq,
            },
        );
        Ok(Claim::Claimed)
    }

    pub(crate) fn settle(&self, key: &StateKey, fingerprint: &Fingerprint, outcome: Settled) {
        let fingerprint = *fingerprint;
        if let Some(entry) = locked(&self.records).own_claim(key, &fingerprint) {
            entry.record = match outcome {
                Settled::Completed { body } => Record::Completed { fingerprint, body },
                Settled::Unknown => Record::Unknown { fingerprint },
            };
        }
    }

    pub(crate) fn release(&self, key: &StateKey, fingerprint: &Fingerprint) {
        let mut records = locked(&self.records);
        if records.own_claim(key, fingerprint).is_some() {
            records.by_key.remove(key);
        }
    }

    pub(crate) fn take_all(&self, takes: &[Take], now: SystemTime) -> TakenAll {
        let mut counters = locked(&self.counters);
        if counters.len() > MAX_COUNTERS {
            counters.retain(|_, c| c.window_ends > now);
        }
        let windows: Vec<(StateKey, SystemTime)> = takes
            .iter()
            .map(|take| {
                let (index, ends) = take.budget.window_at(now);
                (take.key.in_window(index), ends)
            })
            .collect();
        for (index, (take, (key, ends))) in takes.iter().zip(&windows).enumerate() {
            let used = counters.get(key).map_or(0, |c| c.used);
            if used
                .checked_add(take.amount)
                .is_none_or(|total| total > take.budget.cap)
            {
                let retry_after = ends.duration_since(now).unwrap_or_default();
                return TakenAll::Exhausted { index, retry_after };
            }
        }
        for (take, (key, ends)) in takes.iter().zip(windows) {
            let counter = counters.entry(key).or_insert(Counter {
                used: 0,
                window_ends: ends,
            });
            counter.used += take.amount;
        }
        TakenAll::Within
    }
}

impl Records {
    /// The entry of `key` if it is still the in-progress claim of the request with `fingerprint`.
    fn own_claim(&mut self, key: &StateKey, fingerprint: &Fingerprint) -> Option<&mut Entry> {
        self.by_key.get_mut(key).filter(|entry| {
            matches!(&entry.record, Record::InProgress { fingerprint: f, .. } if f == fingerprint)
        })
    }

    fn forget_older_than(&mut self, now: SystemTime, ttl: Duration) {
        while let Some((key, seq)) = self.order.front() {
            match self.by_key.get(key) {
                Some(entry) if entry.seq == *seq => {
                    if now.duration_since(entry.claimed).unwrap_or_default() < ttl {
                        break;
                    }
                    self.by_key.remove(key);
                }
                // Released (and maybe claimed again later): this queue entry is stale.
                _ => {}
            }
            self.order.pop_front();
        }
    }

    fn evict_oldest_settled(&mut self) -> bool {
        let position = self.order.iter().position(|(key, seq)| {
            self.by_key
                .get(key)
                .is_some_and(|e| e.seq == *seq && !matches!(e.record, Record::InProgress { .. }))
        });
        let Some(position) = position else {
            return false;
        };
        if let Some((key, _)) = self.order.remove(position) {
            self.by_key.remove(&key);
        }
        true
    }
}

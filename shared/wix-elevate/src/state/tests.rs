//! The in-memory store against the same rules the DynamoDB store keeps (that one is tested against moto
//! in `tests/api/state.rs`).

use super::*;

fn key(name: &str) -> StateKey {
    StateKey::new("refund-order", "idem", &[name])
}

fn until(now: SystemTime) -> SystemTime {
    now + Duration::from_secs(10)
}

/// One take from the memory store.
fn take(
    store: &MemoryStore,
    key: &StateKey,
    amount: u64,
    budget: Budget,
    now: SystemTime,
) -> Taken {
    let one = Take {
        key: key.clone(),
        amount,
        budget,
    };
    match store.take_all(&[one], now) {
        TakenAll::Within => Taken::Within,
        TakenAll::Exhausted { retry_after, .. } => Taken::Exhausted { retry_after },
    }
}

fn completed() -> Settled {
    Settled::Completed { body: "{}".into() }
}

#[test]
fn keys_carry_their_function_and_purpose_and_hash_the_rest() {
    let key = StateKey::new("upload-image", "budget", &["visitor", "v-1"]);
    let (prefix, hash) = key.as_str().rsplit_once('#').unwrap();
    assert_eq!(prefix, "upload-image#budget");
    assert_eq!(hash.len(), 64);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(
        StateKey::new("f", "p", &["ab", "c"]),
        StateKey::new("f", "p", &["a", "bc"]),
        "parts are length-prefixed"
    );
}

#[test]
fn the_memory_store_is_bounded_and_never_evicts_a_claim_in_progress() {
    let store = MemoryStore::new(2, Duration::from_secs(3600));
    let now = SystemTime::now();
    let fingerprint = Fingerprint::of(b"body");
    for name in ["a", "b"] {
        let claim = store.claim(&key(name), &fingerprint, now, until(now));
        assert_eq!(claim.unwrap(), Claim::Claimed);
    }
    assert!(matches!(
        store.claim(&key("c"), &fingerprint, now, until(now)),
        Err(StoreError::Full)
    ));
    store.settle(&key("a"), &fingerprint, completed());
    let claim = store.claim(&key("c"), &fingerprint, now, until(now));
    assert_eq!(claim.unwrap(), Claim::Claimed);
    assert_eq!(store.len(), 2);
    store.settle(&key("b"), &fingerprint, completed());
    assert_eq!(
        store
            .claim(&key("a"), &fingerprint, now, until(now))
            .unwrap(),
        Claim::Claimed,
        "the settled record of a made room for c, so a is new again"
    );
}

#[test]
fn records_are_forgotten_after_their_time() {
    let store = MemoryStore::new(10, Duration::from_secs(60));
    let fingerprint = Fingerprint::of(b"body");
    let start = SystemTime::now();
    store
        .claim(&key("a"), &fingerprint, start, until(start))
        .unwrap();
    let later = start + Duration::from_secs(61);
    let b = store.claim(&key("b"), &fingerprint, later, until(later));
    assert_eq!(b.unwrap(), Claim::Claimed);
    assert_eq!(store.len(), 1);
    let a = store.claim(&key("a"), &fingerprint, later, until(later));
    assert_eq!(a.unwrap(), Claim::Claimed);
}

#[test]
fn only_the_claiming_request_settles_or_releases() {
    let store = MemoryStore::new(10, Duration::from_secs(60));
    let mine = Fingerprint::of(b"mine");
    let theirs = Fingerprint::of(b"theirs");
    let now = SystemTime::now();
    store.claim(&key("k"), &mine, now, until(now)).unwrap();
    store.release(&key("k"), &theirs);
    store.settle(&key("k"), &theirs, Settled::Unknown);
    assert!(matches!(
        store.claim(&key("k"), &mine, now, until(now)).unwrap(),
        Claim::Taken(Record::InProgress { .. })
    ));
    store.settle(&key("k"), &mine, completed());
    assert!(matches!(
        store.claim(&key("k"), &mine, now, until(now)).unwrap(),
        Claim::Taken(Record::Completed { .. })
    ));
}

#[test]
fn a_budget_counts_up_to_its_cap_and_no_further_within_a_window() {
    let store = MemoryStore::new(10, Duration::from_secs(60));
    let budget = Budget {
        cap: 10,
        window: Duration::from_secs(3600),
    };
    let counter = StateKey::new("upload-image", "budget", &["visitor", "v-1"]);
    let start = UNIX_EPOCH + Duration::from_secs(100 * 3600);
    let taken: Vec<Taken> = (0..4)
        .map(|_| take(&store, &counter, 3, budget, start))
        .collect();
    assert_eq!(taken[..3], [Taken::Within; 3]);
    let Taken::Exhausted { retry_after } = taken[3] else {
        panic!("the fourth take of 3 passes 10: {taken:?}")
    };
    assert_eq!(retry_after, Duration::from_secs(3600));
    assert_eq!(
        take(&store, &counter, 1, budget, start),
        Taken::Within,
        "9 + 1 fits"
    );
    assert!(matches!(
        take(&store, &counter, 11, budget, start),
        Taken::Exhausted { .. }
    ));
    let next_window = start + Duration::from_secs(3600);
    assert_eq!(
        take(&store, &counter, 10, budget, next_window),
        Taken::Within
    );
    let other = StateKey::new("upload-image", "budget", &["visitor", "v-2"]);
    assert_eq!(take(&store, &other, 10, budget, start), Taken::Within);
}

#[test]
fn several_budgets_are_taken_all_or_none() {
    let store = MemoryStore::new(10, Duration::from_secs(60));
    let hour = |cap| Budget {
        cap,
        window: Duration::from_secs(3600),
    };
    let now = UNIX_EPOCH + Duration::from_secs(100 * 3600 + 600);
    let count = StateKey::new("upload-image", "budget", &["visitor", "count"]);
    let bytes = StateKey::new("upload-image", "budget", &["visitor", "bytes"]);
    let upload = |size| {
        [
            Take {
                key: count.clone(),
                amount: 1,
                budget: hour(3),
            },
            Take {
                key: bytes.clone(),
                amount: size,
                budget: hour(1_000),
            },
        ]
    };
    assert_eq!(store.take_all(&upload(600), now), TakenAll::Within);
    let refused = store.take_all(&upload(600), now);
    assert_eq!(
        refused,
        TakenAll::Exhausted {
            index: 1,
            retry_after: Duration::from_secs(3000)
        },
        "the bytes budget is spent"
    );
    assert_eq!(
        take(&store, &count, 2, hour(3), now),
        Taken::Within,
        "the refused upload counted nothing: 1 + 2 fits in 3"
    );
}

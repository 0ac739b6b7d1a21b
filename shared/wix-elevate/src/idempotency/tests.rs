use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Deserialize;

use super::*;
use crate::WixId;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Receipt {
    refund_id: u32,
}

fn admin() -> AdminGrant {
    AdminGrant::Member(WixId::parse("29bad489-b9b2-4d79-a1c3-267a14c3a9fe").unwrap())
}

fn record_key(key: &str) -> RecordKey {
    RecordKey::new(
        "refund-order",
        &admin(),
        &IdempotencyKey::parse(key).unwrap(),
    )
}

fn store() -> MemoryStore {
    MemoryStore::new(100, Duration::from_secs(3600))
}

/// Runs `once` with work that counts its runs and answers `outcome`.
async fn run(
    store: &MemoryStore,
    key: &str,
    body: &[u8],
    runs: &AtomicUsize,
    outcome: fn(usize) -> Result<Receipt, Failure>,
) -> Result<Receipt, ApiError> {
    once(store, record_key(key), Fingerprint::of(body), async {
        let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
        outcome(n)
    })
    .await
}

fn receipt(n: usize) -> Result<Receipt, Failure> {
    Ok(Receipt {
        refund_id: n as u32,
    })
}

#[test]
fn keys_are_one_to_128_visible_ascii_characters() {
    assert!(IdempotencyKey::parse("3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a76").is_ok());
    assert!(IdempotencyKey::parse(&"k".repeat(128)).is_ok());
    for bad in ["", "has space", "tab\t", "ключ", &"k".repeat(129)] {
        assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn the_input_needs_exactly_one_valid_header_and_hashes_the_raw_body() {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[allow(dead_code)]
        amount: String,
    }
    let body = br#"{"amount":"1.00"}"#;
    let parse = |headers: &http::HeaderMap| {
        Idempotent::<Body>::parse(&RequestParts { headers, query: "" }, body)
    };
    let mut headers = http::HeaderMap::new();
    assert!(matches!(parse(&headers), Err(ApiError::BadRequest(_))));
    headers.insert(HEADER, http::HeaderValue::from_static("key-1"));
    let parsed = parse(&headers).unwrap();
    assert_eq!(parsed.key, IdempotencyKey::parse("key-1").unwrap());
    assert_eq!(parsed.fingerprint, Fingerprint::of(body));
    headers.append(HEADER, http::HeaderValue::from_static("key-2"));
    assert!(matches!(parse(&headers), Err(ApiError::BadRequest(_))));
    headers.insert(
        HEADER,
        http::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
    );
    assert!(matches!(parse(&headers), Err(ApiError::BadRequest(_))));
}

#[test]
fn keys_of_different_callers_or_functions_never_meet() {
    let key = IdempotencyKey::parse("k").unwrap();
    let other_admin = AdminGrant::Iam("arn:aws:iam::123456789012:role/job".into());
    assert_ne!(
        RecordKey::new("refund-order", &admin(), &key),
        RecordKey::new("refund-order", &other_admin, &key)
    );
    assert_ne!(
        RecordKey::new("refund-order", &admin(), &key),
        RecordKey::new("cancel-order", &admin(), &key)
    );
}

#[tokio::test]
async fn the_same_key_and_body_get_the_first_answer_without_running_again() {
    let store = store();
    let runs = AtomicUsize::new(0);
    let first = run(&store, "k", b"body", &runs, receipt).await.unwrap();
    let again = run(&store, "k", b"body", &runs, receipt).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let other_key = run(&store, "k2", b"body", &runs, receipt).await.unwrap();
    assert_eq!(other_key.refund_id, 2);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_422_and_runs_nothing() {
    let store = store();
    let runs = AtomicUsize::new(0);
    run(&store, "k", b"body", &runs, receipt).await.unwrap();
    let error = run(&store, "k", b"other body", &runs, receipt)
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Unprocessable(_)), "{error:?}");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failure_that_did_nothing_frees_the_key() {
    let store = store();
    let runs = AtomicUsize::new(0);
    let refused = |_| {
        Err(Failure::NothingDone(ApiError::Unprocessable(
            "too much".into(),
        )))
    };
    assert!(run(&store, "k", b"body", &runs, refused).await.is_err());
    assert!(store.is_empty());
    assert_eq!(
        run(&store, "k", b"body", &runs, receipt)
            .await
            .unwrap()
            .refund_id,
        2
    );
}

#[tokio::test]
async fn a_failure_that_may_have_done_it_burns_the_key() {
    let store = store();
    let runs = AtomicUsize::new(0);
    let timed_out = |_| Err(Failure::MaybeDone(ApiError::GatewayTimeout));
    assert!(matches!(
        run(&store, "k", b"body", &runs, timed_out).await,
        Err(ApiError::GatewayTimeout)
    ));
    let repeat = run(&store, "k", b"body", &runs, receipt).await.unwrap_err();
    assert!(matches!(repeat, ApiError::Conflict(_)), "{repeat:?}");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn of_two_concurrent_requests_with_one_key_only_one_runs() {
    let store = store();
    let runs = AtomicUsize::new(0);
    let (release, wait) = tokio::sync::oneshot::channel::<()>();
    let slow = once(&store, record_key("k"), Fingerprint::of(b"body"), async {
        runs.fetch_add(1, Ordering::SeqCst);
        wait.await.ok();
        receipt(1)
    });
    let second = async {
        let answer = run(&store, "k", b"body", &runs, receipt).await;
        release.send(()).unwrap();
        answer
    };
    let (first, second) = tokio::join!(slow, second);
    assert!(first.is_ok());
    assert!(
        matches!(&second, Err(ApiError::Conflict(detail)) if detail.contains("in progress")),
        "{second:?}"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[test]
fn a_claim_past_its_lease_is_an_unknown_outcome() {
    let fingerprint = Fingerprint::of(b"body");
    let started = SystemTime::now();
    let in_flight = || Record::InFlight {
        fingerprint,
        since: started,
    };
    let soon = replay::<Receipt>(in_flight(), &fingerprint, started + Duration::from_secs(1));
    assert!(matches!(soon, Err(ApiError::Conflict(d)) if d.contains("in progress")));
    let late = replay::<Receipt>(in_flight(), &fingerprint, started + IN_FLIGHT_LEASE);
    assert!(matches!(late, Err(ApiError::Conflict(d)) if d.contains("unknown")));
}

#[tokio::test]
async fn the_memory_store_is_bounded_and_never_evicts_a_claim_in_flight() {
    let store = MemoryStore::new(2, Duration::from_secs(3600));
    let now = SystemTime::now();
    let fingerprint = Fingerprint::of(b"body");
    let done = || Settled::Done(StoredResponse { body: "{}".into() });
    for key in ["a", "b"] {
        assert_eq!(
            store
                .claim(&record_key(key), &fingerprint, now)
                .await
                .unwrap(),
            Claim::Claimed
        );
    }
    assert!(matches!(
        store.claim(&record_key("c"), &fingerprint, now).await,
        Err(StoreError::Full)
    ));
    store
        .settle(&record_key("a"), &fingerprint, done())
        .await
        .unwrap();
    assert_eq!(
        store
            .claim(&record_key("c"), &fingerprint, now)
            .await
            .unwrap(),
        Claim::Claimed
    );
    assert_eq!(store.len(), 2);
    store
        .settle(&record_key("b"), &fingerprint, done())
        .await
        .unwrap();
    assert_eq!(
        store
            .claim(&record_key("a"), &fingerprint, now)
            .await
            .unwrap(),
        Claim::Claimed,
        "the settled record of a made room for c, so a is new again"
    );
}

#[tokio::test]
async fn records_are_forgotten_after_their_time() {
    let store = MemoryStore::new(10, Duration::from_secs(60));
    let fingerprint = Fingerprint::of(b"body");
    let start = SystemTime::now();
    store
        .claim(&record_key("a"), &fingerprint, start)
        .await
        .unwrap();
    let later = start + Duration::from_secs(61);
    assert_eq!(
        store
            .claim(&record_key("b"), &fingerprint, later)
            .await
            .unwrap(),
        Claim::Claimed
    );
    assert_eq!(store.len(), 1);
    assert_eq!(
        store
            .claim(&record_key("a"), &fingerprint, later)
            .await
            .unwrap(),
        Claim::Claimed
    );
}

#[tokio::test]
async fn only_the_claiming_request_settles_or_releases() {
    let store = store();
    let mine = Fingerprint::of(b"mine");
    let theirs = Fingerprint::of(b"theirs");
    let now = SystemTime::now();
    store.claim(&record_key("k"), &mine, now).await.unwrap();
    store.release(&record_key("k"), &theirs).await.unwrap();
    store
        .settle(&record_key("k"), &theirs, Settled::Unknown)
        .await
        .unwrap();
    assert!(matches!(
        store.claim(&record_key("k"), &mine, now).await.unwrap(),
        Claim::Taken(Record::InFlight { .. })
    ));
}

#[test]
fn wix_refusals_did_nothing_but_timeouts_and_5xx_may_have() {
    let status = |status| WixError::Status {
        status,
        code: None,
        request_id: None,
    };
    let to_api = |_| ApiError::BadGateway;
    for nothing in [
        status(400),
        status(404),
        status(428),
        status(429),
        WixError::Unreachable("refused".into()),
        WixError::NotSent("a body that does not encode".into()),
    ] {
        assert!(matches!(
            Failure::of_effect(nothing, to_api),
            Failure::NothingDone(_)
        ));
    }
    for maybe in [
        status(500),
        status(503),
        WixError::Timeout,
        WixError::Transport("connection reset mid-request".into()),
        WixError::Unreadable("cut".into()),
    ] {
        assert!(matches!(
            Failure::of_effect(maybe, to_api),
            Failure::MaybeDone(_)
        ));
    }
}

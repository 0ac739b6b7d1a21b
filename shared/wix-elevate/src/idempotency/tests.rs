use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::*;
use crate::WixId;
use crate::state::MemoryStore;

fn admin() -> Subject {
    Subject::Member {
        member_id: WixId::parse("29bad489-b9b2-4d79-a1c3-267a14c3a9fe").unwrap(),
    }
}

fn guarded(key: &str, body: &[u8]) -> Guarded {
    Guarded {
        record: IdempotencyKey::parse(key)
            .unwrap()
            .record("refund-order", &admin()),
        fingerprint: Fingerprint::of(body),
        deadline: SystemTime::now() + Duration::from_secs(10),
    }
}

fn store() -> StateStore {
    StateStore::Memory(MemoryStore::new(100, Duration::from_secs(3600)))
}

/// Runs `once` with work that counts its runs and answers `outcome`; `acted` is what the Wix handle
/// would say after a failure.
async fn run(
    store: &StateStore,
    key: &str,
    body: &[u8],
    runs: &AtomicUsize,
    outcome: fn(usize) -> Result<String, ApiError>,
    acted: bool,
) -> Result<String, ApiError> {
    let work = async {
        let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
        outcome(n)
    };
    once(store, &guarded(key, body), work, || acted)
        .await
        .map(|answered| answered.body)
}

fn receipt(n: usize) -> Result<String, ApiError> {
    Ok(format!("{{\"refundId\":{n}}}"))
}

fn headers(values: &[&[u8]]) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    for value in values {
        headers.append(HEADER, http::HeaderValue::from_bytes(value).unwrap());
    }
    headers
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
fn a_required_key_must_be_one_valid_header() {
    let parse =
        |values: &[&[u8]]| IdempotencyKey::from_headers(&headers(values), Idempotency::Required);
    assert!(matches!(parse(&[]), Err(ApiError::BadRequest(_))));
    assert_eq!(
        parse(&[b"key-1"]).unwrap(),
        Some(IdempotencyKey::parse("key-1").unwrap())
    );
    assert!(matches!(
        parse(&[b"key-1", b"key-2"]),
        Err(ApiError::BadRequest(_))
    ));
    assert!(matches!(
        parse(&[b"caf\xc3\xa9"]),
        Err(ApiError::BadRequest(_))
    ));
}

#[test]
fn an_optional_key_may_be_left_out_but_not_sent_malformed() {
    let parse =
        |values: &[&[u8]]| IdempotencyKey::from_headers(&headers(values), Idempotency::Optional);
    assert_eq!(parse(&[]).unwrap(), None);
    assert!(parse(&[b"key-1"]).unwrap().is_some());
    assert!(matches!(
        parse(&[b"has space"]),
        Err(ApiError::BadRequest(_))
    ));
    let ignored = IdempotencyKey::from_headers(&headers(&[b"has space"]), Idempotency::None);
    assert_eq!(
        ignored.unwrap(),
        None,
        "a function without keys ignores the header"
    );
}

#[test]
fn keys_of_different_callers_or_functions_never_meet() {
    let key = IdempotencyKey::parse("k").unwrap();
    let job = Subject::Iam {
        principal_arn: "arn:aws:iam::123456789012:role/job".into(),
    };
    assert_ne!(
        key.record("refund-order", &admin()),
        key.record("refund-order", &job)
    );
    assert_ne!(
        key.record("refund-order", &admin()),
        key.record("cancel-order", &admin())
    );
    let record = key.record("refund-order", &admin());
    assert!(
        record.as_str().starts_with("refund-order#idem#"),
        "{record:?}"
    );
    assert!(
        !record.as_str().contains("29bad489"),
        "caller ids are hashed"
    );
}

#[tokio::test]
async fn the_same_key_and_body_get_the_first_answer_without_running_again() {
    let store = store();
    let runs = AtomicUsize::new(0);
    let first = run(&store, "k", b"body", &runs, receipt, true)
        .await
        .unwrap();
    let again = run(&store, "k", b"body", &runs, receipt, true)
        .await
        .unwrap();
    assert_eq!(first, again);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let other_key = run(&store, "k2", b"body", &runs, receipt, true)
        .await
        .unwrap();
    assert_eq!(other_key, "{\"refundId\":2}");
}

#[tokio::test]
async fn the_same_key_with_another_body_is_422_and_runs_nothing() {
    let store = store();
    let runs = AtomicUsize::new(0);
    run(&store, "k", b"body", &runs, receipt, true)
        .await
        .unwrap();
    let error = run(&store, "k", b"other body", &runs, receipt, true)
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Unprocessable(_)), "{error:?}");
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_failure_before_any_write_frees_the_key() {
    let store = store();
    let runs = AtomicUsize::new(0);
    let refused = |_| Err(ApiError::Unprocessable("too much".into()));
    assert!(
        run(&store, "k", b"body", &runs, refused, false)
            .await
            .is_err()
    );
    let StateStore::Memory(memory) = &store else {
        unreachable!()
    };
    assert!(memory.is_empty());
    let second = run(&store, "k", b"body", &runs, receipt, false).await;
    assert_eq!(second.unwrap(), "{\"refundId\":2}");
}

#[tokio::test]
async fn a_failure_after_a_write_may_have_happened_is_never_run_again() {
    let store = store();
    let runs = AtomicUsize::new(0);
    let timed_out = |_| Err(ApiError::GatewayTimeout);
    assert!(matches!(
        run(&store, "k", b"body", &runs, timed_out, true).await,
        Err(ApiError::GatewayTimeout)
    ));
    let repeat = run(&store, "k", b"body", &runs, receipt, true)
        .await
        .unwrap_err();
    assert!(
        matches!(&repeat, ApiError::Conflict(d) if d.contains("unknown")),
        "{repeat:?}"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn of_two_concurrent_requests_with_one_key_only_one_runs() {
    let store = store();
    let runs = AtomicUsize::new(0);
    let (release, wait) = tokio::sync::oneshot::channel::<()>();
    let slow_work = async {
        runs.fetch_add(1, Ordering::SeqCst);
        wait.await.ok();
        receipt(1)
    };
    let first_request = guarded("k", b"body");
    let slow = once(&store, &first_request, slow_work, || true);
    let second = async {
        let answer = run(&store, "k", b"body", &runs, receipt, true).await;
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
fn a_claim_past_its_deadline_is_an_unknown_outcome_not_a_free_key() {
    let fingerprint = Fingerprint::of(b"body");
    let started = SystemTime::now();
    let in_progress = || Record::InProgress {
        fingerprint,
        until: started + Duration::from_secs(10),
    };
    let soon = replay(
        in_progress(),
        &fingerprint,
        started + Duration::from_secs(1),
    );
    assert!(matches!(soon, Err(ApiError::Conflict(d)) if d.contains("in progress")));
    let late = replay(
        in_progress(),
        &fingerprint,
        started + Duration::from_secs(10),
    );
    assert!(matches!(late, Err(ApiError::Conflict(d)) if d.contains("unknown")));
}

#[tokio::test]
async fn without_a_claim_nothing_runs_and_the_answer_is_503() {
    let store = StateStore::Memory(MemoryStore::new(0, Duration::from_secs(60)));
    let runs = AtomicUsize::new(0);
    let answer = run(&store, "k", b"body", &runs, receipt, true).await;
    assert!(matches!(answer, Err(ApiError::Unavailable)), "{answer:?}");
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn only_an_answer_from_the_record_is_reported_as_a_replay() {
    let store = store();
    let work = || async { receipt(1) };
    let first = once(&store, &guarded("k", b"body"), work(), || true)
        .await
        .unwrap();
    let repeat = once(&store, &guarded("k", b"body"), work(), || true)
        .await
        .unwrap();
    assert!(!first.replayed);
    assert!(repeat.replayed);
    assert_eq!(first.body, repeat.body);
}

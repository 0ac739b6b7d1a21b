//! Shared state across instances: the DynamoDB store itself against moto, 50 requests at once, and the
//! rules it carries for the functions, with up to 4 processes per function (`cargo lambda watch
//! --concurrency 4`), so requests really land on different instances.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::future::join_all;
use serde_json::{Value, json};
use wix_elevate::state::{Budget, Claim, DynamoStore, Fingerprint, StateKey, StateStore, Taken};

use crate::harness::{Moto, Reply, Stack, StackOptions, create_state_table, moto_config, seed};

const REFUND: &str = "refund-order";
const REFUND_PAYMENTS: &str = "/ecom/v1/order-billing/refund-payments";

async fn moto_store() -> Arc<StateStore> {
    let endpoint = Moto::shared().endpoint();
    let table = create_state_table(&endpoint).await;
    let config = moto_config(&endpoint).await;
    Arc::new(StateStore::Dynamo(DynamoStore::new(
        &config,
        table,
        Duration::from_secs(3600),
    )))
}

async fn refund(stack: &Stack, token: &str, key: &str, body: &Value) -> Reply {
    stack
        .post_with_headers(REFUND, Some(token), &[("Idempotency-Key", key)], body)
        .await
}

fn refunds_sent(stack: &Stack) -> usize {
    let stats = stack.stats();
    stats
        .calls
        .iter()
        .filter(|c| c.path == REFUND_PAYMENTS)
        .count()
}

fn refunds_of(stack: &Stack, order: &str) -> usize {
    stack.sandbox.state.order(order).unwrap().refunds.len()
}

#[tokio::test]
async fn fifty_concurrent_claims_of_one_key_in_dynamodb_have_one_winner() {
    let store = moto_store().await;
    let key = StateKey::new("refund-order", "idem", &["admin", "one-key"]);
    let now = SystemTime::now();
    let claims = (0..50).map(|_| {
        let (store, key) = (Arc::clone(&store), key.clone());
        tokio::spawn(async move {
            let fingerprint = Fingerprint::of(b"body");
            store
                .claim(&key, &fingerprint, now, now + Duration::from_secs(10))
                .await
                .unwrap()
        })
    });
    let mut winners = 0;
    for claim in claims.collect::<Vec<_>>() {
        match claim.await.unwrap() {
            Claim::Claimed => winners += 1,
            Claim::Taken(record) => assert_eq!(record.fingerprint(), &Fingerprint::of(b"body")),
        }
    }
    assert_eq!(winners, 1);
}

#[tokio::test]
async fn fifty_concurrent_takes_from_a_budget_of_10_in_dynamodb_count_exactly_10() {
    let store = moto_store().await;
    let key = StateKey::new("upload-image", "budget", &["visitor", "v-1"]);
    let budget = Budget {
        cap: 10,
        window: Duration::from_secs(3600),
    };
    let now = SystemTime::now();
    let takes = (0..50).map(|_| {
        let (store, key) = (Arc::clone(&store), key.clone());
        tokio::spawn(async move { store.take(&key, 1, budget, now).await.unwrap() })
    });
    let mut within = 0;
    for take in takes.collect::<Vec<_>>() {
        match take.await.unwrap() {
            Taken::Within => within += 1,
            Taken::Exhausted { retry_after } => assert!(retry_after <= budget.window),
        }
    }
    assert_eq!(within, 10);
}

#[tokio::test]
async fn an_expired_record_in_dynamodb_is_free_before_ttl_removes_it() {
    let store = moto_store().await;
    let key = StateKey::new("refund-order", "idem", &["admin", "old-key"]);
    let fingerprint = Fingerprint::of(b"body");
    let then = SystemTime::now();
    let claim = |at: SystemTime| store.claim(&key, &fingerprint, at, at + Duration::from_secs(10));
    assert_eq!(claim(then).await.unwrap(), Claim::Claimed);
    assert!(matches!(claim(then).await.unwrap(), Claim::Taken(_)));
    // The store's records last an hour; moto never deletes expired items, so only the condition frees it.
    let later = then + Duration::from_secs(3601);
    assert_eq!(claim(later).await.unwrap(), Claim::Claimed);
}

#[tokio::test]
async fn a_refund_retried_on_another_instance_refunds_once() {
    let stack = Stack::start_with(StackOptions::instances(4)).await;
    let admin = stack.member_token(&seed::ADMIN).await;
    // Four warm instances: four refunds of another order at once, each under its own key.
    let warm_ups = (0..4).map(|i| {
        let key = format!("warm-up-{i}");
        let (stack, admin) = (&stack, &admin);
        async move {
            refund(
                stack,
                admin,
                &key,
                &json!({ "orderId": seed::ORDER_SAM_OPEN, "amount": "1.00" }),
            )
            .await
        }
    });
    for reply in join_all(warm_ups).await {
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let sent_before = refunds_sent(&stack);
    stack.sandbox.state.set_latency(Duration::from_millis(600));
    let body = json!({ "orderId": seed::ORDER_MIA_OPEN, "amount": "5.00" });
    let retries = (0..4).map(|_| refund(&stack, &admin, "same-key", &body));
    let replies = join_all(retries).await;
    stack.sandbox.state.set_latency(Duration::ZERO);
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [200, 409].contains(s)),
        "{statuses:?}"
    );
    let answers: Vec<&str> = replies
        .iter()
        .filter(|r| r.status == 200)
        .map(|r| r.body.as_str())
        .collect();
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "a repeat is the first answer"
    );
    // More retries under the key, a pair at a time, until a second process has answered; each is the
    // stored first answer.
    let (stack_ref, admin_ref, body_ref, first) = (&stack, &admin, &body, answers[0]);
    stack
        .until_two_instances_served(REFUND, || async move {
            let (a, b) = tokio::join!(
                refund(stack_ref, admin_ref, "same-key", body_ref),
                refund(stack_ref, admin_ref, "same-key", body_ref),
            );
            for repeat in [a, b] {
                assert_eq!(repeat.status, 200, "{}", repeat.body);
                assert_eq!(repeat.body, first, "a repeat is the first answer");
            }
        })
        .await;
    assert_eq!(
        refunds_sent(&stack) - sent_before,
        1,
        "one refund-payments reached Wix"
    );
    assert_eq!(refunds_of(&stack, seed::ORDER_MIA_OPEN), 1);
}

#[tokio::test]
async fn the_same_key_after_a_cold_start_answers_the_stored_result() {
    let mut stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let body = json!({ "orderId": seed::ORDER_MIA_OPEN, "amount": "3.00" });
    let first = refund(&stack, &admin, "kept-key", &body).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let before = stack.instances_serving(REFUND);
    stack.restart_functions();
    let again = refund(&stack, &admin, "kept-key", &body).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body, first.body);
    assert_eq!(
        refunds_sent(&stack),
        1,
        "no second refund after the restart"
    );
    let after = stack.instances_serving(REFUND);
    assert!(
        after.iter().all(|id| !before.contains(id)) && !after.is_empty(),
        "a new process answered: {before:?} then {after:?}"
    );
}

#[tokio::test]
async fn a_refund_whose_answer_was_lost_is_never_sent_again_under_its_key() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    // Wix carries out the refund, but its answer never arrives in time.
    stack
        .sandbox
        .state
        .lose_answers(1, REFUND_PAYMENTS, Duration::from_secs(30));
    let body = json!({ "orderId": seed::ORDER_MIA_OPEN, "amount": "4.00" });
    let lost = refund(&stack, &admin, "lost-key", &body).await;
    assert!(
        [502, 504].contains(&lost.status),
        "{} {}",
        lost.status,
        lost.body
    );
    assert_eq!(
        refunds_of(&stack, seed::ORDER_MIA_OPEN),
        1,
        "the refund happened"
    );
    for _ in 0..2 {
        let repeat = refund(&stack, &admin, "lost-key", &body).await;
        let problem = repeat.problem(409);
        assert!(
            problem["detail"].as_str().unwrap().contains("unknown"),
            "{problem}"
        );
    }
    assert_eq!(refunds_sent(&stack), 1, "never sent again under its key");
    assert_eq!(refunds_of(&stack, seed::ORDER_MIA_OPEN), 1);
}

/// A stack whose functions find DynamoDB on a port nothing listens on.
async fn stack_with_the_state_table_down() -> Stack {
    let closed = format!("http://127.0.0.1:{}", crate::harness::free_port());
    Stack::start_with(StackOptions {
        extra_env: vec![("AWS_ENDPOINT_URL_DYNAMODB".into(), closed)],
        ..StackOptions::default()
    })
    .await
}

#[tokio::test]
async fn with_the_state_table_down_a_refund_is_503_and_nothing_reaches_wix() {
    let stack = stack_with_the_state_table_down().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let body = json!({ "orderId": seed::ORDER_MIA_OPEN, "amount": "2.00" });
    let reply = refund(&stack, &admin, "down-key", &body).await;
    reply.problem(503);
    assert_eq!(stack.stats().elevated_calls, 0, "nothing was sent to Wix");
    assert_eq!(refunds_of(&stack, seed::ORDER_MIA_OPEN), 0);
}

#[tokio::test]
async fn with_the_state_table_down_site_properties_still_answers() {
    let stack = stack_with_the_state_table_down().await;
    let visitor = stack.visitor_token().await;
    let reply = stack.get("get-site-properties", Some(&visitor)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

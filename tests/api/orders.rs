//! query-orders, cancel-order, fulfill-order and refund-order, black-box: the real binaries under
//! `cargo lambda watch`, Wix from the sandbox with orders of Mia, Sam and a guest.

use crate::harness::{Reply, Stack, seed};
use serde_json::{Value, json};

const QUERY: &str = "query-orders";
const CANCEL: &str = "cancel-order";
const FULFILL: &str = "fulfill-order";
const REFUND: &str = "refund-order";
const REFUND_PATH: &str = "/ecom/v1/order-billing/refund-payments";

fn order_ids(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn refund(stack: &Stack, token: &str, key: Option<&str>, body: &Value) -> Reply {
    let headers: Vec<(&str, &str)> = key.map(|k| ("Idempotency-Key", k)).into_iter().collect();
    stack
        .post_with_headers(REFUND, Some(token), &headers, body)
        .await
}

fn refund_of(order: &str, amount: &str) -> Value {
    json!({ "orderId": order, "amount": amount, "reason": "damaged in transit" })
}

const MIAS_ORDERS: [&str; 2] = [seed::ORDER_MIA_OPEN, seed::ORDER_MIA_PART_REFUNDED];
const OTHER_BUYERS_ORDERS: [&str; 4] = [
    seed::ORDER_SAM_OPEN,
    seed::ORDER_SAM_CANCELED,
    seed::ORDER_GUEST_UNPAID,
    seed::ORDER_SAM_INITIALIZED,
];

#[tokio::test]
async fn an_admin_queries_all_orders_with_allowlisted_filters_and_cursor_paging() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let all = stack.post(QUERY, Some(&admin), &json!({})).await;
    let ids = order_ids(&all);
    assert_eq!(
        ids,
        [
            seed::ORDER_GUEST_UNPAID,
            seed::ORDER_SAM_OPEN,
            seed::ORDER_MIA_OPEN,
            seed::ORDER_MIA_PART_REFUNDED,
            seed::ORDER_SAM_CANCELED
        ],
        "newest first, never INITIALIZED"
    );
    let first = &all.json()["orders"][2];
    assert_eq!(first["number"], "10003");
    assert_eq!(first["total"], seed::ORDER_MIA_OPEN_TOTAL);
    assert_eq!(first["lineItems"][0]["name"], "Stoneware Mug");
    assert_eq!(first["lineItems"][0]["quantity"], 2);
    assert_eq!(
        first["buyer"]["memberId"],
        seed::MEMBER.id,
        "an admin sees the buyer"
    );
    assert!(
        !all.body.contains(seed::BUYER_PHONE_MARKER),
        "no billing details"
    );

    let mut paged = Vec::new();
    let mut body = json!({ "limit": 2 });
    loop {
        let page = stack.post(QUERY, Some(&admin), &body).await;
        assert!(order_ids(&page).len() <= 2);
        paged.extend(order_ids(&page));
        match page.json()["nextCursor"].as_str() {
            Some(cursor) => body = json!({ "cursor": cursor, "limit": 2 }),
            None => break,
        }
    }
    assert_eq!(paged, ids, "cursor paging walks the same orders");

    let cases = [
        (
            json!({ "status": ["CANCELED"] }),
            vec![seed::ORDER_SAM_CANCELED],
        ),
        (
            json!({ "paymentStatus": ["PARTIALLY_REFUNDED"] }),
            vec![seed::ORDER_MIA_PART_REFUNDED],
        ),
        (
            json!({ "fulfillmentStatus": ["PARTIALLY_FULFILLED", "FULFILLED"] }),
            vec![seed::ORDER_SAM_OPEN, seed::ORDER_MIA_PART_REFUNDED],
        ),
        (
            json!({ "createdFrom": "2026-03-01T00:00:00Z", "createdBefore": "2026-03-06T00:00:00Z" }),
            vec![seed::ORDER_SAM_OPEN, seed::ORDER_MIA_OPEN],
        ),
    ];
    for (filter, expected) in cases {
        let reply = stack
            .post(QUERY, Some(&admin), &json!({ "filter": filter }))
            .await;
        assert_eq!(order_ids(&reply), expected, "{filter}");
    }
    let oldest = stack
        .post(QUERY, Some(&admin), &json!({ "sort": "ASC", "limit": 1 }))
        .await;
    assert_eq!(order_ids(&oldest), [seed::ORDER_SAM_CANCELED]);

    let searches = stack.calls_to("/ecom/v1/orders/search");
    for bad in [
        json!({ "limit": 101 }),
        json!({ "filter": { "billingInfo.contactDetails.phone": "x" } }),
        json!({ "filter": { "status": "APPROVED" } }),
        json!({ "query": { "filter": {} } }),
    ] {
        stack.post(QUERY, Some(&admin), &bad).await.problem(400);
    }
    assert_eq!(
        stack.calls_to("/ecom/v1/orders/search"),
        searches,
        "refused before any Wix call"
    );
}

#[tokio::test]
async fn a_member_querying_orders_never_sees_another_buyers_order_whatever_filter_they_send() {
    let stack = Stack::start().await;
    let mia = stack.member_token(&seed::MEMBER).await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let never_others = |reply: &Reply| {
        for other in OTHER_BUYERS_ORDERS {
            assert!(
                !reply.body.contains(other),
                "another buyer's order in {}",
                reply.body
            );
        }
        assert!(
            !reply.body.contains(seed::SECOND_MEMBER.id)
                && !reply.body.contains(seed::GUEST_BUYER_EMAIL)
        );
    };

    let own = stack.post(QUERY, Some(&mia), &json!({})).await;
    assert_eq!(order_ids(&own), MIAS_ORDERS);
    assert!(
        own.json()["orders"][0].get("buyer").is_none(),
        "no buyer block for a member"
    );
    never_others(&own);

    let allowed = [
        json!({ "filter": { "status": ["APPROVED", "CANCELED", "PENDING", "REJECTED"] } }),
        json!({ "filter": { "paymentStatus": ["PAID", "NOT_PAID", "FULLY_REFUNDED"] }, "sort": "ASC" }),
        json!({ "filter": { "createdFrom": "2000-01-01T00:00:00Z" }, "limit": 100 }),
    ];
    for body in &allowed {
        let reply = stack.post(QUERY, Some(&mia), body).await;
        assert!(
            order_ids(&reply)
                .iter()
                .all(|id| MIAS_ORDERS.contains(&id.as_str())),
            "{body}"
        );
        never_others(&reply);
    }

    let searches = stack.calls_to("/ecom/v1/orders/search");
    let sam = seed::SECOND_MEMBER.id;
    let widening = [
        json!({ "filter": { "buyerInfo.memberId": sam } }),
        json!({ "filter": { "buyerInfo": { "memberId": sam } } }),
        json!({ "filter": { "$or": [{ "status": ["APPROVED"] }, { "buyerInfo.memberId": sam }] } }),
        json!({ "filter": { "status": { "$ne": "CANCELED" } } }),
        json!({ "memberId": sam }),
        json!({ "buyer": sam }),
        json!({ "search": { "filter": {} } }),
        json!({ "filter": { "status": ["INITIALIZED"] } }),
    ];
    for body in &widening {
        let reply = stack.post(QUERY, Some(&mia), body).await;
        reply.problem(400);
        never_others(&reply);
    }
    assert_eq!(stack.calls_to("/ecom/v1/orders/search"), searches);

    let admin_page = stack
        .post(QUERY, Some(&admin), &json!({ "limit": 1 }))
        .await;
    let admins_cursor = admin_page.json()["nextCursor"].as_str().unwrap().to_owned();
    let reply = stack
        .post(QUERY, Some(&mia), &json!({ "cursor": admins_cursor }))
        .await;
    reply.problem(400);
    never_others(&reply);

    let first = stack.post(QUERY, Some(&mia), &json!({ "limit": 1 })).await;
    let cursor = first.json()["nextCursor"].as_str().unwrap().to_owned();
    let second = stack
        .post(QUERY, Some(&mia), &json!({ "cursor": cursor, "limit": 1 }))
        .await;
    assert_eq!(
        [order_ids(&first), order_ids(&second)].concat(),
        MIAS_ORDERS
    );
    assert!(second.json()["nextCursor"].is_null());

    let sam_token = stack.member_token(&seed::SECOND_MEMBER).await;
    let sams = stack.post(QUERY, Some(&sam_token), &json!({})).await;
    assert_eq!(
        order_ids(&sams),
        [seed::ORDER_SAM_OPEN, seed::ORDER_SAM_CANCELED]
    );

    let visitor = stack.visitor_token().await;
    stack
        .post(QUERY, Some(&visitor), &json!({}))
        .await
        .forbidden("caller-not-allowed");
    stack.assert_no_secret_leaked(&[&own.body, &sams.body]);
}

#[tokio::test]
async fn visitors_and_non_admin_members_cannot_cancel_fulfil_or_refund() {
    let stack = Stack::start().await;
    let tokens = [
        stack.visitor_token().await,
        stack.member_token(&seed::MEMBER).await,
        stack.member_token(&seed::SECOND_MEMBER).await,
    ];
    let order = seed::ORDER_MIA_OPEN;
    let cancel = json!({ "orderId": order, "restock": true });
    let fulfil = json!({ "orderId": order, "lineItems": [{ "id": seed::ORDER_MIA_OPEN_MUG_LINE, "quantity": 1 }] });
    for token in &tokens {
        stack
            .post(CANCEL, Some(token), &cancel)
            .await
            .forbidden("admin-only");
        stack
            .post(FULFILL, Some(token), &fulfil)
            .await
            .forbidden("admin-only");
        refund(&stack, token, Some("key-1"), &refund_of(order, "1.00"))
            .await
            .forbidden("admin-only");
    }
    assert_eq!(stack.stats().elevated_calls, 0, "nothing was elevated");
    let state = stack.sandbox.state.order(order).unwrap();
    assert_eq!(
        (state.status.as_str(), state.payment_status.as_str()),
        ("APPROVED", "PAID")
    );
    assert!(state.fulfillments.is_empty() && state.refunds.is_empty());
}

#[tokio::test]
async fn order_ids_that_are_not_guids_bad_amounts_and_bad_tracking_are_400_before_any_wix_call() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let line = seed::ORDER_MIA_OPEN_MUG_LINE;
    let fulfil = |lines: Value, tracking: Value| json!({ "orderId": seed::ORDER_MIA_OPEN, "lineItems": lines, "tracking": tracking });
    let one = json!([{ "id": line, "quantity": 1 }]);
    let tracking = |link: &str| json!({ "trackingNumber": "TN-1", "shippingProvider": "CTT", "trackingLink": link });
    let cases = [
        (CANCEL, json!({ "orderId": "../orders/search" })),
        (
            CANCEL,
            json!({ "orderId": seed::ORDER_MIA_OPEN, "message": "x".repeat(1001) }),
        ),
        (
            CANCEL,
            json!({ "orderId": seed::ORDER_MIA_OPEN, "restockAllItems": true }),
        ),
        (FULFILL, json!({ "orderId": "10003", "lineItems": one })),
        (
            FULFILL,
            fulfil(json!([{ "id": line, "quantity": 0 }]), Value::Null),
        ),
        (
            FULFILL,
            fulfil(json!([{ "id": line, "quantity": 100_001 }]), Value::Null),
        ),
        (
            FULFILL,
            fulfil(json!([{ "id": line, "quantity": -1 }]), Value::Null),
        ),
        (
            FULFILL,
            fulfil(json!([{ "id": "mug", "quantity": 1 }]), Value::Null),
        ),
        (
            FULFILL,
            fulfil(
                json!([{ "id": line, "quantity": 1 }, { "id": line, "quantity": 1 }]),
                Value::Null,
            ),
        ),
        (FULFILL, fulfil(json!([]), Value::Null)),
        (
            FULFILL,
            fulfil(one.clone(), tracking("http://track.example.com/TN-1")),
        ),
        (
            FULFILL,
            fulfil(one.clone(), tracking("javascript:alert(1)")),
        ),
        (
            FULFILL,
            fulfil(
                one.clone(),
                json!({ "trackingNumber": "x".repeat(101), "shippingProvider": "CTT" }),
            ),
        ),
    ];
    for (function, body) in &cases {
        stack.post(function, Some(&admin), body).await.problem(400);
    }
    for amount in [
        json!("0"),
        json!("-5.00"),
        json!("10.001"),
        json!(10),
        json!("ten"),
    ] {
        let body = json!({ "orderId": seed::ORDER_MIA_OPEN, "amount": amount });
        refund(&stack, &admin, Some("key-1"), &body)
            .await
            .problem(400);
    }
    let bad_order = refund_of("not-a-guid", "1.00");
    refund(&stack, &admin, Some("key-2"), &bad_order)
        .await
        .problem(400);
    assert_eq!(
        stack.stats().elevated_calls,
        0,
        "refused before any Wix call"
    );
}

#[tokio::test]
async fn an_admin_cancels_an_order_with_restock_and_a_second_cancel_is_409() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let body = json!({ "orderId": seed::ORDER_SAM_OPEN, "restock": true, "notifyCustomer": true, "message": "Out of clay, sorry." });
    let reply = stack.post(CANCEL, Some(&admin), &body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["status"], "CANCELED");
    let order = stack.sandbox.state.order(seed::ORDER_SAM_OPEN).unwrap();
    assert_eq!(order.status, "CANCELED");
    let cancellation = order.cancellation.unwrap();
    assert!(cancellation.restocked && cancellation.customer_notified);
    assert_eq!(cancellation.message.as_deref(), Some("Out of clay, sorry."));

    stack.post(CANCEL, Some(&admin), &body).await.problem(409);
    let cancel_path = format!("/ecom/v1/orders/{}/cancel", seed::ORDER_SAM_OPEN);
    assert_eq!(stack.calls_to(&cancel_path), 2, "each cancel is sent once");
    let unknown = json!({ "orderId": "7a0c5f1e-0000-4000-8000-000000000000" });
    stack
        .post(CANCEL, Some(&admin), &unknown)
        .await
        .problem(404);
}

#[tokio::test]
async fn an_admin_fulfils_chosen_line_items_with_tracking() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let body = json!({
        "orderId": seed::ORDER_MIA_OPEN,
        "lineItems": [{ "id": seed::ORDER_MIA_OPEN_MUG_LINE, "quantity": 2 }],
        "tracking": { "trackingNumber": "CT123456789PT", "shippingProvider": "CTT", "trackingLink": "https://track.example.com/CT123456789PT" }
    });
    let reply = stack.post(FULFILL, Some(&admin), &body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let answer = reply.json();
    let order = stack.sandbox.state.order(seed::ORDER_MIA_OPEN).unwrap();
    assert_eq!(order.fulfillment_status, "PARTIALLY_FULFILLED");
    let fulfillment = &order.fulfillments[0];
    assert_eq!(answer["fulfillmentId"], fulfillment.id.as_str());
    assert_eq!(
        fulfillment.lines,
        [(seed::ORDER_MIA_OPEN_MUG_LINE.to_owned(), 2)]
    );
    assert_eq!(
        fulfillment.tracking_number.as_deref(),
        Some("CT123456789PT")
    );
    assert_eq!(
        fulfillment.tracking_link.as_deref(),
        Some("https://track.example.com/CT123456789PT")
    );

    let too_many = json!({ "orderId": seed::ORDER_MIA_OPEN, "lineItems": [{ "id": seed::ORDER_MIA_OPEN_BOWL_LINE, "quantity": 2 }] });
    stack
        .post(FULFILL, Some(&admin), &too_many)
        .await
        .problem(400);
    let canceled = json!({ "orderId": seed::ORDER_SAM_CANCELED, "lineItems": [{ "id": seed::ORDER_SAM_CANCELED_LINE, "quantity": 1 }] });
    stack
        .post(FULFILL, Some(&admin), &canceled)
        .await
        .problem(409);
    assert_eq!(
        stack
            .sandbox
            .state
            .order(seed::ORDER_MIA_OPEN)
            .unwrap()
            .fulfillments
            .len(),
        1
    );

    let rest = json!({ "orderId": seed::ORDER_MIA_OPEN, "lineItems": [{ "id": seed::ORDER_MIA_OPEN_BOWL_LINE, "quantity": 1 }] });
    assert_eq!(stack.post(FULFILL, Some(&admin), &rest).await.status, 200);
    let order = stack.sandbox.state.order(seed::ORDER_MIA_OPEN).unwrap();
    assert_eq!(order.fulfillment_status, "FULFILLED");
}

#[tokio::test]
async fn refund_without_an_idempotency_key_is_400_and_the_same_key_twice_makes_one_refund() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let order = seed::ORDER_MIA_OPEN;
    let body = refund_of(order, "10.00");

    refund(&stack, &admin, None, &body).await.problem(400);
    for bad_key in ["", "has space", &"k".repeat(129)] {
        refund(&stack, &admin, Some(bad_key), &body)
            .await
            .problem(400);
    }
    assert_eq!(stack.stats().elevated_calls, 0);

    let first = refund(&stack, &admin, Some("refund-mia-1"), &body).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let receipt = first.json();
    assert_eq!(receipt["amount"], "10.00");
    assert_eq!(
        receipt["payments"][0]["paymentId"],
        seed::ORDER_MIA_OPEN_PAYMENT
    );
    let state = stack.sandbox.state.order(order).unwrap();
    assert_eq!(state.refunds.len(), 1);
    assert_eq!(receipt["refundId"], state.refunds[0].id.as_str());
    assert_eq!(
        state.refunds[0].reason.as_deref(),
        Some("damaged in transit")
    );
    assert_eq!(state.payment_status, "PARTIALLY_REFUNDED");

    let again = refund(&stack, &admin, Some("refund-mia-1"), &body).await;
    assert_eq!(
        (again.status, &again.body),
        (200, &first.body),
        "the first answer again"
    );
    assert_eq!(stack.sandbox.state.order(order).unwrap().refunds.len(), 1);
    assert_eq!(stack.calls_to(REFUND_PATH), 1, "one refund call in all");

    let other_body = refund_of(order, "11.00");
    refund(&stack, &admin, Some("refund-mia-1"), &other_body)
        .await
        .problem(422);
    assert_eq!(stack.sandbox.state.order(order).unwrap().refunds.len(), 1);

    let second = refund(&stack, &admin, Some("refund-mia-2"), &body).await;
    assert_eq!(second.status, 200, "a new key is a new refund");
    assert_eq!(stack.sandbox.state.order(order).unwrap().refunds.len(), 2);
    stack.assert_no_secret_leaked(&[&first.body, &again.body]);
}

#[tokio::test]
async fn a_refund_above_the_refundable_amount_is_422_and_no_refund_is_made() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let order = seed::ORDER_MIA_PART_REFUNDED;
    let problem = refund(&stack, &admin, Some("k-1"), &refund_of(order, "25.01"))
        .await
        .problem(422);
    assert_eq!(problem["detail"], "at most 25.00 can be refunded");
    let unpaid = refund_of(seed::ORDER_GUEST_UNPAID, "1.00");
    refund(&stack, &admin, Some("k-2"), &unpaid)
        .await
        .problem(422);
    assert_eq!(stack.calls_to(REFUND_PATH), 0, "no refund was attempted");
    assert!(stack.sandbox.state.order(order).unwrap().refunds.is_empty());

    let exact = refund(
        &stack,
        &admin,
        Some("k-1"),
        &refund_of(order, seed::ORDER_MIA_PART_REFUNDED_AVAILABLE),
    )
    .await;
    assert_eq!(
        exact.status, 200,
        "a refused key is free again: {}",
        exact.body
    );
    let state = stack.sandbox.state.order(order).unwrap();
    assert_eq!(state.payment_status, "FULLY_REFUNDED");
    assert_eq!(state.refunds.len(), 1);
}

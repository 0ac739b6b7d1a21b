//! Stores and eCommerce endpoints over real HTTP.

use serde_json::{Value, json};

use super::{Reply, application_code, get, mint_admin, post_json, send, spawn};
use crate::seed::{self, CatalogVersion};
use crate::{Sandbox, SandboxState};

async fn admin_post(sb: &Sandbox, path: &str, body: Value) -> Reply {
    let token = mint_admin(sb).await;
    post_json(sb, path, &[("Authorization", &token)], body).await
}

async fn admin_patch(sb: &Sandbox, path: &str, body: Value) -> Reply {
    let token = mint_admin(sb).await;
    let bytes = serde_json::to_vec(&body).unwrap();
    send(
        sb.addr,
        "PATCH",
        path,
        &[("Authorization", &token)],
        Some(("application/json", bytes)),
    )
    .await
}

fn v3_product(inventory: Option<Value>) -> Value {
    let mut variant = json!({ "sku": "MUG-2", "price": { "actualPrice": { "amount": "21.00" } }, "visible": true });
    if let Some(inventory) = inventory {
        variant["inventoryItem"] = inventory;
    }
    json!({ "product": { "name": "Big Mug", "productType": "PHYSICAL", "plainDescription": "<p>Big</p>", "variantsInfo": { "variants": [variant] } } })
}

fn v1_product() -> Value {
    json!({ "product": { "name": "Big Mug", "productType": "physical", "priceData": { "price": 21.5 }, "description": "<p>Big</p>" } })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_catalog_version_decides_which_stores_endpoints_answer() {
    let sb = spawn().await;
    let token = mint_admin(&sb).await;
    let version = get(
        &sb,
        "/stores/v3/provision/version",
        &[("Authorization", &token)],
    )
    .await;
    assert_eq!(version.json()["catalogVersion"], "V3_CATALOG");
    let v1 = admin_post(&sb, "/stores/v1/products", v1_product()).await;
    assert_eq!(
        (v1.status, application_code(&v1).as_str()),
        (428, "CATALOG_VERSION_MISMATCH")
    );

    sb.state.set_catalog_version(CatalogVersion::V1);
    let v3 = admin_post(&sb, "/stores/v3/products", v3_product(None)).await;
    assert_eq!(v3.status, 428);
    let v1 = admin_post(&sb, "/stores/v1/products", v1_product()).await;
    assert_eq!(v1.status, 200, "{}", String::from_utf8_lossy(&v1.body));
    let product = sb
        .state
        .products()
        .into_iter()
        .find(|p| p.name == "Big Mug")
        .unwrap();
    assert_eq!(
        (product.catalog, product.price.as_str()),
        (CatalogVersion::V1, "21.5")
    );

    let control = post_json(
        &sb,
        "/_sandbox/catalog",
        &[],
        json!({ "version": "STORES_NOT_INSTALLED" }),
    )
    .await;
    assert_eq!(control.status, 204);
    let version = get(
        &sb,
        "/stores/v3/provision/version",
        &[("Authorization", &token)],
    )
    .await;
    assert_eq!(version.json()["catalogVersion"], "STORES_NOT_INSTALLED");
    sb.state.reset();
    assert_eq!(
        sb.state.catalog_version(),
        CatalogVersion::V3,
        "reset returns to the seeded catalog"
    );

    let v1_site = Sandbox::spawn_with(0, SandboxState::seeded_on(CatalogVersion::V1))
        .await
        .unwrap();
    v1_site.state.set_catalog_version(CatalogVersion::V3);
    v1_site.state.reset();
    assert_eq!(v1_site.state.catalog_version(), CatalogVersion::V1);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_catalog_checks_its_own_shapes() {
    let sb = spawn().await;
    let mut lower_case = v3_product(None);
    lower_case["product"]["productType"] = json!("physical");
    let mut number_price = v3_product(None);
    number_price["product"]["variantsInfo"]["variants"][0]["price"]["actualPrice"]["amount"] =
        json!(21);
    for bad in [
        lower_case,
        number_price,
        v3_product(Some(json!({ "quantity": 1 }))),
    ] {
        assert_eq!(
            admin_post(&sb, "/stores/v3/products", bad).await.status,
            400
        );
    }
    assert_eq!(
        admin_post(&sb, "/stores/v3/products-with-inventory", v3_product(None))
            .await
            .status,
        400
    );

    sb.state.set_catalog_version(CatalogVersion::V1);
    let mut upper_case = v1_product();
    upper_case["product"]["productType"] = json!("PHYSICAL");
    let mut string_price = v1_product();
    string_price["product"]["priceData"]["price"] = json!("21.50");
    for bad in [upper_case, string_price] {
        assert_eq!(
            admin_post(&sb, "/stores/v1/products", bad).await.status,
            400
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn v3_inventory_updates_need_the_current_revision() {
    let sb = spawn().await;
    let created = admin_post(
        &sb,
        "/stores/v3/products-with-inventory",
        v3_product(Some(json!({ "quantity": 3 }))),
    )
    .await;
    assert_eq!(created.status, 200);
    let product_id = created.json()["product"]["id"].as_str().unwrap().to_owned();
    let query = json!({ "query": { "filter": { "productId": { "$eq": product_id } } } });
    let items = admin_post(&sb, "/stores/v3/inventory-items/query", query.clone())
        .await
        .json();
    let item = &items["inventoryItems"][0];
    assert_eq!(
        (item["quantity"].as_u64(), item["revision"].as_str()),
        (Some(3), Some("1"))
    );
    let path = format!(
        "/stores/v3/inventory-items/{}",
        item["id"].as_str().unwrap()
    );

    let stale = admin_patch(
        &sb,
        &path,
        json!({ "inventoryItem": { "revision": "0", "quantity": 5 } }),
    )
    .await;
    assert_eq!(
        (stale.status, application_code(&stale).as_str()),
        (409, "REVISION_MISMATCH")
    );
    let updated = admin_patch(&sb, &path, json!({ "inventoryItem": { "revision": "1", "quantity": 5, "trackQuantity": true }, "reason": "MANUAL" })).await;
    assert_eq!(updated.json()["inventoryItem"]["revision"], "2");
    let both = admin_patch(
        &sb,
        &path,
        json!({ "inventoryItem": { "revision": "2", "quantity": 5, "inStock": true } }),
    )
    .await;
    assert_eq!(both.status, 400);

    sb.state
        .race_next_inventory_read(seed::V3_MUG_INVENTORY_ITEM);
    let mug = json!({ "query": { "filter": { "productId": seed::V3_MUG_PRODUCT } } });
    let read = admin_post(&sb, "/stores/v3/inventory-items/query", mug)
        .await
        .json();
    assert_eq!(read["inventoryItems"][0]["revision"], "4");
    let path = format!("/stores/v3/inventory-items/{}", seed::V3_MUG_INVENTORY_ITEM);
    let raced = admin_patch(
        &sb,
        &path,
        json!({ "inventoryItem": { "revision": "4", "inStock": false } }),
    )
    .await;
    assert_eq!(raced.status, 409, "someone wrote in between");
    let stock = sb
        .state
        .stock(seed::V3_MUG_PRODUCT, seed::V3_MUG_VARIANT)
        .unwrap();
    assert_eq!(
        (stock.quantity, stock.revision),
        (Some(seed::SEED_STOCK), Some(5))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn v1_inventory_is_set_per_variant() {
    let sb = Sandbox::spawn_with(0, SandboxState::seeded_on(CatalogVersion::V1))
        .await
        .unwrap();
    let path = format!("/stores/v2/inventoryItems/product/{}", seed::V1_MUG_PRODUCT);
    let variant = seed::V1_DEFAULT_VARIANT;
    let set = admin_patch(&sb, &path, json!({ "inventoryItem": { "trackQuantity": true, "variants": [{ "variantId": variant, "quantity": 0 }] } })).await;
    assert_eq!(set.status, 200);
    let stock = sb.state.stock(seed::V1_MUG_PRODUCT, variant).unwrap();
    assert_eq!((stock.quantity, stock.in_stock), (Some(0), false));
    let unknown = admin_patch(&sb, &path, json!({ "inventoryItem": { "trackQuantity": false, "variants": [{ "variantId": seed::V3_MUG_VARIANT, "inStock": true }] } })).await;
    assert_eq!(unknown.status, 400);
    let missing = admin_patch(&sb, "/stores/v2/inventoryItems/product/7a0c5f1e-0000-4000-8000-000000000000", json!({ "inventoryItem": { "trackQuantity": false, "variants": [{ "variantId": variant, "inStock": true }] } })).await;
    assert_eq!(missing.status, 404);
}

async fn search(sb: &Sandbox, search: Value) -> Value {
    let reply = admin_post(sb, "/ecom/v1/orders/search", json!({ "search": search })).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

fn ids(page: &Value) -> Vec<String> {
    page["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn order_search_filters_sorts_and_pages_with_cursors() {
    let sb = spawn().await;
    let all = search(&sb, json!({})).await;
    assert_eq!(
        ids(&all).first().map(String::as_str),
        Some(seed::ORDER_GUEST_UNPAID),
        "newest first"
    );
    assert_eq!(ids(&all).len(), 5, "never INITIALIZED");

    let mia = json!({ "$and": [ { "buyerInfo.memberId": { "$eq": seed::MEMBER.id } }, { "status": { "$in": ["APPROVED"] } } ] });
    let page = search(&sb, json!({ "filter": mia, "sort": [{ "fieldName": "createdDate", "order": "ASC" }], "cursorPaging": { "limit": 1 } })).await;
    assert_eq!(ids(&page), [seed::ORDER_MIA_PART_REFUNDED]);
    let next = page["metadata"]["cursors"]["next"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = search(
        &sb,
        json!({ "cursorPaging": { "cursor": next, "limit": 1 } }),
    )
    .await;
    assert_eq!(ids(&page), [seed::ORDER_MIA_OPEN]);
    assert_eq!(page["metadata"]["hasNext"], false);

    for bad in [
        json!({ "cursorPaging": { "limit": 101 } }),
        json!({ "filter": { "billingInfo.contactDetails.phone": "x" } }),
        json!({ "cursorPaging": { "cursor": "made-up" } }),
    ] {
        let reply = admin_post(&sb, "/ecom/v1/orders/search", json!({ "search": bad })).await;
        assert_eq!(reply.status, 400);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_and_fulfil_follow_the_order_state() {
    let sb = spawn().await;
    let cancel = format!("/ecom/v1/orders/{}/cancel", seed::ORDER_SAM_OPEN);
    let body = json!({ "restockAllItems": true, "sendOrderCanceledEmail": false });
    let first = admin_post(&sb, &cancel, body.clone()).await;
    assert_eq!(first.json()["order"]["status"], "CANCELED");
    let again = admin_post(&sb, &cancel, body).await;
    assert_eq!(
        (again.status, application_code(&again).as_str()),
        (428, "ORDER_ALREADY_CANCELED")
    );
    assert!(
        sb.state
            .order(seed::ORDER_SAM_OPEN)
            .unwrap()
            .cancellation
            .unwrap()
            .restocked
    );

    let fulfil = format!(
        "/ecom/v1/fulfillments/orders/{}/create-fulfillment",
        seed::ORDER_MIA_OPEN
    );
    let too_many = json!({ "fulfillment": { "lineItems": [{ "id": seed::ORDER_MIA_OPEN_MUG_LINE, "quantity": 3 }] } });
    assert_eq!(admin_post(&sb, &fulfil, too_many).await.status, 400);
    let some = json!({ "fulfillment": { "lineItems": [{ "id": seed::ORDER_MIA_OPEN_MUG_LINE, "quantity": 2 }], "trackingInfo": { "trackingNumber": "TN1", "shippingProvider": "CTT" } } });
    let reply = admin_post(&sb, &fulfil, some).await.json();
    assert!(reply["fulfillmentId"].is_string());
    assert_eq!(
        sb.state
            .order(seed::ORDER_MIA_OPEN)
            .unwrap()
            .fulfillment_status,
        "PARTIALLY_FULFILLED"
    );
    let canceled = format!(
        "/ecom/v1/fulfillments/orders/{}/create-fulfillment",
        seed::ORDER_SAM_OPEN
    );
    let line = json!({ "fulfillment": { "lineItems": [{ "id": seed::ORDER_SAM_OPEN_LINE, "quantity": 1 }] } });
    assert_eq!(admin_post(&sb, &canceled, line).await.status, 428);
}

#[tokio::test(flavor = "multi_thread")]
async fn refunds_stay_within_what_is_refundable_and_update_the_payment_status() {
    let sb = spawn().await;
    let order = seed::ORDER_MIA_PART_REFUNDED;
    let refundability = admin_post(
        &sb,
        "/ecom/v1/order-billing/get-order-refundability",
        json!({ "orderId": order }),
    )
    .await
    .json();
    let payment = &refundability["payments"][0];
    assert_eq!(payment["refundable"], true);
    assert_eq!(
        payment["payment"]["monetary"]["maxRefund"]["amount"],
        seed::ORDER_MIA_PART_REFUNDED_AVAILABLE
    );

    let refund = |amount: &str| json!({ "orderId": order, "paymentRefunds": [{ "paymentId": seed::ORDER_MIA_PART_REFUNDED_PAYMENT, "amount": { "amount": amount }, "externalRefund": false }] });
    let too_much = admin_post(
        &sb,
        "/ecom/v1/order-billing/refund-payments",
        refund("25.01"),
    )
    .await;
    assert_eq!(
        (too_much.status, application_code(&too_much).as_str()),
        (400, "INVALID_REFUND_AMOUNT")
    );
    assert!(sb.state.order(order).unwrap().refunds.is_empty());
    let done = admin_post(
        &sb,
        "/ecom/v1/order-billing/refund-payments",
        refund("25.00"),
    )
    .await;
    assert_eq!(done.status, 200);
    assert!(done.json()["refund"]["id"].is_string());
    let view = sb.state.order(order).unwrap();
    assert_eq!(view.payment_status, "FULLY_REFUNDED");
    assert_eq!(
        view.refunds[0].payments,
        [(
            seed::ORDER_MIA_PART_REFUNDED_PAYMENT.to_owned(),
            "25.00".to_owned()
        )]
    );
    let after = admin_post(
        &sb,
        "/ecom/v1/order-billing/get-order-refundability",
        json!({ "orderId": order }),
    )
    .await
    .json();
    assert_eq!(
        after["payments"][0]["nonRefundable"]["reason"],
        "ALREADY_REFUNDED"
    );
    let again = admin_post(
        &sb,
        "/ecom/v1/order-billing/refund-payments",
        refund("1.00"),
    )
    .await;
    assert_eq!(again.status, 428);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_v3_inventory_query_also_comes_as_get_with_base64url_json_in_dot_r() {
    use base64::Engine;
    use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let request = json!({ "query": { "filter": { "productId": { "$eq": seed::V3_MUG_PRODUCT } }, "cursorPaging": { "limit": 100 } } });
    // The SDK strips the padding; a padded value is taken too.
    for engine in [URL_SAFE_NO_PAD, URL_SAFE] {
        let r = engine.encode(request.to_string());
        let path = format!("/stores/v3/inventory-items/query?.r={r}");
        let reply = get(&sb, &path, &[("Authorization", &admin)]).await;
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        let page = reply.json();
        assert_eq!(
            page["pagingMetadata"],
            json!({ "count": 1, "cursors": {} }),
            "no hasNext in Wix's PlatformPagingMetadataV2"
        );
        let items = page["inventoryItems"].as_array().unwrap().clone();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["id"], seed::V3_MUG_INVENTORY_ITEM);
    }
    let bad = get(
        &sb,
        "/stores/v3/inventory-items/query?.r=not%20base64",
        &[("Authorization", &admin)],
    )
    .await;
    assert_eq!(bad.status, 400);
    let unknown_field =
        URL_SAFE_NO_PAD.encode(json!({ "query": { "filter": { "sku": "x" } } }).to_string());
    let refused = get(
        &sb,
        &format!("/stores/v3/inventory-items/query?.r={unknown_field}"),
        &[("Authorization", &admin)],
    )
    .await;
    assert_eq!(
        refused.status, 400,
        "the decoded query is checked like a POSTed one"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn v3_inventory_quantities_stop_at_99999() {
    let sb = spawn().await;
    let path = format!("/stores/v3/inventory-items/{}", seed::V3_MUG_INVENTORY_ITEM);
    let revision = sb
        .state
        .stock(seed::V3_MUG_PRODUCT, seed::V3_MUG_VARIANT)
        .unwrap()
        .revision
        .unwrap()
        .to_string();
    let too_many = json!({ "inventoryItem": { "revision": revision, "quantity": 100_000 } });
    assert_eq!(admin_patch(&sb, &path, too_many).await.status, 400);
    let most = json!({ "inventoryItem": { "revision": revision, "quantity": 99_999 } });
    assert_eq!(admin_patch(&sb, &path, most).await.status, 200);
    let created = admin_post(
        &sb,
        "/stores/v3/products-with-inventory",
        v3_product(Some(json!({ "quantity": 100_000 }))),
    )
    .await;
    assert_eq!(created.status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn refundability_answers_in_wix_order_billing_shapes() {
    let sb = spawn().await;
    let part = admin_post(
        &sb,
        "/ecom/v1/order-billing/get-order-refundability",
        json!({ "orderId": seed::ORDER_MIA_PART_REFUNDED }),
    )
    .await
    .json();
    let money = |paid: &str, refunded: &str, max: &str| {
        json!({ "paid": { "amount": paid }, "refunded": { "amount": refunded },
                "refundPending": { "amount": "0.00" }, "maxRefund": { "amount": max } })
    };
    let payment = &part["payments"][0];
    assert_eq!(
        payment["payment"]["monetary"],
        money("40.00", "15.00", "25.00")
    );
    assert_eq!(payment["payment"]["paymentMethod"], "CreditCard");
    assert_eq!(
        part["paymentsSummary"],
        json!({ "monetary": money("40.00", "15.00", "25.00") })
    );
    assert_eq!(
        part["shipping"],
        json!({ "amount": { "amount": "5.00" }, "refundedAmount": { "amount": "0.00" }, "availableRefundAmount": { "amount": "5.00" } })
    );

    let unpaid = admin_post(
        &sb,
        "/ecom/v1/order-billing/get-order-refundability",
        json!({ "orderId": seed::ORDER_GUEST_UNPAID }),
    )
    .await
    .json();
    let payment = &unpaid["payments"][0];
    // One of Wix's NonRefundableReason values.
    assert_eq!(payment["nonRefundable"]["reason"], "NOT_PAID");
    assert!(payment.get("refundable").is_none());
    assert_eq!(
        payment["payment"]["monetary"],
        money("0.00", "0.00", "0.00")
    );
}

//! create-product and update-inventory, black-box: the real binaries under `cargo lambda watch`, Wix
//! from the sandbox seeded as a Catalog V1 or V3 site.

use crate::harness::{Stack, seed};
use serde_json::{Value, json};
use wix_sandbox::CatalogVersion;

const CREATE: &str = "create-product";
const INVENTORY: &str = "update-inventory";
const VERSION_PATH: &str = "/stores/v3/provision/version";

fn tee() -> Value {
    json!({
        "name": "Canvas Tee", "description": "Soft <b>cotton</b> & more", "price": "18.50",
        "sku": "TEE-1", "visible": true, "initialStock": 13
    })
}

/// Paths of every Stores call the sandbox saw.
fn stores_paths(stack: &Stack) -> Vec<String> {
    stack
        .stats()
        .calls
        .into_iter()
        .map(|c| c.path)
        .filter(|p| p.starts_with("/stores/"))
        .collect()
}

fn assert_mug_stock_unchanged(stack: &Stack) {
    let stock = stack
        .sandbox
        .state
        .stock(seed::V3_MUG_PRODUCT, seed::V3_MUG_VARIANT)
        .unwrap();
    assert_eq!(stock.quantity, Some(seed::SEED_STOCK));
}

#[tokio::test]
async fn a_v3_call_is_never_sent_to_a_v1_site_and_vice_versa() {
    for catalog in [CatalogVersion::V3, CatalogVersion::V1] {
        let stack = Stack::start().await;
        stack.sandbox.state.set_catalog_version(catalog);
        let admin = stack.member_token(&seed::ADMIN).await;

        let reply = stack.post(CREATE, Some(&admin), &tee()).await;
        assert_eq!(reply.status, 200, "{catalog:?}: {}", reply.body);
        let created = reply.json();
        let id = created["id"].as_str().unwrap();
        let variant = created["variantId"].as_str().unwrap();
        assert_eq!(created["initialStock"], 13);
        let product = stack
            .sandbox
            .state
            .products()
            .into_iter()
            .find(|p| p.id == id)
            .expect("the product exists in the sandbox");
        assert_eq!(product.catalog, catalog);
        assert_eq!(product.sku.as_deref(), Some("TEE-1"));
        assert_eq!(
            product.description.as_deref(),
            Some("<p>Soft &lt;b&gt;cotton&lt;/b&gt; &amp; more</p>"),
            "plain text arrives escaped"
        );
        let stock = stack.sandbox.state.stock(id, variant).unwrap();
        assert_eq!((stock.track_quantity, stock.quantity), (true, Some(13)));

        let (seeded, seeded_variant, catalog_name, price) = match catalog {
            CatalogVersion::V3 => (seed::V3_MUG_PRODUCT, seed::V3_MUG_VARIANT, "V3", "18.50"),
            _ => (seed::V1_MUG_PRODUCT, seed::V1_DEFAULT_VARIANT, "V1", "18.5"),
        };
        assert_eq!(created["catalogVersion"], catalog_name);
        assert_eq!(
            product.price, price,
            "V3 takes a decimal string, V1 a number"
        );
        let reply = stack
            .post(
                INVENTORY,
                Some(&admin),
                &json!({ "productId": seeded, "quantity": 0 }),
            )
            .await;
        assert_eq!(reply.status, 200, "{catalog:?}: {}", reply.body);
        assert_eq!(reply.json()["inStock"], false);
        let stock = stack.sandbox.state.stock(seeded, seeded_variant).unwrap();
        assert_eq!((stock.quantity, stock.in_stock), (Some(0), false));
        let reply = stack
            .post(
                INVENTORY,
                Some(&admin),
                &json!({ "productId": seeded, "inStock": true }),
            )
            .await;
        assert_eq!(reply.json()["quantity"], Value::Null, "{}", reply.body);
        let stock = stack.sandbox.state.stock(seeded, seeded_variant).unwrap();
        assert_eq!((stock.track_quantity, stock.in_stock), (false, true));

        let paths = stores_paths(&stack);
        assert_eq!(
            paths.iter().filter(|p| *p == VERSION_PATH).count(),
            2,
            "detected once per cold start of each of the two functions: {paths:?}"
        );
        let wrong_catalog = |p: &&String| match catalog {
            CatalogVersion::V3 => p.starts_with("/stores/v1/") || p.starts_with("/stores/v2/"),
            _ => p.starts_with("/stores/v3/") && *p != VERSION_PATH,
        };
        assert!(
            !paths.iter().any(|p| wrong_catalog(&p)),
            "{catalog:?} site got {paths:?}"
        );
        assert!(stack.stats().calls.iter().all(|c| c.status != 428));
    }
}

#[tokio::test]
async fn visitors_and_non_admin_members_cannot_create_products_or_change_inventory() {
    let stack = Stack::start().await;
    let tokens = [
        stack.visitor_token().await,
        stack.member_token(&seed::MEMBER).await,
        stack.member_token(&seed::PENDING).await,
    ];
    let products_before = stack.sandbox.state.products();
    let change = json!({ "productId": seed::V3_MUG_PRODUCT, "quantity": 0 });
    for token in &tokens {
        stack
            .post(CREATE, Some(token), &tee())
            .await
            .forbidden("admin-only");
        stack
            .post(INVENTORY, Some(token), &change)
            .await
            .forbidden("admin-only");
    }
    assert_eq!(stack.stats().elevated_calls, 0, "nothing was elevated");
    assert_eq!(stack.sandbox.state.products(), products_before);
    assert_mug_stock_unchanged(&stack);
}

#[tokio::test]
async fn prices_that_are_not_positive_decimal_strings_quantities_that_are_negative_or_absurd_and_ids_that_are_not_guids_are_400_before_any_wix_call()
 {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let product = |field: &str, value: Value| {
        let mut body = tee();
        body[field] = value;
        body
    };
    let stock = |body: Value| {
        let mut base = json!({ "productId": seed::V3_MUG_PRODUCT });
        base.as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        base
    };
    let cases = [
        (CREATE, product("price", json!("0"))),
        (CREATE, product("price", json!("-18.50"))),
        (CREATE, product("price", json!("18.505"))),
        (CREATE, product("price", json!(18.5))),
        (CREATE, product("price", json!("1e3"))),
        (CREATE, product("price", json!("99999999"))),
        (CREATE, product("price", json!("18,50"))),
        (CREATE, product("initialStock", json!(-1))),
        (CREATE, product("initialStock", json!(100_000))),
        (CREATE, product("initialStock", json!(2.5))),
        (CREATE, product("name", json!(""))),
        (CREATE, product("description", json!("x".repeat(8001)))),
        (CREATE, product("sku", json!("has spaces"))),
        (CREATE, product("productType", json!("DIGITAL"))),
        (INVENTORY, stock(json!({ "quantity": -1 }))),
        (INVENTORY, stock(json!({ "quantity": 100_000 }))),
        (INVENTORY, stock(json!({ "quantity": 5, "inStock": true }))),
        (INVENTORY, stock(json!({}))),
        (
            INVENTORY,
            stock(json!({ "productId": "../../stores/v1/products", "quantity": 1 })),
        ),
        (
            INVENTORY,
            stock(json!({ "productId": "4affce55", "quantity": 1 })),
        ),
        (
            INVENTORY,
            stock(json!({ "variantId": "small", "quantity": 1 })),
        ),
        (INVENTORY, stock(json!({ "revision": "4", "quantity": 1 }))),
    ];
    for (function, body) in &cases {
        let reply = stack.post(function, Some(&admin), body).await;
        let problem = reply.problem(400);
        assert!(problem["detail"].is_string(), "{function} {body}");
    }
    assert_eq!(
        stack.stats().elevated_calls,
        0,
        "refused before any Wix call"
    );
}

#[tokio::test]
async fn a_stale_inventory_revision_is_a_409_and_the_stock_is_unchanged() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let change = json!({ "productId": seed::V3_MUG_PRODUCT, "quantity": 3 });
    stack
        .sandbox
        .state
        .race_next_inventory_read(seed::V3_MUG_INVENTORY_ITEM);
    let reply = stack.post(INVENTORY, Some(&admin), &change).await;
    reply.problem(409);
    let item_path = format!("/stores/v3/inventory-items/{}", seed::V3_MUG_INVENTORY_ITEM);
    assert_eq!(
        stack.calls_to(&item_path),
        1,
        "a stale revision is not retried"
    );
    assert_mug_stock_unchanged(&stack);

    let reply = stack.post(INVENTORY, Some(&admin), &change).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["quantity"], 3);
    // The inventory item is found as the SDK finds it: `GET …/query?.r=<base64url JSON>`.
    let lookups: Vec<String> = stack
        .stats()
        .calls
        .into_iter()
        .filter(|c| c.path == "/stores/v3/inventory-items/query")
        .map(|c| c.method)
        .collect();
    assert_eq!(lookups, ["GET", "GET"]);

    let tee = json!({ "productId": seed::V3_TEE_PRODUCT, "quantity": 1 });
    stack.post(INVENTORY, Some(&admin), &tee).await.problem(400);
    let mut large = tee.clone();
    large["variantId"] = json!(seed::V3_TEE_LARGE_VARIANT);
    assert_eq!(
        stack.post(INVENTORY, Some(&admin), &large).await.status,
        200
    );
    let small = stack
        .sandbox
        .state
        .stock(seed::V3_TEE_PRODUCT, seed::V3_TEE_SMALL_VARIANT)
        .unwrap();
    assert_eq!(
        small.quantity,
        Some(seed::SEED_STOCK),
        "only the named variant changed"
    );
}

#[tokio::test]
async fn a_site_without_wix_stores_gets_409_until_stores_is_installed() {
    let stack = Stack::start().await;
    stack
        .sandbox
        .state
        .set_catalog_version(CatalogVersion::NotInstalled);
    let admin = stack.member_token(&seed::ADMIN).await;
    let problem = stack.post(CREATE, Some(&admin), &tee()).await.problem(409);
    assert_eq!(
        problem["detail"],
        "Wix Stores is not installed on this site"
    );
    assert_eq!(stores_paths(&stack), [VERSION_PATH]);

    stack.sandbox.state.set_catalog_version(CatalogVersion::V3);
    let reply = stack.post(CREATE, Some(&admin), &tee()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        stack.calls_to(VERSION_PATH),
        2,
        "a site without Stores is asked again"
    );
    stack.assert_no_secret_leaked(&[&reply.body]);
}

//! Wix Stores (wix-api.md §6): the catalog version switch, products and inventory of Catalog V1 and V3.
//!
//! A site is on one catalog: the sandbox answers the other catalog's endpoints with 428, as Wix does for
//! V3 calls on a V1 site (and here V1 calls on a V3 site too). V3 is strict about its shapes (enums
//! UPPER_CASE, prices as decimal strings, `revision` on every inventory update, 409 when it is stale); V1
//! about its own (enums lower-case, prices as JSON numbers).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::auth::AdminAuth;
use crate::error::{WixError, WixJson};
use crate::query;
use crate::seed::{self, CatalogVersion};
use crate::state::{SandboxState, World, now_iso};

#[derive(Clone, Debug)]
pub(crate) struct V3Product {
    pub id: String,
    pub revision: u64,
    pub name: String,
    pub plain_description: Option<String>,
    pub visible: bool,
    pub variants: Vec<V3Variant>,
    pub created_date: String,
}

#[derive(Clone, Debug)]
pub(crate) struct V3Variant {
    pub id: String,
    pub sku: Option<String>,
    pub price: String,
    pub visible: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct InventoryItem {
    pub id: String,
    pub revision: u64,
    pub product_id: String,
    pub variant_id: String,
    pub track_quantity: bool,
    pub quantity: Option<u32>,
    pub in_stock: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct V1Product {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub sku: Option<String>,
    pub price: Decimal,
    pub visible: bool,
    pub track_inventory: bool,
    /// Products without options have one variant, [`seed::V1_DEFAULT_VARIANT`].
    pub variants: Vec<V1Variant>,
    pub created_date: String,
}

#[derive(Clone, Debug)]
pub(crate) struct V1Variant {
    pub id: String,
    pub quantity: Option<u32>,
    pub in_stock: bool,
}

pub(crate) struct StoresData {
    pub catalog: CatalogVersion,
    pub v3_products: Vec<V3Product>,
    pub inventory: Vec<InventoryItem>,
    pub v1_products: Vec<V1Product>,
    /// Inventory items that someone else updates right after their next read (a concurrent writer).
    pub racing_writes: Vec<String>,
}

const SEEDED_AT: &str = "2026-01-10T10:00:00.000Z";

impl StoresData {
    pub fn seeded(catalog: CatalogVersion) -> Self {
        let variant = |id: &str, price: &str| V3Variant {
            id: id.to_owned(),
            sku: None,
            price: price.to_owned(),
            visible: true,
        };
        let product = |id: &str, name: &str, variants| V3Product {
            id: id.to_owned(),
            revision: 2,
            name: name.to_owned(),
            plain_description: None,
            visible: true,
            variants,
            created_date: SEEDED_AT.to_owned(),
        };
        let item = |id: &str, product: &str, variant: &str| InventoryItem {
            id: id.to_owned(),
            revision: 4,
            product_id: product.to_owned(),
            variant_id: variant.to_owned(),
            track_quantity: true,
            quantity: Some(seed::SEED_STOCK),
            in_stock: true,
        };
        StoresData {
            catalog,
            v3_products: vec![
                product(
                    seed::V3_MUG_PRODUCT,
                    "Stoneware Mug",
                    vec![variant(seed::V3_MUG_VARIANT, "18.50")],
                ),
                product(
                    seed::V3_TEE_PRODUCT,
                    "Studio Tee",
                    vec![
                        variant(seed::V3_TEE_SMALL_VARIANT, "25.00"),
                        variant(seed::V3_TEE_LARGE_VARIANT, "25.00"),
                    ],
                ),
            ],
            inventory: vec![
                item(
                    seed::V3_MUG_INVENTORY_ITEM,
                    seed::V3_MUG_PRODUCT,
                    seed::V3_MUG_VARIANT,
                ),
                item(
                    seed::V3_TEE_SMALL_INVENTORY_ITEM,
                    seed::V3_TEE_PRODUCT,
                    seed::V3_TEE_SMALL_VARIANT,
                ),
                item(
                    seed::V3_TEE_LARGE_INVENTORY_ITEM,
                    seed::V3_TEE_PRODUCT,
                    seed::V3_TEE_LARGE_VARIANT,
                ),
            ],
            v1_products: vec![V1Product {
                id: seed::V1_MUG_PRODUCT.to_owned(),
                name: "Stoneware Mug".to_owned(),
                description: None,
                sku: None,
                price: Decimal::new(1850, 2),
                visible: true,
                track_inventory: true,
                variants: vec![V1Variant {
                    id: seed::V1_DEFAULT_VARIANT.to_owned(),
                    quantity: Some(seed::SEED_STOCK),
                    in_stock: true,
                }],
                created_date: SEEDED_AT.to_owned(),
            }],
            racing_writes: Vec::new(),
        }
    }
}

/// A product as a test sees it, whichever catalog holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductView {
    pub id: String,
    pub catalog: CatalogVersion,
    pub name: String,
    /// As Wix stores it: V1 `description`, V3 `plainDescription` (both HTML).
    pub description: Option<String>,
    pub sku: Option<String>,
    /// The price as the catalog received it: V3 the decimal string, V1 the JSON number's text.
    pub price: String,
    pub visible: bool,
}

/// One variant's stock as a test sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockView {
    pub track_quantity: bool,
    pub quantity: Option<u32>,
    pub in_stock: bool,
    /// V3 inventory items only.
    pub revision: Option<u64>,
}

impl StoresData {
    pub fn products(&self) -> Vec<ProductView> {
        let v3 = self.v3_products.iter().map(|p| ProductView {
            id: p.id.clone(),
            catalog: CatalogVersion::V3,
            name: p.name.clone(),
            description: p.plain_description.clone(),
            sku: p.variants.first().and_then(|v| v.sku.clone()),
            price: p
                .variants
                .first()
                .map(|v| v.price.clone())
                .unwrap_or_default(),
            visible: p.visible,
        });
        let v1 = self.v1_products.iter().map(|p| ProductView {
            id: p.id.clone(),
            catalog: CatalogVersion::V1,
            name: p.name.clone(),
            description: p.description.clone(),
            sku: p.sku.clone(),
            price: p.price.to_string(),
            visible: p.visible,
        });
        v3.chain(v1).collect()
    }

    pub fn stock(&self, product_id: &str, variant_id: &str) -> Option<StockView> {
        if let Some(item) = self
            .inventory
            .iter()
            .find(|i| i.product_id == product_id && i.variant_id == variant_id)
        {
            return Some(StockView {
                track_quantity: item.track_quantity,
                quantity: item.quantity,
                in_stock: item.in_stock,
                revision: Some(item.revision),
            });
        }
        let product = self.v1_products.iter().find(|p| p.id == product_id)?;
        let variant = product.variants.iter().find(|v| v.id == variant_id)?;
        Some(StockView {
            track_quantity: product.track_inventory,
            quantity: variant.quantity,
            in_stock: variant.in_stock,
            revision: None,
        })
    }
}

/// Observing and steering the catalogs (the in-process side of `/_sandbox`).
impl SandboxState {
    /// Which catalog the site is on from now on (Wix Stores endpoints of the other one answer 428).
    pub fn set_catalog_version(&self, catalog: CatalogVersion) {
        self.with(|w| w.stores.catalog = catalog);
    }

    pub fn catalog_version(&self) -> CatalogVersion {
        self.with(|w| w.stores.catalog)
    }

    /// Every product of both catalogs, seeded and created.
    pub fn products(&self) -> Vec<ProductView> {
        self.with(|w| w.stores.products())
    }

    /// One variant's stock (V3 inventory item or V1 variant).
    pub fn stock(&self, product_id: &str, variant_id: &str) -> Option<StockView> {
        self.with(|w| w.stores.stock(product_id, variant_id))
    }

    /// Another writer updates this V3 inventory item right after its next read, so whoever read it
    /// holds a stale revision.
    pub fn race_next_inventory_read(&self, inventory_item_id: &str) {
        self.with(|w| w.stores.racing_writes.push(inventory_item_id.to_owned()));
    }
}

pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/stores/v3/provision/version", get(catalog_version))
        .route("/stores/v3/products", post(create_v3_product))
        .route(
            "/stores/v3/products-with-inventory",
            post(create_v3_product_with_inventory),
        )
        .route(
            "/stores/v3/inventory-items/query",
            get(query_inventory_by_get).post(query_inventory),
        )
        .route(
            "/stores/v3/inventory-items/{id}",
            patch(update_inventory_item),
        )
        .route("/stores/v1/products", post(create_v1_product))
        .route(
            "/stores/v2/inventoryItems/product/{product_id}",
            patch(update_v1_inventory),
        )
}

/// `GET /stores/v3/provision/version` → `{catalogVersion}`; answered on every site.
async fn catalog_version(_admin: AdminAuth, State(state): State<SandboxState>) -> Json<Value> {
    let version = state.with(|w| w.stores.catalog);
    Json(json!({ "catalogVersion": version.as_str() }))
}

/// The other catalog's endpoints answer 428 (failed precondition).
fn require(world: &World, catalog: CatalogVersion) -> Result<(), WixError> {
    if world.stores.catalog == catalog {
        return Ok(());
    }
    Err(WixError::application(
        StatusCode::PRECONDITION_REQUIRED,
        "CATALOG_VERSION_MISMATCH",
        "failed precondition",
        format!(
            "this endpoint belongs to {}; the site is on {}",
            match catalog {
                CatalogVersion::V1 => "Catalog V1",
                _ => "Catalog V3",
            },
            world.stores.catalog.as_str()
        ),
    ))
}

/// `body[field]`, which must be an object.
fn required_object<'a>(body: &'a Value, field: &str) -> Result<&'a Value, WixError> {
    body.get(field)
        .filter(|v| v.is_object())
        .ok_or_else(|| WixError::validation(field, "is required"))
}

fn text<'a>(value: &'a Value, field: &str, max: usize) -> Result<Option<&'a str>, WixError> {
    match value.get(field.rsplit('.').next().unwrap_or(field)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s)),
        Some(Value::String(_)) => Err(WixError::validation(
            field,
            format!("must be at most {max} characters"),
        )),
        Some(_) => Err(WixError::validation(field, "must be a string")),
    }
}

fn flag(value: &Value, field: &str, default: bool) -> Result<bool, WixError> {
    match value.get(field.rsplit('.').next().unwrap_or(field)) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(WixError::validation(field, "must be a boolean")),
    }
}

fn positive_decimal(text: &str, field: &str) -> Result<Decimal, WixError> {
    text.parse::<Decimal>()
        .ok()
        .filter(|d| *d > Decimal::ZERO)
        .ok_or_else(|| WixError::validation(field, "must be a positive decimal"))
}

fn quantity(value: &Value, field: &str) -> Result<Option<u32>, WixError> {
    match value.get(field.rsplit('.').next().unwrap_or(field)) {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n <= 99_999_999)
            .map(Some)
            .ok_or_else(|| WixError::validation(field, "must be a whole number from 0")),
    }
}

/// A V3 inventory quantity: at most 99,999 (`@max 99999` in Wix's `InventoryItem`).
fn v3_quantity(value: &Value, field: &str) -> Result<Option<u32>, WixError> {
    match quantity(value, field)? {
        Some(q) if q > 99_999 => Err(WixError::validation(field, "must be at most 99999")),
        q => Ok(q),
    }
}

/// Checks the common part of a V3 product and stores it; `with_inventory` says which endpoint.
fn create_v3(world: &mut World, body: &Value, with_inventory: bool) -> Result<Value, WixError> {
    require(world, CatalogVersion::V3)?;
    let product = required_object(body, "product")?;
    let name = text(product, "product.name", 80)?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| WixError::validation("product.name", "is required"))?;
    match product.get("productType").and_then(Value::as_str) {
        Some("PHYSICAL") => {}
        _ => {
            return Err(WixError::validation(
                "product.productType",
                "must be PHYSICAL or DIGITAL",
            ));
        }
    }
    let plain_description = text(product, "product.plainDescription", 16_000)?;
    let visible = flag(product, "product.visible", true)?;
    let variants = product
        .pointer("/variantsInfo/variants")
        .and_then(Value::as_array)
        .filter(|v| (1..=1000).contains(&v.len()))
        .ok_or_else(|| {
            WixError::validation(
                "product.variantsInfo.variants",
                "a product needs at least one variant",
            )
        })?;
    let product_id = uuid::Uuid::new_v4().to_string();
    let mut stored_variants = Vec::new();
    let mut items = Vec::new();
    for variant in variants {
        let price = match variant.pointer("/price/actualPrice/amount") {
            Some(Value::String(amount)) => {
                positive_decimal(amount, "variant.price.actualPrice.amount")?;
                amount.clone()
            }
            _ => {
                return Err(WixError::validation(
                    "variant.price.actualPrice.amount",
                    "must be a decimal string",
                ));
            }
        };
        let variant_id = uuid::Uuid::new_v4().to_string();
        match (variant.get("inventoryItem"), with_inventory) {
            (Some(inventory), true) => {
                let quantity = v3_quantity(inventory, "variant.inventoryItem.quantity")?;
                let in_stock = flag(inventory, "variant.inventoryItem.inStock", true)?;
                items.push(InventoryItem {
                    id: uuid::Uuid::new_v4().to_string(),
                    revision: 1,
                    product_id: product_id.clone(),
                    variant_id: variant_id.clone(),
                    track_quantity: quantity.is_some(),
                    quantity,
                    in_stock: quantity.map_or(in_stock, |q| q > 0),
                });
            }
            (None, true) => {
                return Err(WixError::validation(
                    "variant.inventoryItem",
                    "is required when creating a product with inventory",
                ));
            }
            (Some(_), false) => {
                return Err(WixError::validation(
                    "variant.inventoryItem",
                    "use products-with-inventory to create inventory",
                ));
            }
            (None, false) => {}
        }
        stored_variants.push(V3Variant {
            id: variant_id,
            sku: text(variant, "variant.sku", 40)?.map(str::to_owned),
            price,
            visible: flag(variant, "variant.visible", true)?,
        });
    }
    let stored = V3Product {
        id: product_id,
        revision: 1,
        name: name.to_owned(),
        plain_description: plain_description.map(str::to_owned),
        visible,
        variants: stored_variants,
        created_date: now_iso(),
    };
    let answer = v3_product_json(&stored);
    world.stores.v3_products.push(stored);
    world.stores.inventory.extend(items);
    Ok(json!({ "product": answer }))
}

fn v3_product_json(p: &V3Product) -> Value {
    let variants: Vec<Value> = p
        .variants
        .iter()
        .map(|v| {
            json!({
                "id": v.id, "visible": v.visible, "sku": v.sku, "choices": [],
                "price": { "actualPrice": { "amount": v.price, "formattedAmount": format!("€{}", v.price) } },
            })
        })
        .collect();
    json!({
        "id": p.id, "revision": p.revision.to_string(), "createdDate": p.created_date, "updatedDate": p.created_date,
        "name": p.name, "slug": p.name.to_lowercase().replace(' ', "-"), "plainDescription": p.plain_description,
        "visible": p.visible, "productType": "PHYSICAL", "physicalProperties": {},
        "variantsInfo": { "variants": variants },
    })
}

/// `POST /stores/v3/products` `{product}` → `{product}` (no inventory items are created).
async fn create_v3_product(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    state.with(|w| create_v3(w, &body, false)).map(Json)
}

/// `POST /stores/v3/products-with-inventory` `{product}` with `inventoryItem` per variant → `{product}`.
async fn create_v3_product_with_inventory(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    state.with(|w| create_v3(w, &body, true)).map(Json)
}

fn inventory_json(item: &InventoryItem) -> Value {
    let mut json = json!({
        "id": item.id, "revision": item.revision.to_string(), "productId": item.product_id,
        "variantId": item.variant_id, "locationId": "e2d3b7a4-0000-4000-8000-000000000001",
        "trackQuantity": item.track_quantity, "inStock": item.in_stock,
        "availabilityStatus": if item.in_stock { "IN_STOCK" } else { "OUT_OF_STOCK" },
        "preorderInfo": { "enabled": false },
    });
    if let Some(quantity) = item.quantity {
        json["quantity"] = json!(quantity);
    }
    json
}

const INVENTORY_FILTER_FIELDS: &[&str] = &["id", "productId", "variantId", "trackQuantity"];

/// `GET /stores/v3/inventory-items/query?.r=…`, the SDK's usual form: the request JSON as base64url
/// (unpadded, as the SDK writes it; padding is taken too) in `.r`; otherwise as [`query_inventory`].
async fn query_inventory_by_get(
    admin: AdminAuth,
    state: State<SandboxState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, WixError> {
    let body = match params.get(".r") {
        None => json!({}),
        Some(r) => decode_r(r)
            .ok_or_else(|| WixError::validation(".r", "must be the request JSON in base64url"))?,
    };
    query_inventory(admin, state, WixJson(body)).await
}

fn decode_r(r: &str) -> Option<Value> {
    use base64::Engine;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const BASE64URL: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let bytes = BASE64URL.decode(r).ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
}

/// `POST /stores/v3/inventory-items/query` `{query:{filter, cursorPaging}}` → `{inventoryItems, pagingMetadata}`.
async fn query_inventory(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    let filter = body
        .pointer("/query/filter")
        .cloned()
        .unwrap_or_else(query::no_filter);
    let limit = match body.pointer("/query/cursorPaging/limit") {
        None => 100,
        Some(limit) => limit
            .as_u64()
            .filter(|l| (1..=1000).contains(l))
            .ok_or_else(|| WixError::validation("query.cursorPaging.limit", "must be 1 to 1000"))?
            as usize,
    };
    state.with(|w| {
        require(w, CatalogVersion::V3)?;
        let mut found = Vec::new();
        for item in &w.stores.inventory {
            if query::matches(&inventory_json(item), &filter, INVENTORY_FILTER_FIELDS)? {
                found.push(item.id.clone());
            }
        }
        // Wix's `PlatformPagingMetadataV2` has no `hasNext`; this sandbox keeps no inventory cursors (a
        // page of up to 1000 holds every seeded item).
        found.truncate(limit);
        let items: Vec<Value> = w
            .stores
            .inventory
            .iter()
            .filter(|i| found.contains(&i.id))
            .map(inventory_json)
            .collect();
        // Someone else writes these items right after this read.
        let racing = std::mem::take(&mut w.stores.racing_writes);
        for item in w.stores.inventory.iter_mut() {
            if racing.contains(&item.id) && found.contains(&item.id) {
                item.revision += 1;
            }
        }
        w.stores
            .racing_writes
            .extend(racing.into_iter().filter(|id| !found.contains(id)));
        Ok(Json(json!({
            "inventoryItems": items,
            "pagingMetadata": { "count": items.len(), "cursors": {} },
        })))
    })
}

/// `PATCH /stores/v3/inventory-items/{id}` `{inventoryItem:{revision, quantity | inStock}}` →
/// `{inventoryItem}`; a stale `revision` is 409. `trackQuantity` is read-only: ignored, as Wix ignores
/// read-only fields; the one-of (`quantity` or `inStock`) sets the tracking.
async fn update_inventory_item(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    let patch = required_object(&body, "inventoryItem")?;
    let revision = patch
        .get("revision")
        .and_then(Value::as_str)
        .and_then(|r| r.parse::<u64>().ok())
        .ok_or_else(|| {
            WixError::validation("inventoryItem.revision", "is required (an int64 string)")
        })?;
    let quantity = v3_quantity(patch, "inventoryItem.quantity")?;
    let in_stock = match patch.get("inStock") {
        None | Some(Value::Null) => None,
        Some(_) => Some(flag(patch, "inventoryItem.inStock", true)?),
    };
    if quantity.is_some() == in_stock.is_some() {
        return Err(WixError::validation(
            "inventoryItem",
            "set either quantity (tracked) or inStock (not tracked)",
        ));
    }
    state.with(|w| {
        require(w, CatalogVersion::V3)?;
        let item = w
            .stores
            .inventory
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or_else(|| WixError::not_found(format!("inventory item {id} not found")))?;
        if item.revision != revision {
            return Err(WixError::application(
                StatusCode::CONFLICT,
                "REVISION_MISMATCH",
                "revision mismatch",
                format!(
                    "inventory item {id} is at revision {}, not {revision}",
                    item.revision
                ),
            ));
        }
        item.track_quantity = quantity.is_some();
        item.quantity = quantity;
        item.in_stock = quantity.map_or(in_stock.unwrap_or(true), |q| q > 0);
        item.revision += 1;
        Ok(Json(json!({ "inventoryItem": inventory_json(item) })))
    })
}

fn v1_product_json(p: &V1Product) -> Value {
    // V1 answers prices as JSON numbers.
    let number: Value = p.price.to_string().parse().unwrap_or(Value::Null);
    let price = json!({ "currency": seed::ORDER_CURRENCY, "price": number, "formatted": { "price": format!("€{:.2}", p.price) } });
    let variants: Vec<Value> = p
        .variants
        .iter()
        .map(|v| {
            json!({
                "id": v.id, "choices": {},
                "variant": { "priceData": price, "visible": true, "sku": p.sku },
                "stock": { "trackQuantity": p.track_inventory, "quantity": v.quantity, "inStock": v.in_stock },
            })
        })
        .collect();
    json!({
        "id": p.id, "name": p.name, "slug": p.name.to_lowercase().replace(' ', "-"), "visible": p.visible,
        "productType": "physical", "description": p.description, "sku": p.sku,
        "price": price, "priceData": price,
        "stock": { "trackInventory": p.track_inventory, "inStock": p.variants.iter().any(|v| v.in_stock) },
        "variants": variants, "createdDate": p.created_date, "lastUpdated": p.created_date,
    })
}

/// `POST /stores/v1/products` `{product:{name, productType:"physical", priceData:{price: <number>}, ...}}`
/// → `{product}`. New products are in stock without tracked quantities.
async fn create_v1_product(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    let product = required_object(&body, "product")?;
    let name = text(product, "product.name", 80)?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| WixError::validation("product.name", "is required"))?;
    if product.get("productType").and_then(Value::as_str) != Some("physical") {
        return Err(WixError::validation(
            "product.productType",
            "must be physical or digital",
        ));
    }
    let price = match product.pointer("/priceData/price") {
        Some(Value::Number(n)) => positive_decimal(&n.to_string(), "product.priceData.price")?,
        _ => {
            return Err(WixError::validation(
                "product.priceData.price",
                "must be a number",
            ));
        }
    };
    let stored = V1Product {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_owned(),
        description: text(product, "product.description", 16_000)?.map(str::to_owned),
        sku: text(product, "product.sku", 40)?.map(str::to_owned),
        price,
        visible: flag(product, "product.visible", true)?,
        track_inventory: false,
        variants: vec![V1Variant {
            id: seed::V1_DEFAULT_VARIANT.to_owned(),
            quantity: None,
            in_stock: true,
        }],
        created_date: now_iso(),
    };
    state.with(|w| {
        require(w, CatalogVersion::V1)?;
        let answer = v1_product_json(&stored);
        w.stores.v1_products.push(stored);
        Ok(Json(json!({ "product": answer })))
    })
}

/// `PATCH /stores/v2/inventoryItems/product/{productId}`
/// `{inventoryItem:{trackQuantity, variants:[{variantId, quantity | inStock}]}}` → `{}`.
async fn update_v1_inventory(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(product_id): Path<String>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    let item = required_object(&body, "inventoryItem")?;
    let track = flag(item, "inventoryItem.trackQuantity", false)?;
    let variants = item
        .get("variants")
        .and_then(Value::as_array)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| WixError::validation("inventoryItem.variants", "is required"))?;
    let mut updates = Vec::new();
    for variant in variants {
        let id = text(variant, "variants.variantId", 36)?
            .ok_or_else(|| WixError::validation("variants.variantId", "is required"))?;
        let quantity = quantity(variant, "variants.quantity")?;
        if track != quantity.is_some() {
            return Err(WixError::validation(
                "variants.quantity",
                "required exactly when trackQuantity is true",
            ));
        }
        let in_stock = quantity.map_or(flag(variant, "variants.inStock", true)?, |q| q > 0);
        updates.push((id.to_owned(), quantity, in_stock));
    }
    state.with(|w| {
        require(w, CatalogVersion::V1)?;
        let product = w
            .stores
            .v1_products
            .iter_mut()
            .find(|p| p.id == product_id)
            .ok_or_else(|| WixError::not_found(format!("product {product_id} not found")))?;
        if let Some((unknown, ..)) = updates
            .iter()
            .find(|(id, ..)| !product.variants.iter().any(|v| &v.id == id))
        {
            return Err(WixError::validation(
                "variants.variantId",
                format!("product {product_id} has no variant {unknown}"),
            ));
        }
        product.track_inventory = track;
        for (id, quantity, in_stock) in updates {
            if let Some(variant) = product.variants.iter_mut().find(|v| v.id == id) {
                variant.quantity = quantity;
                variant.in_stock = in_stock;
            }
        }
        Ok(Json(json!({})))
    })
}

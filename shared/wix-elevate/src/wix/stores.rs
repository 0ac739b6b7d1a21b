//! Wix Stores: products and inventory on Catalog V1 or V3 (wix-api.md §6).
//!
//! A site is on one catalog for good, and V3 endpoints answer 428 on a V1 site. The version is asked
//! once per process (`GET /stores/v3/provision/version`) and kept; a failed detection, or a site without
//! Stores (which may install it later), is asked again on the next call. Callers send one request shape;
//! this module writes it the way the site's catalog wants it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use thiserror::Error;
use tokio::sync::OnceCell;

use super::filter::Filter;
use super::{Repeat, Wix, WixError, WixPath};
use crate::WixId;
use crate::money::{Amount, JsonNumber};
use crate::values::{Count, Sku, Text, TextBlock};

/// A stock quantity: 0 to 99,999, the most a Catalog V3 inventory item holds (`@max 99999` in the SDK's
/// `InventoryItem.quantity`); V1 sites get the same bound.
pub type StockQuantity = Count<0, 99_999>;

/// Catalog V1's id of the one variant of a product without options.
pub const V1_DEFAULT_VARIANT: WixId = WixId::nil();

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(
    rename = "CatalogVersion",
    description = "The site's Wix Stores catalog."
)]
pub enum Catalog {
    V1,
    V3,
}

#[derive(Debug, Error)]
pub enum StoresError {
    #[error("Wix Stores is not installed on this site")]
    NotInstalled,
    #[error("the product has several variants: name one with variantId")]
    VariantRequired,
    #[error("the variant's stock is kept at several locations; change it in the Wix dashboard")]
    SeveralLocations,
    #[error("this product variant has no inventory item")]
    NoInventory,
    #[error(transparent)]
    Wix(#[from] WixError),
}

static CATALOG: OnceCell<Catalog> = OnceCell::const_new();

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VersionAnswer {
    catalog_version: Option<String>,
}

/// A product to create, whatever the site's catalog; written the way the site's catalog wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDraft {
    pub name: Text<80>,
    /// Plain text; sent as the HTML each catalog expects, escaped.
    pub description: Option<TextBlock<8000>>,
    pub price: Amount,
    pub sku: Option<Sku>,
    pub visible: bool,
    /// Tracked stock of the new product; without it the product is in stock, untracked.
    pub initial_stock: Option<StockQuantity>,
}

/// A product Wix created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedProduct {
    pub id: WixId,
    pub name: String,
    pub catalog: Catalog,
    pub variant_id: Option<WixId>,
    /// The tracked stock Wix confirmed, if any.
    pub stock: Option<u32>,
}

/// What to set: a tracked quantity, or an untracked in-stock flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stock {
    Quantity(StockQuantity),
    InStock(bool),
}

/// One variant's new stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockChange {
    pub product_id: WixId,
    /// Needed when the product has several variants.
    pub variant_id: Option<WixId>,
    pub stock: Stock,
}

/// A variant's stock after the update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLevel {
    pub product_id: WixId,
    pub variant_id: WixId,
    pub catalog: Catalog,
    pub quantity: Option<u32>,
    pub in_stock: bool,
}

/// Plain text as the HTML both catalogs take for a description: escaped, one paragraph per blank-line
/// separated block, line breaks kept.
pub fn plain_text_html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace("\r\n", "\n");
    escaped
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>")))
        .collect()
}

#[derive(Deserialize)]
struct ProductAnswer {
    product: AnsweredProduct,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AnsweredProduct {
    id: WixId,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    variants_info: Option<VariantsInfo>,
    /// Catalog V1.
    #[serde(default)]
    variants: Vec<AnsweredVariant>,
}

#[derive(Deserialize)]
struct VariantsInfo {
    #[serde(default)]
    variants: Vec<AnsweredVariant>,
}

#[derive(Deserialize)]
struct AnsweredVariant {
    id: Option<WixId>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InventoryItem {
    id: WixId,
    revision: Option<String>,
    variant_id: Option<WixId>,
    #[serde(default)]
    track_quantity: bool,
    quantity: Option<u32>,
    in_stock: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InventoryPage {
    #[serde(default)]
    inventory_items: Vec<InventoryItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InventoryAnswer {
    inventory_item: InventoryItem,
}

/// The body of `POST /stores/v3/products-with-inventory`: enums UPPER_CASE, prices as decimal strings,
/// one variant with its inventory item.
pub(crate) fn v3_product_body(product: &ProductDraft) -> Value {
    let inventory = match product.initial_stock {
        Some(quantity) => json!({ "quantity": quantity }),
        None => json!({ "inStock": true }),
    };
    let mut variant = json!({
        "price": { "actualPrice": { "amount": product.price.to_string() } },
        "visible": product.visible,
        "physicalProperties": {},
        "inventoryItem": inventory,
    });
    if let Some(sku) = &product.sku {
        variant["sku"] = json!(sku);
    }
    let mut body = json!({
        "name": product.name,
        "productType": "PHYSICAL",
        "visible": product.visible,
        "physicalProperties": {},
        "variantsInfo": { "variants": [variant] },
    });
    if let Some(description) = &product.description {
        body["plainDescription"] = json!(plain_text_html(description.as_str()));
    }
    json!({ "product": body })
}

/// The body of `POST /stores/v1/products`: enums lower-case, the price a JSON number. Typed (not a
/// `json!` value) so that the price keeps its exact digits on the wire.
#[derive(Serialize)]
pub(crate) struct V1ProductBody<'a> {
    product: V1Product<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct V1Product<'a> {
    name: &'a str,
    product_type: &'static str,
    price_data: V1Price,
    visible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sku: Option<&'a str>,
}

#[derive(Serialize)]
struct V1Price {
    price: JsonNumber,
}

pub(crate) fn v1_product_body(product: &ProductDraft) -> V1ProductBody<'_> {
    V1ProductBody {
        product: V1Product {
            name: product.name.as_str(),
            product_type: "physical",
            price_data: V1Price {
                price: product.price.as_json_number(),
            },
            visible: product.visible,
            description: product
                .description
                .as_ref()
                .map(|d| plain_text_html(d.as_str())),
            sku: product.sku.as_ref().map(Sku::as_str),
        },
    }
}

/// `{inventoryItem:{trackQuantity, variants:[{variantId, quantity | inStock}]}}` for Catalog V1.
fn v1_inventory_body(variant: &WixId, stock: Stock) -> Value {
    let (track, level) = match stock {
        Stock::Quantity(quantity) => (true, json!({ "variantId": variant, "quantity": quantity })),
        Stock::InStock(in_stock) => (false, json!({ "variantId": variant, "inStock": in_stock })),
    };
    json!({ "inventoryItem": { "trackQuantity": track, "variants": [level] } })
}

/// `{inventoryItem:{id, revision, quantity | inStock}, reason}` for Catalog V3. The tracking method is
/// the one-of itself: `quantity` tracks, `inStock` does not; `trackQuantity` is read-only there.
fn v3_inventory_body(item: &WixId, revision: &str, stock: Stock) -> Value {
    let mut patch = json!({ "id": item, "revision": revision });
    match stock {
        Stock::Quantity(quantity) => patch["quantity"] = json!(quantity),
        Stock::InStock(in_stock) => patch["inStock"] = json!(in_stock),
    }
    json!({ "inventoryItem": patch, "reason": "MANUAL" })
}

/// `GET /stores/v3/inventory-items/query?.r=…`: the SDK's form of Query Inventory Items, the request
/// JSON as unpadded base64url in `.r` (it falls back to POST only past 4000 characters).
fn v3_inventory_query(filter: &Filter) -> [(&'static str, String); 1] {
    let request =
        json!({ "query": { "filter": filter.to_json(), "cursorPaging": { "limit": 100 } } });
    [(".r", URL_SAFE_NO_PAD.encode(request.to_string()))]
}

impl Wix {
    /// The site's catalog version; see the module docs.
    pub async fn catalog(&self) -> Result<Catalog, StoresError> {
        CATALOG
            .get_or_try_init(|| async {
                let path = WixPath::new("/stores/v3/provision/version");
                let answer: VersionAnswer = self.get(&path, &[]).await?;
                match answer.catalog_version.as_deref() {
                    Some("V1_CATALOG") => Ok(Catalog::V1),
                    Some("V3_CATALOG") => Ok(Catalog::V3),
                    Some("STORES_NOT_INSTALLED") => Err(StoresError::NotInstalled),
                    _ => Err(StoresError::Wix(WixError::Unreadable(
                        "unknown catalogVersion".into(),
                    ))),
                }
            })
            .await
            .copied()
    }

    /// Create a physical product with one variant on the site's catalog. Creation is never repeated
    /// (a retry could make a second product). On V1 the initial stock is a second call; if only that one
    /// fails, the product exists without tracked stock and `stock` is `None`.
    pub async fn create_product(
        &self,
        product: &ProductDraft,
    ) -> Result<CreatedProduct, StoresError> {
        let catalog = self.catalog().await?;
        let answer: ProductAnswer = match catalog {
            Catalog::V3 => {
                let path = WixPath::new("/stores/v3/products-with-inventory");
                self.post(&path, &v3_product_body(product), Repeat::Once)
                    .await?
            }
            Catalog::V1 => {
                let path = WixPath::new("/stores/v1/products");
                self.post(&path, &v1_product_body(product), Repeat::Once)
                    .await?
            }
        };
        let created = answer.product;
        let variants = created
            .variants_info
            .map_or(created.variants, |v| v.variants);
        let mut result = CreatedProduct {
            id: created.id,
            name: created
                .name
                .unwrap_or_else(|| product.name.as_str().to_owned()),
            catalog,
            variant_id: variants.first().and_then(|v| v.id),
            stock: product.initial_stock.map(Count::get),
        };
        if let (Catalog::V1, Some(quantity)) = (catalog, product.initial_stock) {
            let variant = result.variant_id.unwrap_or(V1_DEFAULT_VARIANT);
            if let Err(e) = self
                .set_v1_stock(&result.id, &variant, Stock::Quantity(quantity))
                .await
            {
                tracing::warn!(error = %e, product_id = %result.id, "product created without its initial stock");
                result.stock = None;
            }
        }
        Ok(result)
    }

    /// Set one variant's stock on the site's catalog. On V3 the inventory item is looked up and updated
    /// with the revision just read; if someone else wrote it in between, Wix answers 409.
    pub async fn update_inventory(&self, update: &StockChange) -> Result<StockLevel, StoresError> {
        match self.catalog().await? {
            Catalog::V1 => {
                let variant = update.variant_id.unwrap_or(V1_DEFAULT_VARIANT);
                self.set_v1_stock(&update.product_id, &variant, update.stock)
                    .await?;
                let (quantity, in_stock) = match update.stock {
                    Stock::Quantity(q) => (Some(q.get()), q.get() > 0),
                    Stock::InStock(in_stock) => (None, in_stock),
                };
                Ok(StockLevel {
                    product_id: update.product_id,
                    variant_id: variant,
                    catalog: Catalog::V1,
                    quantity,
                    in_stock,
                })
            }
            Catalog::V3 => self.set_v3_stock(update).await,
        }
    }

    async fn set_v1_stock(
        &self,
        product: &WixId,
        variant: &WixId,
        stock: Stock,
    ) -> Result<(), WixError> {
        let path = WixPath::new("/stores/v2/inventoryItems/product").id(product);
        // Setting an absolute level is safe to repeat.
        let _: Value = self
            .patch(&path, &v1_inventory_body(variant, stock), Repeat::Safe)
            .await?;
        Ok(())
    }

    async fn set_v3_stock(&self, update: &StockChange) -> Result<StockLevel, StoresError> {
        let mut filter = Filter::new().eq("productId", update.product_id);
        if let Some(variant) = &update.variant_id {
            filter = filter.and(Filter::new().eq("variantId", variant));
        }
        let page: InventoryPage = self
            .get(
                &WixPath::new("/stores/v3/inventory-items/query"),
                &v3_inventory_query(&filter),
            )
            .await?;
        let item = match page.inventory_items.as_slice() {
            [] => return Err(StoresError::NoInventory),
            [item] => item,
            [..] if update.variant_id.is_none() => return Err(StoresError::VariantRequired),
            [..] => return Err(StoresError::SeveralLocations),
        };
        let revision = item
            .revision
            .as_deref()
            .ok_or_else(|| WixError::Unreadable("inventory item without revision".into()))?;
        let path = WixPath::new("/stores/v3/inventory-items").id(&item.id);
        // The revision makes a repeat harmless: a second write with it is refused, not applied.
        let answer: InventoryAnswer = self
            .patch(
                &path,
                &v3_inventory_body(&item.id, revision, update.stock),
                Repeat::Safe,
            )
            .await?;
        let updated = answer.inventory_item;
        Ok(StockLevel {
            product_id: update.product_id,
            variant_id: updated
                .variant_id
                .or(item.variant_id)
                .unwrap_or(V1_DEFAULT_VARIANT),
            catalog: Catalog::V3,
            quantity: updated.track_quantity.then_some(updated.quantity).flatten(),
            in_stock: updated
                .in_stock
                .unwrap_or_else(|| updated.quantity.is_some_and(|q| q > 0)),
        })
    }
}

/// The answer types this module decodes, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub(crate) const ANSWERS: &[super::AnswerDecoder] = &[
    super::decodes::<VersionAnswer>,
    super::decodes::<ProductAnswer>,
    super::decodes::<InventoryPage>,
    super::decodes::<InventoryAnswer>,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inventory_bodies_follow_each_catalog() {
        let variant = WixId::parse("921768ac-7bfe-4ecc-aa44-ac5757a4aa4e").unwrap();
        let five = Stock::Quantity(StockQuantity::parse(5).unwrap());
        assert_eq!(
            v1_inventory_body(&V1_DEFAULT_VARIANT, Stock::InStock(false)),
            json!({ "inventoryItem": { "trackQuantity": false, "variants": [{ "variantId": "00000000-0000-0000-0000-000000000000", "inStock": false }] } })
        );
        assert_eq!(
            v3_inventory_body(&variant, "4", five),
            json!({ "inventoryItem": { "id": variant, "revision": "4", "quantity": 5 }, "reason": "MANUAL" })
        );
        assert_eq!(
            v3_inventory_body(&variant, "4", Stock::InStock(true)),
            json!({ "inventoryItem": { "id": variant, "revision": "4", "inStock": true }, "reason": "MANUAL" })
        );
    }

    #[test]
    fn the_v3_inventory_query_is_base64url_json_in_dot_r() {
        let product = WixId::parse("921768ac-7bfe-4ecc-aa44-ac5757a4aa4e").unwrap();
        let [(name, value)] = v3_inventory_query(&Filter::new().eq("productId", product));
        assert_eq!(name, ".r");
        assert!(!value.contains(['+', '/', '=']), "{value}");
        let decoded: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(value).unwrap()).unwrap();
        assert_eq!(
            decoded,
            json!({ "query": { "filter": { "productId": { "$eq": product } }, "cursorPaging": { "limit": 100 } } })
        );
    }

    #[test]
    fn stock_quantities_stop_at_v3s_99999() {
        assert!(StockQuantity::parse(99_999).is_ok());
        assert!(StockQuantity::parse(100_000).is_err());
    }

    #[test]
    fn descriptions_are_escaped_html_paragraphs() {
        assert_eq!(
            plain_text_html("a & b\nnext line\r\n\r\n\"quoted\" 'x'"),
            "<p>a &amp; b<br>next line</p><p>&quot;quoted&quot; &#39;x&#39;</p>"
        );
    }
}

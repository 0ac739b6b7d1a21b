//! Products and inventory as callers send them; Wix Stores' refusals in our words. The catalog (V1 or
//! V3) and each catalog's wire shape are in [`crate::wix::stores`].

use schemars::JsonSchema;
use serde::Deserialize;

use crate::money::Amount;
use crate::values::{Sku, Text, TextBlock};
use crate::wix::stores::{ProductDraft, Stock, StockChange, StockQuantity, StoresError};
use crate::{ApiError, WixId};

impl From<StoresError> for ApiError {
    fn from(error: StoresError) -> Self {
        match error {
            // Not a transient failure (503) but the site's state: it has no store to act on.
            StoresError::NotInstalled => {
                ApiError::Conflict("Wix Stores is not installed on this site".into())
            }
            StoresError::VariantRequired => {
                ApiError::bad_request("the product has several variants: name one with variantId")
            }
            StoresError::SeveralLocations | StoresError::NoInventory => {
                ApiError::Conflict(error.to_string())
            }
            StoresError::Wix(e) => match e.status() {
                Some(404) => ApiError::NotFound("no such product or variant"),
                Some(409) => ApiError::Conflict(
                    "the inventory changed while it was being updated; try again".into(),
                ),
                Some(428) => ApiError::Conflict(
                    "Wix Stores refused the call for this site's catalog version".into(),
                ),
                _ => e.into(),
            },
        }
    }
}

/// What a caller sends to create a product, whatever the site's catalog.
#[derive(Debug, Deserialize)]
#[serde(from = "NewProductRequest")]
pub struct NewProduct(pub ProductDraft);

crate::schema_via!(NewProduct => NewProductRequest);

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NewProductRequest {
    name: Text<80>,
    /// Plain text; sent as the HTML each catalog expects, escaped.
    #[serde(default)]
    description: Option<TextBlock<8000>>,
    price: Amount,
    #[serde(default)]
    sku: Option<Sku>,
    #[serde(default = "visible_by_default")]
    visible: bool,
    /// Tracked stock of the new product; without it the product is in stock, untracked.
    #[serde(default)]
    initial_stock: Option<StockQuantity>,
}

fn visible_by_default() -> bool {
    true
}

impl From<NewProductRequest> for NewProduct {
    fn from(r: NewProductRequest) -> Self {
        NewProduct(ProductDraft {
            name: r.name,
            description: r.description,
            price: r.price,
            sku: r.sku,
            visible: r.visible,
            initial_stock: r.initial_stock,
        })
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct InventoryRequest {
    product_id: WixId,
    /// Needed when the product has several variants.
    #[serde(default)]
    variant_id: Option<WixId>,
    /// Track the stock, at this quantity.
    #[serde(default)]
    quantity: Option<StockQuantity>,
    /// Do not track the stock; the variant is in stock or not.
    #[serde(default)]
    in_stock: Option<bool>,
}

/// What a caller sends to change one variant's stock: exactly one of `quantity` and `inStock`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "InventoryRequest")]
pub struct InventoryUpdate(pub StockChange);

crate::schema_via!(InventoryUpdate => InventoryRequest, {
    "description": "Exactly one of `quantity` and `inStock`.",
    "oneOf": [
        {"title": "tracked", "required": ["quantity"], "properties": {"inStock": false}},
        {"title": "untracked", "required": ["inStock"], "properties": {"quantity": false}}
    ]
});

impl TryFrom<InventoryRequest> for InventoryUpdate {
    type Error = &'static str;
    fn try_from(request: InventoryRequest) -> Result<Self, Self::Error> {
        let stock = match (request.quantity, request.in_stock) {
            (Some(quantity), None) => Stock::Quantity(quantity),
            (None, Some(in_stock)) => Stock::InStock(in_stock),
            _ => return Err("give exactly one of quantity and inStock"),
        };
        Ok(InventoryUpdate(StockChange {
            product_id: request.product_id,
            variant_id: request.variant_id,
            stock,
        }))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::wix::stores::{Stock, v1_product_body, v3_product_body};

    fn product(json: Value) -> ProductDraft {
        serde_json::from_value::<NewProduct>(json).unwrap().0
    }

    #[test]
    fn one_request_becomes_each_catalogs_shape() {
        let request = product(json!({
            "name": "Canvas Tee", "description": "Soft <b>cotton</b>\n\nWash cold", "price": "18.5",
            "sku": "TEE-1", "initialStock": 13
        }));
        assert_eq!(
            v3_product_body(&request),
            json!({ "product": {
                "name": "Canvas Tee", "productType": "PHYSICAL", "visible": true, "physicalProperties": {},
                "plainDescription": "<p>Soft &lt;b&gt;cotton&lt;/b&gt;</p><p>Wash cold</p>",
                "variantsInfo": { "variants": [{
                    "sku": "TEE-1", "price": { "actualPrice": { "amount": "18.50" } }, "visible": true,
                    "physicalProperties": {}, "inventoryItem": { "quantity": 13 }
                }] }
            } })
        );
        let v1 = serde_json::to_string(&v1_product_body(&request)).unwrap();
        assert_eq!(
            v1,
            r#"{"product":{"name":"Canvas Tee","productType":"physical","priceData":{"price":18.50},"visible":true,"description":"<p>Soft &lt;b&gt;cotton&lt;/b&gt;</p><p>Wash cold</p>","sku":"TEE-1"}}"#
        );
    }

    #[test]
    fn without_initial_stock_a_v3_product_is_in_stock_untracked() {
        let request = product(json!({ "name": "Mug", "price": "9.00", "visible": false }));
        let body = v3_product_body(&request);
        let variant = &body["product"]["variantsInfo"]["variants"][0];
        assert_eq!(variant["inventoryItem"], json!({ "inStock": true }));
        assert_eq!(body["product"]["visible"], false);
        assert!(body["product"].get("plainDescription").is_none());
    }

    #[test]
    fn bad_products_are_refused_when_parsed() {
        let base = json!({ "name": "Mug", "price": "9.00" });
        assert!(
            serde_json::from_value::<NewProduct>(base.clone()).is_ok(),
            "the base body parses, so each refusal below is the bad field's"
        );
        for (field, bad) in [
            ("price", json!("-1")),
            ("price", json!(9)),
            ("price", json!("9.999")),
            ("price", json!("0")),
            ("initialStock", json!(-1)),
            ("initialStock", json!(1_000_001)),
            ("name", json!("")),
            ("name", json!("x".repeat(81))),
            ("sku", json!("has space")),
            ("extra", json!(1)),
        ] {
            let mut body = base.clone();
            body[field] = bad;
            assert!(
                serde_json::from_value::<NewProduct>(body.clone()).is_err(),
                "{body}"
            );
        }
    }

    #[test]
    fn an_inventory_update_sets_exactly_one_of_quantity_and_in_stock() {
        let id = "4affce55-3a1e-4fc7-a724-7c769e5299d8";
        let update: InventoryUpdate =
            serde_json::from_value(json!({ "productId": id, "quantity": 5 })).unwrap();
        assert_eq!(
            update.0.stock,
            Stock::Quantity(StockQuantity::parse(5).unwrap())
        );
        for bad in [
            json!({ "productId": id }),
            json!({ "productId": id, "quantity": 5, "inStock": true }),
            json!({ "productId": "../products", "quantity": 5 }),
            json!({ "productId": id, "variantId": "default", "quantity": 5 }),
            json!({ "productId": id, "quantity": -5 }),
            json!({ "productId": id, "quantity": 5, "locationId": id }),
        ] {
            assert!(
                serde_json::from_value::<InventoryUpdate>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
